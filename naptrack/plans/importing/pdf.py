"""Reading a PDF's tables and text from the page layout (pdfplumber).

Tables are found from their ruling lines, page by page; a table that runs over pages repeats
(or not) its header, and a row broken by a page ends on the next page as a row without a
number, which structure.py joins to the line above. The text around the tables becomes
headings (larger or bold type), paragraphs and footnotes (a paragraph that opens with a raised
number). Running headers and page numbers are recognised by their place in the margins or by
repeating on many pages, and left out.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import Any

from django.utils.translation import gettext

from naptrack.plans.importing.headers import PLAN, Vocabulary
from naptrack.plans.importing.model import (
    NOISE_DROPPED,
    SUPERSCRIPT_DIGITS,
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
from naptrack.plans.importing.text import is_complete, join_fragments

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+|p\.\s*|pagina\s+|seite\s+)?-?\s*\d{1,4}\s*-?(?:\s*(?:/|of|sur|van|von|de)\s*\d{1,4})?$", re.I
)
_FOOTNOTE_START = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(.*)$")
_TABLE_SETTINGS: dict[str, Any] = {
    "vertical_strategy": "lines",
    "horizontal_strategy": "lines",
    "snap_tolerance": 3,
    "join_tolerance": 3,
    "intersection_tolerance": 3,
}


def read_pdf(path: str | Path, vocabulary: Vocabulary = PLAN) -> Matrix:
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    name = Path(path).name
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _unreadable(name, exc) from None
    except Exception as exc:  # pdfminer raises many kinds of error on a damaged file
        raise DocumentImportError(
            gettext("%(name)s is not a readable PDF (%(error)s): expected a PDF document")
            % {"name": name, "error": type(exc).__name__}
        ) from None
    with pdf:
        try:
            return _read(pdf, name, vocabulary)
        except PdfminerException as exc:
            raise _unreadable(name, exc) from None


def _unreadable(name: str, exc: Exception) -> DocumentImportError:
    reason = repr(exc.args[0]) if exc.args else repr(exc)
    if "Password" in reason or "Encrypt" in reason:
        return DocumentImportError(
            gettext(
                "%(name)s is encrypted: expected a PDF that opens without a password; "
                "save an unprotected copy and import that"
            )
            % {"name": name}
        )
    return DocumentImportError(
        gettext("%(name)s is not a readable PDF (it may be damaged): expected a PDF document") % {"name": name}
    )


def _read(pdf: Any, name: str, vocabulary: Vocabulary) -> Matrix:
    pages = pdf.pages
    sizes = Counter(round(c["size"], 1) for page in pages[:8] for c in page.chars)
    if not sizes and not any(page.chars for page in pages):
        raise DocumentImportError(
            gettext(
                "%(name)s holds no text, only images (a scanned document?): expected a PDF whose text can be "
                "selected; run it through OCR first, or import its text as a .txt file"
            )
            % {"name": name}
        )
    body = sizes.most_common(1)[0][0] if sizes else 10.0
    matrix = Matrix()
    lines_by_page: list[list[dict]] = []
    tables_by_page: list[list[tuple[tuple, list[list[str | None]], list[list[list[str] | None]] | None]]] = []
    for page in pages:
        _mark_superscripts(page.chars, body)
        tables = page.find_tables(_settings(page))
        boxes = [t.bbox for t in tables]
        tables_by_page.append(
            [(t.bbox, t.extract(), _cell_paragraphs(page, t) if vocabulary.paragraphs else None) for t in tables]
        )
        outside = page.filter(lambda obj, boxes=boxes: obj.get("object_type") != "char" or not _inside(obj, boxes))
        lines = outside.extract_text_lines(return_chars=True, strip=True)
        for line in lines:
            line["page_height"] = page.height
        lines_by_page.append(lines)
    furniture = _running_text(lines_by_page)
    dropped: Counter = Counter()
    columns: dict[int, str] | None = None
    width = 0
    front: list[str] = []
    layout = _Layout(vocabulary)
    for number, (lines, tables) in enumerate(zip(lines_by_page, tables_by_page, strict=True), start=1):
        items: list[tuple[float, str, Any]] = []
        for line in lines:
            if _is_furniture(line, furniture) and not _is_header_line(line, vocabulary):
                dropped[line["text"]] += 1
                continue
            items.append((line["top"], "line", line))
        for index, (bbox, rows, paragraphs) in enumerate(tables, start=1):
            items.append((bbox[1], "table", (index, rows, paragraphs)))
        items.sort(key=lambda item: item[0])
        paragraph: list[dict] = []
        for _, kind, item in items:
            if kind == "line" and not tables:
                block = layout.line(item, body, f"page {number}")
                if block is not None:
                    if paragraph:  # the paragraph before the table's header or row ends there
                        _emit_text(matrix, paragraph, body, number)
                        paragraph = []
                    if block is not True:
                        matrix.blocks.append(block)
                    continue
            if kind == "line":
                if paragraph and not _same_paragraph(paragraph[-1], item, body):
                    _emit_text(matrix, paragraph, body, number)
                    paragraph = []
                paragraph.append(item)
                if len(front) < 40:
                    front.append(item["text"])
                continue
            if paragraph:
                _emit_text(matrix, paragraph, body, number)
                paragraph = []
            index, rows, paragraphs = item
            for r, cells in enumerate(rows, start=1):
                location = f"page {number}, table {index}, row {r}"
                texts = [_cell(c) for c in cells]
                header = vocabulary.row(texts) if r == 1 else None
                if header:
                    columns, width = header, len(texts)
                    matrix.blocks.append(TableHeader(header, location))
                    continue
                if columns is None or len(texts) != width:
                    if any(texts):
                        matrix.blocks.append(Prose(" ".join(t for t in texts if t), location))
                    continue
                row = Row({}, location, wrapped=True)
                for i, field in columns.items():
                    if texts[i]:
                        said = paragraphs[r - 1][i] if paragraphs and i < len(paragraphs[r - 1]) else None
                        row.cells[field] = said or [texts[i]]
                    elif cells[i] is None:  # covered by a cell spanning rows
                        row.merged.add(field)
                matrix.blocks.append(row)
        if paragraph:
            _emit_text(matrix, paragraph, body, number)
    for text, count in dropped.items():
        message = gettext("running header, footer or page number %(text)r left out (%(count)s page(s))")
        matrix.check(NOISE_DROPPED, "", message % {"text": text, "count": count})
    matrix.front_text = "\n".join(front)
    return matrix


class _Layout:
    """A table without ruling lines, read from the page layout: its header line gives where its
    columns start; every later line is a row of words sorted into those columns, one printed
    line at a time (as in text extracted from a PDF), until prose wider than a column."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.columns: list[tuple[float, str | None]] = []  # (x where the column starts, field)
        self.after_header = False

    def line(self, line: dict, body: float, location: str) -> TableHeader | Row | bool | None:
        """The line as a table's header or row; True for a line of the table that holds nothing
        (a header's second line); None for a line that is not part of a table."""
        words = _words(line)
        if not words:
            return None
        size = _size(line) or body
        segments = _segments(words, size)
        if _FOOTNOTE_START.match(line["text"]) and len(segments) == 1:
            return None  # a footnote; marks that open a row's line sit in several columns
        if len(segments) >= 3:
            header = self.vocabulary.row([text for text, _, _ in segments])
            if header:
                self.columns = [(x0 - 2, header.get(i)) for i, (_, x0, _) in enumerate(segments)]
                self.after_header = True
                return TableHeader(header, location)
        if not self.columns:
            return None
        if self.after_header and all(
            self.vocabulary.cell(text) or (text.isupper() and len(text.split()) <= 3) for text, _, _ in segments
        ):
            return True  # the second line of a header ("MONITORING" / "INSTRUMENTS")
        self.after_header = False
        if size > body * 1.15 or self._is_prose(words, segments, size, _bold(line)):
            self.columns = []  # running text after the table: the table has ended
            return None
        cells: dict[str, list[str]] = {}
        for text, x0, _ in words:
            index = max((i for i, (start, _) in enumerate(self.columns) if start <= x0), default=0)
            field = self.columns[index][1]
            if field:
                cells.setdefault(field, []).append(text)
        return Row({field: [" ".join(parts)] for field, parts in cells.items()}, location, wrapped=True)

    def _is_prose(self, words: list, segments: list, size: float, bold: bool) -> bool:
        """Running text: one stretch of words wider than any column, or a bold heading."""
        if len(segments) > 1:
            return False
        starts = [start for start, _ in self.columns]
        widest = max((b - a for a, b in pairwise(starts)), default=0) or 200
        return bold or (words[-1][2] - words[0][1]) > widest * 1.3


