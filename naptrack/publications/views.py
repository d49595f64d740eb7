"""Downloads of the report to parliament.

Staff (coordinator, focal points, readers) build any round's final report on demand, the
coordinator and readers also its draft, an evaluator both for their plan's rounds; everyone else
gets only the files stored when a round was published.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from naptrack.publications import services
from naptrack.publications.html import style_hashes
from naptrack.publications.models import PublishedReport
from naptrack.reporting.models import Round
from naptrack.reporting.views.common import in_own_plan


def _language(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or (get_language() or "en").split("-")[0]
    if lang not in services.LANGUAGES:
        raise Http404(_("Unknown language."))
    return lang


@login_required
def round_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if fmt not in services.FORMATS:
        raise Http404(_("Unknown format."))
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    # Staff only, like the round itself (an evaluator, their plan's).
    in_own_plan(request.user, round_)
    if not request.user.has_perm("reporting.view_round", round_):
        raise PermissionDenied(_("You may not do this."))
    lang = _language(request)
    draft = request.GET.get("draft") in ("1", "true", "yes")
    # The draft holds every department's submitted and internal items: for those who read every
    # department's work in any state (coordinator, readers), not for a department's focal point,
    # who reads their own work on their own pages and gets the final report like everyone else.
    if draft and not request.user.has_perm("reporting.view_all_contributions", round_):
        raise PermissionDenied(_("The draft report is for the coordinator and readers."))
    back = reverse("reporting:round-dashboard", args=[round_.pk]) if fmt == "html" else None
    data = services.report_build(round_, fmt, lang, draft, back_url=back)
    response = HttpResponse(data, content_type=services.CONTENT_TYPES[fmt])
    name = services.filename(round_, fmt, lang, draft)
    disposition = "inline" if fmt == "html" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    # A report holds unpublished content: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store"
    if fmt == "html":
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
