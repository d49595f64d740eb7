"""A plan's targets and the progress toward them in the API, open without login, once the
coordinator published them: the rows of the open data's targets table (naptrack.portal.targets)
at one published round, decimals as strings. A 404 while the targets are not published."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, responses
from naptrack.plans.models import Plan
from naptrack.portal import figures, targets
from naptrack.reporting.progress import STATUSES

TAGS = ["published data"]
DECIMAL = gettext_lazy("A decimal number, as a string (a share of women between 0 and 1 for a count by sex).")


def _decimal() -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=DECIMAL)


class PublicTargetSerializer(serializers.Serializer):
    plan = serializers.CharField()
    round_id = serializers.IntegerField()
    round_kind = serializers.CharField()
    round_year = serializers.IntegerField()
    objective_number = serializers.IntegerField()
    action_code = serializers.CharField()
    instrument_number = serializers.IntegerField()
    instrument_text = serializers.CharField()
    instrument_kind = serializers.CharField()
    by_sex = serializers.BooleanField()
    unit = serializers.CharField(allow_blank=True)
    baseline_year = serializers.IntegerField(allow_null=True)
    baseline_value = _decimal()
    milestone = _decimal()
    target_year = serializers.IntegerField()
    target_value = _decimal()
    target_text = serializers.CharField(allow_blank=True)
    direction = serializers.CharField(allow_blank=True)
    source = serializers.CharField()
    latest_year = serializers.IntegerField(allow_null=True)
    latest_value = _decimal()
    status = serializers.ChoiceField(choices=STATUSES)
    status_label = serializers.CharField()
    status_rule = serializers.CharField()


class PublicTargetsSerializer(serializers.Serializer):
    plan = serializers.CharField()
    round_id = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Null: no round is published yet."))
    rounds = serializers.ListField(
        child=serializers.IntegerField(), help_text=gettext_lazy("The plan's published rounds, the latest first.")
    )
    targets = PublicTargetSerializer(many=True)


class TargetsQuerySerializer(serializers.Serializer):
    round = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=10**18 - 1,
        help_text=gettext_lazy("A published round's id; the latest published round by default."),
    )


class PublicTargets(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A plan's targets and the progress toward them"),
        parameters=[TargetsQuerySerializer],
        responses=responses({200: PublicTargetsSerializer}, 400, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        query = TargetsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        plan = get_object_or_404(Plan.objects.adopted(), slug=slug)
        if plan.targets_published_at is None:
            raise Http404(_("This plan's targets are not public."))
        view = targets.at_round(plan, query.validated_data.get("round"))
        if view is None:
            raise Http404(_("No such published round."))
        rows = [targets.record(plan, view.round, p, decimals=figures.as_text) for p in view.items] if view.round else []
        return Response(
            {
                "plan": plan.slug,
                "round_id": view.round.pk if view.round else None,
                "rounds": [r.pk for r in view.rounds],
                "targets": rows,
            }
        )