def _words(line: dict) -> list[tuple[str, float, float]]:
    """The line's words: (text, x0, x1), split where characters stand apart."""
    words: list[tuple[str, float, float]] = []
    text, x0, x1 = "", 0.0, 0.0
    # A ligature ("ff") comes once per letter it stands for, at the same place: keep one.
    chars = {(c["text"], round(c["x0"], 1), round(c["top"], 1)): c for c in line.get("chars", [])}
    for char in sorted(chars.values(), key=lambda c: c["x0"]):
        gap = char["x0"] - x1
        if not char["text"].strip() or (text and gap > char["size"] * 0.2):
            if text:
                words.append((text, x0, x1))
            text = ""
            if not char["text"].strip():
                continue
        if not text:
            x0 = char["x0"]
        text += char["text"]
        x1 = char["x1"]
    if text:
        words.append((text, x0, x1))
    return words


def _segments(words: list[tuple[str, float, float]], size: float) -> list[tuple[str, float, float]]:
    """Runs of words separated by more than a word space: the cells of a table's line."""
    segments: list[list] = []
    for text, x0, x1 in words:
        if segments and x0 - segments[-1][2] < size * 0.9:
            segments[-1][0] += " " + text
            segments[-1][2] = x1
        else:
            segments.append([text, x0, x1])
    return [(t, a, b) for t, a, b in segments]


