"""Civil society: the register of organisations, their assessments of lines of action (written by
an organisation's members while a round is open, edited with a version, submitted, moderated by the
coordinator), and the consultation events with their recommendations, responses and follow-up.

Who reads what: organisations, events and recommendations are for staff (coordinators, readers and
focal points; contact details for coordinators and readers only); the public reads published events
through /api/v1/public/. Assessments: a member reads their own organisation's, coordinators and
readers all of them, everyone else signed in the published ones. Coordinators write everything but
assessments, which are the organisations' own."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from naptrack.api import serializers_civil_society as s
from naptrack.api.serializers import VersionSerializer
from naptrack.api.views.common import JsonView, Pagination, require, responses
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Event, FollowUp, Organisation, Recommendation
from naptrack.civilsociety.rules import organisation_id
from naptrack.core.roles import is_civil_society, is_staff_member
from naptrack.plans.models import Action, Department, Objective, Plan
from naptrack.reporting.models import Round

TAG = "civil society"

ASSESSMENT_CONFLICT = {
    409: OpenApiResponse(
        s.AssessmentConflictSerializer,
        description=gettext_lazy(
            "The assessment changed since the version sent (the body holds the current one), or its state or "
            "its round's does not allow this."
        ),
    )
}
STATE_CONFLICT = {
    409: OpenApiResponse(
        s.ErrorSerializer, description=gettext_lazy("The object's state does not allow this (a closed recommendation).")
    )
}


class IsStaff(BasePermission):
    """Coordinators, readers and focal points; anonymous callers get 401, others 403."""

    def has_permission(self, request: HttpRequest, view) -> bool:
        return bool(request.user and request.user.is_authenticated and is_staff_member(request.user))


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
    follows = Action.objects.select_related("plan").order_by("plan_id", "goal__number", "position")
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


def _assessments():
    return Assessment.objects.select_related(
        "round__plan", "organisation", "action", "objective", "moderated_by"
    ).prefetch_related("evidence")


def assessment_body(request: HttpRequest, pk: int) -> dict:
    return s.AssessmentSerializer(_assessments().get(pk=pk), context={"request": request}).data


class AssessmentFilter(filters.FilterSet):
    round = filters.NumberFilter(
        field_name="round_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Round id.")
    )
    plan = filters.CharFilter(field_name="round__plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    organisation = filters.NumberFilter(
        field_name="organisation_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Organisation id.")
    )
    line = filters.CharFilter(
        field_name="action__code", max_length=20, help_text=gettext_lazy("Code of the line of action.")
    )
    state = filters.ChoiceFilter(choices=Assessment.State.choices)

    class Meta:
        model = Assessment
        fields = ["round", "plan", "organisation", "line", "state"]


def _closed(round_: Round) -> services.CivilSocietyError:
    return services.CivilSocietyError(
        _("The round %(round)s is not open: assessments are written and submitted while it is open.")
        % {"round": round_}
    )


def _own(request: HttpRequest, assessment: Assessment) -> Assessment:
    """An assessment its organisation's member may still change: anyone else is refused (403); for
    the member, a round that closed or a state that moved on is a conflict (409)."""
    user = request.user
    if not (is_civil_society(user) and organisation_id(user) == assessment.organisation_id):
        raise PermissionDenied(_("You may not do this."))
    if assessment.round.state != "open":
        raise _closed(assessment.round)
    if not assessment.is_editable_state:
        raise services.CivilSocietyError(
            _("This assessment is %(state)s: it can be changed only while it is a draft or returned for revision.")
            % {"state": assessment.get_state_display()}
        )
    return assessment


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    assessment = get_object_or_404(Assessment.objects.select_related("round", "organisation"), pk=pk)
    # 403, as for every other refusal of a known object (the ids are no secret: they count up).
    require(request, "civilsociety.view_assessment", assessment)
    return assessment


class AssessmentList(JsonView, generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    pagination_class = Pagination
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter

    def get_queryset(self):
        return _assessments().readable_by(self.request.user).order_by("round_id", "organisation__name", "pk")

    @extend_schema(
        summary=gettext_lazy("Civil-society assessments: an organisation's own, all of them, or the published ones"),
        description=gettext_lazy(
            "A member of an organisation reads their organisation's assessments in every state and the "
            "published ones; coordinators and readers read all of them; everyone else signed in, the "
            "published ones (accepted for publication)."
        ),
        responses=responses({200: s.AssessmentSerializer(many=True)}, 400, 401, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Write an assessment of a line of action or an objective (an organisation's member)"),
        description=gettext_lazy(
            "In an open round, for the member's organisation: give the round and either a line's code or an "
            "objective's number, and what is known so far. It starts as a draft."
        ),
        request=s.AssessmentCreateSerializer,
        responses=responses({201: s.AssessmentSerializer, **ASSESSMENT_CONFLICT}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        if not is_civil_society(request.user):
            raise PermissionDenied(_("You may not do this."))
        serializer = s.AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        round_id, code, number = data.pop("round"), data.pop("line", None), data.pop("objective", None)
        round_ = Round.objects.select_related("plan").filter(pk=round_id).first()
        if round_ is None:
            raise exceptions.ValidationError({"round": [_("No such round.")]})
        if (code is None) == (number is None):
            raise exceptions.ValidationError({"non_field_errors": [_("Give either a line of action or an objective.")]})
        action = objective = None
        if code is not None:
            action = Action.objects.filter(plan_id=round_.plan_id, code=code.strip()).first()
            if action is None:
                raise exceptions.ValidationError(
                    {
                        "line": [
                            _("Plan %(plan)s has no line of action %(code)s.")
                            % {"plan": round_.plan.slug, "code": code}
                        ]
                    }
                )
        else:
            objective = Objective.objects.filter(plan_id=round_.plan_id, number=number).first()
            if objective is None:
                raise exceptions.ValidationError(
                    {
                        "objective": [
                            _("Plan %(plan)s has no objective %(number)s.")
                            % {"plan": round_.plan.slug, "number": number}
                        ]
                    }
                )
        if round_.state != "open":
            raise _closed(round_)
        created = services.assessment_create(
            actor=request.user, round=round_, action=action, objective=objective, data=data
        )
        return Response(assessment_body(request, created.pk), status=status.HTTP_201_CREATED)


class AssessmentDetail(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("A civil-society assessment"),
        responses=responses({200: s.AssessmentSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        _assessment(request, pk)
        return Response(assessment_body(request, pk))

    @extend_schema(
        summary=gettext_lazy("Change an assessment (its organisation's members)"),
        description=gettext_lazy(
            "Only the fields given change. 'version' is required: when someone saved in between, nothing is "
            "written and the answer is 409 with the current assessment. An assessment changes while its round "
            "is open and it is a draft or returned for revision."
        ),
        request=s.AssessmentUpdateSerializer,
        responses=responses({200: s.AssessmentSerializer, **ASSESSMENT_CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def patch(self, request: HttpRequest, pk: int) -> Response:
        assessment = _own(request, _assessment(request, pk))
        serializer = s.AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        services.assessment_save(actor=request.user, assessment=assessment, version=version, data=data)
        return Response(assessment_body(request, pk))


class AssessmentSubmit(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("Submit an assessment for moderation (its organisation's members)"),
        request=VersionSerializer,
        responses=responses({200: s.AssessmentSerializer, **ASSESSMENT_CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def post(self, request: HttpRequest, pk: int) -> Response:
        assessment = _own(request, _assessment(request, pk))
        serializer = VersionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.assessment_submit(
            actor=request.user, assessment=assessment, version=serializer.validated_data.get("version")
        )
        return Response(assessment_body(request, pk))


class AssessmentModerate(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("Accept, return or reject a submitted assessment (coordinator)"),
        description=gettext_lazy(
            "Accepting publishes it; returning (with a note) gives it back to the organisation to revise; "
            "rejecting (with a reason) ends it. The organisation is told by e-mail, with the note."
        ),
        request=s.ModerationSerializer,
        responses=responses({200: s.AssessmentSerializer, **ASSESSMENT_CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def post(self, request: HttpRequest, pk: int) -> Response:
        assessment = get_object_or_404(Assessment, pk=pk)
        require(request, "civilsociety.moderate")
        serializer = s.ModerationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.assessment_moderate(
            actor=request.user,
            assessment=assessment,
            decision=data["decision"],
            note=data.get("note", ""),
            version=data.get("version"),
        )
        return Response(assessment_body(request, pk))


# --- events ---------------------------------------------------------------------------------------


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
    permission_classes = [IsStaff]
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
    permission_classes = [IsStaff]

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
    permission_classes = [IsStaff]
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
    permission_classes = [IsStaff]

    @extend_schema(
        summary=gettext_lazy("A recommendation, with the response and its follow-up (staff)"),
        responses=responses({200: s.RecommendationSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.RecommendationSerializer(get_object_or_404(_recommendations(), pk=pk)).data)


class RecommendationRespond(JsonView):
    permission_classes = [IsStaff]

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
    permission_classes = [IsStaff]

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
