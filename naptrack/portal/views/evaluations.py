"""A published evaluation's public page, its report (HTML, PDF, DOCX in English, French, Dutch) and
the open data's evaluations table. Staff who read evaluations see an unpublished one (the page
under a banner, the report marked as a draft); anyone else gets a 404 until it is published."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.evaluations.models import Evaluation
from naptrack.portal import evaluations as public_evaluations
from naptrack.portal import opendata
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import page_language
from naptrack.publications import evaluation_files
from naptrack.publications.html import style_hashes


def _visible(request: HttpRequest, slug: str, pk: int, *, entries: bool) -> Evaluation:
    queryset = Evaluation.objects.with_entries() if entries else Evaluation.objects.select_related("plan")
    evaluation = get_object_or_404(queryset, pk=pk, plan__slug=slug)
    if evaluation.published_at is None and not public_evaluations.can_preview(request.user, evaluation):
        raise Http404(_("No such published evaluation."))
    return evaluation


@public_page
def evaluation_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    evaluation = _visible(request, slug, pk, entries=True)
    downloads = [
        (
            lang,
            name,
            [(fmt, reverse("evaluation-report", args=[slug, pk, lang, fmt])) for fmt in evaluation_files.FORMATS],
        )
        for lang, name in (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"))
    ]
    context = {"plan": evaluation.plan, "evaluation": evaluation, "downloads": downloads}
    context.update(public_evaluations.page_data(evaluation))
    return render(request, "portal/evaluation.html", context)


@public_page
def evaluation_report(request: HttpRequest, slug: str, pk: int, lang: str, fmt: str) -> HttpResponse:
    if lang not in evaluation_files.LANGUAGES or fmt not in evaluation_files.FORMATS:
        raise Http404(_("Unknown format."))
    evaluation = _visible(request, slug, pk, entries=False)
    data = evaluation_files.evaluation_file(evaluation.pk, lang, fmt)
    response = HttpResponse(data, content_type=evaluation_files.CONTENT_TYPES[fmt])
    draft = "-draft" if evaluation.published_at is None else ""
    name = f"{slug}-evaluation-{evaluation.pk}{draft}-{lang}.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    if fmt == "html":
        # The report's own stylesheet is inline; the site's policy allows exactly that one.
        response._csp_update = {"style-src": style_hashes(data.decode("utf-8"))}
    return response


@public_page
def open_data_evaluations(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in public_evaluations.FORMATS:
        raise Http404(_("Unknown format."))
    data = public_evaluations.evaluations_file(fmt, public_evaluations.records())
    response = HttpResponse(data, content_type=opendata.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="naptrack-evaluations-{page_language()}.{fmt}"'
    return response
