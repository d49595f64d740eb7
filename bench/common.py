"""What the benches that fill a database share: Django set up on a data directory of their own."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def django_setup(database_url: str | None) -> None:
    """Django on NAPTRACK_DATA_DIR (a new temporary folder when unset) and on `database_url`
    (default: SQLite there), with e-mails kept in memory, where the bench counts them and sends
    nothing; English active."""
    if not os.environ.get("NAPTRACK_DATA_DIR"):
        os.environ["NAPTRACK_DATA_DIR"] = tempfile.mkdtemp(prefix="naptrack-bench-")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")