def _settings(page: Any) -> dict[str, Any]:
    """A table broken by the page has no rule under its last row (or over its first): the
    page's vertical rules say where it stops, so close it there."""
    verticals = [e for e in page.edges if e["orientation"] == "v" and e["height"] > 5]
    settings = dict(_TABLE_SETTINGS)
    if verticals:
        settings["explicit_horizontal_lines"] = [min(e["top"] for e in verticals), max(e["bottom"] for e in verticals)]
    return settings


def _inside(obj: dict, boxes: list[tuple]) -> bool:
    x = (obj["x0"] + obj["x1"]) / 2
    y = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)


def _mark_superscripts(chars: list[dict], body: float) -> None:
    """Raised small digits are footnote marks: rewrite them as superscript digits, set on their
    line, so that they are not read as part of the text ("training.3") nor as a line apart."""
    for i, char in enumerate(chars):
        text = char["text"]
        if not (text.isdigit() or text == ",") or char["size"] > body * 0.95:
            continue
        neighbour = _neighbour(chars, i)
        if neighbour is None:
            # Marks wrapped alone onto a line: smaller than the text they follow in the stream.
            before = _previous_text_char(chars, i)
            if before is not None and char["size"] <= body * 0.9 and before["size"] >= char["size"] * 1.1:
                char["text"] = superscript(text) if text.isdigit() else " "
            continue
        if char["size"] > neighbour["size"] * 0.99:
            continue
        if char["bottom"] < neighbour["bottom"] - neighbour["size"] * 0.25:
            # A comma between marks ("5,6,7") separates them.
            char["text"] = superscript(text) if text.isdigit() else " "
            for key in ("top", "bottom", "doctop", "y0", "y1"):
                char[key] = neighbour[key]


def _neighbour(chars: list[dict], i: int) -> dict | None:
    """The nearest character on the same line that is not a small digit."""
    char = chars[i]
    for step in (-1, 1):
        j = i + step
        while 0 <= j < len(chars) and abs(j - i) < 6:
            other = chars[j]
            same_line = abs(other["top"] - char["top"]) < max(other["size"], char["size"]) * 1.2
            mark_like = other["text"].isdigit() or other["text"] in ", " or other["text"] in SUPERSCRIPT_DIGITS
            small_digit = mark_like and other["size"] <= char["size"] * 1.05
            if same_line and other["text"].strip() and not small_digit:
                return other
            j += step
    return None


def _previous_text_char(chars: list[dict], i: int) -> dict | None:
    for j in range(i - 1, max(-1, i - 16), -1):
        text = chars[j]["text"]
        if text.strip() and not (text.isdigit() or text == "," or text in SUPERSCRIPT_DIGITS):
            return chars[j]
    return None


