"""The coordinator's writes on a round's report: its own texts per language, the annexes chosen
for it, and the record of its transmission to parliament. Each write checks the permission, runs
in one transaction and records one audit event; the rows keep their history.

A published round's stored files do not change with its texts: the coordinator builds them again
(services.reports_publish) once the texts are right.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author as _author
from naptrack.core.services import require
from naptrack.publications.content.texts import TEXT_FIELDS
from naptrack.publications.content.tree import ANNEXES
from naptrack.publications.models import ReportTexts, Transmission
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError

TRANSLATED = (*TEXT_FIELDS, "signatory_title")


def _require(actor: Any) -> None:
    require(actor, "reporting.manage_round")


def report_texts_of(round: Round) -> ReportTexts:
    """The round's texts, or unsaved empty ones (every annex chosen) when none were written."""
    return ReportTexts.objects.filter(round_id=round.pk).first() or ReportTexts(round_id=round.pk)


@transaction.atomic
def report_texts_save(
    *,
    actor: Any,
    round: Round,
    texts: dict[str, dict[str, str]] | None = None,
    signatory: str | None = None,
    annexes: list[str] | None = None,
) -> ReportTexts:
    """Save the report's texts: `texts` maps a field (foreword, signatory_title, introduction,
    achievements, conclusions) to its text per language ({"introduction": {"en": ..., "fr": ...}});
    `annexes` lists the annexes chosen (content.ANNEXES). What is not given is left as it is."""
    _require(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    row = ReportTexts.objects.select_for_update().filter(round_id=round_.pk).first()
    created = row is None
    if row is None:
        row = ReportTexts(round_id=round_.pk)
    errors: dict[str, list[str]] = {}
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name, by_language in (texts or {}).items():
        if name not in TRANSLATED:
            errors.setdefault("texts", []).append(_("Unknown text %(name)s.") % {"name": name})
            continue
        for lang, text in by_language.items():
            if lang not in settings.MODELTRANSLATION_LANGUAGES:
                errors.setdefault(name, []).append(_("Unknown language %(lang)s.") % {"lang": lang})
                continue
            column = f"{name}_{lang}"
            text = (text or "").strip()
            if (getattr(row, column) or "") != text:
                before[column], after[column] = getattr(row, column) or "", text
                setattr(row, column, text)
    if signatory is not None and signatory.strip() != row.signatory:
        before["signatory"], after["signatory"] = row.signatory, signatory.strip()
        row.signatory = signatory.strip()
    if annexes is not None:
        unknown = [key for key in annexes if key not in ANNEXES]
        if unknown:
            errors["annexes"] = [_("Unknown annex %(name)s.") % {"name": ", ".join(unknown)}]
        chosen = [key for key in ANNEXES if key in annexes]
        if chosen != list(row.annexes or []):
            before["annexes"], after["annexes"] = list(row.annexes or []), chosen
            row.annexes = chosen
    if errors:
        raise ValidationError(errors)
    if after:
        row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        _author(row, actor).save()
        audit_record(
            actor=actor,
            action="publications.report_texts.created" if created else "publications.report_texts.updated",
            target=round_,
            data={"before": before, "after": after},
        )
    return row


@transaction.atomic
def transmission_record(
    *,
    actor: Any,
    round: Round,
    sent_on: dt.date,
    recipient: str,
    committee: str = "",
    document_number: str = "",
    url: str = "",
) -> Transmission:
    """Record that the round's published report was sent to parliament (line 33's instrument
    "Reports sent to parliament"). Only a published round's report can have been sent."""
    _require(actor)
    round_ = Round.objects.select_for_update().get(pk=round.pk)
    if round_.state != Round.State.PUBLISHED:
        raise WorkflowError(_("Only a published round's report can be recorded as sent to parliament."))
    errors: dict[str, list[str]] = {}
    recipient, committee, document_number, url = (
        recipient.strip(),
        committee.strip(),
        document_number.strip(),
        url.strip(),
    )
    if not recipient:
        errors["recipient"] = [_("Say to whom the report was sent.")]
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [_("Enter a web address starting with http:// or https://.")]
    if sent_on > dt.date.today() + dt.timedelta(days=1):
        errors["sent_on"] = [_("The date is in the future.")]
    if errors:
        raise ValidationError(errors)
    transmission = Transmission(
        round=round_,
        sent_on=sent_on,
        recipient=recipient,
        committee=committee,
        document_number=document_number,
        url=url,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _author(transmission, actor).save()
    audit_record(
        actor=actor,
        action="publications.transmission.recorded",
        target=round_,
        data={
            "transmission": transmission.pk,
            "sent_on": sent_on.isoformat(),
            "recipient": recipient,
            "committee": committee,
            "document_number": document_number,
            "url": url,
        },
    )
    return transmission


@transaction.atomic
def transmission_delete(*, actor: Any, transmission: Transmission) -> None:
    """Remove a transmission recorded by mistake; its history and the audit trail keep it."""
    _require(actor)
    row = Transmission.objects.select_for_update().get(pk=transmission.pk)
    round_ = row.round
    data = {"transmission": row.pk, "sent_on": row.sent_on.isoformat(), "recipient": row.recipient}
    _author(row, actor).delete()
    audit_record(actor=actor, action="publications.transmission.deleted", target=round_, data=data)
