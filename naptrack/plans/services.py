"""Writes to the plan. Each service runs in one transaction and records one audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import ProtectedError
from django.utils import timezone

from naptrack.audit.services import audit_record
from naptrack.plans import changes, interchange, translating
from naptrack.plans.amendment_files import plan_amend_document
from naptrack.plans.amendments import has_opened_rounds, is_amended
from naptrack.plans.interchange import SOURCE, TARGETS, source_of, states_of, translations_of
from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    Milestone,
    Note,
    Objective,
    Plan,
    PlanDepartment,
    Responsibility,
    Target,
)


@dataclass
class LoadSummary:
    plan: Plan
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    changes: dict[str, int] = field(default_factory=lambda: {"created": 0, "updated": 0, "deleted": 0})
    # A plan that rounds have asked for is amended rather than rewritten: the changes read from
    # the file, and the version they made (None on a dry run or when the file changes nothing).
    amendment: Any = None
    reading: Any = None

    def as_dict(self) -> dict[str, Any]:
        return {"created": self.created, "counts": self.counts, "changes": self.changes}


class PlanLoadError(Exception):
    """The document is valid but cannot be applied to what the database holds."""


class _Upserter:
    """Saves a row only when a value differs, so that reloading an unchanged plan writes nothing
    (and leaves no empty history entries)."""

    def __init__(self, summary: LoadSummary):
        self.changes = summary.changes
        # Texts the file gives as objects of languages: their translations' states, set at the end.
        self.stated: list[translating.Stated] = []

    def texts(self, obj: models.Model, kind: str, values: dict[str, Any]) -> None:
        """Remember the states of the texts of `obj` that the file gave with their translations."""
        for name, value in values.items():
            if isinstance(value, dict):
                self.stated.append((kind, obj.pk, name, states_of(value)))

    def save(self, obj: models.Model | None, model: type[models.Model], values: dict[str, Any]) -> models.Model:
        if obj is None:
            obj = model(**values)
            obj.save()
            self.changes["created"] += 1
            return obj
        dirty = [name for name, value in values.items() if getattr(obj, name) != value]
        if dirty:
            for name in dirty:
                setattr(obj, name, values[name])
            obj.save()
            self.changes["updated"] += 1
        return obj

    def delete(self, objects) -> None:
        for obj in objects:
            try:
                with transaction.atomic():
                    obj.delete()
            except ProtectedError:
                raise PlanLoadError(
                    f"{obj._meta.verbose_name} {obj} has reports in a reporting round and cannot be removed; "
                    "keep it in the file"
                ) from None
            self.changes["deleted"] += 1


def _t(name: str, value: Any) -> dict[str, str | None]:
    """The columns of a translatable text: its English source; and its translations when the
    file states them (an object of languages), a language it leaves out then having none. A
    text given as a string leaves its translations as they are."""
    columns: dict[str, str | None] = {f"{name}_{SOURCE}": source_of(value)}
    translations = translations_of(value)
    if translations is not None:
        columns.update({f"{name}_{lang}": translations.get(lang) for lang in TARGETS})
    return columns


def plan_load(
    *,
    actor: Any,
    document: dict,
    effective_from: dt.date | None = None,
    reason: str = "",
    dry_run: bool = False,
) -> LoadSummary:
    """Create or update the plan a naptrack-plan/1 document describes.

    The plan is matched by slug, objectives and goals by number, lines by code, instruments and
    notes by position: reloading keeps every row's identity, so that reports filed against a
    line stay attached to it. What the document no longer holds is removed. The document is
    validated first and the whole load is one transaction: an invalid file writes nothing.

    Once a round has opened under the plan, or once it was amended, the file is an amendment instead (effective from
    `effective_from`, today by default, with its `reason`): rounds already opened keep the plan
    of their time (plans/amendments.py). With dry_run, an amendment's changes are only read.
    """
    interchange.validate(document)
    if getattr(actor, "is_authenticated", False) and not actor.has_perm("plans.load_plan"):
        raise PermissionDenied("Only a coordinator can load a plan.")
    existing = Plan.objects.filter(slug=document["slug"]).first()
    if existing is not None and (has_opened_rounds(existing) or is_amended(existing)):
        version, reading = plan_amend_document(
            actor=actor,
            plan=existing,
            document=document,
            effective_from=effective_from or timezone.localdate(),
            reason=reason or "Plan file loaded.",
            dry_run=dry_run,
        )
        return LoadSummary(plan=existing, created=False, amendment=version, reading=reading)
    if dry_run:
        raise PlanLoadError("a dry run reads an amendment's changes; this plan has no round yet, so loading edits it")
    with transaction.atomic():
        summary = _load(actor, document)
        changes.plans_changed([summary.plan.pk])
        return summary


def _check_kinds_kept(plan: Plan, doc: dict) -> None:
    """An instrument answered with figures keeps its kind (plans/instruments.py says why)."""
    from naptrack.plans.instruments import with_figures

    given = {
        (a["code"], position): (i["kind"], i.get("by_sex", False))
        for o in doc["objectives"]
        for g in o["goals"]
        for a in g["actions"]
        for position, i in enumerate(a["instruments"], start=1)
    }
    answered = with_figures(Instrument.objects.filter(action__plan=plan)).select_related("action")
    changed = [
        f"{i.action.code} ({i.position})"
        for i in answered
        if (i.action.code, i.position) in given and given[(i.action.code, i.position)] != (i.kind, i.by_sex)
    ]
    if changed:
        raise PlanLoadError(
            "these instruments are answered with figures and cannot change their kind: "
            + ", ".join(sorted(changed))
            + "; keep their kind in the file, or add a new instrument for the new question"
        )


def _load(actor: Any, doc: dict) -> LoadSummary:
    existing = Plan.objects.filter(slug=doc["slug"]).first()
    if existing is not None:
        _check_kinds_kept(existing, doc)
    summary = LoadSummary(plan=existing, created=existing is None)  # type: ignore[arg-type]
    up = _Upserter(summary)
    plan = up.save(
        existing,
        Plan,
        {
            "slug": doc["slug"],
            **_t("title", doc["title"]),
            "country": doc["country"],
            "period_start": doc["period"]["start"],
            "period_end": doc["period"]["end"],
            "languages": doc["languages"],
            "focus_countries": doc["focus_countries"],
            "currency": doc.get("currency", "EUR"),
        },
    )
    summary.plan = plan
    up.texts(plan, "plan", {"title": doc["title"]})

    departments = _load_departments(up, plan, doc["departments"])

    objectives = {o.number: o for o in plan.objectives.all()}
    goals = {g.number: g for g in plan.goals.all()}
    actions = {a.code: a for a in plan.actions.all()}
    instruments = _by_action(Instrument.objects.filter(action__plan=plan))
    targets = {
        t.instrument_id: t for t in Target.objects.filter(instrument__action__plan=plan).prefetch_related("milestones")
    }
    notes = _by_action(Note.objects.filter(action__plan=plan))
    responsibilities = _by_action(Responsibility.objects.filter(action__plan=plan))
    kept_objectives, kept_goals, kept_actions = set(), set(), set()
    n_instruments = 0

    for o in doc["objectives"]:
        objective = up.save(
            objectives.get(o["number"]),
            Objective,
            {
                "plan": plan,
                "number": o["number"],
                **_t("title", o["title"]),
                **_t("intro", o.get("intro", "")),
            },
        )
        up.texts(objective, "objective", {"title": o["title"], "intro": o.get("intro", "")})
        kept_objectives.add(objective.pk)
        for g in o["goals"]:
            goal = up.save(
                goals.get(g["number"]),
                Goal,
                {
                    "plan": plan,
                    "objective": objective,
                    "number": g["number"],
                    **_t("text", g["text"]),
                },
            )
            up.texts(goal, "goal", {"text": g["text"]})
            kept_goals.add(goal.pk)
            for position, a in enumerate(g["actions"], start=1):
                action = up.save(
                    actions.get(a["code"]),
                    Action,
                    {
                        "plan": plan,
                        "goal": goal,
                        "code": a["code"],
                        "position": position,
                        **_t("text", a["text"]),
                    },
                )
                up.texts(action, "action", {"text": a["text"]})
                kept_actions.add(action.pk)
                saved = _load_children(
                    up,
                    action,
                    instruments.get(action.pk, []),
                    Instrument,
                    "instrument",
                    [i["text"] for i in a["instruments"]],
                    [
                        {"kind": i["kind"], "by_sex": i.get("by_sex", False), **_t("unit", i.get("unit", ""))}
                        for i in a["instruments"]
                    ],
                    units=[i.get("unit", "") for i in a["instruments"]],
                )
                for instrument, given in zip(saved, a["instruments"], strict=True):
                    _load_target(up, instrument, given, targets)
                notes_given = a.get("notes", [])
                _load_children(up, action, notes.get(action.pk, []), Note, "note", notes_given, [{}] * len(notes_given))
                _load_responsibilities(up, action, responsibilities.get(action.pk, []), a, departments)
                n_instruments += len(a["instruments"])

    # Lines first: goals and objectives cascade to them, and counting each deletion once needs
    # the children gone before their parents.
    up.delete(plan.actions.exclude(pk__in=kept_actions))
    up.delete(plan.goals.exclude(pk__in=kept_goals))
    up.delete(plan.objectives.exclude(pk__in=kept_objectives))
    translating.states_apply(up.stated)
    if summary.changes["deleted"]:
        translating.states_orphans_delete()

    summary.counts = {
        "objectives": len(kept_objectives),
        "goals": len(kept_goals),
        "actions": len(kept_actions),
        "instruments": n_instruments,
        "departments": len(departments),
    }
    audit_record(
        actor=actor,
        action="plans.plan.loaded",
        target=plan,
        data={"slug": plan.slug, **summary.as_dict()},
    )
    return summary


def _by_action(queryset: models.QuerySet) -> dict[int, list]:
    grouped: dict[int, list] = {}
    for obj in queryset.order_by("position"):
        grouped.setdefault(obj.action_id, []).append(obj)
    return grouped


def _load_children(
    up: _Upserter,
    action: Action,
    current: list,
    model: type[models.Model],
    kind: str,
    texts: list,
    rows: list[dict],
    units: list | None = None,
) -> list:
    by_position = {obj.position: obj for obj in current}
    saved = []
    for position, (text, values) in enumerate(zip(texts, rows, strict=True), start=1):
        obj = up.save(
            by_position.pop(position, None),
            model,
            {"action": action, "position": position, **_t("text", text), **values},
        )
        up.texts(obj, kind, {"text": text, **({"unit": units[position - 1]} if units else {})})
        saved.append(obj)
    up.delete(by_position.values())
    return saved


def _figure(point: dict) -> Decimal | None:
    """A baseline's, milestone's or target's figure: its value, or its share of women."""
    number = point.get("value", point.get("share_of_women"))
    return None if number is None else Decimal(str(number)).quantize(Decimal("0.0001"))


