"""International reporting: frameworks and their questions, links to the plans, requests, their
answers (edited with a version, 409 when stale) and the versions sent (frozen: 409 on any edit).

Coordinators and readers read (international.read); coordinators write (international.manage).
Targeted questions, which focal points answer, are in views/targeted.py."""

from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request as HttpRequest
from rest_framework.response import Response

from naptrack.api import serializers_international as s
from naptrack.api.views.common import HasPerm, JsonView, Pagination, require, responses
from naptrack.international import services
from naptrack.international.models import Answer, Dispatch, Framework, Mapping, Question, Request
from naptrack.plans.models import Action, Instrument

TAG = "international"


class CanReadInternational(HasPerm):
    perm = "international.read"


def answer_conflict(description=None) -> dict:
    return {
        409: OpenApiResponse(
            s.AnswerConflictSerializer,
            description=description
            or gettext_lazy("The answer changed since the version sent: the body holds the current one."),
        )
    }


# --- frameworks and questions ---------------------------------------------------------------------


def _mappings():
    return Mapping.objects.select_related("instrument__action__plan", "action__plan").order_by("pk")


def _questions():
    return Question.objects.prefetch_related(Prefetch("mappings", queryset=_mappings())).order_by(
        "framework_id", "position"
    )


class FrameworkList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.FrameworkSerializer
    filter_backends: list = []

    def get_queryset(self):
        return Framework.objects.with_counts().order_by("body", "name", "version", "pk")

    @extend_schema(
        summary=gettext_lazy("Question sets of international bodies"),
        responses=responses({200: s.FrameworkSerializer(many=True)}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class FrameworkDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("A question set, with its questions and their links to the plans"),
        responses=responses({200: s.FrameworkDetailSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        framework = get_object_or_404(
            Framework.objects.with_counts().prefetch_related(Prefetch("questions", queryset=_questions())), pk=pk
        )
        return Response(s.FrameworkDetailSerializer(framework).data)


class QuestionFilter(filters.FilterSet):
    framework = filters.NumberFilter(
        field_name="framework_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Framework id.")
    )
    code = filters.CharFilter(max_length=40, help_text=gettext_lazy("Question code."))

    class Meta:
        model = Question
        fields = ["framework", "code"]


class QuestionList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.QuestionSerializer
    filterset_class = QuestionFilter

    def get_queryset(self):
        return _questions()

    @extend_schema(
        summary=gettext_lazy("Questions, in their framework's order, with their links to the plans"),
        responses=responses({200: s.QuestionSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class QuestionDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("A question, with its links to the plans"),
        responses=responses({200: s.QuestionSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.QuestionSerializer(get_object_or_404(_questions(), pk=pk)).data)


# --- links ----------------------------------------------------------------------------------------


class MappingFilter(filters.FilterSet):
    question = filters.NumberFilter(
        field_name="question_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Question id.")
    )
    framework = filters.NumberFilter(
        field_name="question__framework_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Framework id.")
    )

    class Meta:
        model = Mapping
        fields = ["question", "framework"]


class MappingList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.MappingSerializer
    filterset_class = MappingFilter

    def get_queryset(self):
        return _mappings()

    @extend_schema(
        summary=gettext_lazy("Links between questions and the plans' instruments or lines"),
        responses=responses({200: s.MappingSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Link a question to an instrument or a line of action (coordinator)"),
        request=s.MappingCreateSerializer,
        responses=responses({201: s.MappingSerializer}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        require(request, "international.manage")
        serializer = s.MappingCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        errors: dict[str, list[str]] = {}
        question = Question.objects.filter(pk=data["question"]).first()
        if question is None:
            errors["question"] = [_("No such question.")]
        instrument = action = None
        if data.get("instrument") is not None:
            instrument = Instrument.objects.filter(pk=data["instrument"]).first()
            if instrument is None:
                errors["instrument"] = [_("No such monitoring instrument.")]
        if data.get("action") is not None:
            action = Action.objects.filter(pk=data["action"]).first()
            if action is None:
                errors["action"] = [_("No such line of action.")]
        if (data.get("instrument") is None) == (data.get("action") is None):
            errors["non_field_errors"] = [_("Give either an instrument or a line of action.")]
        if errors:
            raise exceptions.ValidationError(errors)
        mapping = services.mapping_add(actor=request.user, question=question, instrument=instrument, action=action)
        return Response(s.MappingSerializer(_mappings().get(pk=mapping.pk)).data, status=status.HTTP_201_CREATED)


class MappingDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("A link between a question and the plan"),
        responses=responses({200: s.MappingSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.MappingSerializer(get_object_or_404(_mappings(), pk=pk)).data)

    @extend_schema(
        summary=gettext_lazy("Remove a link (coordinator)"),
        responses=responses({204: None}, 401, 403, 404),
        tags=[TAG],
    )
    def delete(self, request: HttpRequest, pk: int) -> Response:
        mapping = get_object_or_404(Mapping.objects.select_related("question"), pk=pk)
        require(request, "international.manage")
        services.mapping_remove(actor=request.user, mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- requests -------------------------------------------------------------------------------------


class RequestFilter(filters.FilterSet):
    framework = filters.NumberFilter(
        field_name="framework_id", min_value=0, max_value=s.ID_MAX, help_text=gettext_lazy("Framework id.")
    )
    visibility = filters.ChoiceFilter(choices=Request.Visibility.choices)

    class Meta:
        model = Request
        fields = ["framework", "visibility"]


def _request_detail(pk: int) -> Request:
    sent = Dispatch.objects.select_related("created_by").order_by("version")
    return get_object_or_404(
        Request.objects.with_progress().prefetch_related(Prefetch("dispatches", queryset=sent)), pk=pk
    )


class RequestList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.RequestSerializer
    filterset_class = RequestFilter

    def get_queryset(self):
        return Request.objects.with_progress().order_by("due_on", "pk")

    @extend_schema(
        summary=gettext_lazy("Requests from international bodies, by due date, with their completeness"),
        responses=responses({200: s.RequestSerializer(many=True)}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Create a request and draft its answers (coordinator)"),
        description=gettext_lazy(
            "Drafts an answer per question from the approved public contributions of the linked instruments "
            "and lines in the rounds covering the period. A period no round covers is allowed: every answer "
            "is then flagged."
        ),
        request=s.RequestCreateSerializer,
        responses=responses({201: s.RequestDetailSerializer}, 400, 401, 403),
        tags=[TAG],
    )
    def post(self, request: HttpRequest) -> Response:
        require(request, "international.manage")
        serializer = s.RequestCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        framework = Framework.objects.filter(pk=data["framework"]).first()
        if framework is None:
            raise exceptions.ValidationError({"framework": [_("No such framework.")]})
        created = services.request_create(
            actor=request.user,
            framework=framework,
            period_start=data["period_start"],
            period_end=data.get("period_end"),
            due_on=data["due_on"],
            reference=data.get("reference", ""),
            received_on=data.get("received_on"),
        )
        return Response(s.RequestDetailSerializer(_request_detail(created.pk)).data, status=status.HTTP_201_CREATED)


class RequestDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("A request, with its completeness and the versions sent"),
        responses=responses({200: s.RequestDetailSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.RequestDetailSerializer(_request_detail(pk)).data)


# --- answers --------------------------------------------------------------------------------------


def _answers():
    return Answer.objects.for_pack()


class RequestAnswerList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.AnswerSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Answer.objects.none()
        request = get_object_or_404(Request.objects.only("pk"), pk=self.kwargs["pk"])
        return _answers().filter(request=request)

    @extend_schema(
        summary=gettext_lazy("A request's answers, in its questions' order"),
        responses=responses({200: s.AnswerSerializer(many=True)}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class AnswerDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("An answer"),
        responses=responses({200: s.AnswerSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        return Response(s.AnswerSerializer(get_object_or_404(_answers(), pk=pk)).data)

    @extend_schema(
        summary=gettext_lazy("Change an answer (coordinator)"),
        description=gettext_lazy(
            "Only the fields given change. 'version' is required: the version the change was made on; "
            "when someone saved in between, nothing is written and the answer is 409 with the current "
            "answer. Once changed, an answer no longer follows its draft. A version already sent stays "
            "as it was: changes make the next version."
        ),
        request=s.AnswerUpdateSerializer,
        responses=responses({200: s.AnswerSerializer, **answer_conflict()}, 400, 401, 403, 404),
        tags=[TAG],
    )
    def patch(self, request: HttpRequest, pk: int) -> Response:
        answer = get_object_or_404(Answer, pk=pk)
        require(request, "international.manage")
        serializer = s.AnswerUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version")
        services.answer_save(actor=request.user, answer=answer, version=version, data=data)
        return Response(s.AnswerSerializer(get_object_or_404(_answers(), pk=pk)).data)


# --- versions sent --------------------------------------------------------------------------------


class RequestDispatchList(JsonView, generics.ListAPIView):
    permission_classes = [CanReadInternational]
    pagination_class = Pagination
    serializer_class = s.DispatchSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Dispatch.objects.none()
        request = get_object_or_404(Request.objects.only("pk"), pk=self.kwargs["pk"])
        return Dispatch.objects.filter(request=request).select_related("created_by").order_by("version")

    @extend_schema(
        summary=gettext_lazy("The versions of a request's answers that were sent"),
        responses=responses({200: s.DispatchSerializer(many=True)}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


FROZEN = OpenApiResponse(
    s.ErrorSerializer, description=gettext_lazy("Always: a version sent is frozen; edit the answers instead.")
)


class DispatchDetail(JsonView):
    permission_classes = [CanReadInternational]

    @extend_schema(
        summary=gettext_lazy("A version sent, with the answers exactly as they were sent"),
        responses=responses({200: s.DispatchDetailSerializer}, 401, 403, 404),
        tags=[TAG],
    )
    def get(self, request: HttpRequest, pk: int) -> Response:
        dispatch = get_object_or_404(Dispatch.objects.select_related("created_by"), pk=pk)
        return Response(s.DispatchDetailSerializer(dispatch).data)

    def _frozen(self, request: HttpRequest, pk: int) -> Response:
        dispatch = get_object_or_404(Dispatch.objects.only("pk", "version", "request_id"), pk=pk)
        require(request, "international.manage")
        raise services.InternationalError(
            _(
                "Version %(version)s was sent and is frozen: it stays as it was sent. Edit the request's "
                "answers instead (PATCH /api/v1/answers/ID/): the changes make the next version."
            )
            % {"version": dispatch.version}
        )

    @extend_schema(
        summary=gettext_lazy("Refused: a version sent cannot be changed"),
        request=None,
        responses=responses({409: FROZEN}, 401, 403, 404),
        tags=[TAG],
    )
    def patch(self, request: HttpRequest, pk: int) -> Response:
        return self._frozen(request, pk)

    @extend_schema(
        summary=gettext_lazy("Refused: a version sent cannot be replaced"),
        request=None,
        responses=responses({409: FROZEN}, 401, 403, 404),
        tags=[TAG],
    )
    def put(self, request: HttpRequest, pk: int) -> Response:
        return self._frozen(request, pk)
