"""Text and numbers in the report's language, shared by the builder, the writers and the portal."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format, get_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from naptrack.publications.content.tree import DASH, SOURCE_LANGUAGE, Text
from naptrack.reporting.models import Round


def translated(obj: Any, name: str, lang: str) -> Text:
    """The field in `lang`, else the English text marked as a fallback."""
    if lang != SOURCE_LANGUAGE:
        value = getattr(obj, f"{name}_{lang}", None)
        if value:
            return Text(value)
    source = getattr(obj, f"{name}_{SOURCE_LANGUAGE}", None) or getattr(obj, name, "") or ""
    return Text(source, fallback=lang != SOURCE_LANGUAGE and bool(source))


def round_label(round_: Round) -> str:
    """ "2014" for an annual round, "2012 (baseline)" for others: what a column of years says."""
    if round_.kind == Round.Kind.ANNUAL:
        return str(round_.year)
    return _("%(year)s (%(kind)s)") % {"year": round_.year, "kind": round_.get_kind_display()}


def separators() -> tuple[str, str]:
    """The active language's thousands and decimal separators, from naptrack/formats (the same
    as Django's pages): "28,300.5" in English, "28\u202f300,5" in French, Dutch and German."""
    lang = (get_language() or SOURCE_LANGUAGE).split("-")[0]
    return get_format("THOUSAND_SEPARATOR", lang), get_format("DECIMAL_SEPARATOR", lang)


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


def _localised(text: str) -> str:
    """A plain decimal string ("-28300.5") in the active language's separators."""
    group, point = separators()
    sign = "-" if text.startswith("-") else ""
    whole, _dot, fraction = text.lstrip("-").partition(".")
    out = sign + _group(whole, group)
    return f"{out}{point}{fraction}" if fraction else out


def number(value: int | Decimal | float | None) -> str:
    """A count or a value as the report's language writes it, thousands grouped ("28,300",
    "28\u202f300"); integral decimals without zeros."""
    if value is None:
        return DASH
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            return _localised(str(int(value)))
        return _localised(format(value, "f"))
    if isinstance(value, float):
        return _localised(repr(value) if value != int(value) else str(int(value)))
    return _localised(str(value))


def percent(share: float | None) -> str:
    if share is None:
        return DASH
    return _("%(number)s%%") % {"number": _localised(f"{share * 100:.1f}")}


def correction_text(obj: Any) -> str:
    """The public note of a corrected or withdrawn contribution or synthesis, dated in the active
    language's format: "Corrected on 3 March 2016: ..." or "Withdrawn on ...: ..."; "" for neither."""
    if obj.withdrawn_at is not None:
        phrase, at = _("Withdrawn on %(date)s: %(note)s"), obj.withdrawn_at
    elif obj.corrected_at is not None:
        phrase, at = _("Corrected on %(date)s: %(note)s"), obj.corrected_at
    else:
        return ""
    return phrase % {"date": date_format(timezone.localdate(at), "DATE_FORMAT"), "note": obj.correction_note}
