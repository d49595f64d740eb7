"""Template helpers for a department's answers: figures in words and by country, and the words
that explain a contribution's state and status."""

from __future__ import annotations

from django import template

from naptrack.reporting import answers
from naptrack.reporting.models import Contribution, Measurement

register = template.Library()


@register.filter
def answer_words(m: Measurement | None) -> str:
    """ "EUR 500,000 · marker 2 (principal) · civil society", "12.5 % (5 of 40)", "Yes"."""
    return answers.answer_words(m) if m is not None else ""


@register.filter
def country_rows(m: Measurement | None) -> list[tuple[str, str]]:
    """[(country's name, figures in words)] for the answer's rows by country."""
    return answers.country_rows(m) if m is not None else []


@register.filter
def derived_words(m: Measurement | None) -> str:
    return answers.derived_words(m) if m is not None else ""


@register.simple_tag
def contribution_states() -> str:
    """The states' labels, as the lists and badges show them, so that the explanation never drifts."""
    return ", ".join(str(label) for _value, label in Contribution.State.choices)


@register.simple_tag
def contribution_statuses() -> str:
    return ", ".join(str(label) for _value, label in Contribution.Status.choices)
