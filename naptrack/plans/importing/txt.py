"""Reading text extracted from a PDF: tab-separated table rows among paragraphs and footnotes.

Each line of the file is one item: a table row (cells separated by tabs, one line per printed
line, so a wrapped cell continues on the following lines), a footnote (it starts with its
superscript number), a heading (a short line without final punctuation) or a paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from django.utils.translation import gettext

from naptrack.plans.importing.headers import CODE, PLAN, Vocabulary
from naptrack.plans.importing.model import (
    MARK_RE,
    STRUCTURE,
    DocumentImportError,
    Footnote,
    Heading,
    Matrix,
    Prose,
    Row,
    TableHeader,
    from_superscript,
    superscript,
)

# Footnote marks as PDF-to-text tools write them: "$^{^2}$", "^{9, 10}", "^2".
_LATEX_MARK = re.compile(r"\$?\^\{\^?\s*([\d,\s]+?)\s*\}\$?")
_CARET_MARK = re.compile(r"\^(\d{1,3})\b")
_FOOTNOTE_LINE = re.compile(rf"^\s*({MARK_RE.pattern})\s*(\S.*)$")
# Another footnote starting within a footnote line: " ³ Idem".
_NEXT_FOOTNOTE = re.compile(rf"\s({MARK_RE.pattern})\s+(?=\S)")
_HEADING_MAX = 120


def normalise_marks(text: str) -> str:
    def latex(match: re.Match) -> str:
        numbers = [n for n in re.split(r"[,\s]+", match.group(1)) if n]
        return " ".join(superscript(n) for n in numbers)

    text = _LATEX_MARK.sub(latex, text)
    return _CARET_MARK.sub(lambda m: superscript(m.group(1)), text)


def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def split_footnotes(first_number: str, rest: str) -> list[tuple[int, str]]:
    notes: list[tuple[int, str]] = []
    number = int(from_superscript(first_number))
    position = 0
    for match in _NEXT_FOOTNOTE.finditer(rest):
        notes.append((number, rest[position : match.start()].strip()))
        number = int(from_superscript(match.group(1)))
        position = match.end()
    notes.append((number, rest[position:].strip()))
    return [(n, text) for n, text in notes if text]


def read_txt(path: str | Path, vocabulary: Vocabulary = PLAN) -> Matrix:
    raw = Path(path).read_bytes()
    plan = vocabulary is PLAN
    if b"\x00" in raw[:4096]:
        raise DocumentImportError(
            gettext("this is not a text file: expected plain text extracted from a plan's PDF")
            if plan
            else gettext("this is not a text file: expected plain text holding a table (tab-separated columns)")
        )
    text = decode(raw)
    if not text.strip():
        raise DocumentImportError(
            gettext(
                "the file is empty: expected the text of a plan with a table of lines of action (tab-separated columns)"
            )
            if plan
            else gettext("the file is empty: expected plain text holding a table (tab-separated columns)")
        )
    return read_lines(text.splitlines(), vocabulary)


def read_lines(lines: list[str], vocabulary: Vocabulary = PLAN) -> Matrix:
    matrix = Matrix()
    front: list[str] = []
    columns: dict[int, str] | None = None
    width = 0
    pending_rows: list[tuple[Row, list[str]]] = []  # rows with fewer cells than the header, fixed per table
    table_rows: list[tuple[Row, list[str]]] = []

    def close_table() -> None:
        nonlocal pending_rows, table_rows
        if pending_rows and columns:
            _realign(matrix, columns, width, table_rows, pending_rows)
        pending_rows, table_rows = [], []

    for number, line in enumerate(lines, start=1):
        location = f"line {number}"
        line = normalise_marks(line.replace("\u00a0", " ").rstrip(" \r\n"))
        if not line.strip():
            continue
        if len(front) < 40 and not columns:
            front.append(line.strip())
        if "\t" in line:
            cells = [c.strip() for c in line.split("\t")]
            header = vocabulary.row(cells)
            if header:
                close_table()
                columns, width = header, len(cells)
                matrix.blocks.append(TableHeader(header, location))
                continue
            if columns:
                row = Row({}, location, wrapped=True)
                matrix.blocks.append(row)
                if len(cells) < width:
                    pending_rows.append((row, cells))
                else:
                    if len(cells) > width:
                        extra = [c for c in cells[width:] if c]
                        if extra:
                            cells = [*cells[: width - 1], " ".join([cells[width - 1], *extra]).strip()]
                            matrix.check(
                                STRUCTURE,
                                location,
                                gettext(
                                    "%(cells)s cells for %(columns)s columns: the extra ones were joined to the last"
                                )
                                % {"cells": len(cells), "columns": width},
                            )
                        cells = cells[:width]
                    _fill(row, columns, cells)
                    table_rows.append((row, cells))
                continue
            line = " ".join(c for c in cells if c)
        footnote = _FOOTNOTE_LINE.match(line)
        if footnote:
            for n, note in split_footnotes(footnote.group(1), footnote.group(2)):
                matrix.blocks.append(Footnote(n, note, location))
            continue
        stripped = line.strip()
        if matrix.blocks and isinstance(matrix.blocks[-1], Footnote) and columns and stripped[:1].islower():
            matrix.blocks[-1].text += " " + stripped
            continue
        if len(stripped) <= _HEADING_MAX and not re.search(r"[.,;:!?]$", stripped) and not stripped.startswith("-"):
            close_table()
            matrix.blocks.append(Heading(stripped, location))
        else:
            matrix.blocks.append(Prose(stripped, location))
    close_table()
    matrix.front_text = "\n".join(front)
    return matrix


def _fill(row: Row, columns: dict[int, str], cells: list[str]) -> None:
    for index, field in columns.items():
        if index < len(cells) and cells[index]:
            row.cells.setdefault(field, []).append(cells[index])


def _realign(
    matrix: Matrix,
    columns: dict[int, str],
    width: int,
    full_rows: list[tuple[Row, list[str]]],
    short_rows: list[tuple[Row, list[str]]],
) -> None:
    """Rows with fewer cells than the header lost their empty cells in the extraction: the lost
    ones are taken to be the columns most often empty on numbered rows (a merged column)."""
    code_index = next((i for i, f in columns.items() if f == CODE), None)
    numbered = [cells for _, cells in full_rows if code_index is None or cells[code_index]]
    empty = Counter(i for cells in numbered for i in range(width) if not cells[i])
    for row, cells in short_rows:
        missing = width - len(cells)
        candidates = [i for i in range(width) if i != code_index]
        # Sparsest columns first; among equals, the leftmost.
        candidates.sort(key=lambda i: (-empty[i], i))
        lost = sorted(candidates[:missing])
        realigned = list(cells)
        for index in lost:
            realigned.insert(index, "")
        _fill(row, columns, realigned)
        row.short_by = missing
        names = ", ".join(columns.get(i, f"column {i + 1}") for i in lost)
        matrix.check(
            STRUCTURE,
            row.location,
            gettext("the row has %(cells)s cells for %(columns)s columns; read as having an empty %(names)s cell")
            % {"cells": len(cells), "columns": width, "names": names},
        )
