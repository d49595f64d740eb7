"""Contributions: a round's list, one contribution read and edited with its version (409 when stale),
and the workflow steps (submit, return, approve, reopen)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api import serializers as base
from naptrack.api import serializers_contributions as s
from naptrack.api.views.common import (
    CanViewContributions,
    JsonView,
    Pagination,
    require,
    responses,
)
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Round


class ContributionFilter(filters.FilterSet):
    department = filters.CharFilter(
        field_name="department__code", max_length=100, help_text=gettext_lazy("Department code.")
    )
    state = filters.ChoiceFilter(choices=Contribution.State.choices)
    action = filters.CharFilter(
        field_name="action__code", max_length=20, help_text=gettext_lazy("Code of the line of action.")
    )

    class Meta:
        model = Contribution
        fields = ["department", "state", "action"]


class RoundContributionList(JsonView, generics.ListAPIView):
    """A round's contributions in the plan's order."""

    permission_classes = [CanViewContributions]
    pagination_class = Pagination
    serializer_class = s.ContributionSerializer
    filterset_class = ContributionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return Contribution.objects.none()
        round_ = get_object_or_404(Round.objects.visible_to(self.request.user).only("pk"), pk=self.kwargs["pk"])
        # Another department's contributions only once approved and public (reporting/rules.py).
        return Contribution.objects.filter(round=round_).readable_by(self.request.user).with_detail().in_plan_order()

    @extend_schema(
        summary=gettext_lazy("A round's contributions, in plan order"),
        responses=responses({200: s.ContributionSerializer(many=True)}, 400, 401, 403, 404),
        tags=["contributions"],
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _contribution(pk: int) -> Contribution:
    return get_object_or_404(Contribution.objects.with_detail(), pk=pk)


def _rekey_measurements(detail: dict, rows) -> dict:
    """Name a measurement's errors by its instrument id, as the services do, rather than by its
    position in the list: the caller knows its rows by instrument."""
    errors = detail.get("measurements")
    if isinstance(errors, list):
        errors = dict(enumerate(errors))
    if not isinstance(errors, dict) or not isinstance(rows, list):
        return detail
    keyed = {}
    for n, row_errors in errors.items():
        if not isinstance(n, int) or not row_errors:
            keyed[n] = row_errors
            continue
        row = rows[n] if n < len(rows) else None
        instrument = row.get("instrument") if isinstance(row, dict) else None
        known = isinstance(instrument, int) and not isinstance(instrument, bool) and "instrument" not in row_errors
        keyed[instrument if known else n] = row_errors
    return {**detail, "measurements": keyed}


class ContributionDetail(JsonView):
    permission_classes = [CanViewContributions]

    @extend_schema(
        summary=gettext_lazy("A contribution"),
        responses=responses({200: s.ContributionSerializer}, 401, 403, 404),
        tags=["contributions"],
    )
    def get(self, request: Request, pk: int) -> Response:
        contribution = _contribution(pk)
        # 403, as for every other refusal of a known object (the ids are no secret: they count up).
        require(request, "reporting.view_contribution", contribution)
        return Response(s.ContributionSerializer(contribution, context={"request": request}).data)

    @extend_schema(
        summary=gettext_lazy("Change a contribution"),
        description=gettext_lazy(
            "Only the fields given change; measurements are matched by instrument and, within a "
            "measurement, only the fields given change. 'version' is required: the version the "
            "change was made on. When someone saved in between, nothing is written and the answer "
            "is 409 with the current version and what changed."
        ),
        request=s.ContributionUpdateSerializer,
        responses=responses({200: s.ContributionSerializer}, 400, 401, 403, 404, 409),
        tags=["contributions"],
    )
    def patch(self, request: Request, pk: int) -> Response:
        contribution = _contribution(pk)
        require(request, "reporting.change_contribution", contribution)
        serializer = s.ContributionUpdateSerializer(data=request.data)
        if not serializer.is_valid():
            rows = request.data.get("measurements") if isinstance(request.data, dict) else None
            raise exceptions.ValidationError(_rekey_measurements(serializer.errors, rows))
        data = dict(serializer.validated_data)
        version = data.pop("version")
        if "measurements" in data:
            data["measurements"] = [dict(row) for row in data["measurements"]]
        services.contribution_save(actor=request.user, contribution=contribution, version=version, data=data)
        return Response(s.ContributionSerializer(_contribution(pk), context={"request": request}).data)


class ContributionTransition(JsonView):
    """A step in a contribution's review; answers with the contribution as it is after it."""

    permission_classes = [CanViewContributions]
    body: type[base.serializers.Serializer] = base.VersionSerializer

    def step(self, request: Request, contribution: Contribution, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        contribution = get_object_or_404(Contribution, pk=pk)
        serializer = self.body(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.step(request, contribution, dict(serializer.validated_data))
        return Response(s.ContributionSerializer(_contribution(pk), context={"request": request}).data)


def _contribution_step_schema(summary: str, body):
    return extend_schema(
        summary=summary,
        request=body,
        responses=responses({200: s.ContributionSerializer}, 400, 401, 403, 404, 409),
        tags=["contributions"],
    )


class ContributionSubmit(ContributionTransition):
    @_contribution_step_schema(gettext_lazy("Submit a contribution for review"), base.VersionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_submit(actor=request.user, contribution=contribution, version=data.get("version"))


class ContributionReturn(ContributionTransition):
    body = base.NoteSerializer

    @_contribution_step_schema(gettext_lazy("Return a submitted contribution for revision"), base.NoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_return(
            actor=request.user, contribution=contribution, note=data["note"], version=data.get("version")
        )


class ContributionApprove(ContributionTransition):
    @_contribution_step_schema(gettext_lazy("Approve a submitted contribution"), base.VersionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_approve(actor=request.user, contribution=contribution, version=data.get("version"))


class ContributionReopen(ContributionTransition):
    body = s.ContributionReasonSerializer

    @_contribution_step_schema(gettext_lazy("Reopen an approved contribution"), s.ContributionReasonSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_reopen(
            actor=request.user, contribution=contribution, reason=data["reason"], version=data.get("version")
        )
