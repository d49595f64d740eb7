"""Targeted questions: a question put to one department about a request's question that the data
does not answer. The coordinator asks, reviews (return with a note, approve); the department's
focal points reply and submit, with the contributions' workflow and a version on every change.

A focal point reads and answers only their departments' questions (and their units'); the
coordinator and readers read them all."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from naptrack.api import serializers as base
from naptrack.api import serializers_international as s
from naptrack.api.views.common import HasPerm, JsonView, Pagination, require, responses
from naptrack.core.roles import is_focal_point
from naptrack.international import services
from naptrack.international.models import Answer, TargetedQuestion
from naptrack.international.rules import is_own_department
from naptrack.plans.models import Department

TAG = "international"

CONFLICT = {
    409: OpenApiResponse(
        s.TargetedConflictSerializer,
        description=gettext_lazy(
            "The question changed since the version sent (the body holds the current one), or its state "
            "does not allow this."
        ),
    )
}


class CanReadTargeted(HasPerm):
    perm = "international.read_targeted"


class TargetedFilter(filters.FilterSet):
    state = filters.ChoiceFilter(choices=TargetedQuestion.State.choices)
    department = filters.CharFilter(
        field_name="department__code", max_length=100, help_text=gettext_lazy("Department code.")
    )
    request = filters.NumberFilter(
        field_name="answer__request_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Request id.")
    )

    class Meta:
        model = TargetedQuestion
        fields = ["state", "department", "request"]


def _targeted(request: HttpRequest, pk: int) -> TargetedQuestion:
    targeted = get_object_or_404(TargetedQuestion.objects.for_list(), pk=pk)
    # 403, as for every other refusal of a known object (the ids are no secret: they count up).
    require(request, "international.read_targeted", targeted)
    return targeted


def _editable(request: HttpRequest, targeted: TargetedQuestion) -> None:
    """A department's own question that is no longer theirs to change is a conflict of state (409),
    not a refusal of who they are; anyone else is refused (403) by the service."""
    user = request.user
    if not targeted.is_editable_state and is_focal_point(user) and is_own_department(user, targeted):
        raise services.InternationalError(
            _("This reply is %(state)s: it can be changed only while it is a draft or returned for revision.")
            % {"state": targeted.get_state_display()}
        )


def _answer(request: HttpRequest, pk: int) -> Response:
    return Response(s.TargetedQuestionSerializer(_targeted(request, pk)).data)


class TargetedList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadTargeted]
    pagination_class = Pagination
    serializer_class = s.TargetedQuestionSerializer
    filterset_class = TargetedFilter

    def get_queryset(self):
        return TargetedQuestion.objects.readable_by(self.request.user).for_list()

    @extend_schema(
        summary=gettext_lazy("Targeted questions: a focal point's own departments', or all of them"),
        responses=responses({200: s.TargetedQuestionSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Ask a department about an answer (coordinator)"),
        request=s.TargetedAskSerializer,
        responses=responses({201: s.TargetedQuestionSerializer}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        require(request, "international.manage")
        serializer = s.TargetedAskSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        errors: dict[str, list[str]] = {}
        answer = Answer.objects.select_related("question", "request").filter(pk=data["answer"]).first()
        if answer is None:
            errors["answer"] = [_("No such answer.")]
        department = Department.objects.filter(code=data["department"]).first()
        if department is None:
            errors["department"] = [_("Unknown department.")]
        if errors:
            raise exceptions.ValidationError(errors)
        targeted = services.targeted_question_ask(
            actor=request.user, answer=answer, department=department, due_on=data["due_on"], text=data.get("text", "")
        )
        return Response(
            s.TargetedQuestionSerializer(TargetedQuestion.objects.for_list().get(pk=targeted.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class TargetedDetail(JsonView):
    permission_classes = [CanReadTargeted]

    @extend_schema(
        summary=gettext_lazy("A targeted question"),
        responses=responses({200: s.TargetedQuestionSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return _answer(request, pk)

    @extend_schema(
        summary=gettext_lazy("Reply to a targeted question (the department's focal points)"),
        description=gettext_lazy(
            "Only the fields given change. 'version' is required: when someone saved in between, nothing is "
            "written and the answer is 409 with the current question. Replies change while draft or returned."
        ),
        request=s.TargetedUpdateSerializer,
        responses=responses({200: s.TargetedQuestionSerializer, **CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def patch(self, request: HttpRequest, pk: int) -> Response:
        targeted = _targeted(request, pk)
        _editable(request, targeted)
        require(request, "international.answer_targeted", targeted)
        serializer = s.TargetedUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        services.targeted_question_save(actor=request.user, targeted=targeted, version=version, data=data)
        return _answer(request, pk)


class TargetedStep(JsonView):
    permission_classes = [CanReadTargeted]
    body: type[base.serializers.Serializer] = base.VersionSerializer

    def step(self, request: HttpRequest, targeted: TargetedQuestion, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: HttpRequest, pk: int) -> Response:
        targeted = _targeted(request, pk)
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.step(request, targeted, dict(serializer.validated_data))
        return _answer(request, pk)


def _step_schema(summary: str, body):
    return extend_schema(
        summary=summary,
        request=body,
        responses=responses({200: s.TargetedQuestionSerializer, **CONFLICT}, 400, 401, 403, 404),
        tags=[TAG],
    )


class TargetedSubmit(TargetedStep):
    @_step_schema(gettext_lazy("Submit a reply for review (the department's focal points)"), base.VersionSerializer)
    def post(self, request: HttpRequest, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, targeted, data):
        _editable(request, targeted)
        services.targeted_question_submit(actor=request.user, targeted=targeted, version=data.get("version"))


class TargetedReturn(TargetedStep):
    body = base.NoteSerializer

    @_step_schema(gettext_lazy("Return a submitted reply for revision (coordinator)"), base.NoteSerializer)
    def post(self, request: HttpRequest, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, targeted, data):
        services.targeted_question_return(
            actor=request.user, targeted=targeted, note=data["note"], version=data.get("version")
        )


class TargetedApprove(TargetedStep):
    @_step_schema(
        gettext_lazy("Approve a submitted reply: it joins the answer's draft (coordinator)"), base.VersionSerializer
    )
    def post(self, request: HttpRequest, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, targeted, data):
        services.targeted_question_approve(actor=request.user, targeted=targeted, version=data.get("version"))
