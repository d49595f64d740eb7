"""Amending a plan during its period: lines added, retired or reworded, instruments added, retired
or asking for another kind of answer, departments added to or removed from a line, the focus
countries changed. Each amendment is a new PlanVersion with the date it takes effect, its reason,
what it answers (a recommendation, an evaluation's finding) and its changes, one entry each.

Rounds opened from then on follow the plan as amended; a round opened before keeps its version
(plans/versions.py). Once a round has opened, nothing is deleted: a line or instrument taken out
is retired, its row kept for the rounds that asked for it; and so once the plan is adopted, since a
past report on any of its years may still be imported into a round (reporting.importing). Only a
draft plan's amendments delete what they take out.

A change is a dict, as stored in PlanVersion.changes:
  {"op": "line-added", "line": "38", "goal": 37, "text": ..., "instruments": [...],
   "departments": [...], "coordinator": null}
  {"op": "line-retired", "line": "12"}          {"op": "line-text", "line": "23.b", "text": ...}
  {"op": "instrument-added", "line": "14.a", "text": ..., "kind": "count", "unit": ..., "by_sex": false}
  {"op": "instrument-retired", "line": "14.a", "instrument": 2}
  {"op": "instrument-text", "line": "14.a", "instrument": 1, "text": ...}
  {"op": "instrument-kind", "line": "14.a", "instrument": 1, "kind": "count", "unit": "", "by_sex": false}
  {"op": "department-added" | "department-removed", "line": "3", "department": "defence"}
  {"op": "coordinator", "line": "33", "department": "equality" | null}
  {"op": "focus-countries", "countries": ["AF", "CD"]}
  {"op": "goal-added", "goal": 38, "objective": 6, "text": ...}   {"op": "goal-text", "goal": 4, "text": ...}
  {"op": "objective-added", "objective": 7, "title": ..., "intro": ...}
  {"op": "objective-text", "objective": 2, "title": ..., "intro": ...}
A text is a string (English, the source) or an object of languages, as in naptrack-plan/1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import require
from naptrack.plans import changes as content_changes
from naptrack.plans import versions
from naptrack.plans.amendment_checks import OPS, check
from naptrack.plans.interchange import SOURCE, TARGETS, source_of, translations_of
from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    Objective,
    Plan,
    PlanVersion,
    Responsibility,
)


class AmendmentError(ValidationError):
    """Changes that cannot be made, each named: nothing of the amendment is written."""


# What an amendment may answer, registered by the apps that hold them (civil society's
# recommendations, an evaluation's findings): "app_label.model" -> the plan id of an object,
# and what a plan holds of them, each with the words a form offers it by.
_BASES: dict[str, Callable[[models.Model], int | None]] = {}
_CHOICES: dict[str, Callable[[Plan], Iterable[tuple[models.Model, str]]]] = {}


def basis_register(
    label: str,
    plan_of: Callable[[models.Model], int | None],
    choices: Callable[[Plan], Iterable[tuple[models.Model, str]]] | None = None,
) -> None:
    _BASES[label] = plan_of
    if choices is not None:
        _CHOICES[label] = choices


def basis_choices(plan: Plan) -> list[tuple[str, str, models.Model]]:
    """What the plan's amendments may answer, for a form: ("app_label.model:pk", words, object)."""
    return [(f"{label}:{obj.pk}", words, obj) for label, offer in _CHOICES.items() for obj, words in offer(plan)]


def has_opened_rounds(plan: Plan) -> bool:
    """Whether a round ever asked for the plan's lines: from then on nothing is deleted."""
    return plan.rounds.filter(opened_at__isnull=False).exists()


def keeps_what_it_takes_out(plan: Plan) -> bool:
    """Whether an amendment retires what it takes out (the row kept) rather than deleting it:
    once a round asked for the plan's lines, and once the plan is adopted even before any round,
    since a report on any of its years may still be imported into a round of that year, on the
    lines of its time (reporting.importing). Only a draft plan loses what is taken out."""
    return plan.is_adopted or has_opened_rounds(plan)


