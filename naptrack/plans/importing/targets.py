"""Baselines, targets, milestones and directions as a plan's indicator annex states them in a
spreadsheet: "Baseline", "Target", "Target year", a column per year of milestones ("2014",
"Milestone 2014", "Jalon 2014", "Mijlpaal 2014") and "Direction", in English, French or Dutch.

Only the spreadsheet reader uses these columns, as it does the kind and unit columns (kinds.py).
A cell is read by what its instrument asks for: figures for a numeric instrument, shares of women
for one counted by sex ("30 %" is 0.3), a text for a text or yes/no one. Whether the figures then
fit the instrument (a text target for a text instrument only, milestones by the target's year, ...)
is the plan file's own validation's to say (interchange.validate): what it refuses is left out,
and every cell left out is a check naming its row, never a silent drop.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext

from naptrack.core.numbers import json_number
from naptrack.plans import interchange
from naptrack.plans.importing.headers import match_header, normalise
from naptrack.plans.importing.model import STRUCTURE, Check

BASELINE = "baseline"
BASELINE_YEAR = "baseline year"
TARGET = "target"
TARGET_YEAR = "target year"
MILESTONE = "milestone"
DIRECTION = "direction"
# Columns whose cell states one figure per instrument: one line cannot speak for several.
FIGURES = (BASELINE, TARGET, MILESTONE)
FIELDS = ("baseline", "target", "milestones", "direction")


@dataclass(frozen=True)
class Column:
    """A target column: what it states, and the year its header names ("Milestone 2014", "Baseline 2012")."""

    name: str
    year: int | None = None

    def __str__(self) -> str:
        return f"{self.name} {self.year}" if self.year is not None else self.name


# Phrases after headers.normalise. "Doel" is also a goal (headers.py): it is a target only when
# another column is the goal.
_HEADERS: dict[str, tuple[str, ...]] = {
    BASELINE: (
        "baseline",
        "baselines",
        "baseline value",
        "baseline figure",
        "base line",
        "valeur de reference",
        "situation de reference",
        "valeur initiale",
        "situation initiale",
        "niveau de reference",
        "point de depart",
        "nulmeting",
        "basiswaarde",
        "beginwaarde",
        "uitgangswaarde",
        "startwaarde",
        "referentiewaarde",
        "basislijn",
    ),
    BASELINE_YEAR: (
        "baseline year",
        "year of baseline",
        "year of the baseline",
        "annee de reference",
        "annee de base",
        "annee de la situation de reference",
        "jaar nulmeting",
        "jaar van de nulmeting",
        "basisjaar",
        "referentiejaar",
    ),
    TARGET: (
        "target",
        "targets",
        "target value",
        "cible",
        "cibles",
        "valeur cible",
        "valeurs cibles",
        "streefwaarde",
        "streefwaarden",
        "streefcijfer",
        "doelwaarde",
        "doel",
    ),
    TARGET_YEAR: (
        "target year",
        "year of target",
        "year of the target",
        "target date",
        "annee cible",
        "annee de la cible",
        "echeance",
        "streefjaar",
        "doeljaar",
        "jaar streefwaarde",
    ),
    MILESTONE: (
        "milestone",
        "milestones",
        "interim target",
        "jalon",
        "jalons",
        "cible intermediaire",
        "mijlpaal",
        "mijlpalen",
        "tussendoel",
        "tussentijds doel",
    ),
    DIRECTION: (
        "direction",
        "desired direction",
        "direction of progress",
        "trend",
        "sens",
        "sens souhaite",
        "tendance",
        "evolution souhaitee",
        "richting",
        "gewenste richting",
    ),
}
_PHRASES = {phrase: name for name, phrases in _HEADERS.items() for phrase in phrases}
# A header naming a year of its own: "2014", "Milestone 2014", "Baseline (2012)", "Cible 2020".
_YEAR_HEADER = re.compile(r"^(?:(?P<phrase>.+?) )?(?P<year>(?:19|20)\d\d)$")

_DIRECTIONS: dict[str, str] = {}
for _direction, _words in (
    (
        "up",
        (
            "up", "upward", "upwards", "increase", "increasing", "higher", "rise", "hausse", "a la hausse",
            "en hausse", "augmentation", "augmenter", "croissant", "croissance", "stijgend", "stijging",
            "omhoog", "toename", "toenemend", "hoger",
        ),
    ),
    (
        "down",
        (
            "down", "downward", "downwards", "decrease", "decreasing", "lower", "fall", "baisse", "a la baisse",
            "en baisse", "diminution", "diminuer", "decroissant", "dalend", "daling", "omlaag", "afname",
            "afnemend", "lager",
        ),
    ),
):  # fmt: skip
    for _word in _words:
        _DIRECTIONS[_word] = _direction
_ARROWS = {"+": "up", "\u2191": "up", "\u2197": "up", "-": "down", "\u2193": "down", "\u2198": "down"}

# A cell that says there is nothing for its instrument.
_NOTHING = {"-", "\u2013", "\u2014", "/", "n/a", "na", "s/o", "n.v.t.", "nvt", "n.a."}
_YEAR_IN_CELL = re.compile(r"^(?P<rest>.*?)\s*\(\s*(?P<year>\d{4})\s*\)$", re.S)
_CURRENCY = re.compile(r"^(?:[€$£]|[A-Z]{3})\s*|\s*(?:[€$£]|[A-Z]{3})$")
_NUMBER = re.compile(r"^[-+\u2212]?\d[\d.,]*$")
_INTEGER_DIGITS = 12  # Target.value: 16 digits, 4 of them decimals


def column_of(text: str) -> Column | None:
    """The target column a header cell names, or None."""
    norm = normalise(text)
    if norm in _PHRASES:
        return Column(_PHRASES[norm])
    match = _YEAR_HEADER.match(norm)
    if match is None:
        return None
    phrase, year = match.group("phrase"), int(match.group("year"))
    if phrase is None:
        return Column(MILESTONE, year)
    name = _PHRASES.get(phrase)
    return Column(name, year) if name in (BASELINE, TARGET, MILESTONE) else None


def target_columns(cells: list[str], taken: dict[int, Any]) -> dict[int, Column]:
    """Column index -> Column for the header row `cells`, leaving the columns matched already
    (`taken`) alone. A column headed by a year alone is a year of milestones only beside a target
    column: elsewhere a matrix's years are as likely its timetable."""
    found: dict[int, Column] = {}
    for index, cell in enumerate(cells):
        if index in taken or not cell:
            continue
        column = column_of(cell)
        if column is not None and column not in found.values():
            found[index] = column
    if not any(c.name == TARGET for c in found.values()):
        return {}
    return found


