"""The "Figures" section of the objective and country pages: per year, money per currency (with
its channels and the part marked 1 or 2 on the gender marker), people by sex per unit and counts
per unit, each as a table and a chart (Vega-Lite rendered to SVG on the server, as the report's
charts are: publications.charts). The table is the chart's accessible equivalent; the chart's
text alternative says its numbers too. Amounts in different currencies are never summed: one row
and one panel per currency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from naptrack.core import palette
from naptrack.portal.figures import YearTotals
from naptrack.publications import charts
from naptrack.publications.content import Chart, number
from naptrack.publications.content.formatting import separators
from naptrack.reporting.models import Measurement
from naptrack.reporting.totals import CountTotal, MoneyTotal, PeopleTotal


@dataclass
class MoneyRow:
    year: int
    total: MoneyTotal
    channels: list[Decimal | None]


@dataclass
class Section:
    channels: list[tuple[str, str]] = field(default_factory=list)  # (code, label) of the columns
    money: list[MoneyRow] = field(default_factory=list)
    people: list[tuple[int, PeopleTotal]] = field(default_factory=list)
    counts: list[tuple[int, CountTotal]] = field(default_factory=list)
    money_chart: Chart | None = None
    people_chart: Chart | None = None
    count_chart: Chart | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.money or self.people or self.counts)


def section(years: list[YearTotals], *, key: str, scope: str) -> Section:
    """The section for totals per year; `scope` names what they are of in the charts' titles."""
    out = Section()
    present = {code for y in years for m in y.totals.money for code, amount in m.by_channel.items() if amount}
    out.channels = [(code, str(label)) for code, label in Measurement.Channel.choices if code in present]
    if "" in present:
        out.channels.append(("", _("Channel not given")))
    for y in years:
        for m in y.totals.money:
            out.money.append(MoneyRow(y.year, m, [m.by_channel.get(code) for code, _label in out.channels]))
        out.people += [(y.year, p) for p in y.totals.people]
        out.counts += [(y.year, c) for c in y.totals.counts]
    if out.money:
        out.money_chart = _money_chart(out.money, key=f"{key}-money", scope=scope)
    if out.people:
        out.people_chart = _people_chart(out.people, key=f"{key}-people", scope=scope)
    if out.counts:
        out.count_chart = _count_chart(out.counts, key=f"{key}-counts", scope=scope)
    return out


# --- charts ---------------------------------------------------------------------------------------


def _chart(key: str, title: str, build: Callable[[int], dict], alt: str) -> Chart:
    """The chart drawn for a wide column and for a phone (charts.WIDE, charts.PHONE)."""
    thousands, decimal = separators()
    locale = {"number": {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["", ""]}}
    config = {**charts.CONFIG, "locale": locale}

    def full(width: int) -> dict:
        return {"$schema": charts.SCHEMA, "config": config, **build(width)}

    return Chart(key=key, title=title, spec=full(charts.WIDE), alt=alt, phone=full(charts.PHONE))


def _panels(
    values: list[dict], encoding: dict, field_name: str, panels: list[str], **bars: Any
) -> Callable[[int], dict]:
    """One panel per currency or unit, each with its own scale: nothing is read across them."""

    def layer(width: int) -> dict:
        return charts.columns_layer(encoding=encoding, value=encoding["y"]["field"], width=width, **bars)

    return lambda width: charts.panels(values, field_name, panels, layer, width=width)


def _described(groups: dict[str, list[str]]) -> str:
    return ". ".join(f"{name}: {'; '.join(parts)}" for name, parts in groups.items())


def _money_chart(rows: list[MoneyRow], *, key: str, scope: str) -> Chart:
    values = [{"year": str(r.year), "currency": r.total.currency, "amount": float(r.total.amount)} for r in rows]
    currencies = list(dict.fromkeys(r.total.currency for r in rows))
    years = sorted({v["year"] for v in values})
    encoding = {
        "x": {"field": "year", "type": "ordinal", "sort": years, "title": _("Year"), "axis": {"labelAngle": 0}},
        "y": {"field": "amount", "type": "quantitative", "title": _("Amount"), "axis": {"format": ",~f"}},
        "tooltip": [{"field": "currency"}, {"field": "year"}, {"field": "amount"}],
    }
    title = _("%(scope)s: amounts by year, one panel per currency") % {"scope": scope}
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(r.total.currency, []).append(f"{r.year}: {number(r.total.amount)}")
    alt = _("Bar chart. %(title)s. %(data)s.") % {"title": title, "data": _described(groups)}
    bar = {"type": "bar", "color": palette.STATUS_COLOURS["continuous"]}
    return _chart(key, title, _panels(values, encoding, "currency", currencies, bar=bar), alt)


def _people_chart(rows: list[tuple[int, PeopleTotal]], *, key: str, scope: str) -> Chart:
    women, men = _("Women"), _("Men")
    values = []
    for year, p in rows:
        values += [
            {"year": str(year), "unit": p.unit, "sex": women, "n": p.women},
            {"year": str(year), "unit": p.unit, "sex": men, "n": p.men},
        ]
    units = list(dict.fromkeys(p.unit for _y, p in rows))
    encoding = {
        "x": {"field": "year", "type": "ordinal", "title": _("Year"), "axis": {"labelAngle": 0}},
        "xOffset": {"field": "sex", "sort": [women, men]},
        "y": {"field": "n", "type": "quantitative", "title": _("Number of people"), "axis": {"format": ",~f"}},
        "tooltip": [{"field": "unit"}, {"field": "year"}, {"field": "sex"}, {"field": "n"}],
    }
    colour = charts.sex_colour(women, men)
    title = _("%(scope)s: women and men by year") % {"scope": scope}
    groups: dict[str, list[str]] = {}
    for year, p in rows:
        said = {"round": year, "women": number(p.women), "men": number(p.men)}
        groups.setdefault(p.unit or _("People"), []).append(_("%(round)s: %(women)s women, %(men)s men") % said)
    alt = _("Bar chart. %(title)s. %(data)s.") % {"title": title, "data": _described(groups)}
    return _chart(key, title, _panels(values, encoding, "unit", units, colour=colour), alt)


def _count_chart(rows: list[tuple[int, CountTotal]], *, key: str, scope: str) -> Chart:
    values = [{"year": str(year), "unit": c.unit, "n": float(c.value)} for year, c in rows]
    units = list(dict.fromkeys(c.unit for _y, c in rows))
    encoding = {
        "x": {"field": "year", "type": "ordinal", "title": _("Year"), "axis": {"labelAngle": 0}},
        "y": {"field": "n", "type": "quantitative", "title": _("Count"), "axis": {"format": ",~f"}},
        "tooltip": [{"field": "unit"}, {"field": "year"}, {"field": "n"}],
    }
    title = _("%(scope)s: counts by year, one panel per unit") % {"scope": scope}
    groups: dict[str, list[str]] = {}
    for year, c in rows:
        groups.setdefault(c.unit, []).append(f"{year}: {number(c.value)}")
    alt = _("Bar chart. %(title)s. %(data)s.") % {"title": title, "data": _described(groups)}
    bar = {"type": "bar", "color": palette.STATUS_COLOURS["completed"]}
    return _chart(key, title, _panels(values, encoding, "unit", units, bar=bar), alt)