def is_amended(plan: Plan) -> bool:
    """Whether the plan has versions after its first: loading a file into it is then an amendment
    too, so that versions and retired rows stay true."""
    return plan.versions.filter(number__gt=1).exists()


def _columns(name: str, value: Any) -> dict[str, str]:
    """The columns a text sets: its English source, and its translations when given as an object."""
    columns = {f"{name}_{SOURCE}": source_of(value) or ""}
    given = translations_of(value)
    if given is not None:
        columns.update({f"{name}_{lang}": given.get(lang) or "" for lang in TARGETS if lang in given})
    return columns


def describe(change: dict[str, Any]) -> str:
    """One change in a line of words, in the active language: what the change log shows."""
    op, line = change.get("op"), change.get("line", "")
    params = {"line": line, "n": change.get("instrument", ""), "department": change.get("department") or ""}
    texts = {
        "line-added": _("line %(line)s: added"),
        "line-retired": _("line %(line)s: retired"),
        "line-text": _("line %(line)s: text changed"),
        "instrument-added": _("line %(line)s: instrument added"),
        "instrument-retired": _("line %(line)s: instrument %(n)s retired"),
        "instrument-text": _("line %(line)s: instrument %(n)s reworded"),
        "department-added": _("line %(line)s: department %(department)s added"),
        "department-joined": _("department %(department)s: joins the plan"),
        "department-removed": _("line %(line)s: department %(department)s removed"),
    }
    if op in texts:
        return texts[op] % params
    if op == "instrument-kind":
        if change.get("replaced_by"):
            return _("line %(line)s: instrument %(n)s replaced by a new one asking for %(kind)s") % {
                **params,
                "kind": Instrument.Kind(change["kind"]).label,
            }
        return _("line %(line)s: instrument %(n)s now asks for %(kind)s") % {
            **params,
            "kind": Instrument.Kind(change["kind"]).label,
        }
    if op == "coordinator":
        if change.get("department"):
            return _("line %(line)s: coordinated by %(department)s") % params
        return _("line %(line)s: no coordinating department") % params
    if op == "focus-countries":
        return _("focus countries: %(countries)s") % {"countries": ", ".join(change["countries"]) or "—"}
    if op == "goal-added":
        return _("goal %(goal)s: added") % {"goal": change["goal"]}
    if op == "goal-text":
        return _("goal %(goal)s: text changed") % {"goal": change["goal"]}
    if op == "objective-added":
        return _("objective %(objective)s: added") % {"objective": change["objective"]}
    return _("objective %(objective)s: title or introduction changed") % {"objective": change.get("objective")}


@dataclass
class _Plan:
    """The live plan an amendment works on, read once."""

    plan: Plan
    objectives: dict[int, Objective]
    goals: dict[int, Goal]
    actions: dict[str, Action]  # by code, retired ones included
    departments: dict[str, Department]  # the plan's, by code

    @classmethod
    def read(cls, plan: Plan) -> _Plan:
        return cls(
            plan=plan,
            objectives={o.number: o for o in plan.objectives.all()},
            goals={g.number: g for g in plan.goals.all()},
            actions={a.code: a for a in plan.actions.all()},
            departments={
                pd.department.code: pd.department for pd in plan.plan_departments.select_related("department")
            },
        )

    def line(self, code: str, errors: list[str], *, in_force: bool = True) -> Action | None:
        action = self.actions.get(code)
        if action is None:
            errors.append(_("line %(line)s: the plan has no such line") % {"line": code})
        elif in_force and action.retired_in_id is not None:
            errors.append(_("line %(line)s: the line is retired") % {"line": code})
            return None
        return action

    def instruments(self, action: Action) -> list[Instrument]:
        """The line's instruments in force, in order: the "instrument N" of a change counts these."""
        return list(action.instruments.filter(retired_in__isnull=True).order_by("position"))


