"""The report to parliament as PDF or Word, built by a background job (publications/jobs.py): the
dashboard's buttons queue it, its page ends with the file, which jobs:job-file serves to whoever
queued it; older files of the same report are removed, and so are files past their age."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.utils import timezone

from naptrack.accounts.services import user_set_role
from naptrack.jobs.models import Job
from naptrack.jobs.services import job_run, jobs_files_expire
from naptrack.publications.jobs import report_build_enqueue

from .conftest import BE, _user, logged_in
from .test_never_leaks import text_of
from .test_report import DEFENCE_INTERNAL, _own_media, baseline, report_round  # noqa: F401 - the fixtures

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_in_database(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_draft_pdf_is_built_by_a_job_whose_page_leads_to_the_file(report_round, coordinator_client):  # noqa: F811
    url = f"/rounds/{report_round.pk}/report.pdf?lang=en&draft=1"
    response = coordinator_client.post(url)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/jobs/{job.pk}/"
    key = f"report-build:{report_round.pk}:pdf:en:draft:{job.created_by_id}"
    assert (job.state, job.attempts, job.key) == ("succeeded", 1, key)
    name = f"{BE}-annual-2014-en-draft.pdf"
    assert job.result_file.name == f"jobs/{job.pk}/{name}" and default_storage.exists(job.result_file.name)
    page = coordinator_client.get(response["Location"]).content.decode()
    assert "Draft report of Annual report 2014 (PDF, en) is ready." in page
    assert f'<a class="btn btn-primary" href="/jobs/{job.pk}/file/">Download {name}</a>' in page
    download = coordinator_client.get(f"/jobs/{job.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{name}"'
    assert download["Cache-Control"] == "private, no-store"
    assert DEFENCE_INTERNAL in text_of(f"/jobs/{job.pk}/file/", download)


def test_the_final_word_file_holds_only_public_work(report_round, focal_defence_client):  # noqa: F811
    response = focal_defence_client.post(f"/rounds/{report_round.pk}/report.docx?lang=fr")
    download = focal_defence_client.get(f"{response['Location']}file/")
    data = b"".join(download.streaming_content)
    assert download["Content-Disposition"] == f'attachment; filename="{BE}-annual-2014-fr.docx"'
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    assert DEFENCE_INTERNAL not in text_of("", HttpResponse(data))


def test_a_get_shows_the_build_button_and_queues_nothing(report_round, coordinator_client, django_assert_num_queries):  # noqa: F811
    url = f"/rounds/{report_round.pk}/report.docx?lang=nl&draft=1"
    coordinator_client.get(url)
    # The session, the person, the round, the person's roles (permissions, the page's header).
    with django_assert_num_queries(4):
        response = coordinator_client.get(url)
    html = response.content.decode()
    assert response.status_code == 200 and not Job.objects.exists()
    assert "<h1>Draft report of Annual report 2014 (Word, nl)</h1>" in html
    assert '<form method="post">' in html and "Build the file</button>" in html
    assert coordinator_client.post(f"/rounds/{report_round.pk}/report.html").status_code == 405


def test_the_dashboard_offers_buttons_that_post_to_build(report_round, coordinator_client):  # noqa: F811
    html = coordinator_client.get(f"/rounds/{report_round.pk}/").content.decode()
    link = f'<a class="btn btn-outline-primary btn-sm me-1" href="/rounds/{report_round.pk}/report.html?lang=en"'
    assert link in html
    assert (
        f'<button type="submit" class="btn btn-outline-secondary btn-sm me-1" '
        f'formaction="/rounds/{report_round.pk}/report.pdf?lang=fr&amp;draft=1"' in html
    )
    assert f'<form method="post" action="/rounds/{report_round.pk}/report.pdf">' in html


def test_who_may_not_read_the_draft_queues_nothing(report_round, focal_defence_client, anonymous):  # noqa: F811
    assert focal_defence_client.post(f"/rounds/{report_round.pk}/report.pdf?draft=1").status_code == 403
    assert focal_defence_client.get(f"/rounds/{report_round.pk}/report.pdf?draft=1").status_code == 403
    assert anonymous.post(f"/rounds/{report_round.pk}/report.pdf")["Location"].startswith("/accounts/login/")
    assert focal_defence_client.post(f"/rounds/{report_round.pk}/report.pdf?lang=xx").status_code == 404
    assert not Job.objects.exists()


def test_the_job_asks_again_as_the_person_and_shows_its_refusal(report_round, coordinator, queue_in_database):  # noqa: F811
    reader = _user("reader-2", "reader")
    client = logged_in(reader)
    job_page = client.post(f"/rounds/{report_round.pk}/report.pdf?draft=1")["Location"]
    job = Job.objects.get()
    again = client.post(f"/rounds/{report_round.pk}/report.pdf?draft=1")
    assert job.state == "queued" and again["Location"] == job_page, "a second press finds the job"
    # Before the worker takes it, the reader becomes a focal point of Defence.
    user_set_role(actor=coordinator, user=reader, role="focal-point", department_code="defence")
    job = job_run(job.pk)
    assert (job.state, job.attempts, job.error, job.result_file.name) == (
        "failed",
        1,
        "The draft report is for the coordinator and readers.",
        "",
    )
    html = client.get(job_page).content.decode()
    assert "The job failed after 1 attempt." in html and "The draft report is for the coordinator and readers." in html
    assert client.get(f"{job_page}file/").status_code == 404


def test_only_who_queued_it_downloads_the_file(report_round, coordinator, reader, django_assert_num_queries):  # noqa: F811
    job = report_build_enqueue(actor=coordinator, round=report_round, format="pdf", lang="en", draft=True)
    client = logged_in(coordinator)
    client.get(f"/jobs/{job.pk}/file/")
    # The session, the person, the job with who started it; the round and the person's roles,
    # for the permission to read the draft, checked again at every download.
    with django_assert_num_queries(5):
        assert client.get(f"/jobs/{job.pk}/file/").status_code == 200
    assert logged_in(reader).get(f"/jobs/{job.pk}/file/").status_code == 404
    assert logged_in(reader).get(f"/jobs/{job.pk}/").status_code == 404
    # Who built it and may no longer read the draft no longer downloads it; the page stays theirs.
    user_set_role(
        actor=_user("coordinator-2", "coordinator"), user=coordinator, role="focal-point", department_code="defence"
    )
    assert logged_in(coordinator).get(f"/jobs/{job.pk}/file/").status_code == 404
    assert logged_in(coordinator).get(f"/jobs/{job.pk}/").status_code == 200


def test_a_newer_build_removes_the_older_file_and_old_files_expire(report_round, coordinator, reader):  # noqa: F811
    first = report_build_enqueue(actor=coordinator, round=report_round, format="docx", lang="en", draft=False)
    others = report_build_enqueue(actor=reader, round=report_round, format="docx", lang="en", draft=False)
    second = report_build_enqueue(actor=coordinator, round=report_round, format="docx", lang="en", draft=False)
    assert first.pk != second.pk and first.key == second.key != others.key
    old_name = first.result_file.name
    first.refresh_from_db(), others.refresh_from_db()
    assert not default_storage.exists(old_name) and (first.result_file.name, first.result_url) == ("", "")
    assert first.result_note == "The file this job built was removed: build it again."
    client = logged_in(coordinator)
    assert client.get(f"/jobs/{first.pk}/file/").status_code == 404
    page = client.get(f"/jobs/{first.pk}/").content.decode()
    assert "The file this job built was removed: build it again." in page and "/file/" not in page
    assert default_storage.exists(others.result_file.name), "another person's file is theirs"
    # Files older than NAPTRACK_JOB_FILE_DAYS (7) go; a younger one stays.
    later = timezone.now() + dt.timedelta(days=6)
    assert jobs_files_expire(now=later) == 0
    Job.objects.filter(pk=others.pk).update(finished_at=timezone.now() - dt.timedelta(days=8))
    assert jobs_files_expire() == 1
    others.refresh_from_db(), second.refresh_from_db()
    assert others.result_file.name == "" and second.result_file and default_storage.exists(second.result_file.name)
