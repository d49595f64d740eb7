"""Background jobs: queueing work, running it with bounded retries, recovering from dead workers.

Long work (publishing a round, building reports, large imports, reminders, re-indexing) is not
done in the web request: the view calls job_enqueue with a handler, a function of naptrack's
marked with @handler, and sends the person to the job's page. A worker (`naptrack worker`, or the
one `naptrack serve` starts) takes the queue entry, and job_run calls the handler with the job,
whose progress it may report through job_progress.

Handlers must be idempotent: a job is run again after a failure that may pass (a database error,
a worker killed in the middle), so the handler first looks at whether its work is already done
(a round already published) and does its writes in one transaction, so that an attempt that dies
leaves nothing half-done. Refusals that another attempt would not change (a permission, a
validation error) fail the job at once, with their message for the person who started it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.db.models.functions import Now
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from naptrack.jobs.models import Job

logger = logging.getLogger("naptrack.jobs")
HANDLER_MARK = "_naptrack_job_handler"
# Set in a worker process (naptrack.jobs.worker): only there do running jobs send a heartbeat.
_IN_WORKER = threading.Event()


# The jobs this process is running: its own recovery never takes them back, even when their
# heartbeat could not be written (SQLite's write lock held by the job's own long transaction).
_RUNNING_HERE: set[int] = set()


def in_worker() -> bool:
    return _IN_WORKER.is_set()


@dataclass(frozen=True)
class Outcome:
    """What a finished job leads to: the page that shows its result, and a sentence about it;
    and a file it built (its name is the one it is downloaded under), stored as the job's
    result_file when the job succeeds. A job with a file usually leads to it: job_file_url."""

    url: str = ""
    note: str = ""
    file: File | None = None


class JobRefused(Exception):
    """A handler's refusal that trying again would not change; its message is for the person."""


class JobTakenOver(Exception):
    """This attempt no longer holds its job (its worker was taken for dead and another attempt
    took the job over): raised by job_done, it rolls back the handler's transaction, and the
    attempt ends without a word, leaving the job to the other."""


# What fails a job at once, its message shown: trying again would be refused again.
REFUSALS = (ValidationError, PermissionDenied, JobRefused)


def handler(function: Callable[..., Outcome]) -> Callable[..., Outcome]:
    """Mark a function as one a job may run (the runner imports nothing else by name)."""
    setattr(function, HANDLER_MARK, True)
    return function


@contextlib.contextmanager
def job_cleanup(job: Job, cleanup: Callable[[], None]) -> Iterator[None]:
    """Run `cleanup` once the job is over for good: after the handler's block succeeds or is
    refused, or fails at its last attempt; not when another attempt will follow, which needs
    what the cleanup removes (an upload waiting to be imported, say)."""
    try:
        yield
    except JobTakenOver:
        raise  # the attempt that took the job over needs what the cleanup would remove
    except REFUSALS:
        cleanup()
        raise
    except Exception:
        if job.attempts >= job.max_attempts:
            cleanup()
        raise
    cleanup()


def job_person(job: Job) -> Any:
    """Who the job acts as: the person who started it, who must still have an account."""
    if job.created_by is None or not job.created_by.is_active:
        raise JobRefused(_("The person who started this job no longer has an account."))
    return job.created_by


def _path(function: Callable[..., Outcome]) -> str:
    if not getattr(function, HANDLER_MARK, False):
        raise TypeError(f"{function!r} is not marked with naptrack.jobs.services.handler")
    return f"{function.__module__}.{function.__qualname__}"


def heartbeat_seconds() -> float:
    return float(getattr(settings, "NAPTRACK_JOB_HEARTBEAT_SECONDS", 5.0))


def retry_delay(attempts: int) -> dt.timedelta:
    """Wait longer after each failure: a database restarting or a full disk may need a moment."""
    base = float(getattr(settings, "NAPTRACK_JOB_RETRY_SECONDS", 10.0))
    return dt.timedelta(seconds=base * (2 ** max(0, attempts - 1)))


