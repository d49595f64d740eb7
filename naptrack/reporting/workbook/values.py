"""Values in their canonical text form, the same for what is exported from the database and what is
read from a cell, so that an untouched row always reads as unchanged; the digests and the signature
computed over them; and the labels of status, visibility and kind in the person's language."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.workbook.layout import (
    BREAKDOWN,
    CONTRIBUTION_FIELDS,
    COUNT_FIELDS,
    COUNTRY_FIGURES,
    DECIMAL_FIELDS,
    FORMAT,
    HMAC_SALT,
    TEXT_FIELDS,
    kind_of,
)


def clean_text(value: str) -> str:
    # Characters a workbook cannot hold (control characters) are left out of the export; the row's
    # digest is computed over what the cell holds, so an untouched row still reads as unchanged.
    return ILLEGAL_CHARACTERS_RE.sub("", (value or "").replace("\r\n", "\n")).strip()


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def canonical(contribution: Contribution, measurement: Measurement | None, fields: tuple[str, ...]) -> dict[str, str]:
    """The row's values as compared and digested: text, whole numbers and decimals as strings."""
    out: dict[str, str] = {}
    for name in fields:
        if name in CONTRIBUTION_FIELDS:
            value: Any = getattr(contribution, name)
        elif name == BREAKDOWN:
            value = None
        else:
            value = getattr(measurement, name) if measurement is not None else None
        if name == BREAKDOWN:
            out[name] = breakdown_text(_figures_by_country(measurement))
        elif name == "countries":
            out[name] = ",".join(str(c).upper() for c in value or [])
        elif name in TEXT_FIELDS:
            out[name] = clean_text(value or "")
        elif name in COUNT_FIELDS:
            out[name] = "" if value is None else str(int(value))
        elif name in DECIMAL_FIELDS:
            out[name] = decimal_text(value)
        elif name == "marker":
            out[name] = "" if value is None else str(value)
        elif name == "yes":
            out[name] = "" if value is None else ("yes" if value else "no")
        else:
            out[name] = value or ""
    return out


def _figures_by_country(measurement: Measurement | None) -> list[dict[str, str]]:
    """The measurement's rows by country (prefetched) with their figures as canonical text."""
    if measurement is None or measurement.pk is None:
        return []
    return [country_values(figure) for figure in measurement.countries.all()]


def country_values(figure: Any) -> dict[str, str]:
    """A CountryFigure's country and figures as canonical text, blanks left out."""
    out = {"country": figure.country}
    for name in COUNTRY_FIGURES:
        value = getattr(figure, name)
        if value is not None:
            out[name] = str(int(value)) if name in COUNT_FIELDS else decimal_text(value)
    return out


def breakdown_text(rows: list[dict[str, str]]) -> str:
    """Rows by country in one canonical text, ordered by country so that moving rows changes
    nothing: "AF: value=10 | CD: value=5"."""
    parts = []
    for row in sorted(rows, key=lambda r: r.get("country", "")):
        figures = " ".join(f"{name}={row[name]}" for name in COUNTRY_FIGURES if row.get(name))
        parts.append(f"{row.get('country', '')}: {figures}".strip())
    return " | ".join(parts)


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


def kind_label(instrument: Instrument | None) -> str:
    if instrument is None:
        return ""
    kind = kind_of(instrument)
    if kind == "qualitative":
        return _("qualitative")
    if kind == "by-sex":
        return _("quantitative, by sex")
    label = _("quantitative") if kind == "quantitative" else str(instrument.get_kind_display())
    # The instrument's unit says what is counted: "count: trainings".
    return f"{label}: {instrument.unit}" if instrument.unit and kind in ("quantitative", "count") else label


def yes_no_label(value: str) -> str:
    return {"yes": _("yes"), "no": _("no")}.get(value, value)


def _fold(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", str(text)).casefold().split())


def department_code(value: Any, names: dict[str, str]) -> str | None:
    """The department a cell of the column Department names, among `names` (code -> name): as
    exported ("Defence (defence)"), by its code or by its name, in any case; None if none."""
    if value is None:
        return None
    text = _fold(value)
    codes = {_fold(code): code for code in names}
    inside = re.fullmatch(r".*\(([^()]+)\)", text)
    if inside and _fold(inside.group(1)) in codes:
        return codes[_fold(inside.group(1))]
    if text in codes:
        return codes[text]
    by_name = {_fold(name): code for code, name in names.items()}
    return by_name.get(text)


def header_keys(columns: Callable[[], Iterable[tuple[str, str]]]) -> dict[str, str]:
    """Every header a sheet's column may carry (in any language of the interface, or its key) ->
    its key; `columns` gives (key, header) pairs in the active language."""
    found: dict[str, str] = {}
    for language in [settings.LANGUAGE_CODE, *getattr(settings, "UI_LANGUAGES", [])]:
        with translation.override(language):
            for key, header in columns():
                found.setdefault(_fold(header), key)
    for key, _header in columns():
        found.setdefault(_fold(key), key)
    return found


_CHOICES: dict[str, Any] = {
    "status": Contribution.Status,
    "visibility": Contribution.Visibility,
    "channel": Measurement.Channel,
}


@lru_cache(maxsize=8)
def _choices(name: str) -> dict[str, str]:
    """Status, visibility, channel or yes/no, as typed in any language of the interface or as its
    code -> the code."""
    found: dict[str, str] = {}
    for language in [settings.LANGUAGE_CODE, *getattr(settings, "UI_LANGUAGES", [])]:
        with translation.override(language):
            if name == "yes":
                found.setdefault(_fold(_("yes")), "yes")
                found.setdefault(_fold(_("no")), "no")
                continue
            for value, label in _CHOICES[name].choices:
                found.setdefault(_fold(label), value)
    if name == "yes":
        # The words the service understands too, and a spreadsheet's TRUE and FALSE.
        for word in ("yes", "true", "1", "oui", "ja"):
            found[word] = "yes"
        for word in ("no", "false", "0", "non", "nee", "nein"):
            found[word] = "no"
        return found
    for value in _CHOICES[name].values:
        found[_fold(value)] = value
    return found


def choice_label(name: str, value: str) -> str:
    if not value:
        return ""
    if name == "yes":
        return yes_no_label(value)
    choices = _CHOICES[name]
    return str(choices(value).label) if value in choices.values else value
