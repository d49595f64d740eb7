"""The worker process behind `naptrack worker`: django-tasks' database worker, plus what naptrack
adds to it: heartbeats from running jobs and, every few beats, the recovery of jobs whose worker
died (naptrack.jobs.services.jobs_recover), the removal of old jobs' files (jobs_files_expire) and,
every hour, SQLite's planner statistics (naptrack.core.planner)."""

from __future__ import annotations

import logging
import threading
import time

from django.db import InterfaceError, OperationalError, close_old_connections, connection
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from naptrack.core import planner
from naptrack.jobs import services

logger = logging.getLogger("naptrack.jobs")


def _recovering(stop: threading.Event) -> None:
    # `naptrack serve` gathered them as it started.
    statistics_due = time.monotonic() + planner.REFRESH_SECONDS
    try:
        while True:
            # A database that restarted left this thread's connection broken: take a new one.
            close_old_connections()
            try:
                services.jobs_recover()
            except Exception:  # a locked or restarting database: try again at the next round
                logger.warning("could not look for jobs left by stopped workers", exc_info=True)
            try:
                services.jobs_files_expire()
            except Exception:  # as above; a storage that cannot delete now may later
                logger.warning("could not remove the files of old jobs", exc_info=True)
            if time.monotonic() >= statistics_due:
                try:
                    planner.statistics_refresh()
                    statistics_due = time.monotonic() + planner.REFRESH_SECONDS
                except Exception:  # a locked database: try again at the next round
                    logger.warning("could not refresh the database's statistics", exc_info=True)
            if stop.wait(3 * services.heartbeat_seconds()):
                return
    finally:
        connection.close()


def worker_run(
    *, interval: float = 1.0, batch: bool = False, max_tasks: int | None = None, worker_id: str = ""
) -> None:
    """Take jobs from the queue until stopped (SIGINT or SIGTERM finish the current job first;
    a second one stops at once), or, with `batch`, until the queue is empty."""
    services._IN_WORKER.set()
    # Before the first look at the queue, so that a batch run also runs what a dead worker left.
    services.jobs_recover()
    stop = threading.Event()
    recovery = threading.Thread(target=_recovering, args=(stop,), name="jobs-recovery", daemon=True)
    recovery.start()
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=max_tasks,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    try:
        while True:
            try:
                worker.run()
                return
            except (OperationalError, InterfaceError):
                # The database went away (a restart, a failover): wait and take the queue again,
                # rather than leave every later job waiting for a worker that has exited.
                logger.warning("the database is unreachable; the worker tries again in 5 s", exc_info=True)
                close_old_connections()
                time.sleep(5)
    finally:
        stop.set()
        recovery.join(timeout=5)
