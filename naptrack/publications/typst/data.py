"""The report's content tree as JSON-able data for the Typst template (report.typ).

A walk over the tree's dataclasses, field by field, so that a node or field the content builder
adds reaches the template without a change here; only what the template cannot do itself is
turned into something else on the way: Markdown into blocks (see blocks.py), figures into numbers
written in the report's language, marks into their labels, charts into their SVG. The fixed
texts of the report (headings, table heads, phrases) are translated here with gettext, with the
same messages as the HTML template, and passed as data too: the template holds no words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from naptrack.publications import charts
from naptrack.publications.content import (
    DASH,
    INTERNAL,
    SOURCE_LANGUAGE,
    UNAPPROVED,
    Chart,
    Figures,
    Report,
    Text,
    foreign,
    number,
    percent,
)
from naptrack.publications.content.changes import movement_labels
from naptrack.publications.templatetags.publications import foreign_phrase
from naptrack.publications.typst.blocks import markdown_blocks

logger = logging.getLogger(__name__)

# Fields that hold Markdown (as departments and the coordinator write it), by node and field.
MARKDOWN_FIELDS = {
    ("Line", "synthesis"),
    ("Narrative", "narrative"),
    ("TextPart", "text"),
    ("CountryEntry", "narrative"),
}
# Fields the template does not print: the report's charts are printed where they belong (the
# summary, each instrument), and this list of them all would put each SVG in the data twice.
SKIPPED_FIELDS = {("Report", "charts")}
# Chapters that say once at their top that part of them is in English (content.foreign).
CHAPTERS = {"ObjectiveSection", "TextPart", "Summary", "CountryChapter", "Annex"}
TEXT_WIDTH_PT = 176 / 25.4 * 72  # A4 less the side margins of the template (17 mm each)
_SVG_WIDTH = re.compile(rb'<svg[^>]*?\swidth="([0-9.]+)')


def report_data(report: Report) -> dict[str, Any]:
    """Everything the template prints, in the report's language."""
    with translation.override(report.language):
        return {
            "report": walk(report),
            "labels": labels(report),
            "page_phrase": page_phrase(),
            "source_language": SOURCE_LANGUAGE,
            "foreign": {
                "cover": foreign(report.plan_title),
                "contents": foreign([o.title for o in report.objectives]),
                "other_countries": foreign(report.countries.others if report.countries else []),
            },
        }


def walk(value: Any, owner: str = "", name: str = "") -> Any:
    """A node of the tree as JSON-able data. `owner` and `name` say which node's field it is."""
    if isinstance(value, Text):
        data: dict[str, Any] = {"text": value.text, "fallback": value.fallback}
        if (owner, name) in MARKDOWN_FIELDS:
            data["blocks"] = markdown_blocks(value.text)
        return data
    if isinstance(value, Figures):
        return figures(value)
    if isinstance(value, Chart):
        return chart(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value).__name__
        out = {"node": kind}
        for f in dataclasses.fields(value):
            if (kind, f.name) not in SKIPPED_FIELDS:
                out[f.name] = walk(getattr(value, f.name), kind, f.name)
        if kind == "PreviousAnswer" and getattr(value, "markdown", False):
            out["blocks"] = markdown_blocks(value.text)
        if kind == "Cover":
            out["logo_image"] = logo(getattr(value, "logo", ""))
        if kind in CHAPTERS:
            out["foreign"] = foreign(value)
        return out
    if name == "marks" and isinstance(value, tuple | list):
        return marks(value)
    if isinstance(value, str):
        if (owner, name) in MARKDOWN_FIELDS:
            return {"text": value, "fallback": False, "blocks": markdown_blocks(value)}
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, Decimal):
        return number(value)
    if isinstance(value, int | float):
        return value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): walk(v, owner, name) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [walk(v, owner, name) for v in value]
    return str(value)


LOGO_FORMATS = {".png": "png", ".jpg": "jpg", ".jpeg": "jpg", ".gif": "gif", ".svg": "svg"}
LOGO_MAX_BYTES = 2 * 1024 * 1024


def logo(path: str) -> dict[str, Any] | None:
    """The issuing institution's logo (a file named in the settings, not user data) as bytes
    the template can place: Typst reads no file here, and a missing or odd file is left out."""
    if not path:
        return None
    file = Path(path)
    kind = LOGO_FORMATS.get(file.suffix.lower())
    try:
        if kind is None or file.stat().st_size > LOGO_MAX_BYTES:
            raise OSError("not a logo")
        content = file.read_bytes()
    except OSError:
        logger.warning("report logo %s left out: not a readable PNG, JPEG, GIF or SVG file", path)
        return None
    return {"format": kind, "data": list(content)}


def figures(f: Figures) -> dict[str, Any]:
    """Figures as the report writes them ("1,234", "42.9%", a dash for a figure not given)."""
    return {
        "node": "Figures",
        "empty": f.empty,
        "women": number(f.women),
        "men": number(f.men),
        "other": number(f.other),
        "total": number(f.total),
        "share": percent(f.share),
        "value": number(f.value),
        "unit": f.unit or "",
    }


