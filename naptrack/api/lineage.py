"""The lineage of lines from one plan to the next in the API (naptrack.plans.lineage).

Open without login: the links of an adopted plan's lines to and from other adopted plans, and
two adopted plans compared. With a token: the same for the staff, drafts included for the
coordinator, who also sets the lines a line continues and removes a link (403 for others).
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from naptrack.api.views.common import JsonView, require, responses
from naptrack.plans.lineage import compare, line_link_remove, line_link_set
from naptrack.plans.models import Action, LineLink, Plan

TAGS = ["lineage"]
PUBLIC_TAGS = ["published data"]


class LineageLineSerializer(serializers.Serializer):
    plan = serializers.CharField(help_text=gettext_lazy("Plan slug."))
    code = serializers.CharField(max_length=20, help_text=gettext_lazy("Line of action code, e.g. 14.a."))


class LinkSerializer(serializers.Serializer):
    line = LineageLineSerializer(help_text=gettext_lazy("The line of the later plan."))
    continues = LineageLineSerializer(help_text=gettext_lazy("The line of an earlier plan it continues."))
    source = serializers.ChoiceField(choices=LineLink.Source.choices)


class LinkSetSerializer(serializers.Serializer):
    line = serializers.CharField(max_length=20, help_text=gettext_lazy("The code of a line of this plan."))
    continues = LineageLineSerializer(
        many=True, help_text=gettext_lazy("Every line of earlier plans it continues; empty: the line is new.")
    )
    source = serializers.ChoiceField(choices=LineLink.Source.choices, default=LineLink.Source.MANUAL)


class ComparedLineSerializer(serializers.Serializer):
    objective = serializers.IntegerField(allow_null=True, help_text=gettext_lazy("Null for a dropped line."))
    status = serializers.ChoiceField(choices=["kept", "changed", "new", "dropped"])
    line = serializers.CharField(allow_null=True, help_text=gettext_lazy("The later plan's line; null if dropped."))
    continues = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("Earlier lines."))
    merge = serializers.BooleanField()
    split = serializers.BooleanField()


class ComparisonSerializer(serializers.Serializer):
    old = serializers.CharField()
    new = serializers.CharField()
    counts = serializers.DictField(child=serializers.IntegerField())
    lines = ComparedLineSerializer(many=True)


def _ref(line: Action) -> dict[str, str]:
    return {"plan": line.plan.slug, "code": line.code}


def _links(plan: Plan, plans) -> list[dict]:
    """Links from and to the plan's lines, both ends in `plans`: one query."""
    links = (
        LineLink.objects.filter(Q(line__plan=plan) | Q(continues__plan=plan))
        .filter(line__plan__in=plans, continues__plan__in=plans)
        .select_related("line__plan", "continues__plan")
        .order_by("line__plan__period_start", "line__code", "continues__plan__period_start", "continues__code")
    )
    return [{"line": _ref(k.line), "continues": _ref(k.continues), "source": k.source} for k in links]


def _comparison(old: Plan, new: Plan) -> dict:
    if (old.period_start, old.period_end) >= (new.period_start, new.period_end):
        raise Http404(_("A plan is compared with an earlier one."))
    c = compare(old, new)
    lines = [
        {
            "objective": section.objective.number,
            "status": row.status,
            "line": row.line.code if row.line else None,
            "continues": [o.code for o in row.continues],
            "merge": row.merge,
            "split": row.split,
        }
        for section in c.sections
        for row in section.rows
    ]
    lines += [
        {
            "objective": None,
            "status": row.status,
            "line": None,
            "continues": [row.continues[0].code],
            "merge": False,
            "split": False,
        }
        for row in c.dropped
    ]
    return {"old": old.slug, "new": new.slug, "counts": c.counts, "lines": lines}


class PublicLineage(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("Which lines of other plans a plan's lines continue, and are continued by"),
        responses=responses({200: LinkSerializer(many=True)}, 401, 404),
        tags=PUBLIC_TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        adopted = Plan.objects.adopted()
        plan = get_object_or_404(adopted, slug=slug)
        return Response(_links(plan, adopted.values("pk")))


class PublicComparison(JsonView):
    permission_classes = [AllowAny]

    @extend_schema(
        summary=gettext_lazy("A plan compared with an earlier one, line by line"),
        responses=responses({200: ComparisonSerializer}, 401, 404),
        tags=PUBLIC_TAGS,
    )
    def get(self, request: Request, slug: str, old: str) -> Response:
        adopted = Plan.objects.adopted()
        return Response(_comparison(get_object_or_404(adopted, slug=old), get_object_or_404(adopted, slug=slug)))


class PlanLineage(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("The links of a plan's lines to and from other plans (drafts for the coordinator)"),
        responses=responses({200: LinkSerializer(many=True)}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str) -> Response:
        visible = Plan.objects.visible_to(request.user)
        plan = get_object_or_404(visible, slug=slug)
        return Response(_links(plan, visible.values("pk")))

    @extend_schema(
        summary=gettext_lazy("Set the lines of earlier plans a line continues (coordinator)"),
        request=LinkSetSerializer,
        responses=responses({200: LinkSerializer(many=True)}, 400, 401, 403, 404),
        tags=TAGS,
    )
    def post(self, request: Request, slug: str) -> Response:
        require(request, "plans.change_lineage")
        plan = get_object_or_404(Plan, slug=slug)
        body = LinkSetSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        line = Action.objects.select_related("plan").filter(plan=plan, code=data["line"]).first()
        if line is None:
            raise exceptions.ValidationError({"line": [_("No line %(code)s in this plan.") % {"code": data["line"]}]})
        wanted = data["continues"]
        found = {
            (a.plan.slug, a.code): a
            for a in Action.objects.select_related("plan").filter(
                plan__slug__in={r["plan"] for r in wanted}, code__in={r["code"] for r in wanted}
            )
        }
        missing = [f"{r['plan']} {r['code']}" for r in wanted if (r["plan"], r["code"]) not in found]
        if missing:
            raise exceptions.ValidationError(
                {"continues": [_("No such line: %(lines)s.") % {"lines": ", ".join(missing)}]}
            )
        line_link_set(
            actor=request.user,
            line=line,
            continues=[found[(r["plan"], r["code"])] for r in wanted],
            source=data["source"],
        )
        return Response(_links(plan, Plan.objects.values("pk")), status=status.HTTP_200_OK)


class PlanLineageLink(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("Remove a link: the line no longer continues that line (coordinator)"),
        responses=responses({204: None}, 400, 401, 403, 404),
        tags=TAGS,
    )
    def delete(self, request: Request, slug: str, code: str, old: str, old_code: str) -> Response:
        require(request, "plans.change_lineage")
        line = get_object_or_404(Action.objects.select_related("plan"), plan__slug=slug, code=code)
        continued = get_object_or_404(Action.objects.select_related("plan"), plan__slug=old, code=old_code)
        line_link_remove(actor=request.user, line=line, continues=continued)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanComparison(JsonView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary=gettext_lazy("A plan compared with an earlier one (drafts for the coordinator)"),
        responses=responses({200: ComparisonSerializer}, 401, 404),
        tags=TAGS,
    )
    def get(self, request: Request, slug: str, old: str) -> Response:
        visible = Plan.objects.visible_to(request.user)
        return Response(_comparison(get_object_or_404(visible, slug=old), get_object_or_404(visible, slug=slug)))
