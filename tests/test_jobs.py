"""Background jobs in process: queueing, retries, refusals, recovery from a dead worker, and the job's
page. The suite runs jobs with django-tasks' immediate backend (tests/conftest.py); tests that need
a job to stay queued switch to the database backend, as production has it. Real worker processes:
tests/test_jobs_worker.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from naptrack.cli.main import build_parser
from naptrack.jobs.models import Job
from naptrack.jobs.services import Outcome, handler, job_enqueue, job_run, jobs_recover
from naptrack.portal.jobs import round_publish_enqueue
from naptrack.reporting.services import round_close
from tests.conftest import _user, logged_in
from tests.jobs_scenario import append, flaky


@handler
def refuses(job) -> Outcome:
    raise ValidationError("The plan has no such line: 99.z.")


def not_a_handler(job) -> Outcome:
    return Outcome()


@pytest.fixture
def queue_in_database(settings):
    """Jobs stay queued until a worker takes them, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def closed_round(open_round, coordinator):
    return round_close(actor=coordinator, round=open_round)


def test_publishing_from_the_dashboard_runs_as_a_job_whose_page_shows_the_result(closed_round, coordinator):
    client = logged_in(coordinator)
    response = client.post(f"/rounds/{closed_round.pk}/state/publish/")
    job = Job.objects.get()
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert (job.state, job.attempts, job.created_by, job.key) == (
        "succeeded",
        1,
        coordinator,
        f"round-publish:{closed_round.pk}",
    )
    closed_round.refresh_from_db()
    assert closed_round.state == "published"
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<h1>Publishing Annual report 2014</h1>" in html
    assert "<strong>Done</strong>" in html and "is published: its report to parliament is on the public portal." in html
    assert f'<a class="btn btn-primary" href="/rounds/{closed_round.pk}/">See the result</a>' in html
    assert "job.js" not in html  # nothing left to poll


def test_a_queued_job_shows_its_progress_and_a_second_press_finds_it(closed_round, coordinator, queue_in_database):
    client = logged_in(coordinator)
    first = client.post(f"/rounds/{closed_round.pk}/state/publish/")
    second = client.post(f"/rounds/{closed_round.pk}/state/publish/")
    job = Job.objects.get()
    assert first["Location"] == second["Location"] == f"/jobs/{job.pk}/"
    assert DBTaskResult.objects.count() == 1 and job.state == "queued" and job.task_id
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "<strong>Waiting to start</strong>" in html
    assert f'<a href="/jobs/{job.pk}/">Refresh this page</a>' in html and "naptrack/job.js" in html
    Job.objects.filter(pk=job.pk).update(state="running", progress_done=1, progress_total=2, progress_note="Halfway")
    status = client.get(f"/jobs/{job.pk}/status/").json()
    assert status == {
        "state": "running",
        "state_label": "Running",
        "finished": False,
        "done": 1,
        "total": 2,
        "percent": 50,
        "note": "Halfway",
        "attempts": 0,
    }
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert (
        '<progress id="job-progress" class="w-100" max="100" value="50"' in html
        and ': <span id="job-note">Halfway</span>' in html
    )
    # Without JavaScript the page loads itself again while the job runs when asked to (never on
    # its own), and no longer once it ended.
    refresh = '<noscript><meta http-equiv="refresh" content="5"></noscript>'
    assert refresh not in html and f'<a href="/jobs/{job.pk}/?refresh=1">' in html
    assert refresh in client.get(f"/jobs/{job.pk}/?refresh=1").content.decode()
    assert 'role="status" aria-live="polite" id="job-state"' in html
    # The worker takes the entry and publishes.
    Job.objects.filter(pk=job.pk).update(state="queued", progress_done=0, progress_total=0, progress_note="")
    assert job_run(job.pk).state == "succeeded"
    closed_round.refresh_from_db()
    assert closed_round.state == "published"
    html = client.get(f"/jobs/{job.pk}/?refresh=1").content.decode()
    assert "<strong>Done</strong>" in html and refresh not in html and "job.js" not in html
    # Finished: pressing Publish again is refused by the round's state, not queued.
    response = client.post(f"/rounds/{closed_round.pk}/state/publish/")
    assert response["Location"] == f"/rounds/{closed_round.pk}/" and Job.objects.count() == 1


