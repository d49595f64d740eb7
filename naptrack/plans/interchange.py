"""The plan interchange format `naptrack-plan/1`: validation of a parsed file, its translatable
texts, and the canonical text of a document.

The format is described in one place, the JSON Schema `schema/naptrack-plan-1.schema.json`
(shipped in the package and linked from the README): the loader checks a document against it,
then checks what a schema cannot say (unique numbers and codes, departments named by a line and
listed by the plan, ISO country codes). Validation collects every problem, each named by its JSON
path and listed in the document's order, so that a person fixing a file sees all of them at once
rather than one per attempt.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from pathlib import Path
from typing import Any

from django_countries import countries
from jsonschema import Draft202012Validator, ValidationError

from naptrack.core.currencies import is_currency

FORMAT = "naptrack-plan/1"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema" / "naptrack-plan-1.schema.json"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A figure of a target: 16 digits, 4 of them decimals (plans.Target, Milestone).
FIGURE_LIMIT = 10**12 - 1
KINDS = ("qualitative", "quantitative", "count", "money", "share", "yes-no")

# The plan's own text is English (the default-language columns); translations go beside it.
SOURCE = "en"
TARGETS = ("fr", "nl", "de")
LANGUAGES = (SOURCE, *TARGETS)
OFFICIAL, DRAFT = "official", "draft"
STATES = (OFFICIAL, DRAFT)

Text = str | dict
JsonPath = tuple[str | int, ...]


class PlanFormatError(ValueError):
    """The file is not a valid naptrack-plan/1 document; `problems` lists each one."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@cache
def schema() -> dict:
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


# --- translatable texts ---------------------------------------------------------------------------


def source_of(value: Text | None) -> str:
    """The English text of a translatable text, whichever form it takes."""
    if isinstance(value, dict):
        return value.get(SOURCE, "")
    return value or ""


def translations_of(value: Text | None) -> dict[str, str] | None:
    """The translations a text states, by language; None for a string, which states none."""
    if not isinstance(value, dict):
        return None
    return {lang: value[lang] for lang in TARGETS if value.get(lang)}


def states_of(value: Text | None) -> dict[str, str]:
    """The state of each translation a text states: draft unless marked official."""
    if not isinstance(value, dict):
        return {}
    marked = value.get("state") or {}
    return {lang: marked.get(lang, DRAFT) for lang in TARGETS if value.get(lang)}


def text_value(source: str, translations: dict[str, str], states: dict[str, str]) -> Text:
    """A text as export writes it: a string without translations, else the object, canonical."""
    given = {lang: translations[lang] for lang in TARGETS if translations.get(lang)}
    if not given:
        return source
    value: dict[str, Any] = {SOURCE: source, **given}
    official = {lang: OFFICIAL for lang in given if states.get(lang) == OFFICIAL}
    if official:
        value["state"] = official
    return value


# --- validation -----------------------------------------------------------------------------------


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
    problems = _Problems(data)
    for error in _validator().iter_errors(data):
        _explain(problems, error)
    if isinstance(data, dict):
        _check_plan(problems, data)
    if problems.found:
        raise PlanFormatError(problems.sorted())


class _Problems:
    """Problems with their JSON path, listed in the document's order: an object's own problems
    (a field missing or unknown) before those of what it holds, then each field in the order the
    document gives them."""

    def __init__(self, document: Any):
        self.document = document
        self.found: list[tuple[tuple, int, str]] = []
        self.seen: set[str] = set()

    def add(self, path: JsonPath, message: str, *, field: tuple[int, str] | None = None) -> None:
        shown = f"{_path_text(path)}: {message}"
        if shown in self.seen:
            return
        self.seen.add(shown)
        key = (*self._order(path[:-1]), -1, *field) if field else self._order(path)
        self.found.append((key, len(self.found), shown))

    def _order(self, path: JsonPath) -> tuple:
        key: list[int] = []
        node = self.document
        for part in path:
            if isinstance(part, int):
                key.append(part)
                node = node[part] if isinstance(node, list) and part < len(node) else None
            else:
                keys = list(node) if isinstance(node, dict) else []
                key.append(keys.index(part) if part in keys else len(keys))
                node = node.get(part) if isinstance(node, dict) else None
        return tuple(key)

    def sorted(self) -> list[str]:
        return [shown for _, _, shown in sorted(self.found, key=lambda item: (item[0], item[1]))]


def _path_text(path: JsonPath) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)


EXPECTED = {
    "object": "an object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "boolean": "true or false",
    "null": "null",
}


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


