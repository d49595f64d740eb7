"""The workbook's sheets and columns, as writing and reading both know them: sheet names, column
keys and headers, which columns a row may fill in, and the hidden columns that tie a row to what it
was exported from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from naptrack.plans.models import Instrument

FORMAT = "naptrack-workbook/1"
# Sheets are found by these names, whatever the language of the workbook.
CONTRIBUTIONS = "Contributions"
BY_COUNTRY = "Figures by country"
META = "naptrack"
# The hidden sheet's department of a coordinator's workbook holding every department of the round.
ALL_DEPARTMENTS = "*"
# Its hidden sheet's settings "department:<code>" name each department.
DEPARTMENT_NAME = "department:"
LISTS = "Lists"
# Salts the hidden sheet's signature. Fixed: a new value would refuse every workbook already out.
HMAC_SALT = "naptrack.reporting.workbook"

CONTRIBUTION_FIELDS = ("status", "narrative", "countries", "visibility")
# The answer columns that apply to an instrument, by the kind of its answers (services/figures.py
# says which fields each kind holds; the workbook shows text only where it is the answer itself).
KIND_COLUMNS: dict[str, tuple[str, ...]] = {
    "qualitative": ("text", "note"),
    "quantitative": ("value", "unit", "note"),
    "by-sex": ("women", "men", "other", "value", "note"),
    "count": ("value", "unit", "note"),
    "money": ("value", "currency", "marker", "channel", "note"),
    "share": ("value", "numerator", "denominator", "note"),
    "yes-no": ("yes", "text", "note"),
}
# A row's figures by country, on the sheet BY_COUNTRY: one pseudo-field of the instrument's row, so
# that it is digested, compared and reported with the row's other answers.
BREAKDOWN = "breakdown"
COUNT_FIELDS = ("women", "men", "other")
DECIMAL_FIELDS = ("value", "numerator", "denominator")
TEXT_FIELDS = ("narrative", "text", "unit", "note")
# What a country's row may hold, by the figures of its instrument (as services/figures.COUNTRY_FIELDS).
COUNTRY_FIGURES = ("women", "men", "other", "value", "numerator", "denominator")

# Hidden columns that tie each row to what it was exported from; fixed, never translated.
CONTRIBUTION_ID = "naptrack:contribution"
INSTRUMENT_ID = "naptrack:instrument"


def _department_column(whole_round: bool) -> list[tuple[str, str]]:
    # First, so that a whole round's rows read, filter and sort by department.
    return [("department", _("Department"))] if whole_round else []


def _columns(whole_round: bool = False) -> list[tuple[str, str]]:
    """(key, header) of the sheet's columns, headers in the active language; a whole round's
    workbook has the Department column first."""
    return [
        *_department_column(whole_round),
        ("code", _("Code")),
        ("action", _("Line of action")),
        ("number", _("Instrument no.")),
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
        ("currency", _("Currency")),
        ("marker", _("Gender marker")),
        ("channel", _("Channel")),
        ("numerator", _("Numerator")),
        ("denominator", _("Denominator")),
        ("yes", _("Yes/no")),
        ("note", _("Note")),
        ("countries", _("Countries")),
        ("visibility", _("Visibility")),
        ("contribution_id", CONTRIBUTION_ID),
        ("instrument_id", INSTRUMENT_ID),
    ]


def _country_columns(whole_round: bool = False) -> list[tuple[str, str]]:
    """(key, header) of the sheet of figures by country, headers in the active language."""
    return [
        *_department_column(whole_round),
        ("code", _("Code")),
        ("number", _("Instrument no.")),
        ("instrument", _("Instrument")),
        ("kind", _("Kind")),
        ("country", _("Country")),
        ("women", _("Women")),
        ("men", _("Men")),
        ("other", _("Other")),
        ("value", _("Value")),
        ("numerator", _("Numerator")),
        ("denominator", _("Denominator")),
    ]


EDITABLE = (
    "status",
    "narrative",
    "text",
    "women",
    "men",
    "other",
    "value",
    "unit",
    "currency",
    "marker",
    "channel",
    "numerator",
    "denominator",
    "yes",
    "note",
    "countries",
    "visibility",
)
# Every field a row may carry, as the hidden sheet lists them.
ROW_FIELDS = (*EDITABLE, BREAKDOWN)
LOCKED = ("department", "code", "action", "number", "instrument", "kind")
HIDDEN = ("contribution_id", "instrument_id")


def department_text(code: str, name: str) -> str:
    """A department as the Department column shows it: its name, then its code, which reading
    goes by ("Defence (defence)")."""
    return f"{name} ({code})"


def kind_of(instrument: Instrument) -> str:
    """The kind an answer follows: the instrument's, with a count of people by sex apart."""
    return "by-sex" if instrument.by_sex else instrument.kind


def fields_of(instrument: Instrument | None, first: bool) -> tuple[str, ...]:
    """The fields of a row: the contribution's on its first row, the instrument's answers, and
    its figures by country when it has figures."""
    from naptrack.reporting.services.figures import COUNTRY_FIELDS

    fields: tuple[str, ...] = CONTRIBUTION_FIELDS if first else ()
    if instrument is None:
        return fields
    kind = kind_of(instrument)
    fields += KIND_COLUMNS.get(kind, KIND_COLUMNS["qualitative"])
    return fields + ((BREAKDOWN,) if kind in COUNTRY_FIELDS else ())


def country_figures_of(fields: tuple[str, ...]) -> tuple[str, ...]:
    """The figures a country's row gives, told from the row's fields (as services/figures.COUNTRY_FIELDS)."""
    if BREAKDOWN not in fields:
        return ()
    if "women" in fields:
        return ("women", "men", "other", "value")
    if "numerator" in fields:
        return ("numerator", "denominator")
    return ("value",)
