"""The report as one self-contained HTML document (styles and charts inline), served as a page and
printable from the browser (report.css has a print stylesheet). The PDF is laid out by Typst from
the same content tree (publications/pdf.py), in the same order."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import cache
from pathlib import Path

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from naptrack.publications import charts
from naptrack.publications.content import Chart, Report, Text
from naptrack.publications.content.changes import movement_labels

CSS_FILE = Path(__file__).with_name("report.css")


@cache
def _css() -> str:
    return CSS_FILE.read_text(encoding="utf-8")


def _css_string(text: str) -> str:
    # A JSON string is a valid CSS string once newlines are gone (they cannot occur here).
    return json.dumps(text)


def _page_css() -> str:
    """The running page number ("Page 3 of 120"), in the report's language."""
    phrase = _("Page %(page)s of %(pages)s")
    parts = []
    for token in re.split(r"(%\(page\)s|%\(pages\)s)", phrase):
        if token == "%(page)s":
            parts.append("counter(page)")
        elif token == "%(pages)s":
            parts.append("counter(pages)")
        elif token:
            parts.append(_css_string(token))
    content = " ".join(parts)
    return f"@media print {{ @page {{ @bottom-center {{ content: {content}; font-size: 7.5pt; color: #555; }} }} }}"


def svg_uri(chart: Chart, *, phone: bool = False) -> str:
    """The chart as a data: URI, scaled to the width of its box on the page (charts.scalable);
    `phone` for its layout for a narrow screen (the same when it has none)."""
    if phone and chart.phone:
        chart = Chart(key=chart.key, title=chart.title, spec=chart.phone, alt=chart.alt)
    data = charts.scalable(charts.svg(chart)).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml"}


def logo_uri(path: str) -> str:
    """The issuing institution's logo (NAPTRACK_REPORT_LOGO) inlined, since the report is one
    self-contained document; "" when none is set or the file cannot be read (the cover then
    names the institution in words only)."""
    if not path:
        return ""
    kind = LOGO_TYPES.get(Path(path).suffix.lower())
    try:
        data = Path(path).read_bytes() if kind else b""
    except OSError:
        return ""
    if not data:
        return ""
    return f"data:{kind};base64," + base64.b64encode(data).decode("ascii")


def summary_tables(report: Report) -> list[dict]:
    keys = [key for key, _label in report.summary.columns]
    out = []
    for title, head, rows, chart in (
        (_("By objective"), _("Objective"), report.summary.by_objective, report.summary.objective_chart),
        (_("By department"), _("Department"), report.summary.by_department, report.summary.department_chart),
    ):
        out.append(
            {
                "title": title,
                "head": head,
                "caption": _("Contributions by state of implementation, %(title)s")
                % {"title": title[:1].lower() + title[1:]},
                "rows": [{"label": r.label, "values": [r.counts[k] for k in keys], "total": r.total} for r in rows],
                "chart": chart,
            }
        )
    return out


def toc_titles(report: Report) -> list[Text]:
    """The plan texts the contents list: the objectives' titles."""
    return [objective.title for objective in report.objectives]


def render_html(report: Report, *, back_url: str | None = None) -> str:
    with translation.override(report.language):
        context = {
            "report": report,
            "css": _css() + "\n" + _page_css(),
            "kind_label": report.kind_label,
            "date_label": report.date_label,
            "method": report.method,
            "summary_tables": summary_tables(report) if report.summary else [],
            "show_intro": report.introduction is not None or report.draft,
            "movement_labels": movement_labels(),
            "logo_uri": logo_uri(report.cover.logo if report.cover else ""),
            "back_url": back_url,
            "toc_titles": toc_titles(report),
        }
        return render_to_string("publications/report.html", context)


def style_hashes(html: str) -> list[str]:
    """The CSP sources of the report's <style> blocks: the report is one self-contained document
    (saved as it is, printed from the browser), so its stylesheet is inline, and the site's policy
    allows no inline style but this exact one."""
    blocks = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    digests = (hashlib.sha256(block.encode("utf-8")).digest() for block in blocks)
    return [f"'sha256-{base64.b64encode(d).decode('ascii')}'" for d in digests]
