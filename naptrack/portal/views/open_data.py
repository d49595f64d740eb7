"""Open data: the plan and every published round as files, with their dictionary and licence.

Read-only, a fixed number of queries each, served through caching.public_page (ETag,
per-process cache, Cache-Control for anonymous visitors).
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.plans.models import Plan
from naptrack.portal import civil_society_opendata, figures, opendata, packs, queries, targets
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import TITLES, page_language, plan_or_404
from naptrack.reporting.models import Round

OPEN_DATA_PLANS = 20  # plans listed per page; one plan's files shown at a time


@public_page
def open_data(request: HttpRequest) -> HttpResponse:
    """The files of one plan (?plan=<slug>, by default the first listed) among the adopted plans
    listed by pages: the page's cost stays that of one plan's rounds whatever the installation."""
    # The plans' columns the page shows only: a plan's texts in four languages, read for twenty.
    plans = Plan.objects.adopted().only("slug", *TITLES, "period_end", "targets_published_at")
    page = Paginator(plans.order_by("-period_end", "slug"), OPEN_DATA_PLANS).get_page(request.GET.get("page"))
    listed = list(page.object_list)
    wanted = request.GET.get("plan") or ""
    chosen = next((p for p in listed if p.slug == wanted), None)
    if chosen is None and wanted:
        chosen = plans.filter(slug=wanted).first()
    if chosen is None and listed:
        chosen = listed[0]
    entries = []
    if chosen is not None:
        files = []
        for round_ in sorted(
            Round.objects.filter(plan=chosen, state=Round.State.PUBLISHED), key=queries.round_key, reverse=True
        ):
            stem = opendata.file_stem(round_)
            # The round named once, and each link's accessible name written here: a
            # {% blocktranslate %} per link named the round again for each format (a round's name
            # is two translations), a third of the page's cost for a plan of nine published rounds.
            label = str(round_)
            links = [
                (
                    fmt,
                    reverse("open-data-round", args=[chosen.slug, stem, fmt]),
                    _("%(round)s, %(format)s") % {"round": label, "format": fmt.upper()},
                )
                for fmt in opendata.ROUND_FORMATS
            ]
            files.append((round_, label, links))
        # A plan's targets and progress, once the coordinator published them.
        target_files = (
            [(fmt, reverse("open-data-targets", args=[chosen.slug, fmt])) for fmt in targets.FORMATS]
            if chosen.targets_published_at
            else []
        )
        entries.append({"plan": chosen, "rounds": files, "target_files": target_files})
    return render(
        request,
        "portal/open_data.html",
        {
            "entries": entries,
            "plans": listed if page.paginator.count > 1 else [],
            "chosen": chosen,
            "page": page,
            "formats": opendata.ROUND_FORMATS,
            "licence_name": opendata.LICENCE_NAME,
            "licence_url": opendata.LICENCE_URL,
            "schema_url": reverse("api:schema"),
            "api_rounds": reverse("api:public-round-list"),
            # Listed without reading the packs: the file of a day with none holds its header only.
            "answer_files": [(fmt, reverse("open-data-answers", args=[fmt])) for fmt in packs.FORMATS],
            "packs_url": reverse("pack-list"),
            # Civil society's published record, one file each for every plan and round.
            "assessment_files": [
                (fmt, reverse("open-data-assessments", args=[fmt])) for fmt in civil_society_opendata.FORMATS
            ],
            "recommendation_files": [
                (fmt, reverse("open-data-recommendations", args=[fmt])) for fmt in civil_society_opendata.FORMATS
            ],
            "events_url": reverse("event-list"),
            "figure_files": [(fmt, reverse("open-data-figures", args=[fmt])) for fmt in figures.FORMATS],
            "figure_columns": figures.COLUMNS,
            "target_columns": targets.COLUMNS,
        },
    )


@public_page
def open_data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/dictionary.html",
        {
            "columns": opendata.COLUMNS,
            "answer_columns": packs.COLUMNS,
            "assessment_columns": civil_society_opendata.ASSESSMENT_COLUMNS,
            "recommendation_columns": civil_society_opendata.RECOMMENDATION_COLUMNS,
            "figure_columns": figures.COLUMNS,
        },
    )


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
    plan = plan_or_404(slug)
    round_ = opendata.find_round(plan, stem)
    if round_ is None:
        raise Http404(_("No such published round."))
    data = opendata.round_file(plan, round_, fmt)
    return _download(data, fmt, f"{plan.slug}-{opendata.file_stem(round_)}-{page_language()}.{fmt}")


@public_page
def open_data_zip(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    return _download(opendata.plan_zip(plan), "zip", f"{plan.slug}-open-data-{page_language()}.zip")
