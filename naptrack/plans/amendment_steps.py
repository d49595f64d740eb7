"""Each change of an amendment made on the live rows (plans/amendments.py checks them first).

`apply` returns the change as the version keeps it: its own words plus what a reader needs
later (the text before, the instrument that replaced another)."""

from __future__ import annotations

from typing import Any

from naptrack.plans.amendments import _columns, _Plan, next_position, responsibility_add
from naptrack.plans.interchange import SOURCE
from naptrack.plans.models import Action, Department, Goal, Instrument, Objective, PlanDepartment, PlanVersion


def apply(live: _Plan, version: PlanVersion, change: dict[str, Any], *, keeps: bool) -> dict[str, Any]:
    op = change["op"]
    if op == "department-joined":
        _department_join(live, change)
    elif op == "objective-added":
        live.objectives[change["objective"]] = Objective.objects.create(
            plan=live.plan,
            number=change["objective"],
            **_columns("title", change["title"]),
            **_columns("intro", change.get("intro", "")),
        )
    elif op == "objective-text":
        objective = live.objectives[change["objective"]]
        change["before"] = objective.title_en
        _set(objective, {**_columns("title", change["title"]), **_columns("intro", change.get("intro", ""))})
    elif op == "goal-added":
        live.goals[change["goal"]] = Goal.objects.create(
            plan=live.plan,
            objective=live.objectives[change["objective"]],
            number=change["goal"],
            **_columns("text", change["text"]),
        )
    elif op == "goal-text":
        goal = live.goals[change["goal"]]
        change["before"] = goal.text_en
        _set(goal, _columns("text", change["text"]))
    elif op == "line-added":
        _line_add(live, version, change)
    elif op == "focus-countries":
        change["before"] = list(live.plan.focus_countries)
        live.plan.focus_countries = list(change["countries"])
        live.plan.save(update_fields=["focus_countries", "updated_at"])
    else:
        _on_line(live, live.actions[str(change["line"])], version, change, keeps=keeps)
    return change


def _department_join(live: _Plan, change: dict[str, Any]) -> None:
    """A department new to the plan (and perhaps to the installation: departments are shared)."""
    row = change["row"]
    department = Department.objects.filter(code=row["code"]).first()
    if department is None:
        parent = Department.objects.filter(code=row.get("parent")).first() if row.get("parent") else None
        department = Department.objects.create(
            code=row["code"],
            parent=parent,
            **_columns("name", row["name"]),
            **_columns("abbreviation", row.get("abbreviation", "")),
        )
    PlanDepartment.objects.create(
        plan=live.plan, department=department, position=next_position(live.plan.plan_departments.all())
    )
    live.departments[department.code] = department


def _set(obj, columns: dict[str, str]) -> None:
    for name, value in columns.items():
        setattr(obj, name, value)
    obj.save()


def _line_add(live: _Plan, version: PlanVersion, change: dict[str, Any]) -> None:
    goal = live.goals[change["goal"]]
    action = Action.objects.create(
        plan=live.plan,
        goal=goal,
        code=str(change["line"]),
        position=next_position(goal.actions.all()),
        introduced_in=version,
        **_columns("text", change["text"]),
    )
    live.actions[action.code] = action
    for position, spec in enumerate(change.get("instruments", []), start=1):
        _instrument_create(action, version, spec, position)
    for code in change.get("departments", []):
        responsibility_add(action, live.departments[code], coordinator=code == change.get("coordinator"))


def _instrument_create(action: Action, version: PlanVersion, spec: dict[str, Any], position: int) -> Instrument:
    return Instrument.objects.create(
        action=action,
        position=position,
        kind=spec.get("kind", Instrument.Kind.QUALITATIVE),
        by_sex=bool(spec.get("by_sex", False)),
        introduced_in=version,
        **_columns("text", spec["text"]),
        **_columns("unit", spec.get("unit", "")),
    )


def _retire(obj: Action | Instrument, version: PlanVersion, *, keeps: bool) -> str:
    """Retire what a round may have asked for; delete what none could have. Returns which."""
    if keeps:
        obj.retired_in = version
        obj.save(update_fields=["retired_in"])
        return "retired"
    obj.delete()
    return "deleted"


def _on_line(live: _Plan, action: Action, version: PlanVersion, change: dict[str, Any], *, keeps: bool) -> None:
    op = change["op"]
    if op == "line-retired":
        change["done"] = _retire(action, version, keeps=keeps)
        if change["done"] == "deleted":
            del live.actions[action.code]
    elif op == "line-text":
        change["before"] = getattr(action, f"text_{SOURCE}")
        _set(action, _columns("text", change["text"]))
    elif op == "instrument-added":
        instrument = _instrument_create(action, version, change, next_position(action.instruments.all()))
        change["position"] = instrument.position
    elif op in ("instrument-retired", "instrument-text", "instrument-kind"):
        instrument = Instrument.objects.get(pk=change.pop("instrument_id"))
        _instrument_change(action, instrument, version, change, keeps=keeps)
    elif op == "department-added":
        responsibility_add(action, live.departments[change["department"]])
    elif op == "department-removed":
        action.responsibilities.filter(department__code=change["department"]).delete()
    elif op == "coordinator":
        action.responsibilities.update(is_coordinator=False)
        if change.get("department"):
            action.responsibilities.filter(department__code=change["department"]).update(is_coordinator=True)


def _instrument_change(
    action: Action, instrument: Instrument, version: PlanVersion, change: dict[str, Any], *, keeps: bool
) -> None:
    op = change["op"]
    if op == "instrument-retired":
        change["done"] = _retire(instrument, version, keeps=keeps)
    elif op == "instrument-text":
        change["before"] = getattr(instrument, f"text_{SOURCE}")
        _set(instrument, _columns("text", change["text"]))
    else:
        change["before"] = instrument.kind
        kind, by_sex = change["kind"], bool(change.get("by_sex", False))
        unit = _columns("unit", change.get("unit", "")) if "unit" in change else {}
        if keeps:
            # Once a round has asked the old question it stays that round's: its answers (figures
            # read as an amount or a percentage by their kind) and its form. The new question is a
            # new instrument; the old one is retired with what was answered to it.
            _retire(instrument, version, keeps=True)
            text = {f"text_{lang}": getattr(instrument, f"text_{lang}") for lang in ("en", "fr", "nl", "de")}
            replacement = Instrument.objects.create(
                action=action,
                position=next_position(action.instruments.all()),
                kind=kind,
                by_sex=by_sex,
                introduced_in=version,
                **text,
                **(unit or {f"unit_{SOURCE}": getattr(instrument, f"unit_{SOURCE}")}),
            )
            change["replaced_by"] = replacement.position
        else:
            _set(instrument, {"kind": kind, "by_sex": by_sex, **unit})
