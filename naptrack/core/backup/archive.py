"""The archive itself: a gzip-compressed tar of regular files, `manifest.json` last.

The manifest holds the SHA-256 and size of every other member, so it can only be written once they
all are; a reader streams the archive once to check everything against it. The manifest has no
checksum of its own: gzip's CRC covers it, which is why a reader drains the gzip stream to its end
(tarfile stops at the tar's end marker and would never check the CRC).
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import re
import tarfile
import time
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    from django.core.files.storage import Storage

FORMAT = "naptrack-backup/1"
MANIFEST = "manifest.json"
SECRET_KEY = "secret_key"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
CHUNK = 1 << 20
MANIFEST_MAX_BYTES = 64 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# What a damaged gzip stream or tar raises while it is read.
DAMAGE = (tarfile.TarError, OSError, EOFError, zlib.error)


class BackupError(Exception):
    """A backup or a restore that cannot go on, with a one-line reason a person can act on."""


def member_name_is_safe(name: str) -> bool:
    """Only the names naptrack writes: the database, the key, and relative paths under uploads/
    (no `..`, nothing absolute), so that no archive can write outside the place it restores to."""
    if name in (MANIFEST, SECRET_KEY, *DATABASE_MEMBERS.values()):
        return True
    path = PurePosixPath(name)
    return (
        path.as_posix() == name
        and not path.is_absolute()
        and len(path.parts) > 1
        and path.parts[0] == UPLOADS
        and all(part not in ("", ".", "..") and "\x00" not in part for part in path.parts)
    )


class _Hashing:
    """Reads exactly `size` bytes of a file, hashing them: a file that grows while it is archived
    is cut at the size its tar header announced."""

    def __init__(self, source: IO[bytes], size: int):
        self.source, self.left, self.sha = source, size, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        n = self.left if n < 0 else min(n, self.left)
        data = self.source.read(n)
        self.left -= len(data)
        self.sha.update(data)
        return data


class ArchiveWriter:
    """Adds files one by one, remembering their checksums; `close` writes the manifest."""

    def __init__(self, raw: BinaryIO):
        # Level 6: uploads are mostly PDFs and Office files, compressed already; 9 costs time for nothing.
        self._gzip = gzip.GzipFile(filename="", fileobj=raw, mode="wb", compresslevel=6)
        self._tar = tarfile.open(fileobj=self._gzip, mode="w|", format=tarfile.PAX_FORMAT)  # noqa: SIM115 (close())
        self.members: dict[str, dict[str, Any]] = {}

    def add(self, name: str, path: Path, *, missing_ok: bool = False) -> bool:
        """Add the file at `path` as `name`; False when it is gone and `missing_ok` (an evidence
        file deleted since the database copy was taken)."""
        try:
            source = open(path, "rb")  # noqa: SIM115 (closed below; open before stat, so the size is this file's)
        except FileNotFoundError:
            if missing_ok:
                return False
            raise
        with source:
            stat = os.fstat(source.fileno())
            info = _info(name, stat.st_size, int(stat.st_mtime))
            reader = _Hashing(source, stat.st_size)
            self._tar.addfile(info, reader)  # type: ignore[arg-type]
        self.members[name] = {"sha256": reader.sha.hexdigest(), "size": stat.st_size}
        return True

    def add_stored(self, name: str, storage: Storage, stored: str) -> bool:
        """Add a file of the file storage (the local folder or an object store) as `name`; False
        when it is gone (evidence removed since the database copy was taken)."""
        try:
            source = storage.open(stored, "rb")
        except FileNotFoundError:
            return False
        with source:
            try:  # the open file's own size, when it is a local file replaced meanwhile
                size = os.fstat(source.fileno()).st_size
            except (AttributeError, OSError, ValueError):
                size = source.size
            try:
                mtime = int(storage.get_modified_time(stored).timestamp())
            except (NotImplementedError, OSError):
                mtime = int(time.time())
            reader = _Hashing(source, size)
            self._tar.addfile(_info(name, size, mtime), reader)  # type: ignore[arg-type]
        self.members[name] = {"sha256": reader.sha.hexdigest(), "size": size}
        return True

    def close(self, manifest: dict[str, Any]) -> None:
        data = json.dumps({**manifest, "members": self.members}, indent=2, sort_keys=True).encode()
        self._tar.addfile(_info(MANIFEST, len(data), int(time.time())), io.BytesIO(data))
        self._tar.close()
        self._gzip.close()


def _info(name: str, size: int, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode, info.type = size, mtime, 0o600, tarfile.REGTYPE
    return info


def _members(archive: Path) -> Iterator[tuple[tarfile.TarInfo, IO[bytes]]]:
    """Every member of the archive with a stream of its content, checking that each is a regular
    file with a name naptrack writes, once; then the gzip stream is drained to check its CRC."""
    with gzip.open(archive, "rb") as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
        seen: set[str] = set()
        for info in tar:
            if not info.isfile() or not member_name_is_safe(info.name) or info.name in seen:
                raise BackupError(f"{archive} is not a naptrack backup: unexpected member {info.name!r}")
            seen.add(info.name)
            content = tar.extractfile(info)
            assert content is not None  # a regular file always has content
            yield info, content
        while stream.read(CHUNK):
            pass


def _copy(content: IO[bytes], sink: Callable[[bytes], Any] | None = None) -> tuple[str, int]:
    sha, size = hashlib.sha256(), 0
    while chunk := content.read(CHUNK):
        sha.update(chunk)
        size += len(chunk)
        if sink is not None:
            sink(chunk)
    return sha.hexdigest(), size


def _parse_manifest(archive: Path, data: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(data)
        members = manifest["members"]
        assert isinstance(manifest["format"], str) and isinstance(members, dict)
        for name, entry in members.items():
            assert member_name_is_safe(name) and name != MANIFEST
            assert _SHA256.match(entry["sha256"]) and isinstance(entry["size"], int)
    except (ValueError, KeyError, TypeError, AssertionError):
        raise BackupError(f"{archive} is damaged: its manifest is not readable") from None
    return manifest


def read_verified(archive: Path) -> dict[str, Any]:
    """The archive's manifest, once every member has been read and matches it; writes nothing."""
    found: dict[str, tuple[str, int]] = {}
    raw_manifest = None
    try:
        for info, content in _members(archive):
            if info.name == MANIFEST:
                raw_manifest = content.read(MANIFEST_MAX_BYTES)
            else:
                found[info.name] = _copy(content)
    except BackupError:
        raise
    except DAMAGE as exc:
        raise BackupError(f"{archive} is damaged: {_reason(exc)}") from None
    if raw_manifest is None:
        raise BackupError(f"{archive} is damaged or not a naptrack backup: it has no {MANIFEST}")
    manifest = _parse_manifest(archive, raw_manifest)
    expected = {name: (entry["sha256"], entry["size"]) for name, entry in manifest["members"].items()}
    for name in sorted(expected.keys() | found.keys()):
        if name not in found:
            raise BackupError(f"{archive} is damaged: {name} is missing")
        if name not in expected:
            raise BackupError(f"{archive} is damaged: {name} is not in the manifest")
        if found[name] != expected[name]:
            raise BackupError(f"{archive} is damaged: {name} does not match its checksum")
    return manifest


