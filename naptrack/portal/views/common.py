"""What the portal's views share."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from naptrack.plans.models import Plan


def plan_or_404(slug: str, user=None) -> Plan:
    """The plan, adopted: a draft is a 404 for the public (and every page that does not say who
    asks); the page that passes `user` shows a draft to those who prepare it."""
    plans = Plan.objects.visible_to(user) if user is not None else Plan.objects.adopted()
    return get_object_or_404(plans, slug=slug)


def page_language() -> str:
    """The language of the page being served, without a region (fr, not fr-be)."""
    return (get_language() or "en").split("-")[0]
