"""A plan's published figures and their totals in the API, open without login, under
/api/v1/public/plans/<slug>/: the rows of the open data's figures table (portal/figures.py), and
the totals grouped by year, objective, department, country or line of action
(naptrack.reporting.totals). Amounts are per currency, never summed across currencies; decimals
are strings, so that no reader's float rounds them. Four queries for the figures and two for the
totals, whatever the data.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.rows import WrittenRows
from naptrack.api.views.common import JsonView, Pagination, responses
from naptrack.plans.models import Plan
from naptrack.portal import figures
from naptrack.reporting import totals
from naptrack.reporting.models import Measurement

TAGS = ["published data"]
DECIMAL = gettext_lazy("A decimal number, as a string.")


def _decimal(**kwargs) -> serializers.CharField:
    return serializers.CharField(allow_null=True, help_text=kwargs.pop("help_text", DECIMAL), **kwargs)


class PublicFigureSerializer(WrittenRows):
    plan = serializers.CharField()
    round_id = serializers.IntegerField()
    year = serializers.IntegerField()
    round_kind = serializers.CharField()
    objective = serializers.IntegerField()
    action_code = serializers.CharField()
    department = serializers.CharField()
    instrument_number = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=figures.KINDS)
    unit = serializers.CharField(allow_blank=True)
    country = serializers.CharField(
        allow_blank=True, help_text=gettext_lazy("ISO 3166-1 alpha-2 code of this part; empty for the whole figure.")
    )
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    value = _decimal()
    currency = serializers.CharField(allow_blank=True, help_text=gettext_lazy("ISO 4217 code (money only)."))
    gender_marker = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("OECD-DAC marker: 0, 1 or 2."))
    channel = serializers.CharField(allow_blank=True)
    numerator = _decimal()
    denominator = _decimal()
    percentage = _decimal(help_text=gettext_lazy("A share between 0 and 100, as a string (shares only)."))

    def row(self, record: dict[str, Any]) -> dict[str, Any]:
        # figures.record's row (decimals as text) already has these keys in this order and these
        # types but for the texts, which may be lazy translations (an instrument's unit).
        return {**record, **{name: str(record[name]) for name in TEXTS}}


# The rows' plain texts; the decimals' texts are None when empty and are not made strings.
TEXTS = ("plan", "round_kind", "action_code", "department", "kind", "unit", "country", "currency", "channel")


class FigureQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    country = serializers.CharField(
        required=False, max_length=2, help_text=gettext_lazy("ISO 3166-1 alpha-2 code: that country's parts only.")
    )
    department = serializers.CharField(required=False, max_length=100, help_text=gettext_lazy("Department code."))
    objective = serializers.IntegerField(required=False, min_value=0, max_value=32767)
    kind = serializers.ChoiceField(required=False, choices=figures.KINDS)


FILTERS_ON_CONTRIBUTIONS = {
    "year": "round__year",
    "department": "department__code",
    "objective": "action__goal__objective__number",
}


def _plan(slug: str) -> Plan:
    return get_object_or_404(Plan.objects.adopted().only("pk", "slug"), slug=slug)


class PublicFigureList(JsonView, generics.ListAPIView):
    """A plan's published figures, one row per figure and per country it was broken down by."""

    permission_classes = [AllowAny]
    pagination_class = Pagination
    serializer_class = PublicFigureSerializer
    filter_backends: list = []  # filtered below, on the rows

    def get_queryset(self) -> Any:  # type: ignore[override]
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the view
            return []
        wanted = FigureQuerySerializer(data=self.request.query_params)
        wanted.is_valid(raise_exception=True)
        query = wanted.validated_data
        # The year, department and objective narrow the contributions read, the kind and the
        # country the rows; only the page's figures are built (portal.figures.FigurePages).
        scope = {lookup: query[name] for name, lookup in FILTERS_ON_CONTRIBUTIONS.items() if name in query}
        return figures.FigurePages(
            _plan(self.kwargs["slug"]), kind=query.get("kind", ""), country=query.get("country", "").upper(), **scope
        )

    def list(self, request: Request, *args, **kwargs) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        rows = [figures.record(f, decimals=figures.as_text) for f in page]
        return self.get_paginated_response(self.get_serializer(rows, many=True).data)

    @extend_schema(
        summary=gettext_lazy("A plan's published figures"),
        parameters=[FigureQuerySerializer],
        responses=responses({200: PublicFigureSerializer(many=True)}, 400, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


# --- totals ---------------------------------------------------------------------------------------


class MoneyTotalSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text=gettext_lazy("ISO 4217 code: amounts are never summed across them."))
    amount = serializers.CharField(help_text=DECIMAL)
    marked = serializers.CharField(help_text=gettext_lazy("Of which marked 1 or 2 on the gender marker (decimal)."))
    marked_share = serializers.FloatField(allow_null=True, help_text=gettext_lazy("marked / amount, 0 to 1."))
    by_channel = serializers.DictField(
        child=serializers.CharField(), help_text=gettext_lazy('Amount per funding channel ("": not given).')
    )


class PeopleTotalSerializer(serializers.Serializer):
    unit = serializers.CharField(allow_blank=True)
    women = serializers.IntegerField()
    men = serializers.IntegerField()
    other = serializers.IntegerField()
    total = serializers.CharField(help_text=DECIMAL)
    share_of_women = serializers.FloatField(allow_null=True)


class CountTotalSerializer(serializers.Serializer):
    unit = serializers.CharField(allow_blank=True)
    value = serializers.CharField(help_text=DECIMAL)


class TotalsGroupSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=gettext_lazy("The year, objective number, department code, country code or line code.")
    )
    money = MoneyTotalSerializer(many=True)
    people = PeopleTotalSerializer(many=True)
    counts = CountTotalSerializer(many=True)


class TotalsSerializer(serializers.Serializer):
    plan = serializers.CharField()
    by = serializers.ChoiceField(choices=figures.GROUPS)
    groups = TotalsGroupSerializer(many=True)


class TotalsQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(
        choices=figures.GROUPS,
        default="year",
        help_text=gettext_lazy(
            "How to group: by year, objective, department or line of action (whole figures), or by country "
            "(the countries' parts)."
        ),
    )


def _text(value: Decimal) -> str:
    return figures.as_text(value) or "0"


def _group(key: object, t: totals.Totals) -> dict[str, Any]:
    channels = [code for code, _label in Measurement.Channel.choices] + [""]
    return {
        "key": str(key),
        "money": [
            {
                "currency": m.currency,
                "amount": _text(m.amount),
                "marked": _text(m.marked),
                "marked_share": m.marked_share,
                "by_channel": {c: _text(m.by_channel[c]) for c in channels if m.by_channel.get(c)},
            }
            for m in t.money
        ],
        "people": [
            {
                "unit": p.unit,
                "women": p.women,
                "men": p.men,
                "other": p.other,
                "total": _text(p.total),
                "share_of_women": p.share_of_women,
            }
            for p in t.people
        ],
        "counts": [{"unit": c.unit, "value": _text(c.value)} for c in t.counts],
    }


class PublicTotals(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("Totals of a plan's published figures"),
        parameters=[TotalsQuerySerializer],
        responses=responses({200: TotalsSerializer}, 400, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        query = TotalsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        key = query.validated_data["by"]
        plan = _plan(slug)
        # Summed by the database: the figures of every published round are not built one by one.
        groups = [_group(k, t) for k, t in totals.by(figures.summed(plan, key), key).items()]
        return Response({"plan": plan.slug, "by": key, "groups": groups})
