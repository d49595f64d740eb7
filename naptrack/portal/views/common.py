"""What the portal's views share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from naptrack.plans.models import Plan
from naptrack.portal.queries import RoundPages, RoundSection, page_contributions


def plan_or_404(slug: str, user=None) -> Plan:
    """The plan, adopted: a draft is a 404 for the public (and every page that does not say who
    asks); the page that passes `user` shows a draft to those who prepare it."""
    plans = Plan.objects.visible_to(user) if user is not None else Plan.objects.adopted()
    return get_object_or_404(plans, slug=slug)


def page_language() -> str:
    """The language of the page being served, without a region (fr, not fr-be)."""
    return (get_language() or "en").split("-")[0]


# Reports of the round shown, per page. Each is a text with its answers, figures by country and
# links: a page of 25 was several screens long and cost a country's or department's page 4 ms a
# report on PostgreSQL, two thirds of it.
ROUND_PAGE = 10
TITLES = tuple(f"title_{code}" for code in settings.MODELTRANSLATION_LANGUAGES)  # a plan's title, every language


def round_page(request: HttpRequest, pages: RoundPages) -> dict[str, Any]:
    """What portal/_round_pages.html shows: one published round's contributions (?round=<id>,
    else the newest), one page of them (?page=n, two queries), and links to the other rounds, so
    that a page's cost stays that of one page of one round however many were published."""
    wanted = request.GET.get("round") or ""
    shown = pages.chosen(int(wanted) if wanted.isdigit() and len(wanted) < 10 else None)
    if shown is None:
        return {"round_links": [], "shown_round": None, "rounds": [], "page": None, "page_query": ""}
    page = Paginator(shown[1], ROUND_PAGE).get_page(request.GET.get("page"))
    return {
        "round_links": [(r, len(ids)) for r, ids in pages.rounds],
        "shown_round": shown[0],
        "rounds": [RoundSection(shown[0], contributions=page_contributions(page.object_list))],
        "page": page,
        "page_query": f"round={shown[0].pk}",
    }
