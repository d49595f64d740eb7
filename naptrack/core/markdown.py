"""Markdown written by departments and the coordinator, rendered to safe HTML."""

from __future__ import annotations

import threading

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "code",
    "pre",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "hr",
}


_local = threading.local()


def _converter() -> md.Markdown:
    """One converter per thread, reset between texts: building one costs more than converting a
    paragraph, and a report converts hundreds."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = md.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return converter.reset()


def render(text: str) -> SafeString:
    """Markdown to HTML, then sanitised: no script, no style, no raw HTML smuggled in; links keep
    only their address. Headings start at h3 so that they sit under the page's own."""
    html = _converter().convert(text or "")
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)
