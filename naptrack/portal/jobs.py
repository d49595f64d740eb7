"""Publishing a round as a background job (naptrack.jobs): the dashboard's Publish button queues
it and shows its progress; a worker runs portal.publishing.round_publish. Importing a past report
into a round (its confirmation, portal/views/round_import.py) is a job too: round_import_job.

The handler is idempotent: round_publish does its writes in one transaction, so an attempt that
dies (a worker killed, a database error) leaves the round closed and the job runs again; an
attempt that finds the round already published (the previous one committed, then its worker
died before saying so) ends as done."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.accounts.system import SystemActor
from naptrack.jobs.models import Job
from naptrack.jobs.services import JobRefused, Outcome, handler, job_cleanup, job_enqueue, job_person, job_progress
from naptrack.plans.models import Plan
from naptrack.portal.publishing import RoundNotPublished, round_import_published, round_publish
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError, round_import

logger = logging.getLogger(__name__)


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
    # A job queued from the command line acts as the installation; one a person queued acts as
    # them, if they still have their account (their permission is checked again by the service).
    actor = job_person(job) if job.created_by_id is not None else SystemActor(f"job:{job.pk}")
    try:
        round_publish(actor=actor, round=round_, progress=lambda d, t, note: job_progress(job, d, t, note))
    except WorkflowError as error:
        # Published meanwhile by another attempt (a worker thought dead): done; reopened: refused.
        if Round.objects.filter(pk=round_.pk, state=Round.State.PUBLISHED).exists():
            return done
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
        # Another coordinator pressing Publish meanwhile is sent to this job: they may follow it.
        permission=("reporting.manage_round", round),
        shared=True,
    )


@handler
def round_import_job(job: Job, *, token: str) -> Outcome:
    """Import the past report kept with the upload `token` (portal/views/round_import.py), and
    publish the round when the upload asked for it. An attempt after one that died finds the round
    that one imported (created since the job was queued) and only finishes what is left."""
    from naptrack.plans.jobs import pending_for_job
    from naptrack.portal.views.round_import import PENDING, imported_message, proposal_loaded

    person = job_person(job)
    if not person.has_perm("reporting.manage_round"):
        raise PermissionDenied(_("Only a coordinator can import a report into a round."))
    pending, stored = pending_for_job(PENDING, token, "result.json", job)
    with job_cleanup(job, pending.remove):
        plan = Plan.objects.filter(pk=stored["plan"]).first()
        if plan is None:
            raise JobRefused(_("This plan no longer exists."))
        try:
            proposal = proposal_loaded(stored["proposal"])
        except Http404:
            raise JobRefused(_("The uploaded report was kept in an older form: upload it again.")) from None
        options = {"plan": plan, "kind": stored["kind"], "year": stored["year"], "replace": stored["replace"]}
        published = stored["state"] == Round.State.PUBLISHED
        # Only another attempt may find its own work done: a round someone else made meanwhile
        # is the import's to refuse (or replace), as it would have been in the request.
        done = None
        if job.attempts > 1:
            done = (
                Round.objects.filter(
                    plan=plan, kind=stored["kind"], year=stored["year"], created_at__gte=job.created_at
                )
                .filter(contributions__imported_from__startswith=proposal.name)
                .distinct()
                .first()
            )
        job_progress(job, 0, 2 if published else 1, _("Importing the report"))
        try:
            if done is None:
                round_ = (round_import_published if published else round_import)(
                    actor=person, proposal=proposal, **options
                )
            elif published and done.state != Round.State.PUBLISHED:
                round_ = round_publish(actor=person, round=done)
            else:
                round_ = done
        except RoundNotPublished as exc:
            # Imported and committed, only the publishing failed: the message says where to publish.
            logger.exception("round %s imported but not published", exc.round.pk)
            raise JobRefused(str(exc)) from exc
    return Outcome(url=reverse("reporting:round-dashboard", args=[round_.pk]), note=imported_message(round_, published))


def round_import_enqueue(*, actor, token: str, title: str) -> Job:
    """Queue the import of the upload `token`; a second press of the button finds the same job."""
    return job_enqueue(
        actor=actor,
        function=round_import_job,
        title=title,
        arguments={"token": token},
        key=f"round-import:{token}",
        permission=("reporting.manage_round", None),
    )


@handler
def search_reindex_job(job: Job, *, plan: int) -> Outcome:
    """Rebuild one plan's search documents (portal.search.search_reindex): queued for every plan
    when a server starts (naptrack serve) and by `search_reindex --queue`. Rebuilding replaces
    the plan's documents in one transaction, so running it twice does no harm."""
    from naptrack.portal.search import search_reindex

    plan_ = Plan.objects.filter(pk=plan).first()
    if plan_ is None:
        raise JobRefused(_("This plan no longer exists."))
    job_progress(job, 0, 1, _("Re-indexing"))
    count = search_reindex(plan_)
    return Outcome(
        url=reverse("plan-detail", kwargs={"slug": plan_.slug}),
        note=_("The search index of %(plan)s holds %(count)s documents.") % {"plan": plan_.slug, "count": count},
    )


def search_reindex_enqueue(*, actor, plan: Plan) -> Job:
    """Queue the re-indexing of a plan; while one waits or runs (another server starting at the
    same moment), the same job is returned."""
    return job_enqueue(
        actor=actor,
        function=search_reindex_job,
        title=_("Re-indexing the search of %(plan)s") % {"plan": plan.slug},
        arguments={"plan": plan.pk},
        key=f"search-reindex:{plan.pk}",
    )
