"""Versions of a plan: which lines, instruments and departments were in force for a round.

The live rows (Objective, Goal, Action, Instrument, Responsibility) always hold the plan as last
amended; a retired line or instrument keeps its row, marked `retired_in`, for the rounds that
asked for it. Each PlanVersion keeps a snapshot of the structure and every text in force until
the next amendment, so that a round opened under an earlier version still shows what it asked
for: `as_of` puts those texts back onto the rows a reader loaded, in memory, without a query.

The snapshot of the latest version is refreshed from the live rows just before an amendment
supersedes it: edits that are not amendments (a translation made official, a typo mended before
the rounds) are part of the version they were made in.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from naptrack.plans.models import Action, Goal, Instrument, Objective, Plan, PlanVersion, Responsibility

LANGUAGES = tuple(settings.MODELTRANSLATION_LANGUAGES)
TEXTS: dict[type[models.Model], tuple[str, ...]] = {
    Objective: ("title", "intro"),
    Goal: ("text",),
    Action: ("text",),
    Instrument: ("text", "unit"),
}


def _columns(model: type[models.Model]) -> list[str]:
    return [f"{name}_{lang}" for name in TEXTS[model] for lang in LANGUAGES]


def snapshot(plan: Plan) -> dict[str, Any]:
    """The plan in force now, as JSON: what a version keeps. Five queries."""
    objectives = Objective.objects.filter(plan=plan).values("pk", "number", *_columns(Objective))
    goals = Goal.objects.filter(plan=plan).values("pk", "number", "objective_id", *_columns(Goal))
    actions = Action.objects.filter(plan=plan, retired_in__isnull=True).values(
        "pk", "code", "goal_id", "position", *_columns(Action)
    )
    instruments = Instrument.objects.filter(
        action__plan=plan, action__retired_in__isnull=True, retired_in__isnull=True
    ).values("pk", "action_id", "position", "kind", "by_sex", *_columns(Instrument))
    responsibilities = Responsibility.objects.filter(action__plan=plan, action__retired_in__isnull=True).order_by(
        "action_id", "position"
    )
    return {
        "focus_countries": list(plan.focus_countries),
        "objectives": {str(o.pop("pk")): o for o in objectives},
        "goals": {str(g.pop("pk")): g for g in goals},
        "actions": {str(a.pop("pk")): a for a in actions},
        "instruments": {str(i.pop("pk")): i for i in instruments},
        "responsibilities": [
            [r.action_id, r.department_id, r.position, r.is_coordinator]
            for r in responsibilities.only("action_id", "department_id", "position", "is_coordinator")
        ],
    }


def latest(plan: Plan) -> PlanVersion | None:
    return plan.versions.order_by("-number").first()


def in_force(plan: Plan) -> PlanVersion:
    """The version a round opened now follows: the latest, version 1 made on first need (a plan
    loaded before versions existed, or never amended)."""
    version = latest(plan)
    if version is None:
        version = PlanVersion.objects.create(
            plan=plan, number=1, effective_from=_adopted_on(plan), snapshot=snapshot(plan)
        )
    return version


def _adopted_on(plan: Plan) -> dt.date:
    return dt.date(plan.period_start, 1, 1) if plan.period_start <= timezone.localdate().year else timezone.localdate()


@dataclass
class Structure:
    """The plan's content as a round of a given version reads it: live rows, filtered to what
    the version held and carrying that version's texts."""

    objectives: list[Objective]
    goals: list[Goal]
    actions: list[Action]
    instruments: list[Instrument]
    responsibilities: list[Responsibility]
    focus_countries: list[str]


def _texts(obj: models.Model, saved: dict[str, Any]) -> None:
    for column in _columns(type(obj)):
        if column in saved:
            setattr(obj, column, saved[column])


