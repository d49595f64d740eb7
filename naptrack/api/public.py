"""Read-only API endpoints for published data, open without login: the published rounds and
their published contributions (Contribution.objects.public(): a contribution withdrawn after
publication is not there), under /api/v1/public/."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.rows import WrittenRows
from naptrack.api.serializers import with_plan_slug
from naptrack.api.serializers_contributions import MeasurementSerializer
from naptrack.api.views.common import JsonView, Pagination, responses
from naptrack.reporting.models import Contribution, Measurement, Round


class PublicRoundSerializer(WrittenRows):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan_slug", help_text=gettext_lazy("Plan slug."))
    kind = serializers.ChoiceField(choices=Round.Kind.choices)
    year = serializers.IntegerField(help_text=gettext_lazy("The year the round reports on."))
    label = serializers.CharField(source="__str__")
    intro = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()

    def row(self, round_: Round) -> dict:
        return {
            "id": round_.pk,
            "plan": round_.plan_slug,
            "kind": round_.kind,
            "year": round_.year,
            "label": self.label_of(round_),
            "intro": str(round_.intro),
            "published_at": self.moment(round_.published_at),
        }


class PublicContributionSerializer(WrittenRows):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    action = serializers.CharField(source="action.code", help_text=gettext_lazy("Code of the line of action."))
    department = serializers.CharField(source="department.code", help_text=gettext_lazy("Department code."))
    status = serializers.ChoiceField(choices=[("", "-"), *Contribution.Status.choices], allow_blank=True)
    narrative = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Markdown."))
    countries = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("ISO 3166-1 alpha-2 codes.")
    )
    measurements = MeasurementSerializer(many=True, source="measurements.all")
    correction_note = serializers.CharField(
        allow_blank=True,
        help_text=gettext_lazy("The coordinator's public note on a correction made after publication; else empty."),
    )
    corrected_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("When the contribution was corrected after publication; else null.")
    )

    def row(self, c: Contribution) -> dict:
        return {
            "id": c.pk,
            "round": c.round_id,
            "action": c.action.code,
            "department": c.department.code,
            "status": c.status,
            "narrative": c.narrative,
            "countries": [str(code) for code in c.countries],
            "measurements": self.fields["measurements"].to_representation(c.measurements.all()),
            "correction_note": c.correction_note,
            "corrected_at": self.moment(c.corrected_at),
        }


def _published_rounds():
    return Round.objects.filter(state=Round.State.PUBLISHED)


def public_round_rows():
    """The published rounds with what their rows show only: a round and its plan hold seven
    date-times between them, each converted as it is read, and the plan's slug is read as a
    column rather than a plan made for each round (a page of twenty: 3.2 -> 3.0 ms)."""
    return with_plan_slug(_published_rounds()).only("id", "kind", "year", "intro", "published_at")


class PublicRoundFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    kind = filters.ChoiceFilter(choices=Round.Kind.choices)
    year = filters.NumberFilter(min_value=0, max_value=32767)

    class Meta:
        model = Round
        fields = ["plan", "kind", "year"]


@extend_schema(tags=["published data"])
class PublicRoundList(JsonView, generics.ListAPIView):
    """The published reporting rounds: public data, readable without a token."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = PublicRoundSerializer
    filterset_class = PublicRoundFilter

    def get_queryset(self):
        return public_round_rows().order_by("plan__slug", "-year", "kind")

    @extend_schema(
        summary=gettext_lazy("Published rounds"),
        responses=responses({200: PublicRoundSerializer(many=True)}, 400, 401, 404),
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class PublicRoundDetail(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A published round"),
        responses=responses({200: PublicRoundSerializer}, 401, 404),
        tags=["published data"],
    )
    def get(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(public_round_rows(), pk=pk)
        return Response(PublicRoundSerializer(round_).data)


class PublicContributionFilter(filters.FilterSet):
    department = filters.CharFilter(
        field_name="department__code", max_length=100, help_text=gettext_lazy("Department code.")
    )
    action = filters.CharFilter(
        field_name="action__code", max_length=20, help_text=gettext_lazy("Code of the line of action.")
    )

    class Meta:
        model = Contribution
        fields = ["department", "action"]


class PublicRoundContributionList(JsonView, generics.ListAPIView):
    """A published round's published contributions (approved and public), in the plan's order."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = PublicContributionSerializer
    filterset_class = PublicContributionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Contribution.objects.none()
        round_ = get_object_or_404(_published_rounds().only("pk"), pk=self.kwargs["pk"])
        measurements = (
            Measurement.objects.select_related("instrument")
            .prefetch_related("countries")
            .order_by("instrument__position")
        )
        return (
            Contribution.objects.public()
            .filter(round=round_)
            .select_related("action", "department")
            .prefetch_related(Prefetch("measurements", queryset=measurements))
            .in_plan_order()
        )

    @extend_schema(
        summary=gettext_lazy("A published round's published contributions, in plan order"),
        responses=responses({200: PublicContributionSerializer(many=True)}, 400, 401, 404),
        tags=["published data"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)
