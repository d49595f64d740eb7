"""Reading a filled-in workbook back into a change set: the hidden sheet checked against its
signature, every editable cell read into its canonical value, and every error named by its cell.
Nothing here writes to the database.

A workbook comes from outside: before any cell is read, core.ooxml checks the package (its size
unpacked, no DTD, the sheets' declared and actual rows, columns and cells within the caps). Then
it is read once, in openpyxl's streaming mode (read_only), each sheet within those caps: the
hidden sheet first, whose signature is checked before the sheet of contributions is read.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from naptrack.core import ooxml
from naptrack.reporting.models import Contribution
from naptrack.reporting.workbook.layout import (
    CONTRIBUTION_FIELDS,
    CONTRIBUTIONS,
    COUNT_FIELDS,
    EDITABLE,
    FORMAT,
    HIDDEN,
    META,
    TEXT_FIELDS,
    _columns,
)
from naptrack.reporting.workbook.values import _checksum, _choices, _fold, clean_text, decimal_text, digest

MAX_BYTES = 10 * 1024 * 1024
VALUE_PLACES = 4  # Measurement.value keeps four decimals: more would be rounded, silently


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

    @property
    def first(self) -> bool:
        return "visibility" in self.fields

    @property
    def touched(self) -> bool:
        """Whether the person changed anything in the row since the export."""
        return digest(self.values) != self.exported_digest


@dataclass
class ChangeSet:
    """What a workbook says: its round and department, the version of each contribution as
    exported, every row as typed, and the errors found in the cells."""

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

    def error(self, row: int, key: str, reason: str) -> None:
        self.errors.append(
            CellError(CONTRIBUTIONS, row, self.letters.get(key, ""), self.headers.get(key, ""), str(reason))
        )


def parse(data: bytes, *, file_name: str = "workbook.xlsx") -> ChangeSet:
    """Read a filled-in workbook. A file that is not a naptrack workbook, or whose hidden sheet does
    not match its signature, raises WorkbookRefused; errors in cells are collected in the change set."""
    if len(data) > MAX_BYTES:
        raise WorkbookRefused(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
    try:
        package = ooxml.check(data, kind="xlsx", name=file_name)
    except ooxml.PackageRefused as refused:
        raise WorkbookRefused(str(refused)) from None
    values_wb = _open(data, file_name, data_only=True)
    try:
        return _parse(data, file_name, package, values_wb)
    except SyntaxError:
        # XML that is not well-formed deep in a sheet (lxml's and ElementTree's errors are SyntaxErrors).
        raise WorkbookRefused(_("%(name)s is damaged: a sheet's XML cannot be read.") % {"name": file_name}) from None
    finally:
        values_wb.close()  # streaming mode keeps the file open until then


def _open(data: bytes, file_name: str, *, data_only: bool):
    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise WorkbookRefused(
            _("%(name)s is not an Excel workbook (.xlsx) exported by naptrack.") % {"name": file_name}
        ) from None


def _parse(data: bytes, file_name: str, package: ooxml.Package, values_wb) -> ChangeSet:
    caps = package.limits
    if META not in values_wb.sheetnames or CONTRIBUTIONS not in values_wb.sheetnames:
        raise WorkbookRefused(
            _(
                "%(name)s is not a department workbook exported by naptrack: it has no sheet “%(sheet)s” or its "
                "hidden sheet is missing. Download the workbook from naptrack and fill that in."
            )
            % {"name": file_name, "sheet": CONTRIBUTIONS}
        )
    meta, exported = _read_meta(values_wb[META], caps)
    changes = ChangeSet(
        file_name=file_name,
        round_id=meta["round"],
        department_code=meta["department"],
        exported_by=str(meta.get("exported_by") or ""),
        exported_at=str(meta.get("exported_at") or ""),
        versions={cid: version for cid, version, _i, _f, _d in exported},
        rows=[],
    )
    sheet = package.sheet(CONTRIBUTIONS)
    if sheet is None or not sheet.formulas:
        _read_rows(values_wb[CONTRIBUTIONS], None, exported, changes, caps)
        return changes
    # The sheet holds formulas: their values as a spreadsheet program computed them, read above,
    # and the formulas themselves, in a second streaming pass over this sheet only, so that a
    # formula whose value was never computed does not read as an empty cell.
    formulas_wb = _open(data, file_name, data_only=False)
    try:
        _read_rows(values_wb[CONTRIBUTIONS], formulas_wb[CONTRIBUTIONS], exported, changes, caps)
    finally:
        formulas_wb.close()
    return changes


def _tampered() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The workbook's hidden sheet was changed or damaged, or the workbook comes from another naptrack "
            "installation, so naptrack cannot tell what it was exported from; nothing was imported. Download the "
            "workbook again and copy your answers into it."
        )
    )


def _read_meta(
    ws, caps: ooxml.Limits
) -> tuple[dict[str, Any], list[tuple[int, int, int | None, tuple[str, ...], str]]]:
    # Bounded: a row numbered 1,000,000 would otherwise have the streaming reader fill the gap.
    rows = [list(r) for r in ws.iter_rows(values_only=True, max_row=caps.rows, max_col=caps.columns)]
    meta: dict[str, Any] = {}
    table_at = None
    for n, row in enumerate(rows):
        if row and row[0] == "contribution":
            table_at = n
            break
        if row and isinstance(row[0], str) and len(row) > 1:
            meta[row[0]] = row[1]
    if meta.get("format") != FORMAT or table_at is None:
        raise _tampered()
    exported: list[tuple[int, int, int | None, tuple[str, ...], str]] = []
    signed: list[list[Any]] = []
    try:
        round_id = int(meta["round"])
        department = str(meta["department"])
        for row in rows[table_at + 1 :]:
            if not row or row[0] is None:
                continue
            cid, version, iid = int(row[0]), int(row[1]), (int(row[2]) if row[2] not in (None, "") else None)
            fields = tuple(f for f in str(row[3] or "").split(",") if f)
            signed.append([cid, version, iid, ",".join(fields), str(row[4])])
            exported.append((cid, version, iid, fields, str(row[4])))
    except (KeyError, TypeError, ValueError, IndexError):
        raise _tampered() from None
    expected = _checksum(round_id, department, signed)
    if not constant_time_compare(expected, str(meta.get("checksum") or "")):
        raise _tampered()
    if any(f not in EDITABLE for _c, _v, _i, fields, _d in exported for f in fields):
        raise _tampered()
    meta["round"], meta["department"] = round_id, department
    return meta, exported


def _header_keys() -> dict[str, str]:
    """Every header a column may carry (in any language of the interface, or its key) -> its key."""
    found: dict[str, str] = {}
    for language in [settings.LANGUAGE_CODE, *getattr(settings, "UI_LANGUAGES", [])]:
        with translation.override(language):
            for key, header in _columns():
                found.setdefault(_fold(header), key)
    for key, _header in _columns():
        found.setdefault(_fold(key), key)
    return found


def _read_rows(ws, formulas, exported, changes: ChangeSet, caps: ooxml.Limits) -> None:
    bounds = {"max_row": caps.rows, "max_col": caps.columns}
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1, max_col=caps.columns), [])]
    known = _header_keys()
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = known.get(_fold(text)) if text is not None else None
        if key is not None and key not in positions:
            positions[key] = index
    missing = [k for k in (*EDITABLE, *HIDDEN) if k not in positions]
    if missing:
        labels = dict(_columns())
        raise WorkbookRefused(
            _("The sheet “%(sheet)s” lacks the column(s) %(columns)s: do not rename or remove the columns.")
            % {"sheet": CONTRIBUTIONS, "columns": ", ".join(str(labels[k]) for k in missing)}
        )
    changes.letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
    changes.headers = {k: str(header[i]) for k, i in positions.items()}
    by_key = {(cid, iid): (version, fields, row_digest) for cid, version, iid, fields, row_digest in exported}
    seen: dict[tuple[int, int | None], int] = {}
    formula_rows = formulas.iter_rows(min_row=2, **bounds) if formulas is not None else iter(())
    # Streaming rows: empty cells carry no row number, so rows are counted (gaps come as empty rows).
    for r, cells in enumerate(ws.iter_rows(min_row=2, **bounds), start=2):
        formula_cells = next(formula_rows, ())
        raw = {k: cells[i].value if i < len(cells) else None for k, i in positions.items()}
        for k, i in positions.items():
            if i < len(formula_cells) and formula_cells[i].data_type == "f" and raw[k] is None:
                changes.error(
                    r,
                    k,
                    _(
                        "This cell holds a formula whose result was never computed: open the file in a "
                        "spreadsheet program and save it, or type the value."
                    ),
                )
        key = _ids(raw)
        typed = {k: raw[k] for k in EDITABLE if raw[k] not in (None, "")}
        if key is None or key not in by_key:
            if typed:
                changes.error(
                    r,
                    "",
                    _(
                        "This row was not exported in this workbook (its hidden columns are missing or were "
                        "changed): type answers only in the rows naptrack exported."
                    ),
                )
            continue
        if key in seen:
            changes.error(r, "", _("This row repeats row %(row)s: remove the copy.") % {"row": seen[key]})
            continue
        seen[key] = r
        _version, fields, row_digest = by_key[key]
        values: dict[str, str] = {}
        unreadable: set[str] = set()
        for name in EDITABLE:
            cell_value = raw[name]
            if name not in fields:
                if cell_value not in (None, ""):
                    changes.error(r, name, _not_applicable(name, fields))
                continue
            parsed = _parse_cell(name, cell_value, r, changes)
            values[name] = parsed if parsed is not None else ""
            if parsed is None:
                unreadable.add(name)
        changes.rows.append(Row(r, key[0], key[1], fields, values, row_digest, unreadable))


def _ids(raw: dict[str, Any]) -> tuple[int, int | None] | None:
    try:
        cid = int(raw["contribution_id"])
        iid = raw["instrument_id"]
        return cid, (int(iid) if iid not in (None, "") else None)
    except (TypeError, ValueError):
        return None


def _not_applicable(name: str, fields: tuple[str, ...]) -> str:
    if name in CONTRIBUTION_FIELDS:
        return _(
            "Give the status, narrative, countries and visibility of a line of action on its first row; leave "
            "this cell empty."
        )
    if "text" in fields:
        return _("This instrument is qualitative: answer in the Text column.")
    if name in COUNT_FIELDS:
        return _("This instrument is not counted by sex: give its Value (and Unit).")
    if name == "text":
        return _("This instrument is quantitative: give its figures, not a text.")
    if name == "unit" and "women" in fields:
        return _("This instrument counts people: it has no unit.")
    return _("This line of action has no monitoring instrument: leave this cell empty.")


def _parse_cell(name: str, value: Any, row: int, changes: ChangeSet) -> str | None:
    """A cell's content as the canonical value of its column; None (and an error) when it cannot be read."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time) and name not in TEXT_FIELDS:
        changes.error(row, name, _("Expected a number or a text here, not a date."))
        return None
    if name in ("status", "visibility"):
        text = str(value).strip()
        if not text:
            if name == "visibility":
                changes.error(row, name, _("Choose public or internal."))
                return None
            return ""
        found = _choices(name).get(_fold(text))
        if found is None:
            if name == "status":
                labels = ", ".join(str(label) for _value, label in Contribution.Status.choices)
                message = _("“%(value)s” is not a status: choose one of %(labels)s, or leave the cell empty.")
            else:
                labels = ", ".join(str(label) for _value, label in Contribution.Visibility.choices)
                message = _("“%(value)s” is not a visibility: choose %(labels)s.")
            changes.error(row, name, message % {"value": text, "labels": labels})
            return None
        return found
    if name == "countries":
        codes = [c.upper() for c in re.split(r"[\s,;]+", str(value)) if c]
        bad = [c for c in codes if c not in all_countries]
        if bad:
            changes.error(
                row,
                name,
                _("Unknown country code(s): %(codes)s. Use ISO 3166-1 codes such as AF, CD, ML.")
                % {"codes": ", ".join(bad)},
            )
            return None
        return ",".join(dict.fromkeys(codes))
    if name in TEXT_FIELDS:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
        return clean_text(text)
    # Numbers: whole counts, or the value; the service says what is wrong with them.
    if isinstance(value, bool):
        changes.error(row, name, _("Enter a number."))
        return None
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return ""
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        # 1,000 is a thousand in English and one in French: never guess.
        changes.error(row, name, _("Type the number without a thousands separator, e.g. 1000 or 2.5."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        # 2,5 typed as text where a comma is the decimal separator.
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            changes.error(row, name, _("Enter a number."))
            return None
    if not number.is_finite():
        changes.error(row, name, _("Enter a number."))
        return None
    if name in COUNT_FIELDS:
        # Fractions and negative counts are the service's to refuse, in its own words.
        return str(int(number)) if number == number.to_integral_value() else decimal_text(number)
    if -number.as_tuple().exponent > VALUE_PLACES and number != number.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        changes.error(row, name, _("Give at most %(n)s decimals: more would be rounded.") % {"n": VALUE_PLACES})
        return None
    return decimal_text(number)


def payload(rows: list[Row]) -> dict[str, Any]:
    """What contribution_save is asked to save for the rows of one contribution (service names)."""
    data: dict[str, Any] = {}
    measurements = []
    for row in rows:
        for name in CONTRIBUTION_FIELDS:
            if name in row.values and name not in row.unreadable:
                value = row.values[name]
                data[name] = [c for c in value.split(",") if c] if name == "countries" else value
        if row.instrument_id is not None:
            entry: dict[str, Any] = {"instrument": row.instrument_id}
            for name in row.fields:
                if name not in CONTRIBUTION_FIELDS and name not in row.unreadable:
                    entry[name] = row.values.get(name, "")
            measurements.append(entry)
    if measurements:
        data["measurements"] = measurements
    return data
