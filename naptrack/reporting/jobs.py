"""Department workbooks imported as background jobs (naptrack.jobs), and reminders sent from a
round's dashboard.

The upload is read and previewed in the request (reporting/views/workbook.py: a dry run of
workbook_import); confirming queues this job, which reads the kept file again and imports it
through services.workbooks.workbook_import as the person who confirmed. A whole round's
workbook takes seconds and well over a thousand queries. The service checks everything anew
and writes in one transaction; a file that became invalid meanwhile fails the job with the
cells in error, nothing written. The upload is kept until the job is over and removed then.

A reminder sends an e-mail to each focal point of a department (and its units) with something
missing: the dashboard's Remind button queues round_remind_job when there is someone to write
to. notifications.remind records each reminder just before sending it, once a person a day (a
sending that fails takes its record back), so an attempt after one that died writes only to
those not reminded yet: at most one reminder a person a day.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.accounts.rules import department_ids
from naptrack.core.roles import is_focal_point
from naptrack.core.templatetags.naptrack import translated
from naptrack.jobs.models import Job
from naptrack.jobs.services import (
    JobRefused,
    Outcome,
    handler,
    job_cleanup,
    job_done,
    job_enqueue,
    job_person,
    job_progress,
)
from naptrack.plans.jobs import pending_for_job
from naptrack.plans.models import Department
from naptrack.reporting import notifications
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
            with transaction.atomic():
                result = workbook_import(actor=person, round=round_, department=department, changes=changes)
                outcome = Outcome(url=workbook_back_url(person, round_, department), note=imported_note(result.counts))
                # In the import's transaction: a worker dying after the commit leaves the job done.
                job_done(job, outcome)
        except WorkbookInvalid as invalid:
            # Valid at upload, invalid now: the database changed meanwhile (a contribution reopened...).
            raise JobRefused(str(invalid)) from invalid
        except (WorkbookRefused, WorkflowError, PermissionDenied) as refused:
            raise JobRefused(_("Nothing was imported: %(reason)s") % {"reason": refused}) from refused
    return outcome


def workbook_import_enqueue(*, actor, token: str, title: str) -> Job:
    """Queue the import of the upload `token`; a second press of the button finds the same job."""
    return job_enqueue(
        actor=actor,
        function=workbook_import_job,
        title=title,
        arguments={"token": token},
        key=f"workbook-import:{token}",
    )


@handler
def round_remind_job(job: Job, *, round: int, department: str) -> Outcome:
    person = job_person(job)
    round_ = Round.objects.select_related("plan").filter(pk=round).first()
    if round_ is None:
        raise JobRefused(_("This round no longer exists."))
    if not person.has_perm("reporting.remind", round_):
        raise PermissionDenied(_("You may not do this."))
    if round_.state != Round.State.OPEN:
        raise JobRefused(_("Reminders go out only while the round is open."))
    dept = Department.objects.prefetch_related("units").filter(code=department, plans=round_.plan).first()
    if dept is None:
        raise JobRefused(_("This department no longer exists."))
    family = {dept.pk, *(unit.pk for unit in dept.units.all())}
    name = translated(dept, "name")[0]
    job_progress(job, 0, 1, _("Sending the reminders"))
    sent = notifications.remind(round_, department_ids=family)
    if sent:
        note = _("Reminder sent to %(names)s (%(department)s).") % {"names": ", ".join(sent), "department": name}
    else:
        note = _("The focal points of %(department)s were already reminded today: no second e-mail sent.") % {
            "department": name
        }
    return Outcome(url=reverse("reporting:round-dashboard", args=[round_.pk]) + "#completeness-departments", note=note)


def round_remind_enqueue(*, actor, round: Round, department: Department, name: str) -> Job:
    """Queue the department's reminders; a second press while they wait finds the same job."""
    return job_enqueue(
        actor=actor,
        function=round_remind_job,
        title=_("Reminding %(department)s of %(round)s") % {"department": name, "round": round},
        arguments={"round": round.pk, "department": department.code},
        key=f"round-remind:{round.pk}:{department.code}",
        # A second coordinator reminding the same department meanwhile is sent to this job.
        permission=("reporting.remind", round),
        shared=True,
    )
