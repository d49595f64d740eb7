"""What the portal's views share."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from naptrack.plans.models import Plan


def plan_or_404(slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug)


def page_language() -> str:
    """The language of the page being served, without a region (fr, not fr-be)."""
    return (get_language() or "en").split("-")[0]
