"""A job's page: what it does, how far it got, how it ended; and its state as JSON, which the
page's script polls so that it updates without a full reload (without JavaScript, the page loads
itself again every few seconds until the job ends); and the file a job built, for download."""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from naptrack.jobs.models import Job


def _job(request: HttpRequest, pk: int, permission: str = "jobs.view_job") -> Job:
    job = Job.objects.select_related("created_by").filter(pk=pk).first()
    # Someone else's job is not found rather than forbidden: its existence says nothing.
    if job is None or not request.user.has_perm(permission, job):
        raise Http404
    return job


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    can_download = bool(job.result_file) and request.user.has_perm("jobs.download_job_file", job)
    # Without JavaScript the page may load itself again every few seconds, only when the person
    # asks: a page that reloads on its own would take a screen reader back to its top each time.
    auto_refresh = request.GET.get("refresh") == "1" and not job.finished
    return render(request, "jobs/job.html", {"job": job, "can_download": can_download, "auto_refresh": auto_refresh})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> JsonResponse:
    job = _job(request, pk)
    return JsonResponse(
        {
            "state": job.state,
            "state_label": job.get_state_display(),
            "finished": job.finished,
            "done": job.progress_done,
            "total": job.progress_total,
            "percent": job.percent,
            "note": job.progress_note,
            "attempts": job.attempts,
        }
    )


@login_required
@require_GET
def job_file(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk, "jobs.download_job_file")
    if not job.result_file:
        raise Http404
    try:
        handle = job.result_file.storage.open(job.result_file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    name = job.result_filename
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=name,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
    )
    # What a job builds (a draft report) may hold unpublished content: no shared cache keeps it.
    response["Cache-Control"] = "private, no-store"
    return response
