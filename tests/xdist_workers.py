"""A data directory per pytest-xdist worker, made before Django reads its settings.

scripts/test loads this module first (`-p tests.xdist_workers`), when pytest starts and before
pytest-django imports the settings, which read NAPTRACK_DATA_DIR once. Workers sharing one
directory would share files named after database ids that each worker's own test database
gives out again: a report, an upload or a backup of one worker would be found by another.
"""

from __future__ import annotations

import os
from pathlib import Path

_worker = os.environ.get("PYTEST_XDIST_WORKER")
_base = os.environ.get("NAPTRACK_DATA_DIR")
if _worker and _base:
    _own = Path(_base) / _worker
    _own.mkdir(parents=True, exist_ok=True)
    os.environ["NAPTRACK_DATA_DIR"] = str(_own)
