"""The coordinator sets what kind of answer an instrument asks for: text, a number (by sex or
not), a count of something, an amount of money, a share or a yes/no, and the unit of its figures.

Before a round opens under the plan, this is preparing the plan. Afterwards it changes the
question departments were asked: it is an amendment of the plan, which needs its reason. An
instrument already answered with figures keeps its kind: its figures would be read as another
kind's (an amount as a percentage, a share added up as a count) in every total; its unit and
text may still change.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require
from naptrack.plans import changes
from naptrack.plans.interchange import SOURCE, TARGETS
from naptrack.plans.models import Instrument, TranslationState

UNIT_MAX = 40


def rounds_opened(instrument: Instrument) -> bool:
    """Whether a reporting round has been opened under the instrument's plan. Through the
    reverse relation of the rounds to their plan: this app may not import the reporting app."""
    return instrument.action.plan.rounds.exclude(opened_at=None).exists()


# The figures an answer may hold (reporting.Measurement), named through the reverse relation.
_FIGURES = ("value", "women", "men", "other", "numerator", "denominator", "yes")


def with_figures(instruments: QuerySet[Instrument]) -> QuerySet[Instrument]:
    """Those of `instruments` that some answer gives figures for."""
    holds = Q()
    for name in _FIGURES:
        holds |= Q(**{f"measurements__{name}__isnull": False})
    return instruments.filter(holds).distinct()


def _clean(kind: str, by_sex: bool, unit: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in Instrument.Kind.values:
        errors["kind"] = [_("Choose one of the kinds of answer.")]
    if by_sex and kind != Instrument.Kind.QUANTITATIVE:
        errors["by_sex"] = [_("Only a number can be counted by sex: choose the kind “number”.")]
    if len(unit) > UNIT_MAX:
        errors["unit"] = [_("Keep the unit to %(max)s characters.") % {"max": UNIT_MAX}]
    return errors


def _state(instrument: Instrument) -> dict[str, Any]:
    return {"kind": instrument.kind, "by_sex": instrument.by_sex, "unit": getattr(instrument, f"unit_{SOURCE}") or ""}


@transaction.atomic
def instrument_kind_set(
    *, actor: Any, instrument: Instrument, kind: str, by_sex: bool = False, unit: str = "", reason: str = ""
) -> bool:
    """Set the kind of answer `instrument` asks for, its unit (in English, the plan's source
    language) and whether it is counted by sex. Returns whether anything changed.

    ValidationError (by field: kind, by_sex, unit, reason) when the values do not fit together,
    or when a round has been opened under the plan and no reason is given."""
    require(actor, "plans.change_instrument", instrument)
    unit = (unit or "").strip()
    reason = (reason or "").strip()
    errors = _clean(kind, by_sex, unit)
    amended = rounds_opened(instrument)
    if amended and not reason:
        errors["reason"] = [_("Say why the kind changes: rounds have already been opened under this plan.")]
    if errors:
        raise ValidationError(errors)
    before = _state(instrument)
    after = {"kind": kind, "by_sex": bool(by_sex), "unit": unit}
    if after == before:
        return False
    kind_changes = (kind, bool(by_sex)) != (before["kind"], before["by_sex"])
    if kind_changes and with_figures(Instrument.objects.filter(pk=instrument.pk)).exists():
        raise ValidationError(
            {
                "kind": [
                    _(
                        "Departments have already answered this instrument with figures: they would be read as "
                        "figures of another kind. Keep its kind, or add a new instrument for the new question."
                    )
                ]
            }
        )
    if amended:
        # Once rounds have asked for the plan, a new kind is an amendment like any other: a new
        # version of the plan, so that the rounds already opened keep the question they asked.
        from naptrack.plans.amendments import plan_amend

        in_force = list(instrument.action.instruments.filter(retired_in__isnull=True).order_by("position"))
        plan_amend(
            actor=actor,
            plan=instrument.action.plan,
            change_list=[
                {
                    "op": "instrument-kind",
                    "line": instrument.action.code,
                    "instrument": [i.pk for i in in_force].index(instrument.pk) + 1,
                    **after,
                }
            ],
            effective_from=timezone.localdate(),
            reason=reason,
        )
        return True
    instrument.kind = kind
    instrument.by_sex = bool(by_sex)
    if after["unit"] != before["unit"]:
        # A translation of the old unit would now name something else: the unit is translated
        # again, like any new text of the plan.
        setattr(instrument, f"unit_{SOURCE}", unit)
        for lang in TARGETS:
            setattr(instrument, f"unit_{lang}", None)
        TranslationState.objects.filter(
            kind=TranslationState.Kind.INSTRUMENT, object_id=instrument.pk, field="unit"
        ).delete()
    author(instrument, actor).save()
    changes.plans_changed([instrument.action.plan_id], after_commit=True)
    data: dict[str, Any] = {"line": instrument.action.code, "before": before, "after": after}
    audit_record(actor=actor, action="plans.instrument.kind_set", target=instrument, data=data)
    return True
