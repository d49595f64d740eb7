"""Charts of the report: Vega-Lite specs built once from the report's data and rendered on the
server by vl-convert (SVG for HTML and PDF, PNG for DOCX). Nothing is fetched at run time: the
spec carries its data, and text is set in fonts Debian installs (DejaVu, Liberation).

Every chart has a text alternative that says what it shows, numbers included, and the report
also gives the same numbers in a table beside it.
"""

from __future__ import annotations

import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from naptrack.core import palette

if TYPE_CHECKING:
    from naptrack.publications.content import Chart, Figures

FONT = "DejaVu Sans"
# The colours are naptrack's palette (core/palette.py), shared with the pages' badges and bars.
WOMEN_COLOUR = palette.WOMEN_COLOUR
MEN_COLOUR = palette.MEN_COLOUR
STATUS_COLOURS = palette.STATUS_COLOURS
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # a name only; never fetched
# Widths of the plotting area in px. Pages scale the SVG to their column (viewBox), so WIDE is
# drawn about at its size on a laptop and PHONE on a phone (a <picture> picks it): text stays
# near its 12 px either way instead of shrinking with a chart drawn for the other screen.
WIDE = 640
PHONE = 250
TEXT_SIZE = 12
CONFIG = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": TEXT_SIZE, "titleFontSize": TEXT_SIZE, "labelLimit": 0},
    # Under the chart, labels never truncated (Vega cuts them at 160 px by default, which cut the
    # French "Aucun état d'avancement indiqué"): a long label widens the chart instead.
    "legend": {"labelFontSize": TEXT_SIZE, "titleFontSize": TEXT_SIZE, "orient": "bottom", "labelLimit": 0},
    "header": {"labelFontSize": TEXT_SIZE, "titleFontSize": TEXT_SIZE},
    "title": {"fontSize": 14, "anchor": "start"},
}
LABEL = {"type": "text", "fontSize": TEXT_SIZE}


def sex_colour(women: str, men: str) -> dict:
    """The colour encoding of women and men, by the labels the chart shows them with."""
    return {
        "field": "sex",
        "type": "nominal",
        "title": None,
        "scale": {"domain": [women, men], "range": [WOMEN_COLOUR, MEN_COLOUR]},
    }


def _number_locale() -> dict:
    """The axes' numbers in the report's language ("10\u202f000" in French, Dutch, German): a
    d3-format locale with the separators of naptrack/formats, the same as the tables'."""
    from naptrack.publications.content.formatting import separators

    thousands, decimal = separators()
    return {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["", "\u00a0\u20ac"]}


def _chart(key: str, title: str, spec: dict, alt: str, phone: dict | None = None) -> Chart:
    from naptrack.publications.content import Chart

    config = {**CONFIG, "locale": {"number": _number_locale()}}

    def full(s: dict) -> dict:
        return {"$schema": SCHEMA, "config": config, **s}

    return Chart(key=key, title=title, spec=full(spec), alt=alt, phone=full(phone) if phone else None)


def columns_layer(
    *, encoding: dict, value: str, width: int, colour: dict | None = None, bar: dict | None = None
) -> dict:
    """Vertical bars with their value written above each (thousands grouped in the chart's
    locale). `encoding` holds x, xOffset and y; `colour` the bars' colour encoding."""
    bars = {"mark": bar or {"type": "bar"}}
    if colour:
        bars["encoding"] = {"color": colour}
    text = {
        "mark": {**LABEL, "dy": -3, "baseline": "bottom"},
        "encoding": {"text": {"field": value, "type": "quantitative", "format": ",~f"}},
    }
    return {"width": width, "height": 180, "encoding": encoding, "layer": [bars, text]}


