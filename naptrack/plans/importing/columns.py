"""What the cells of a plan spreadsheet hold: which row is the matrix's header and what each of its
columns is, once the cells below are seen (headers.py names them), and the paragraphs of a cell
(instruments one a line or after bullets, departments at line breaks, a goal without its number).
spreadsheet.py reads the rows with them.
"""

from __future__ import annotations

import re

from naptrack.plans.importing import targets
from naptrack.plans.importing.headers import (
    CODE,
    DEPARTMENTS,
    GOAL,
    GOAL_NUMBER,
    INSTRUMENTS,
    LINE_WORDS,
    NUMBER_OF,
    match_header,
    match_header_row,
    normalise,
)
from naptrack.plans.importing.kinds import kind_columns
from naptrack.plans.importing.xlsx import Cell

# Joins the sentences of one instrument so that structure.py, which splits a cell at its
# sentences, keeps each line of a cell as one instrument; removed from the plan afterwards.
JOINER = "\u2060"
_STOP_SPACE = re.compile(r"([.!?\u2026][\"'\u201d\u2019\u00bb)\]]*) ")
# A goal's number before its text: "12. Text", "12) Text", "Goal 12: Text", "But 12 - Texte".
_GOAL_NUMBER = re.compile(
    r"^\s*(?:(?:goal|but|doel|specific objective|objectif sp[ée]cifique|specifieke doelstelling)\s*"
    r"(?:n[°o]\.?\s*|nr\.?\s*)?\d{1,3}\s*[.):\-\u2013\u2014]?|\d{1,3}\s*[.):\-\u2013\u2014])\s+(?=\S)",
    re.IGNORECASE,
)
# A cell that holds a number only: "12", "IV", "14.a", "Goal 12", "b".
_NUMBER_CELL = re.compile(
    r"^\s*(?:[^\W\d_]{1,12}\s+)?(?:\d{1,3}[a-z]?|[IVX]{1,5}|[a-zA-Z])(?:[.\-](?:\d{1,3}|[a-z]))*\s*[.):]?\s*$"
)
# A line's letter within its goal, and a goal's number in a column of its own.
_LETTER = re.compile(r"^\s*[a-z]{1,2}\s*[.)]?\s*$")
_GOAL = re.compile(r"^\s*(?:[^\W\d_]{1,12}\s+)?(\d{1,3})\s*[.):]?\s*$")
# What the second row of a two-row header says of the columns under a label.
_SUB_LABELS = {
    *("#", "no", "n o", "n", "nr", "num", "number", "numero", "nummer", "code", "ref", "id"),
    *("text", "texte", "tekst", "description", "omschrijving", "title", "titre", "titel", "wording", "libelle"),
    *("intitule", "name", "nom", "naam", "beschrijving"),
}
# Rows below a header row that tell what its columns hold.
_LOOK_AHEAD = 200
# Bullets before the items of a cell: "• Text", "- Text", "* Text"; a bullet in the middle of a
# line ("Text • Text") starts an item too, a hyphen there does not (it joins words).
_BULLET = re.compile(r"^[\u2022\u25aa\u25cf\u25e6\u2023\u2043\u00b7\u2219\u25a0\u25a1\u2713\u27a2*\-\u2013\u2014>]+\s+")
_INLINE_BULLET = re.compile(r"\s+[\u2022\u25aa\u25cf\u25e6\u2023\u25a0\u25a1\u27a2]\s+")
# A numbered list ("1. Text", "b) Text"): a list only when every line of the cell is numbered.
_LIST_NUMBER = re.compile(r"^(?:\d{1,2}|[a-z])[.)]\s+(?=\S)")


