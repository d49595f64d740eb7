"""Checking an amendment before anything is written: every change in the shape its op asks for,
naming what it changes as the plan in force has it. plan_amend (plans/amendments.py) refuses the
whole amendment, naming every problem, when check finds any."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django_countries import countries

from naptrack.plans.interchange import source_of
from naptrack.plans.models import (
    Action,
    Department,
    Instrument,
)

if TYPE_CHECKING:
    from naptrack.plans.amendments import _Plan

# The changes an amendment may make, in the order they are made.
OPS = (
    "department-joined",
    "objective-added",
    "objective-text",
    "goal-added",
    "goal-text",
    "line-added",
    "line-retired",
    "line-text",
    "instrument-added",
    "instrument-retired",
    "instrument-text",
    "instrument-kind",
    "department-added",
    "department-removed",
    "coordinator",
    "focus-countries",
)


def _require_text(value: Any, label: str, errors: list[str]) -> None:
    if not (source_of(value) or "").strip():
        errors.append(_("%(what)s: give a text") % {"what": label})


def _check_instrument(spec: dict, label: str, errors: list[str]) -> None:
    _require_text(spec.get("text"), label, errors)
    kind = spec.get("kind", Instrument.Kind.QUALITATIVE)
    if kind not in Instrument.Kind.values:
        errors.append(_("%(what)s: unknown kind of answer %(kind)s") % {"what": label, "kind": kind})
    elif spec.get("by_sex") and kind != Instrument.Kind.QUANTITATIVE:
        errors.append(_("%(what)s: only a number can be counted by sex") % {"what": label})


# What each change must hold, and of which type: a change of another shape is refused by name
# before anything reads it.
_SHAPES: dict[str, dict[str, tuple[type, ...]]] = {
    "department-joined": {"department": (str,), "row": (dict,)},
    "objective-added": {"objective": (int,), "title": (str, dict)},
    "objective-text": {"objective": (int,), "title": (str, dict)},
    "goal-added": {"goal": (int,), "objective": (int,), "text": (str, dict)},
    "goal-text": {"goal": (int,), "text": (str, dict)},
    "line-added": {"line": (str,), "goal": (int,), "text": (str, dict)},
    "line-retired": {"line": (str,)},
    "line-text": {"line": (str,), "text": (str, dict)},
    "instrument-added": {"line": (str,), "text": (str, dict)},
    "instrument-retired": {"line": (str,), "instrument": (int,)},
    "instrument-text": {"line": (str,), "instrument": (int,), "text": (str, dict)},
    "instrument-kind": {"line": (str,), "instrument": (int,), "kind": (str,)},
    "department-added": {"line": (str,), "department": (str,)},
    "department-removed": {"line": (str,), "department": (str,)},
    "coordinator": {"line": (str,)},
    "focus-countries": {"countries": (list,)},
}
_LISTS: dict[str, type] = {"instruments": dict, "departments": str, "countries": str}
LINE_CODE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")


def _misshapen(value: Any, types: tuple[type, ...]) -> bool:
    if not isinstance(value, types) or isinstance(value, bool):
        return True
    # A text given in several languages: strings, and the translations' states.
    return isinstance(value, dict) and not all(isinstance(v, str) for k, v in value.items() if k != "state")


def _shape_problems(n: int, change: Any) -> list[str]:
    if not isinstance(change, dict) or change.get("op") not in _SHAPES:
        op = change.get("op") if isinstance(change, dict) else None
        return [_("change %(n)s: unknown change %(op)s") % {"n": n, "op": op}]
    op = change["op"]
    problems = [
        _("change %(n)s (%(op)s): give %(key)s") % {"n": n, "op": op, "key": key}
        for key, types in _SHAPES[op].items()
        if _misshapen(change.get(key), types)
    ]
    for key, item in _LISTS.items():
        if key in change and not (isinstance(change[key], list) and all(isinstance(v, item) for v in change[key])):
            problems.append(_("change %(n)s (%(op)s): give %(key)s as a list") % {"n": n, "op": op, "key": key})
    if op == "line-added" and isinstance(change.get("line"), str) and not LINE_CODE.match(change["line"]):
        problems.append(_("line %(line)s: a code is letters and digits, joined by dots or hyphens") % change)
    return problems


def check(live: _Plan, change_list: list[dict[str, Any]]) -> list[str]:
    """Every problem of a list of changes, in words; empty when all can be made."""
    if not isinstance(change_list, list):
        return [_("Give the changes as a list.")]
    errors = [p for n, change in enumerate(change_list, start=1) for p in _shape_problems(n, change)]
    if errors:
        return errors
    new_codes = {c.get("line") for c in change_list if c.get("op") == "line-added"}
    new_goals = {c.get("goal") for c in change_list if c.get("op") == "goal-added"}
    new_objectives = {c.get("objective") for c in change_list if c.get("op") == "objective-added"}
    # A department added to a line may coordinate it in the same amendment (applied in that order).
    joining = {(str(c.get("line", "")), c.get("department")) for c in change_list if c.get("op") == "department-added"}
    for change in change_list:
        op, code = change.get("op"), str(change.get("line", ""))
        if op not in OPS:
            errors.append(_("unknown change %(op)s") % {"op": op})
        elif op == "line-added":
            if code in live.actions:
                errors.append(_("line %(line)s: the plan already has a line with this code") % {"line": code})
            if not code.strip() or len(code) > 20:
                errors.append(_("line %(line)s: give a code of at most 20 characters") % {"line": code})
            if change.get("goal") not in live.goals and change.get("goal") not in new_goals:
                errors.append(
                    _("line %(line)s: the plan has no goal %(goal)s") % {"line": code, "goal": change.get("goal")}
                )
            _require_text(change.get("text"), _("line %(line)s") % {"line": code}, errors)
            for spec in change.get("instruments", []):
                _check_instrument(spec, _("line %(line)s") % {"line": code}, errors)
            _check_departments(live, code, change.get("departments", []), change.get("coordinator"), errors)
        elif op in ("goal-added", "goal-text"):
            exists = change.get("goal") in live.goals
            if op == "goal-added" and exists:
                errors.append(_("goal %(goal)s: the plan already has it") % {"goal": change.get("goal")})
            if op == "goal-text" and not exists:
                errors.append(_("goal %(goal)s: the plan has no such goal") % {"goal": change.get("goal")})
            if op == "goal-added" and change.get("objective") not in live.objectives | dict.fromkeys(new_objectives):
                errors.append(_("goal %(goal)s: the plan has no objective %(objective)s") % change)
            _require_text(change.get("text"), _("goal %(goal)s") % {"goal": change.get("goal")}, errors)
        elif op in ("objective-added", "objective-text"):
            exists = change.get("objective") in live.objectives
            if exists == (op == "objective-added"):
                errors.append(_("objective %(objective)s: not possible") % {"objective": change.get("objective")})
            _require_text(change.get("title"), _("objective %(objective)s") % change, errors)
        elif op == "department-joined":
            _check_joining(live, change, errors)
        elif op == "focus-countries":
            unknown = [
                c for c in change.get("countries", []) if not isinstance(c, str) or len(c) != 2 or c not in countries
            ]
            if unknown:
                errors.append(_("focus countries: unknown codes %(codes)s") % {"codes": ", ".join(map(str, unknown))})
        elif code in new_codes:
            errors.append(_("line %(line)s: added by this amendment; give it whole in its addition") % {"line": code})
        else:
            action = live.line(code, errors)
            if action is not None:
                _check_on_line(live, action, change, errors, joining)
    return errors


def _check_joining(live: _Plan, change: dict[str, Any], errors: list[str]) -> None:
    row = change.get("row") or {}
    code = change.get("department")
    if code in live.departments:
        errors.append(_("department %(department)s: already in the plan") % {"department": code})
    elif not code or row.get("code") != code or not (source_of(row.get("name")) or "").strip():
        errors.append(_("department %(department)s: give its code and name") % {"department": code})
    elif (
        row.get("parent")
        and row["parent"] not in live.departments
        and not Department.objects.filter(code=row["parent"]).exists()
    ):
        errors.append(_("department %(department)s: unknown parent %(parent)s") % {"department": code, **row})
    else:
        # Lines added or changed by the same amendment may name it.
        live.departments[code] = Department(code=code)


def _check_departments(live: _Plan, code: str, given: list[str], coordinator: str | None, errors: list[str]) -> None:
    unknown = [d for d in given if d not in live.departments]
    if unknown:
        errors.append(
            _("line %(line)s: departments not in the plan: %(codes)s") % {"line": code, "codes": ", ".join(unknown)}
        )
    if coordinator and coordinator not in given:
        errors.append(_("line %(line)s: the coordinating department must be responsible for it") % {"line": code})


def _check_on_line(
    live: _Plan, action: Action, change: dict[str, Any], errors: list[str], joining: Iterable[tuple[str, Any]] = ()
) -> None:
    op, code = change["op"], action.code
    if op == "line-text":
        _require_text(change.get("text"), _("line %(line)s") % {"line": code}, errors)
    elif op == "instrument-added":
        _check_instrument(change, _("line %(line)s") % {"line": code}, errors)
    elif op in ("instrument-retired", "instrument-text", "instrument-kind"):
        n = change.get("instrument")
        if not isinstance(n, int) or not 1 <= n <= len(live.instruments(action)):
            errors.append(_("line %(line)s: no instrument %(n)s in force") % {"line": code, "n": n})
        elif op == "instrument-text":
            _require_text(change.get("text"), _("line %(line)s") % {"line": code}, errors)
        elif op == "instrument-kind":
            _check_instrument({**change, "text": "-"}, _("line %(line)s") % {"line": code}, errors)
    elif op in ("department-added", "department-removed", "coordinator"):
        department = change.get("department")
        responsible = set(action.responsibilities.values_list("department__code", flat=True))
        if op == "coordinator":
            responsible |= {d for line, d in joining if line == code}
        if department and department not in live.departments:
            errors.append(_("line %(line)s: department %(department)s is not in the plan") % change)
        elif op == "department-added" and department in responsible:
            errors.append(_("line %(line)s: department %(department)s is already responsible") % change)
        elif op != "department-added" and department and department not in responsible:
            errors.append(_("line %(line)s: department %(department)s is not responsible for it") % change)