def _cell_paragraphs(page: Any, table: Any) -> list[list[list[str] | None]]:
    """Each cell's paragraphs: a new one where the space between two printed lines is well over
    the table's usual line pitch (the gap a paragraph leaves, whatever the line spacing); None
    for a cell covered by another. The page's words are read once and sorted into the cells."""
    words = page.extract_words()
    cells_lines: list[list[list[dict] | None]] = []
    pitches: list[float] = []
    for row in table.rows:
        row_lines: list[list[dict] | None] = []
        for bbox in row.cells:
            if bbox is None:
                row_lines.append(None)
                continue
            x0, top, x1, bottom = bbox
            inside = [
                w
                for w in words
                if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
            ]
            lines: list[dict] = []
            for w in sorted(inside, key=lambda w: (round(w["top"]), w["x0"])):
                if lines and abs(w["top"] - lines[-1]["top"]) <= 2:
                    lines[-1]["words"].append(w["text"])
                else:
                    lines.append({"top": w["top"], "words": [w["text"]]})
            pitches += [b["top"] - a["top"] for a, b in pairwise(lines)]
            row_lines.append(lines)
        cells_lines.append(row_lines)
    usual = median(pitches) if pitches else 0.0
    out: list[list[list[str] | None]] = []
    for row_lines in cells_lines:
        cells: list[list[str] | None] = []
        for lines in row_lines:
            if lines is None:
                cells.append(None)
                continue
            paragraphs: list[list[str]] = []
            for before, line in zip([None, *lines], lines, strict=False):
                if before is None or (usual and line["top"] - before["top"] > usual * 1.3):
                    paragraphs.append([])
                paragraphs[-1].append(" ".join(line["words"]))
            cells.append([join_fragments(p) for p in paragraphs])
        out.append(cells)
    return out


def _cell(value: str | None) -> str:
    return join_fragments(value.splitlines()) if value else ""


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _running_text(pages: list[list[dict]]) -> set[str]:
    """Lines that repeat, numbers aside, at the top or bottom of at least half the pages."""
    if len(pages) < 3:
        return set()
    seen: Counter = Counter()
    for lines in pages:
        keys = {_key(line["text"]) for line in lines if _in_margin(line)}
        seen.update(keys)
    return {key for key, count in seen.items() if count >= max(2, len(pages) // 2)}


def _in_margin(line: dict) -> bool:
    height = line["page_height"]
    return line["top"] < height * 0.1 or line["bottom"] > height * 0.9


def _is_furniture(line: dict, furniture: set[str]) -> bool:
    if not _in_margin(line):
        return False
    return _key(line["text"]) in furniture or bool(_PAGE_NUMBER.match(line["text"].strip()))


def _is_header_line(line: dict, vocabulary: Vocabulary) -> bool:
    """A table's header repeated at the top of each page is not a running header."""
    segments = _segments(_words(line), _size(line) or 10.0)
    return len(segments) >= 3 and vocabulary.row([text for text, _, _ in segments]) is not None


def _size(line: dict) -> float:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    return median(c["size"] for c in chars) if chars else 0.0


def _bold(line: dict) -> bool:
    chars = [c for c in line.get("chars", []) if c["text"].strip()]
    return bool(chars) and sum("bold" in c["fontname"].lower() for c in chars) > len(chars) / 2


def _same_paragraph(previous: dict, line: dict, body: float) -> bool:
    if _FOOTNOTE_START.match(line["text"]):
        return False
    if abs(_size(previous) - _size(line)) > 0.5 or _bold(previous) != _bold(line):
        return False
    gap = line["top"] - previous["bottom"]
    return gap < max(_size(line), 1.0) * 0.8


def _emit_text(matrix: Matrix, lines: list[dict], body: float, page: int) -> None:
    location = f"page {page}"
    text = " ".join(line["text"].strip() for line in lines)
    first = lines[0]
    footnote = _FOOTNOTE_START.match(text)
    if footnote and footnote.group(2) and _size(first) <= body * 1.01:
        number = int(from_superscript(footnote.group(1)))
        matrix.blocks.append(Footnote(number, footnote.group(2).strip(), location))
        return
    if _size(first) > body * 1.15 or (_bold(first) and len(text) < 200 and not is_complete(text)):
        matrix.blocks.append(Heading(text, location))
        return
    matrix.blocks.append(Prose(text, location))
