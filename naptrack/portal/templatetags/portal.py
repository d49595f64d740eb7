"""Template helpers of the public portal: figures in words, rounds by name."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from naptrack.core.templatetags.naptrack import content, plain_content
from naptrack.publications.content import Figures, number, percent, round_label

register = template.Library()


@register.filter
def figures_text(f: Figures | None) -> str:
    """ "30 women, 40 men, 0 other; total 70 (42.9% women)" or "0.25 ratio"."""
    if f is None or f.empty:
        return ""
    parts = []
    if f.women is not None or f.men is not None or f.other is not None:
        people = [
            _("%(n)s women") % {"n": number(f.women)} if f.women is not None else "",
            _("%(n)s men") % {"n": number(f.men)} if f.men is not None else "",
            _("%(n)s other or not recorded") % {"n": number(f.other)} if f.other is not None else "",
        ]
        parts.append(", ".join(p for p in people if p))
    if f.total is not None:
        total = _("total %(n)s") % {"n": number(f.total)}
        if f.share is not None:
            total += " " + _("(%(share)s women)") % {"share": percent(f.share)}
        parts.append(total)
    if f.value is not None:
        parts.append(f"{number(f.value)} {f.unit}".strip())
    return "; ".join(parts)


@register.filter
def round_short(round_) -> str:
    """ "2014", or "2012 (baseline)": what a column of years says."""
    return round_label(round_)


@register.filter
def share(value: float | None) -> str:
    return percent(value)


@register.filter
def answer_figures(measurement) -> str:
    """A measurement's figures in words (empty for a qualitative instrument): people by sex as
    figures_text writes them, every other kind as the staff screens do ("EUR 500,000 · marker 2
    (principal) · civil society", "12.5 % (5 of 40)", "Yes", "120 trainings")."""
    from naptrack.portal.queries import figures
    from naptrack.reporting.answers import answer_words

    if measurement.instrument.by_sex:
        return figures_text(figures(measurement))
    return answer_words(measurement)


@register.filter
def country_figures(measurement) -> list[tuple[str, str]]:
    """A measurement's figures by country: [(country's name, figures in words)]."""
    from naptrack.reporting.answers import country_rows

    return country_rows(measurement)


# Translated plan content as plain text, for <option> elements: the same tag as core's.
register.simple_tag(plain_content, name="plain_content")


@register.filter
def status_label(code: str) -> str:
    """A status on the plan's scale in words (a civil-society assessment's status is a code)."""
    from django.utils.text import capfirst

    from naptrack.reporting.models import Contribution

    if code in Contribution.Status.values:
        return capfirst(str(Contribution.Status(code).label))
    return _("No status given")


@register.simple_tag(takes_context=True)
def departments(context: Context, plan, responsibilities) -> SafeString:
    """A line's responsible departments, as badges linking to their pages. Written here rather
    than included: the plan's page lists its hundred lines, and an included template per line
    cost a quarter of the page (bench/scale.py: 132 -> 100 ms without it). What repeats (each
    department's badge, the words) is made once a page."""
    made = context.render_context.get("naptrack_department_badges")
    if made is None:
        made = context.render_context["naptrack_department_badges"] = {
            "open": format_html(
                '<ul class="list-inline mb-0 departments" aria-label="{}">', _("Responsible departments")
            ),
            "coordinates": format_html(' <span class="badge text-bg-warning">{}</span>', _("coordinates")),
        }
    items = [made["open"]]
    for r in responsibilities:
        badge = made.get((plan.pk, r.department_id))
        if badge is None:
            badge = made[(plan.pk, r.department_id)] = format_html(
                '<a class="badge rounded-pill text-bg-secondary text-decoration-none" href="{}">{}</a>',
                reverse("department-detail", args=[plan.slug, r.department.code]),
                content(r.department, "name"),
            )
        items += ('<li class="list-inline-item">', badge, made["coordinates"] if r.is_coordinator else "", "</li>")
    items.append("</ul>\n")
    # Every piece is escaped above (format_html) or a literal of this function.
    return mark_safe("".join(items))


def _words(message: str, **values: object) -> SafeString:
    """`message` (marked with gettext_noop, for makemessages) translated, with its values escaped
    and its own words not, as {% blocktranslate %} writes it ("Ligne d'action" stays as written),
    and in English, as that tag falls back, when a catalog's entry does not fit its values."""
    escaped = {name: escape(value) for name, value in values.items()}
    try:
        return mark_safe(_(message) % escaped)
    except (KeyError, ValueError, TypeError):
        return mark_safe(message % escaped)


@register.simple_tag(takes_context=True)
def plan_line(context: Context, plan, action) -> SafeString:
    """A line of the plan's list (its page, the home page): its code linked to its page, its text,
    retired or not, and its departments. Written here rather than by the template's loop, whose
    nodes cost those pages a twentieth of their Python calls for the plan's hundred lines. `action`
    is of Objective.objects.with_tree()."""
    retired = action.retired_in
    return format_html(
        '<li class="action mb-2{}">\n<a class="fw-semibold" href="{}" aria-label="{}">{}</a>\n{}{}\n{}</li>\n',
        " text-body-secondary" if retired else "",
        reverse("action-detail", args=[plan.slug, action.code]),
        _words(gettext_noop("Line of action %(code)s"), code=action.code),
        action.code,
        content(action, "text"),
        format_html(
            ' <span class="badge text-bg-secondary">{}</span>',
            _words(
                gettext_noop("retired from %(date)s"), date=date_format(retired.effective_from, "SHORT_DATE_FORMAT")
            ),
        )
        if retired
        else "",
        departments(context, plan, action.tree_responsibilities),
    )
