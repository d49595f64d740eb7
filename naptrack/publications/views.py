"""Downloads of the report to parliament.

Staff (coordinator, focal points, readers) build any round's final report on demand, the
coordinator and readers also its draft, an evaluator both for their plan's rounds; everyone else
gets only the files stored when a round was published.

The web page (HTML) is built in the request. A PDF or Word file takes seconds: a POST queues
its build as a job (publications.jobs) and leads to the job's page, which ends with the file;
a GET of its address (a bookmark, an old link) shows a page with the button that does so.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from naptrack.publications import services
from naptrack.publications.html import style_hashes
from naptrack.publications.jobs import report_build_enqueue, report_title
from naptrack.publications.models import PublishedReport
from naptrack.reporting.models import Round
from naptrack.reporting.views.common import in_own_plan


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or (get_language() or "en").split("-")[0]
    if lang not in services.LANGUAGES:
        raise Http404(_("Unknown language."))
    return lang


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def round_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in services.FORMATS:
        raise Http404(_("Unknown format."))
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    # An evaluator of another plan: not found, rather than forbidden.
    in_own_plan(request.user, round_)
    lang = _language(request)
    draft = request.GET.get("draft") in ("1", "true", "yes")
    services.report_access_check(request.user, round_, draft)
    if fmt != "html":
        if request.method == "POST":
            job = report_build_enqueue(actor=request.user, round=round_, format=fmt, lang=lang, draft=draft)
            return redirect("jobs:job", pk=job.pk)
        return render(
            request,
            "publications/report_build.html",
            {"round": round_, "title": report_title(round_, fmt, lang, draft)},
        )
    if request.method == "POST":
        return HttpResponseNotAllowed(["GET", "HEAD"])
    back = reverse("reporting:round-dashboard", args=[round_.pk])
    data = services.report_build(round_, fmt, lang, draft, back_url=back)
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    name = services.filename(round_, fmt, lang, draft)
    response["Content-Disposition"] = f'inline; filename="{name}"'
    # A report holds unpublished content: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    # django-csp's per-response update, as its csp_update decorator sets it.
    response._csp_update = {"style-src": style_hashes(data.decode("utf-8"))}
    return response


def published_report(request: HttpRequest, pk: int) -> FileResponse:
    report = get_object_or_404(PublishedReport.objects.public().select_related("round__plan"), pk=pk)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("This file is missing.")) from None
    name = services.filename(report.round, report.format, report.language)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=services.CONTENT_TYPES[report.format])
