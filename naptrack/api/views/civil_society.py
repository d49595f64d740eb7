"""Civil society: the register of organisations, and the consultation events with their
recommendations, responses and follow-up (assessments are in api/views/assessments.py).

Who reads what: organisations are for staff (coordinators, readers and focal points; contact
details for coordinators and readers only); events and recommendations, public or not, for
coordinators and readers; everyone reads the published ones through /api/v1/public/.
Coordinators write all of these."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import BasePermission
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from naptrack.api import serializers_civil_society as s
from naptrack.api.views.common import JsonView, Pagination, require, responses
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Event, FollowUp, Organisation, Recommendation
from naptrack.core.roles import is_coordinator, is_reader, is_staff_member
from naptrack.plans.models import Action, Department, Plan
from naptrack.reporting.models import Round

TAG = "civil society"

STATE_CONFLICT = {
    409: OpenApiResponse(
        s.ErrorSerializer, description=gettext_lazy("The object's state does not allow this (a closed recommendation).")
    )
}


class IsStaff(BasePermission):
    """Coordinators, readers and focal points; anonymous callers get 401, others 403."""

    def has_permission(self, request: HttpRequest, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))


class IsOversight(BasePermission):
    """Coordinators and readers: the whole record of events, public or not. Focal points read
    the published record, as the public does (/api/v1/public/events/)."""

    def has_permission(self, request: HttpRequest, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and (is_coordinator(user) or is_reader(user)))


def _organisations_named(ids: list[int], field: str, errors: dict[str, list[str]]) -> list[Organisation]:
    """The organisations these ids name; a message in errors for those that name none."""
    wanted = list(dict.fromkeys(ids))
    found = {o.pk: o for o in Organisation.objects.filter(pk__in=wanted)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        errors[field] = [_("No such organisation: %(ids)s.") % {"ids": ", ".join(missing)}]
    return [found[pk] for pk in wanted if pk in found]


# --- organisations --------------------------------------------------------------------------------


def _organisations():
    follows = Action.objects.of_adopted_plans().select_related("plan").order_by("plan_id", "goal__number", "position")
    return (
        Organisation.objects.with_counts()
        .annotate(n_published=Count("assessments", filter=Q(assessments__state="accepted"), distinct=True))
        .prefetch_related(Prefetch("follows", queryset=follows))
    )


class OrganisationFilter(filters.FilterSet):
    country = filters.CharFilter(method="by_country", max_length=2, help_text=gettext_lazy("ISO 3166-1 code."))
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)

    class Meta:
        model = Organisation
        fields = ["country", "kind"]

    def by_country(self, queryset, name, value):
        return queryset.filter(country=value.upper())


class OrganisationList(JsonView, generics.ListAPIView):
    permission_classes = [IsStaff]
    pagination_class = Pagination
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilter

    def get_queryset(self):
        return _organisations().order_by("name", "country", "pk")

    @extend_schema(
        summary=gettext_lazy("The register of civil-society organisations (staff)"),
        responses=responses({200: s.OrganisationSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class OrganisationDetail(JsonView):
    permission_classes = [IsStaff]

    @extend_schema(
        summary=gettext_lazy("A civil-society organisation (staff)"),
        responses=responses({200: s.OrganisationSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        organisation = get_object_or_404(_organisations(), pk=pk)
        return Response(s.OrganisationSerializer(organisation, context={"request": request}).data)


# --- assessments ----------------------------------------------------------------------------------


def _recommendations():
    follow_ups = FollowUp.objects.select_related("round", "by").order_by("at", "pk")
    return Recommendation.objects.select_related("event__plan").prefetch_related(
        "organisations", "actions", Prefetch("follow_ups", queryset=follow_ups)
    )


def _events():
    return Event.objects.select_related("plan", "organiser").prefetch_related("invited", "attending", "files")


def _event_detail(pk: int) -> Event:
    return get_object_or_404(
        _events().prefetch_related(Prefetch("recommendations", queryset=_recommendations().order_by("position"))),
        pk=pk,
    )


class EventFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    kind = filters.ChoiceFilter(choices=Event.Kind.choices)
    public = filters.BooleanFilter()

    class Meta:
        model = Event
        fields = ["plan", "kind", "public"]


class EventList(JsonView, generics.ListAPIView):
    permission_classes = [IsOversight]
    pagination_class = Pagination
    serializer_class = s.EventSerializer
    filterset_class = EventFilter

    def get_queryset(self):
        return _events().annotate(n_recommendations=Count("recommendations")).order_by("date", "pk")

    @extend_schema(
        summary=gettext_lazy("Consultation events with civil society, public or not (staff)"),
        responses=responses({200: s.EventSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Record an event (coordinator)"),
        request=s.EventCreateSerializer,
        responses=responses({201: s.EventDetailSerializer}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        require(request, "civilsociety.manage")
        serializer = s.EventCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        errors: dict[str, list[str]] = {}
        plan = Plan.objects.filter(slug=data.pop("plan")).first()
        if plan is None:
            errors["plan"] = [_("No such plan.")]
        data["organiser"] = Department.objects.filter(code=data["organiser"]).first()
        if data["organiser"] is None:
            errors["organiser"] = [_("Unknown department.")]
        invited = _organisations_named(data.pop("invited", []), "invited", errors)
        attending = _organisations_named(data.pop("attending", []), "attending", errors)
        if errors:
            raise exceptions.ValidationError(errors)
        event = services.event_create(actor=request.user, plan=plan, invited=invited, attending=attending, **data)
        return Response(s.EventDetailSerializer(_event_detail(event.pk)).data, status=status.HTTP_201_CREATED)


class EventDetail(JsonView):
    permission_classes = [IsOversight]

    @extend_schema(
        summary=gettext_lazy("An event, with its recommendations, responses and follow-up (staff)"),
        responses=responses({200: s.EventDetailSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.EventDetailSerializer(_event_detail(pk)).data)


# --- recommendations ------------------------------------------------------------------------------


class RecommendationFilter(filters.FilterSet):
    event = filters.NumberFilter(
        field_name="event_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Event id.")
    )
    plan = filters.CharFilter(field_name="event__plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    line = filters.CharFilter(
        method="by_line", max_length=20, help_text=gettext_lazy("Code of a line of action it concerns.")
    )
    response = filters.ChoiceFilter(choices=Recommendation.Response.choices)
    status = filters.ChoiceFilter(choices=Recommendation.Status.choices)

    class Meta:
        model = Recommendation
        fields = ["event", "plan", "line", "response", "status"]

    def by_line(self, queryset, name, value):
        # A subquery rather than a join: a recommendation on several lines is listed once.
        return queryset.filter(
            pk__in=Recommendation.actions.through.objects.filter(action__code=value).values("recommendation_id")
        )


def _recommendation_body(pk: int) -> dict:
    return s.RecommendationSerializer(_recommendations().get(pk=pk)).data


class RecommendationList(JsonView, generics.ListAPIView):
    permission_classes = [IsOversight]
    pagination_class = Pagination
    serializer_class = s.RecommendationSerializer
    filterset_class = RecommendationFilter

    def get_queryset(self):
        return _recommendations().order_by("event__date", "event_id", "position")

    @extend_schema(
        summary=gettext_lazy("Recommendations made at the events, with the response and follow-up (staff)"),
        responses=responses({200: s.RecommendationSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Add a recommendation to an event (coordinator)"),
        request=s.RecommendationCreateSerializer,
        responses=responses({201: s.RecommendationSerializer}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        require(request, "civilsociety.manage")
        serializer = s.RecommendationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        errors: dict[str, list[str]] = {}
        event = Event.objects.select_related("plan").filter(pk=data["event"]).first()
        if event is None:
            errors["event"] = [_("No such event.")]
        organisations = _organisations_named(data.get("organisations", []), "organisations", errors)
        actions = []
        if event is not None:
            codes = list(dict.fromkeys(code.strip() for code in data.get("lines", [])))
            found = {a.code: a for a in Action.objects.filter(plan_id=event.plan_id, code__in=codes)}
            missing = [code for code in codes if code not in found]
            if missing:
                errors["lines"] = [
                    _("Plan %(plan)s has no line of action %(code)s.") % {"plan": event.plan.slug, "code": missing[0]}
                ]
            actions = [found[code] for code in codes if code in found]
        if errors:
            raise exceptions.ValidationError(errors)
        recommendation = services.recommendation_add(
            actor=request.user, event=event, text=data["text"], organisations=organisations, actions=actions
        )
        return Response(_recommendation_body(recommendation.pk), status=status.HTTP_201_CREATED)


class RecommendationDetail(JsonView):
    permission_classes = [IsOversight]

    @extend_schema(
        summary=gettext_lazy("A recommendation, with the response and its follow-up (staff)"),
        responses=responses({200: s.RecommendationSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.RecommendationSerializer(get_object_or_404(_recommendations(), pk=pk)).data)


class RecommendationRespond(JsonView):
    permission_classes = [IsOversight]

    @extend_schema(
        summary=gettext_lazy("Give the government's response to a recommendation (coordinator)"),
        request=s.ResponseSerializer,
        responses=responses({200: s.RecommendationSerializer}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def post(self, request: HttpRequest, pk: int) -> Response:
        recommendation = get_object_or_404(Recommendation, pk=pk)
        require(request, "civilsociety.manage")
        serializer = s.ResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.recommendation_respond(
            actor=request.user, recommendation=recommendation, response=data["response"], reason=data.get("reason", "")
        )
        return Response(_recommendation_body(pk))


class RecommendationFollowUp(JsonView):
    permission_classes = [IsOversight]

    @extend_schema(
        summary=gettext_lazy("Note what was done about a recommendation, and its new status (coordinator)"),
        description=gettext_lazy(
            "The recommendation takes the follow-up's status; once closed, its follow-up has ended (409)."
        ),
        request=s.FollowUpCreateSerializer,
        responses=responses({200: s.RecommendationSerializer, **STATE_CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def post(self, request: HttpRequest, pk: int) -> Response:
        recommendation = get_object_or_404(Recommendation.objects.select_related("event"), pk=pk)
        require(request, "civilsociety.manage")
        serializer = s.FollowUpCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        round_ = None
        if data.get("round") is not None:
            round_ = Round.objects.filter(pk=data["round"]).first()
            if round_ is None:
                raise exceptions.ValidationError({"round": [_("No such round.")]})
        services.recommendation_follow_up(
            actor=request.user, recommendation=recommendation, status=data["status"], note=data["note"], round=round_
        )
        return Response(_recommendation_body(pk))
