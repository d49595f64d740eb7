"""Progress toward the plan's targets as the staff pages show it: the round's dashboard (counts per
status, the targets behind, the share on track per department) and the line's review page (per
instrument with a target, a chart of the values over the years with the milestones and the target
drawn, and its table). Every number comes from progress(); nothing is computed again here.

Charts are Vega-Lite rendered to SVG on the server by vl-convert, as the report's and the
portal's are (publications.charts, which this layer may not import); each carries a text
alternative with its numbers, and the table beside it is its accessible equivalent.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from naptrack.plans.models import Action, Target
from naptrack.reporting.models import Round
from naptrack.reporting.progress import BEHIND, STATUS_LABELS, STATUSES, Progress, progress, shares_on_track

VALUE_COLOUR, MILESTONE_COLOUR, TARGET_COLOUR = "#5e3c99", "#e66101", "#1a9641"


def status_label(status: str) -> str:
    return str(STATUS_LABELS[status])


def shown(p: Progress, value: Decimal | None) -> str:
    """A figure in the page's language: a share of women as a percentage."""
    if value is None:
        return ""
    if p.target.instrument.by_sex:
        return number_format(value * 100, decimal_pos=1) + "\u00a0%"
    places = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@dataclass
class RoundTargets:
    items: list[Progress]
    counts: list[tuple[str, str, int]] = field(default_factory=list)  # (status, label, n)
    behind: list[Progress] = field(default_factory=list)
    departments: list[tuple[Any, int, int]] = field(default_factory=list)  # (department, on track, of)


def round_targets(round_: Round) -> RoundTargets:
    """The dashboard's "Targets" box: a fixed number of queries (progress's)."""
    items = progress(round_.plan, round_)
    summary = RoundTargets(items=items)
    summary.counts = [(s, status_label(s), sum(1 for p in items if p.status == s)) for s in STATUSES]
    summary.behind = [p for p in items if p.status == BEHIND]
    named = {r.department.code: r.department for p in items for r in p.target.instrument.action.responsibilities.all()}
    summary.departments = [(named[code], n, of) for code, (n, of) in shares_on_track(items, "department").items()]
    return summary


@dataclass
class Row:
    year: int
    value: str
    milestone: str
    status: str = ""


@dataclass
class LineTarget:
    progress: Progress
    rows: list[Row]
    chart_uri: str | None
    alt: str

    @property
    def status(self) -> str:
        return status_label(self.progress.status)


def line_targets(round_: Round, action: Action) -> list[LineTarget]:
    """Each of the line's instruments with a target, as progress() assesses it at `round_`: one
    query when the line has no target, progress's otherwise."""
    if not Target.objects.filter(instrument__action=action).exists():
        return []
    items = [p for p in progress(round_.plan, round_) if p.target.instrument.action_id == action.pk]
    return [_line_target(p) for p in items]


def _line_target(p: Progress) -> LineTarget:
    target = p.target
    milestones = {m.year: m.value for m in target.milestones.all()}
    rows = []
    if p.baseline is not None:
        rows.append(Row(p.baseline[0], shown(p, p.baseline[1]), _("baseline")))
    years = sorted(set(p.values) | {y for y in milestones if y <= p.year})
    for year in years:
        milestone = shown(p, milestones.get(year))
        if year == p.latest_year and p.expected is not None and milestones.get(year) is None:
            milestone = _("%(value)s (expected)") % {"value": shown(p, p.expected)}
        status = status_label(p.status) if year == p.latest_year else ""
        rows.append(Row(year, shown(p, p.values.get(year)), milestone, status))
    if target.value is not None:
        rows.append(Row(target.year, "", _("target: %(value)s") % {"value": shown(p, target.value)}))
    if target.text or not (p.values or p.baseline):
        return LineTarget(p, rows, None, "")
    alt = _alt(p, milestones)
    return LineTarget(p, rows, _svg_uri(json.dumps(_spec(p, milestones), sort_keys=True)), alt)


def _number(p: Progress, value: Decimal) -> float:
    return float(value * 100 if p.target.instrument.by_sex else value)


def _spec(p: Progress, milestones: dict[int, Decimal]) -> dict:
    points = [{"year": y, "n": _number(p, v), "kind": _("value")} for y, v in sorted(p.values.items())]
    if p.baseline is not None:
        points.insert(0, {"year": p.baseline[0], "n": _number(p, p.baseline[1]), "kind": _("value")})
    marks = [{"year": y, "n": _number(p, v), "kind": _("milestone")} for y, v in sorted(milestones.items())]
    if p.target.value is not None:
        marks.append({"year": p.target.year, "n": _number(p, p.target.value), "kind": _("target")})
    title = _("Share of women (%)") if p.target.instrument.by_sex else _("Value")
    x = {"field": "year", "type": "ordinal", "title": _("Year"), "axis": {"labelAngle": 0}}
    y = {"field": "n", "type": "quantitative", "title": title}
    domain = [_("value"), _("milestone"), _("target")]
    colour = {
        "field": "kind",
        "type": "nominal",
        "title": None,
        "scale": {"domain": domain, "range": [VALUE_COLOUR, MILESTONE_COLOUR, TARGET_COLOUR]},
    }
    years = sorted({pt["year"] for pt in points + marks})
    x["sort"] = years
    x["scale"] = {"domain": years}
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",  # a name only; never fetched
        "config": {"font": "DejaVu Sans", "background": "white", "view": {"stroke": None}},
        "width": 360,
        "height": 160,
        "layer": [
            {
                "data": {"values": points},
                "mark": {"type": "line", "point": True},
                "encoding": {"x": x, "y": y, "color": colour},
            },
            {
                "data": {"values": marks},
                "mark": {"type": "point", "shape": "diamond", "size": 90, "filled": True},
                "encoding": {"x": x, "y": y, "color": colour},
            },
        ],
    }


def _alt(p: Progress, milestones: dict[int, Decimal]) -> str:
    values = "; ".join(f"{y}: {shown(p, v)}" for y, v in sorted(p.values.items())) or _("none")
    marks = "; ".join(f"{y}: {shown(p, v)}" for y, v in sorted(milestones.items())) or _("none")
    return _("Line chart. Values by year: %(values)s. Milestones: %(marks)s. Target for %(year)s: %(target)s.") % {
        "values": values,
        "marks": marks,
        "year": p.target.year,
        "target": shown(p, p.target.value),
    }


@functools.lru_cache(maxsize=128)
def _svg_uri(spec: str) -> str:
    """Rendered once per spec: the same line's chart is shown on every visit."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(json.loads(spec))
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
