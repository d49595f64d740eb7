"""The kind of answer an instrument asks for, as a spreadsheet's "Kind" and "Unit" columns say
it, in English, French or Dutch ("count", "nombre", "aantal"; "yes/no", "oui/non", "ja/nee").

Only the spreadsheet reader uses these columns: a matrix in a document never says its kinds, and
keeping the words here leaves the headers every importer shares (headers.py) as they are.
"""

from __future__ import annotations

from naptrack.plans.importing.headers import normalise

KIND = "kind"
UNIT = "unit"
UNIT_MAX = 40

_HEADERS: dict[str, tuple[str, ...]] = {
    KIND: (
        "kind",
        "kind of answer",
        "kind of indicator",
        "kind of instrument",
        "type",
        "type of answer",
        "type of indicator",
        "indicator type",
        "answer type",
        "type de reponse",
        "type d indicateur",
        "type de l indicateur",
        "nature",
        "soort",
        "soort antwoord",
        "soort indicator",
        "type indicator",
        "aard",
    ),
    UNIT: ("unit", "units", "unit of measure", "unite", "unite de mesure", "eenheid", "meeteenheid"),
}

# Words after headers.normalise (lower case, no accents, punctuation as spaces): "yes/no" is "yes no".
_WORDS: dict[str, tuple[str, bool]] = {}
for _kind, _by_sex, _words in (
    ("qualitative", False, ("qualitative", "qualitatif", "qualitative text", "kwalitatief", "text", "texte", "tekst")),
    (
        "quantitative",
        False,
        ("quantitative", "quantitatif", "kwantitatief", "number", "numeric", "valeur", "chiffre", "getal", "waarde"),
    ),
    (
        "quantitative",
        True,
        (
            "by sex",
            "quantitative by sex",
            "number by sex",
            "sex disaggregated",
            "par sexe",
            "quantitatif par sexe",
            "nombre par sexe",
            "per geslacht",
            "naar geslacht",
            "aantal per geslacht",
        ),
    ),
    ("count", False, ("count", "whole number", "nombre", "comptage", "aantal", "telling")),
    (
        "money",
        False,
        ("money", "amount", "financial", "budget", "montant", "financier", "argent", "bedrag", "financieel", "geld"),
    ),
    (
        "share",
        False,
        ("share", "percentage", "proportion", "ratio", "rate", "pourcentage", "part", "taux", "aandeel", "verhouding"),
    ),
    ("yes-no", False, ("yes no", "yes or no", "boolean", "oui non", "oui ou non", "ja nee", "ja of nee")),
):
    for _word in _words:
        _WORDS[_word] = (_kind, _by_sex)


def kind_columns(cells: list[str], taken: dict[int, str]) -> dict[int, str]:
    """Column index -> KIND or UNIT for the header row `cells`, leaving the columns headers.py
    matched (`taken`) alone."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if index in taken or not cell:
            continue
        norm = normalise(cell)
        for name, phrases in _HEADERS.items():
            if norm in phrases and name not in found.values():
                found[index] = name
    return found


def kind_of_word(word: str) -> tuple[str, bool] | None:
    """(kind, by_sex) for a kind column's word, or None for a word it does not know."""
    if word.strip() == "%":
        return ("share", False)
    return _WORDS.get(normalise(word))
