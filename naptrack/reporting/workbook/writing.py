"""Writing a department's workbook: the sheet to fill in, with its lists and checks, the
instructions, and the hidden sheet that records and signs what was exported."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
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
from naptrack.reporting.workbook import by_country
from naptrack.reporting.workbook.layout import (
    BREAKDOWN,
    BY_COUNTRY,
    CONTRIBUTIONS,
    COUNT_FIELDS,
    DECIMAL_FIELDS,
    EDITABLE,
    FORMAT,
    HIDDEN,
    LISTS,
    META,
    _columns,
    fields_of,
)
from naptrack.reporting.workbook.values import _checksum, canonical, choice_label, clean_text, digest, kind_label

_HEADER_FILL = PatternFill("solid", fgColor="1F3864")
_LOCKED_FILL = PatternFill("solid", fgColor="EDEDED")
_NOT_APPLICABLE_FILL = PatternFill("solid", fgColor="BFBFBF")
_WRAP = Alignment(wrap_text=True, vertical="top")
_WIDTHS = {
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
    """The department's contributions in the round, in plan order, with what a workbook shows."""
    return list(
        Contribution.objects.filter(round=round_, department=department)
        # The round's plan gives an amount without currency the plan's (services/figures.settle).
        .select_related("action__goal", "department", "updated_by", "round__plan")
        .prefetch_related(
            "action__instruments",
            Prefetch(
                "measurements", queryset=Measurement.objects.select_related("instrument").prefetch_related("countries")
            ),
        )
        .in_plan_order()
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
    """The workbook of one department in one round, in the person's language."""
    language = language or getattr(user, "language", None) or settings.LANGUAGE_CODE
    with translation.override(language):
        return _build(round, department, user, language)


def _build(round_: Round, department, user: Any, language: str) -> bytes:
    contributions = contributions_for(round_, department)
    wb = Workbook()
    instructions = wb.active
    instructions.title = _("Instructions")[:31]
    ws = wb.create_sheet(CONTRIBUTIONS)
    countries_ws = wb.create_sheet(BY_COUNTRY)
    lists = wb.create_sheet(LISTS)
    meta = wb.create_sheet(META)

    columns = _columns()
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
        if instrument is not None:
            # The key of the instrument's rows on the sheet of figures by country.
            meta_rows[-1] += [c.action.code, instrument.position]
        cells = {
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
    by_country.write(countries_ws, rows, countries_list)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{letters['visibility']}{last}"
    # Locked cells say what the row is; protection without a password keeps them from being typed
    # over by mistake (the import checks everything anyway). Filtering and resizing stay allowed.
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False

    exported_at = timezone.now()
    _instructions(instructions, round_, department, user, exported_at, letters)
    _meta(meta, round_, department, user, language, exported_at, meta_rows)
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


def _instructions(ws, round_: Round, department, user: Any, exported_at: dt.datetime, letters: dict) -> None:
    from naptrack.reporting.forms import STATUS_DEFINITIONS, VISIBILITY_DEFINITIONS
    from naptrack.reporting.services import narrative_max

    ws.column_dimensions["A"].width = 110
    who = user.get_username() if user is not None and hasattr(user, "get_username") else ""
    lines: list[tuple[str, bool]] = [
        (_("How to fill in this workbook"), True),
        (_("Round: %(round)s — %(plan)s") % {"round": round_, "plan": round_.plan.title}, False),
        (_("Department: %(department)s") % {"department": department.name}, False),
        (_("Deadline: %(date)s") % {"date": date_format(round_.deadline, "DATE_FORMAT")}, False),
        (
            _("Exported on %(date)s by %(user)s.")
            % {"date": date_format(timezone.localtime(exported_at), "DATETIME_FORMAT"), "user": who or "naptrack"},
            False,
        ),
        ("", False),
        (
            _(
                "Each row of the sheet “%(sheet)s” is one monitoring instrument of one of your lines of action. "
                "Type in the white cells; the grey cells cannot be changed."
            )
            % {"sheet": CONTRIBUTIONS},
            False,
        ),
        (
            _(
                "Status, narrative, countries and visibility belong to the line of action as a whole: give them on "
                "its first row."
            ),
            False,
        ),
        (_("An empty cell means “no answer”: emptying a cell clears what was saved before."), False),
        ("", False),
        (_("Columns"), True),
        (_("Status: how far the line of action has come (choose from the list)."), False),
        (
            _("Narrative: what was done in the period, in at most %(max)s characters; Markdown is allowed.")
            % {"max": number_format(narrative_max(), force_grouping=True)},
            False,
        ),
        (_("Text: the answer to a qualitative monitoring instrument."), False),
        (
            _(
                "Women, Men, Other: whole numbers of people, zero or more, for an instrument counted by sex. Its "
                "Value is the total: leave it empty to count women, men and other together; it cannot be smaller "
                "than them."
            ),
            False,
        ),
        (_("Value and Unit: the figure of a quantitative instrument and its unit (%, cases, EUR…)."), False),
        (_("Value of a count: a whole number of what its kind says (trainings, cases…)."), False),
        (
            _(
                "Value, Currency, Gender marker and Channel of an amount of money: the amount, its ISO 4217 "
                "currency (the plan's if left empty), the OECD-DAC gender equality policy marker (0 not "
                "targeted, 1 significant, 2 principal objective) and the funding channel (choose from the lists)."
            ),
            False,
        ),
        (
            _(
                "Numerator and Denominator of a share: e.g. 12 women out of 40 people. Leave its Value (the "
                "percentage) empty: it is computed from them. Without them, give the percentage, 0 to 100."
            ),
            False,
        ),
        (_("Yes/no: the answer to a yes-or-no instrument; explain it in Text."), False),
        (_("Note: source, scope or caveats of the answer, for any instrument."), False),
        (
            _(
                "Countries: the countries concerned. Pick a focus country of the plan from the list, or type ISO "
                "3166 codes separated by commas, e.g. AF, CD."
            ),
            False,
        ),
        (_("Visibility: public or internal (internal content is never published)."), False),
        ("", False),
        (_("Figures by country"), True),
        (
            _(
                "The sheet “%(sheet)s” breaks an instrument's figures down by country: one row per country, "
                "with the line's Code and the Instrument no. as on the sheet “%(contributions)s”. It lists the "
                "rows already saved and an empty row for every instrument with figures: fill it in, copy it for "
                "more countries, or add rows at the bottom. Grey cells do not apply to the instrument."
            )
            % {"sheet": BY_COUNTRY, "contributions": CONTRIBUTIONS},
            False,
        ),
        (
            _(
                "Country: an ISO 3166 code (the plan's focus countries come first in the list). Leave a total "
                "empty on the sheet “%(contributions)s” and naptrack adds up the countries' rows; a total given "
                "cannot be smaller than its countries."
            )
            % {"contributions": CONTRIBUTIONS},
            False,
        ),
        (
            _(
                "If you change any row of an instrument, its rows on this sheet replace all its figures by "
                "country: delete a row to remove that country. An instrument whose rows you leave alone keeps "
                "its figures by country as they are."
            ),
            False,
        ),
        ("", False),
        (_("Status"), True),
        *[(f"{label}: {STATUS_DEFINITIONS[value]}", False) for value, label in Contribution.Status.choices],
        ("", False),
        (_("Visibility"), True),
        *[(f"{label}: {VISIBILITY_DEFINITIONS[value]}", False) for value, label in Contribution.Visibility.choices],
        ("", False),
        (_("Sending it back"), True),
        (
            _(
                "Upload the file on your page in naptrack (“Upload a filled-in workbook”), or give it to the "
                "coordinator. You see what will change before anything is saved. If a cell holds an error, nothing "
                "is saved and every error names its cell."
            ),
            False,
        ),
        (
            _(
                "Contributions already submitted or approved are not changed by an upload. A contribution changed "
                "in naptrack since this export is listed as a conflict and not overwritten: export again to see it."
            ),
            False,
        ),
        (
            _(
                "Do not rename the sheets or change the column headings, and leave the hidden columns and sheets "
                "as they are: they tell naptrack which contribution each row belongs to. You may filter the rows."
            ),
            False,
        ),
    ]
    for text, bold in lines:
        # The plan's title and the department's name are people's text: string cells.
        xlsx_append(ws, [text or None])
        cell = ws.cell(ws.max_row, 1)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if bold:
            cell.font = Font(bold=True, size=14 if ws.max_row == 1 else 12)
    ws.protection.sheet = True


def _meta(ws, round_: Round, department, user: Any, language: str, exported_at, rows: list[list[Any]]) -> None:
    who = user.get_username() if user is not None and hasattr(user, "get_username") else ""
    for key, value in (
        ("format", FORMAT),
        ("round", round_.pk),
        ("department", department.code),
        ("plan", round_.plan.slug),
        ("exported_at", exported_at.isoformat()),
        ("exported_by", who),
        ("language", language),
        ("checksum", _checksum(round_.pk, department.code, rows)),
    ):
        xlsx_append(ws, [key, value])
    ws.append([])
    xlsx_append(ws, ["contribution", "version", "instrument", "fields", "digest"])
    for row in rows:
        xlsx_append(ws, row)
    ws.protection.sheet = True
