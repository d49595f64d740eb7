"""Helpers for tests of screens whose work is a background job: the suite runs jobs at once
(tests/conftest.py), so the POST that queues one redirects to its page with the job done."""

from __future__ import annotations

import re

from naptrack.jobs.models import Job


def job_of(response) -> Job:
    """The job a POST queued, from its redirect to the job's page."""
    assert response.status_code == 302, response
    match = re.fullmatch(r"/jobs/(\d+)/", response["Location"])
    assert match, response["Location"]
    return Job.objects.get(pk=int(match.group(1)))


def keep_jobs_queued(settings) -> None:
    """Jobs stay queued until a worker (job_run) takes them, as in production."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
