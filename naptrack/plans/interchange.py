"""The plan interchange format `naptrack-plan/1`: validation of a parsed file, and the
serialisation of a stored plan.

Validation collects every problem, each named by its JSON path, so that a person fixing a file
sees all of them at once rather than one per attempt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from django_countries import countries

FORMAT = "naptrack-plan/1"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CODE_RE = re.compile(r"^[0-9A-Za-z]+(?:[.\-][0-9A-Za-z]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})?$")
KINDS = ("qualitative", "quantitative")


class PlanFormatError(ValueError):
    """The file is not a valid naptrack-plan/1 document; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass
class _Checker:
    problems: list[str]
    # A missing field is reported once, not again by every check that then finds no value.
    missing: set[str] = field(default_factory=set)

    def add(self, path: str, message: str) -> None:
        if path not in self.missing:
            self.problems.append(f"{path}: {message}")

    def obj(self, value: Any, path: str, required: set[str], optional: set[str] = frozenset()) -> bool:
        if not isinstance(value, dict):
            self.add(path, f"expected an object, got {_kind(value)}")
            return False
        for key in sorted(required - value.keys()):
            self.add(f"{path}.{key}", "missing")
            self.missing.add(f"{path}.{key}")
        for key in sorted(value.keys() - required - optional):
            self.add(f"{path}.{key}", "unknown field")
        return True

    def text(self, value: Any, path: str, *, allow_empty: bool = False) -> bool:
        if not isinstance(value, str):
            self.add(path, f"expected a string, got {_kind(value)}")
            return False
        if not allow_empty and not value.strip():
            self.add(path, "must not be empty")
            return False
        if value != value.strip():
            self.add(path, "has leading or trailing white space")
            return False
        return True

    def integer(self, value: Any, path: str, low: int, high: int) -> bool:
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(path, f"expected a whole number, got {_kind(value)}")
            return False
        if not low <= value <= high:
            self.add(path, f"must be between {low} and {high}, got {value}")
            return False
        return True

    def array(self, value: Any, path: str, *, non_empty: bool = False) -> list:
        if not isinstance(value, list):
            self.add(path, f"expected a list, got {_kind(value)}")
            return []
        if non_empty and not value:
            self.add(path, "must not be empty")
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


