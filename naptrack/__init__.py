"""naptrack: monitoring and reporting of National Action Plans on Women, Peace and Security."""

__version__ = "0.1.0"
