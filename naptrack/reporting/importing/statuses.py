"""Reading a status written in a report ("Done", "En cours", "Lopend") as a point of the plan's
status scale (Contribution.Status).

The scale's own labels count in every language naptrack speaks, so a document that used naptrack's
words always maps; common synonyms in English, French and Dutch follow. A word that is not on the
scale maps to nothing, and the import says so: guessing a status would put words in a
department's mouth.
"""

from __future__ import annotations

import functools
import re

from django.conf import settings
from django.utils import translation

from naptrack.plans.importing.headers import normalise
from naptrack.reporting.models import Contribution

S = Contribution.Status
_SYNONYMS: dict[str, tuple[str, ...]] = {
    S.COMPLETED: (
        "done",
        "completed",
        "complete",
        "achieved",
        "implemented",
        "finished",
        "fully implemented",
        "realise",
        "realisee",
        "realises",
        "acheve",
        "termine",
        "execute",
        "accompli",
        "mis en oeuvre",
        "afgerond",
        "voltooid",
        "gerealiseerd",
        "uitgevoerd",
        "bereikt",
        "klaar",
    ),
    S.IN_PROGRESS: (
        "in progress",
        "ongoing",
        "on going",
        "started",
        "underway",
        "under way",
        "partially implemented",
        "partly implemented",
        "partially achieved",
        "en cours",
        "commence",
        "entame",
        "en cours de realisation",
        "partiellement realise",
        "lopend",
        "in uitvoering",
        "bezig",
        "gestart",
        "gedeeltelijk uitgevoerd",
        "gedeeltelijk gerealiseerd",
    ),
    S.NOT_STARTED: (
        "not started",
        "not yet started",
        "not begun",
        "planned",
        "pending",
        "not yet begun",
        "en attente",
        "pas encore entame",
        "non entame",
        "a entamer",
        "not implemented",
        "pas commence",
        "non commence",
        "pas encore commence",
        "prevu",
        "non realise",
        "niet gestart",
        "niet begonnen",
        "nog niet gestart",
        "nog niet begonnen",
        "gepland",
        "in afwachting",
        "nog niet aangevat",
        "niet aangevat",
        "niet uitgevoerd",
    ),
    S.CONTINUOUS: (
        "continuous",
        "continuing",
        "permanent",
        "recurrent",
        "recurring",
        "structural",
        "continu",
        "continue",
        "recurrente",
        "structurel",
        "doorlopend",
        "continu",
        "structureel",
        "terugkerend",
    ),
    S.NOT_APPLICABLE: (
        "not applicable",
        "n a",
        "na",
        "n app",
        "sans objet",
        "non applicable",
        "non pertinent",
        "niet van toepassing",
        "nvt",
        "n v t",
    ),
}


@functools.cache
def _vocabulary() -> dict[str, str]:
    words: dict[str, str] = {}
    for code, synonyms in _SYNONYMS.items():
        for word in synonyms:
            words.setdefault(normalise(word), str(code.value))
    # The scale's labels in every language: the words naptrack itself shows.
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, label in S.choices:
                words[normalise(str(label))] = str(code)
    return words


def status_of(text: str) -> str | None:
    """The scale's code for a status as written, or None when it is not on the scale. A remark
    after the status is allowed ("Completed (2014)", "En cours - voir rapport"), not one that
    qualifies it ("Réalisé partiellement", "Afgerond: nee"): that is not the scale's point."""
    words = _vocabulary()
    norm = normalise(text)
    if not norm:
        return None
    if norm in words:
        return words[norm]
    parts = _REMARK.split(text, maxsplit=1)
    head, rest = (parts[0], parts[1]) if len(parts) > 1 else _year_after(text)
    code = words.get(normalise(head))
    if code is None or _QUALIFIERS & set(normalise(rest).split()):
        return None
    return code


# Where a remark starts: a bracket, a dash between spaces, a colon, a semicolon, a comma, a "?".
_REMARK = re.compile(r"\s*(?:[(\[:;,?]|\s[-\u2013\u2014]\s)\s*")
_QUALIFIERS = frozenset(
    {"partially", "partly", "partial", "part", "not", "no", "yet", "nearly", "almost"}
    | {"partiellement", "partiel", "partielle", "partie", "pas", "non", "presque", "encore"}
    | {"gedeeltelijk", "deels", "nee", "niet", "geen", "nog", "bijna"}
)


def _year_after(text: str) -> tuple[str, str]:
    """ "Completed 2014": the status and the year it was reached."""
    found = re.match(r"^(.*?)\s+(\d{4})\s*$", text)
    return (found.group(1), found.group(2)) if found else (text, "")
