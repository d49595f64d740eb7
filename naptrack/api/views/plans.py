"""The plans: public, read-only."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api import serializers as s
from naptrack.api.views.common import (
    JsonView,
    Pagination,
    responses,
)
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Instrument, Plan


@extend_schema(tags=["plans"])
class PlanList(JsonView, generics.ListAPIView):
    """The plans: public data, readable without a token."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = s.PlanSummarySerializer

    def get_queryset(self):
        # A draft plan only for the coordinator who prepares it.
        return Plan.objects.visible_to(self.request.user).order_by("-period_end", "slug")

    @extend_schema(responses=responses({200: s.PlanSummarySerializer(many=True)}, 401, 404))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _instrument_ids(plan: Plan) -> dict[str, list[int]]:
    """Instrument ids per line-of-action code, in the order plan_document lists them."""
    ids: dict[str, list[int]] = {}
    for code, pk in (
        # The instruments in force, as the plan file lists them: none an amendment retired.
        Instrument.objects.filter(action__plan=plan, retired_in__isnull=True, action__retired_in__isnull=True)
        .order_by("action_id", "position")
        .values_list("action__code", "pk")
    ):
        ids.setdefault(code, []).append(pk)
    return ids


class PlanDetail(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A plan in the naptrack-plan/1 format"),
        description=gettext_lazy("The naptrack-plan/1 document, each instrument with its id."),
        responses=responses({200: s.PlanDocumentSerializer}, 401, 404),
        tags=["plans"],
    )
    def get(self, request: Request, slug: str) -> Response:
        plan = get_object_or_404(Plan.objects.visible_to(request.user), slug=slug)
        document = plan_document(plan, public=True)
        ids = _instrument_ids(plan)
        for objective in document["objectives"]:
            for goal in objective["goals"]:
                for action in goal["actions"]:
                    for instrument, pk in zip(action["instruments"], ids.get(action["code"], []), strict=True):
                        instrument["id"] = pk
        return Response(document)
