"""Evidence attached to a contribution: a link, or a file of an accepted type whose content matches
its extension."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.reporting.models import Contribution, Evidence
from naptrack.reporting.services.common import _locked, _require

EVIDENCE_TYPES = {
    # extension: (content type, accepted leading bytes)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "odt": ("application/vnd.oasis.opendocument.text", (b"PK\x03\x04",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    "webp": ("image/webp", (b"RIFF",)),
}
EVIDENCE_MAX_BYTES = int(getattr(settings, "NAPTRACK_UPLOAD_MAX_MB", 20)) * 1024 * 1024


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
        name = upload.name.rsplit("/", 1)[-1]
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if extension not in EVIDENCE_TYPES:
            errors["file"] = [_("Accepted files: %(types)s.") % {"types": ", ".join(sorted(EVIDENCE_TYPES))}]
        elif upload.size > EVIDENCE_MAX_BYTES:
            errors["file"] = [_("The file is larger than %(mb)s MB.") % {"mb": EVIDENCE_MAX_BYTES // (1024 * 1024)}]
        else:
            head = upload.read(16)
            upload.seek(0)
            content_type, signatures = EVIDENCE_TYPES[extension]
            if not any(head.startswith(sig) for sig in signatures):
                errors["file"] = [_("The file's content is not a .%(ext)s file.") % {"ext": extension}]
            evidence.file = upload
            evidence.content_type = content_type
            evidence.size = upload.size
            evidence.title = evidence.title or name[:200]
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
