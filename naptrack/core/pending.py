"""Uploads waiting for a person's confirmation (a plan document, a department workbook).

The file is kept in the file storage (Django's default storage: the data directory's uploads
folder, or an object store) under a random token between the preview and the confirmation, so
that nothing is written to the database before the person has seen what will change; only the
uploader can reach it, and what nobody confirmed is removed a day later. Through the storage
rather than the local disk, so that the confirmation may reach another app server than the
preview did.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

KEEP = timedelta(hours=24)
# The storage's folder for uploads waiting; backups leave it out (core/backup/create.py).
ROOT = "pending"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class Pending:
    """One upload's files in the storage, under pending/<kind>/<token>/."""

    kind: str
    token: str

    @property
    def folder(self) -> str:
        return f"{ROOT}/{self.kind}/{self.token}"

    def write(self, name: str, data: bytes | File) -> None:
        path = f"{self.folder}/{name}"
        default_storage.delete(path)  # written once in practice; never a renamed copy beside it
        saved = default_storage.save(path, data if isinstance(data, File) else ContentFile(data))
        if saved != path:
            raise OSError(f"the storage renamed {path} to {saved}")

    def read(self, name: str) -> bytes:
        with default_storage.open(f"{self.folder}/{name}", "rb") as stored:
            return stored.read()

    def write_json(self, name: str, value: Any) -> None:
        self.write(name, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    def read_json(self, name: str) -> Any:
        return json.loads(self.read(name).decode("utf-8"))

    @contextlib.contextmanager
    def local(self, name: str) -> Iterator[Path]:
        """A local copy of a stored file, under its own name, for readers that need a path
        (pdfplumber, the plan importers); removed afterwards."""
        folder = Path(tempfile.mkdtemp(prefix="naptrack-pending-"))
        try:
            path = folder / name
            path.write_bytes(self.read(name))
            yield path
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def remove(self) -> None:
        """Every file of the upload; what cannot be removed now goes with the stale ones."""
        with contextlib.suppress(OSError):
            _remove_folder(self.folder)


def _remove_folder(folder: str) -> None:
    dirs, files = default_storage.listdir(folder)
    for sub in dirs:
        _remove_folder(f"{folder}/{sub}")
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    # A file system keeps the emptied folder (an object store has none): it goes too.
    with contextlib.suppress(OSError, NotImplementedError):
        default_storage.delete(folder)


def _modified(folder: str) -> datetime | None:
    """When the newest file of an upload was written; None when it has none or the storage
    cannot say."""
    try:
        _dirs, files = default_storage.listdir(folder)
        times = [default_storage.get_modified_time(f"{folder}/{name}") for name in files]
    except (OSError, NotImplementedError):
        return None
    return max(times, default=None)


def pending_remove_stale(kind: str) -> None:
    root = f"{ROOT}/{kind}"
    try:
        tokens, _files = default_storage.listdir(root)
    except (FileNotFoundError, NotImplementedError):
        return
    now = datetime.now(UTC)
    for token in tokens:
        modified = _modified(f"{root}/{token}")
        if modified is None or now - modified.astimezone(UTC) > KEEP:
            Pending(kind, token).remove()


def pending_create(kind: str) -> tuple[str, Pending]:
    """A new upload's place and its token; clears out stale uploads first."""
    pending_remove_stale(kind)
    token = secrets.token_urlsafe(24)
    return token, Pending(kind, token)


def pending_store(pending: Pending, upload: UploadedFile, stem: str) -> str:
    """The upload written as `stem` and the upload's suffix (lower case), that name returned. Not
    under the name the person's computer gave it: a long name in accented letters passes the
    file system's 255 bytes, and one made of signs alone loses its stem and so its suffix when
    made safe. The readers name the file as stored: as_uploaded puts the upload's name back."""
    name = f"{stem}{PurePosixPath(upload.name or '').suffix.lower()}"
    pending.write(name, upload)
    return name


def as_uploaded(message: str, stored: str, name: str) -> str:
    """A reader's message about the file stored as `stored`, naming it as it was uploaded."""
    return message.replace(stored, name)


def pending_load(kind: str, token: str, meta_name: str, user_id: int) -> tuple[Pending, dict[str, Any]]:
    """An upload and its metadata, for its uploader only: anyone else, or a token that is
    malformed or gone, gets a 404 that tells nothing."""
    if not _TOKEN.match(token):
        raise Http404
    pending = Pending(kind, token)
    try:
        meta = pending.read_json(meta_name)
    except (OSError, ValueError):
        raise Http404 from None
    if not isinstance(meta, dict) or meta.get("user") != user_id:
        raise Http404
    return pending, meta