def test_a_publication_is_followed_by_every_coordinator_and_no_one_else(
    closed_round, coordinator, focal_defence, reader, queue_in_database
):
    job = round_publish_enqueue(actor=coordinator, round=closed_round)
    other = _user("coordinator-2", "coordinator")
    # The second coordinator pressing Publish while the job waits is sent to it, and sees it.
    second = logged_in(other)
    assert second.post(f"/rounds/{closed_round.pk}/state/publish/")["Location"] == f"/jobs/{job.pk}/"
    assert second.get(f"/jobs/{job.pk}/").status_code == 200
    assert second.get(f"/jobs/{job.pk}/status/").json()["state"] == "queued"
    for user in (focal_defence, reader):
        client = logged_in(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/{job.pk}/status/").status_code == 404
    from django.test import Client

    assert Client().get(f"/jobs/{job.pk}/")["Location"].startswith("/accounts/login/")
    assert logged_in(coordinator).get("/jobs/999999/").status_code == 404
    # Who started it still sees it (its outcome, its error) once they are no longer coordinator.
    from naptrack.accounts.services import user_set_role

    user_set_role(actor=other, user=coordinator, role="reader")
    assert logged_in(coordinator).get(f"/jobs/{job.pk}/").status_code == 200
    user_set_role(actor=_user("coordinator-3", "coordinator"), user=other, role="reader")
    assert logged_in(other).get(f"/jobs/{job.pk}/").status_code == 404


def test_a_job_without_a_permission_is_its_starters_alone(coordinator, queue_in_database):
    job = job_enqueue(actor=coordinator, function=append, title="Counting", arguments={"path": "x"})
    assert logged_in(coordinator).get(f"/jobs/{job.pk}/").status_code == 200
    assert logged_in(_user("coordinator-2", "coordinator")).get(f"/jobs/{job.pk}/").status_code == 404


def test_the_job_page_and_its_status_cost_the_same_queries_whatever_the_job(
    closed_round, coordinator, queue_in_database, django_assert_num_queries
):
    client = logged_in(coordinator)
    job = round_publish_enqueue(actor=coordinator, round=closed_round)
    client.get(f"/jobs/{job.pk}/")
    # The session, the person, the job with who started it; the page adds the person's roles
    # for its header, as every signed-in page does.
    with django_assert_num_queries(3):
        client.get(f"/jobs/{job.pk}/status/")
    with django_assert_num_queries(4):
        client.get(f"/jobs/{job.pk}/")
    # Another coordinator's look also reads the round the job publishes, and their roles, to
    # check that they hold the permission the shared job needs.
    other = logged_in(_user("coordinator-2", "coordinator"))
    other.get(f"/jobs/{job.pk}/status/")
    with django_assert_num_queries(5):
        other.get(f"/jobs/{job.pk}/status/")
    job_run(job.pk)
    with django_assert_num_queries(4):
        assert client.get(f"/jobs/{job.pk}/").status_code == 200


def test_a_failing_job_is_tried_again_up_to_its_limit_then_fails_with_its_error_shown(coordinator):
    passes = job_enqueue(actor=coordinator, function=flaky, title="Flaky", arguments={"failures": 2})
    assert (passes.state, passes.attempts, passes.result_note, passes.error) == (
        "succeeded",
        3,
        "done at attempt 3",
        "",
    )
    never = job_enqueue(actor=coordinator, function=flaky, title="Never", arguments={"failures": 9}, max_attempts=2)
    assert (never.state, never.attempts) == ("failed", 2)
    assert never.error == (
        "An unexpected error stopped the job (RuntimeError). "
        "The administrator can find the details in the worker's log."
    )
    html = logged_in(coordinator).get(f"/jobs/{never.pk}/").content.decode()
    assert "The job failed after 2 attempts." in html and "(RuntimeError)" in html


def test_a_refusal_fails_the_job_at_once_with_its_message(coordinator, open_round):
    refused = job_enqueue(actor=coordinator, function=refuses, title="Refused")
    assert (refused.state, refused.attempts, refused.error) == ("failed", 1, "The plan has no such line: 99.z.")
    # Publishing a round that was reopened meanwhile: the round's own message, one attempt.
    job = round_publish_enqueue(actor=coordinator, round=open_round)
    assert (job.state, job.attempts, job.error) == ("failed", 1, "The round is open: this cannot be done now.")
    open_round.refresh_from_db()
    assert open_round.state == "open"


def test_only_marked_functions_are_queued_or_run(coordinator, queue_in_database):
    with pytest.raises(TypeError):
        job_enqueue(actor=coordinator, function=not_a_handler, title="No")
    job = Job.objects.create(handler="os.system", arguments={"command": "true"}, title="Not ours")
    assert job_run(job.pk).state == "failed"
    assert Job.objects.get(pk=job.pk).error == "This kind of job no longer exists."
    assert job_run(job.pk) is None  # a duplicate queue entry finds nothing waiting


def test_jobs_whose_worker_stopped_beating_are_run_again_or_failed(coordinator, queue_in_database, tmp_path, settings):
    settings.NAPTRACK_JOB_HEARTBEAT_SECONDS = 5
    now = timezone.now()
    arguments = {"path": str(tmp_path / "ran.txt"), "seconds": 0}
    lost, last, alive = (job_enqueue(actor=coordinator, function=append, title=t, arguments=arguments) for t in "abc")
    entries = {j.pk: j.task_id for j in (lost, last, alive)}
    DBTaskResult.objects.update(status="RUNNING")
    Job.objects.filter(pk=lost.pk).update(state="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=31))
    Job.objects.filter(pk=last.pk).update(state="running", attempts=3, heartbeat_at=now - dt.timedelta(seconds=60))
    Job.objects.filter(pk=alive.pk).update(state="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=20))

    assert sorted(jobs_recover(now=now)) == sorted([lost.pk, last.pk])
    assert jobs_recover(now=now) == []  # taken back once
    lost.refresh_from_db(), last.refresh_from_db(), alive.refresh_from_db()
    assert (lost.state, lost.error) == ("queued", "The worker running this job stopped before it finished.")
    assert lost.task_id != entries[lost.pk] and DBTaskResult.objects.get(pk=lost.task_id).status == "READY"
    assert (last.state, last.finished_at is not None) == ("failed", True)
    assert alive.state == "running"
    statuses = {str(k): v for k, v in DBTaskResult.objects.values_list("pk", "status")}
    assert statuses[entries[lost.pk]] == statuses[entries[last.pk]] == "FAILED"
    assert statuses[entries[alive.pk]] == "RUNNING"
    # The job taken back runs again to the end.
    assert job_run(lost.pk).state == "succeeded"
    assert (tmp_path / "ran.txt").read_text().split()[0] == str(lost.pk)


def test_the_command_line_has_a_worker_and_serve_without_one(capsys):
    parser = build_parser()
    assert parser.parse_args(["serve", "--no-worker"]).no_worker is True
    assert parser.parse_args(["serve"]).no_worker is False
    args = parser.parse_args(["worker", "--batch", "--max-jobs", "3", "--interval", "0.5"])
    assert (args.batch, args.max_jobs, args.interval) == (True, 3, 0.5)
    for bad in (["--interval", "0"], ["--interval", "soon"], ["--max-jobs", "0"]):
        with pytest.raises(SystemExit) as exit_:
            parser.parse_args(["worker", *bad])
        assert exit_.value.code == 2
    assert "worker: error: argument --interval" in capsys.readouterr().err


def test_the_queue_entry_carries_only_the_jobs_id(coordinator, queue_in_database):
    # Arguments stay on the job (its page and the admin show them); the entry only points at it.
    job = job_enqueue(actor=coordinator, function=flaky, title="x", arguments={"failures": 0})
    assert DBTaskResult.objects.get(pk=job.task_id).args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.arguments == {"failures": 0} and job.language == "en"


def test_the_api_publishes_through_a_job_that_only_its_starter_follows(
    closed_round, coordinator, focal_defence, queue_in_database, django_assert_num_queries
):
    from tests.test_api import api

    client = api(coordinator)
    response = client.post(f"/api/v1/rounds/{closed_round.pk}/publish/")
    job = Job.objects.get()
    assert response.status_code == 202 and response.json()["job"]["state"] == "queued"
    assert response.json()["state"] == "closed"  # not yet: a worker publishes it
    again = client.post(f"/api/v1/rounds/{closed_round.pk}/publish/")
    assert again.json()["job"]["id"] == job.pk and Job.objects.count() == 1
    with django_assert_num_queries(2):  # the token with its person, the job
        assert client.get(f"/api/v1/jobs/{job.pk}/").json()["title"] == "Publishing Annual report 2014"
    assert api(focal_defence).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
    assert api().get(f"/api/v1/jobs/{job.pk}/").status_code == 401
    job_run(job.pk)
    body = client.get(f"/api/v1/jobs/{job.pk}/").json()
    assert (body["state"], body["percent"], body["error"]) == ("succeeded", 100, "")


def test_a_worker_never_takes_back_the_job_it_is_running_itself(coordinator, queue_in_database, tmp_path):
    from naptrack.jobs import services

    job = job_enqueue(actor=coordinator, function=append, title="long", arguments={"path": str(tmp_path / "x")})
    # Its heartbeat could not be written for a minute (SQLite's lock held by its own transaction).
    Job.objects.filter(pk=job.pk).update(
        state="running", attempts=1, heartbeat_at=timezone.now() - dt.timedelta(minutes=1)
    )
    services._RUNNING_HERE.add(job.pk)
    try:
        assert jobs_recover() == []
    finally:
        services._RUNNING_HERE.discard(job.pk)
    assert jobs_recover() == [job.pk]


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        (
            "NAPTRACK_JOB_HEARTBEAT_SECONDS",
            "soon",
            "NAPTRACK_JOB_HEARTBEAT_SECONDS must be a number of seconds above 0, not 'soon'",
        ),
        ("NAPTRACK_JOB_RETRY_SECONDS", "0", "NAPTRACK_JOB_RETRY_SECONDS must be a number of seconds above 0, not '0'"),
        ("NAPTRACK_JOB_FILE_DAYS", "a week", "NAPTRACK_JOB_FILE_DAYS must be a number of days above 0, not 'a week'"),
        ("EMAIL_TIMEOUT", "-1", "EMAIL_TIMEOUT must be a number of seconds above 0, not '-1'"),
        (
            "NAPTRACK_STORAGE_OPTIONS",
            "[1]",
            'NAPTRACK_STORAGE_OPTIONS must be a JSON object, such as {"bucket_name": "naptrack"}',
        ),
    ],
)
def test_a_setting_naptrack_cannot_use_is_named_without_a_traceback(tmp_path, variable, value, message):
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(NAPTRACK_DATA_DIR=str(tmp_path), **{variable: value})
    result = subprocess.run(
        [sys.executable, "-m", "naptrack.cli", "worker", "--batch"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (result.returncode, result.stderr) == (1, f"naptrack: {message}\n")


def test_a_waiting_job_whose_queue_entry_cannot_run_it_is_queued_again(coordinator, queue_in_database, tmp_path):
    # A worker took the entry and died before claiming the job, or the entry is gone: left alone,
    # the job would wait for ever and hold its key (a second press would find it).
    arguments = {"path": str(tmp_path / "ran.txt"), "seconds": 0}
    taken, gone, fresh = (job_enqueue(actor=coordinator, function=append, title=t, arguments=arguments) for t in "abc")
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    Job.objects.filter(pk__in=[taken.pk, gone.pk]).update(created_at=long_ago)
    DBTaskResult.objects.filter(pk=taken.task_id).update(status="RUNNING", started_at=long_ago)
    DBTaskResult.objects.filter(pk=gone.task_id).delete()
    assert sorted(jobs_recover()) == sorted([taken.pk, gone.pk])
    assert jobs_recover() == []  # once
    for job in (taken, gone):
        old = job.task_id
        job.refresh_from_db()
        assert job.state == "queued" and job.task_id != old
        assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    # A job just queued is not touched: its worker may simply not have come yet.
    assert Job.objects.get(pk=fresh.pk).task_id == fresh.task_id
    assert job_run(gone.pk).state == "succeeded"


def test_a_publication_queued_by_a_coordinator_whose_account_was_closed_is_refused(closed_round, coordinator):
    from naptrack.accounts.models import User

    with pytest.MonkeyPatch.context() as patch:
        # Closed between the press and the run (here: the job runs where it is queued).
        patch.setattr(User, "is_active", property(lambda self: self.username != "coordinator", lambda s, v: None))
        job = round_publish_enqueue(actor=coordinator, round=closed_round)
    assert (job.state, job.attempts) == ("failed", 1)
    assert job.error == "The person who started this job no longer has an account."
    closed_round.refresh_from_db()
    assert closed_round.state == "closed"


def test_a_publication_found_done_by_another_attempt_ends_as_done(closed_round, coordinator, queue_in_database):
    from naptrack.portal.publishing import round_publish

    job = round_publish_enqueue(actor=coordinator, round=closed_round)
    round_publish(actor=coordinator, round=closed_round)  # another attempt, thought dead, committed
    assert job_run(job.pk).state == "succeeded"


def test_the_lost_workers_message_is_in_the_language_of_the_job(coordinator, queue_in_database, tmp_path):
    job = job_enqueue(actor=coordinator, function=append, title="x", arguments={"path": str(tmp_path / "x")})
    Job.objects.filter(pk=job.pk).update(
        state="running", attempts=1, language="fr", heartbeat_at=timezone.now() - dt.timedelta(minutes=5)
    )
    jobs_recover()
    job.refresh_from_db()
    assert job.error == "Le processus de traitement qui exécutait cette tâche s'est arrêté avant la fin."


@handler
def overtaken(job) -> Outcome:
    """Its worker was taken for dead while it ran: another attempt took the job over."""
    Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1, progress_note="the other attempt")
    return Outcome(note="the first attempt's end")


def test_an_attempt_taken_over_does_not_overwrite_the_attempt_that_took_it(coordinator, queue_in_database):
    job = job_enqueue(actor=coordinator, function=overtaken, title="Overtaken")
    job = job_run(job.pk)
    assert (job.state, job.attempts, job.result_note, job.progress_note, job.finished_at) == (
        "running",
        2,
        "",
        "the other attempt",
        None,
    )


def test_heartbeats_are_read_with_the_databases_clock(coordinator, queue_in_database, settings, tmp_path):
    settings.NAPTRACK_JOB_HEARTBEAT_SECONDS = 5
    arguments = {"path": str(tmp_path / "ran.txt"), "seconds": 0}
    silent, beating = (job_enqueue(actor=coordinator, function=append, title=t, arguments=arguments) for t in "ab")
    now = timezone.now()
    Job.objects.filter(pk=silent.pk).update(state="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=40))
    Job.objects.filter(pk=beating.pk).update(state="running", attempts=1, heartbeat_at=now - dt.timedelta(seconds=20))
    assert jobs_recover() == [silent.pk]
    silent.refresh_from_db(), beating.refresh_from_db()
    assert (silent.state, beating.state) == ("queued", "running")


@handler
def taken_over_before_its_commit(job) -> Outcome:
    """Writes, then finds at its job_done that another attempt took the job over meanwhile."""
    from django.db import transaction

    from naptrack.jobs.services import job_done

    Job.objects.filter(pk=job.pk).update(attempts=job.attempts + 1)  # the other attempt's claim
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(title="Written by the first attempt")
        job_done(job, Outcome(note="the first attempt's end"))
    return Outcome(note="never reached")


def test_an_attempt_taken_over_before_its_commit_rolls_its_work_back(coordinator, queue_in_database):
    job = job_enqueue(actor=coordinator, function=taken_over_before_its_commit, title="Overtaken")
    job = job_run(job.pk)
    # Its write rolled back; the job left as the other attempt holds it.
    assert (job.title, job.state, job.attempts, job.result_note) == ("Overtaken", "running", 2, "")


def test_a_worker_whose_clock_runs_behind_still_sees_silent_jobs(
    coordinator, queue_in_database, settings, tmp_path, monkeypatch
):
    settings.NAPTRACK_JOB_HEARTBEAT_SECONDS = 5
    arguments = {"path": str(tmp_path / "ran.txt"), "seconds": 0}
    job = job_enqueue(actor=coordinator, function=append, title="silent", arguments=arguments)
    Job.objects.filter(pk=job.pk).update(
        state="running", attempts=1, heartbeat_at=timezone.now() - dt.timedelta(seconds=40)
    )
    behind = timezone.now() - dt.timedelta(seconds=60)
    monkeypatch.setattr("naptrack.jobs.services.timezone.now", lambda: behind)
    # By this machine's clock the job beat 20 s ago; by the database's, 40 s: it is silent.
    assert jobs_recover() == [job.pk]


@handler
def failed_by_recovery_meanwhile(job) -> Outcome:
    """The last attempt, alive but taken for dead: recovery failed it while it worked."""
    Job.objects.filter(pk=job.pk).update(state="failed", error="The worker running this job stopped.")
    return Outcome(note="done after all")


def test_a_last_attempt_taken_for_dead_that_succeeds_ends_as_done(coordinator, queue_in_database):
    job = job_enqueue(actor=coordinator, function=failed_by_recovery_meanwhile, title="Alive", max_attempts=1)
    job = job_run(job.pk)
    assert (job.state, job.error, job.result_note) == ("succeeded", "", "done after all")


def test_an_attempt_finishing_late_keeps_the_file_of_a_job_queued_after_it(
    coordinator, queue_in_database, settings, tmp_path
):
    """A, taken for dead and failed by recovery, freed its key; B, the same report asked again,
    built its file. A then finishes after all: B's file, the newer, stays."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from naptrack.jobs.services import _finish

    settings.MEDIA_ROOT = tmp_path
    a = Job.objects.create(
        handler="x", title="A", key="report-build:1", state="failed", attempts=1, created_by=coordinator
    )
    b = Job.objects.create(
        handler="x", title="B", key="report-build:1", state="succeeded", attempts=1, created_by=coordinator
    )
    b.result_file.save("report.pdf", ContentFile(b"%PDF B"), save=True)
    _finish(a, outcome=Outcome(note="built", file=ContentFile(b"%PDF A", name="report.pdf")))
    a.refresh_from_db(), b.refresh_from_db()
    assert a.state == "succeeded" and default_storage.exists(a.result_file.name)
    assert b.result_file and default_storage.exists(b.result_file.name), "the newer job's file stays"