def _queue(job: Job, *, delay: dt.timedelta | None = None) -> None:
    from naptrack.jobs.tasks import job_run as task

    if delay and task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    result = task.enqueue(job.pk)
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def job_enqueue(
    *,
    actor: Any,
    function: Callable[..., Outcome],
    title: str,
    arguments: dict[str, Any] | None = None,
    key: str = "",
    max_attempts: int = 3,
    permission: tuple[str, Any] | None = None,
    shared: bool = False,
) -> Job:
    """Queue `function(job, **arguments)` for a worker, on behalf of `actor`; the caller has
    checked that the actor may start it (the handler checks again when it runs, as the actor).

    With a key, the same work already waiting or running is returned instead of a second job:
    a button pressed twice starts one job.

    `permission`, a permission name and its target (None for a permission without one), is what
    downloading the file the job built needs, checked at every download, the person who started
    it included; `shared` opens the job's page to all who hold it (a second coordinator pressing
    the same button is sent to the first one's job), where otherwise only the person who started
    it sees it."""
    if key:
        existing = Job.objects.unfinished().filter(key=key).first()
        if existing is not None:
            return existing
    user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            job = Job.objects.create(
                handler=_path(function),
                arguments=arguments or {},
                title=title[:300],
                key=key,
                language=translation.get_language() or settings.LANGUAGE_CODE,
                max_attempts=max(1, max_attempts),
                created_by=user,
                shared=shared and permission is not None,
                **_permission(permission),
            )
            # In the same transaction: the job and its queue entry exist together or not at all.
            # (With the immediate backend of the tests, this runs the job here and now.)
            _queue(job)
    except IntegrityError:
        # Another request queued the same work between our look and our insert.
        existing = Job.objects.unfinished().filter(key=key).first()
        if existing is None:
            raise
        return existing
    job.refresh_from_db()
    return job


def _permission(permission_target: tuple[str, Any] | None) -> dict[str, Any]:
    if permission_target is None:
        return {}
    permission, target = permission_target
    if target is None:
        return {"permission": permission}
    from django.contrib.contenttypes.models import ContentType

    return {
        "permission": permission,
        "target_type": ContentType.objects.get_for_model(target),
        "target_id": target.pk,
    }


def job_progress(job: Job, done: int, total: int, note: str = "") -> None:
    """Say how far the job got. Written at once (outside any transaction the handler has open
    only on PostgreSQL's other sessions' view when that transaction commits: report progress
    between steps, not inside the one transaction that does the writes)."""
    job.progress_done, job.progress_total, job.progress_note = done, total, note[:300]
    Job.objects.filter(pk=job.pk).update(
        progress_done=done, progress_total=total, progress_note=note[:300], heartbeat_at=Now()
    )


def _message(error: BaseException) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    if isinstance(error, (PermissionDenied, JobRefused)):
        return str(error) or _("You may not do this.")
    return _(
        "An unexpected error stopped the job (%(error)s). The administrator can find the details in the worker's log."
    ) % {"error": type(error).__name__}


