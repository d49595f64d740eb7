"""Department workbooks on the web: download, upload, preview, confirm.

The uploaded workbook is read and checked at once (a dry run of services.workbooks.workbook_import):
a file with errors is shown back with every error and kept nowhere. A valid one is kept in the data
directory under a random token until the person confirms or discards it; the preview says, row by
row, what importing would do. Confirming queues a job (reporting/jobs.py) that reads the file
again and imports it through the service, which checks everything anew against the database as it
is then: nothing is written before, and a file that has become invalid meanwhile writes nothing.
Only the person who uploaded a file can see its preview and import it.

The coordinator's workbook of a whole round goes the same way from the round's dashboard: its
download and upload have their own addresses; the preview is the same page, its rows grouped by
department.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.pending import Pending, pending_create, pending_load
from naptrack.plans.models import Department
from naptrack.reporting.jobs import workbook_back_url, workbook_import_enqueue
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError
from naptrack.reporting.services.workbooks import (
    WorkbookInvalid,
    WorkbookRefused,
    WorkbookResult,
    may_exchange_round_workbook,
    may_exchange_workbook,
    workbook_export,
    workbook_import,
)
from naptrack.reporting.workbook import ALL_DEPARTMENTS, MAX_BYTES, parse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PENDING = "workbooks"  # where uploads wait for confirmation in the file storage (core/pending.py)
OUTCOME_LABELS = {
    "new": gettext_lazy("new"),
    "changed": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
    "conflict": gettext_lazy("conflict"),
    "skipped": gettext_lazy("skipped"),
}


class WorkbookUploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Filled-in workbook"),
        help_text=gettext_lazy("The .xlsx file downloaded from naptrack for this round and department, filled in."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".xlsx"}),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        return upload


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


def _department(request: HttpRequest) -> Department:
    code = request.GET.get("department") or request.POST.get("department") or ""
    return get_object_or_404(Department, code=code)


def _require(request: HttpRequest, department: Department | None) -> None:
    """A department's workbook, or the whole round's (department None: the coordinator's)."""
    if department is None:
        if not may_exchange_round_workbook(request.user):
            raise PermissionDenied(_("Only the coordinator may exchange the workbook of a whole round."))
    elif not may_exchange_workbook(request.user, department):
        raise PermissionDenied(_("You may exchange workbooks only for your own department."))


def _back(request: HttpRequest, round_: Round, department: Department | None) -> str:
    return workbook_back_url(request.user, round_, department)


def file_name(round_: Round, department: Department | None) -> str:
    code = department.code if department is not None else "all-departments"
    return f"{slugify(round_.plan.slug)}-{round_.kind}-{round_.year}-{code}.xlsx"


@login_required
def workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    return _download(request, _round(pk), _department(request))


@login_required
def round_workbook_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's workbook of the whole round: every department's rows."""
    round_ = _round(pk)
    _require(request, None)
    return _download(request, round_, None)


def _download(request: HttpRequest, round_: Round, department: Department | None) -> HttpResponse:
    try:
        data = workbook_export(actor=request.user, round=round_, department=department)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect(_back(request, round_, department))
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_name(round_, department)}"'
    return response


def _store(request: HttpRequest, data: bytes, name: str, round_: Round, department: Department | None) -> str:
    token, folder = pending_create(PENDING)
    folder.write("workbook.xlsx", data)
    code = department.code if department is not None else ALL_DEPARTMENTS
    meta = {"user": request.user.pk, "round": round_.pk, "department": code, "file": name}
    folder.write_json("upload.json", meta)
    return token


def _stored(request: HttpRequest, token: str) -> tuple[Pending, dict[str, Any]]:
    return pending_load(PENDING, token, "upload.json", request.user.pk)


@login_required
def workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    return _upload(request, _round(pk), _department(request))


@login_required
def round_workbook_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator's upload of a whole round's workbook (the form is on the round's dashboard)."""
    return _upload(request, _round(pk), None)


def _upload(request: HttpRequest, round_: Round, department: Department | None) -> HttpResponse:
    _require(request, department)
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if department is None:
        form.fields["workbook"].help_text = _(
            "The .xlsx file of the whole round, with every department's rows, downloaded from naptrack and filled in."
        )
    errors = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        data = upload.read()
        try:
            changes = parse(data, file_name=upload.name)
            workbook_import(actor=request.user, round=round_, department=department, changes=changes, dry_run=True)
        except WorkbookInvalid as invalid:
            errors = invalid.errors
        except (WorkbookRefused, WorkflowError, PermissionDenied) as refused:
            form.add_error("workbook", str(refused))
        else:
            token = _store(request, data, upload.name, round_, department)
            return redirect("reporting:workbook-preview", token=token)
    return render(
        request,
        "reporting/workbook/upload.html",
        {
            "round": round_,
            "department": department,
            "form": form,
            "errors": errors,
            "back": _back(request, round_, department),
            "download_url": _download_url(round_, department),
        },
        status=400 if (errors or form.errors) else 200,
    )


@login_required
def workbook_preview(request: HttpRequest, token: str) -> HttpResponse:
    folder, meta = _stored(request, token)
    round_ = _round(meta["round"])
    whole_round = meta["department"] == ALL_DEPARTMENTS
    department = None if whole_round else get_object_or_404(Department, code=meta["department"])
    upload_url = _upload_url(round_, department)
    if request.method == "POST" and "discard" in request.POST:
        folder.remove()
        messages.info(request, _("The uploaded workbook was discarded; nothing was imported."))
        return redirect(upload_url)
    if request.method == "POST" and "confirm" in request.POST:
        # Importing takes seconds on a whole round: a job does it (reporting/jobs.py), checking
        # everything again, and removes the upload; its page leads back here.
        title = _("Importing the workbook %(file)s") % {"file": meta["file"]}
        job = workbook_import_enqueue(actor=request.user, token=token, title=title)
        return redirect("jobs:job", pk=job.pk)
    try:
        changes = parse(folder.read("workbook.xlsx"), file_name=meta["file"])
        result = workbook_import(actor=request.user, round=round_, department=department, changes=changes, dry_run=True)
    except WorkbookInvalid as invalid:
        # Valid at upload, invalid now: the database changed meanwhile (a contribution reopened...).
        return _preview(request, token, round_, department, meta, None, invalid.errors, status=409)
    except (WorkbookRefused, WorkflowError, PermissionDenied) as refused:
        folder.remove()
        messages.error(request, _("Nothing was imported: %(reason)s") % {"reason": refused})
        return redirect(_back(request, round_, department))
    return _preview(request, token, round_, department, meta, result, [])


def _upload_url(round_: Round, department: Department | None) -> str:
    from django.urls import reverse
    from django.utils.http import urlencode

    if department is None:
        return reverse("reporting:round-workbook-upload", args=[round_.pk])
    return f"{reverse('reporting:workbook-upload', args=[round_.pk])}?{urlencode({'department': department.code})}"


def _download_url(round_: Round, department: Department | None) -> str:
    from django.urls import reverse
    from django.utils.http import urlencode

    if department is None:
        return reverse("reporting:round-workbook-download", args=[round_.pk])
    return f"{reverse('reporting:workbook-download', args=[round_.pk])}?{urlencode({'department': department.code})}"


def _preview(
    request: HttpRequest,
    token: str,
    round_: Round,
    department: Department | None,
    meta: dict[str, Any],
    result: WorkbookResult | None,
    errors: list,
    status: int = 200,
) -> HttpResponse:
    rows = result.rows if result is not None else []
    return render(
        request,
        "reporting/workbook/preview.html",
        {
            "token": token,
            "round": round_,
            "department": department,
            "file": meta["file"],
            "result": result,
            "errors": errors,
            "counts": [(key, OUTCOME_LABELS[key], n) for key, n in result.counts.items()] if result else [],
            "rows": [{"row": r, "label": OUTCOME_LABELS[r.outcome]} for r in rows if r.outcome != "unchanged"],
            "unchanged": [r for r in rows if r.outcome == "unchanged"],
            "upload_url": _upload_url(round_, department),
            "back": _back(request, round_, department),
        },
        status=status,
    )
