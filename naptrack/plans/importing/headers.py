"""Recognising a plan matrix's columns by their headers, in English, French or Dutch.

A plan's matrix names its columns in the plan's language and in its own words ("Lines of action",
"Actions", "Ligne d'action", "Actielijn"), in any order. This module maps each header cell to one
of the fields of a plan (FIELDS) and tells whether a row of cells is a matrix header at all. It
knows nothing about any one plan, and is shared by every importer (documents, spreadsheets).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

CODE = "code"
OBJECTIVE = "objective"
GOAL = "goal"
ACTION = "action"
INSTRUMENTS = "instruments"
DEPARTMENTS = "departments"
FIELDS = (CODE, OBJECTIVE, GOAL, ACTION, INSTRUMENTS, DEPARTMENTS)
# The number of an objective or a goal in a column of its own ("Goal no.", "N° objectif"), beside
# the column of its text: a line's number column is CODE.
OBJECTIVE_NUMBER = "objective-number"
GOAL_NUMBER = "goal-number"
NUMBER_OF = {OBJECTIVE: OBJECTIVE_NUMBER, GOAL: GOAL_NUMBER, ACTION: CODE}

# Phrases after normalisation (lower case, no accents, punctuation as spaces). A header matches a
# field when it equals a phrase, or when it starts with one (e.g. "departments involved"). The
# longest matching phrase wins, so that "objectif specifique" (a goal) beats "objectif".
_PHRASES: dict[str, tuple[str, ...]] = {
    CODE: (
        "no",
        "n",
        "nr",
        "n o",
        "num",
        "number",
        "numero",
        "nummer",
        "code",
        "ref",
        "reference",
        "referentie",
        "id",
        "item",
    ),
    OBJECTIVE: (
        "objective",
        "objectives",
        "strategic objective",
        "strategic objectives",
        "priority",
        "pillar",
        "objectif",
        "objectifs",
        "objectif strategique",
        "objectifs strategiques",
        "axe",
        "pilier",
        "doelstelling",
        "doelstellingen",
        "strategische doelstelling",
        "strategische doelstellingen",
        "pijler",
    ),
    GOAL: (
        "goal",
        "goals",
        "specific objective",
        "specific objectives",
        "operational objective",
        "operational objectives",
        "expected result",
        "expected results",
        "outcome",
        "outcomes",
        "but",
        "buts",
        "objectif specifique",
        "objectifs specifiques",
        "objectif operationnel",
        "objectifs operationnels",
        "resultat attendu",
        "resultats attendus",
        "doel",
        "doelen",
        "operationele doelstelling",
        "operationele doelstellingen",
        "specifieke doelstelling",
        "specifieke doelstellingen",
        "beoogd resultaat",
    ),
    ACTION: (
        "action",
        "actions",
        "line of action",
        "lines of action",
        "action line",
        "action lines",
        "activity",
        "activities",
        "measure",
        "measures",
        "ligne d action",
        "lignes d action",
        "ligne daction",
        "lignes daction",
        "action s",
        "mesure",
        "mesures",
        "activite",
        "activites",
        "actie",
        "acties",
        "actielijn",
        "actielijnen",
        "maatregel",
        "maatregelen",
        "activiteit",
        "activiteiten",
    ),
    INSTRUMENTS: (
        "monitoring instrument",
        "monitoring instruments",
        "monitoring",
        "indicator",
        "indicators",
        "instrument",
        "instruments",
        "means of verification",
        "instrument de suivi",
        "instruments de suivi",
        "instrument de monitoring",
        "instruments de monitoring",
        "indicateur",
        "indicateurs",
        "suivi",
        "monitoringinstrument",
        "monitoringinstrumenten",
        "monitoringsinstrument",
        "monitoringsinstrumenten",
        "opvolgingsinstrument",
        "opvolgingsinstrumenten",
        "indicatoren",
        "opvolging",
    ),
    DEPARTMENTS: (
        "department",
        "departments",
        "responsible",
        "responsibility",
        "responsible department",
        "responsible departments",
        "responsible actors",
        "responsible institution",
        "responsible institutions",
        "lead",
        "actors",
        "actor",
        "institution",
        "institutions",
        "ministry",
        "ministries",
        "departement",
        "departements",
        "responsable",
        "responsables",
        "responsabilite",
        "acteur",
        "acteurs",
        "service responsable",
        "services responsables",
        "institution responsable",
        "departementen",
        "verantwoordelijke",
        "verantwoordelijken",
        "verantwoordelijk",
        "bevoegde",
        "bevoegd",
        "actor",
        "actoren",
    ),
}

# A header is a short label: a long cell is content, never a header, whatever words it holds.
_MAX_HEADER_WORDS = 6
# Words that make a header the number of what the rest of it names: "Goal no.", "Nr. doel",
# "Number of the objective", "Numéro du but", "Line #".
_NUMBER_WORDS = ("no", "n o", "n", "nr", "num", "number", "numero", "nummer", "ref", "code", "id")
# "Line": a line's number or its text, as the column's cells tell (columns.by_content).
LINE_WORDS = ("line", "lines", "ligne", "lignes", "lijn", "regel")
_NUMBER_LINKS = ("of the", "of", "du", "de la", "de l", "de", "d", "van de", "van het", "van")


def normalise(text: str) -> str:
    """Lower case, accents off, punctuation as single spaces: what headers are compared on."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.replace("°", " o ").replace("º", " o ")
    text = re.sub(r"[^0-9a-zA-Z]+", " ", text.lower())
    return " ".join(text.split())