def _explain(problems: _Problems, error: ValidationError) -> None:
    """A schema error in the words a person fixing the file needs."""
    path = tuple(error.absolute_path)
    rule, value, instance = error.validator, error.validator_value, error.instance
    if rule == "required":
        for name in value:
            if isinstance(instance, dict) and name not in instance:
                problems.add((*path, name), "missing", field=(0, name))
    elif rule == "additionalProperties":
        known = error.schema.get("properties", {})
        for name in instance:
            if name not in known:
                problems.add((*path, name), "unknown field", field=(1, name))
    elif rule == "type":
        expected = " or ".join(EXPECTED.get(t, t) for t in (value if isinstance(value, list) else [value]))
        problems.add(path, f"expected {expected}, got {_kind(instance)}")
    elif rule == "const":
        problems.add(path, f"must be {json.dumps(value)}, got {json.dumps(instance)}")
    elif rule == "enum":
        problems.add(path, f"must be one of {', '.join(value)}, got {json.dumps(instance)}")
    elif rule in ("minItems", "minLength"):
        problems.add(path, "must not be empty")
    elif rule in ("minimum", "maximum"):
        problems.add(path, f"must be between {error.schema['minimum']} and {error.schema['maximum']}, got {instance}")
    elif rule == "pattern":
        message = error.schema.get("x-message", "has the wrong form")
        if message == "trimmed":
            message = "must not be empty" if not instance.strip() else "has leading or trailing white space"
        problems.add(path, message.format(value=repr(instance)))
    elif rule == "anyOf":
        # A translatable text: explain the branch the value meant to be, a string or an object.
        branch = 0 if isinstance(instance, str) else 1 if isinstance(instance, dict) else None
        if branch is None:
            problems.add(path, f"expected a string or an object of texts by language, got {_kind(instance)}")
        for sub in error.context or []:
            if sub.relative_schema_path and sub.relative_schema_path[0] == branch:
                _explain(problems, sub)
    else:
        problems.add(path, error.message)


# --- what the schema cannot say -------------------------------------------------------------------


def _check_plan(p: _Problems, data: dict) -> None:
    country = data.get("country")
    if isinstance(country, str) and re.fullmatch(r"[A-Z]{2}", country) and country not in countries:
        p.add(("country",), f"unknown ISO 3166-1 alpha-2 code {country!r}")
    period = data.get("period")
    ordered = isinstance(period, dict) and all(isinstance(period.get(k), int) for k in ("start", "end"))
    if ordered and period["end"] < period["start"]:
        p.add(("period", "end"), "must not come before the start")
    focus = data.get("focus_countries")
    if isinstance(focus, list):
        for i, code in enumerate(focus):
            if not isinstance(code, str) or not re.fullmatch(r"[A-Z]{2}", code):
                continue
            if code not in countries:
                p.add(("focus_countries", i), f"unknown ISO 3166-1 alpha-2 code {code!r}")
            elif code in focus[:i]:
                p.add(("focus_countries", i), f"{code} is listed twice")
    currency = data.get("currency")
    if isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency) and not is_currency(currency):
        p.add(("currency",), f"unknown ISO 4217 currency code {currency!r}")
    _check_text(p, data.get("title"), ("title",))
    departments = _check_departments(p, data.get("departments"))
    _check_objectives(p, data.get("objectives"), departments)


def _check_text(p: _Problems, value: Any, path: JsonPath) -> None:
    """A state is said of a translation the text gives."""
    if not isinstance(value, dict) or not isinstance(value.get("state"), dict):
        return
    for lang in value["state"]:
        if lang in TARGETS and not value.get(lang):
            p.add((*path, "state", lang), f"the text gives no {lang} translation to be {value['state'][lang]}")


def _check_target(p: _Problems, instrument: dict, path: JsonPath) -> None:
    """A target's figures fit the instrument's kind: shares of women for one counted by sex,
    values for other figures, a text for a qualitative one; milestones once a year, by the
    target's year."""
    kind, by_sex = instrument.get("kind"), instrument.get("by_sex") is True
    target = instrument.get("target")
    points = [("baseline", instrument.get("baseline"))]
    milestones = instrument.get("milestones")
    points += [(("milestones", i), m) for i, m in enumerate(milestones if isinstance(milestones, list) else [])]
    if not isinstance(target, dict):
        for name in ("baseline", "milestones", "direction"):
            if name in instrument:
                p.add((*path, name), "is given only with a target")
        return
    points.append(("target", target))
    textual = kind in ("qualitative", "yes-no")
    for where, point in points:
        if not isinstance(point, dict):
            continue
        where_path = (*path, *(where if isinstance(where, tuple) else (where,)))
        if textual:
            if where != "target" or "value" in point or "share_of_women" in point:
                p.add(where_path, "a target of a text or yes/no instrument is a text, with no figures")
            continue
        figure, other = ("share_of_women", "value") if by_sex else ("value", "share_of_women")
        number = point.get(figure)
        if isinstance(number, int | float) and not (math.isfinite(number) and abs(number) < FIGURE_LIMIT):
            p.add((*where_path, figure), f"must be a finite number smaller than {FIGURE_LIMIT:.0e} in size")
        if other in point:
            p.add((*where_path, other), f"use {figure} for this instrument" + (" (counted by sex)" if by_sex else ""))
        elif figure not in point:
            p.add(where_path, f"give its {figure}")
        if where == "target" and "text" in point:
            p.add((*where_path, "text"), "a text target is for a text or yes/no instrument")
    if textual:
        if not target.get("text"):
            p.add((*path, "target"), "give its text")
        if "direction" in instrument:
            p.add((*path, "direction"), "a text target has no direction")
    years = [m.get("year") for _where, m in points[1:-1] if isinstance(m, dict)]
    for i, year in enumerate(years):
        if year in years[:i]:
            p.add((*path, "milestones", i, "year"), f"{year} has a milestone already")
        elif isinstance(year, int) and isinstance(target.get("year"), int) and year > target["year"]:
            p.add((*path, "milestones", i, "year"), "comes after the target's year")


