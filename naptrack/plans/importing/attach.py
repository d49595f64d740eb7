"""What a line of action carries besides its text, once structure.py has placed it in the plan's
tree: the departments its cell names (known, read fuzzily, or to be created) and the footnotes its
marks point to. Whatever is inferred is a Check."""

from __future__ import annotations

from django.utils.translation import gettext

from naptrack.plans.importing.assemble import Assembler, Line
from naptrack.plans.importing.departments import DepartmentMatcher, new_department_code
from naptrack.plans.importing.model import (
    DEPARTMENT_FUZZY,
    DEPARTMENT_UNMATCHED,
    FOOTNOTE,
    NOISE_DROPPED,
    Check,
    Footnote,
)
from naptrack.plans.importing.text import clean, fold


def line_departments(
    line: Line,
    matcher: DepartmentMatcher,
    known_codes: set[str],
    created: dict[str, dict],
    checks: list[Check],
    code: str,
) -> tuple[list[str], str | None]:
    """The codes of the departments a line's cell names, and the one marked as coordinating:
    unknown names become departments to create and fuzzy ones are read as the nearest known one,
    each with its Check."""
    departments: list[str] = []
    coordinator = None
    for mention in line.mentions:
        if mention.noise:
            checks.append(
                Check(
                    NOISE_DROPPED,
                    line.location,
                    gettext("%(text)r in the departments of line %(code)s: left out as noise")
                    % {"text": mention.text, "code": code},
                )
            )
            continue
        department = mention.code
        if department is None:
            existing = next(
                (
                    c
                    for c, d in created.items()
                    if fold(d["name"]) == fold(mention.text) and d["parent"] == mention.parent
                ),
                None,
            )
            department = existing or new_department_code(mention, known_codes | set(created))
            if existing is None:
                created[department] = {"code": department, "name": mention.text, "parent": mention.parent}
            under = (
                gettext(" under %(parent)s") % {"parent": matcher.by_code[mention.parent].name}
                if mention.parent in matcher.by_code
                else ""
            )
            checks.append(
                Check(
                    DEPARTMENT_UNMATCHED,
                    line.location,
                    gettext(
                        "%(text)r%(under)s (line %(code)s) is not a known department; it would be created as %(new)r"
                    )
                    % {"text": mention.text, "under": under, "code": code, "new": department},
                    subject=mention.text,
                )
            )
        elif mention.fuzzy:
            checks.append(
                Check(
                    DEPARTMENT_FUZZY,
                    line.location,
                    gettext("%(text)r (line %(code)s) read as the department %(name)r")
                    % {"text": mention.text, "code": code, "name": matcher.by_code[department].name},
                )
            )
        if department not in departments:
            departments.append(department)
        if mention.coordinator and coordinator is None:
            coordinator = department
    return departments, coordinator


def attach_footnotes(assembler: Assembler, objectives: list[dict], checks: list[Check]) -> None:
    """Each mark in a line's row gets the footnote of that number printed nearest after it
    (numbering may restart on every page), else the nearest before."""
    by_number: dict[int, list[tuple[int, Footnote]]] = {}
    for index, note in assembler.footnotes:
        by_number.setdefault(note.number, []).append((index, note))
    used: set[int] = set()
    for objective in objectives:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                marks, block, location = action.pop("_marks"), action.pop("_block"), action.pop("_location")
                for mark in marks:
                    found = by_number.get(mark, [])
                    after = [f for f in found if f[0] > block]
                    pick = after[0] if after else (found[-1] if found else None)
                    if pick is None:
                        checks.append(
                            Check(
                                FOOTNOTE,
                                location,
                                gettext("footnote mark %(mark)s on line %(code)s: no footnote %(mark)s found")
                                % {"mark": mark, "code": action["code"]},
                            )
                        )
                        continue
                    used.add(id(pick[1]))
                    text = clean(pick[1].text)
                    if text:
                        action["notes"].append(text)
    intro_marks = {m for o in assembler.objectives for m in o.intro_marks}
    for _, note in assembler.footnotes:
        if id(note) in used:
            continue
        if note.number in intro_marks:
            message = gettext("footnote %(number)s in an objective's introduction: not attached to any line")
        else:
            message = gettext("footnote %(number)s with no mark on a line of action: not attached to any line")
        checks.append(Check(FOOTNOTE, note.location, message % {"number": note.number}))
