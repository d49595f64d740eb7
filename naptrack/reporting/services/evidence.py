"""Evidence attached to a contribution: a link, or a file of an accepted type whose content matches
its extension.

The content's type is told by `filetype` (signatures of each format: a RIFF file is WebP only
when it says WEBP, not WAVE), and a ZIP package by its members: a Word or Excel document holds
the OOXML content types part and its word/ or xl/ folder, an ODT the ODF mimetype member. The
files are stored and served back, never opened by naptrack, so they are not parsed further (an
XML entity bomb inside a DOCX harms only the program that opens it, as any file from outside).
"""

from __future__ import annotations

import zipfile
from typing import IO

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.reporting.models import Contribution, Evidence
from naptrack.reporting.services.common import _locked, _require

EVIDENCE_TYPES = {
    # extension: (content type, the type its content must be found to be)
    "pdf": ("application/pdf", "pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "odt": ("application/vnd.oasis.opendocument.text", "odt"),
    "png": ("image/png", "png"),
    "jpg": ("image/jpeg", "jpg"),
    "jpeg": ("image/jpeg", "jpg"),
    "gif": ("image/gif", "gif"),
    "webp": ("image/webp", "webp"),
}
EVIDENCE_MAX_BYTES = int(getattr(settings, "NAPTRACK_UPLOAD_MAX_MB", 20)) * 1024 * 1024
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def _package(upload: IO[bytes]) -> str:
    """What a ZIP file is, from its members: docx, xlsx, pptx, odt, or a plain zip."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    if member.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE:
                        return "odt"
            if "[Content_Types].xml" in names:
                for folder, kind in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, OSError, NotImplementedError, RuntimeError):
        return "damaged zip"
    finally:
        upload.seek(0)
    return "zip"


def content_kind(upload: IO[bytes]) -> str | None:
    """The type of a file from its content (an extension such as "pdf", "webp", "wav", "docx"),
    or None when no known format starts that way."""
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None:
        return None
    if kind.extension in ("zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub", "jar"):
        # filetype guesses from the first members only; the ZIP's own directory says for sure.
        return _package(upload)
    return kind.extension


def upload_check(upload) -> tuple[str, str]:
    """An uploaded file's content type, and what is wrong with it ("" when nothing): a type not
    accepted, too large, or content that is not what its name says. Shared by every upload of a
    supporting file (evidence here, civil society's assessments and event minutes)."""
    name = upload.name.rsplit("/", 1)[-1]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        return "", _("Accepted files: %(types)s.") % {"types": ", ".join(sorted(EVIDENCE_TYPES))}
    if upload.size > EVIDENCE_MAX_BYTES:
        return "", _("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}
    content_type, expected = EVIDENCE_TYPES[extension]
    found = content_kind(upload)
    if found != expected:
        return "", _mismatch(extension, found)
    return content_type, ""


@transaction.atomic
def evidence_add(*, actor, contribution: Contribution, title: str, url: str = "", upload=None) -> Evidence:
    current = _locked(contribution)
    _require(actor, "reporting.change_contribution", current)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if bool(url) == bool(upload):
        errors["__all__"] = [_("Give either a link or a file.")]
    evidence = Evidence(contribution=current, title=title[:200], added_by=actor)
    if url:
        from django.core.validators import URLValidator

        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
        evidence.url = url
        evidence.title = evidence.title or url[:200]
    if upload is not None:
        content_type, problem = upload_check(upload)
        if problem:
            errors["file"] = [problem]
        else:
            evidence.file = upload
            evidence.content_type = content_type
            evidence.size = upload.size
            evidence.title = evidence.title or upload.name.rsplit("/", 1)[-1][:200]
    if errors:
        raise ValidationError(errors)
    evidence.save()
    audit_record(
        actor=actor,
        action="reporting.evidence.added",
        target=current,
        data={
            "evidence": evidence.pk,
            "title": evidence.title,
            "url": evidence.url,
            "file": evidence.file.name if evidence.file else "",
            "size": evidence.size,
        },
    )
    return evidence


def _mismatch(extension: str, found: str | None) -> str:
    """Names the type the file's name declares and the type its content is."""
    if found is None:
        return _(
            "The file is named .%(ext)s but its content is of no type naptrack recognises: it is not a .%(ext)s file."
        ) % {"ext": extension}
    return _(
        "The file is named .%(ext)s but its content is a %(found)s file: upload a real .%(ext)s file, or "
        "give the file its own name."
    ) % {"ext": extension, "found": found.upper()}


@transaction.atomic
def evidence_remove(*, actor, evidence: Evidence) -> None:
    current = _locked(evidence.contribution)
    _require(actor, "reporting.change_contribution", current)
    data = {
        "evidence": evidence.pk,
        "title": evidence.title,
        "url": evidence.url,
        "file": evidence.file.name if evidence.file else "",
    }
    stored = evidence.file.name if evidence.file else None
    storage = evidence.file.storage if evidence.file else None
    evidence.delete()
    audit_record(actor=actor, action="reporting.evidence.removed", target=current, data=data)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
