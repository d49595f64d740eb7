"""Civil society's public record in the API, open without login, under /api/v1/public/: published
assessments (Assessment.objects.published()) and public consultation events with their
recommendations, the government's responses and the follow-up (Event.objects.public()).

Only what the portal shows: never a moderation note, who moderated or wrote, an e-mail address or
the invited organisations. A fixed number of queries per request, whatever the number of rows.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, Pagination, responses
from naptrack.civilsociety.models import Assessment, Event, EventFile, FollowUp, Recommendation
from naptrack.portal.civil_society import published_assessments
from naptrack.reporting.models import Contribution

TAGS = ["published data"]


class PublicOrganisationSerializer(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(help_text=gettext_lazy("ISO 3166-1 alpha-2 code."))


class PublicAssessmentEvidenceSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text=gettext_lazy("The link, or where the file is downloaded."))
    is_file = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, evidence) -> str:
        if evidence.file:
            return self.context["request"].build_absolute_uri(reverse("assessment-evidence", args=[evidence.pk]))
        return evidence.url

    @extend_schema_field(serializers.BooleanField())
    def get_is_file(self, evidence) -> bool:
        return bool(evidence.file)


class PublicAssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="round.plan.slug", help_text=gettext_lazy("Plan slug."))
    round = serializers.IntegerField(source="round_id")
    round_label = serializers.CharField(source="round.__str__")
    action = serializers.CharField(
        source="action.code",
        allow_null=True,
        help_text=gettext_lazy("Code of the line of action; null for an objective."),
    )
    objective = serializers.IntegerField(
        source="objective.number", allow_null=True, help_text=gettext_lazy("Number of the objective; else null.")
    )
    organisation = PublicOrganisationSerializer()
    status = serializers.ChoiceField(choices=[("", "-"), *Contribution.Status.choices], allow_blank=True)
    narrative = serializers.CharField(allow_blank=True, help_text=gettext_lazy("Markdown."))
    countries = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("ISO 3166-1 alpha-2 codes.")
    )
    partner_name = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("The partner-country organisation it reports for; else empty.")
    )
    partner_country = serializers.CharField(allow_blank=True)
    published_at = serializers.DateTimeField()
    evidence = PublicAssessmentEvidenceSerializer(many=True, source="evidence.all")


class PublicAssessmentFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="round__plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    round = filters.NumberFilter(field_name="round_id", min_value=0, max_value=10**18)
    action = filters.CharFilter(
        field_name="action__code", max_length=20, help_text=gettext_lazy("Code of the line of action.")
    )
    country = filters.CharFilter(
        field_name="organisation__country", max_length=2, help_text=gettext_lazy("The organisation's country.")
    )

    class Meta:
        model = Assessment
        fields = ["plan", "round", "action", "country"]


def _assessments():
    return published_assessments().select_related("round__plan", "action", "objective")


class PublicAssessmentList(JsonView, generics.ListAPIView):
    """Civil-society assessments the coordinator published, the latest round first."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = PublicAssessmentSerializer
    filterset_class = PublicAssessmentFilter

    def get_queryset(self):
        return _assessments()

    @extend_schema(
        summary=gettext_lazy("Published civil-society assessments"),
        responses=responses({200: PublicAssessmentSerializer(many=True)}, 400, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class PublicAssessmentDetail(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A published civil-society assessment"),
        responses=responses({200: PublicAssessmentSerializer}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = get_object_or_404(_assessments(), pk=pk)
        return Response(PublicAssessmentSerializer(assessment, context={"request": request}).data)


# --- events and recommendations -------------------------------------------------------------------


class PublicFollowUpSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Recommendation.Status.choices)
    note = serializers.CharField()
    round = serializers.IntegerField(source="round_id", allow_null=True)
    at = serializers.DateTimeField()


class PublicRecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField(source="position")
    text = serializers.CharField()
    organisations = serializers.SerializerMethodField(help_text=gettext_lazy("Names of who made it."))
    actions = serializers.SerializerMethodField(help_text=gettext_lazy("Codes of the lines of action it concerns."))
    response = serializers.ChoiceField(choices=Recommendation.Response.choices)
    response_reason = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(choices=Recommendation.Status.choices)
    follow_ups = PublicFollowUpSerializer(many=True, source="follow_ups.all")

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_organisations(self, recommendation) -> list[str]:
        return [o.name for o in recommendation.organisations.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_actions(self, recommendation) -> list[str]:
        return [a.code for a in recommendation.actions.all()]


class PublicEventFileSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EventFile.Kind.choices)
    title = serializers.CharField()
    url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_url(self, f) -> str:
        return self.context["request"].build_absolute_uri(reverse("event-file", args=[f.pk]))


class PublicEventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan.slug", help_text=gettext_lazy("Plan slug."))
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    title = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField(allow_blank=True)
    online = serializers.BooleanField()
    organiser = serializers.CharField(source="organiser.code", help_text=gettext_lazy("Department code."))
    attending = PublicOrganisationSerializer(many=True, source="attending.all")
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    summary = serializers.CharField(allow_blank=True)
    files = PublicEventFileSerializer(many=True, source="files.all")
    recommendations = PublicRecommendationSerializer(many=True, source="recommendations.all")


def _events():
    return (
        Event.objects.public()
        .select_related("plan", "organiser")
        .prefetch_related(
            "attending",
            "files",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    "organisations",
                    "actions",
                    Prefetch("follow_ups", queryset=FollowUp.objects.order_by("at", "pk")),
                ).order_by("position"),
            ),
        )
        .order_by("-date", "pk")
    )


class PublicEventFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)

    class Meta:
        model = Event
        fields = ["plan", "kind"]


class PublicEventList(JsonView, generics.ListAPIView):
    """Public consultation events with their recommendations, the latest first."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = PublicEventSerializer
    filterset_class = PublicEventFilter

    def get_queryset(self):
        return _events()

    @extend_schema(
        summary=gettext_lazy("Public consultation events"),
        responses=responses({200: PublicEventSerializer(many=True)}, 400, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class PublicEventDetail(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A public consultation event"),
        responses=responses({200: PublicEventSerializer}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, pk: int) -> Response:
        event = get_object_or_404(_events(), pk=pk)
        return Response(PublicEventSerializer(event, context={"request": request}).data)