def paragraphs(name: str, text: str) -> list[str]:
    """The paragraphs of a cell of the column `name`, as structure.py reads them."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    if name in (INSTRUMENTS, DEPARTMENTS):
        lines = [_BULLET.sub("", item).strip() for line in lines for item in _INLINE_BULLET.split(line)]
        lines = [line for line in lines if line]
        if len(lines) > 1 and all(_LIST_NUMBER.match(line) for line in lines):
            lines = [_LIST_NUMBER.sub("", line) for line in lines]
    if name == DEPARTMENTS:
        # One paragraph, line breaks as semicolons: the department matcher splits at those.
        return ["; ".join(lines)] if lines else []
    if name == INSTRUMENTS:
        return [_STOP_SPACE.sub(rf"\1{JOINER} ", line) for line in lines]
    if name == GOAL and lines:
        lines[0] = _GOAL_NUMBER.sub("", lines[0])
    return lines


def number_lines(values: dict[str, Cell]) -> None:
    """A line lettered within its goal ("a", "b") beside the goal's number: numbered "14.a", as
    the plans that number their lines through number them, so that the letters of two goals
    are two lines."""
    code, goal = values.get(CODE), values.get(GOAL_NUMBER)
    if code is None or goal is None or not _LETTER.match(code.text) or not _GOAL.match(goal.text):
        return
    values[CODE] = Cell(f"{_GOAL.match(goal.text).group(1)}.{code.text.strip().rstrip('.)')}", code.origin)


def two_row_header(first: list[str], second: list[Cell]) -> list[str] | None:
    """The header's labels when it takes two rows: a label over several columns ("Goal" merged
    over two) and, under it, what each of them holds ("No.", "Text"); None when the row under
    `first` is not such a row. Each label becomes "Goal No.", "Goal Text", as headers.py reads."""
    subs = [c.text if c.origin == "own" else "" for c in second]
    named = [normalise(t) or t.strip() for t in subs if t]
    if len(named) < 2 or any(n not in _SUB_LABELS for n in named):
        return None
    combined, group = [], ""
    for i in range(max(len(first), len(subs))):
        own, sub = (first[i] if i < len(first) else ""), (subs[i] if i < len(subs) else "")
        # A label stretches to the right over the empty cells of its merged range, as far as
        # the row below names parts of it.
        group = own or (group if sub else "")
        if sub and not group:
            return None
        combined.append(f"{group} {sub}" if sub else own)
    return combined if header_row(combined) else None


def header_row(texts: list[str]) -> dict[int, str] | None:
    """The matrix's columns, if `texts` is its header row: the kind, unit and target columns
    are not the unknown columns that tell a header row from a row of text (headers.py)."""
    header = match_header_row(texts)
    if header is None:
        known = kind_columns(texts, {})
        header = match_header_row(
            ["" if (i in known and match_header(t) is None) or targets.is_header(t) else t for i, t in enumerate(texts)]
        )
    return header


def by_content(header: dict[int, str], texts: list[str], below: list[tuple[int, list[Cell], bool]]) -> dict[int, str]:
    """The columns once their cells are seen: of two columns headed alike ("Goal" and "Goal
    text", "Objective" twice), the one holding nothing but numbers is the number column, the
    other the text; a lone goal or objective column of numbers beside no text stays as it is."""
    header = dict(header)
    for name, number in NUMBER_OF.items():
        columns = [
            i for i, text in enumerate(texts) if header.get(i, match_header(text) if i not in header else None) == name
        ]
        if len(columns) < 2:
            continue
        numeric = [i for i in columns if _numbers_only(i, below[:_LOOK_AHEAD])]
        words = [i for i in columns if i not in numeric]
        if not numeric or not words:
            continue
        for i in columns:
            header.pop(i, None)
        header[words[0]] = name
        if number not in header.values():
            header[numeric[0]] = number
    if CODE not in header.values():
        # A column headed "Line" beside the lines' texts, holding "a", "b", "14.c": their numbers.
        lettered = [i for i, t in enumerate(texts) if i not in header and normalise(t) in LINE_WORDS]
        header.update({i: CODE for i in lettered[:1] if _numbers_only(i, below[:_LOOK_AHEAD])})
    return dict(sorted(header.items()))


def _numbers_only(index: int, rows: list[tuple[int, list[Cell], bool]]) -> bool:
    values = [cells[index].text for _, cells, _ in rows if index < len(cells) and cells[index].text]
    return bool(values) and all(_NUMBER_CELL.match(value) for value in values)
