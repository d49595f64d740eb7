"""Department workbooks: one department's contributions in a round as an Excel file to fill in
offline, and the reading of a filled-in one back into a change set.

    data = build(round=..., department=..., user=..., language="fr")   # bytes of an .xlsx
    changes = parse(data, file_name="defence.xlsx")                     # a ChangeSet, or WorkbookRefused

The sheet "Contributions" has a row per line of action and monitoring instrument; a hidden sheet
holds the round, the department, the version of every contribution and a digest of every row as
exported, signed with the installation's secret key, so that a workbook for another round or
department, or one whose hidden sheet was edited, is refused. The digests tell the rows a person
changed from those they left alone: only the former can change anything, or conflict with a change
made in naptrack since the export.

Nothing here writes to the database: services_workbook.workbook_import applies a change set.
Values are compared in a canonical text form (canonical()), the same for what is exported from the
database and what is read from a cell, so that an untouched row always reads as unchanged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries as all_countries
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution, Measurement, Round

FORMAT = "naptrack-workbook/1"
# Sheets are found by these names, whatever the language of the workbook.
CONTRIBUTIONS = "Contributions"
META = "naptrack"
LISTS = "Lists"
HMAC_SALT = "naptrack.reporting.workbook"
MAX_BYTES = 10 * 1024 * 1024
VALUE_PLACES = 4  # Measurement.value keeps four decimals: more would be rounded, silently

CONTRIBUTION_FIELDS = ("status", "narrative", "countries", "visibility")
# The answer columns that apply to an instrument, by its kind (as the focal point's form shows them).
QUALITATIVE_FIELDS = ("text",)
QUANTITATIVE_FIELDS = ("value", "unit")
BY_SEX_FIELDS = ("women", "men", "other", "value")
COUNT_FIELDS = ("women", "men", "other")
TEXT_FIELDS = ("narrative", "text", "unit")

# Hidden columns that tie each row to what it was exported from; fixed, never translated.
CONTRIBUTION_ID = "naptrack:contribution"
INSTRUMENT_ID = "naptrack:instrument"


def _columns() -> list[tuple[str, str]]:
    """(key, header) of the sheet's columns, headers in the active language."""
    return [
        ("code", _("Code")),
        ("action", _("Line of action")),
        ("instrument", _("Instrument")),
        ("kind", _("Kind")),
        ("status", _("Status")),
        ("narrative", _("Narrative")),
        ("text", _("Text")),
        ("women", _("Women")),
        ("men", _("Men")),
        ("other", _("Other")),
        ("value", _("Value")),
        ("unit", _("Unit")),
        ("countries", _("Countries")),
        ("visibility", _("Visibility")),
        ("contribution_id", CONTRIBUTION_ID),
        ("instrument_id", INSTRUMENT_ID),
    ]


EDITABLE = ("status", "narrative", "text", "women", "men", "other", "value", "unit", "countries", "visibility")
LOCKED = ("code", "action", "instrument", "kind")
HIDDEN = ("contribution_id", "instrument_id")


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


# --- canonical values -----------------------------------------------------------------------------


def clean_text(value: str) -> str:
    # Characters a workbook cannot hold (control characters) are left out of the export; the row's
    # digest is computed over what the cell holds, so an untouched row still reads as unchanged.
    return ILLEGAL_CHARACTERS_RE.sub("", (value or "").replace("\r\n", "\n")).strip()


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def fields_of(instrument: Instrument | None, first: bool) -> tuple[str, ...]:
    """The editable columns of a row: the contribution's on its first row, the instrument's answers."""
    fields: tuple[str, ...] = CONTRIBUTION_FIELDS if first else ()
    if instrument is None:
        return fields
    if instrument.kind == Instrument.Kind.QUALITATIVE:
        return fields + QUALITATIVE_FIELDS
    return fields + (BY_SEX_FIELDS if instrument.by_sex else QUANTITATIVE_FIELDS)


def canonical(contribution: Contribution, measurement: Measurement | None, fields: tuple[str, ...]) -> dict[str, str]:
    """The row's values as compared and digested: text, whole numbers and decimals as strings."""
    out: dict[str, str] = {}
    for name in fields:
        if name in CONTRIBUTION_FIELDS:
            value: Any = getattr(contribution, name)
        else:
            value = getattr(measurement, name) if measurement is not None else None
        if name == "countries":
            out[name] = ",".join(str(c).upper() for c in value or [])
        elif name in TEXT_FIELDS:
            out[name] = clean_text(value or "")
        elif name in COUNT_FIELDS:
            out[name] = "" if value is None else str(int(value))
        elif name == "value":
            out[name] = decimal_text(value)
        else:
            out[name] = value or ""
    return out


