"""A contribution's (or a line's) history as people read it: each row version with what it
changed field by field (django-simple-history's diff_against), measurement answers included, and
the audit events the services wrote; newest first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.audit.models import AuditEvent
from naptrack.core.templatetags.naptrack import country_name, translated
from naptrack.reporting.models import Contribution, Measurement, Synthesis

# The fields shown; bookkeeping (version, timestamps, who) is left out: every version changes it
# and the entry already says who and when.
CONTRIBUTION_HISTORY_FIELDS = (
    "state",
    "status",
    "narrative",
    "visibility",
    "countries",
    "review_note",
    "on_behalf",
    "correction_note",
)
MEASUREMENT_HISTORY_FIELDS = ("text", "women", "men", "other", "value", "unit", "note")
SYNTHESIS_HISTORY_FIELDS = ("text", "correction_note")

EVENT_LABELS = {
    "reporting.contribution.saved": gettext_lazy("saved"),
    "reporting.contribution.submitted": gettext_lazy("submitted"),
    "reporting.contribution.returned": gettext_lazy("returned for revision"),
    "reporting.contribution.approved": gettext_lazy("approved"),
    "reporting.contribution.reopened": gettext_lazy("reopened"),
    "reporting.evidence.added": gettext_lazy("evidence added"),
    "reporting.evidence.removed": gettext_lazy("evidence removed"),
    "reporting.synthesis.saved": gettext_lazy("synthesis saved"),
    "reporting.contribution.corrected": gettext_lazy("corrected after publication"),
    "reporting.contribution.withdrawn": gettext_lazy("withdrawn from the public"),
    "reporting.synthesis.corrected": gettext_lazy("synthesis corrected after publication"),
    "reporting.synthesis.withdrawn": gettext_lazy("synthesis withdrawn from the public"),
}


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    long: bool = False


@dataclass
class HistoryEntry:
    at: dt.datetime
    who: str
    subject: str
    title: str
    changes: list[FieldChange] = field(default_factory=list)
    detail: str = ""
    kind: str = "change"  # "change" (a row version) or "event" (an audit event)


def _shown(model: type[models.Model], name: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    model_field = model._meta.get_field(name)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name == "countries" and isinstance(value, list):
        return ", ".join(country_name(code) for code in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _versions(
    model: type[models.Model], records: list, names: tuple[str, ...]
) -> Iterable[tuple[Any, list[FieldChange]]]:
    """Each historical record with what it changed, field by field, against the record before
    (diff_against); the first against a blank row, since rounds create rows in bulk without history."""
    blank = model()
    previous = None
    for record in records:
        if previous is None:
            pairs = [(n, getattr(blank, n), getattr(record, n)) for n in names]
            pairs = [(n, b, a) for n, b, a in pairs if _shown(model, n, b) != _shown(model, n, a)]
        else:
            delta = record.diff_against(previous, included_fields=names)
            pairs = [(c.field, c.old, c.new) for c in delta.changes]
            pairs.sort(key=lambda p: names.index(p[0]))
        previous = record
        changes = [
            FieldChange(
                capfirst(str(model._meta.get_field(n).verbose_name)),
                _shown(model, n, before),
                _shown(model, n, after),
                long=model._meta.get_field(n).get_internal_type() == "TextField",
            )
            for n, before, after in pairs
        ]
        yield record, changes


def _who(record) -> str:
    return record.history_user.get_username() if record.history_user_id and record.history_user else ""


def history_entries(
    contributions: list[Contribution],
    contribution_records: list,
    measurement_records: list,
    synthesis_records: list,
    events: Iterable[AuditEvent],
    *,
    name_subjects: bool,
) -> list[HistoryEntry]:
    by_pk = {c.pk: c for c in contributions}
    instruments = {i.pk: i for c in contributions for i in c.action.instruments.all()}
    entries: list[HistoryEntry] = []

    def subject(contribution_id: int) -> str:
        c = by_pk.get(contribution_id)
        return translated(c.department, "name")[0] if c is not None and name_subjects else ""

    grouped: dict[int, list] = {}
    for record in contribution_records:
        grouped.setdefault(record.id, []).append(record)
    for records in grouped.values():
        for record, changes in _versions(Contribution, records, CONTRIBUTION_HISTORY_FIELDS):
            entries.append(
                HistoryEntry(
                    record.history_date,
                    _who(record),
                    subject(record.id),
                    _("Version %(version)s") % {"version": record.version},
                    changes,
                )
            )
    grouped = {}
    for record in measurement_records:
        grouped.setdefault(record.id, []).append(record)
    for records in grouped.values():
        for record, changes in _versions(Measurement, records, MEASUREMENT_HISTORY_FIELDS):
            instrument = instruments.get(record.instrument_id)
            text = translated(instrument, "text")[0] if instrument is not None else ""
            entries.append(
                HistoryEntry(
                    record.history_date,
                    _who(record),
                    subject(record.contribution_id),
                    _("Answer to “%(instrument)s”") % {"instrument": text},
                    changes,
                )
            )
    for record, changes in _versions(Synthesis, synthesis_records, SYNTHESIS_HISTORY_FIELDS):
        entries.append(
            HistoryEntry(
                record.history_date,
                _who(record),
                _("Synthesis"),
                _("Version %(version)s") % {"version": record.version},
                changes,
            )
        )
    for event in events:
        data = event.data or {}
        detail = data.get("note") or data.get("reason") or data.get("title") or ""
        if event.action == "reporting.contribution.saved" and data.get("on_behalf"):
            detail = _("entered by the coordinator on the department's behalf")
        target = subject(int(event.target_id)) if event.target_type == "reporting.contribution" else _("Synthesis")
        entries.append(
            HistoryEntry(
                event.occurred_at,
                event.actor_name,
                target if name_subjects else "",
                str(EVENT_LABELS.get(event.action, event.action)),
                detail=detail,
                kind="event",
            )
        )
    # Newest first; at the same instant the event after the row version it explains.
    entries.sort(key=lambda e: (e.at, e.kind == "event"), reverse=True)
    return entries