def _load_target(up: _Upserter, instrument: Instrument, given: dict, targets: dict[int, Target]) -> None:
    current = targets.get(instrument.pk)
    target = given.get("target")
    if target is None:
        if current is not None:
            up.delete([current])
        return
    baseline = given.get("baseline") or {}
    saved = up.save(
        current,
        Target,
        {
            "instrument": instrument,
            "baseline_year": baseline.get("year"),
            "baseline_value": _figure(baseline) if baseline else None,
            "year": target["year"],
            "value": _figure(target),
            "text": target.get("text", ""),
            "direction": given.get("direction", Target.Direction.UP),
            "source": target.get("source", Target.Source.PLAN),
        },
    )
    milestones = {m.year: m for m in (current.milestones.all() if current is not None else [])}
    for point in given.get("milestones", []):
        up.save(
            milestones.pop(point["year"], None),
            Milestone,
            {"target": saved, "year": point["year"], "value": _figure(point)},
        )
    up.delete(milestones.values())


def _load_responsibilities(
    up: _Upserter, action: Action, current: list[Responsibility], a: dict, departments: dict[str, Department]
) -> None:
    by_department = {r.department_id: r for r in current}
    for position, code in enumerate(a["departments"], start=1):
        department = departments[code]
        up.save(
            by_department.pop(department.pk, None),
            Responsibility,
            {
                "action": action,
                "department": department,
                "position": position,
                "is_coordinator": a.get("coordinator") == code,
            },
        )
    up.delete(by_department.values())


