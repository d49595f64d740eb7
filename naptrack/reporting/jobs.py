"""Department workbooks imported as background jobs (naptrack.jobs).

The upload is read and previewed in the request (reporting/views/workbook.py: a dry run of
workbook_import); confirming queues this job, which reads the kept file again and imports it
through services.workbooks.workbook_import as the person who confirmed. A whole round's
workbook takes seconds and well over a thousand queries. The service checks everything anew
and writes in one transaction; a file that became invalid meanwhile fails the job with the
cells in error, nothing written. The upload is kept until the job is over and removed then.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.accounts.rules import department_ids
from naptrack.core.roles import is_focal_point
from naptrack.jobs.models import Job
from naptrack.jobs.services import JobRefused, Outcome, handler, job_cleanup, job_enqueue, job_person, job_progress
from naptrack.plans.jobs import pending_for_job
from naptrack.plans.models import Department
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError
from naptrack.reporting.services.workbooks import WorkbookInvalid, WorkbookRefused, workbook_import
from naptrack.reporting.workbook import ALL_DEPARTMENTS, parse

PENDING = "workbooks"  # reporting/views/workbook.py keeps the uploads there


def workbook_back_url(user, round_: Round, department: Department | None) -> str:
    """Where the person came from: a focal point's home, else the round's dashboard."""
    if department is not None and is_focal_point(user) and department.pk in department_ids(user):
        return reverse("reporting:my-contributions")
    return reverse("reporting:round-dashboard", args=[round_.pk])


def imported_note(counts: dict[str, int]) -> str:
    note = (
        _(
            "Workbook imported: %(new)s new, %(changed)s changed, %(unchanged)s unchanged, %(conflict)s in "
            "conflict, %(skipped)s skipped."
        )
        % counts
    )
    if counts["conflict"] or counts["skipped"]:
        note += " " + _(
            "Rows in conflict or skipped were not imported: enter them on the contributions' pages if needed."
        )
    return note


@handler
def workbook_import_job(job: Job, *, token: str) -> Outcome:
    person = job_person(job)
    pending, meta = pending_for_job(PENDING, token, "upload.json", job)
    with job_cleanup(job, pending.remove):
        round_ = Round.objects.select_related("plan").filter(pk=meta["round"]).first()
        if round_ is None:
            raise JobRefused(_("This round no longer exists."))
        department = None
        if meta["department"] != ALL_DEPARTMENTS:
            department = Department.objects.filter(code=meta["department"]).first()
            if department is None:
                raise JobRefused(_("This department no longer exists."))
        job_progress(job, 0, 1, _("Importing the workbook"))
        try:
            changes = parse(pending.read("workbook.xlsx"), file_name=meta["file"])
            result = workbook_import(actor=person, round=round_, department=department, changes=changes)
        except WorkbookInvalid as invalid:
            # Valid at upload, invalid now: the database changed meanwhile (a contribution reopened...).
            raise JobRefused(str(invalid)) from invalid
        except (WorkbookRefused, WorkflowError, PermissionDenied) as refused:
            raise JobRefused(_("Nothing was imported: %(reason)s") % {"reason": refused}) from refused
    return Outcome(url=workbook_back_url(person, round_, department), note=imported_note(result.counts))


def workbook_import_enqueue(*, actor, token: str, title: str) -> Job:
    """Queue the import of the upload `token`; a second press of the button finds the same job."""
    return job_enqueue(
        actor=actor,
        function=workbook_import_job,
        title=title,
        arguments={"token": token},
        key=f"workbook-import:{token}",
    )
