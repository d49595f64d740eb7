"""Reading the matrix of a plan from an Excel workbook (.xlsx): its visible sheets' cells, what
each cell merged over several rows covers, and the plan data a workbook naptrack exported keeps
in a hidden sheet (exports.PLAN_DATA_SHEET). spreadsheet.py turns those rows into the matrix.

The workbook comes from outside: core.ooxml checks it before openpyxl reads a cell (no DTD, its
size unpacked, rows, columns, cells and merged cells within the caps), and it is read once, in
streaming mode, within the same caps.
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from naptrack.core.ooxml import Limits
from naptrack.plans import interchange
from naptrack.plans.importing.model import DocumentImportError

# The sheet in which exports.plan_xlsx keeps the plan's naptrack-plan/1 document.
PLAN_DATA_SHEET = "naptrack-plan"
MAX_BYTES = 25 * 1024 * 1024


@dataclass
class Cell:
    text: str
    # "own": typed in this row; "above": covered by a cell merged from a row above; "": empty.
    origin: str = ""


@dataclass
class Sheet:
    name: str
    rows: list[tuple[int, list[Cell], bool]]  # (row number, cells, the row is one merged cell across)


@dataclass
class Spreadsheet:
    sheets: list[Sheet]
    plan_data: dict | None = None


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").strip()


def load_xlsx(path: str | Path) -> Spreadsheet:
    """The workbook's visible sheets, read once in openpyxl's streaming mode after core.ooxml has
    checked the package (no DTD, rows, columns, cells and merged cells within the caps); merged
    ranges come from that check, since streaming mode does not read them."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from naptrack.core import ooxml

    name = Path(path).name
    if Path(path).stat().st_size > MAX_BYTES:
        raise DocumentImportError(f"{name} is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        package = ooxml.check(Path(path), kind="xlsx", name=name)
        # Values as last computed by the spreadsheet program, not formulas.
        wb = load_workbook(str(path), read_only=True, data_only=True)
    except ooxml.PackageRefused as refused:
        raise DocumentImportError(str(refused)) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise DocumentImportError(f"{name} is not a readable Excel workbook: expected an .xlsx file") from None
    sheets, plan_data = [], None
    try:
        for ws in wb.worksheets:
            if ws.title == PLAN_DATA_SHEET:
                plan_data = _plan_data(ws, package.limits)
            elif ws.sheet_state == "visible":
                found = package.sheet(ws.title)
                sheets.append(_sheet(ws, found.merged if found else [], package.limits))
    except SyntaxError:  # XML not well-formed deep in a sheet (lxml's and ElementTree's errors)
        raise DocumentImportError(f"{name} is damaged: a sheet's XML cannot be read") from None
    finally:
        wb.close()
    return Spreadsheet(sheets, plan_data)


def _sheet(ws, merged_ranges: list[tuple[int, int, int, int]], caps: Limits) -> Sheet:
    covered: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], int] = {}
    for min_col, min_row, max_col, max_row in merged_ranges:
        spans[(min_row, min_col)] = max_col - min_col + 1
        # Within the caps: core.ooxml bounded the cells merged ranges cover there.
        for r in range(min_row, min(max_row, caps.rows) + 1):
            for c in range(min_col, min(max_col, caps.columns) + 1):
                if (r, c) != (min_row, min_col):
                    covered[(r, c)] = (min_row, min_col)
    origins = set(covered.values())
    merged_values: dict[tuple[int, int], str] = {}  # a merged cell's own value, read before the cells it covers
    rows = []
    bounds = {"max_row": caps.rows, "max_col": caps.columns}
    for r, cells in enumerate(ws.iter_rows(**bounds), start=1):
        out: list[Cell] = []
        across = False
        for c, cell in enumerate(cells, start=1):
            origin = covered.get((r, c))
            if origin is None:
                text = _percentage(cell.value, getattr(cell, "number_format", None)) or text_of(cell.value)
                out.append(Cell(text, "own" if text else ""))
                if (r, c) in origins:
                    merged_values[(r, c)] = text
                if text and spans.get((r, c), 1) > 1:
                    across = True
            elif origin[1] == c:
                # Merged from a row above, in the same column: the value of the merged cell.
                text = merged_values.get(origin, "")
                out.append(Cell(text, "above" if text else ""))
            else:
                out.append(Cell("", ""))  # covered by a cell to its left: no value of its own
        filled = [cell for cell in out if cell.origin == "own"]
        rows.append((r, out, across and len(filled) == 1))
    return Sheet(ws.title, rows)


def _percentage(value: Any, number_format: str | None) -> str:
    """A number shown as a percentage, as it is shown: Excel keeps "30 %" as 0.3 formatted "0%",
    and a share's target of 0.3 would read as 0.3 %."""
    if isinstance(value, bool) or not isinstance(value, int | float) or "%" not in (number_format or ""):
        return ""
    return f"{(Decimal(repr(value)) * 100).normalize():f} %"


def _plan_data(ws, caps: Limits) -> dict | None:
    """The naptrack-plan/1 document kept by plan_xlsx, or None when it is missing or unreadable."""
    cells = ws.iter_rows(min_row=2, max_row=caps.rows, max_col=1, values_only=True)
    raw = "".join(str(row[0]) for row in cells if row[0])
    try:
        data = json.loads(raw)
        interchange.validate(data)
    except (ValueError, interchange.PlanFormatError):
        return None
    return data
