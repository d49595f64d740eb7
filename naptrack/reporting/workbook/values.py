"""Values in their canonical text form, the same for what is exported from the database and what is
read from a cell, so that an untouched row always reads as unchanged; the digests and the signature
computed over them; and the labels of status, visibility and kind in the person's language."""

from __future__ import annotations

import hashlib
import json
import re
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
    CONTRIBUTION_FIELDS,
    COUNT_FIELDS,
    FORMAT,
    HMAC_SALT,
    TEXT_FIELDS,
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
