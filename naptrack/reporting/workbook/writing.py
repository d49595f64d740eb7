"""Writing a department's workbook: the sheet to fill in, with its lists and checks, the
instructions, and the hidden sheet that records and signs what was exported."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from naptrack.core.currencies import CODES as CURRENCIES
from naptrack.core.spreadsheets import xlsx_append, xlsx_text
from naptrack.reporting.models import Contribution, Measurement, Round
from naptrack.reporting.queries import instruments_asked
from naptrack.reporting.workbook import by_country, instructions
from naptrack.reporting.workbook.layout import (
    ALL_DEPARTMENTS,
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTIONS,
    COUNT_FIELDS,
    DECIMAL_FIELDS,
    DEPARTMENT_NAME,
    EDITABLE,
    FORMAT,
    HIDDEN,
    LISTS,
    META,
    _columns,
    department_text,
    fields_of,
)
from naptrack.reporting.workbook.values import _checksum, canonical, choice_label, clean_text, digest, kind_label

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_WIDTHS = {
    "department": 24,
    "code": 8,
    "action": 45,
    "instrument": 40,
    "kind": 14,
    "status": 16,
    "narrative": 50,
    "text": 40,
    "women": 9,
    "men": 9,
    "other": 9,
    "value": 11,
    "unit": 10,
    "number": 11,
    "currency": 10,
    "marker": 10,
    "channel": 14,
    "yes": 8,
    "note": 30,
    "countries": 14,
    "visibility": 12,
}


def contributions_for(round_: Round, department) -> list[Contribution]:
    """The department's contributions in the round, in plan order, with what a workbook shows;
    with `department` None, every department's, one department after the other."""
    contributions = (
        Contribution.objects.filter(round=round_)
        # The round's plan gives an amount without currency the plan's (services/figures.settle).
        .select_related("action__goal", "department", "updated_by", "round__plan")
        .prefetch_related(
            "action__instruments",
            Prefetch(
                "measurements", queryset=Measurement.objects.select_related("instrument").prefetch_related("countries")
            ),
        )
    )
    if department is not None:
        return list(contributions.filter(department=department).in_plan_order())
    return list(
        contributions.order_by("department__name", "department__code", "action__goal__number", "action__position")
    )


def _rows(contributions: list[Contribution]):
    """(contribution, instrument or None, measurement or None, fields) per row of the sheet."""
    for c in contributions:
        instruments = instruments_asked(c)
        measurements = {m.instrument_id: m for m in c.measurements.all()}
        if not instruments:
            yield c, None, None, fields_of(None, True)
            continue
        for n, instrument in enumerate(instruments):
            yield c, instrument, measurements.get(instrument.pk), fields_of(instrument, n == 0)


