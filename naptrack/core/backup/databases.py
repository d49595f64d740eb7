"""The database in a backup: a consistent copy taken while people keep writing, the schema it is
at, whether a target is empty, and putting a copy back.

SQLite goes through its online backup API, PostgreSQL through pg_dump and pg_restore. The
password reaches those programs through PGPASSWORD in their environment, never on a command line
that `ps` would show.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings

from naptrack.core.backup.archive import BackupError, make_folders

# Connection options DATABASE_URL may carry (?sslmode=require) and libpq's variables for them.
LIBPQ_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


def engine() -> str:
    """`sqlite` or `postgresql`: the two databases naptrack runs on."""
    from django.db import connection

    if connection.vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"backups cover SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def latest_migrations(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The latest applied migration per app, from django_migrations rows in the order applied."""
    latest: dict[str, str] = {}
    for app, name in rows:
        latest[app] = name
    return dict(sorted(latest.items()))


def unknown_migrations(migrations: dict[str, str]) -> list[str]:
    """The archive's migrations this code does not have: its schema is newer than this code."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    # A squashed migration stands for the ones it replaces, which may be gone from the code.
    for migration in loader.disk_migrations.values():
        known.update(tuple(key) for key in migration.replaces)
    return [f"{app}.{name}" for app, name in sorted(migrations.items()) if (app, name) not in known]


# --- the copy ---------------------------------------------------------------------------------


def copy_sqlite(dest: Path) -> dict[str, Any]:
    source_path = sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}: nothing to back up (is NAPTRACK_DATA_DIR right?)")
    source = sqlite3.connect(source_path, timeout=20)
    target = sqlite3.connect(dest)
    try:
        # One step (pages=-1): the whole copy is read in a single read transaction, a snapshot of
        # what was committed when it began, while WAL lets writers carry on beside it. Copied in
        # several steps, every write in between would make SQLite start the copy over.
        source.backup(target, pages=-1)
        # One self-contained file, whatever the source's journal mode.
        target.execute("PRAGMA journal_mode=DELETE")
        rows = target.execute("SELECT app, name FROM django_migrations ORDER BY id").fetchall()
    except sqlite3.Error as exc:
        if "no such table" in str(exc):
            raise BackupError(f"the database {source_path} has no naptrack tables: nothing to back up") from None
        raise BackupError(f"cannot copy the database {source_path}: {exc}") from None
    finally:
        target.close()
        source.close()
    return {"engine": "sqlite", "migrations": latest_migrations(rows)}


def copy_postgresql(dest: Path) -> dict[str, Any]:
    """pg_dump in the custom format, of a snapshot exported from a transaction that also reads the
    schema's migrations, so that the manifest describes exactly the dump."""
    from django.db import DatabaseError, connection, transaction

    _require_program("pg_dump")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version')")
            snapshot, server_version = cursor.fetchone()
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
            rows = cursor.fetchall()
            _run_pg("pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}", f"--file={dest}")
    except DatabaseError as exc:
        if "django_migrations" in str(exc):
            raise BackupError(f"the database {_pg_name()} has no naptrack tables: nothing to back up") from None
        raise
    return {
        "engine": "postgresql",
        "server_version": server_version,
        "pg_dump_version": _version("pg_dump"),
        "migrations": latest_migrations(rows),
    }


# --- the target -------------------------------------------------------------------------------


def sqlite_tables(path: Path) -> int:
    """How many tables, views and indexes the SQLite file at `path` holds (0 when absent); a file
    that is not a database counts as full, so that nothing overwrites it."""
    if not path.exists():
        return 0
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 1


def postgresql_tables() -> list[str]:
    from django.db import connection

    return sorted(connection.introspection.table_names())


def restore_sqlite(copy: Path) -> None:
    """Put the copy in place of an absent or empty database file, in one rename. The old file's
    WAL and shared-memory files go first: SQLite would replay a stale WAL into the new file."""
    target = sqlite_path()
    make_folders(target.parent)
    try:
        check = sqlite3.connect(copy)
        try:
            result = check.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            check.close()
    except sqlite3.Error as exc:
        raise BackupError(f"the archive's database is not usable: {exc}") from None
    if result != "ok":
        raise BackupError(f"the archive's database is not usable: {result}")
    for suffix in ("-wal", "-shm", "-journal"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    move(copy, target)


def restore_postgresql(dump: Path) -> None:
    """pg_restore in one transaction: it all goes in, or nothing does. Objects belong to the user
    DATABASE_URL names, whoever owned them in the original database."""
    from django.db import connections

    _require_program("pg_restore")
    connections.close_all()
    _run_pg(
        "pg_restore",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        "--no-password",
        f"--dbname={settings.DATABASES['default']['NAME']}",
        str(dump),
    )


def move(source: Path, target: Path) -> None:
    """Rename, or copy then rename when the two are on different file systems (a database file
    kept outside the data directory)."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        partial = target.with_name(f".{target.name}.restoring")
        shutil.copyfile(source, partial)
        os.chmod(partial, 0o600)
        with open(partial, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target)
        source.unlink()


# --- PostgreSQL's programs --------------------------------------------------------------------


def _pg_name() -> str:
    db = settings.DATABASES["default"]
    return f"{db['NAME']} on {db.get('HOST') or 'localhost'}"


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if db.get(key):
            env[variable] = str(db[key])
    for option, variable in LIBPQ_ENV.items():
        if option in db.get("OPTIONS", {}):
            env[variable] = str(db["OPTIONS"][option])
    env["PGDATABASE"] = db["NAME"]
    return env


def _require_program(name: str) -> None:
    if shutil.which(name) is None:
        raise BackupError(
            f"{name} is not installed: install PostgreSQL's client programs, of the server's major version or newer"
        )


def _run_pg(program: str, *args: str) -> None:
    result = subprocess.run([program, *args], env=_pg_env(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        errors = [line for line in lines if "error:" in line] or lines or [f"exit status {result.returncode}"]
        raise BackupError(f"{program} failed: {errors[0].strip()}")


def _version(program: str) -> str:
    result = subprocess.run([program, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"\d+(?:\.\d+)+", result.stdout)  # "pg_dump (PostgreSQL) 15.20 (Debian ...)"
    return found.group() if found else ""
