"""Uploads waiting for a person's confirmation (a plan document, a department workbook).

The file is kept in the data directory under a random token between the preview and the
confirmation, so that nothing is written to the database before the person has seen what will
change; only the uploader can reach it, and what nobody confirmed is removed a day later.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404

KEEP_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


def pending_root(kind: str) -> Path:
    return Path(settings.DATA_DIR) / kind


def pending_remove_stale(kind: str) -> None:
    root = pending_root(kind)
    if not root.exists():
        return
    now = time.time()
    for entry in root.iterdir():
        try:
            if entry.is_dir() and now - entry.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            continue


def pending_create(kind: str) -> tuple[str, Path]:
    """A new, empty folder for an upload, and its token; clears out stale uploads first."""
    pending_remove_stale(kind)
    token = secrets.token_urlsafe(24)
    folder = pending_root(kind) / token
    folder.mkdir(parents=True)
    return token, folder


def pending_store(folder: Path, upload: UploadedFile, stem: str) -> Path:
    """The upload written into its folder as `stem` and the upload's suffix (lower case). Not
    under the name the person's computer gave it: a long name in accented letters passes the
    file system's 255 bytes, and one made of signs alone loses its stem and so its suffix when
    made safe. The readers name the file as stored: as_uploaded puts the upload's name back."""
    path = folder / f"{stem}{Path(upload.name or '').suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def as_uploaded(message: str, path: Path, name: str) -> str:
    """A reader's message about the file stored at path, naming it as it was uploaded."""
    return message.replace(path.name, name)


def pending_load(kind: str, token: str, meta_name: str, user_id: int) -> tuple[Path, dict[str, Any]]:
    """The folder and metadata of an upload, for its uploader only: anyone else, or a token
    that is malformed or gone, gets a 404 that tells nothing."""
    if not _TOKEN.match(token):
        raise Http404
    folder = pending_root(kind) / token
    try:
        meta = json.loads((folder / meta_name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("user") != user_id:
        raise Http404
    return folder, meta