def digest(values: dict[str, str]) -> str:
    raw = json.dumps(sorted(values.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:24]


def is_blank(values: dict[str, str]) -> bool:
    """No answer in the row (visibility always has a value and does not count as one)."""
    return not any(v for k, v in values.items() if k != "visibility")


def _checksum(round_id: int, department: str, rows: list[list[Any]]) -> str:
    payload = json.dumps(
        [FORMAT, round_id, department, sorted(rows, key=lambda r: (r[0], r[2] or 0))],
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return salted_hmac(HMAC_SALT, payload, algorithm="sha256").hexdigest()


# --- labels ---------------------------------------------------------------------------------------


def kind_label(instrument: Instrument | None) -> str:
    if instrument is None:
        return ""
    if instrument.kind == Instrument.Kind.QUALITATIVE:
        return _("qualitative")
    return _("quantitative, by sex") if instrument.by_sex else _("quantitative")


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", str(text)).casefold().split())


@lru_cache(maxsize=4)
def _choices(name: str) -> dict[str, str]:
    """Status or visibility, as typed in any language of the interface or as its code -> the code."""
    choices = Contribution.Status if name == "status" else Contribution.Visibility
    found: dict[str, str] = {}
    for language in [settings.LANGUAGE_CODE, *getattr(settings, "UI_LANGUAGES", [])]:
        with translation.override(language):
            for value, label in choices.choices:
                found.setdefault(_fold(label), value)
    for value in choices.values:
        found[_fold(value)] = value
    return found


def choice_label(name: str, value: str) -> str:
    if not value:
        return ""
    choices = Contribution.Status if name == "status" else Contribution.Visibility
    return str(choices(value).label) if value in choices.values else value


# --- building -------------------------------------------------------------------------------------

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
    "countries": 14,
    "visibility": 12,
}


def contributions_for(round_: Round, department) -> list[Contribution]:
    """The department's contributions in the round, in plan order, with what a workbook shows."""
    return list(
        Contribution.objects.filter(round=round_, department=department)
        .select_related("action__goal", "department", "updated_by")
        .prefetch_related(
            "action__instruments", Prefetch("measurements", queryset=Measurement.objects.select_related("instrument"))
        )
        .in_plan_order()
    )


def _rows(contributions: list[Contribution]):
    """(contribution, instrument or None, measurement or None, fields) per row of the sheet."""
    for c in contributions:
        instruments = list(c.action.instruments.all())
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
    lists = wb.create_sheet(LISTS)
    meta = wb.create_sheet(META)

    columns = _columns()
    letters = {key: get_column_letter(n) for n, (key, _header) in enumerate(columns, start=1)}
    ws.append([header for _key, header in columns])
    for n, (key, _header) in enumerate(columns, start=1):
        cell = ws.cell(1, n)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = _HEADER_FILL
        cell.alignment = _WRAP
        ws.column_dimensions[get_column_letter(n)].width = _WIDTHS.get(key, 12)
    for key in HIDDEN:
        ws.column_dimensions[letters[key]].hidden = True

    meta_rows: list[list[Any]] = []
    for c, instrument, measurement, fields in _rows(contributions):
        values = canonical(c, measurement, fields)
        meta_rows.append([c.pk, c.version, instrument.pk if instrument else None, ",".join(fields), digest(values)])
        cells = {
            "code": c.action.code,
            "action": clean_text(c.action.text),
            "instrument": clean_text(instrument.text) if instrument else "",
            "kind": kind_label(instrument),
            "contribution_id": c.pk,
            "instrument_id": instrument.pk if instrument else None,
        }
        for name in fields:
            cells[name] = _cell_value(name, values[name])
        ws.append([None] * len(columns))
        r = ws.max_row
        for n, (key, _header) in enumerate(columns, start=1):
            cell = ws.cell(r, n)
            value = cells.get(key)
            if value is not None and value != "":
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"  # text that starts with "=" stays text, never a formula
            cell.alignment = _WRAP
            if key in fields:
                cell.protection = Protection(locked=False)
                if key in COUNT_FIELDS:
                    cell.number_format = "0"
            elif key in EDITABLE:
                cell.fill = _NOT_APPLICABLE_FILL
            else:
                cell.fill = _LOCKED_FILL
    last = max(ws.max_row, 2)

    _lists(lists, round_)
    _validations(ws, letters, last, round_)
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
    if name in ("status", "visibility"):
        return choice_label(name, value)
    if name == "countries":
        return ", ".join(value.split(","))
    if name in COUNT_FIELDS:
        return int(value)
    if name == "value":
        number = Decimal(value)
        # A number the spreadsheet would round (beyond a float's precision) is written as text.
        if number == number.to_integral_value() and abs(number) < 2**53:
            return int(number)
        return float(number) if Decimal(repr(float(number))) == number else value
    return value


def _lists(ws, round_: Round) -> None:
    ws.append([_("Status"), _("Visibility"), _("Focus countries"), ""])
    statuses = [str(label) for _value, label in Contribution.Status.choices]
    visibilities = [str(label) for _value, label in Contribution.Visibility.choices]
    focus = [str(c).upper() for c in round_.plan.focus_countries or []]
    for n in range(max(len(statuses), len(visibilities), len(focus))):
        ws.append(
            [
                statuses[n] if n < len(statuses) else None,
                visibilities[n] if n < len(visibilities) else None,
                focus[n] if n < len(focus) else None,
                str(all_countries.name(focus[n])) if n < len(focus) else None,
            ]
        )


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
    for validation in (status, visibility, countries, counts, narrative):
        validation.showErrorMessage = True
        validation.showInputMessage = True
        ws.add_data_validation(validation)
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
            % {"max": narrative_max()},
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
        (
            _(
                "Countries: the countries concerned. Pick a focus country of the plan from the list, or type ISO "
                "3166 codes separated by commas, e.g. AF, CD."
            ),
            False,
        ),
        (_("Visibility: public or internal (internal content is never published)."), False),
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
        ws.append([text or None])
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
        ws.append([key, value])
    ws.append([])
    ws.append(["contribution", "version", "instrument", "fields", "digest"])
    for row in rows:
        ws.append(row)
    ws.protection.sheet = True


# --- reading --------------------------------------------------------------------------------------


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
        # The values a spreadsheet program computed for formulas, and the formulas themselves: a
        # formula whose value was never computed must not read as an empty cell.
        values_wb = load_workbook(io.BytesIO(data), data_only=True)
        formulas_wb = load_workbook(io.BytesIO(data), data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise WorkbookRefused(
            _("%(name)s is not an Excel workbook (.xlsx) exported by naptrack.") % {"name": file_name}
        ) from None
    if META not in values_wb.sheetnames or CONTRIBUTIONS not in values_wb.sheetnames:
        raise WorkbookRefused(
            _(
                "%(name)s is not a department workbook exported by naptrack: it has no sheet “%(sheet)s” or its "
                "hidden sheet is missing. Download the workbook from naptrack and fill that in."
            )
            % {"name": file_name, "sheet": CONTRIBUTIONS}
        )
    meta, exported = _read_meta(values_wb[META])
    changes = ChangeSet(
        file_name=file_name,
        round_id=meta["round"],
        department_code=meta["department"],
        exported_by=str(meta.get("exported_by") or ""),
        exported_at=str(meta.get("exported_at") or ""),
        versions={cid: version for cid, version, _i, _f, _d in exported},
        rows=[],
    )
    _read_rows(values_wb[CONTRIBUTIONS], formulas_wb[CONTRIBUTIONS], exported, changes)
    return changes


def _tampered() -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "The workbook's hidden sheet was changed or damaged, or the workbook comes from another naptrack "
            "installation, so naptrack cannot tell what it was exported from; nothing was imported. Download the "
            "workbook again and copy your answers into it."
        )
    )


def _read_meta(ws) -> tuple[dict[str, Any], list[tuple[int, int, int | None, tuple[str, ...], str]]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
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


def _read_rows(ws, formulas, exported, changes: ChangeSet) -> None:
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=1), [])]
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
    formula_rows = formulas.iter_rows(min_row=2)
    for cells in ws.iter_rows(min_row=2):
        formula_cells = next(formula_rows, ())
        r = cells[0].row if cells else 0
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
