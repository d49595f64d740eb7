"""A changed naptrack-plan/1 file read as an amendment: what differs from the plan in force,
as the changes plans/amendments.py makes.

Lines are matched by code; a line's instruments are aligned by text (difflib), so that taking
out the second of three reads as "instrument 2 retired", not as two rewordings and a retirement.
What a file can say but an amendment does not change (the plan's title or period, targets,
footnotes, translations alone) is listed as left alone, never dropped in silence.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from naptrack.plans import interchange
from naptrack.plans.amendments import plan_amend
from naptrack.plans.exports import plan_document
from naptrack.plans.interchange import source_of
from naptrack.plans.models import Plan, PlanVersion


@dataclass
class Reading:
    """What a file would change, and what it says that an amendment leaves alone."""

    changes: list[dict[str, Any]] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)


def _lines(doc: dict) -> dict[str, tuple[dict, dict, dict]]:
    """Every line of a document by code, with its goal and objective."""
    return {a["code"]: (a, g, o) for o in doc["objectives"] for g in o["goals"] for a in g["actions"]}


def _differs(a: Any, b: Any) -> bool:
    return (source_of(a) or "").strip() != (source_of(b) or "").strip()


def read_changes(plan: Plan, document: dict) -> Reading:
    """The changes that make the plan in force say what `document` says."""
    current = plan_document(plan)
    reading = Reading()
    _plan_fields(current, document, reading)
    _departments(current, document, reading)
    # Every objective and goal of the plan, those whose lines were all retired included (the plan
    # file leaves them out): a line may come back under one.
    old_objectives = {o.number: {"title": o.title_en, "intro": o.intro_en} for o in plan.objectives.all()}
    old_goals = {
        g.number: {"text": g.text_en, "objective": g.objective.number} for g in plan.goals.select_related("objective")
    }
    for o in document["objectives"]:
        before = old_objectives.get(o["number"])
        if before is None:
            reading.changes.append(
                {"op": "objective-added", "objective": o["number"], "title": o["title"], "intro": o.get("intro", "")}
            )
        elif _differs(before["title"], o["title"]) or _differs(before.get("intro", ""), o.get("intro", "")):
            reading.changes.append(
                {"op": "objective-text", "objective": o["number"], "title": o["title"], "intro": o.get("intro", "")}
            )
        for g in o["goals"]:
            old = old_goals.get(g["number"])
            if old is None:
                reading.changes.append(
                    {"op": "goal-added", "goal": g["number"], "objective": o["number"], "text": g["text"]}
                )
            elif _differs(old["text"], g["text"]):
                reading.changes.append({"op": "goal-text", "goal": g["number"], "text": g["text"]})
            if old is not None and old["objective"] != o["number"]:
                reading.left_alone.append(
                    _("goal %(goal)s: moved to objective %(objective)s (an amendment does not move goals)")
                    % {"goal": g["number"], "objective": o["number"]}
                )
    old_lines, new_lines = _lines(current), _lines(document)
    for code, (a, g, _o) in new_lines.items():
        if code not in old_lines:
            reading.changes.append(
                {
                    "op": "line-added",
                    "line": code,
                    "goal": g["number"],
                    "text": a["text"],
                    "instruments": [_instrument(i) for i in a["instruments"]],
                    "departments": list(a["departments"]),
                    "coordinator": a.get("coordinator"),
                }
            )
        else:
            if old_lines[code][1]["number"] != g["number"]:
                reading.left_alone.append(
                    _("line %(line)s: moved to goal %(goal)s (an amendment does not move lines)")
                    % {"line": code, "goal": g["number"]}
                )
            _line(old_lines[code][0], a, reading)
    for code in old_lines:
        if code not in new_lines:
            reading.changes.append({"op": "line-retired", "line": code})
    if list(current["focus_countries"]) != list(document["focus_countries"]):
        reading.changes.append({"op": "focus-countries", "countries": list(document["focus_countries"])})
    return reading


def _instrument(i: dict) -> dict:
    return {
        "text": i["text"],
        "kind": i.get("kind", "qualitative"),
        "unit": i.get("unit", ""),
        "by_sex": i.get("by_sex", False),
    }


def _plan_fields(current: dict, document: dict, reading: Reading) -> None:
    if document["slug"] != current["slug"]:
        reading.left_alone.append(
            _("the file is of plan %(file)s, not %(plan)s") % {"file": document["slug"], "plan": current["slug"]}
        )
    if _differs(current["title"], document["title"]):
        reading.left_alone.append(_("the plan's title: an amendment does not change it"))
    for name, default in (("country", None), ("period", None), ("languages", None), ("currency", "EUR")):
        if current.get(name, default) != document.get(name, default):
            reading.left_alone.append(_("the plan's %(field)s: an amendment does not change it") % {"field": name})


def _departments(current: dict, document: dict, reading: Reading) -> None:
    known = {d["code"]: d for d in current["departments"]}
    for d in document["departments"]:
        if d["code"] not in known:
            reading.changes.append({"op": "department-joined", "department": d["code"], "row": d})
        elif _differs(known[d["code"]]["name"], d["name"]) or known[d["code"]].get("parent") != d.get("parent"):
            reading.left_alone.append(
                _("department %(department)s: its name or parent (departments are edited on their own)")
                % {"department": d["code"]}
            )


def _line(old: dict, new: dict, reading: Reading) -> None:
    code = new["code"]
    if _differs(old["text"], new["text"]):
        reading.changes.append({"op": "line-text", "line": code, "text": new["text"]})
    elif old["text"] != new["text"]:
        reading.left_alone.append(
            _("line %(line)s: translations only (the plan's translation screens change them)") % {"line": code}
        )
    if old.get("notes", []) != new.get("notes", []):
        reading.left_alone.append(_("line %(line)s: footnotes (an amendment does not change them)") % {"line": code})
    _instruments(code, old["instruments"], new["instruments"], reading)
    before, after = list(old["departments"]), list(new["departments"])
    for department in after:
        if department not in before:
            reading.changes.append({"op": "department-added", "line": code, "department": department})
    for department in before:
        if department not in after:
            reading.changes.append({"op": "department-removed", "line": code, "department": department})
    if old.get("coordinator") != new.get("coordinator"):
        reading.changes.append({"op": "coordinator", "line": code, "department": new.get("coordinator")})


_TARGET_KEYS = ("target", "baseline", "milestones", "direction")


def _instruments(code: str, old: list[dict], new: list[dict], reading: Reading) -> None:
    texts_old = [(source_of(i["text"]) or "").strip() for i in old]
    texts_new = [(source_of(i["text"]) or "").strip() for i in new]
    matcher = difflib.SequenceMatcher(a=texts_old, b=texts_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        paired = list(zip(range(i1, i2), range(j1, j2), strict=False))
        for i, j in paired:
            if tag != "equal":
                reading.changes.append(
                    {"op": "instrument-text", "line": code, "instrument": i + 1, "text": new[j]["text"]}
                )
            _kind(code, i + 1, old[i], new[j], reading)
        for i in range(i1 + len(paired), i2):
            reading.changes.append({"op": "instrument-retired", "line": code, "instrument": i + 1})
        for j in range(j1 + len(paired), j2):
            reading.changes.append({"op": "instrument-added", "line": code, **_instrument(new[j])})


def _kind(code: str, n: int, old: dict, new: dict, reading: Reading) -> None:
    defaults = {"kind": "qualitative", "by_sex": False, "unit": ""}
    kind_changed = any(old.get(k, defaults[k]) != new.get(k, defaults[k]) for k in ("kind", "by_sex"))
    if kind_changed or _differs(old.get("unit", ""), new.get("unit", "")):
        reading.changes.append(
            {
                "op": "instrument-kind",
                "line": code,
                "instrument": n,
                "kind": new.get("kind", "qualitative"),
                "unit": new.get("unit", ""),
                "by_sex": new.get("by_sex", False),
            }
        )
    if any(old.get(k) != new.get(k) for k in _TARGET_KEYS):
        reading.left_alone.append(
            _("line %(line)s, instrument %(n)s: its target (the targets screen changes it)") % {"line": code, "n": n}
        )


def plan_amend_document(
    *,
    actor: Any,
    plan: Plan,
    document: dict,
    effective_from: dt.date,
    reason: str,
    dry_run: bool = False,
    basis: Any = None,
) -> tuple[PlanVersion | None, Reading]:
    """Amend the plan to what a changed naptrack-plan/1 file says. With dry_run, only read the
    changes. A file that changes nothing makes no version."""
    interchange.validate(document)
    reading = read_changes(plan, document)
    if dry_run or not reading.changes:
        return None, reading
    version = plan_amend(
        actor=actor,
        plan=plan,
        change_list=reading.changes,
        effective_from=effective_from,
        reason=reason,
        basis=basis,
    )
    return version, reading