def chart(c: Chart) -> dict[str, Any]:
    svg = charts.svg(c)
    return {
        "node": "Chart",
        "key": c.key,
        "title": c.title,
        "alt": c.alt,
        "svg": svg,
        "width": _width(svg.encode("utf-8")),
    }


def _width(svg: bytes) -> float:
    """The chart's width as a share of the text width: its own size (1 px = 0.75 pt), never
    more than the column, so that a small chart is not blown up."""
    found = _SVG_WIDTH.search(svg[:2000])
    if not found:
        return 1.0
    return round(min(1.0, float(found.group(1)) * 0.75 / TEXT_WIDTH_PT), 4)


def mark_labels() -> dict[str, str]:
    return {
        UNAPPROVED: _("Draft only: submitted, not yet approved"),
        INTERNAL: _("Draft only: internal, not for publication"),
    }


def marks(codes: tuple[str, ...] | list[str]) -> list[dict[str, str]]:
    names = mark_labels()
    return [{"code": code, "label": names.get(code, code)} for code in codes]


def page_phrase() -> list[str]:
    """ "Page %(page)s of %(pages)s" in the report's language, cut into its words and the two
    numbers' places ("{page}", "{pages}"), which the template fills in."""
    phrase = _("Page %(page)s of %(pages)s")
    parts = re.split(r"(%\(page\)s|%\(pages\)s)", phrase)
    return [{"%(page)s": "{page}", "%(pages)s": "{pages}"}.get(p, p) for p in parts if p]


def _counts_caption(title: str) -> str:
    return _("Contributions by state of implementation, %(title)s") % {"title": title[:1].lower() + title[1:]}


def labels(report: Report) -> dict[str, str]:
    """The report's fixed texts, translated (the messages of the HTML template's)."""
    return {
        "report_to_parliament": _("Report to parliament"),
        "kind_of_round": _("Kind of round"),
        "year_covered": _("Year covered"),
        "plan_period": _("Period of the plan"),
        "date": _("Date"),
        "version": _("Version"),
        "draft_flag": _("Draft for internal review: not for publication"),
        "final": _("Final"),
        "draft_note": _(
            "This draft also shows contributions that are submitted but not yet approved, and contributions "
            "marked internal. Each is marked; none of them appears in the published report."
        ),
        "watermark": _("DRAFT"),
        "contents": _("Contents"),
        "introduction": _("Introduction"),
        "intro_missing": "[" + _("Draft only: the coordinator has not written the introduction yet.") + "]",
        "foreign_note": foreign_phrase(),
        "summary": _("Summary"),
        "received": _("%(received)s of %(expected)s expected contributions are included in this report.")
        % {"received": number(report.summary.received), "expected": number(report.summary.expected)}
        if report.summary
        else "",
        "by_objective": _("By objective"),
        "by_department": _("By department"),
        "objective": _("Objective"),
        "department": _("Department"),
        "total": _("Total"),
        "counts_caption_objective": _counts_caption(_("By objective")),
        "counts_caption_department": _counts_caption(_("By department")),
        "missing_title": _("Missing contributions"),
        "missing_intro": _("Lines of action on which a department's report was not received:"),
        "missing_none": _("Every expected contribution was received."),
        "objective_n": _("Objective %(number)s"),
        "goal_n": _("Goal %(number)s"),
        "line_n": _("Line of action %(code)s"),
        "departments": _("Departments:"),
        "coordinates": _("coordinates"),
        "focus_countries": _("Focus countries:"),
        "synthesis": _("Synthesis by the coordinator"),
        "no_report": _("No report received from %(name)s."),
        "withheld": _("The report of %(name)s on this line is for internal use and is not published."),
        "instrument_n": _("Monitoring instrument %(number)s"),
        "figures_caption": _("Figures reported for %(year)s") % {"year": report.year},
        "women": _("Women"),
        "men": _("Men"),
        "other": _("Other or not recorded"),
        "share": _("Share of women"),
        "value": _("Value"),
        "unit": _("Unit"),
        "no_figures": _("No figures given."),
        "no_answer": _("No answer given."),
        "note": _("Note:"),
        "no_answer_in_report": _("No answer in this report."),
        "history_caption": _("Earlier years beside this year"),
        "year": _("Year"),
        "status": _("Status:"),
        "no_narrative": _("No narrative given."),
        "dash": DASH,
        "logo": _("Logo"),
        "country": _("Country"),
        "movements_title": _("Changes since the previous round"),
        "movements_intro": _(
            "Each department's status on each line of action beside its status in the previous round, "
            "%(round)s: how many moved forward, stayed or went back (the order is explained with the status scale)."
        ),
        "movements_caption": _("Lines of action and departments by change of status since %(round)s, by objective"),
        "since": _("Since %(round)s:"),
        "movement_labels": movement_labels(),
        "country_intro": _(
            "What the departments reported on %(country)s, a focus country of the plan, in the order of the plan."
        ),
        "country_none": _("No contribution in this report concerns %(country)s."),
        "country_figures_caption": _("Figures reported on line %(code)s"),
        "instrument": _("Monitoring instrument"),
        "other_countries": _("Other countries"),
        "other_countries_intro": _(
            "Countries that are not focus countries of the plan, as the departments tagged their contributions."
        ),
    }
