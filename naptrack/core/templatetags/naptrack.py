"""Template helpers for translated plan content."""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

register = template.Library()
SOURCE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE

# The languages of plan text shown for want of a translation while a page renders: a context
# variable rather than the template context, so that texts in included templates and inclusion
# tags (which get a context of their own) count too. None outside {% foreign_notice %}.
_shown: ContextVar[set[str] | None] = ContextVar("naptrack_foreign_text", default=None)


def _lang() -> str:
    return (get_language() or SOURCE).split("-")[0]


def translated(obj, field: str) -> tuple[str, bool]:
    """The field in the reader's language, or the plan's own text and True when it has no
    translation yet."""
    lang = _lang()
    if lang != SOURCE and lang in settings.MODELTRANSLATION_LANGUAGES:
        value = getattr(obj, f"{field}_{lang}", None)
        if value:
            return value, False
    source = getattr(obj, f"{field}_{SOURCE}", None) or ""
    return source, lang != SOURCE and bool(source)


def _marked(text: SafeString, fallback: bool, block: bool = False) -> SafeString:
    if not fallback:
        return text
    shown = _shown.get()
    if shown is not None:
        shown.add(SOURCE)
    # lang= lets screen readers switch voice (WCAG 3.1.2); the page says once, at its top, that
    # part of it is in English (see foreign_notice) rather than a mark on every text.
    tag = "div" if block else "span"
    return format_html('<{} lang="{}">{}</{}>', tag, SOURCE, text, tag)


@register.simple_tag
def content(obj, field: str) -> SafeString:
    text, fallback = translated(obj, field)
    return _marked(format_html("{}", text), fallback)


@register.simple_tag
def content_paragraphs(obj, field: str) -> SafeString:
    text, fallback = translated(obj, field)
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    html = format_html_join("", "<p>{}</p>", ((p,) for p in paragraphs))
    return _marked(html, fallback, block=True)


@register.simple_tag
def plain_content(obj, field: str) -> str:
    """Translated plan content as plain text (with fallback, unmarked): for a page's <title>, a
    title attribute or an <option>, where markup has no place."""
    return translated(obj, field)[0]


def foreign_note() -> str:
    return _("Part of this page is only available in English.")


class ForeignNoticeNode(template.Node):
    def __init__(self, nodelist: template.NodeList):
        self.nodelist = nodelist

    def render(self, context: Context) -> str:
        token = _shown.set(set())
        try:
            body = self.nodelist.render(context)
            shown = _shown.get()
        finally:
            _shown.reset(token)
        if not shown:
            return body
        notice = format_html('<p class="alert alert-info py-2 foreign-notice">{}</p>', foreign_note())
        return notice + body


@register.tag
def foreign_notice(parser: Parser, token: Token) -> ForeignNoticeNode:
    """{% foreign_notice %}...{% endforeign_notice %}: renders what it holds first, then puts one
    notice before it when any plan text in it is shown in English for want of a translation, in
    place of a mark on every such text."""
    nodelist = parser.parse(("endforeign_notice",))
    parser.delete_first_token()
    return ForeignNoticeNode(nodelist)


@register.filter
def country_name(code: str) -> str:
    return _country_name(code, get_language()) or code


@functools.lru_cache(maxsize=4096)
def _country_name(code: str, language: str | None) -> str:
    # django_countries looks the code up in its data and translates the name on every call (a
    # list of plans or countries asks for the same few again and again); the data and the
    # catalogues are the process's for its life.
    return str(countries.name(code))


@register.filter
def markdown(text: str) -> SafeString:
    from naptrack.core.markdown import render

    return render(text)


@register.simple_tag
def content_markdown(obj, field: str) -> SafeString:
    """Translated Markdown (a round's instructions) rendered as the `markdown` filter renders it:
    the raw text goes to Markdown, never `content`'s escaped HTML (a quotation's "> " escaped
    is no longer Markdown, and the sanitiser would strip the language mark)."""
    from naptrack.core.markdown import render

    text, fallback = translated(obj, field)
    return _marked(render(text), fallback, block=True)


@register.filter
def state_badge(state: str) -> str:
    """The badge classes of a workflow state ("text-bg-info" for submitted), the same on every
    page: core/palette.py is the one mapping."""
    from naptrack.core.palette import state_css

    return f"text-bg-{state_css(state)}"


@register.simple_tag
def workflow_state(state: str, label: str) -> SafeString:
    """A workflow state's badge (a contribution's, a round's, an assessment's...), written the same
    on every page. A tag rather than an included template: the lists show one a row, and an
    include cost each row a template context and a render of its own."""
    return format_html('<span class="badge state state-{} {}">{}</span>', state, state_badge(state), capfirst(label))


@register.filter
def status_colour(status: str) -> str:
    """A line's state of implementation as its colour, for SVG fill attributes."""
    from naptrack.core.palette import status_colour as colour

    return colour(status)


@register.filter
def page_numbers(page: Page) -> list[int | str]:
    """The page numbers a pager links to: the first, the last and two either side of the page,
    the rest elided (Paginator.ELLIPSIS), so that the pager does not grow with the pages."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
