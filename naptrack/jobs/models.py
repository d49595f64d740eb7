"""A background job as the person who started it sees it: what it does, how far it got, how it ended.

The queue itself is django-tasks' database backend (django_tasks_db.DBTaskResult): one row per
attempt, taken by exactly one worker. A Job outlives its attempts: it counts them, keeps the
last error, and is what the progress page and the retry and recovery logic read
(naptrack.jobs.services).
"""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from naptrack.core.choices import ChoiceLabels


def result_path(job: Job, filename: str) -> str:
    # A folder per job: the file keeps the name it is downloaded under (a report's filename),
    # and two jobs building the same report never take each other's name.
    return f"jobs/{job.pk}/{filename}"


class JobQuerySet(models.QuerySet):
    def unfinished(self) -> JobQuerySet:
        return self.filter(state__in=(Job.State.QUEUED, Job.State.RUNNING))


class Job(ChoiceLabels, models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Done")
        FAILED = "failed", _("Failed")

    # The dotted path of the function that does the work (marked with jobs.handler); only
    # naptrack's own code creates jobs, and the runner imports nothing unmarked.
    handler = models.CharField(_("handler"), max_length=200)
    arguments = models.JSONField(_("arguments"), default=dict)
    title = models.CharField(_("title"), max_length=300)
    # What the job acts on, e.g. "round-publish:12": while one such job is waiting or running, a
    # second press of the button finds it instead of queueing the same work again.
    key = models.CharField(_("key"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    progress_done = models.PositiveIntegerField(_("steps done"), default=0)
    progress_total = models.PositiveIntegerField(_("steps"), default=0)
    progress_note = models.CharField(_("progress"), max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    result_url = models.CharField(_("result"), max_length=500, blank=True)
    result_note = models.TextField(_("outcome"), blank=True)
    # A file the job built (a report to download), in the default storage, served by
    # jobs:job-file to whoever may see the job; removed when a newer job of the same key built
    # its own, or after NAPTRACK_JOB_FILE_DAYS (services.jobs_files_expire).
    result_file = models.FileField(_("file built"), upload_to=result_path, max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Written every few seconds by the worker running it: a job whose heartbeat stopped was
    # running in a worker that died, and is run again (services.jobs_recover).
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    task_id = models.CharField(_("queue entry"), max_length=64, blank=True)
    # The permission, on the target, that the job's work needs (jobs/rules.py). Its file is
    # downloaded only while it is held, by the person who started the job too. A shared job's
    # page is seen by everyone holding it (the round a job publishes: every coordinator, who may
    # press the same button and be sent to this job); any other job's by the person who
    # started it alone, who keeps seeing how it ended.
    permission = models.CharField(_("permission"), max_length=100, blank=True)
    shared = models.BooleanField(_("shared"), default=False)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=Q(state__in=("queued", "running")) & ~Q(key=""),
                name="jobs_one_unfinished_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["state", "heartbeat_at"], name="jobs_state_heartbeat"),
            models.Index(fields=["created_by", "-created_at"], name="jobs_by_person"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def result_filename(self) -> str:
        return PurePosixPath(self.result_file.name).name if self.result_file else ""

    @property
    def percent(self) -> int | None:
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))