def as_of(
    version: PlanVersion | None,
    *,
    objectives: Iterable[Objective],
    goals: Iterable[Goal],
    actions: Iterable[Action],
    instruments: Iterable[Instrument],
    responsibilities: Iterable[Responsibility],
    departments: dict[int, Any],
    focus_countries: list[str],
) -> Structure:
    """The rows a reader loaded for the whole plan, as `version` had them (in memory; the rows are
    changed, never saved). With no version, or the latest, what is in force now: the live rows
    minus what was retired. `departments` (by id) gives a responsibility removed since its
    department; a department missing from it is left out."""
    if version is None:
        actions = [a for a in actions if a.retired_in_id is None]
        kept = {a.pk for a in actions}
        return Structure(
            objectives=list(objectives),
            goals=list(goals),
            actions=actions,
            instruments=[i for i in instruments if i.retired_in_id is None and i.action_id in kept],
            responsibilities=[r for r in responsibilities if r.action_id in kept],
            focus_countries=list(focus_countries),
        )
    saved = version.snapshot
    chosen: dict[str, list] = {}
    for key, rows in (("objectives", objectives), ("goals", goals), ("actions", actions), ("instruments", instruments)):
        held = saved.get(key, {})
        chosen[key] = []
        for obj in rows:
            if str(obj.pk) in held:
                _texts(obj, held[str(obj.pk)])
                for name in ("position", "kind", "by_sex"):
                    if name in held[str(obj.pk)]:
                        setattr(obj, name, held[str(obj.pk)][name])
                chosen[key].append(obj)
    numbers = {g.pk: g.number for g in chosen["goals"]}
    live = {(r.action_id, r.department_id): r for r in responsibilities}
    kept_responsibilities = []
    for action_id, department_id, position, is_coordinator in saved.get("responsibilities", []):
        r = live.get((action_id, department_id))
        if r is None:
            if department_id not in departments:
                continue
            r = Responsibility(action_id=action_id, department=departments[department_id])
        r.position, r.is_coordinator = position, is_coordinator
        kept_responsibilities.append(r)
    return Structure(
        objectives=chosen["objectives"],
        goals=chosen["goals"],
        actions=sorted(chosen["actions"], key=lambda a: (numbers.get(a.goal_id, 0), a.position)),
        instruments=sorted(chosen["instruments"], key=lambda i: (i.action_id, i.position)),
        responsibilities=kept_responsibilities,
        focus_countries=list(saved.get("focus_countries", focus_countries)),
    )


def missing_departments(version: PlanVersion | None, known: Iterable[int]) -> set[int]:
    """Departments a version's responsibilities name that `known` lacks (removed from the plan
    since): the one query a reader of an old version may need."""
    if version is None:
        return set()
    named = {row[1] for row in version.snapshot.get("responsibilities", [])}
    return named - set(known)


@dataclass
class Change:
    """One change of an amendment as a reader sees it: the version it belongs to and its words."""

    version: PlanVersion
    change: dict[str, Any]

    @property
    def description(self) -> str:
        from naptrack.plans.amendments import describe

        return describe(self.change)


def amendments_of(plan: Plan) -> list[PlanVersion]:
    """The plan's amendments, the latest first (version 1, the plan as adopted, left out). One query."""
    return list(plan.versions.filter(number__gt=1).defer("snapshot").order_by("-number"))


def line_changes(action: Action) -> list[Change]:
    """What amendments changed on this line, the latest first: a plan has few versions, so they
    are read whole (one query) and filtered here."""
    return [
        Change(version, change)
        for version in amendments_of(action.plan)
        for change in version.changes
        if str(change.get("line", "")) == action.code
    ]


_KEYS: dict[type[models.Model], str] = {
    Objective: "objectives",
    Goal: "goals",
    Action: "actions",
    Instrument: "instruments",
}


def superseded(round_versions: Iterable[PlanVersion | None], all_versions: Iterable[PlanVersion]) -> set[int]:
    """The ids of those versions some newer one replaced: a round of one reads its snapshot."""
    newest: dict[int, int] = {}
    for v in all_versions:
        if v.number > newest.get(v.plan_id, 0):
            newest[v.plan_id] = v.number
    return {v.pk for v in round_versions if v is not None and v.number < newest.get(v.plan_id, 0)}


def put_texts(obj: models.Model, version: PlanVersion | None) -> models.Model:
    """`obj` (an objective, goal, line or instrument) with its texts and kind as `version` had
    them, in memory; unchanged without a version or when the version did not hold it."""
    if version is None:
        return obj
    held = version.snapshot.get(_KEYS[type(obj)], {}).get(str(obj.pk))
    if held is not None:
        _texts(obj, held)
        for name in ("kind", "by_sex"):
            if name in held:
                setattr(obj, name, held[name])
    return obj


def asks(obj: Action | Instrument, version_id: int | None) -> bool:
    """Whether a round opened under the version `version_id` asks for this line or instrument:
    added by that version or before, and not retired by then. Versions of a plan are made one at
    a time under a lock on the plan (plans/amendments.py), so their ids grow with their numbers
    and compare without reading them."""
    if version_id is None:
        return obj.retired_in_id is None
    if obj.introduced_in_id is not None and obj.introduced_in_id > version_id:
        return False
    return obj.retired_in_id is None or obj.retired_in_id > version_id


def asked(instruments: Iterable[Instrument], version_id: int | None, texts: PlanVersion | None = None) -> list:
    """Those of a line's `instruments` that a round opened under `version_id` asked for, with
    the texts of `texts` (the round's version, when an amendment has superseded it: copies, the
    rows themselves are left as they are)."""
    chosen = [i for i in instruments if asks(i, version_id)]
    return [put_texts(copy.copy(i), texts) for i in chosen] if texts is not None else chosen
