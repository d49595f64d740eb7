"""Civil society's public pages: the expertise network's directory, consultation events and their
recommendations with the government's response and follow-up, and the files published with them
(an event's agenda and minutes, a published assessment's evidence). Read-only, a fixed number of
queries each (portal/civil_society.py).

What is not public (an event kept internal, an assessment not accepted, a file of either) is a
404 for everyone here, signed in or not: staff and organisations read it on their own screens.
"""

from __future__ import annotations

import os

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from naptrack.civilsociety.models import Assessment, AssessmentEvidence, Event, EventFile, Recommendation
from naptrack.core.numbers import whole_number
from naptrack.portal import civil_society as civil
from naptrack.portal import civil_society_opendata as cs_opendata
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import page_language
from naptrack.portal.views.open_data import _download


def _page(request: HttpRequest) -> int:
    return whole_number(request.GET.get("page", "1")) or 1


@never_cache
def expert_directory(request: HttpRequest) -> HttpResponse:
    """Not a cached public page: a listing whose consent is withdrawn must leave the directory at
    once on every server and in every browser and proxy, not after the stamp's or max-age's
    delay. Five queries."""
    from django_countries import countries

    chosen = civil.DirectoryFilter.read(request.GET)
    listings = civil.directory(chosen, _page(request))
    country_codes, language_codes = civil.directory_choices()
    return render(
        request,
        "portal/civil_society/directory.html",
        {
            "listings": listings,
            "chosen": chosen,
            "fields": civil.expertise_fields(),
            "countries": sorted(((c, str(countries.name(c) or c)) for c in country_codes), key=lambda x: x[1]),
            "languages": [(code, _language_name(code)) for code in language_codes],
        },
    )


def _language_name(code: str) -> str:
    from django.utils.translation import get_language_info

    try:
        return get_language_info(code)["name_translated"]
    except KeyError:
        return code


@public_page
def event_list(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/civil_society/event_list.html", {"events": list(civil.public_events())})


@public_page
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = civil.event_or_none(pk)
    if event is None:
        raise Http404(_("No such public event."))
    files = list(event.files.all())
    recommendations = civil.with_latest(event.recommendations.all())
    return render(
        request,
        "portal/civil_society/event_detail.html",
        {
            "event": event,
            "plan": event.plan,
            "files": files,
            "recommendations": recommendations,
            "attending": list(event.attending.all()),
        },
    )


@public_page
def recommendation_list(request: HttpRequest) -> HttpResponse:
    chosen = civil.RecommendationFilter.read(request.GET)
    page = civil.recommendations(chosen, _page(request))
    page.object_list = civil.with_latest(page.object_list)
    return render(
        request,
        "portal/civil_society/recommendation_list.html",
        {"page": page, "chosen": chosen, "statuses": Recommendation.Status.choices},
    )


def _file(field: FieldFile, content_type: str) -> FileResponse:
    """As evidence is served (reporting/views/focal.py): an attachment with the type checked at
    upload, so that a browser never renders it in the site's origin."""
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the data directory.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(field.name),
        content_type=content_type or "application/octet-stream",
    )


@public_page
def event_file(request: HttpRequest, pk: int) -> HttpResponse:
    found = EventFile.objects.filter(pk=pk, event__in=Event.objects.public()).only("file", "content_type").first()
    if found is None or not found.file:
        raise Http404(_("No such file."))
    return _file(found.file, found.content_type)


@public_page
def assessment_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """A published assessment's file; before the coordinator accepts it, nobody reaches it here."""
    found = (
        AssessmentEvidence.objects.filter(pk=pk, assessment__in=Assessment.objects.published())
        .only("file", "content_type")
        .first()
    )
    if found is None or not found.file:
        raise Http404(_("No such file."))
    return _file(found.file, found.content_type)


@public_page
def open_data_assessments(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in cs_opendata.FORMATS:
        raise Http404(_("Unknown format."))
    return _download(cs_opendata.assessments_file(fmt), fmt, f"naptrack-assessments-{page_language()}.{fmt}")


@public_page
def open_data_recommendations(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in cs_opendata.FORMATS:
        raise Http404(_("Unknown format."))
    return _download(cs_opendata.recommendations_file(fmt), fmt, f"naptrack-recommendations-{page_language()}.{fmt}")
