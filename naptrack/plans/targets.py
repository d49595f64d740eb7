"""The coordinator sets or removes an instrument's target: its baseline, milestones, target,
direction and source (plans.Target, plans.Milestone).

The checks are those of the plan file (interchange._check_target), said per field for a form: an
instrument counted by sex takes shares of women (0 to 1), a text or yes/no one a text only, a
share a percentage; milestones once a year, none after the target's year.

Before a round opens under the plan, this is preparing the plan. Afterwards a change is an
amendment: it needs its reason, takes effect on a day (today unless said), and its source is the
amendment unless another is given. Row history keeps every version, so that a round closed before
the change is still read against the target of its time (reporting.progress).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require
from naptrack.plans import changes
from naptrack.plans.instruments import rounds_opened
from naptrack.plans.models import Instrument, Milestone, Target

TEXTUAL = frozenset({"qualitative", "yes-no"})
# How far before the plan's period a baseline may lie, and after it a target.
YEARS_BEFORE, YEARS_AFTER = 20, 15
FOUR = Decimal("0.0001")
BIGGEST = Decimal("999999999999")  # the columns hold 16 digits, 4 after the point


def plain(value: Decimal) -> Decimal:
    """`value` without its trailing zeros, and never written with an exponent (150, not 1.5E+2)."""
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def is_textual(instrument: Instrument) -> bool:
    return instrument.kind in TEXTUAL


def _number(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return Decimal("NaN")
    return number


def _figure_problem(instrument: Instrument, value: Decimal) -> str | None:
    """Why `value` cannot be a figure of `instrument`'s target, or None."""
    if not value.is_finite() or abs(value) > BIGGEST:
        return _("Give a number.")
    if instrument.by_sex and not 0 <= value <= 1:
        return _("A share of women is between 0 % and 100 %.")
    if instrument.kind == "share" and not 0 <= value <= 100:
        return _("A share is a percentage between 0 and 100.")
    if instrument.kind == "count" and (value < 0 or value != value.to_integral_value()):
        return _("A count is a whole number, 0 or more.")
    return None


def _clean(
    instrument: Instrument,
    *,
    year: Any,
    value: Decimal | None,
    text: str,
    baseline_year: Any,
    baseline_value: Decimal | None,
    milestones: list[tuple[Any, Decimal | None]],
    direction: str,
    source: str,
) -> dict[str, list[str]]:
    plan = instrument.action.plan
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    first, last = plan.period_start - YEARS_BEFORE, plan.period_end + YEARS_AFTER
    if not isinstance(year, int):
        add("year", _("Give the year by which the target is to be reached."))
    elif not plan.period_start <= year <= last:
        add("year", _("Give a year from %(first)s to %(last)s.") % {"first": plan.period_start, "last": last})
    if is_textual(instrument):
        if not text:
            add("text", _("Say the target in words: this instrument is answered in text."))
        if value is not None:
            add("value", _("This instrument is answered in text: its target is a text, with no figure."))
        if baseline_year is not None or baseline_value is not None:
            add("baseline_value", _("A text target has no baseline."))
        if milestones:
            add("milestones", _("A text target has no milestones."))
    else:
        if text:
            add("text", _("This instrument is answered with figures: give its target as a figure."))
        if value is None:
            add("value", _("Give the target's figure."))
        elif problem := _figure_problem(instrument, value):
            add("value", problem)
        if baseline_value is not None and (problem := _figure_problem(instrument, baseline_value)):
            add("baseline_value", problem)
        if (baseline_year is None) != (baseline_value is None):
            missing = "baseline_year" if baseline_year is None else "baseline_value"
            add(missing, _("Give the baseline's year and value."))
        if baseline_year is not None and (
            not isinstance(baseline_year, int)
            or not first <= baseline_year <= (year if isinstance(year, int) else last)
        ):
            add("baseline_year", _("Give a year from %(first)s up to the target's year.") % {"first": first})
    if direction not in Target.Direction.values:
        add("direction", _("Choose whether progress is up or down."))
    if source not in Target.Source.values:
        add("source", _("Choose where the target comes from."))
    seen: set[int] = set()
    for n, (m_year, m_value) in enumerate(milestones):
        if not isinstance(m_year, int) or not first <= m_year <= last:
            add(f"milestones.{n}.year", _("Give a year from %(first)s to %(last)s.") % {"first": first, "last": last})
        elif m_year in seen:
            add(f"milestones.{n}.year", _("%(year)s has a milestone already.") % {"year": m_year})
        elif isinstance(year, int) and m_year > year:
            add(f"milestones.{n}.year", _("A milestone comes no later than the target's year."))
        else:
            seen.add(m_year)
        if m_value is None:
            add(f"milestones.{n}.value", _("Give the milestone's figure."))
        elif problem := _figure_problem(instrument, m_value):
            add(f"milestones.{n}.value", problem)
    return errors


