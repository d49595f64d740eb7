"""The workbook's sheets and columns, as writing and reading both know them: sheet names, column
keys and headers, which columns a row may fill in, and the hidden columns that tie a row to what it
was exported from."""

from __future__ import annotations

from django.utils.translation import gettext as _

from naptrack.plans.models import Instrument

FORMAT = "naptrack-workbook/1"
# Sheets are found by these names, whatever the language of the workbook.
CONTRIBUTIONS = "Contributions"
META = "naptrack"
LISTS = "Lists"
# Salts the hidden sheet's signature. Fixed: a new value would refuse every workbook already out.
HMAC_SALT = "naptrack.reporting.workbook"

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


def fields_of(instrument: Instrument | None, first: bool) -> tuple[str, ...]:
    """The editable columns of a row: the contribution's on its first row, the instrument's answers."""
    fields: tuple[str, ...] = CONTRIBUTION_FIELDS if first else ()
    if instrument is None:
        return fields
    if instrument.kind == Instrument.Kind.QUALITATIVE:
        return fields + QUALITATIVE_FIELDS
    return fields + (BY_SEX_FIELDS if instrument.by_sex else QUANTITATIVE_FIELDS)
