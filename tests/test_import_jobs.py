"""Imports confirmed in the browser run as background jobs (plans/jobs.py, portal/jobs.py,
reporting/jobs.py): the upload is kept until the job is over (an attempt that will be tried
again needs it) and removed then; a refusal met when the job runs is its error, on its page."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from naptrack.jobs.models import Job
from naptrack.jobs.services import job_run
from naptrack.plans.models import Plan
from naptrack.reporting.models import Round
from naptrack.reporting.services import round_close
from naptrack.reporting.services import workbooks as workbook_services

from .conftest import logged_in
from .job_results import job_of, keep_jobs_queued
from .test_plan_import import small_plan
from .test_plan_import import upload as plan_upload
from .test_round_import_screens import small_report
from .test_round_import_screens import upload as report_upload
from .test_workbook import HOME, export, fill
from .test_workbook import upload as workbook_upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def kept(kind: str) -> list[str]:
    return default_storage.listdir(f"pending/{kind}")[0] if default_storage.exists(f"pending/{kind}") else []


def test_a_plan_loaded_meanwhile_fails_the_job_with_its_message_and_the_upload_goes(
    coordinator_client, settings, tmp_path
):
    keep_jobs_queued(settings)
    location = plan_upload(coordinator_client, small_plan(tmp_path), slug="small")["Location"]
    job = job_of(coordinator_client.post(location, {"load": "1", "create_departments": "1"}))
    again = coordinator_client.post(location, {"load": "1", "create_departments": "1"})
    assert job_of(again).pk == job.pk and job.state == "queued", "a second press finds the job"
    assert (job.title, kept("imports")) == ("Loading the plan small", [location.split("/")[-2]])
    Plan.objects.update(slug="small")  # the Belgian plan takes the slug meanwhile
    job = job_run(job.pk)
    message = "A plan with this slug was loaded meanwhile; nothing was loaded. Upload it again."
    assert (job.state, job.attempts, job.error) == ("failed", 1, message)
    assert message in coordinator_client.get(f"/jobs/{job.pk}/").content.decode()
    assert kept("imports") == [] and coordinator_client.get(location).status_code == 404


def test_a_failed_attempt_keeps_the_upload_for_the_next_and_success_removes_it(
    open_round, focal_defence, focal_defence_client, settings, monkeypatch
):
    keep_jobs_queued(settings)
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    preview_url = workbook_upload(focal_defence_client, open_round, data)["Location"]
    job = job_of(focal_defence_client.post(preview_url, {"confirm": "1"}))
    real = workbook_services.workbook_import

    def down(**kwargs):
        raise ConnectionError("the database restarted")

    monkeypatch.setattr("naptrack.reporting.jobs.workbook_import", down)
    job = job_run(job.pk)
    assert (job.state, job.attempts) == ("queued", 1) and "(ConnectionError)" in job.error
    assert len(kept("workbooks")) == 1, "kept for the next attempt"
    page = focal_defence_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The first attempt failed" in page and "it will be tried again shortly" in page
    monkeypatch.setattr("naptrack.reporting.jobs.workbook_import", real)
    Job.objects.filter(pk=job.pk).update(state="queued")
    job = job_run(job.pk)
    assert (job.state, job.attempts, job.result_url) == ("succeeded", 2, HOME)
    assert kept("workbooks") == [] and focal_defence_client.get(preview_url).status_code == 404
    page = focal_defence_client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Workbook imported: 1 new" in page and f'href="{HOME}">See the result' in page


def test_a_round_closed_meanwhile_refuses_the_workbook(
    open_round, coordinator, focal_defence, focal_defence_client, settings
):
    keep_jobs_queued(settings)
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    preview_url = workbook_upload(focal_defence_client, open_round, data)["Location"]
    job = job_of(focal_defence_client.post(preview_url, {"confirm": "1"}))
    round_close(actor=coordinator, round=open_round)
    job = job_run(job.pk)
    assert (job.state, job.attempts) == ("failed", 1) and job.error.startswith("Nothing was imported: ")
    assert kept("workbooks") == []


def test_a_round_import_checks_at_confirm_and_again_in_its_job(
    plan, coordinator, coordinator_client, settings, tmp_path
):
    keep_jobs_queued(settings)
    location = report_upload(coordinator_client, small_report(tmp_path))["Location"]
    job = job_of(coordinator_client.post(location, {"confirm": "1"}))
    # Meanwhile another import made the round: the job refuses, as the confirmation would have.
    other = report_upload(coordinator_client, small_report(tmp_path, "other.xlsx"))["Location"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert job_of(coordinator_client.post(other, {"confirm": "1"})).state == "succeeded"
    job = job_run(job.pk)
    assert (job.state, job.attempts) == ("failed", 1)
    assert "baseline" in job.error.lower() and Round.objects.count() == 1
    html = logged_in(coordinator).get(f"/jobs/{job.pk}/").content.decode()
    assert "The job failed after 1 attempt." in html
    # The confirmation itself shows what the import would refuse, and queues nothing.
    third = report_upload(coordinator_client, small_report(tmp_path, "third.xlsx"))["Location"]
    response = coordinator_client.post(third, {"confirm": "1"})
    assert (
        response.status_code == 400 and "The round was not imported; nothing was written:" in response.content.decode()
    )
    assert Job.objects.count() == 2


def test_an_attempt_after_one_that_died_finishes_the_round_it_imported(
    plan, coordinator_client, settings, tmp_path, monkeypatch
):
    from naptrack.reporting.services import round_import

    keep_jobs_queued(settings)
    location = report_upload(coordinator_client, small_report(tmp_path))["Location"]
    job = job_of(coordinator_client.post(location, {"confirm": "1"}))

    def imported_then_died(**kwargs):
        round_import(**kwargs)
        raise RuntimeError("worker lost")

    monkeypatch.setattr("naptrack.portal.jobs.round_import", imported_then_died)
    job = job_run(job.pk)
    round_ = Round.objects.get()
    assert (job.state, job.attempts) == ("queued", 1) and len(kept("round-imports")) == 1
    monkeypatch.setattr("naptrack.portal.jobs.round_import", round_import)
    job = job_run(job.pk)
    assert (job.state, job.attempts) == ("succeeded", 2), job.error
    assert list(Round.objects.all()) == [round_] and job.result_url == f"/rounds/{round_.pk}/"
    assert job.result_note.startswith(f"Round {round_} imported: 3 contributions of ")
    assert kept("round-imports") == []


@pytest.mark.parametrize("kind", ["plan", "workbook"])
def test_an_import_committed_is_done_even_if_its_worker_dies_before_saying_so(
    kind, open_round, coordinator_client, focal_defence, focal_defence_client, settings, tmp_path, monkeypatch
):
    """The job is marked done in the import's own transaction (jobs.services.job_done): a worker
    killed between the commit and job_run's end leaves a finished job, not one that runs again
    and asks for the upload it removed."""
    keep_jobs_queued(settings)
    if kind == "plan":
        location = plan_upload(coordinator_client, small_plan(tmp_path), slug="small")["Location"]
        job = job_of(coordinator_client.post(location, {"load": "1", "create_departments": "1"}))
        note = "Plan loaded:"
    else:
        data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
        preview_url = workbook_upload(focal_defence_client, open_round, data)["Location"]
        job = job_of(focal_defence_client.post(preview_url, {"confirm": "1"}))
        note = "Workbook imported: 1 new"

    def killed(job, **kwargs):
        raise SystemExit("the worker was killed after the handler's commit")

    monkeypatch.setattr("naptrack.jobs.services._finish", killed)
    with pytest.raises(SystemExit):
        job_run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.error) == ("succeeded", 1, "")
    assert job.result_note.startswith(note) and job.finished_at is not None
    assert job_run(job.pk) is None, "a queue entry left behind finds nothing to run"
    assert Plan.objects.filter(slug="small").count() == (1 if kind == "plan" else 0)
