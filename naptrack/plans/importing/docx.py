"""Reading a Word document: its paragraphs and tables, in document order (python-docx).

A table's first row that names the matrix's columns opens a matrix; later tables without such a
row continue it when they have as many columns. A cell merged vertically with the one above
(vMerge) reads as empty, which keeps the goal above; a cell spanning the whole row is a heading
inside the table ("Objective 2: ..."). Superscript numbers and Word footnotes are footnote marks;
Word's footnotes and paragraphs that open with a superscript number are footnotes.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from naptrack.plans.importing.headers import PLAN, Vocabulary
from naptrack.plans.importing.model import (
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
from naptrack.plans.importing.text import is_complete

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTE_START = re.compile(r"^([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(\S.*)$", re.S)
_HEADING_MAX = 160


def read_docx(path: str | Path, vocabulary: Vocabulary = PLAN, *, no_table: str = "") -> Matrix:
    """The matrix of a Word document; `no_table` is the message for a document without a table
    (the plan's matrix is expected unless said otherwise)."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    from naptrack.core import ooxml

    name = Path(path).name
    try:
        # Before python-docx parses anything: no DTD (entity bombs), no undefined entity, a size
        # unpacked within the caps (ZIP bombs).
        ooxml.check(Path(path), kind="docx", name=name)
    except ooxml.PackageRefused as refused:
        raise DocumentImportError(str(refused)) from None
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # SyntaxError: lxml's XMLSyntaxError, XML that is not well-formed.
        raise DocumentImportError(
            gettext("%(name)s is not a readable Word document (%(error)s): expected a .docx file")
            % {"name": name, "error": type(exc).__name__}
        ) from None
    body = document.element.body
    if body.find(f".//{W}tbl") is None:
        raise DocumentImportError(
            no_table % {"name": name}
            if no_table
            else gettext(
                "%(name)s holds no table: expected the plan's matrix as a Word table (a header row naming the "
                "columns, e.g. 'No. | Goal | Lines of action | Monitoring instruments | Departments')"
            )
            % {"name": name}
        )
    matrix = Matrix()
    front: list[str] = []
    state: dict[str, Any] = {"columns": None, "width": 0, "tables": 0, "vocabulary": vocabulary}
    for child in body.iterchildren():
        if child.tag == f"{W}p":
            text = paragraph_text(child)
            if not text.strip():
                continue
            if len(front) < 40:
                front.append(text.strip())
            _paragraph(matrix, child, text.strip(), f"paragraph {len(front)}")
        elif child.tag == f"{W}tbl":
            state["tables"] += 1
            _table(matrix, child, state)
    for number, text in _footnotes(document).items():
        matrix.blocks.append(Footnote(number, text, f"footnote {number}"))
    matrix.front_text = "\n".join(front)
    return matrix


def paragraph_text(p: Any) -> str:
    """The paragraph's text, superscript numbers and footnote references as superscript digits."""
    parts: list[str] = []
    for run in p.iter(f"{W}r"):
        raised = False
        rpr = run.find(f"{W}rPr")
        if rpr is not None:
            align = rpr.find(f"{W}vertAlign")
            raised = align is not None and align.get(f"{W}val") == "superscript"
        for node in run:
            tag = node.tag
            if tag == f"{W}t":
                text = node.text or ""
                if raised and re.fullmatch(r"[\d,\s]+", text):
                    # "5", ",6", ",7": each number its own mark.
                    text = re.sub(r"\d+", lambda m: superscript(m.group(0)), text.replace(",", " "))
                parts.append(text)
            elif tag == f"{W}tab":
                parts.append(" ")
            elif tag in (f"{W}br", f"{W}cr"):
                parts.append("\n")
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                parts.append(superscript(node.get(f"{W}id", "0")))
    return "".join(parts)


def _style(p: Any) -> str:
    ppr = p.find(f"{W}pPr")
    style = ppr.find(f"{W}pStyle") if ppr is not None else None
    return (style.get(f"{W}val") or "") if style is not None else ""


def _paragraph(matrix: Matrix, p: Any, text: str, location: str) -> None:
    footnote = _FOOTNOTE_START.match(text)
    if footnote:
        matrix.blocks.append(Footnote(int(from_superscript(footnote.group(1))), footnote.group(2).strip(), location))
        return
    style = _style(p).lower()
    short = len(text) <= _HEADING_MAX and not is_complete(text) and not re.search(r"[,;:]$", text)
    if style.startswith(("heading", "title", "kop", "titre")) or short:
        matrix.blocks.append(Heading(" ".join(text.split()), location))
    else:
        matrix.blocks.append(Prose(" ".join(text.split()), location))


def _grid(tbl: Any) -> list[list[tuple[str, list[str], bool]]]:
    """Rows of (kind, paragraphs, spans the row) per grid column: kind is "cell", "merged"
    (continues the cell above) or "span" (covered by the cell to its left)."""
    rows = []
    for tr in tbl.iterchildren(f"{W}tr"):
        cells: list[tuple[str, list[str], bool]] = []
        tcs = list(tr.iterchildren(f"{W}tc"))
        for tc in tcs:
            tcpr = tc.find(f"{W}tcPr")
            span, merged = 1, False
            if tcpr is not None:
                grid_span = tcpr.find(f"{W}gridSpan")
                if grid_span is not None:
                    span = int(grid_span.get(f"{W}val", "1"))
                v_merge = tcpr.find(f"{W}vMerge")
                merged = v_merge is not None and v_merge.get(f"{W}val", "continue") != "restart"
            paragraphs = [paragraph_text(p).strip() for p in tc.iter(f"{W}p")]
            paragraphs = [p for p in paragraphs if p]
            whole = len(tcs) == 1 and span > 1
            cells.append(("merged" if merged else "cell", [] if merged else paragraphs, whole))
            cells += [("span", [], whole)] * (span - 1)
        rows.append(cells)
    return rows


def _table(matrix: Matrix, tbl: Any, state: dict[str, Any]) -> None:
    number = state["tables"]
    for r, cells in enumerate(_grid(tbl), start=1):
        location = f"table {number}, row {r}"
        texts = [" ".join(paragraphs) for _, paragraphs, _ in cells]
        if cells and cells[0][2]:
            text = " ".join(t for t in texts if t)
            if text:
                matrix.blocks.append(Heading(text, location))
            continue
        header = state["vocabulary"].row(texts)
        if header:
            state["columns"], state["width"] = header, len(texts)
            matrix.blocks.append(TableHeader(header, location))
            continue
        columns = state["columns"]
        if columns is None or abs(len(texts) - state["width"]) > 0:
            if any(texts):
                matrix.blocks.append(Prose(" ".join(t for t in texts if t), location))
            continue
        row = Row({}, location)
        for index, field in columns.items():
            if index < len(cells) and cells[index][1]:
                row.cells[field] = list(cells[index][1])
            elif index < len(cells) and cells[index][0] == "merged":
                row.merged.add(field)
        matrix.blocks.append(row)


def _footnotes(document: Any) -> dict[int, str]:
    """Word's own footnotes, by id (the number their references show)."""
    part = next(
        (rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/footnotes")),
        None,
    )
    if part is None:
        return {}
    from lxml import etree

    root = etree.fromstring(part.blob)
    notes = {}
    for note in root.iterchildren(f"{W}footnote"):
        note_id = int(note.get(f"{W}id", "0"))
        if note_id <= 0:
            continue  # the separators
        text = " ".join(paragraph_text(p).strip() for p in note.iter(f"{W}p")).strip()
        text = re.sub(r"^[⁰¹²³⁴⁵⁶⁷⁸⁹]+\s*", "", text)
        if text:
            notes[note_id] = text
    return notes