def build(*, round: Round, department, user: Any = None, language: str | None = None) -> bytes:
    """The workbook of one department in one round, in the person's language; with `department`
    None, the coordinator's workbook of the whole round, every department's rows with a column
    Department."""
    language = language or getattr(user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return _build(round, department, user, language)


def _build(round_: Round, department, user: Any, language: str) -> bytes:
    contributions = contributions_for(round_, department)
    wb = Workbook()
    instructions_ws = wb.active
    instructions_ws.title = _("Instructions")[:31]
    ws = wb.create_sheet(CONTRIBUTIONS)
    countries_ws = wb.create_sheet(BY_COUNTRY)
    lists = wb.create_sheet(LISTS)
    meta = wb.create_sheet(META)

    whole_round = department is None
    columns = _columns(whole_round)
    letters = {key: get_column_letter(n) for n, (key, _header) in enumerate(columns, start=1)}
    xlsx_append(ws, [header for _key, header in columns])
    for n, (key, _header) in enumerate(columns, start=1):
        cell = ws.cell(1, n)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(n)].width = _WIDTHS.get(key, 12)
    for key in HIDDEN:
        ws.column_dimensions[letters[key]].hidden = True

    meta_rows: list[list[Any]] = []
    rows = list(_rows(contributions))
    for c, instrument, measurement, fields in rows:
        values = canonical(c, measurement, fields)
        meta_rows.append([c.pk, c.version, instrument.pk if instrument else None, ",".join(fields), digest(values)])
        if whole_round:
            # The line and the department of every row, signed: reading checks the column
            # Department against them, and keys the sheet of figures by country by all three.
            meta_rows[-1] += [c.action.code, instrument.position if instrument else None, c.department.code]
        elif instrument is not None:
            # The key of the instrument's rows on the sheet of figures by country.
            meta_rows[-1] += [c.action.code, instrument.position]
        cells = {
            "department": department_text(c.department.code, c.department.name),
            "code": c.action.code,
            "action": clean_text(c.action.text),
            "number": instrument.position if instrument else None,
            "instrument": clean_text(instrument.text) if instrument else "",
            "kind": kind_label(instrument),
            "contribution_id": c.pk,
            "instrument_id": instrument.pk if instrument else None,
        }
        for name in fields:
            if name != BREAKDOWN:
                cells[name] = _cell_value(name, values[name])
        ws.append([None] * len(columns))
        r = ws.max_row
        for n, (key, _header) in enumerate(columns, start=1):
            cell = ws.cell(r, n)
            value = cells.get(key)
            if value is not None and value != "":
                # A string cell: text that starts with "=" stays text, never a formula, and reads
                # back as typed (no quote added: core.spreadsheets).
                xlsx_text(cell, value)
            cell.alignment = _WRAP
            if key in fields:
                cell.protection = Protection(locked=False)
                if key in COUNT_FIELDS:
                    # Thousands grouped as the reader's spreadsheet writes them: Excel and LibreOffice
                    # show "#,##0" with their own locale's separators ("1 250" in fr-BE).
                    cell.number_format = "#,##0"
            elif key in EDITABLE:
                cell.fill = _NOT_APPLICABLE_FILL
            else:
                cell.fill = _LOCKED_FILL
    last = max(ws.max_row, 2)

    countries_list = _lists(lists, round_)
    _validations(ws, letters, last, round_)
    by_country.write(countries_ws, rows, countries_list, whole_round=whole_round)
    # The line's code (and department) and its text stay in sight.
    ws.freeze_panes = "D2" if whole_round else "C2"
    ws.auto_filter.ref = f"A1:{letters['visibility']}{last}"
    # Locked cells say what the row is; protection without a password keeps them from being typed
    # over by mistake (the import checks everything anyway). Filtering and resizing stay allowed.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    exported_at = timezone.now()
    instructions.write(instructions_ws, round_, department, user, exported_at, letters)
    _meta(meta, round_, department, user, language, exported_at, meta_rows, contributions)
    lists.sheet_state = "hidden"
    meta.sheet_state = "hidden"
    wb.active = 1
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell_value(name: str, value: str) -> Any:
    """A canonical value as the cell shows it: labels, numbers as numbers, codes separated by commas."""
    if not value:
        return None
    if name in ("status", "visibility", "channel", "yes"):
        return choice_label(name, value)
    if name == "marker":
        return int(value)
    if name == "countries":
        return ", ".join(value.split(","))
    if name in COUNT_FIELDS:
        return int(value)
    if name in DECIMAL_FIELDS:
        number = Decimal(value)
        # A number the spreadsheet would round (beyond a float's precision) is written as text.
        if number == number.to_integral_value() and abs(number) < 2**53:
            return int(number)
        return float(number) if Decimal(repr(float(number))) == number else value
    return value


def _lists(ws, round_: Round) -> str:
    """The drop-downs' lists, one a column; returns the range of the country codes (for the sheet
    of figures by country)."""
    xlsx_append(
        ws,
        [
            _("Status"),
            _("Visibility"),
            _("Focus countries"),
            "",
            _("Currency"),
            _("Channel"),
            _("Yes/no"),
            _("Country"),
            "",
        ],
    )
    focus = [str(c).upper() for c in round_.plan.focus_countries or []]
    plan_currency = round_.plan.currency or "EUR"
    columns: list[list[str]] = [
        [str(label) for _value, label in Contribution.Status.choices],
        [str(label) for _value, label in Contribution.Visibility.choices],
        focus,
        [str(all_countries.name(code)) for code in focus],
        # The plan's currency first: the one most amounts are in.
        [plan_currency, *sorted(CURRENCIES - {plan_currency})],
        [str(label) for _value, label in Measurement.Channel.choices],
        [_("yes"), _("no")],
        # The plan's focus countries first, then every other country by name.
        [*focus, *(code for code, _name in all_countries if code not in focus)],
    ]
    columns.append([str(all_countries.name(code)) for code in columns[-1]])
    for n in range(max(len(column) for column in columns)):
        xlsx_append(ws, [column[n] if n < len(column) else None for column in columns])
    return f"$H$2:$H${1 + len(columns[7])}"