@transaction.atomic
def plan_amend(
    *,
    actor: Any,
    plan: Plan,
    change_list: list[dict[str, Any]],
    effective_from: dt.date,
    reason: str,
    basis: models.Model | None = None,
) -> PlanVersion:
    """Make the changes as one amendment: a new version of the plan, in force for rounds opened
    from now on, with its date, reason and basis. All or nothing."""
    # As for plan_load, a name in place of a person is the installation itself (the command line,
    # the bundled plan at start-up), whose permission is not asked.
    if not isinstance(actor, str):
        require(actor, "plans.amend_plan")
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    live = _Plan.read(plan)
    problems = _check_header(plan, effective_from, reason, basis) + check(live, change_list)
    if not change_list:
        problems.append(_("The amendment changes nothing."))
    if problems:
        raise AmendmentError(problems)
    previous = versions.in_force(plan)
    # The superseded version keeps the plan as it stands now, edits made since it began included;
    # rounds opened before versions existed belong to it.
    previous.snapshot = versions.snapshot(plan)
    previous.save(update_fields=["snapshot"])
    plan.rounds.filter(opened_at__isnull=False, plan_version__isnull=True).update(plan_version=previous)
    version = PlanVersion.objects.create(
        plan=plan,
        number=previous.number + 1,
        effective_from=effective_from,
        reason=reason.strip(),
        basis_type=ContentType.objects.get_for_model(basis) if basis is not None else None,
        basis_id=basis.pk if basis is not None else None,
    )
    keeps = keeps_what_it_takes_out(plan)
    # "Instrument 2" means the second in force before the amendment, whatever the changes before it.
    for change in change_list:
        if "instrument" in change and change["op"] != "instrument-added":
            change["instrument_id"] = live.instruments(live.actions[str(change["line"])])[change["instrument"] - 1].pk
    applied = [_apply(live, version, dict(change), keeps=keeps) for change in _ordered(change_list)]
    plan.refresh_from_db()
    version.changes = applied
    version.snapshot = versions.snapshot(plan)
    version.save(update_fields=["changes", "snapshot"])
    content_changes.plans_changed([plan.pk])
    audit_record(
        actor=actor,
        action="plans.plan.amended",
        target=plan,
        data={
            "version": version.number,
            "effective_from": effective_from.isoformat(),
            "reason": version.reason,
            "basis": f"{version.basis_type.app_label}.{version.basis_type.model}:{basis.pk}" if basis else None,
            "changes": applied,
        },
    )
    return version


def _check_header(plan: Plan, effective_from: Any, reason: str, basis: models.Model | None) -> list[str]:
    problems = []
    if not isinstance(effective_from, dt.date):
        problems.append(_("Give the date the amendment takes effect (YYYY-MM-DD)."))
    else:
        last = plan.versions.order_by("-number").first()
        if last is not None and last.number > 1 and effective_from < last.effective_from:
            problems.append(
                _("The amendment cannot take effect before the previous one (%(date)s).")
                % {"date": last.effective_from.isoformat()}
            )
        # A plan may be amended after its last year (its evaluation, a late report), never before it began.
        if effective_from.year < plan.period_start - 1:
            problems.append(_("The amendment cannot take effect before the plan's period."))
    if not (reason or "").strip():
        problems.append(_("Say why the plan is amended."))
    if basis is not None:
        label = f"{basis._meta.app_label}.{basis._meta.model_name}"
        if label not in _BASES:
            problems.append(_("An amendment answers a recommendation or an evaluation's finding, nothing else."))
        elif _BASES[label](basis) != plan.pk:
            problems.append(_("What the amendment answers belongs to another plan."))
    return problems


def _ordered(change_list: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Objectives before goals before lines before what changes on lines: a line added under a
    new goal finds it."""
    return sorted(change_list, key=lambda c: OPS.index(c["op"]))


def _apply(live: _Plan, version: PlanVersion, change: dict[str, Any], *, keeps: bool) -> dict[str, Any]:
    from naptrack.plans import amendment_steps

    return amendment_steps.apply(live, version, change, keeps=keeps)


def next_position(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(m=Max("position"))["m"] or 0) + 1


def responsibility_add(action: Action, department: Department, *, coordinator: bool = False) -> Responsibility:
    return Responsibility.objects.create(
        action=action,
        department=department,
        position=next_position(action.responsibilities.all()),
        is_coordinator=coordinator,
    )