class _Heartbeat:
    """Tells the other workers, every few seconds, that this job's worker is alive."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"job-{job_id}-heartbeat", daemon=True)

    def _beat(self) -> None:
        try:
            while not self.stop.wait(heartbeat_seconds()):
                close_old_connections()  # a connection broken by a database restart is replaced
                try:
                    Job.objects.filter(pk=self.job_id, state=Job.State.RUNNING).update(heartbeat_at=Now())
                except Exception:  # a locked SQLite database: the next beat will do
                    logger.debug("heartbeat of job %s missed", self.job_id, exc_info=True)
        finally:
            connection.close()

    def __enter__(self) -> _Heartbeat:
        _RUNNING_HERE.add(self.job_id)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        _RUNNING_HERE.discard(self.job_id)
        self.stop.set()
        self.thread.join(timeout=heartbeat_seconds() + 5)


def _claim(job_id: int) -> Job | None:
    # Heartbeats are written and read with the database's clock, the one clock every worker on
    # every machine shares: a machine whose clock runs behind would otherwise look dead.
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, attempts=F("attempts") + 1, started_at=Now(), heartbeat_at=Now(), error=""
    )
    return Job.objects.select_related("created_by").get(pk=job_id) if claimed else None


def job_run(job_id: int, *, beating: bool = False) -> Job | None:
    """One attempt at a job: called by the queue's task in a worker. A job that is not waiting
    (already done, or taken by another attempt) is left alone, so a duplicate entry is harmless."""
    job = _claim(job_id)
    if job is None:
        return None
    try:
        function = import_string(job.handler)
    except ImportError:
        function = None
    if not getattr(function, HANDLER_MARK, False):
        _finish(job, error=_("This kind of job no longer exists."), failed=True)
        job.refresh_from_db()
        return job
    with translation.override(job.language):
        try:
            if beating:
                with _Heartbeat(job.pk):
                    outcome = function(job, **job.arguments)
            else:
                outcome = function(job, **job.arguments)
        except JobTakenOver:
            logger.warning("job %s: attempt %s was taken over; its work was rolled back", job.pk, job.attempts)
        except REFUSALS as error:
            _finish(job, error=_message(error), failed=True)
        except Exception as error:
            logger.exception(
                "job %s (%s), attempt %s of %s failed", job.pk, job.handler, job.attempts, job.max_attempts
            )
            # The handler's transaction is rolled back; a broken connection is replaced. Not
            # inside a transaction of the caller's (the immediate backend runs the job in the
            # request's, or a test's): closing would break it on PostgreSQL.
            if not connection.in_atomic_block:
                close_old_connections()
            if job.attempts < job.max_attempts:
                _again(job, error=_message(error))
            else:
                _finish(job, error=_message(error), failed=True)
        else:
            _finish(job, outcome=outcome or Outcome())
    job.refresh_from_db()
    return job


def _this_attempt(job: Job, *, succeeded: bool = False) -> Any:
    """The job, while this attempt still holds it. An attempt whose worker was taken for dead
    (its heartbeat could not reach the database) may still be running when another took the job
    over: what it says at its end must not overwrite the other's. A success also overrides the
    failure recovery wrote when this, the last attempt, looked dead (the only failure written
    by someone else than the attempt itself): the work is done."""
    states = (Job.State.RUNNING, Job.State.FAILED) if succeeded else (Job.State.RUNNING,)
    return Job.objects.filter(pk=job.pk, state__in=states, attempts=job.attempts)


def _again(job: Job, *, error: str) -> None:
    # One transaction: a job back in the queue always has its queue entry.
    with transaction.atomic():
        if _this_attempt(job).update(state=Job.State.QUEUED, error=error, heartbeat_at=None):
            _queue(job, delay=retry_delay(job.attempts))
        else:
            logger.warning("job %s: attempt %s was taken over; its retry is left to the other", job.pk, job.attempts)


def job_done(job: Job, outcome: Outcome) -> None:
    """Mark the job done from inside the handler's own transaction, as its last write: a
    worker that dies after the commit then leaves the job done, where otherwise the job would
    run again and find its work done (an import whose upload is gone). The handler returns the
    same outcome; job_run finds the job already finished. Not for a job that builds a file."""
    if outcome.file is not None:
        raise ValueError("a job that builds a file is finished by job_run, which stores the file")
    done = _this_attempt(job, succeeded=True).update(
        state=Job.State.SUCCEEDED,
        finished_at=Now(),
        error="",
        result_url=outcome.url,
        result_note=outcome.note,
        progress_done=F("progress_total"),
    )
    if not done:
        raise JobTakenOver(job.pk)


def _finish(job: Job, *, outcome: Outcome | None = None, error: str = "", failed: bool = False) -> None:
    changes: dict[str, Any] = {
        "state": Job.State.FAILED if failed else Job.State.SUCCEEDED,
        "finished_at": Now(),
        "error": error,
    }
    if outcome is not None:
        changes.update(result_url=outcome.url, result_note=outcome.note, progress_done=F("progress_total"))
        if outcome.file is not None:
            # Stored here, once the handler succeeded: an attempt that fails leaves no file.
            job.result_file.save(outcome.file.name, outcome.file, save=False)
            changes["result_file"] = job.result_file.name
    if not _this_attempt(job, succeeded=not failed).update(**changes):
        # Marked done by the handler (job_done), or taken over by another attempt.
        if outcome is not None and outcome.file is not None:
            job.result_file.storage.delete(job.result_file.name)
        return
    if outcome is not None and outcome.file is not None and job.key:
        # The same person's same report built again: the earlier files have no use left (not a
        # later job's: one queued after this attempt was taken for dead and failed).
        earlier = Job.objects.filter(key=job.key, created_at__lte=job.created_at).exclude(pk=job.pk)
        _files_remove(earlier.exclude(result_file=""))


def job_file_url(job: Job) -> str:
    """Where the file a job builds is downloaded (for a handler's Outcome.url)."""
    from django.urls import reverse

    return reverse("jobs:job-file", args=[job.pk])


def _files_remove(jobs: Any) -> int:
    removed = 0
    for old in jobs.only("pk", "result_file", "language"):
        with translation.override(old.language):
            note = _("The file this job built was removed: build it again.")
        # The row first: a download then finds no file rather than a name whose file is gone.
        if Job.objects.filter(pk=old.pk, result_file=old.result_file.name).update(
            result_file="", result_url="", result_note=note
        ):
            old.result_file.storage.delete(old.result_file.name)
            removed += 1
    return removed


def file_days() -> float:
    return float(getattr(settings, "NAPTRACK_JOB_FILE_DAYS", 7))


def jobs_files_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files jobs built longer ago than NAPTRACK_JOB_FILE_DAYS (a built report is a
    copy of the moment, not an archive: the published report is kept by the round). Workers call
    this now and then; returns how many were removed."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=file_days())
    return _files_remove(Job.objects.exclude(result_file="").filter(finished_at__lt=cutoff))


def jobs_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Run again the jobs whose worker died: running, with no heartbeat for several beats.
    Every worker calls this now and then; the update that takes a job back is conditional, so
    two workers recovering at once queue it once. Returns the ids taken back."""
    from django_tasks_db.models import DBTaskResult

    silence = dt.timedelta(seconds=6 * heartbeat_seconds())
    # Heartbeats are measured by the database's clock, which wrote them (a time given, by it).
    silent = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=(now or Now()) - silence)

    def still_silent(job: Job) -> Any:
        # Conditional on the attempt seen and its silence: two workers recovering at once take
        # the job back once, and a heartbeat written meanwhile keeps it where it is.
        return silent.filter(pk=job.pk, attempts=job.attempts)

    now = now or timezone.now()
    silent_since = now - silence
    recovered = []
    for job in silent.exclude(pk__in=list(_RUNNING_HERE)):
        with translation.override(job.language):
            lost = _("The worker running this job stopped before it finished.")
        if job.attempts < job.max_attempts:
            with transaction.atomic():
                taken = still_silent(job).update(state=Job.State.QUEUED, error=lost, heartbeat_at=None)
                if taken:
                    _queue(job)
        else:
            taken = still_silent(job).update(state=Job.State.FAILED, error=lost, finished_at=now)
        if taken:
            # The dead worker's queue entry would otherwise stay "running" for ever.
            if job.task_id:
                DBTaskResult.objects.filter(pk=job.task_id, status="RUNNING").update(status="FAILED", finished_at=now)
            recovered.append(job.pk)
            logger.warning(
                "job %s (%s) lost its worker; %s",
                job.pk,
                job.handler,
                "queued again" if job.attempts < job.max_attempts else "failed",
            )
    return recovered + _requeue_stranded(silent_since, now)


def _requeue_stranded(silent_since: dt.datetime, now: dt.datetime) -> list[int]:
    """Queue again the waiting jobs whose queue entry will never run them: gone, ended without
    taking the job, or taken by a worker that died before it claimed the job. Left alone, such a
    job would wait for ever and hold its key, so that pressing the button again finds it."""
    from django_tasks_db.models import DBTaskResult

    waiting = list(Job.objects.filter(state=Job.State.QUEUED, created_at__lt=silent_since))
    if not waiting:
        return []
    entries = {
        str(pk): (status, started_at)
        for pk, status, started_at in DBTaskResult.objects.filter(
            pk__in=[j.task_id for j in waiting if j.task_id]
        ).values_list("pk", "status", "started_at")
    }
    stranded = []
    for job in waiting:
        status, started_at = entries.get(job.task_id, (None, None))
        if status == "READY" or (status == "RUNNING" and started_at and started_at >= silent_since):
            continue
        with transaction.atomic():
            # Conditional on the entry seen: two workers recovering at once queue it once.
            if Job.objects.filter(pk=job.pk, state=Job.State.QUEUED, task_id=job.task_id).update(heartbeat_at=None):
                if status == "RUNNING":
                    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED", finished_at=now)
                _queue(job)
                stranded.append(job.pk)
                logger.warning("job %s (%s) had no queue entry to run it; queued again", job.pk, job.handler)
    return stranded
