"""Template helpers of the report to parliament, and the list of published reports on the plan page."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from naptrack.publications import content as c

register = template.Library()


@register.filter
def num(value) -> str:
    return c.number(value)


@register.filter
def pct(share) -> str:
    return c.percent(share)


@register.filter
def pct_points(points: float | None) -> str:
    """A share already in per cent (18.9 for 18.9 %), written as pct writes shares."""
    return c.percent(None if points is None else float(points) / 100)


@register.filter
def plan_text(text: c.Text) -> SafeString:
    """Plan content; English shown for want of a translation carries its language (the chapter
    says once that part of it is in English: see foreign_note)."""
    if not text.fallback:
        return format_html("{}", text.text)
    return format_html('<span lang="{}">{}</span>', c.SOURCE_LANGUAGE, text.text)


def foreign_phrase() -> str:
    return _("Part of this chapter is only available in English.")


@register.filter
def foreign_note(node) -> SafeString:
    """One note at the top of a chapter that holds plan text shown in English."""
    if not c.foreign(node):
        return SafeString("")
    return format_html('<p class="foreign-note">{}</p>', foreign_phrase())


@register.filter
def cell(value: str | c.Text) -> SafeString:
    """An annex table's cell: plain text with its line breaks, or plan text with its language."""
    if isinstance(value, c.Text):
        return plan_text(value)
    return linebreaksbr(value, autoescape=True)


def mark_labels() -> dict[str, str]:
    return {
        c.UNAPPROVED: _("Draft only: submitted, not yet approved"),
        c.INTERNAL: _("Draft only: internal, not for publication"),
    }


@register.filter
def marks(codes: tuple[str, ...]) -> SafeString:
    if not codes:
        return SafeString("")
    labels = mark_labels()
    return format_html_join(" ", '<span class="mark mark-{}">[{}]</span>', ((code, labels[code]) for code in codes))


@register.filter
def svg_uri(chart: c.Chart) -> str:
    from naptrack.publications.html import svg_uri as uri

    return uri(chart)


@register.filter
def phone_svg_uri(chart: c.Chart) -> str:
    from naptrack.publications.html import svg_uri as uri

    return uri(chart, phone=True)


@register.filter
def department(ref: c.DepartmentRef) -> SafeString:
    return plan_text(ref.name)


@register.simple_tag
def report_options() -> dict:
    """The languages and formats the report is downloaded in, named in the reader's language."""
    from django.utils.translation import get_language_info

    from naptrack.publications.services import LANGUAGES

    return {
        "languages": [(code, get_language_info(code)["name_local"]) for code in LANGUAGES],
        "formats": [("html", _("Web page")), ("pdf", "PDF"), ("docx", _("Word"))],
    }


@register.inclusion_tag("publications/_published_reports.html")
def published_reports(plan) -> dict:
    """The reports to parliament of the plan's published rounds, grouped by round, each with its
    transmissions to parliament (one query, and one more when there are reports)."""
    from naptrack.publications.models import PublishedReport, Transmission

    rounds: dict[int, dict] = {}
    for report in PublishedReport.objects.of_plan(plan):
        entry = rounds.setdefault(report.round_id, {"round": report.round, "files": [], "transmissions": []})
        entry["files"].append(report)
    if rounds:
        for t in Transmission.objects.filter(round_id__in=list(rounds)).order_by("sent_on", "pk"):
            rounds[t.round_id]["transmissions"].append(t)
    return {"plan": plan, "rounds": list(rounds.values())}


@register.filter
def get(mapping: dict, key: str):
    """mapping[key] in a template (a count row's column, a movement's label); None when absent."""
    return mapping.get(key) if mapping else None