def _state(target: Target | None) -> dict[str, Any] | None:
    if target is None:
        return None
    return {
        "year": target.year,
        "value": None if target.value is None else str(plain(target.value)),
        "text": target.text,
        "baseline_year": target.baseline_year,
        "baseline_value": None if target.baseline_value is None else str(plain(target.baseline_value)),
        "milestones": [[m.year, str(plain(m.value))] for m in sorted(target.milestones.all(), key=_year)],
        "direction": target.direction,
        "source": target.source,
        "effective_from": target.effective_from.isoformat() if target.effective_from else None,
    }


def _year(milestone: Milestone) -> int:
    return milestone.year


def _quantized(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(FOUR)


@transaction.atomic
def target_set(
    *,
    actor: Any,
    instrument: Instrument,
    year: int | None,
    value: Decimal | None = None,
    text: str = "",
    baseline_year: int | None = None,
    baseline_value: Decimal | None = None,
    milestones: Iterable[tuple[int, Decimal]] = (),
    direction: str = Target.Direction.UP,
    source: str | None = None,
    reason: str = "",
    effective_from: dt.date | None = None,
) -> Target:
    """Set `instrument`'s target (creating it, or changing the one it has); its milestones become
    exactly `milestones` (year, value). Values in the instrument's terms: shares of women (0 to 1)
    for a count by sex, percentages for a share.

    ValidationError by field (year, value, text, baseline_year, baseline_value, direction,
    source, reason, effective_from, milestones.<n>.year / .value)."""
    require(actor, "plans.change_target", instrument)
    text, reason = (text or "").strip(), (reason or "").strip()
    value, baseline_value = _number(value), _number(baseline_value)
    points = [(y, _number(v)) for y, v in milestones]
    amended = rounds_opened(instrument)
    source = source or (Target.Source.AMENDMENT if amended else Target.Source.PLAN)
    if is_textual(instrument):
        direction = Target.Direction.UP  # a text target has no direction; the column keeps its default
    errors = _clean(
        instrument,
        year=year,
        value=value,
        text=text,
        baseline_year=baseline_year,
        baseline_value=baseline_value,
        milestones=points,
        direction=direction,
        source=source,
    )
    if amended and not reason:
        errors["reason"] = [_("Say why the target changes: rounds have already been opened under this plan.")]
    if errors:
        raise ValidationError(errors)
    if amended and effective_from is None:
        effective_from = timezone.localdate()
    current = Target.objects.filter(instrument=instrument).prefetch_related("milestones").first()
    before = _state(current)
    target = current or Target(instrument=instrument)
    target.year, target.value, target.text = year, _quantized(value), text
    target.baseline_year, target.baseline_value = baseline_year, _quantized(baseline_value)
    target.direction, target.source = direction, source
    target.effective_from, target.reason = effective_from, reason
    author(target, actor).save()
    wanted = {y: _quantized(v) for y, v in points}
    for milestone in list(target.milestones.all()) if current is not None else []:
        if milestone.year not in wanted:
            author(milestone, actor).delete()
        elif wanted[milestone.year] != milestone.value:
            milestone.value = wanted.pop(milestone.year)
            author(milestone, actor).save()
        else:
            wanted.pop(milestone.year)
    for m_year, m_value in sorted(wanted.items()):
        author(Milestone(target=target, year=m_year, value=m_value), actor).save()
    target = Target.objects.prefetch_related("milestones").get(pk=target.pk)
    after = _state(target)
    changes.plans_changed([instrument.action.plan_id], after_commit=True)
    data: dict[str, Any] = {"line": instrument.action.code, "instrument": instrument.position}
    data.update(before=before, after=after)
    if reason:
        data["reason"] = reason
    action = "plans.target.amended" if amended else "plans.target.set"
    audit_record(actor=actor, action=action, target=target, data=data)
    return target


@transaction.atomic
def target_remove(*, actor: Any, instrument: Instrument, reason: str = "") -> bool:
    """Remove `instrument`'s target and its milestones (their history stays). Returns whether
    there was one. Once rounds have opened, a reason is required (ValidationError on "reason")."""
    require(actor, "plans.change_target", instrument)
    reason = (reason or "").strip()
    current = Target.objects.filter(instrument=instrument).prefetch_related("milestones").first()
    if current is None:
        return False
    amended = rounds_opened(instrument)
    if amended and not reason:
        raise ValidationError(
            {"reason": [_("Say why the target is removed: rounds have already been opened under this plan.")]}
        )
    before = _state(current)
    for milestone in current.milestones.all():
        author(milestone, actor).delete()
    author(current, actor).delete()
    changes.plans_changed([instrument.action.plan_id], after_commit=True)
    data: dict[str, Any] = {"line": instrument.action.code, "instrument": instrument.position, "before": before}
    data["after"] = None
    if reason:
        data["reason"] = reason
    audit_record(actor=actor, action="plans.target.removed", target=instrument, data=data)
    return True
