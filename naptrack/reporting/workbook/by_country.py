"""The sheet "Figures by country": an instrument's figures broken down by country, one row per
(line of action, instrument, country), keyed by the line's code and the instrument's number as the
sheet of contributions shows them (the department is the workbook's, or, in the coordinator's
workbook of a whole round, the row's column Department).

Written with the rows naptrack holds and one empty row per instrument that has figures, to fill in
or copy; rows may be added anywhere, in any order. Read back into each instrument's row of the
change set as its pseudo-field "breakdown", so that a breakdown left as exported is unchanged and
a changed one replaces the instrument's rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from naptrack.core import ooxml
from naptrack.core.spreadsheets import xlsx_append, xlsx_text
from naptrack.reporting.workbook.cells import parse_cell
from naptrack.reporting.workbook.changes import ChangeSet, Row, WorkbookRefused
from naptrack.reporting.workbook.layout import (
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTIONS,
    COUNT_FIELDS,
    COUNTRY_FIGURES,
    LISTS,
    _country_columns,
    country_figures_of,
    department_text,
)
from naptrack.reporting.workbook.values import (
    _fold,
    breakdown_text,
    clean_text,
    country_values,
    department_code,
    header_keys,
    kind_label,
)

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")
_WIDTHS = {"code": 8, "number": 11, "instrument": 45, "kind": 16, "country": 12}
# Rows below the exported ones that carry the drop-downs and checks, for rows added by hand.
SPARE_ROWS = 200


def write(
    ws, rows: Iterable[tuple[Any, Any, Any, tuple[str, ...]]], countries_list: str, *, whole_round: bool = False
) -> None:
    """Fill the sheet from the rows of the sheet of contributions: (contribution, instrument,
    measurement, fields). `countries_list` is the drop-down's range on the hidden list sheet. A
    whole round's sheet has the column Department first, part of each row's key."""
    columns = _country_columns(whole_round)
    letters = {key: get_column_letter(n) for n, (key, _header) in enumerate(columns, start=1)}
    xlsx_append(ws, [header for _key, header in columns])
    for n, (key, _header) in enumerate(columns, start=1):
        cell = ws.cell(1, n)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[letters[key]].width = _WIDTHS.get(key, 11)
    for c, instrument, measurement, fields in rows:
        if instrument is None or BREAKDOWN not in fields:
            continue
        figures = country_figures_of(fields)
        held = [country_values(f) for f in measurement.countries.all()] if measurement is not None else []
        # The rows naptrack holds, then an empty one to fill in.
        for values in [*held, {}]:
            cells: dict[str, Any] = {
                "department": department_text(c.department.code, c.department.name),
                "code": c.action.code,
                "number": instrument.position,
                "instrument": clean_text(instrument.text),
                "kind": kind_label(instrument),
                "country": values.get("country"),
            }
            for name in figures:
                if values.get(name):
                    cells[name] = int(values[name]) if name in COUNT_FIELDS else _number(values[name])
            xlsx_append(ws, [cells.get(key) for key, _header in columns])
            r = ws.max_row
            for name in COUNTRY_FIGURES:
                if name not in figures:
                    ws[f"{letters[name]}{r}"].fill = _NOT_APPLICABLE_FILL
            # The code is text ("9" is a line of action, not a number).
            xlsx_text(ws[f"{letters['code']}{r}"], c.action.code)
    last = ws.max_row + SPARE_ROWS
    _validations(ws, letters, last, countries_list)
    ws.freeze_panes = "F2" if whole_round else "E2"
    ws.auto_filter.ref = f"A1:{letters[columns[-1][0]]}{ws.max_row}"


def _number(text: str) -> Any:
    number = Decimal(text)
    if number == number.to_integral_value() and abs(number) < 2**53:
        return int(number)
    return float(number) if Decimal(repr(float(number))) == number else text


def _validations(ws, letters: dict[str, str], last: int, countries_list: str) -> None:
    def column(key: str) -> str:
        return f"{letters[key]}2:{letters[key]}{last}"

    country = DataValidation(type="list", formula1=f"={LISTS}!{countries_list}", allow_blank=True)
    # A warning, not a stop: a name typed instead of a code is read too.
    country.errorStyle = "warning"
    country.error = _("Pick a country code from the list (the plan's focus countries come first).")
    country.prompt = _("ISO 3166 country code, e.g. AF, CD, ML.")
    country.promptTitle = _("Country")
    people = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    people.error = _("Enter a whole number, zero or more.")
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    numbers.error = _("Enter a number, zero or more.")
    for validation in (country, people, numbers):
        validation.showErrorMessage = True
        validation.showInputMessage = True
        ws.add_data_validation(validation)
    country.add(column("country"))
    for key in COUNT_FIELDS:
        people.add(column(key))
    for key in ("value", "numerator", "denominator"):
        numbers.add(column(key))


def _header_keys() -> dict[str, str]:
    return header_keys(lambda: _country_columns(whole_round=True))


def _key_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value).strip()


def read(ws, formulas, keys: dict[tuple[str, ...], tuple], changes: ChangeSet, caps: ooxml.Limits) -> None:
    """Read the sheet into the breakdown of each instrument's row in `changes`. `keys` maps (line
    code, instrument number) to (contribution, instrument), as the hidden sheet signed them; in a
    whole round's workbook, (department code, line code, instrument number)."""
    bounds = {"max_row": caps.rows, "max_col": caps.columns}
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1, max_col=caps.columns), [])]
    known = _header_keys()
    positions: dict[str, int] = {}
    for index, text in enumerate(header):
        key = known.get(_fold(text)) if text is not None else None
        if key is not None and key not in positions:
            positions[key] = index
    required = ("department",) if changes.whole_round else ()
    missing = [k for k in (*required, "code", "number", "country", *COUNTRY_FIGURES) if k not in positions]
    if missing:
        labels = dict(_country_columns(whole_round=True))
        raise WorkbookRefused(
            _("The sheet “%(sheet)s” lacks the column(s) %(columns)s: do not rename or remove the columns.")
            % {"sheet": BY_COUNTRY, "columns": ", ".join(str(labels[k]) for k in missing)}
        )
    changes.country_letters = {k: get_column_letter(i + 1) for k, i in positions.items()}
    changes.country_headers = {k: str(header[i]) for k, i in positions.items()}
    by_ids: dict[tuple, Row] = {(row.contribution_id, row.instrument_id): row for row in changes.rows}
    found: dict[tuple, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    formula_rows = formulas.iter_rows(min_row=2, **bounds) if formulas is not None else iter(())
    for r, cells in enumerate(ws.iter_rows(min_row=2, **bounds), start=2):
        formula_cells = next(formula_rows, ())

        def error(column: str, reason: str, r: int = r) -> None:
            changes.error(r, column, reason, sheet=BY_COUNTRY)

        raw = {k: cells[i].value if i < len(cells) else None for k, i in positions.items()}
        for k, i in positions.items():
            if i < len(formula_cells) and formula_cells[i].data_type == "f" and raw[k] is None:
                error(k, _("This cell holds a formula whose result was never computed: type the value."))
        if all(raw[k] in (None, "") for k in ("country", *COUNTRY_FIGURES)):
            continue  # an empty row, or one keyed and left empty
        code, number = _key_text(raw["code"]), _key_text(raw["number"])
        if changes.whole_round:
            owner = department_code(raw["department"], changes.department_names)
            if owner is None:
                error(
                    "department",
                    _("Give one of the round's departments, as on the sheet “%(sheet)s”.") % {"sheet": CONTRIBUTIONS},
                )
                continue
            ids = keys.get((owner, code, number))
            if ids is None and any(key[1:] == (code, number) for key in keys):
                error(
                    "department",
                    _(
                        "%(department)s is not responsible for line %(code)s in this round: give the figures of "
                        "instrument %(number)s under a department that reports on the line."
                    )
                    % {"department": changes.department_names.get(owner, owner), "code": code, "number": number},
                )
                continue
        else:
            ids = keys.get((code, number))
        row = by_ids.get(ids) if ids is not None else None
        if row is None:
            error(
                "code" if not code or number else "number",
                _(
                    "Give the code of one of your lines of action and the number of its instrument (as on the "
                    "sheet “%(sheet)s”): there is no instrument %(number)s in line %(code)s."
                )
                % {"sheet": CONTRIBUTIONS, "number": number or "?", "code": code or "?"},
            )
            continue
        if BREAKDOWN not in row.fields:
            error("code", _("This instrument has no figures to break down by country."))
            continue
        values: dict[str, str] = {}
        for name in ("country", *COUNTRY_FIGURES):
            parsed = parse_cell(name, raw[name], error)
            if parsed:
                values[name] = parsed
        if "country" not in values:
            error("country", _("Say which country these figures are for."))
            continue
        found[ids].append((r, values))
    for ids, rows in found.items():
        ordered = sorted(rows, key=lambda item: item[1]["country"])
        row = by_ids[ids]
        row.country_rows = [r for r, _values in ordered]
        row.breakdown = [values for _r, values in ordered]
        row.values[BREAKDOWN] = breakdown_text(row.breakdown)
