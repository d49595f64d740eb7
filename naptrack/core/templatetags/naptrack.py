"""Template helpers for translated plan content."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

register = template.Library()
SOURCE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE


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
    # lang= lets screen readers switch voice (WCAG 3.1.2); the short marker shows which texts
    # are untranslated without drowning the page, its full meaning given to screen readers and
    # on hover.
    tag = "div" if block else "span"
    note = _("not yet translated, shown in English")
    return format_html(
        '<{} lang="{}">{}</{}> <span class="badge text-bg-light border fallback-note" title="{}">'
        '<span aria-hidden="true">EN</span><span class="visually-hidden">({})</span></span>',
        tag,
        SOURCE,
        text,
        tag,
        note,
        note,
    )


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


@register.inclusion_tag("plans/_translation_notice.html")
def translation_notice(plan) -> dict:
    """A notice at the top of a plan's pages when the plan has no translation in the reader's
    language, so the English text that follows is no surprise."""
    if plan is None or not hasattr(plan, "title_en"):
        return {"show": False}
    return {"show": translated(plan, "title")[1]}


@register.filter
def country_name(code: str) -> str:
    return countries.name(code) or code


@register.filter
def markdown(text: str) -> SafeString:
    from naptrack.core.markdown import render

    return render(text)
