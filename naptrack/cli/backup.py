"""`naptrack backup` and `naptrack restore`: the installation in one archive, and back.

Neither brings the schema up to date first, unlike the other commands: a backup copies the
database as it is (the copy to keep before an upgrade), and a restore needs an empty database,
which migrating would fill. The command after a restore applies the migrations still pending.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from naptrack.cli.common import Failure

BACKUP_DESCRIPTION = (
    "Write one archive (a .tar.gz) holding a consistent copy of the database, taken while people "
    "keep working (SQLite's online backup API, or pg_dump for PostgreSQL), the uploaded evidence and "
    "the published reports, the secret key when it is kept in the data directory, and manifest.json "
    "with the versions, the database schema and a SHA-256 checksum per file. The archive is written "
    "with mode 0600 and appears at FILE only once complete; an existing FILE is replaced. For cron: "
    "naptrack backup -o /backups/naptrack-$(date +%F).tar.gz"
)
RESTORE_DESCRIPTION = (
    "Restore an archive written by 'naptrack backup' into an empty installation: the data directory "
    "(NAPTRACK_DATA_DIR) may hold only what naptrack creates when it starts (secret_key, static/, an "
    "SQLite database without tables), and a PostgreSQL database (DATABASE_URL) must have no tables. "
    "Every checksum is verified before anything is written; a damaged archive, one from a database "
    "engine other than the configured one, or one whose schema is newer than this naptrack is refused. "
    "Everything is restored, or nothing. The next naptrack command applies any migration the archive's "
    "schema lacks."
)


def add_parser(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser(
        "backup", help="write a backup archive of the installation", description=BACKUP_DESCRIPTION
    )
    backup.add_argument("-o", "--output", metavar="FILE", required=True, type=Path, help="the archive to write")
    backup.set_defaults(func=cmd_backup, migrate_first=False)
    restore = commands.add_parser(
        "restore", help="restore a backup archive into an empty installation", description=RESTORE_DESCRIPTION
    )
    restore.add_argument("file", metavar="FILE", type=Path, help="an archive written by 'naptrack backup'")
    restore.set_defaults(func=cmd_restore, migrate_first=False)


def cmd_backup(args: argparse.Namespace) -> None:
    from naptrack.core.backup import BackupError, backup_create

    try:
        created = backup_create(args.output)
    except BackupError as exc:
        raise Failure(str(exc)) from None
    key = "the secret key" if created.secret_key else "no secret key (SECRET_KEY comes from the environment)"
    print(
        f"wrote {created.path} ({_size(created.size)}): the {created.engine} database, {created.files} stored "
        f"file(s) of which {created.reports} published report(s), {key}"
    )


def cmd_restore(args: argparse.Namespace) -> None:
    from naptrack.core.backup import BackupError, backup_restore

    try:
        restored = backup_restore(args.file)
    except BackupError as exc:
        raise Failure(str(exc)) from None
    manifest = restored.manifest
    print(
        f"restored {args.file} (taken {manifest['created_at']} by naptrack {manifest['naptrack_version']}): "
        f"the {manifest['database']['engine']} database, {restored.files} stored file(s), "
        + ("the secret key" if manifest["secret_key"] == "included" else "no secret key")
    )
    for note in restored.notes:
        print(f"note: {note}")


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n} bytes"