def _load_departments(up: _Upserter, plan: Plan, rows: list[dict]) -> dict[str, Department]:
    existing = {d.code: d for d in Department.objects.filter(code__in=[r["code"] for r in rows])}
    result: dict[str, Department] = {}
    # Parents before units, whatever order the file lists them in.
    pending = list(rows)
    while pending:
        row = next(r for r in pending if r["parent"] is None or r["parent"] in result)
        pending.remove(row)
        result[row["code"]] = up.save(
            existing.get(row["code"]),
            Department,
            {
                "code": row["code"],
                **_t("name", row["name"]),
                "parent": result.get(row["parent"]),
                **_t("abbreviation", row.get("abbreviation", "")),
            },
        )
        up.texts(result[row["code"]], "department", {"name": row["name"], "abbreviation": row.get("abbreviation", "")})
    links = {link.department_id: link for link in plan.plan_departments.all()}
    for position, row in enumerate(rows, start=1):
        department = result[row["code"]]
        up.save(
            links.pop(department.pk, None),
            PlanDepartment,
            {
                "plan": plan,
                "department": department,
                "position": position,
            },
        )
    up.delete(links.values())
    return result


def _content_label(obj: models.Model) -> str:
    return f"plans.{obj._meta.model_name}"


@transaction.atomic
def plan_content_saved(*, actor: Any, obj: models.Model, changed: list[str], created: bool) -> None:
    """An edit of plan content by the coordinator (from the admin)."""
    if not actor.has_perm("plans.change_plan_content"):
        raise PermissionDenied("Only a coordinator can edit the plan.")
    before = {}
    if changed and not created:
        old = type(obj).objects.filter(pk=obj.pk).values(*changed).first() or {}
        before = {k: _jsonable(v) for k, v in old.items()}
    obj.save()
    changes.plans_changed(changes.plan_ids_of(obj), after_commit=True)
    audit_record(
        actor=actor,
        action=f"{_content_label(obj)}.{'created' if created else 'edited'}",
        target=obj,
        data={"before": before, "after": {name: _jsonable(getattr(obj, name, None)) for name in changed}},
    )


@transaction.atomic
def plan_content_deleted(*, actor: Any, obj: models.Model) -> None:
    if not actor.has_perm("plans.change_plan_content"):
        raise PermissionDenied("Only a coordinator can edit the plan.")
    audit_record(actor=actor, action=f"{_content_label(obj)}.deleted", target=obj, data={"repr": str(obj)})
    # Read before the row is gone, which the followers see only after the commit anyway.
    changes.plans_changed(changes.plan_ids_of(obj), after_commit=True)
    obj.delete()


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str | int | float | bool | list | dict) or value is None:
        return value
    return str(value)