def _validations(ws, letters: dict[str, str], last: int, round_: Round) -> None:
    def column(key: str) -> str:
        return f"{letters[key]}2:{letters[key]}{last}"

    n_status, n_visibility = len(Contribution.Status.choices), len(Contribution.Visibility.choices)
    status = DataValidation(type="list", formula1=f"={LISTS}!$A$2:$A${1 + n_status}", allow_blank=True)
    status.error = _("Choose a status from the list, or leave the cell empty.")
    status.errorTitle = _("Status")
    visibility = DataValidation(type="list", formula1=f"={LISTS}!$B$2:$B${1 + n_visibility}", allow_blank=False)
    visibility.error = _("Choose public or internal.")
    visibility.errorTitle = _("Visibility")
    focus = [str(c).upper() for c in round_.plan.focus_countries or []]
    note = _("Pick a focus country of the plan, or type ISO 3166 country codes separated by commas, e.g. AF, CD.")
    if focus:
        countries = DataValidation(type="list", formula1=f"={LISTS}!$C$2:$C${1 + len(focus)}", allow_blank=True)
        # Information, not stop: several codes, or codes outside the list, may be typed.
        countries.errorStyle = "information"
        countries.error = note
    else:
        countries = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="1000", allow_blank=True)
    countries.prompt = note
    countries.promptTitle = _("Countries")
    counts = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    counts.error = _("Enter a whole number, zero or more.")
    from naptrack.reporting.services import narrative_max

    narrative = DataValidation(
        type="textLength", operator="lessThanOrEqual", formula1=str(narrative_max()), allow_blank=True
    )
    narrative.error = _("Keep the narrative under %(max)s characters.") % {"max": narrative_max()}
    currency = DataValidation(type="list", formula1=f"={LISTS}!$E$2:$E${1 + len(CURRENCIES)}", allow_blank=True)
    currency.error = _("Choose an ISO 4217 currency code from the list, e.g. EUR or USD.")
    currency.errorTitle = _("Currency")
    marker = DataValidation(type="list", formula1='"0,1,2"', allow_blank=True)
    marker.error = _("The gender equality policy marker is 0, 1 or 2.")
    marker.prompt = _("OECD-DAC gender equality policy marker: 0 not targeted, 1 significant, 2 principal.")
    n_channel = len(Measurement.Channel.choices)
    channel = DataValidation(type="list", formula1=f"={LISTS}!$F$2:$F${1 + n_channel}", allow_blank=True)
    channel.error = _("Choose a funding channel from the list.")
    yes = DataValidation(type="list", formula1=f"={LISTS}!$G$2:$G$3", allow_blank=True)
    yes.error = _("Answer yes or no.")
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    numbers.error = _("Enter a number, zero or more.")
    for validation in (status, visibility, countries, counts, narrative, currency, marker, channel, yes, numbers):
        validation.showErrorMessage = True
        validation.showInputMessage = True
        ws.add_data_validation(validation)
    currency.add(column("currency"))
    marker.add(column("marker"))
    channel.add(column("channel"))
    yes.add(column("yes"))
    numbers.add(column("numerator"))
    numbers.add(column("denominator"))
    status.add(column("status"))
    visibility.add(column("visibility"))
    countries.add(column("countries"))
    narrative.add(column("narrative"))
    for key in COUNT_FIELDS:
        counts.add(column(key))


def _meta(
    ws,
    round_: Round,
    department,
    user: Any,
    language: str,
    exported_at,
    rows: list[list[Any]],
    contributions: list[Contribution],
) -> None:
    who = user.get_username() if user is not None and hasattr(user, "get_username") else ""
    code = department.code if department is not None else ALL_DEPARTMENTS
    # A whole round's departments by code, with their names, which the column Department may hold
    # too (unsigned: the rows' departments are signed with the rows).
    names = {} if department is not None else {c.department.code: c.department.name for c in contributions}
    for key, value in (
        ("format", FORMAT),
        ("round", round_.pk),
        ("department", code),
        ("plan", round_.plan.slug),
        ("exported_at", exported_at.isoformat()),
        ("exported_by", who),
        ("language", language),
        ("checksum", _checksum(round_.pk, code, rows)),
        *((f"{DEPARTMENT_NAME}{c}", name) for c, name in names.items()),
    ):
        xlsx_append(ws, [key, value])
    ws.append([])
    xlsx_append(ws, ["contribution", "version", "instrument", "fields", "digest"])
    for row in rows:
        xlsx_append(ws, row)
    ws.protection.sheet = True
