"""From a report document to its records: one per row of the report's matrix, with the cells
that continue it (a row broken across pages, a line of extracted text) joined back.

The plan importers' readers do the reading (plans.importing: Word tables with merged cells, PDF
tables across pages, tab-separated text); they are told a report's headers here. Spreadsheets
are read from their cells (a cell merged over rows counts on every row it covers). Nothing here
knows any plan: records are placed on a plan's lines in placing.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext

from naptrack.plans.importing import SUFFIXES_TEXT, read_matrix
from naptrack.plans.importing.headers import GOAL, normalise
from naptrack.plans.importing.model import (
    NOISE_DROPPED,
    STRUCTURE,
    Check,
    DocumentImportError,
    Heading,
    Matrix,
    Row,
    TableHeader,
)
from naptrack.plans.importing.text import is_complete, join_fragments, starts_continuation
from naptrack.reporting.importing.headers import (
    ACTION,
    CODE,
    DEPARTMENTS,
    FIGURES,
    MEN,
    REPORT,
    REPORT_VOCABULARY,
    STATUS,
    WOMEN,
)

# Fields that, written in a row of their own, start a new record; a row holding only the others
# (what was reported, the line's text) continues the record above.
_STARTS = (CODE, DEPARTMENTS, STATUS)
# A cell that says nothing: a dash, a slash, dots, "n/a" in a text column.
_NOISE = re.compile(r"^[\s\-\u2013\u2014/.\u2026*xX?]*$|^\s*(?:n/?a|n\.a\.|/)\s*$", re.IGNORECASE)
# A goal or objective named in a heading or a cell: "Goal 14", "But 14", "Doel 14", "14. ...".
_GOAL_NUMBER = re.compile(
    r"^\s*(?:(?:goal|but|doel|specific objective|objectif sp[ée]cifique)\s*(?:n[°o]\.?\s*|nr\.?\s*)?)?"
    r"(\d{1,3})\b",
    re.IGNORECASE,
)
# Control characters (a NUL, say) are no text: a database may refuse them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_GOAL_HEADING = re.compile(
    r"^\s*(?:goal|but|doel|specific objective|objectif sp[ée]cifique)\s*(?:n[°o]\.?\s*|nr\.?\s*)?(\d{1,3})\b",
    re.IGNORECASE,
)


@dataclass
class Record:
    """What one row of the report says (with the rows that continue it)."""

    location: str
    code: str = ""
    action: str = ""
    departments: str = ""
    status: str = ""
    report: list[str] = field(default_factory=list)
    women: str = ""
    men: str = ""
    figures: str = ""
    goal: str = ""  # the goal's number, from its column or the heading above
    # The line's cells continue those of the row above (merged, or empty in a row that names a
    # department): the same line as the record before.
    same_line: bool = False
    same_text: bool = False  # what was reported is the row above's (a cell merged over both)

    @property
    def text(self) -> str:
        return "\n\n".join(p for p in self.report if p)


@dataclass
class Reading:
    records: list[Record]
    checks: list[Check]
    columns: set[str]


def no_matrix_message(name: str) -> str:
    return gettext(
        "%(name)s holds no report matrix: expected a table whose header row names the line of action "
        "(its number or text) and what was reported or its status, e.g. 'No. | Line of action | "
        "Department | Status | Achievements'"
    ) % {"name": name}


def read_report(path: str | Path, *, name: str | None = None) -> Reading:
    """The records of the report matrix in the file at path; DocumentImportError when it holds
    none, with what was expected."""
    name = name or Path(path).name
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".csv"):
        matrix = read_spreadsheet_matrix(path)
    elif suffix in (".pdf", ".docx", ".txt"):
        matrix = read_matrix(path, REPORT_VOCABULARY, no_table=no_matrix_message("%(name)s"))
    else:
        raise DocumentImportError(
            gettext("cannot read %(suffix)s: expected a %(formats)s file")
            % {"suffix": suffix or gettext("a file without extension"), "formats": SUFFIXES_TEXT}
        )
    if not matrix.has_table:
        raise DocumentImportError(no_matrix_message(name))
    return records_of(matrix)


def read_spreadsheet_matrix(path: str | Path) -> Matrix:
    """A spreadsheet's rows as a matrix: the report's header row, then its rows; a cell merged
    over rows is read on each (marked merged), a row merged across is a heading."""
    from naptrack.plans.importing.spreadsheet import load

    matrix = Matrix()
    # A CSV file's one sheet is the file itself, which the source names already.
    csv = Path(path).suffix.lower() == ".csv"
    load_sheets = load(path).sheets
    for sheet in load_sheets:
        columns: dict[int, str] | None = None
        unread = ""  # the first row of a sheet read before any header row
        for number, cells, across in sheet.rows:
            texts = [c.text for c in cells]
            if not any(t.strip() for t in texts):
                continue
            # In English, as the other readers' places: it is stored with what was imported.
            location = f"row {number}" if csv else f"{sheet.name}, row {number}"
            header = REPORT_VOCABULARY.row(texts)
            if header:
                columns = header
                matrix.blocks.append(TableHeader(header, location))
                continue
            if columns is None:
                unread = unread or location
                continue
            if across:
                matrix.blocks.append(Heading(" ".join(t for t in texts if t.strip()), location))
                continue
            row = Row({}, location)
            for index, name in columns.items():
                cell = cells[index] if index < len(cells) else None
                if cell is None or not cell.text.strip():
                    continue
                if cell.origin == "above":
                    row.merged.add(name)
                # A blank line parts a cell's paragraphs, as in the Markdown they become.
                row.cells[name] = [p.strip() for p in _PARAGRAPH_BREAK.split(cell.text) if p.strip()]
            matrix.blocks.append(row)
        if unread and columns is None and len(load_sheets) > 1:
            matrix.check(
                STRUCTURE,
                unread,
                gettext("the sheet %(sheet)s has no header row naming a report's columns: it was not read")
                % {"sheet": sheet.name},
            )
    return matrix


def records_of(matrix: Matrix) -> Reading:
    checks = list(matrix.checks)
    records: list[Record] = []
    columns: set[str] = set()
    goal = ""
    for block in matrix.blocks:
        if isinstance(block, TableHeader):
            columns |= set(block.columns.values())
            continue
        if isinstance(block, Heading):
            found = _GOAL_HEADING.match(block.text)
            if found:
                goal = found.group(1)
            continue
        if not isinstance(block, Row):
            continue
        block.cells = {name: [_CONTROL.sub("", p) for p in paragraphs] for name, paragraphs in block.cells.items()}
        if block.is_empty():
            continue
        own = {name for name, paragraphs in block.cells.items() if name not in block.merged and any(paragraphs)}
        previous = records[-1] if records else None
        # A row of its own line's text (no number, no department) starts a record in a table;
        # in a row a page broke, or a printed line of text, it goes on with the one above.
        new_line = bool(own & {ACTION}) and not block.wrapped
        if previous is not None and not own & {*_STARTS, WOMEN, MEN, FIGURES} and not new_line:
            _continue(previous, block, checks)
            continue
        if previous is not None and _broken_by_page(previous, block, own):
            _rejoin(previous, block, checks)
            continue
        record = Record(block.location, goal=goal)
        found = _GOAL_NUMBER.match(block.text(GOAL))
        if found:
            record.goal = goal = found.group(1)
        record.code = block.text(CODE)
        record.action = block.text(ACTION)
        record.departments = "\n".join(block.cells.get(DEPARTMENTS, []))
        record.status = block.text(STATUS)
        record.women, record.men, record.figures = block.text(WOMEN), block.text(MEN), block.text(FIGURES)
        record.report = _report(block, checks)
        if previous is not None:
            # A line's cells merged over its departments' rows, or left empty below its first.
            merged_line = bool({CODE, ACTION} & block.merged) and not own & {CODE, ACTION}
            record.same_line = (not record.code and not record.action) or merged_line
            record.same_text = REPORT in block.merged
            if record.same_text and not record.report:
                record.report = list(previous.report)
            if STATUS in block.merged and not record.status:
                record.status = previous.status
            # An empty department cell under the same line names the same departments, except in
            # a PDF, where a cell merged over rows reads as such and an empty one may have moved
            # to the next page with the rest of its row.
            inherits = not block.wrapped and not record.departments and DEPARTMENTS not in own and record.same_line
            if DEPARTMENTS in block.merged or inherits:
                record.departments = record.departments or previous.departments
        records.append(record)
    return Reading(records, checks, columns)


def _column_order(name: str) -> int:
    return int(name.split(":")[1]) if ":" in name else 1


def _page(location: str) -> str:
    return location.split(",")[0] if location.startswith("page ") else ""


def _broken_by_page(record: Record, block: Row, own: set[str]) -> bool:
    """The first row of a page that is the rest of the last row of the page before: its
    sentence was cut at the page's foot, and the row has no number of its own (the cells that
    fitted stayed above, the others moved down whole)."""
    if not block.wrapped or CODE in own or not _page(block.location) or _page(block.location) == _page(record.location):
        return False
    if _dangling(record.departments):
        return True  # "Institute for the Equality of" / "Women and Men"
    if record.report and not is_complete(record.report[-1]):
        moved = any(name in own and not getattr(record, name) for name in (ACTION, DEPARTMENTS, STATUS))
        return starts_continuation(block.text(REPORT)) or moved
    if not record.report and not record.departments:
        # Only the first cells (a status, say) fitted at the page's foot: the department and
        # the text moved down, unless the row gives again what the record has.
        again = any(name in own and getattr(record, name) for name in (ACTION, STATUS))
        return not again and bool(own & {DEPARTMENTS, REPORT})
    return False


# Words a name does not end on: a cell cut after them goes on below.
_LINKS = frozenset(
    {"of", "for", "and", "the", "de", "du", "des", "la", "le", "les", "et", "pour"}
    | {"van", "voor", "en", "het", "der", "und", "fur", "l", "d"}
)


def _dangling(text: str) -> bool:
    text = text.strip()
    if not text:
        return False
    if text[-1] in "-,&/(":
        return True
    last = normalise(text).split()
    return bool(last) and last[-1] in _LINKS


def _rejoin(record: Record, block: Row, checks: list[Check]) -> None:
    """The rest of a row a page broke: each cell goes on where it stopped above."""
    for name in (ACTION, DEPARTMENTS, STATUS, WOMEN, MEN, FIGURES):
        more = block.text(name) if name != DEPARTMENTS else "\n".join(block.cells.get(DEPARTMENTS, []))
        if more:
            before = getattr(record, name)
            setattr(record, name, join_fragments([before, more]) if before else more)
    more = _report(block, checks)
    # Unless the page fell before the text, or between two paragraphs, the paragraph goes on.
    _go_on(record.report, more, joined=not _between(record.report, more))


def _between(report: list[str], more: list[str]) -> bool:
    """Whether what follows starts a paragraph of its own: the one before ended its sentence and
    the next starts one."""
    return bool(report and more) and is_complete(report[-1]) and not starts_continuation(more[0])


def _go_on(report: list[str], more: list[str], *, joined: bool) -> None:
    """Add the paragraphs that follow; the first goes on with the last one when `joined`."""
    if more and report and joined:
        report[-1] = join_fragments([report[-1], more[0]])
        report += more[1:]
    else:
        report += more


def _report(block: Row, checks: list[Check]) -> list[str]:
    paragraphs = []
    # Every column of what was reported, in their order ("Achievements", then "Comments").
    columns = sorted((n for n in block.cells if n == REPORT or n.startswith(REPORT + ":")), key=_column_order)
    for paragraph in (p for name in columns for p in block.cells[name]):
        if _NOISE.match(paragraph):
            checks.append(
                Check(
                    NOISE_DROPPED,
                    block.location,
                    gettext("%(text)r left out of what was reported: it says nothing") % {"text": paragraph},
                )
            )
            continue
        paragraphs.append(" ".join(paragraph.split()))
    return paragraphs


def _continue(record: Record, block: Row, checks: list[Check]) -> None:
    """A row that goes on with the record above: a row broken by a page, a line of text."""
    if block.merged and not (set(block.cells) - block.merged):
        return  # every cell merged from above: nothing new
    action = block.text(ACTION)
    if action and ACTION not in block.merged:
        record.action = join_fragments([record.action, action]) if record.action else action
    more = _report(block, checks)
    if REPORT not in block.merged:
        # A row broken across pages or printed lines goes on with its paragraph, unless a page
        # broke it between two paragraphs: the next one starts on the new page.
        new_page = _page(block.location) != _page(record.location)
        _go_on(record.report, more, joined=block.wrapped and not (new_page and _between(record.report, more)))