def parse(raw: str | bytes) -> dict:
    """Parse and validate a document; raises PlanFormatError listing every problem."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PlanFormatError([f"$: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]) from None
    except UnicodeDecodeError:
        raise PlanFormatError(["$: not UTF-8 text"]) from None
    validate(data)
    return data


def validate(data: Any) -> None:
    c = _Checker([])
    if not c.obj(
        data,
        "$",
        {"format", "slug", "title", "country", "period", "languages", "focus_countries", "departments", "objectives"},
    ):
        raise PlanFormatError(c.problems)
    if data.get("format") != FORMAT:
        c.add("$.format", f'must be "{FORMAT}", got {json.dumps(data.get("format"))}')
    if c.text(data.get("slug"), "$.slug") and not SLUG_RE.match(data["slug"]):
        c.add("$.slug", "use lower-case letters, digits and single hyphens, e.g. be-nap-2013-2016")
    c.text(data.get("title"), "$.title")
    country = data.get("country")
    if c.text(country, "$.country") and country not in countries:
        c.add("$.country", f"unknown ISO 3166-1 alpha-2 code {country!r}")
    period = data.get("period")
    if c.obj(period, "$.period", {"start", "end"}):
        ok = c.integer(period.get("start"), "$.period.start", 1900, 2200)
        ok = c.integer(period.get("end"), "$.period.end", 1900, 2200) and ok
        if ok and period["end"] < period["start"]:
            c.add("$.period.end", "must not come before the start")
    languages = c.array(data.get("languages"), "$.languages", non_empty=True)
    for i, lang in enumerate(languages):
        if c.text(lang, f"$.languages[{i}]") and not LANGUAGE_RE.match(lang):
            c.add(f"$.languages[{i}]", f"not a language code: {lang!r}")
    focus = c.array(data.get("focus_countries"), "$.focus_countries")
    for i, code in enumerate(focus):
        if c.text(code, f"$.focus_countries[{i}]"):
            if code not in countries:
                c.add(f"$.focus_countries[{i}]", f"unknown ISO 3166-1 alpha-2 code {code!r}")
            elif code in focus[:i]:
                c.add(f"$.focus_countries[{i}]", f"{code} is listed twice")

    department_codes = _check_departments(c, data.get("departments"))
    _check_objectives(c, data.get("objectives"), department_codes)
    if c.problems:
        raise PlanFormatError(c.problems)


def _check_departments(c: _Checker, value: Any) -> set[str]:
    departments = c.array(value, "$.departments", non_empty=True)
    codes: dict[str, str | None] = {}
    for i, dep in enumerate(departments):
        path = f"$.departments[{i}]"
        if not c.obj(dep, path, {"code", "name", "parent"}, {"abbreviation"}):
            continue
        code = dep.get("code")
        if c.text(code, f"{path}.code"):
            if not SLUG_RE.match(code):
                c.add(f"{path}.code", "use lower-case letters, digits and single hyphens")
            elif code in codes:
                c.add(f"{path}.code", f"duplicate department code {code!r}")
            else:
                codes[code] = dep.get("parent")
        c.text(dep.get("name"), f"{path}.name")
        if "abbreviation" in dep:
            c.text(dep["abbreviation"], f"{path}.abbreviation", allow_empty=True)
    for i, dep in enumerate(departments):
        if not isinstance(dep, dict) or dep.get("parent") is None:
            continue
        parent, path = dep["parent"], f"$.departments[{i}].parent"
        if not isinstance(parent, str) or parent not in codes:
            c.add(path, f"unknown department {parent!r}; a parent must be listed in $.departments")
        elif parent == dep.get("code"):
            c.add(path, "a department cannot be its own parent")
        elif isinstance(dep.get("code"), str) and not dep["code"].startswith(parent + "-"):
            c.add(f"$.departments[{i}].code", f"a unit's code starts with its parent's code: {parent}-...")
    return set(codes)


def _check_objectives(c: _Checker, value: Any, department_codes: set[str]) -> None:
    objectives = c.array(value, "$.objectives", non_empty=True)
    objective_numbers: set[int] = set()
    goal_numbers: set[int] = set()
    action_codes: set[str] = set()
    for i, objective in enumerate(objectives):
        path = f"$.objectives[{i}]"
        if not c.obj(objective, path, {"number", "title", "goals"}, {"intro"}):
            continue
        number = objective.get("number")
        if c.integer(number, f"{path}.number", 1, 999):
            if number in objective_numbers:
                c.add(f"{path}.number", f"duplicate objective number {number}")
            objective_numbers.add(number)
        c.text(objective.get("title"), f"{path}.title")
        if "intro" in objective:
            c.text(objective["intro"], f"{path}.intro", allow_empty=True)
        for j, goal in enumerate(c.array(objective.get("goals"), f"{path}.goals", non_empty=True)):
            gpath = f"{path}.goals[{j}]"
            if not c.obj(goal, gpath, {"number", "text", "actions"}):
                continue
            gnumber = goal.get("number")
            if c.integer(gnumber, f"{gpath}.number", 1, 9999):
                if gnumber in goal_numbers:
                    c.add(f"{gpath}.number", f"duplicate goal number {gnumber}")
                goal_numbers.add(gnumber)
            c.text(goal.get("text"), f"{gpath}.text")
            for k, action in enumerate(c.array(goal.get("actions"), f"{gpath}.actions", non_empty=True)):
                _check_action(c, action, f"{gpath}.actions[{k}]", department_codes, action_codes)


def _check_action(c: _Checker, action: Any, path: str, department_codes: set[str], seen: set[str]) -> None:
    if not c.obj(action, path, {"code", "text", "instruments", "departments"}, {"notes", "coordinator"}):
        return
    code = action.get("code")
    if c.text(code, f"{path}.code"):
        if not CODE_RE.match(code):
            c.add(f"{path}.code", f"not a line code like 14.a or 9: {code!r}")
        elif code in seen:
            c.add(f"{path}.code", f"duplicate line of action code {code!r}")
        seen.add(code)
    c.text(action.get("text"), f"{path}.text")
    for n, note in enumerate(c.array(action.get("notes", []), f"{path}.notes")):
        c.text(note, f"{path}.notes[{n}]")
    # A line may have no instrument: the Belgian plan leaves the cell empty for 20.e and 25.d.
    for n, instrument in enumerate(c.array(action.get("instruments"), f"{path}.instruments")):
        ipath = f"{path}.instruments[{n}]"
        if not c.obj(instrument, ipath, {"text", "kind"}, {"by_sex"}):
            continue
        c.text(instrument.get("text"), f"{ipath}.text")
        kind = instrument.get("kind")
        if kind not in KINDS:
            c.add(f"{ipath}.kind", f"must be one of {', '.join(KINDS)}, got {json.dumps(kind)}")
        if "by_sex" in instrument:
            if not isinstance(instrument["by_sex"], bool):
                c.add(f"{ipath}.by_sex", f"expected true or false, got {_kind(instrument['by_sex'])}")
            elif instrument["by_sex"] and kind != "quantitative":
                c.add(f"{ipath}.by_sex", "only a quantitative instrument can be reported by sex")
    departments = c.array(action.get("departments"), f"{path}.departments", non_empty=True)
    for n, code in enumerate(departments):
        if not isinstance(code, str):
            c.add(f"{path}.departments[{n}]", f"expected a department code, got {_kind(code)}")
        elif code not in department_codes:
            c.add(f"{path}.departments[{n}]", f"unknown department {code!r}; it must be listed in $.departments")
        elif code in departments[:n]:
            c.add(f"{path}.departments[{n}]", f"{code} is listed twice")
    coordinator = action.get("coordinator")
    if coordinator is not None and coordinator not in departments:
        c.add(f"{path}.coordinator", f"{coordinator!r} must be one of the line's departments")


def dumps(document: dict) -> str:
    """The canonical text of a document: what export writes, byte for byte."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
