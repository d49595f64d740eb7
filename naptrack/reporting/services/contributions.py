"""A department's contribution to a round: its answers, checked and saved against the version the
person edited, and its way through review (submitted, returned, approved, reopened)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.accounts.rules import department_ids
from naptrack.audit.services import audit_record
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.queries import instruments_asked
from naptrack.reporting.services import figures
from naptrack.reporting.services.common import (
    Change,
    ContributionConflict,
    WorkflowError,
    _author,
    _locked,
    _now,
    _require,
    narrative_max,
)

CONTRIBUTION_FIELDS = ("status", "narrative", "visibility", "countries")
MEASUREMENT_FIELDS = figures.MEASUREMENT_FIELDS


@dataclass
class _Cleaned:
    fields: dict[str, Any] = field(default_factory=dict)
    measurements: dict[int, dict[str, Any]] = field(default_factory=dict)


def _clean(contribution: Contribution, data: dict) -> _Cleaned:
    errors: dict[str, list[str]] = {}
    out = _Cleaned()
    unknown = set(data) - {*CONTRIBUTION_FIELDS, "measurements"}
    for key in sorted(unknown):
        errors[key] = [_("Unknown field.")]
    if "status" in data:
        status = data["status"] or ""
        if status and status not in Contribution.Status.values:
            errors["status"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Contribution.Status.values)}]
        out.fields["status"] = status
    if "narrative" in data:
        raw = data["narrative"] or ""
        if not isinstance(raw, str):
            errors["narrative"] = [_("Enter text.")]
            raw = ""
        narrative = raw.replace("\r\n", "\n").strip()
        if len(narrative) > narrative_max():
            errors["narrative"] = [
                _("Keep the narrative under %(max)s characters (it has %(n)s).")
                % {"max": narrative_max(), "n": len(narrative)}
            ]
        out.fields["narrative"] = narrative
    if "visibility" in data:
        if data["visibility"] not in Contribution.Visibility.values:
            errors["visibility"] = [_("Choose public or internal.")]
        out.fields["visibility"] = data["visibility"]
    if "countries" in data:
        codes = data["countries"] or []
        if not isinstance(codes, list | tuple):
            errors["countries"] = [_("Give a list of country codes.")]
        else:
            bad = [c for c in codes if not isinstance(c, str) or c.upper() not in all_countries]
            if bad:
                errors["countries"] = [
                    _("Unknown country code(s): %(codes)s. Use ISO 3166-1 codes such as AF, CD, ML.")
                    % {"codes": ", ".join(map(str, bad))}
                ]
            out.fields["countries"] = list(dict.fromkeys(c.upper() for c in codes if isinstance(c, str)))
    if "measurements" in data:
        _clean_measurements(contribution, data["measurements"], out, errors)
    if errors:
        raise ValidationError(errors)
    return out


def _clean_measurements(contribution: Contribution, rows: Any, out: _Cleaned, errors: dict) -> None:
    instruments = {i.pk: i for i in instruments_asked(contribution)}
    if not isinstance(rows, list):
        errors["measurements"] = [_("Give a list of measurements.")]
        return
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"measurements.{n}"] = [_("Give each measurement as an object.")]
            continue
        instrument_id = row.get("instrument")
        instrument = instruments.get(instrument_id) if isinstance(instrument_id, int) else None
        if instrument is None:
            errors[f"measurements.{n}.instrument"] = [_("Not a monitoring instrument of this line of action.")]
            continue
        out.measurements[instrument.pk] = figures.clean_row(instrument, row, f"measurements.{instrument.pk}", errors)


def _snapshot(contribution: Contribution, measurements: dict[int, Measurement]) -> dict[str, Any]:
    state = {name: getattr(contribution, name) for name in CONTRIBUTION_FIELDS}
    for instrument_id, m in measurements.items():
        for name in MEASUREMENT_FIELDS:
            value = getattr(m, name)
            state[f"measurements.{instrument_id}.{name}"] = str(value) if isinstance(value, Decimal) else value
        # Always, empty too: a breakdown emptied is a change to save.
        state[f"measurements.{instrument_id}.countries"] = figures.snapshot_countries(m)
    return state


def contribution_changes_since(contribution: Contribution, version: int) -> list[Change]:
    """What changed in the contribution since `version`: the fields that differ, and who changed
    them last. Version 1 is the empty contribution the round was opened with."""
    records = list(contribution.history.order_by("history_date", "history_id"))
    base = next((r for r in records if r.version == version), None)
    if base is None and version != 1:
        return []
    fields = [*CONTRIBUTION_FIELDS, "state", "review_note"]
    defaults = Contribution(round_id=contribution.round_id)
    old = {f: getattr(base if base is not None else defaults, f) for f in fields}
    since = base.history_date if base is not None else contribution.round.opened_at
    latest = records[-1] if records else None
    who = latest.history_user.get_username() if latest is not None and latest.history_user else ""
    at = latest.history_date if latest is not None else None
    changes = [
        Change(f, old[f], getattr(contribution, f), who, at) for f in fields if old[f] != getattr(contribution, f)
    ]
    for m in contribution.measurements.select_related("instrument"):
        earlier = m.history.filter(history_date__lte=since).order_by("-history_date").first() if since else None
        for name in MEASUREMENT_FIELDS:
            before = getattr(earlier, name) if earlier is not None else None
            after = getattr(m, name)
            if before != after and not (before in (None, "") and after in (None, "")):
                changes.append(Change(f"measurements.{m.instrument_id}.{name}", before, after, who, at))
    return changes


@transaction.atomic
def contribution_save(*, actor, contribution: Contribution, version: int | None, data: dict) -> Contribution:
    """Save a department's input. `data` holds only what changes (status, narrative, visibility,
    countries, measurements: [{instrument, text, note and the figures of the instrument's kind, as
    services/figures.py lists them, with "countries": [{country, figures}] for a breakdown}]).
    `version` is the version the person edited: when someone saved in between, nothing is written
    and ContributionConflict says what changed."""
    current = _locked(contribution)
    _require(actor, "reporting.change_contribution", current)
    if version is None:
        raise ValidationError({"version": [_("Say which version you edited.")]})
    if int(version) != current.version:
        raise ContributionConflict(current, contribution_changes_since(current, int(version)))
    changed = apply_changes(actor, current, data)
    if not changed:
        return current
    current.version += 1
    # The installation acting from the command line (accounts.system.SystemActor) is no user row.
    current.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    current.updated_at = _now()
    current.on_behalf = current.department_id not in department_ids(actor)
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.saved",
        target=current,
        data={
            "version": current.version,
            "on_behalf": current.on_behalf,
            "before": {k: v[0] for k, v in changed.items()},
            "after": {k: v[1] for k, v in changed.items()},
        },
    )
    return current


def apply_changes(actor, current: Contribution, data: dict) -> dict[str, tuple[Any, Any]]:
    """Check `data` and put it on the locked contribution `current`: its fields are set (the caller
    saves the row), the measurements it changes are saved. Returns what changed, as
    {field: (before, after)}; raises ValidationError with every error, having written nothing.
    Shared by contribution_save and the coordinator's correction of a published contribution."""
    # One read of the line's instruments serves validation and the measurements below.
    prefetch_related_objects([current.action], "instruments")
    cleaned = _clean(current, data)
    measurements = {
        m.instrument_id: m for m in current.measurements.select_related("instrument").prefetch_related("countries")
    }
    before = _snapshot(current, measurements)
    for name, value in cleaned.fields.items():
        setattr(current, name, value)
    current.countries = _merge_measurements(current, measurements, cleaned)
    after = _snapshot(current, measurements)
    changed = {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}
    for instrument_id in cleaned.measurements:
        m = measurements[instrument_id]
        prefix = f"measurements.{instrument_id}."
        if any(k.startswith(prefix) for k in changed):
            _author(m, actor).save()
            figures.save_countries(m)
    return changed


