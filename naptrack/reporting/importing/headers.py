"""Recognising a report's matrix by its headers, in English, French or Dutch.

A report to parliament lays out what was done as a matrix: the line of action (its number, its
text, or both), the department, what it reported, sometimes a status and figures. The plan's
columns are told by plans.importing.headers; this adds the report's own: the text reported, the
status, and counts of women and men. A header row is a report's only when it names a line and
what was reported (or its status): a plan's matrix is not a report.
"""

from __future__ import annotations

from collections.abc import Sequence

from naptrack.plans.importing.headers import (
    ACTION,
    CODE,
    DEPARTMENTS,
    Vocabulary,
    match_header,
    normalise,
)

REPORT = "report"
STATUS = "status"
WOMEN = "women"
MEN = "men"
FIGURES = "figures"

# Phrases after headers.normalise. Matched before the plan's own ("actions taken" is what was
# done, not the line of action), exactly or as the start of the header.
_PHRASES: dict[str, tuple[str, ...]] = {
    REPORT: (
        "report",
        "reporting",
        "what was done",
        "actions taken",
        "action taken",
        "activities carried out",
        "activities undertaken",
        "achievements",
        "achievement",
        "results",
        "result achieved",
        "results achieved",
        "implementation",
        "progress made",
        "progress report",
        "comments",
        "narrative",
        "description of progress",
        "rapport",
        "realisations",
        "realisation",
        "activites realisees",
        "actions entreprises",
        "mesures prises",
        "mise en oeuvre",
        "resultats",
        "resultats obtenus",
        "commentaires",
        "bilan",
        "rapportage",
        "realisaties",
        "realisatie",
        "verwezenlijkingen",
        "uitgevoerde acties",
        "uitgevoerde activiteiten",
        "genomen maatregelen",
        "uitvoering",
        "resultaten",
        "opmerkingen",
        "verslag",
    ),
    STATUS: (
        "status",
        "state of progress",
        "state of implementation",
        "implementation status",
        "progress status",
        "progress",
        "stage",
        "statut",
        "etat",
        "etat d avancement",
        "etat de mise en oeuvre",
        "avancement",
        "degre de realisation",
        "stand van zaken",
        "stand van uitvoering",
        "vooruitgang",
        "voortgang",
        "stadium",
    ),
    WOMEN: ("women", "number of women", "female", "femmes", "nombre de femmes", "vrouwen", "aantal vrouwen", "f", "v"),
    MEN: ("men", "number of men", "male", "hommes", "nombre d hommes", "mannen", "aantal mannen", "m", "h"),
    FIGURES: ("figures", "figures by sex", "data", "chiffres", "donnees", "cijfers", "gegevens"),
}
_MAX_WORDS = 6


def match_report_header(text: str) -> str | None:
    """The field a header cell of a report names: a report's own, else a plan's, else None."""
    norm = normalise(text)
    if not norm or len(norm.split()) > _MAX_WORDS:
        return None
    best: tuple[int, str] | None = None
    for name, phrases in _PHRASES.items():
        for phrase in phrases:
            # A one-letter header ("F", "M") is its column only exactly.
            if norm == phrase or (len(phrase) > 1 and norm.startswith(phrase + " ")):
                score = len(phrase) * 2 + (1 if norm == phrase else 0)
                if best is None or score > best[0]:
                    best = (score, name)
    if best is not None:
        return best[1]
    return match_header(text)


def match_report_header_row(cells: Sequence[str | None]) -> dict[int, str] | None:
    """Column index -> field for a report matrix's header row, else None.

    It names a line (its number or its text) and what was reported or its status, each field
    once (several of what was reported: each is read), and few unknown short labels ("Budget",
    "Timing"). Of two other columns naming the same field, the first is read.
    """
    mapping: dict[int, str] = {}
    unknown = 0
    for index, cell in enumerate(cells):
        if cell is None or not cell.strip():
            continue
        name = match_report_header(cell)
        if name is None:
            if len(normalise(cell).split()) > _MAX_WORDS:
                return None
            unknown += 1
            continue
        if name not in mapping.values():
            mapping[index] = name
        elif name == REPORT:
            # A second column of what was reported ("Comments" after "Achievements") is read too.
            mapping[index] = f"{REPORT}:{sum(1 for n in mapping.values() if n.startswith(REPORT)) + 1}"
    seen = set(mapping.values())
    if not seen & {ACTION, CODE} or not seen & {REPORT, STATUS} or len(seen) < 3 or unknown > len(seen):
        return None
    return mapping


REPORT_VOCABULARY = Vocabulary(match_report_header_row, match_report_header, paragraphs=True)

__all__ = [
    "ACTION",
    "CODE",
    "DEPARTMENTS",
    "FIGURES",
    "MEN",
    "REPORT",
    "REPORT_VOCABULARY",
    "STATUS",
    "WOMEN",
    "match_report_header",
    "match_report_header_row",
]
