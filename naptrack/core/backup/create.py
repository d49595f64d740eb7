"""Writing a backup: the database copy first, then the files, then the manifest.

The order matters. Every file a row of the database copy names was complete before that row was
committed, so before the copy began, and is read whole afterwards. A file written after the copy
began may be caught half-written, but no row of the copy names it. A file deleted after the copy
began (evidence removed meanwhile) is left out; its row, in the copy, points at nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage

from naptrack.core.backup import databases
from naptrack.core.backup.archive import DATABASE_MEMBERS, FORMAT, SECRET_KEY, UPLOADS, ArchiveWriter, BackupError
from naptrack.core.pending import ROOT as PENDING_ROOT

# Folders of the storage left out: caches (what they hold is made again when it is missing) and
# uploads waiting for a confirmation (core/pending.py), gone a day later anyway.
SKIPPED = {"report-cache", PENDING_ROOT}


@dataclass
class Created:
    path: Path
    size: int
    engine: str
    files: int
    reports: int
    secret_key: bool


def backup_create(output: Path) -> Created:
    """Write the backup archive to `output` (mode 0600), replacing it in one rename once it is
    complete and on disk: a backup that fails halfway leaves any earlier file at `output` whole."""
    engine = databases.engine()
    if output.is_dir():
        raise BackupError(f"cannot write {output}: it is a folder; name the archive, e.g. {output}/naptrack.tar.gz")
    if not output.parent.is_dir():
        raise BackupError(f"cannot write {output}: no folder {output.parent}")
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{output.name}.", dir=output.parent))
    except OSError as exc:
        raise BackupError(f"cannot write in {output.parent}: {exc.strerror}") from None
    try:
        return _write(output, staging, engine)
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        raise BackupError(f"backup failed: {exc.strerror or exc}{where}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _write(output: Path, staging: Path, engine: str) -> Created:
    started = dt.datetime.now(dt.UTC)
    database = DATABASE_MEMBERS[engine]
    copy = staging / database
    described = databases.copy_sqlite(copy) if engine == "sqlite" else databases.copy_postgresql(copy)
    key = secret_key_file()
    partial = staging / "archive.tar.gz"
    files = reports = 0
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw:
        writer = ArchiveWriter(raw)
        writer.add(database, copy)
        if key is not None:
            writer.add(SECRET_KEY, key)
        for name, stored in stored_files():
            if writer.add_stored(name, default_storage, stored):
                files += 1
                reports += name.startswith(f"{UPLOADS}/reports/")
        writer.close(manifest(started, described, key is not None))
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, output)
    sync_folder(output.parent)
    return Created(output, output.stat().st_size, engine, files, reports, key is not None)


def manifest(started: dt.datetime, database: dict[str, Any], with_key: bool) -> dict[str, Any]:
    import django

    migrations = database.pop("migrations")
    return {
        "format": FORMAT,
        "created_at": started.isoformat(timespec="seconds"),
        "naptrack_version": naptrack_version(),
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "database": {**database, "member": DATABASE_MEMBERS[database["engine"]]},
        "migrations": migrations,
        # "environment": the key was given as SECRET_KEY; the restored installation needs it too.
        "secret_key": "included" if with_key else "environment",
    }


def naptrack_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("naptrack")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def secret_key_file() -> Path | None:
    """The key file of the data directory when it is the key in use; None when SECRET_KEY comes
    from the environment (settings._secret_key prefers it), which then stays out of the archive."""
    path = Path(settings.DATA_DIR) / SECRET_KEY
    try:
        in_use = path.read_text().strip() == settings.SECRET_KEY
    except OSError:
        return None
    return path if in_use else None


def stored_files() -> Iterator[tuple[str, str]]:
    """Every file of the file storage (evidence, civil-society files, published reports), the
    caches and the uploads waiting for confirmation aside, as (name in the archive, name in the
    storage), in a stable order. Through the storage API, so that an object store is backed up
    as the data directory's folder is."""
    yield from _walk("")


def _walk(folder: str) -> Iterator[tuple[str, str]]:
    try:
        dirs, files = default_storage.listdir(folder)
    except FileNotFoundError:  # no file was ever stored
        return
    if not folder:
        dirs = [d for d in dirs if d not in SKIPPED]
    for name in sorted(files):
        stored = f"{folder}/{name}" if folder else name
        yield f"{UPLOADS}/{stored}", stored
    for sub in sorted(dirs):
        yield from _walk(f"{folder}/{sub}" if folder else sub)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a rename into it survives power loss too."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
