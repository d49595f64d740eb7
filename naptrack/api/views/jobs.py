"""Background jobs in the API: publishing a round answers 202 with its job, which the caller
follows at /api/v1/jobs/<id>/ (their own jobs only)."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, responses
from naptrack.jobs.models import Job


class JobSerializer(serializers.ModelSerializer):
    state = serializers.ChoiceField(choices=Job.State.choices, help_text="queued, running, succeeded or failed")
    percent = serializers.IntegerField(allow_null=True, help_text="progress, when the job counts its steps")
    page = serializers.SerializerMethodField(help_text="the job's page in the browser")

    class Meta:
        model = Job
        fields = [
            "id",
            "title",
            "state",
            "attempts",
            "max_attempts",
            "progress_done",
            "progress_total",
            "percent",
            "progress_note",
            "error",
            "result_note",
            "created_at",
            "started_at",
            "finished_at",
            "page",
        ]

    def get_page(self, job: Job) -> str:
        return reverse("jobs:job", args=[job.pk])


class JobDetail(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("A background job you started: its state, progress, error or outcome"),
        responses=responses({200: JobSerializer}, 401, 404),
        tags=["jobs"],
    )
    def get(self, request: Request, pk: int) -> Response:
        job = Job.objects.filter(pk=pk).first()
        if job is None or not request.user.has_perm("jobs.view_job", job):
            raise Http404
        return Response(JobSerializer(job).data)
