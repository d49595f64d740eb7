"""Restoring a backup into an empty installation, all of it or nothing.

In order: read the whole archive and check every member against the manifest (nothing written
yet); refuse a format, a database engine or a schema this code does not know; refuse a target
that holds data; extract into a folder of the data directory; put the files into the file
storage (through Django's storage API: the local folder or an object store); put the database
in last (SQLite: one rename; PostgreSQL: pg_restore in one transaction). When the database
cannot go in, the files stored are deleted again.

"Empty" is what naptrack creates when it starts on a new data directory: the generated
`secret_key`, the `static/` folder, and at most an SQLite database without tables.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

from naptrack.core.backup import databases
from naptrack.core.backup.archive import (
    FORMAT,
    SECRET_KEY,
    UPLOADS,
    BackupError,
    extract_verified,
    read_verified,
)
from naptrack.core.backup.create import stored_files, sync_folder

STAGING_PREFIX = ".restore-"
ENGINE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass
class Restored:
    manifest: dict[str, Any]
    files: int
    notes: list[str] = field(default_factory=list)


def backup_restore(archive: Path) -> Restored:
    if not archive.is_file():
        raise BackupError(f"no file {archive}")
    manifest = read_verified(archive)
    check_compatible(archive, manifest)
    engine = manifest["database"]["engine"]
    data_dir = Path(settings.DATA_DIR)
    check_empty(data_dir, engine)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=data_dir))
    undo: list[Callable[[], None]] = []
    try:
        extract_verified(archive, manifest, staging)
        _move_files(staging, data_dir, undo)
        database = staging / manifest["database"]["member"]
        if engine == "sqlite":
            databases.restore_sqlite(database)
        else:
            databases.restore_postgresql(database)
        folders = {data_dir, Path(settings.MEDIA_ROOT)}
        if engine == "sqlite":
            folders.add(databases.sqlite_path().parent)
        for folder in folders:
            if folder.is_dir():
                sync_folder(folder)
    except BaseException as exc:
        for step in reversed(undo):
            # Best effort: the reason the restore failed matters more than a failed step back.
            with contextlib.suppress(OSError):
                step()
        if isinstance(exc, OSError):
            where = f" ({exc.filename})" if exc.filename else ""
            raise BackupError(f"restore failed, nothing was restored: {exc.strerror or exc}{where}") from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    files = sum(1 for name in manifest["members"] if name.startswith(f"{UPLOADS}/"))
    return Restored(manifest, files, _notes(manifest))


def check_compatible(archive: Path, manifest: dict[str, Any]) -> None:
    """This code can restore the archive: its format, the configured database's engine, and a
    schema no newer than the code's (an older one is brought up to date by the next command)."""
    if manifest["format"] != FORMAT:
        if manifest["format"].startswith("naptrack-backup/"):
            raise BackupError(
                f"{archive} is in the format {manifest['format']}, from a newer naptrack; this one reads {FORMAT}"
            )
        raise BackupError(f"{archive} is not a naptrack backup (format {manifest['format']!r})")
    try:
        engine = manifest["database"]["engine"]
        member = manifest["database"]["member"]
        migrations = manifest["migrations"]
        assert member in manifest["members"] and isinstance(migrations, dict)
    except (KeyError, TypeError, AssertionError):
        raise BackupError(f"{archive} is damaged: its manifest does not describe its database") from None
    here = databases.engine()
    if engine != here:
        raise BackupError(
            f"{archive} holds a {ENGINE_NAMES.get(engine, engine)} database, and DATABASE_URL names a "
            f"{ENGINE_NAMES[here]} one: restore it on the engine it was taken from"
        )
    unknown = databases.unknown_migrations(migrations)
    if unknown:
        raise BackupError(
            f"{archive} has a newer database schema than this naptrack knows (migration "
            f"{', '.join(unknown)}): restore it with naptrack {manifest.get('naptrack_version', '?')} or later"
        )


def check_empty(data_dir: Path, engine: str) -> None:
    """Refuse a target that holds anything a restore would overwrite or leave mixed in."""
    database = databases.sqlite_path() if engine == "sqlite" else None
    allowed = {SECRET_KEY, "static"}
    if database is not None and database.parent.resolve() == data_dir.resolve():
        allowed |= {database.name + suffix for suffix in ("", "-wal", "-shm", "-journal")}
    media = Path(settings.MEDIA_ROOT)
    held = []
    for entry in sorted(data_dir.iterdir()):
        if entry.name.startswith(STAGING_PREFIX) and entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)  # left by a restore that was interrupted
        elif entry == media and entry.is_dir():
            continue  # the file storage's folder, checked through the storage below
        elif entry.name not in allowed:
            held.append(entry.name + ("/" if entry.is_dir() else ""))
    if next(stored_files(), None) is not None:
        held.append(f"{media.name}/ (files in the file storage)")
    if database is not None and (tables := databases.sqlite_tables(database)):
        held.append(
            f"{database if database.parent.resolve() != data_dir.resolve() else database.name} "
            f"({tables} tables and indexes)"
        )
    if held:
        raise BackupError(
            f"the data directory {data_dir} is not empty: it holds {', '.join(held)}; restore into a new "
            "NAPTRACK_DATA_DIR, which may hold only what naptrack creates when it starts (secret_key, static/ "
            "and a database without tables)"
        )
    if engine == "postgresql" and (tables := databases.postgresql_tables()):
        db = settings.DATABASES["default"]
        raise BackupError(
            f"the database {db['NAME']} is not empty ({len(tables)} tables, e.g. {tables[0]}); create a new "
            "database (createdb) and point DATABASE_URL at it"
        )


def _move_files(staging: Path, data_dir: Path, undo: list[Callable[[], None]]) -> None:
    """The uploads into the file storage (through its API: a local folder or an object store)
    and the secret key into place, each step with the one that takes it back."""
    uploads = staging / UPLOADS
    if uploads.is_dir():
        for path in sorted(p for p in uploads.rglob("*") if p.is_file()):
            name = path.relative_to(uploads).as_posix()
            with path.open("rb") as content:
                saved = default_storage.save(name, File(content))
            undo.append(lambda saved=saved: default_storage.delete(saved))
            if saved != name:  # the storage was empty: check_empty said so
                raise BackupError(f"restore failed: the file storage stored {name} as {saved}")
    key, target = staging / SECRET_KEY, data_dir / SECRET_KEY
    if key.is_file():
        previous = target.read_bytes() if target.is_file() else None
        key.replace(target)
        undo.append(lambda: _put_back(target, previous))


def _put_back(path: Path, content: bytes | None) -> None:
    if content is None:
        path.unlink(missing_ok=True)
    else:
        path.write_bytes(content)


def _notes(manifest: dict[str, Any]) -> list[str]:
    notes = []
    if manifest.get("secret_key") == "environment" and not os.environ.get("SECRET_KEY"):
        notes.append(
            "the archive holds no secret key (the installation had SECRET_KEY in its environment): "
            "give this one the same SECRET_KEY, or signed-in sessions and signed workbooks stop working"
        )
    elif manifest.get("secret_key") == "included" and os.environ.get("SECRET_KEY"):
        notes.append(
            "SECRET_KEY in the environment overrides the restored secret_key file; unset it to use the "
            "installation's own key"
        )
    return notes
