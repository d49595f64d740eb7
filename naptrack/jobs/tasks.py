"""The one task on the queue: an attempt at a Job (naptrack.jobs.services.job_run)."""

from __future__ import annotations

from django_tasks import task

from naptrack.jobs import services


@task()
def job_run(job_id: int) -> None:
    # The heartbeat runs in workers only: the immediate backend of the tests runs the job in
    # the request's own thread and transaction.
    services.job_run(job_id, beating=services.in_worker())
