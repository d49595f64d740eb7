"""Publishing a round as a background job (naptrack.jobs): the dashboard's Publish button queues
it and shows its progress; a worker runs portal.publishing.round_publish.

The handler is idempotent: round_publish does its writes in one transaction, so an attempt that
dies (a worker killed, a database error) leaves the round closed and the job runs again; an
attempt that finds the round already published (the previous one committed, then its worker
died before saying so) ends as done."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.accounts.system import SystemActor
from naptrack.jobs.models import Job
from naptrack.jobs.services import JobRefused, Outcome, handler, job_enqueue, job_progress
from naptrack.portal.publishing import round_publish
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError


@handler
def round_publish_job(job: Job, *, round: int) -> Outcome:
    round_ = Round.objects.select_related("plan").filter(pk=round).first()
    if round_ is None:
        raise JobRefused(_("This round no longer exists."))
    done = Outcome(
        url=reverse("reporting:round-dashboard", args=[round_.pk]),
        note=_("Round %(round)s is published: its report to parliament is on the public portal.") % {"round": round_},
    )
    if round_.state == Round.State.PUBLISHED:
        return done
    actor = job.created_by or SystemActor(f"job:{job.pk}")
    try:
        round_publish(actor=actor, round=round_, progress=lambda d, t, note: job_progress(job, d, t, note))
    except WorkflowError as error:  # reopened meanwhile: another attempt would not do better
        raise JobRefused(str(error)) from error
    return done


def round_publish_enqueue(*, actor, round: Round) -> Job:
    """Queue the round's publication; pressing Publish again while it waits or runs finds the same job."""
    return job_enqueue(
        actor=actor,
        function=round_publish_job,
        title=_("Publishing %(round)s") % {"round": round},
        arguments={"round": round.pk},
        key=f"round-publish:{round.pk}",
    )
