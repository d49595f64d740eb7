"""Reading a filled-in workbook back into a change set: the hidden sheet checked against its
signature, every editable cell read into its canonical value, and every error named by its cell.
Nothing here writes to the database.

A workbook comes from outside: before any cell is read, core.ooxml checks the package (its size
unpacked, no DTD, the sheets' declared and actual rows, columns and cells within the caps). Then
it is read once, in openpyxl's streaming mode (read_only), each sheet within those caps: the
hidden sheet first, whose signature is checked before the sheet of contributions is read, then
the sheet of figures by country (by_country).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from naptrack.core import ooxml
from naptrack.reporting.workbook import by_country
from naptrack.reporting.workbook.cells import parse_cell
from naptrack.reporting.workbook.changes import ChangeSet, Row, WorkbookRefused
from naptrack.reporting.workbook.layout import (
    ALL_DEPARTMENTS,
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTION_FIELDS,
    CONTRIBUTIONS,
    COUNT_FIELDS,
    DEPARTMENT_NAME,
    EDITABLE,
    FORMAT,
    HIDDEN,
    META,
    ROW_FIELDS,
    _columns,
)
from naptrack.reporting.workbook.values import _checksum, _fold, department_code, header_keys

MAX_BYTES = 10 * 1024 * 1024


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
    meta, exported, keys, owners = _read_meta(values_wb[META], caps)
    changes = ChangeSet(
        file_name=file_name,
        round_id=meta["round"],
        department_code=meta["department"],
        exported_by=str(meta.get("exported_by") or ""),
        exported_at=str(meta.get("exported_at") or ""),
        versions={cid: version for cid, version, _i, _f, _d in exported},
        rows=[],
        owners=owners,
        department_names={
            str(key)[len(DEPARTMENT_NAME) :]: str(name)
            for key, name in meta.items()
            if str(key).startswith(DEPARTMENT_NAME) and name is not None
        },
    )
    broken_down = any(BREAKDOWN in fields for _c, _v, _i, fields, _d in exported)
    if broken_down and BY_COUNTRY not in values_wb.sheetnames:
        raise WorkbookRefused(
            _("The workbook lacks its sheet “%(sheet)s”: do not rename or remove the sheets.") % {"sheet": BY_COUNTRY}
        )
    with_formulas = [
        name for name in (CONTRIBUTIONS, BY_COUNTRY) if (sheet := package.sheet(name)) is not None and sheet.formulas
    ]
    # A sheet that holds formulas is read twice: their values as a spreadsheet program computed
    # them, and the formulas themselves, in a second streaming pass over that sheet only, so that
    # a formula whose value was never computed does not read as an empty cell.
    formulas_wb = _open(data, file_name, data_only=False) if with_formulas else None
    try:

        def formulas(name: str):
            return formulas_wb[name] if formulas_wb is not None and name in with_formulas else None

        _read_rows(values_wb[CONTRIBUTIONS], formulas(CONTRIBUTIONS), exported, changes, caps)
        if broken_down:
            by_country.read(values_wb[BY_COUNTRY], formulas(BY_COUNTRY), keys, changes, caps)
    finally:
        if formulas_wb is not None:
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
) -> tuple[
    dict[str, Any],
    list[tuple[int, int, int | None, tuple[str, ...], str]],
    dict[tuple[str, ...], tuple],
    dict[int, tuple[str, str]],
]:
    """The hidden sheet: its settings, the rows as exported, (line code, instrument number) ->
    (contribution, instrument) for the sheet of figures by country ((department code, line code,
    instrument number) in a whole round's workbook), and a whole round's contribution ->
    (department code, line code)."""
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
    keys: dict[tuple[str, ...], tuple] = {}
    owners: dict[int, tuple[str, str]] = {}
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
            if department == ALL_DEPARTMENTS:
                # Every row's line, instrument number and department (writing.py).
                line, position, owner = str(row[5]), (int(row[6]) if row[6] not in (None, "") else None), str(row[7])
                signed[-1] += [line, position, owner]
                owners[cid] = (owner, line)
                if iid is not None and position is not None:
                    keys[(owner, line, str(position))] = (cid, iid)
            elif len(row) > 6 and row[5] not in (None, "") and iid is not None:
                # Written since the figures by country: the line's code and the instrument's number.
                signed[-1] += [str(row[5]), int(row[6])]
                keys[(str(row[5]), str(int(row[6])))] = (cid, iid)
    except (KeyError, TypeError, ValueError, IndexError):
        raise _tampered() from None
    expected = _checksum(round_id, department, signed)
    if not constant_time_compare(expected, str(meta.get("checksum") or "")):
        raise _tampered()
    if any(f not in ROW_FIELDS for _c, _v, _i, fields, _d in exported for f in fields):
        raise _tampered()
    meta["round"], meta["department"] = round_id, department
    return meta, exported, keys, owners


def _header_keys() -> dict[str, str]:
    # The column Department is known in any workbook; only a whole round's must have it.
    return header_keys(lambda: _columns(whole_round=True))


def _read_rows(ws, formulas, exported, changes: ChangeSet, caps: ooxml.Limits) -> None:
    bounds = {"max_row": caps.rows, "max_col": caps.columns}
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1, max_col=caps.columns), [])]
    known = _header_keys()
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = known.get(_fold(text)) if text is not None else None
        if key is not None and key not in positions:
            positions[key] = index
    # The columns the rows fill in: a workbook exported before a column was added still reads.
    used = {f for _c, _v, _i, fields, _d in exported for f in fields}
    required = (*HIDDEN, "department") if changes.whole_round else HIDDEN
    missing = [k for k in (*EDITABLE, *required) if k not in positions and (k in used or k in required)]
    if missing:
        labels = dict(_columns(whole_round=True))
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
        typed = {k: raw[k] for k in EDITABLE if raw.get(k) not in (None, "")}
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
        if changes.whole_round:
            _check_department(changes, r, raw.get("department"), key[0])
        _version, fields, row_digest = by_key[key]
        values: dict[str, str] = {}
        unreadable: set[str] = set()
        for name in EDITABLE:
            cell_value = raw.get(name)
            if name not in fields:
                if cell_value not in (None, ""):
                    changes.error(r, name, _not_applicable(name, fields))
                continue
            parsed = parse_cell(name, cell_value, lambda column, reason, r=r: changes.error(r, column, reason))
            values[name] = parsed if parsed is not None else ""
            if parsed is None:
                unreadable.add(name)
        if BREAKDOWN in fields:
            values[BREAKDOWN] = ""  # until the sheet of figures by country is read
        changes.rows.append(Row(r, key[0], key[1], fields, values, row_digest, unreadable))


def _check_department(changes: ChangeSet, r: int, value: Any, contribution_id: int) -> None:
    """A whole round's row stays with the department it was exported for: its column Department is
    checked against the contribution's department, as signed on the hidden sheet."""
    owner, line = changes.owners[contribution_id]
    typed = department_code(value, changes.department_names)
    if typed == owner:
        return
    names = changes.department_names
    context = {
        "owner": names.get(owner, owner),
        "typed": names.get(typed or "", value),
        "line": line,
    }
    if typed is None:
        reason = _(
            "“%(typed)s” is not one of the round's departments. This row is %(owner)s's, for line %(line)s: leave "
            "its department as exported."
        ) % {**context, "typed": value if value not in (None, "") else "—"}
    elif (typed, line) in set(changes.owners.values()):
        reason = (
            _(
                "This row is %(owner)s's, for line %(line)s: a row cannot move to another department. Answer for "
                "%(typed)s on its own row of line %(line)s, and leave the department of this row as exported."
            )
            % context
        )
    else:
        reason = (
            _(
                "%(typed)s is not responsible for line %(line)s in this round, so this row cannot move to it. This "
                "row is %(owner)s's: leave its department as exported."
            )
            % context
        )
    changes.error(r, "department", reason)


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
    if "text" in fields and "yes" not in fields:
        return _("This instrument is qualitative: answer in the Text column.")
    if name in COUNT_FIELDS and "unit" in fields:
        return _("This instrument is not counted by sex: give its Value (and Unit).")
    if name == "text" and "value" in fields:
        return _("This instrument is quantitative: give its figures, not a text.")
    if name == "unit" and "women" in fields:
        return _("This instrument counts people: it has no unit.")
    if "note" in fields:
        return _("This column does not apply to this instrument's kind of answer: leave this cell empty.")
    return _("This line of action has no monitoring instrument: leave this cell empty.")