def _objects(value: Any) -> list[tuple[int, dict]]:
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def _check_departments(p: _Problems, value: Any) -> set[str]:
    codes: dict[str, Any] = {}
    departments = _objects(value)
    for i, dep in departments:
        code = dep.get("code")
        if isinstance(code, str) and SLUG_RE.match(code):
            if code in codes:
                p.add(("departments", i, "code"), f"duplicate department code {code!r}")
            else:
                codes[code] = dep.get("parent")
        _check_text(p, dep.get("name"), ("departments", i, "name"))
        _check_text(p, dep.get("abbreviation"), ("departments", i, "abbreviation"))
    for i, dep in departments:
        parent, path = dep.get("parent"), ("departments", i, "parent")
        if parent is None or not isinstance(parent, str):
            continue
        if parent not in codes:
            p.add(path, f"unknown department {parent!r}; a parent must be listed in $.departments")
        elif parent == dep.get("code"):
            p.add(path, "a department cannot be its own parent")
        elif isinstance(dep.get("code"), str) and not dep["code"].startswith(parent + "-"):
            p.add(("departments", i, "code"), f"a unit's code starts with its parent's code: {parent}-...")
    return set(codes)


def _check_objectives(p: _Problems, value: Any, department_codes: set[str]) -> None:
    objective_numbers: set[int] = set()
    goal_numbers: set[int] = set()
    action_codes: set[str] = set()
    for i, objective in _objects(value):
        path: JsonPath = ("objectives", i)
        number = objective.get("number")
        if isinstance(number, int) and not isinstance(number, bool):
            if number in objective_numbers:
                p.add((*path, "number"), f"duplicate objective number {number}")
            objective_numbers.add(number)
        _check_text(p, objective.get("title"), (*path, "title"))
        _check_text(p, objective.get("intro"), (*path, "intro"))
        for j, goal in _objects(objective.get("goals")):
            gpath = (*path, "goals", j)
            number = goal.get("number")
            if isinstance(number, int) and not isinstance(number, bool):
                if number in goal_numbers:
                    p.add((*gpath, "number"), f"duplicate goal number {number}")
                goal_numbers.add(number)
            _check_text(p, goal.get("text"), (*gpath, "text"))
            for k, action in _objects(goal.get("actions")):
                _check_action(p, action, (*gpath, "actions", k), department_codes, action_codes)


def _check_action(p: _Problems, action: dict, path: JsonPath, department_codes: set[str], seen: set[str]) -> None:
    code = action.get("code")
    if isinstance(code, str):
        if code in seen:
            p.add((*path, "code"), f"duplicate line of action code {code!r}")
        seen.add(code)
    _check_text(p, action.get("text"), (*path, "text"))
    notes = action.get("notes")
    for n, note in enumerate(notes if isinstance(notes, list) else []):
        _check_text(p, note, (*path, "notes", n))
    for n, instrument in _objects(action.get("instruments")):
        _check_text(p, instrument.get("text"), (*path, "instruments", n, "text"))
        if (
            instrument.get("by_sex") is True
            and instrument.get("kind") in KINDS
            and instrument["kind"] != "quantitative"
        ):
            p.add((*path, "instruments", n, "by_sex"), "only a quantitative instrument can be reported by sex")
        _check_target(p, instrument, (*path, "instruments", n))
        if "unit" in instrument:
            unit = instrument.get("unit")
            _check_text(p, unit, (*path, "instruments", n, "unit"))
            texts = [unit] if isinstance(unit, str) else [v for k, v in (unit or {}).items() if k in LANGUAGES]
            if any(isinstance(t, str) and len(t) > 40 for t in texts):
                p.add((*path, "instruments", n, "unit"), "a unit is at most 40 characters")
    departments = action.get("departments")
    departments = departments if isinstance(departments, list) else []
    for n, code in enumerate(departments):
        if not isinstance(code, str):
            continue
        if code not in department_codes:
            p.add((*path, "departments", n), f"unknown department {code!r}; it must be listed in $.departments")
        elif code in departments[:n]:
            p.add((*path, "departments", n), f"{code} is listed twice")
    coordinator = action.get("coordinator")
    if isinstance(coordinator, str) and coordinator not in departments:
        p.add((*path, "coordinator"), f"{coordinator!r} must be one of the line's departments")


def dumps(document: dict) -> str:
    """The canonical text of a document: what export writes, byte for byte."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
