"""Civil society's assessments of lines of action: written by an organisation's members while a
round is open, edited with a version, submitted, and moderated by the coordinator. A member reads
their own organisation's, coordinators and readers all of them, everyone else signed in the
published ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from naptrack.api import serializers_civil_society as s
from naptrack.api.serializers import VersionSerializer
from naptrack.api.views.civil_society import TAG
from naptrack.api.views.common import JsonView, Pagination, require, responses
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment
from naptrack.civilsociety.rules import organisation_id
from naptrack.core.roles import is_civil_society
from naptrack.plans.models import Action, Objective
from naptrack.reporting.models import Round

ASSESSMENT_CONFLICT = {
    409: OpenApiResponse(
        s.AssessmentConflictSerializer,
        description=gettext_lazy(
            "The assessment changed since the version sent (the body holds the current one), or its state or "
            "its round's does not allow this."
        ),
    )
}


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
