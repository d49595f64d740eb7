"""What reading a workbook gives: the change set (every row as typed, with its figures by country)
and the errors, each named by its sheet, row and column; and the payload a contribution's rows
ask the service to save."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from naptrack.reporting.workbook.layout import (
    ALL_DEPARTMENTS,
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTION_FIELDS,
    CONTRIBUTIONS,
)
from naptrack.reporting.workbook.values import digest


class WorkbookRefused(Exception):
    """The file as a whole cannot be imported: not a naptrack workbook, tampered with, or for
    another round or department. Nothing is written; the message says why."""


@dataclass(frozen=True)
class CellError:
    """An error in one cell (or a whole row when column is empty): where, and why."""

    sheet: str
    row: int
    column: str  # the column's letter, "" for the whole row
    header: str
    reason: str

    @property
    def cell(self) -> str:
        return f"{self.column}{self.row}" if self.column else str(self.row)

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}"
        if self.header:
            where += f" ({self.header})"
        return f"{where}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "header": self.header,
            "reason": self.reason,
        }


@dataclass
class Row:
    """A row of the sheet as typed: the canonical values of its editable cells."""

    row: int
    contribution_id: int
    instrument_id: int | None
    fields: tuple[str, ...]
    values: dict[str, str]
    exported_digest: str
    # Columns whose cell could not be read (an error is recorded): not sent to the service.
    unreadable: set[str] = field(default_factory=set)
    # The instrument's rows on the sheet of figures by country, in the order sent to the service
    # (by country), and the sheet's row number of each, to name the row of an error.
    breakdown: list[dict[str, str]] = field(default_factory=list)
    country_rows: list[int] = field(default_factory=list)

    @property
    def first(self) -> bool:
        return "visibility" in self.fields

    @property
    def touched(self) -> bool:
        """Whether the person changed anything in the row since the export."""
        return digest(self.values) != self.exported_digest


@dataclass
class ChangeSet:
    """What a workbook says: its round and department (ALL_DEPARTMENTS for the whole round's), the
    version of each contribution as exported, every row as typed, and the errors found in the cells."""

    file_name: str
    round_id: int
    department_code: str
    exported_by: str
    exported_at: str
    versions: dict[int, int]
    rows: list[Row]
    errors: list[CellError] = field(default_factory=list)
    letters: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    # The same, on the sheet of figures by country.
    country_letters: dict[str, str] = field(default_factory=dict)
    country_headers: dict[str, str] = field(default_factory=dict)
    # A whole round's workbook: each contribution's (department code, line code) as signed, and
    # the departments' names by code.
    owners: dict[int, tuple[str, str]] = field(default_factory=dict)
    department_names: dict[str, str] = field(default_factory=dict)

    @property
    def whole_round(self) -> bool:
        """The coordinator's workbook of every department in the round, not one department's."""
        return self.department_code == ALL_DEPARTMENTS

    def error(self, row: int, key: str, reason: str, *, sheet: str = CONTRIBUTIONS) -> None:
        letters, headers = (
            (self.country_letters, self.country_headers) if sheet == BY_COUNTRY else (self.letters, self.headers)
        )
        self.errors.append(CellError(sheet, row, letters.get(key, ""), headers.get(key, ""), str(reason)))


def payload(rows: list[Row], before: dict[int, dict[str, str]] | None = None) -> dict[str, Any]:
    """What contribution_save is asked to save for the rows of one contribution (service names).

    With `before` (the canonical values naptrack holds, by sheet row), only what differs from it is
    sent: a total left as exported that naptrack derived from the countries' rows, or a percentage
    it computed, is then computed again rather than fixed at its old value."""
    data: dict[str, Any] = {}
    measurements = []
    for row in rows:
        held = before.get(row.row) if before is not None else None

        for name in CONTRIBUTION_FIELDS:
            if _sent(row, held, name):
                value = row.values[name]
                data[name] = [c for c in value.split(",") if c] if name == "countries" else value
        if row.instrument_id is not None:
            entry: dict[str, Any] = {"instrument": row.instrument_id}
            for name in row.fields:
                if name in CONTRIBUTION_FIELDS or not _sent(row, held, name):
                    continue
                if name == BREAKDOWN:
                    entry["countries"] = [dict(r) for r in row.breakdown]
                elif name == "yes":
                    entry[name] = {"yes": True, "no": False}.get(row.values[name], row.values[name])
                else:
                    entry[name] = row.values[name]
            if len(entry) > 1:
                measurements.append(entry)
    if measurements:
        data["measurements"] = measurements
    return data


def _sent(row: Row, held: dict[str, str] | None, name: str) -> bool:
    return name in row.values and name not in row.unreadable and (held is None or held.get(name) != row.values[name])