def match_header(text: str) -> str | None:
    """The field a header cell names, or None."""
    if text.strip() == "#":
        return CODE
    norm = normalise(text)
    if not norm or len(norm.split()) > _MAX_HEADER_WORDS:
        return None
    numbered = _number_of(norm + (" no" if text.strip().endswith("#") else ""))
    if numbered is not None:
        # An instrument's or a department's number is no field of the plan: an unknown column.
        return NUMBER_OF.get(numbered)
    return _field_of(norm)


def _number_of(norm: str) -> str | None:
    """The field whose number a header names ("Goal no.", "N° du but", "Line no."), or None."""
    for word in _NUMBER_WORDS:
        rest = None
        if norm.endswith(" " + word):
            rest = norm[: -len(word) - 1]
        elif norm.startswith(word + " "):
            rest = norm[len(word) + 1 :]
            for link in _NUMBER_LINKS:
                if rest.startswith(link + " "):
                    rest = rest[len(link) + 1 :]
                    break
        if rest in LINE_WORDS:
            return ACTION
        field = _field_of(rest, exact=True) if rest else None
        if field is not None:
            return field
    return None


def _field_of(norm: str, *, exact: bool = False) -> str | None:
    best: tuple[int, str] | None = None
    for field, phrases in _PHRASES.items():
        for phrase in phrases:
            if norm == phrase or (not exact and norm.startswith(phrase + " ")):
                # An exact match beats a prefix match of the same length.
                score = len(phrase) * 2 + (1 if norm == phrase else 0)
                if best is None or score > best[0]:
                    best = (score, field)
    return best[1] if best else None


def match_header_row(cells: Sequence[str | None]) -> dict[int, str] | None:
    """Column index -> field for a row that is a matrix's header row, else None.

    A header row names at least the lines of action and two other fields, each once, and holds
    nothing else but empty cells or unknown short labels (a "Budget" or "Timing" column is
    allowed and ignored).
    """
    mapping: dict[int, str] = {}
    seen: set[str] = set()
    unknown = 0
    for index, cell in enumerate(cells):
        if cell is None or not cell.strip():
            continue
        field = match_header(cell)
        if field is None:
            if len(normalise(cell).split()) > _MAX_HEADER_WORDS:
                return None
            unknown += 1
            continue
        if field in seen:
            # "Indicators" twice, say: the first is the column; the other is ignored.
            continue
        seen.add(field)
        mapping[index] = field
    if ACTION not in seen or len(seen) < 3 or unknown > len(seen):
        return None
    return mapping


@dataclass(frozen=True)
class Vocabulary:
    """How a reader tells a matrix's header row and a header cell: a plan's matrix by default;
    a report's matrix (reporting.importing) names other columns in the same readers."""

    row: Callable[[Sequence[str | None]], dict[int, str] | None]
    cell: Callable[[str], str | None]
    # Whether a cell's paragraphs matter (a report's text, which becomes Markdown): a PDF reader
    # then tells them apart by the space between printed lines, at some cost.
    paragraphs: bool = False


PLAN = Vocabulary(match_header_row, match_header)
