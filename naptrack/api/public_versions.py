"""A plan's versions in the API, open without login for an adopted plan: version 1 as adopted,
then each amendment with the day it took effect, its reason and its changes (the entries of
naptrack.plans.amendments, each with its words in the request's language)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, responses
from naptrack.plans.amendments import describe
from naptrack.plans.models import Plan

TAGS = ["published data"]


class PlanChangeSerializer(serializers.Serializer):
    op = serializers.CharField(help_text=gettext_lazy("What changed: line-added, line-retired, line-text, ..."))
    line = serializers.CharField(required=False, help_text=gettext_lazy("The line's code, for a change on a line."))
    description = serializers.CharField(help_text=gettext_lazy("The change in words."))
    detail = serializers.DictField(help_text=gettext_lazy("The change's other fields (texts, kinds, departments)."))


class PlanVersionEntrySerializer(serializers.Serializer):
    number = serializers.IntegerField()
    effective_from = serializers.DateField()
    reason = serializers.CharField(allow_blank=True)
    recorded_at = serializers.DateTimeField()
    changes = PlanChangeSerializer(many=True)


class PlanVersionsSerializer(serializers.Serializer):
    plan = serializers.CharField()
    versions = PlanVersionEntrySerializer(many=True)


def _change(change: dict) -> dict:
    detail = {k: v for k, v in change.items() if k not in ("op", "line")}
    row = {"op": change["op"], "description": describe(change), "detail": detail}
    if "line" in change:
        row["line"] = str(change["line"])
    return row


class PublicPlanVersions(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A plan's versions: the plan as adopted and each amendment"),
        responses=responses({200: PlanVersionsSerializer}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        plan = get_object_or_404(Plan.objects.adopted(), slug=slug)
        versions = plan.versions.defer("snapshot").order_by("number")
        return Response(
            {
                "plan": plan.slug,
                "versions": [
                    {
                        "number": v.number,
                        "effective_from": v.effective_from.isoformat(),
                        "reason": v.reason,
                        "recorded_at": v.recorded_at.isoformat(),
                        "changes": [_change(c) for c in v.changes],
                    }
                    for v in versions
                ],
            }
        )
