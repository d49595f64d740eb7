"""Reporting rounds: lists, details and the coordinator's steps (open, close, publish, reopen)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api import serializers as s
from naptrack.api.views.common import (
    CanViewRounds,
    JsonView,
    Pagination,
    require,
    responses,
)
from naptrack.api.views.jobs import JobSerializer
from naptrack.plans.models import Plan
from naptrack.portal.jobs import round_publish_enqueue
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.queries import counts_attach


class RoundFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    kind = filters.ChoiceFilter(choices=Round.Kind.choices)
    state = filters.ChoiceFilter(choices=Round.State.choices)
    year = filters.NumberFilter(min_value=0, max_value=32767)

    class Meta:
        model = Round
        fields = ["plan", "kind", "state", "year"]


def _round_detail(pk: int, user=None) -> Round:
    rounds = Round.objects.visible_to(user) if user is not None else Round.objects
    round_ = get_object_or_404(s.with_plan_slug(rounds.with_counts()), pk=pk)
    round_.department_counts = list(Contribution.objects.filter(round=round_).counts_by_department())
    return round_


@extend_schema(tags=["rounds"])
class RoundList(JsonView, generics.ListAPIView):
    permission_classes = [CanViewRounds]
    pagination_class = Pagination
    serializer_class = s.RoundSerializer
    filterset_class = RoundFilter

    def get_queryset(self):
        # Only the columns the rows show (the intros in every language are read for the active
        # one's fallback); the page's rounds are counted alone, after the LIMIT (counts_attach).
        return s.with_plan_slug(Round.objects.visible_to(self.request.user)).only(*s.ROUND_COLUMNS)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is None:
            return None
        return counts_attach(page)

    @extend_schema(
        summary=gettext_lazy("Reporting rounds"),
        responses=responses({200: s.RoundSerializer(many=True)}, 400, 401, 403, 404),
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary=gettext_lazy("Create a round (coordinator)"),
        request=s.RoundCreateSerializer,
        responses=responses({201: s.RoundDetailSerializer}, 400, 401, 403),
    )
    def post(self, request: Request) -> Response:
        require(request, "reporting.manage_round")
        serializer = s.RoundCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        plan = Plan.objects.filter(slug=data["plan"]).first()
        if plan is None:
            raise exceptions.ValidationError({"plan": [_("Unknown plan.")]})
        round_ = services.round_create(
            actor=request.user,
            plan=plan,
            kind=data["kind"],
            year=data["year"],
            deadline=data["deadline"],
            intro=data.get("intro", ""),
        )
        return Response(s.RoundDetailSerializer(_round_detail(round_.pk)).data, status=status.HTTP_201_CREATED)


class RoundDetail(JsonView):
    permission_classes = [CanViewRounds]

    @extend_schema(
        summary=gettext_lazy("A round, with its completeness per state and per department"),
        responses=responses({200: s.RoundDetailSerializer}, 401, 403, 404),
        tags=["rounds"],
    )
    def get(self, request: Request, pk: int) -> Response:
        # An evaluator reads their plan's rounds only; another plan's is not found.
        return Response(s.RoundDetailSerializer(_round_detail(pk, request.user)).data)


class RoundTransition(JsonView):
    """A step in a round's life (coordinator only); answers with the round as it is after it."""

    permission_classes = [CanViewRounds]
    body: type[s.serializers.Serializer] | None = None

    def step(self, request: Request, round_: Round, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(Round, pk=pk)
        require(request, "reporting.manage_round", round_)
        data: dict = {}
        if self.body is not None:
            serializer = self.body(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = serializer.validated_data
        self.step(request, round_, data)
        return Response(s.RoundDetailSerializer(_round_detail(round_.pk)).data)


def _round_step_schema(summary: str, body=None):
    return extend_schema(
        summary=summary,
        request=body,
        responses=responses({200: s.RoundDetailSerializer}, *((400,) if body else ()), 401, 403, 404, 409),
        tags=["rounds"],
    )


class RoundOpen(RoundTransition):
    @_round_step_schema(gettext_lazy("Open a draft round: its contributions are created, focal points told"))
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, round_, data):
        services.round_open(actor=request.user, round=round_)


class RoundClose(RoundTransition):
    @_round_step_schema(gettext_lazy("Close an open round"))
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, round_, data):
        services.round_close(actor=request.user, round=round_)


class RoundPublished(s.RoundDetailSerializer):
    job = JobSerializer(help_text="the background job that publishes the round: follow it at /api/v1/jobs/<id>/")


class RoundPublish(JsonView):
    """Publishing takes seconds (the report in every language and format): it is queued as a
    background job, and the answer is 202 with the round as it is and the job. A second call
    while the job waits or runs answers with the same job."""

    permission_classes = [CanViewRounds]

    @extend_schema(
        summary=gettext_lazy("Publish a closed round (as a background job)"),
        request=None,
        responses=responses({202: RoundPublished}, 401, 403, 404, 409),
        tags=["rounds"],
    )
    def post(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(Round, pk=pk)
        require(request, "reporting.manage_round", round_)
        if round_.state != Round.State.CLOSED:
            raise services.WorkflowError(
                _("The round is %(state)s: this cannot be done now.") % {"state": round_.get_state_display()}
            )
        job = round_publish_enqueue(actor=request.user, round=round_)
        body = {**s.RoundDetailSerializer(_round_detail(round_.pk)).data, "job": JobSerializer(job).data}
        return Response(
            body, status=status.HTTP_202_ACCEPTED, headers={"Location": reverse("api:job-detail", args=[job.pk])}
        )


class RoundReopen(RoundTransition):
    body = s.ReasonSerializer

    @_round_step_schema(gettext_lazy("Reopen a closed round"), s.ReasonSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, round_, data):
        services.round_reopen(actor=request.user, round=round_, reason=data["reason"])
