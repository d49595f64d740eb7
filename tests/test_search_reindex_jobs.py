"""Re-indexing the public search as background jobs (portal/jobs.py): naptrack serve queues one
job per plan lacking an index at start-up instead of re-indexing in the foreground, and `search_reindex --queue`
does the same; after the job, the plan's index is what re-indexing in place makes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from naptrack.cli import serve
from naptrack.jobs.models import Job
from naptrack.jobs.services import job_run
from naptrack.portal.models import SearchDocument
from naptrack.portal.search import search_reindex

from .job_results import keep_jobs_queued

pytestmark = pytest.mark.django_db


def documents(plan) -> list[tuple]:
    return sorted(SearchDocument.objects.filter(plan=plan).values_list("lang", "kind", "position", "title", "body"))


def test_the_command_queues_a_job_per_plan_once_and_the_job_rebuilds_the_index(plan, settings):
    search_reindex(plan)
    expected = documents(plan)
    assert expected
    SearchDocument.objects.all().delete()
    keep_jobs_queued(settings)
    out = io.StringIO()
    call_command("search_reindex", "--queue", stdout=out)
    call_command("search_reindex", "--queue", stdout=out)
    job = Job.objects.get()
    assert out.getvalue() == f"{plan.slug}: job {job.pk} queued\n" * 2, "a second run finds the job waiting"
    assert (job.key, job.created_by, job.title) == (
        f"search-reindex:{plan.pk}",
        None,
        f"Re-indexing the search of {plan.slug}",
    )
    assert not SearchDocument.objects.exists()
    job = job_run(job.pk)
    assert job.state == "succeeded" and job.result_note == (
        f"The search index of {plan.slug} holds {len(expected)} documents."
    )
    assert documents(plan) == expected


def test_a_server_starting_queues_the_reindexing_of_plans_without_an_index_once(plan, settings, capsys):
    keep_jobs_queued(settings)
    # Loading the plan indexed it: a server starting has nothing to queue.
    assert serve._queue_search_reindex() == 0
    assert not Job.objects.exists() and capsys.readouterr().out == ""
    # A database from before a language was indexed: queued once, and a second server finds it.
    SearchDocument.objects.filter(plan=plan, lang="de").delete()
    assert serve._queue_search_reindex() == 1
    assert serve._queue_search_reindex() == 1
    assert Job.objects.unfinished().count() == 1
    assert "naptrack: search re-indexing queued for 1 plan(s)" in capsys.readouterr().out
    job_run(Job.objects.get().pk)
    assert SearchDocument.objects.filter(plan=plan, lang="de").exists()
    assert serve._queue_search_reindex() == 0


def test_a_plan_deleted_before_its_job_ran_fails_it_with_a_reason(plan, settings):
    from naptrack.jobs.services import job_enqueue
    from naptrack.portal.jobs import search_reindex_job

    keep_jobs_queued(settings)
    job = job_enqueue(actor=None, function=search_reindex_job, title="x", arguments={"plan": 999999})
    job = job_run(job.pk)
    assert (job.state, job.attempts, job.error) == ("failed", 1, "This plan no longer exists.")