def contribution_validate(*, contribution: Contribution, data: dict) -> dict[str, tuple[Any, Any]]:
    """Check `data` as contribution_save would, writing nothing and checking neither permission nor
    version: for imports that list every error of a file before anything is written, and for a
    correction shown before it is made. Returns what `data` would change, as apply_changes does.
    Reads the line's instruments and the measurements (with their instrument) prefetched by the
    caller."""
    cleaned = _clean(contribution, data)
    # Copies: the caller's prefetched measurements stay as they are.
    measurements = {}
    for m in contribution.measurements.all():
        copy = Measurement(
            instrument=m.instrument, derived=list(m.derived or []), **{n: getattr(m, n) for n in MEASUREMENT_FIELDS}
        )
        copy._pending_countries = figures.breakdown_of(m)  # type: ignore[attr-defined]
        measurements[m.instrument_id] = copy
    before = _snapshot(contribution, measurements)
    countries = _merge_measurements(contribution, measurements, cleaned)
    after = {**_snapshot(contribution, measurements), **cleaned.fields, "countries": countries}
    return {k: (before.get(k), v) for k, v in after.items() if before.get(k) != v}


def _merge_measurements(
    contribution: Contribution, measurements: dict[int, Measurement], cleaned: _Cleaned
) -> list[str]:
    """Put the cleaned answers into `measurements` (by instrument id), adding the ones the
    contribution lacks, then make each one's figures agree (figures.settle) and add the countries
    of its breakdown to the contribution's; raises ValidationError with every error."""
    instruments = {i.pk: i for i in instruments_asked(contribution)}
    errors: dict[str, list[str]] = {}

    def currency() -> str:
        return contribution.round.plan.currency

    for instrument_id, values in cleaned.measurements.items():
        m = measurements.get(instrument_id) or Measurement(contribution=contribution)
        m.instrument = instruments[instrument_id]
        for name, value in values.items():
            if name != "countries":
                setattr(m, name, value)
        measurements[instrument_id] = m
        figures.settle(m, values, f"measurements.{instrument_id}", errors, currency)
    if errors:
        raise ValidationError(errors)
    tagged = list(cleaned.fields.get("countries", contribution.countries) or [])
    for m in measurements.values():
        tagged += [r["country"] for r in figures.breakdown_of(m) if r["country"] not in tagged]
    return tagged


