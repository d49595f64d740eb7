"""API views: thin. Reads go through the QuerySet methods that own their prefetching, writes
through the reporting services; errors the services raise become 400/403/409 in errors.py."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from naptrack.api import serializers as s
from naptrack.api.parsers import JsonParser
from naptrack.api.services import token_issue
from naptrack.api.throttling import TokenThrottle
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Instrument, Plan
from naptrack.portal.publishing import round_publish
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Round

# --- shared policies ------------------------------------------------------------------------------

_ERRORS = {
    400: OpenApiResponse(
        s.ValidationErrorSerializer, description=gettext_lazy("Invalid input, with messages per field.")
    ),
    401: OpenApiResponse(
        s.ErrorSerializer, description=gettext_lazy("No credentials, or a bad, revoked or expired token.")
    ),
    403: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("The caller may not do this.")),
    404: OpenApiResponse(s.ErrorSerializer, description=gettext_lazy("No such object (or page).")),
    409: OpenApiResponse(
        s.ConflictSerializer,
        description=gettext_lazy(
            "The object is in a state that does not allow this, or it changed since the version sent "
            "(then the body holds the current version and what changed)."
        ),
    ),
}


def responses(ok: dict, *codes: int) -> dict:
    return {**ok, **{code: _ERRORS[code] for code in codes}}


class JsonView(APIView):
    # JSON only: the API has no HTML pages, and form bodies cannot carry the nested measurements.
    parser_classes = [JsonParser]
    renderer_classes = [JSONRenderer]


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class HasPerm(BasePermission):
    """The caller holds a (rules) permission; anonymous callers get 401, others 403."""

    perm = ""

    def has_permission(self, request: Request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.has_perm(self.perm))


class CanViewRounds(HasPerm):
    perm = "reporting.view_round"


class CanViewContributions(HasPerm):
    perm = "reporting.view_contribution"


def _require(request: Request, perm: str, obj=None) -> None:
    # Checked before the body is read, so that who may not act learns only that (403), not what
    # is wrong with the body; the services check again, under their lock.
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


# --- token ----------------------------------------------------------------------------------------


class TokenView(JsonView):
    authentication_classes = []
    permission_classes = [AllowAny]

    def get_throttles(self) -> list:
        # Passwords are tried here: a stricter limit per address on top of the API's own.
        return [*super().get_throttles(), TokenThrottle()]

    @extend_schema(
        summary=gettext_lazy("Get a token"),
        description=gettext_lazy(
            "Trade a username and password for a token, valid for a number of days the installation "
            "sets (90 by default). Failed attempts count towards the login lock-out: a locked-out "
            "account gets 429 until the cool-off ends."
        ),
        request=s.TokenRequestSerializer,
        responses=responses(
            {
                200: s.TokenSerializer,
                429: OpenApiResponse(
                    s.ErrorSerializer, description=gettext_lazy("Too many failed attempts, or too many requests.")
                ),
            },
            400,
        ),
        auth=[],
        tags=["token"],
    )
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The Django request, not DRF's wrapper: django-axes reads and flags it.
        django_request = request._request
        user = authenticate(request=django_request, **serializer.validated_data)
        if user is None:
            if getattr(django_request, "axes_locked_out", False):
                # Answer in JSON ourselves; the flag left set would make axes' middleware
                # replace this response with its HTML lock-out page.
                django_request.axes_locked_out = False
                return Response(
                    {"detail": _("Too many failed attempts: this account is locked for a while. Try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            message = _("Unable to log in with this username and password.")
            return Response(
                {"detail": message, "errors": {"non_field_errors": [message]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        key, token = token_issue(user=user)
        return Response(s.TokenSerializer({"token": key, "expires": token.expires}).data)


# --- plans ----------------------------------------------------------------------------------------


@extend_schema(tags=["plans"])
class PlanList(JsonView, generics.ListAPIView):
    """The plans: public data, readable without a token."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = s.PlanSummarySerializer
    queryset = Plan.objects.order_by("-period_end", "slug")

    @extend_schema(responses=responses({200: s.PlanSummarySerializer(many=True)}, 401, 404))
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


