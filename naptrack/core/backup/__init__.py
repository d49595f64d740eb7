"""Backing up an installation into one archive, and restoring it into an empty one.

The archive (`naptrack-backup/1`, a gzip-compressed tar) holds a consistent copy of the database
taken while people keep working, the uploaded and generated files, the secret key when it lives
in the data directory, and a manifest with the versions, the schema and a checksum per member.
A restore checks every checksum and the schema before it touches anything, refuses a target that
already holds data, and puts everything in place or nothing.

    backup_create(Path("naptrack.tar.gz"))   # -> Created
    backup_restore(Path("naptrack.tar.gz"))  # -> Restored

Both raise BackupError with a one-line reason a person can act on.
"""

from naptrack.core.backup.archive import FORMAT, BackupError
from naptrack.core.backup.create import Created, backup_create
from naptrack.core.backup.restore import Restored, backup_restore

__all__ = ["FORMAT", "BackupError", "Created", "Restored", "backup_create", "backup_restore"]