def panels(values: list[dict], field: str, names: list[str], layer: Callable[[int], dict], *, width: int) -> dict:
    """One panel per `field` value (department, currency, unit), each with its own y scale, two
    abreast on a wide screen and one under the other on a phone; `layer(panel width)` draws one."""
    if len(names) <= 1:
        return {"data": {"values": values}, **layer(width)}
    abreast = 2 if width >= WIDE else 1
    return {
        "data": {"values": values},
        "facet": {"field": field, "type": "nominal", "sort": names, "title": None},
        "columns": abreast,
        "spec": layer((width - 60 * (abreast - 1)) // abreast),
        "resolve": {"scale": {"y": "independent"}},
    }


def sex_chart(*, key: str, title: str, rows: list[tuple[str, str, Figures]]) -> Chart:
    """Women and men in each round (one bar each), per department when several answer.
    `rows` are (round label, department name, figures) in round order."""
    women, men = _("Women"), _("Men")
    values = []
    for round_label, department, figures in rows:
        for sex, n in ((women, figures.women), (men, figures.men)):
            if n is not None:
                values.append({"round": round_label, "department": department, "sex": sex, "n": n})
    rounds = list(dict.fromkeys(r for r, _d, _f in rows))
    departments = list(dict.fromkeys(d for _r, d, _f in rows))
    encoding = {
        "x": {"field": "round", "type": "ordinal", "sort": rounds, "title": _("Year"), "axis": {"labelAngle": 0}},
        "xOffset": {"field": "sex", "sort": [women, men]},
        "y": {"field": "n", "type": "quantitative", "title": _("Number of people"), "axis": {"format": ",~f"}},
        "tooltip": [{"field": "department"}, {"field": "round"}, {"field": "sex"}, {"field": "n"}],
    }
    colour = sex_colour(women, men)

    def layer(width: int) -> dict:
        return columns_layer(encoding=encoding, value="n", width=width, colour=colour)

    def spec(width: int) -> dict:
        return panels(values, "department", departments, layer, width=width)

    return _chart(key, title, spec(WIDE), _sex_alt(title, rows), phone=spec(PHONE))


def _sex_alt(title: str, rows: list[tuple[str, str, Figures]]) -> str:
    from naptrack.publications.content import number

    parts = []
    for department in dict.fromkeys(d for _r, d, _f in rows):
        years = [
            _("%(round)s: %(women)s women, %(men)s men") % {"round": r, "women": number(f.women), "men": number(f.men)}
            for r, d, f in rows
            if d == department
        ]
        parts.append(f"{department}: {'; '.join(years)}")
    return _("Bar chart. %(title)s, by year. %(data)s.") % {"title": title, "data": ". ".join(parts)}


def status_chart(
    *, key: str, title: str, columns: list[tuple[str, str]], rows: list[tuple[str, dict[str, int]]], axis: str
) -> Chart:
    """One stacked horizontal bar per objective or department: its contributions by status, each
    part with its number written on it when it has room (the table beside it gives them all)."""

    def spec(width: int, legend_columns: int) -> dict:
        return _status_spec(columns, rows, axis, width, legend_columns)

    described = []
    for row, counts in rows:
        parts = [f"{counts[k]} {label.lower()}" for k, label in columns if counts.get(k)]
        described.append(f"{row}: {', '.join(parts) or '0'}")
    alt = _("Stacked bar chart. %(title)s. %(data)s.") % {"title": title, "data": "; ".join(described)}
    return _chart(key, title, spec(WIDE, 3), alt, phone=spec(PHONE, 1))


def _status_spec(
    columns: list[tuple[str, str]], rows: list[tuple[str, dict[str, int]]], axis: str, width: int, legend_columns: int
) -> dict:
    from naptrack.publications.content import number

    # Stacked here rather than by Vega, so that each part's middle (where its number goes) and
    # its room in pixels are known: a number is written only where it fits.
    longest = max((sum(counts.get(k, 0) for k, _label in columns) for _row, counts in rows), default=0) or 1
    values = []
    for row, counts in rows:
        start = 0
        for order, (k, label) in enumerate(columns):
            n = counts.get(k, 0)
            if not n:
                continue
            text = number(n)
            fits = n * width / longest >= TEXT_SIZE * 0.7 * len(text) + 6
            colour = palette.status_colour(k)
            values.append(
                {
                    "row": row,
                    "status": label,
                    "order": order,
                    "n": n,
                    "x0": start,
                    "x1": start + n,
                    "mid": start + n / 2,
                    "label": text if fits else "",
                    "ink": palette.ink(colour),
                }
            )
            start += n
    colour = {
        "field": "status",
        "type": "nominal",
        "title": None,
        "scale": {
            "domain": [label for _k, label in columns],
            "range": [palette.status_colour(k) for k, _label in columns],
        },
        "legend": {"columns": legend_columns},
    }
    bars = {
        "mark": {"type": "bar", "stroke": "#555", "strokeWidth": 0.5},
        "encoding": {
            "x": {
                "field": "x0",
                "type": "quantitative",
                "title": _("Number of contributions"),
                "axis": {"format": ",d", "tickMinStep": 1},
            },
            "x2": {"field": "x1"},
            "color": colour,
            "tooltip": [{"field": "row"}, {"field": "status"}, {"field": "n"}],
        },
    }
    labels = {
        "mark": LABEL,
        "encoding": {
            "x": {"field": "mid", "type": "quantitative"},
            "text": {"field": "label"},
            "color": {"field": "ink", "type": "nominal", "scale": None},
        },
    }
    return {
        "data": {"values": values},
        "width": width,
        "height": {"step": 28},
        "encoding": {"y": {"field": "row", "type": "nominal", "sort": [r for r, _c in rows], "title": axis}},
        "layer": [bars, labels],
    }


# --- rendering ------------------------------------------------------------------------------------

_CACHE: OrderedDict[tuple[str, str], str | bytes] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


def _render(chart: Chart, fmt: str) -> str | bytes:
    """Render once per spec and format: publishing writes the same charts into several files."""
    import vl_convert

    key = (fmt, json.dumps(chart.spec, sort_keys=True, default=str))
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    if fmt == "svg":
        out: str | bytes = vl_convert.vegalite_to_svg(chart.spec)
    else:
        out = vl_convert.vegalite_to_png(chart.spec, scale=2)
    with _LOCK:
        _CACHE[key] = out
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return out


def svg(chart: Chart) -> str:
    return _render(chart, "svg")  # type: ignore[return-value]


_SIZE = re.compile(r'^(<svg\b[^>]*?)\swidth="([0-9.]+)"\s+height="([0-9.]+)"')


def scalable(svg_text: str) -> str:
    """An SVG that fills the width of its box on a page, its height following (viewBox): Vega
    writes a fixed size in pixels, which left charts small on a laptop and cut on a phone."""
    found = _SIZE.search(svg_text)
    if not found:
        return svg_text
    head, width, height = found.groups()
    rest = svg_text[found.end() :]
    if "viewBox" not in svg_text[: svg_text.index(">") + 1]:
        head += f' viewBox="0 0 {width} {height}"'
    return head + ' width="100%"' + rest


def png(chart: Chart) -> bytes:
    return _render(chart, "png")  # type: ignore[return-value]