def _instrument_ids(plan: Plan) -> dict[str, list[int]]:
    """Instrument ids per line-of-action code, in the order plan_document lists them."""
    ids: dict[str, list[int]] = {}
    for code, pk in (
        Instrument.objects.filter(action__plan=plan).order_by("action_id", "position").values_list("action__code", "pk")
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
        plan = get_object_or_404(Plan, slug=slug)
        document = plan_document(plan)
        ids = _instrument_ids(plan)
        for objective in document["objectives"]:
            for goal in objective["goals"]:
                for action in goal["actions"]:
                    for instrument, pk in zip(action["instruments"], ids.get(action["code"], []), strict=True):
                        instrument["id"] = pk
        return Response(document)


# --- rounds ---------------------------------------------------------------------------------------


class RoundFilter(filters.FilterSet):
    plan = filters.CharFilter(field_name="plan__slug", max_length=100, help_text=gettext_lazy("Plan slug."))
    kind = filters.ChoiceFilter(choices=Round.Kind.choices)
    state = filters.ChoiceFilter(choices=Round.State.choices)
    year = filters.NumberFilter(min_value=0, max_value=32767)

    class Meta:
        model = Round
        fields = ["plan", "kind", "state", "year"]


def _round_detail(pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.with_counts().select_related("plan"), pk=pk)
    round_.department_counts = list(Contribution.objects.filter(round=round_).counts_by_department())
    return round_


@extend_schema(tags=["rounds"])
class RoundList(JsonView, generics.ListAPIView):
    permission_classes = [CanViewRounds]
    pagination_class = Pagination
    serializer_class = s.RoundSerializer
    filterset_class = RoundFilter

    def get_queryset(self):
        return Round.objects.visible_to(self.request.user).with_counts().select_related("plan")

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
        _require(request, "reporting.manage_round")
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
        return Response(s.RoundDetailSerializer(_round_detail(pk)).data)


class RoundTransition(JsonView):
    """A step in a round's life (coordinator only); answers with the round as it is after it."""

    permission_classes = [CanViewRounds]
    body: type[s.serializers.Serializer] | None = None

    def step(self, request: Request, round_: Round, data: dict) -> None:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        round_ = get_object_or_404(Round, pk=pk)
        _require(request, "reporting.manage_round", round_)
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


class RoundPublish(RoundTransition):
    @_round_step_schema(gettext_lazy("Publish a closed round"))
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, round_, data):
        round_publish(actor=request.user, round=round_)


class RoundReopen(RoundTransition):
    body = s.ReasonSerializer

    @_round_step_schema(gettext_lazy("Reopen a closed round"), s.ReasonSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, round_, data):
        services.round_reopen(actor=request.user, round=round_, reason=data["reason"])


# --- contributions --------------------------------------------------------------------------------


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
        _require(request, "reporting.view_contribution", contribution)
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
        _require(request, "reporting.change_contribution", contribution)
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
    body: type[s.serializers.Serializer] = s.VersionSerializer

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
    @_contribution_step_schema(gettext_lazy("Submit a contribution for review"), s.VersionSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_submit(actor=request.user, contribution=contribution, version=data.get("version"))


class ContributionReturn(ContributionTransition):
    body = s.NoteSerializer

    @_contribution_step_schema(gettext_lazy("Return a submitted contribution for revision"), s.NoteSerializer)
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def step(self, request, contribution, data):
        services.contribution_return(
            actor=request.user, contribution=contribution, note=data["note"], version=data.get("version")
        )


class ContributionApprove(ContributionTransition):
    @_contribution_step_schema(gettext_lazy("Approve a submitted contribution"), s.VersionSerializer)
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
