"""Public pages for exploring what was published: focus countries, comparison over time, search.

Read-only, server-rendered, a fixed number of queries each, served through caching.public_page
(ETag, per-process cache, Cache-Control for anonymous visitors).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_countries import countries as all_countries

from naptrack.core.numbers import whole_number
from naptrack.plans.models import Objective, Plan, PlanDepartment
from naptrack.portal import figure_sections, queries
from naptrack.portal import figures as published_figures
from naptrack.portal.caching import public_page
from naptrack.portal.search import search as run_search
from naptrack.portal.search import terms
from naptrack.portal.views.common import page_language, plan_or_404, round_page
from naptrack.reporting.totals import of_country

# --- focus countries ------------------------------------------------------------------------------


@public_page
def country_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    """What concerns a country: the lines naming it or tagged with it, the country's parts of the
    published figures per year, and the tagged reports of one published round (the newest by
    default, ?round=<id> another), paged: the page's cost stays that of one page of one round
    however many rounds were published."""
    plan = plan_or_404(slug)
    code = code.upper()
    if code not in all_countries:
        raise Http404(_("Unknown country."))
    tags = queries.country_tags(plan, code)
    if code not in plan.focus_countries and not tags.rounds:
        raise Http404(_("Nothing in this plan concerns this country."))
    with override("en"):
        names = {str(all_countries.name(code))}
    names.add(str(all_countries.name(code)))
    lines = queries.lines_naming(plan, sorted(names), tagged=tags.action_ids)
    # The country's parts of published figures and their totals per year: the contributions with
    # parts for this country only (three queries).
    figures = published_figures.of_plan(plan, measurements__countries__country=code)
    parts = of_country(figures.rows, code)
    return render(
        request,
        "portal/country_detail.html",
        {
            "plan": plan,
            "code": code,
            "name": all_countries.name(code),
            "focus": code in plan.focus_countries,
            **round_page(request, tags),
            "lines": _in_plan_order(lines),
            "figures": figure_sections.section(
                published_figures.yearly(parts), key=f"country-{code}", scope=str(all_countries.name(code))
            ),
            "figure_lines": published_figures.lines_of_country(figures, code),
        },
    )


def _in_plan_order(actions) -> list:
    def key(action):
        # Codes are "14.a" or "9": by goal number, then the letter.
        number, _dot, letter = action.code.partition(".")
        return (int(number) if number.isdigit() else 0, letter)

    return sorted(actions, key=key)


# --- comparison over time -------------------------------------------------------------------------


@public_page
def compare(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    instruments = queries.plan_instruments(plan)
    groups: dict[str, list] = {}
    for instrument in instruments:
        groups.setdefault(instrument.action.code, []).append(instrument)
    chosen = None
    wanted = request.GET.get("instrument", "")
    if wanted:
        chosen = next((i for i in instruments if str(i.pk) == wanted), None)
    result = queries.comparison(plan, chosen) if chosen else None
    return render(
        request,
        "portal/compare.html",
        {
            "plan": plan,
            "groups": list(groups.items()),
            "chosen": chosen,
            "unknown": bool(wanted) and chosen is None,
            "result": result,
        },
    )


# --- search ---------------------------------------------------------------------------------------


def _int(value: str | None) -> int | None:
    return whole_number(value) if value and len(value) < 10 else None


@public_page
def search(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    plan = plan_or_404(slug) if slug else Plan.objects.current()
    if plan is None:
        raise Http404(_("This installation holds no plan yet."))
    objectives = list(Objective.objects.filter(plan=plan).order_by("number"))
    departments = [
        link.department
        for link in PlanDepartment.objects.filter(plan=plan).select_related("department").order_by("position")
    ]
    rounds = sorted(queries.published_rounds(plan), key=queries.round_key, reverse=True)
    countries = sorted(set(plan.focus_countries), key=lambda c: str(all_countries.name(c)))

    query = (request.GET.get("q") or "").strip()[:200]
    objective = _int(request.GET.get("objective"))
    objective = objective if objective in {o.number for o in objectives} else None
    department = request.GET.get("department") or ""
    department = department if department in {d.code for d in departments} else ""
    country = (request.GET.get("country") or "").upper()
    country = country if country in countries else ""
    round_id = _int(request.GET.get("round"))
    round_id = round_id if round_id in {r.pk for r in rounds} else None
    page = _int(request.GET.get("page")) or 1

    results = None
    if terms(query):
        results = run_search(
            plan,
            query,
            lang=page_language(),
            objective=objective,
            department=department,
            country=country,
            round_id=round_id,
            page=page,
        )
    filters = {"q": query, "objective": objective or "", "department": department, "country": country}
    filters["round"] = round_id or ""
    return render(
        request,
        "portal/search.html",
        {
            "plan": plan,
            "query": query,
            "results": results,
            "objectives": objectives,
            "departments": departments,
            "rounds": rounds,
            "countries": [(c, all_countries.name(c)) for c in countries],
            "selected": filters,
            "base_query": urlencode({k: v for k, v in filters.items() if v}),
        },
    )
