"""A cell's content read into the canonical value of its column (values.canonical), the same for
every sheet; what the cell holds that cannot be read is an error named by its column. Whether a
value is allowed (a known currency, a marker of 0, 1 or 2) is the service's to say."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.reporting.models import Contribution
from naptrack.reporting.workbook.layout import COUNT_FIELDS, TEXT_FIELDS
from naptrack.reporting.workbook.values import _choices, _fold, clean_text, decimal_text

VALUE_PLACES = 4  # Measurement.value keeps four decimals: more would be rounded, silently


def parse_cell(name: str, value: Any, error: Callable[[str, str], None]) -> str | None:
    """A cell's content as the canonical value of its column; None (and an error) when it cannot be read."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date | dt.time) and name not in TEXT_FIELDS:
        error(name, _("Expected a number or a text here, not a date."))
        return None
    if name in ("status", "visibility"):
        text = str(value).strip()
        if not text:
            if name == "visibility":
                error(name, _("Choose public or internal."))
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
            error(name, message % {"value": text, "labels": labels})
            return None
        return found
    if name in ("channel", "yes"):
        if isinstance(value, bool):
            text = "yes" if value else "no"
        else:
            text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()
        # A word not understood goes to the service as typed, to be refused in its words.
        return _choices(name).get(_fold(text), text) if text else ""
    if name in ("currency", "country"):
        text = str(value).strip()
        if name == "country" and len(text) > 2:
            # A country's name, as the drop-down's second column shows it.
            text = all_countries.by_name(text) or text
        return text.upper()
    if name == "marker":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()
    if name == "countries":
        codes = [c.upper() for c in re.split(r"[\s,;]+", str(value)) if c]
        bad = [c for c in codes if c not in all_countries]
        if bad:
            error(
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
        error(name, _("Enter a number."))
        return None
    text = repr(value) if isinstance(value, float) else str(value).strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return ""
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        # 1,000 is a thousand in English and one in French: never guess.
        error(name, _("Type the number without a thousands separator, e.g. 1000 or 2.5."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        # 2,5 typed as text where a comma is the decimal separator.
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            error(name, _("Enter a number."))
            return None
    if not number.is_finite():
        error(name, _("Enter a number."))
        return None
    if name in COUNT_FIELDS:
        # Fractions and negative counts are the service's to refuse, in its own words.
        return str(int(number)) if number == number.to_integral_value() else decimal_text(number)
    if -number.as_tuple().exponent > VALUE_PLACES and number != number.quantize(Decimal(1).scaleb(-VALUE_PLACES)):
        error(name, _("Give at most %(n)s decimals: more would be rounded.") % {"n": VALUE_PLACES})
        return None
    return decimal_text(number)
