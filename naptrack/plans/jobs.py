"""Loading an imported plan document as a background job (naptrack.jobs).

The upload is read and previewed in the request (plans/views.py); confirming queues this job,
which loads what the preview showed (the document kept with the upload, core/pending.py) through
plan_load as the person who confirmed, and leads to the plan. The upload is kept until the job is
over (a failed attempt that will be tried again needs it) and removed then. plan_load writes in
one transaction, which also marks the job done (jobs.services.job_done): a worker that dies
after the commit leaves nothing to do twice. A plan loaded meanwhile under the document's slug
ends the job at once.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.core.pending import Pending, pending_load
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
from naptrack.plans import interchange
from naptrack.plans.models import Plan

PENDING = "imports"  # plans/views.py keeps the uploads there


def pending_for_job(kind: str, token: str, meta_name: str, job: Job) -> tuple[Pending, dict[str, Any]]:
    """The upload a job imports, as its uploader would reach it; gone, the job is refused."""
    try:
        return pending_load(kind, token, meta_name, job.created_by_id)
    except Http404:
        raise JobRefused(
            _("The uploaded file is no longer kept (imported, discarded or left more than a day): upload it again.")
        ) from None


@handler
def plan_import_job(job: Job, *, token: str) -> Outcome:
    from naptrack.plans.services import PlanLoadError, plan_load

    person = job_person(job)
    if not person.has_perm("plans.load_plan"):
        raise PermissionDenied(_("Only a coordinator can import a plan."))
    pending, result = pending_for_job(PENDING, token, "result.json", job)
    document = result["document"]
    with job_cleanup(job, pending.remove):
        if Plan.objects.filter(slug=document["slug"]).exists():
            raise JobRefused(_("A plan with this slug was loaded meanwhile; nothing was loaded. Upload it again."))
        job_progress(job, 0, 1, _("Loading the plan"))
        try:
            with transaction.atomic():
                summary = plan_load(actor=person, document=document)
                outcome = Outcome(
                    url=reverse("plan-detail", kwargs={"slug": document["slug"]}),
                    note=_("Plan loaded: %(objectives)s objectives, %(goals)s goals, %(actions)s lines of action.")
                    % summary.counts,
                )
                # In the load's transaction: a worker dying after the commit leaves the job done.
                job_done(job, outcome)
        except (PlanLoadError, interchange.PlanFormatError) as exc:
            raise JobRefused(_("The plan could not be loaded: %(reason)s") % {"reason": exc}) from exc
    return outcome


def plan_import_enqueue(*, actor, token: str, slug: str) -> Job:
    """Queue the load of the upload `token`; a second press of the button finds the same job."""
    return job_enqueue(
        actor=actor,
        function=plan_import_job,
        title=_("Loading the plan %(slug)s") % {"slug": slug},
        arguments={"token": token},
        key=f"plan-import:{token}",
        permission=("plans.load_plan", None),
    )