def is_header(text: str) -> bool:
    """Whether a header cell names a target column that the matrix's own headers (headers.py) do not."""
    return column_of(text) is not None and match_header(text) is None


# --- the cells of one instrument ------------------------------------------------------------------


def _nothing(text: str) -> bool:
    return not text.strip() or text.strip().lower() in _NOTHING


def _year(text: str) -> int | None:
    match = re.fullmatch(r"(\d{4})(?:-\d\d-\d\d(?:T[\d:.]+)?)?", text.strip())
    return int(match.group(1)) if match and 1900 <= int(match.group(1)) <= 2200 else None


def number_of(text: str) -> tuple[Decimal, bool] | None:
    """(number, written as a percentage) for "4,5", "4.5", "1 234,5", "1.234.567", "30 %",
    "€ 1 000"; None when the cell is not a number. A comma alone is a decimal comma, as the
    plans of Belgium, France and the Netherlands write it."""
    text = text.strip()
    percent = text.endswith("%")
    text = _CURRENCY.sub("", text.rstrip("%").strip())
    text = re.sub(r"[\s\u00a0\u202f']", "", text).replace("\u2212", "-")
    if not _NUMBER.match(text):
        return None
    commas, points = text.count(","), text.count(".")
    if commas and points:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        if text.count(decimal) > 1:
            return None
        text = text.replace(thousands, "").replace(decimal, ".")
    elif commas > 1 or points > 1:
        separator = "," if commas else "."
        if not re.fullmatch(r"[-+]?\d{1,3}(?:" + re.escape(separator) + r"\d{3})+", text):
            return None
        text = text.replace(separator, "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    # Compared once rounded as stored: 999999999999.99995 rounds to a number the column cannot hold.
    limit = Decimal(10) ** _INTEGER_DIGITS
    if not number.is_finite() or abs(number) >= limit or abs(number.quantize(Decimal("0.0001"))) >= limit:
        return None
    return number, percent


def direction_of(text: str) -> str | None:
    return _ARROWS.get(text.strip()) or _DIRECTIONS.get(normalise(text))


@dataclass
class _Cells:
    """What the target columns say of one instrument, and where."""

    instrument: dict
    said: dict[Column, str]
    code: str
    location: str

    def check(self, message: str, **values: Any) -> Check:
        return Check(STRUCTURE, self.location, gettext(message) % {"code": self.code, **values})

    def figure(self, column: Column, text: str, checks: list[Check]) -> dict[str, Any] | None:
        """{"value": n} or {"share_of_women": s} for a figure's cell, else None and a check."""
        read = number_of(text)
        if read is None:
            checks.append(
                self.check(
                    "line %(code)s: the %(column)s %(cell)r is not a number: not used", column=str(column), cell=text
                )
            )
            return None
        number, percent = read
        if self.instrument.get("by_sex") is True:
            return {"share_of_women": json_number(number / 100 if percent else number)}
        return {"value": json_number(number)}

    def year(self, name: str, checks: list[Check]) -> int | None:
        cell = next((t for c, t in self.said.items() if c.name == name and not _nothing(t)), None)
        if cell is None:
            return None
        year = _year(cell)
        if year is None:
            checks.append(self.check("line %(code)s: %(cell)r is not a year: not used", cell=cell))
        return year


def read_target(
    instrument: dict, said: dict[Column, str], *, code: str, location: str, period: tuple[int, int]
) -> list[Check]:
    """Put on `instrument` (a naptrack-plan/1 instrument) the baseline, target, milestones and
    direction its cells state; the checks say what could not be read."""
    cells = _Cells(instrument, said, code, location)
    checks: list[Check] = []
    textual = instrument.get("kind") in ("qualitative", "yes-no")
    found: dict[str, Any] = {}
    milestones: dict[int, dict] = {}
    for column, text in said.items():
        if _nothing(text) or column.name in (BASELINE_YEAR, TARGET_YEAR):
            continue
        if column.name == DIRECTION:
            direction = direction_of(text)
            if direction is None:
                checks.append(
                    cells.check(
                        "line %(code)s: %(cell)r is not a direction (up or down, hausse or baisse, stijgend or "
                        "dalend): not used",
                        cell=text,
                    )
                )
            else:
                found["direction"] = direction
            continue
        stated = _YEAR_IN_CELL.match(text)
        year = int(stated.group("year")) if stated else column.year
        figure_text = stated.group("rest") if stated else text
        if column.name == TARGET and textual:
            found["target"] = {"year": year, "text": " ".join(figure_text.split())}
            continue
        figure = cells.figure(column, figure_text, checks)
        if figure is None:
            continue
        if column.name == MILESTONE:
            milestones[year] = {"year": year, **figure}
        else:
            found[column.name] = {"year": year, **figure}
    if "baseline" in found:
        found["baseline"]["year"] = cells.year(BASELINE_YEAR, checks) or found["baseline"]["year"] or period[0] - 1
    if "target" in found:
        found["target"]["year"] = cells.year(TARGET_YEAR, checks) or found["target"]["year"] or period[1]
    if milestones:
        found["milestones"] = [milestones[year] for year in sorted(milestones)]
    if found:
        for name in FIELDS:
            instrument.pop(name, None)
        instrument.update({name: found[name] for name in FIELDS if name in found})
    return checks


# --- what the plan file refuses -------------------------------------------------------------------


def drop_misfits(
    document: dict, located: dict[tuple[int, int, int, int], tuple[str, str]], *, elsewhere: str
) -> list[Check]:
    """Leave out of `document` the targets' parts that naptrack-plan/1 refuses (a text target on
    a numeric instrument, a milestone after the target's year, a share of women above 1, ...),
    saying each one. `located` gives, by the instrument's place in the document (objective, goal,
    line, instrument indexes), the line's code and the row it was read from; a target read
    elsewhere (the plan data of a workbook) is said to come from `elsewhere`."""
    located = dict(located)
    for o, objective in enumerate(document["objectives"]):
        for g, goal in enumerate(objective["goals"]):
            for a, action in enumerate(goal["actions"]):
                for n, instrument in enumerate(action["instruments"]):
                    if (o, g, a, n) not in located and any(name in instrument for name in FIELDS):
                        located[(o, g, a, n)] = (action["code"], elsewhere)
    checks: list[Check] = []
    for _attempt in range(3):  # a part left out may leave another without its target
        try:
            interchange.validate(document)
        except interchange.PlanFormatError as exc:
            problems = exc.problems
        else:
            return checks
        dropped = False
        for key, (code, location) in located.items():
            prefix = "$.objectives[{}].goals[{}].actions[{}].instruments[{}].".format(*key)
            instrument = document["objectives"][key[0]]["goals"][key[1]]["actions"][key[2]]["instruments"][key[3]]
            gone: set[str] = set()
            milestones: set[int] = set()
            for problem in problems:
                if not problem.startswith(prefix):
                    continue
                match = re.match(r"(baseline|target|milestones|direction)(?:\[(\d+)\])?", problem[len(prefix) :])
                if match is None:
                    continue
                if match.group(1) == "milestones" and match.group(2) is not None:
                    milestones.add(int(match.group(2)))
                else:
                    gone.add(match.group(1))
                checks.append(
                    Check(
                        STRUCTURE,
                        location,
                        gettext("line %(code)s, instrument %(n)s: not used: %(problem)s")
                        % {"code": code, "n": key[3] + 1, "problem": problem.split(": ", 1)[-1]},
                    )
                )
            if "target" in gone:
                gone.update(FIELDS)
            for name in gone:
                instrument.pop(name, None)
            if milestones and "milestones" in instrument:
                kept = [m for i, m in enumerate(instrument["milestones"]) if i not in milestones]
                instrument.pop("milestones")
                if kept:
                    instrument["milestones"] = kept
            dropped = dropped or bool(gone or milestones)
        if not dropped:
            return checks
    return checks
