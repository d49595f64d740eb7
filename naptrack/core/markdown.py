"""Markdown written by departments and the coordinator, rendered to safe HTML."""

from __future__ import annotations

import re
import threading
from html import unescape

import markdown as md
import nh3
from django.utils.html import strip_tags
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


# Text that Markdown can only make paragraphs of: words, digits, spaces and punctuation that is
# no markup (no * _ # > < & [ ] ` | \\ =, no tab or carriage return). Most reports are such.
_PLAIN_TEXT = re.compile("(?:[^\\W_]|[ \n.,;:!?'\"()%/€$°\u2018\u2019\u201c\u201d«»\u2013\u2014+-])*")
# A line that would start a list, a rule or a heading's underline, or a code block or line break.
_NOT_PROSE = re.compile(r"^(?:\d+[.)](?:\s|$)|[-+](?:\s|$)|[- ]+$|\s)|\s$")


def _paragraphs(text: str) -> str | None:
    """What Markdown makes of plain paragraphs, without its parser (a third of a page of reports
    was spent in it): None when `text` may hold any markup. tests/test_markdown.py compares both
    on generated texts, and CI runs it on the Markdown release installed."""
    if not _PLAIN_TEXT.fullmatch(text):
        return None
    paragraphs: list[list[str]] = [[]]
    for line in text.split("\n"):
        if not line:
            paragraphs.append([])
        elif _NOT_PROSE.search(line):
            return None
        else:
            paragraphs[-1].append(line)
    return "\n".join("<p>" + "\n".join(lines) + "</p>" for lines in paragraphs if lines)


def render(text: str) -> SafeString:
    """Markdown to HTML, then sanitised: no script, no style, no raw HTML smuggled in; links keep
    only their address. Headings start at h3 so that they sit under the page's own."""
    text = text or ""
    html = _paragraphs(text)
    if html is None:
        html = _converter().convert(text)
    html = html.replace("<h1>", "<h3>").replace("</h1>", "</h3>").replace("<h2>", "<h4>").replace("</h2>", "</h4>")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)


_BLOCK_END = re.compile(r"</(p|li|h[3-6]|blockquote|pre|tr)>|<br\s*/?>|<hr\s*/?>")


def plain(text: str) -> str:
    """Markdown as the words a reader sees, for a place that shows no formatting (a table cell of
    the report's annexes, a spreadsheet): emphasis and link marks gone, a line per paragraph or
    list item."""
    html = _BLOCK_END.sub("\n", str(render(text)))
    html = html.replace("<li>", "\u2013 ")
    lines = (unescape(strip_tags(line)).strip() for line in html.splitlines())
    return "\n".join(line for line in lines if line)