def _has_content(contribution: Contribution) -> bool:
    if contribution.status or contribution.narrative:
        return True
    return any(not m.is_empty for m in contribution.measurements.all())


def _step(
    actor, contribution: Contribution, perm: str, *, source: tuple[str, ...], target: str, version: int | None
) -> tuple[Contribution, str]:
    current = _locked(contribution)
    # Who may see the contribution learns that its state forbids the step; others only that
    # they may not act on it.
    if current.state not in source and actor.has_perm("reporting.view_contribution", current):
        raise WorkflowError(
            _("The contribution is %(state)s: this cannot be done now.") % {"state": current.get_state_display()}
        )
    _require(actor, perm, current)
    if version is not None and int(version) != current.version:
        raise ContributionConflict(current, contribution_changes_since(current, int(version)))
    before = current.state
    current.state = target
    current.version += 1
    return current, before


@transaction.atomic
def contribution_submit(*, actor, contribution: Contribution, version: int | None = None) -> Contribution:
    current, before = _step(
        actor,
        contribution,
        "reporting.submit_contribution",
        source=("draft", "returned"),
        target="submitted",
        version=version,
    )
    if not _has_content(current):
        raise ValidationError({"__all__": [_("Nothing to submit yet: give a status, a narrative or an answer.")]})
    current.submitted_at, current.submitted_by = _now(), actor
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.submitted",
        target=current,
        data={"before": before, "after": "submitted", "version": current.version},
    )
    return current


@transaction.atomic
def contribution_return(*, actor, contribution: Contribution, note: str, version: int | None = None) -> Contribution:
    if not (note or "").strip():
        raise ValidationError({"note": [_("Tell the department what to revise.")]})
    current, before = _step(
        actor, contribution, "reporting.review_contribution", source=("submitted",), target="returned", version=version
    )
    current.returned_at, current.returned_by, current.review_note = _now(), actor, note.strip()
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.returned",
        target=current,
        data={"before": before, "after": "returned", "note": current.review_note},
    )
    from naptrack.reporting import notifications

    transaction.on_commit(lambda: notifications.contribution_returned(current))
    return current


@transaction.atomic
def contribution_approve(*, actor, contribution: Contribution, version: int | None = None) -> Contribution:
    current, before = _step(
        actor, contribution, "reporting.review_contribution", source=("submitted",), target="approved", version=version
    )
    current.approved_at, current.approved_by = _now(), actor
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.approved",
        target=current,
        data={"before": before, "after": "approved"},
    )
    return current


@transaction.atomic
def contribution_reopen(*, actor, contribution: Contribution, reason: str, version: int | None = None) -> Contribution:
    """Unlock an approved contribution: it goes back to the department as returned, with the reason."""
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the contribution is reopened.")]})
    current, before = _step(
        actor, contribution, "reporting.reopen_contribution", source=("approved",), target="returned", version=version
    )
    current.returned_at, current.returned_by, current.review_note = _now(), actor, reason.strip()
    current.approved_at = current.approved_by = None
    _author(current, actor).save()
    audit_record(
        actor=actor,
        action="reporting.contribution.reopened",
        target=current,
        data={"before": before, "after": "returned", "reason": current.review_note},
    )
    return current
