"""Charts of the report: Vega-Lite specs built once from the report's data and rendered on the
server by vl-convert (SVG for HTML and PDF, PNG for DOCX). Nothing is fetched at run time: the
spec carries its data, and text is set in fonts Debian installs (DejaVu, Liberation).

Every chart has a text alternative that says what it shows, numbers included, and the report
also gives the same numbers in a table beside it.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from naptrack.publications.content import Chart, Figures

FONT = "DejaVu Sans"
# Two hues told apart with any common colour-vision deficiency (ColorBrewer PuOr).
WOMEN_COLOUR = "#5e3c99"
MEN_COLOUR = "#e66101"
STATUS_COLOURS = {
    "not-started": "#d7191c",
    "in-progress": "#fdae61",
    "completed": "#1a9641",
    "continuous": "#2b83ba",
    "not-applicable": "#bababa",
    "none": "#e0e0e0",
    "withheld": "#8c8c8c",
    "absent": "#ffffff",
}
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # a name only; never fetched
CONFIG = {
    "font": FONT,
    "background": "white",
    "view": {"stroke": None},
    "axis": {"labelFontSize": 10, "titleFontSize": 10},
    "legend": {"labelFontSize": 10, "titleFontSize": 10, "orient": "bottom"},
    "title": {"fontSize": 12, "anchor": "start"},
}


def _number_locale() -> dict:
    """The axes' numbers in the report's language ("10\u202f000" in French, Dutch, German): a
    d3-format locale with the separators of naptrack/formats, the same as the tables'."""
    from naptrack.publications.content.formatting import separators

    thousands, decimal = separators()
    return {"decimal": decimal, "thousands": thousands, "grouping": [3], "currency": ["", "\u00a0\u20ac"]}


def _chart(key: str, title: str, spec: dict, alt: str) -> Chart:
    from naptrack.publications.content import Chart

    config = {**CONFIG, "locale": {"number": _number_locale()}}
    return Chart(key=key, title=title, spec={"$schema": SCHEMA, "config": config, **spec}, alt=alt)


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
        "y": {"field": "n", "type": "quantitative", "title": _("Number of people")},
        "color": {
            "field": "sex",
            "type": "nominal",
            "title": None,
            "scale": {"domain": [women, men], "range": [WOMEN_COLOUR, MEN_COLOUR]},
        },
        "tooltip": [{"field": "department"}, {"field": "round"}, {"field": "sex"}, {"field": "n"}],
    }
    layer = {
        "mark": {"type": "bar"},
        "width": {"step": 18} if len(departments) > 1 else {"step": 28},
        "height": 140,
        "encoding": encoding,
    }
    if len(departments) > 1:
        spec = {
            "data": {"values": values},
            "facet": {"field": "department", "type": "nominal", "sort": departments, "title": None},
            "columns": 2,
            "spec": layer,
            "resolve": {"scale": {"y": "independent"}},
        }
    else:
        spec = {"data": {"values": values}, **layer}
    return _chart(key, title, spec, _sex_alt(title, rows))


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
    """One stacked horizontal bar per objective or department: its contributions by status."""
    labels = dict(columns)
    values = [
        {"row": row, "status": labels[k], "order": n, "n": counts.get(k, 0)}
        for row, counts in rows
        for n, (k, _label) in enumerate(columns)
        if counts.get(k, 0)
    ]
    spec = {
        "data": {"values": values},
        "mark": {"type": "bar", "stroke": "#555", "strokeWidth": 0.5},
        "width": 380,
        "height": {"step": 16},
        "encoding": {
            "y": {"field": "row", "type": "nominal", "sort": [r for r, _c in rows], "title": axis},
            "x": {"field": "n", "type": "quantitative", "stack": "zero", "title": _("Number of contributions")},
            "color": {
                "field": "status",
                "type": "nominal",
                "title": None,
                "scale": {
                    "domain": [label for _k, label in columns],
                    "range": [STATUS_COLOURS.get(k, "#999") for k, _label in columns],
                },
                "legend": {"columns": 3},
            },
            "order": {"field": "order"},
            "tooltip": [{"field": "row"}, {"field": "status"}, {"field": "n"}],
        },
    }
    described = []
    for row, counts in rows:
        parts = [f"{counts[k]} {label.lower()}" for k, label in columns if counts.get(k)]
        described.append(f"{row}: {', '.join(parts) or '0'}")
    alt = _("Stacked bar chart. %(title)s. %(data)s.") % {"title": title, "data": "; ".join(described)}
    return _chart(key, title, spec, alt)


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


def png(chart: Chart) -> bytes:
    return _render(chart, "png")  # type: ignore[return-value]
