"""A department's answer in words, by the kind of its instrument, for the pages that show it: the
focal point's and the coordinator's screens here, the public portal above.

"EUR 500,000 · marker 2 (principal) · civil society", "12.5 % (5 of 40)", "Yes", "120 trainings":
numbers in the reader's language, thousands grouped. Counts of people by sex keep their own
layout (a table on the staff screens, a sentence on the portal) and are left to them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.reporting.figure_inputs import grouped
from naptrack.reporting.models import Measurement
from naptrack.reporting.services.figures import COUNTRY_FIELDS, figure_label, kind_of

COUNTRY_NAMES = ("women", "men", "other", "value", "numerator", "denominator")

SEPARATOR = " · "


def _marker_words(marker: int) -> str:
    return {
        0: _("marker 0 (not targeted)"),
        1: _("marker 1 (significant)"),
        2: _("marker 2 (principal)"),
    }.get(marker, _("marker %(n)s") % {"n": marker})


def _unit(m: Measurement) -> str:
    return m.unit or m.instrument.unit


def _share(value: Decimal | None, numerator: Decimal | None, denominator: Decimal | None) -> str:
    parts = []
    if value is not None:
        parts.append(_("%(n)s %%") % {"n": grouped(value.quantize(Decimal("0.1")))})
    if numerator is not None and denominator is not None:
        of = _("%(numerator)s of %(denominator)s") % {
            "numerator": grouped(numerator),
            "denominator": grouped(denominator),
        }
        parts.append(f"({of})" if parts else of)
    return " ".join(parts)


def _with_unit(value: Any, unit: str) -> str:
    return f"{grouped(value)} {unit}".strip()


def answer_words(m: Measurement) -> str:
    """The figures of a saved answer in words; empty for a text answer, a count of people by sex
    (shown by its own layout) and an answer without figures."""
    kind = kind_of(m.instrument)
    if kind == "money":
        if m.value is None:
            return ""
        parts = [f"{m.currency} {grouped(m.value)}".strip()]
        if m.marker is not None:
            parts.append(_marker_words(m.marker))
        if m.channel:
            channels = dict(Measurement.Channel.choices)
            parts.append(str(channels.get(m.channel, m.channel)))
        return SEPARATOR.join(parts)
    if kind == "share":
        return _share(m.value, m.numerator, m.denominator)
    if kind == "yes-no":
        return {True: _("Yes"), False: _("No")}.get(m.yes, "")
    if kind in ("quantitative", "count") and m.value is not None:
        return _with_unit(m.value, _unit(m))
    return ""


def _row_words(m: Measurement, kind: str, row: Any) -> str:
    if kind == "by-sex":
        people = [
            (_("%(n)s women"), row.women),
            (_("%(n)s men"), row.men),
            (_("%(n)s other or not recorded"), row.other),
            (_("total %(n)s"), row.value),
        ]
        return ", ".join(phrase % {"n": grouped(n)} for phrase, n in people if n is not None)
    if kind == "share":
        share = None
        if row.numerator is not None and row.denominator:
            share = row.numerator * 100 / row.denominator
        return _share(share, row.numerator, row.denominator)
    if row.value is None:
        return ""
    if kind == "money":
        return f"{m.currency} {grouped(row.value)}".strip()
    return _with_unit(row.value, _unit(m))


def country_rows(m: Measurement) -> list[tuple[str, str]]:
    """The answer's figures by country, each as (country's name, figures in words); reads the
    rows prefetched with the measurement."""
    kind = kind_of(m.instrument)
    if kind not in COUNTRY_FIELDS:
        return []
    return [(all_countries.name(r.country) or r.country, _row_words(m, kind, r)) for r in m.countries.all()]


def derived_words(m: Measurement) -> str:
    """Which of the answer's figures were computed from the countries' rows, in words."""
    share = kind_of(m.instrument) == "share"
    # A share's percentage is computed from its own parts, not from the countries.
    fields = [figure_label(n) for n in m.derived or [] if n in COUNTRY_NAMES and not (share and n == "value")]
    if not fields:
        return ""
    return _("Computed from the countries: %(fields)s.") % {"fields": ", ".join(fields)}