def extract_verified(archive: Path, manifest: dict[str, Any], into: Path) -> None:
    """Write every member but the manifest under `into` (files 0600, folders 0700, each flushed
    to disk), checking each against the manifest again: the file may have changed since it was
    read."""
    members = manifest["members"]
    try:
        for info, content in _members(archive):
            if info.name == MANIFEST:
                continue
            target = into / info.name
            make_folders(target.parent)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with open(fd, "wb") as out:
                digest = _copy(content, out.write)
                out.flush()
                os.fsync(out.fileno())
            os.utime(target, (info.mtime, info.mtime))
            if info.name not in members or digest != (members[info.name]["sha256"], members[info.name]["size"]):
                raise BackupError(f"{archive} changed while it was restored: {info.name} does not match its checksum")
    except BackupError:
        raise
    except DAMAGE as exc:
        raise BackupError(f"cannot restore {archive}: {_reason(exc)}") from None


def make_folders(folder: Path) -> None:
    """mkdir -p with mode 0700 at every level (Path.mkdir gives the mode to the last one only)."""
    if not folder.is_dir():
        make_folders(folder.parent)
        folder.mkdir(mode=0o700, exist_ok=True)


def _reason(exc: BaseException) -> str:
    text = (getattr(exc, "strerror", None) or str(exc)).strip().splitlines()
    return text[0] if text else type(exc).__name__
