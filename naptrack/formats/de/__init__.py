"""See naptrack/formats/__init__.py."""
