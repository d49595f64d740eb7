"""A plan's published evaluations in the API, open without login: each with its assessments,
findings, and recommendations with their lines and the government's responses (the rows of the
open data's evaluations table, portal.evaluations). Unpublished evaluations do not exist here."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, responses
from naptrack.plans.models import Plan
from naptrack.portal import evaluations

TAGS = ["published data"]


class PublicEvaluationEntrySerializer(serializers.Serializer):
    entry = serializers.ChoiceField(choices=["assessment", "finding", "recommendation"])
    number = serializers.IntegerField(allow_null=True)
    objective_number = serializers.IntegerField(allow_null=True)
    action_codes = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    text = serializers.CharField()
    response = serializers.CharField(allow_blank=True)
    response_label = serializers.CharField(allow_blank=True)
    response_text = serializers.CharField(allow_blank=True)


class PublicEvaluationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    evaluator = serializers.CharField()
    evaluator_kind = serializers.CharField()
    organisation = serializers.CharField(allow_blank=True)
    completed_on = serializers.CharField(allow_blank=True)
    entries = PublicEvaluationEntrySerializer(many=True)


class PublicEvaluationsSerializer(serializers.Serializer):
    plan = serializers.CharField()
    evaluations = PublicEvaluationSerializer(many=True)


ENTRY_FIELDS = list(PublicEvaluationEntrySerializer().fields)


class PublicEvaluations(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A plan's published evaluations"),
        responses=responses({200: PublicEvaluationsSerializer}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        plan = get_object_or_404(Plan.objects.adopted(), slug=slug)
        found = [
            {
                "id": evaluation.pk,
                "kind": evaluation.kind,
                "evaluator": evaluation.evaluator_name,
                "evaluator_kind": evaluation.evaluator_kind,
                "organisation": evaluation.organisation,
                "completed_on": evaluation.completed_on.isoformat() if evaluation.completed_on else "",
                "entries": [
                    {name: row[name] for name in ENTRY_FIELDS} for row in evaluations.evaluation_rows(evaluation)
                ],
            }
            for evaluation in evaluations.published_with_entries(plan)
        ]
        return Response({"plan": plan.slug, "evaluations": found})
