"""Public pages of the portal: focus countries, comparison over time, search, open data.

Read-only, server-rendered, a fixed number of queries each, served through caching.public_page
(ETag, per-process cache, Cache-Control for anonymous visitors).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.plans.models import Objective, Plan, PlanDepartment
from naptrack.portal import opendata, queries
from naptrack.portal.caching import public_page
from naptrack.portal.search import search as run_search
from naptrack.portal.search import terms
from naptrack.reporting.models import Round


def _plan(slug: str) -> Plan:
    return get_object_or_404(Plan, slug=slug)


def _lang() -> str:
    return (get_language() or "en").split("-")[0]


# --- focus countries ------------------------------------------------------------------------------


@public_page
def country_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _plan(slug)
    code = code.upper()
    if code not in all_countries:
        raise Http404(_("Unknown country."))
    rounds = queries.country_history(plan, code)
    if code not in plan.focus_countries and not rounds:
        raise Http404(_("Nothing in this plan concerns this country."))
    with override("en"):
        names = {str(all_countries.name(code))}
    names.add(str(all_countries.name(code)))
    lines = list(queries.lines_naming(plan, sorted(names)))
    tagged = {}
    for section in rounds:
        for c in section.contributions:
            tagged.setdefault(c.action.code, c.action)
    for line in lines:
        tagged.setdefault(line.code, line)
    return render(
        request,
        "portal/country_detail.html",
        {
            "plan": plan,
            "code": code,
            "name": all_countries.name(code),
            "focus": code in plan.focus_countries,
            "rounds": rounds,
            "lines": _in_plan_order(tagged.values()),
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
    plan = _plan(slug)
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
    return int(value) if value and value.isdigit() and len(value) < 10 else None


@public_page
def search(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    plan = _plan(slug) if slug else Plan.objects.current()
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
            lang=_lang(),
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


# --- open data ------------------------------------------------------------------------------------


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    plans = list(Plan.objects.order_by("-period_end", "slug"))
    rounds: dict[int, list[Round]] = {}
    for round_ in Round.objects.filter(state=Round.State.PUBLISHED):
        rounds.setdefault(round_.plan_id, []).append(round_)
    entries = []
    for p in plans:
        files = []
        for round_ in sorted(rounds.get(p.pk, []), key=queries.round_key, reverse=True):
            stem = opendata.file_stem(round_)
            links = [(fmt, reverse("open-data-round", args=[p.slug, stem, fmt])) for fmt in opendata.ROUND_FORMATS]
            files.append((round_, links))
        entries.append({"plan": p, "rounds": files})
    return render(
        request,
        "portal/open_data.html",
        {
            "entries": entries,
            "formats": opendata.ROUND_FORMATS,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "schema_url": reverse("api:schema"),
            "api_rounds": reverse("api:public-round-list"),
        },
    )


@public_page
def open_data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/dictionary.html", {"columns": opendata.COLUMNS})


@public_page
def open_data_dictionary_csv(request: HttpRequest) -> HttpResponse:
    return _download(opendata.dictionary_csv(), "csv", "naptrack-data-dictionary.csv")


@public_page
def open_data_licence(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/licence.html",
        {
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "legalcode_url": opendata.LICENCE_LEGALCODE,
        },
    )


def _download(data: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=opendata.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@public_page
def open_data_round(request: HttpRequest, slug: str, stem: str, fmt: str) -> HttpResponse:
    if fmt not in opendata.ROUND_FORMATS:
        raise Http404(_("Unknown format."))
    plan = _plan(slug)
    round_ = opendata.find_round(plan, stem)
    if round_ is None:
        raise Http404(_("No such published round."))
    data = opendata.round_file(plan, round_, fmt)
    return _download(data, fmt, f"{plan.slug}-{opendata.file_stem(round_)}-{_lang()}.{fmt}")


@public_page
def open_data_zip(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(slug)
    return _download(opendata.plan_zip(plan), "zip", f"{plan.slug}-open-data-{_lang()}.zip")
