"""Public pages of the plan: read-only, server-rendered, a fixed number of queries each."""

from __future__ import annotations

import rules
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from naptrack.plans import exports, versions
from naptrack.plans.lineage import lineage_of
from naptrack.plans.models import Action, Department, Objective, Plan, Responsibility
from naptrack.portal import civil_society as civil
from naptrack.portal import evaluations as public_evaluations
from naptrack.portal import figure_sections
from naptrack.portal import figures as published_figures
from naptrack.portal import queries as published
from naptrack.portal.caching import public_page
from naptrack.portal.glance import glance
from naptrack.portal.views.common import TITLES, plan_or_404, round_page

PLANS_PER_PAGE = 20
HOME_PLANS = 10  # other plans named on the home page


@public_page
def home(request: HttpRequest) -> HttpResponse:
    plan = Plan.objects.current()
    if plan is None:
        return render(request, "plans/empty.html", status=200)
    # The newest of the other plans, and a link to the plan list when there are more.
    others = list(
        Plan.objects.adopted()
        .exclude(pk=plan.pk)
        .only("slug", *TITLES, "period_start", "period_end")
        .order_by("-period_end", "slug")[: HOME_PLANS + 1]
    )
    return _glance(request, plan, other_plans=others[:HOME_PLANS], more_plans=len(others) > HOME_PLANS)


@public_page
def plan_list(request: HttpRequest) -> HttpResponse:
    # Paged by the plans' ids (read at once: a few hundred numbers at most), so that the lines
    # are counted for the page's plans only.
    ids = list(Plan.objects.adopted().order_by("-period_end", "slug").values_list("pk", flat=True))
    page = Paginator(ids, PLANS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    # The columns the list shows, the lines counted on their plan index alone (COUNT(*)): grouping
    # by the plan grouped by every column of its texts in four languages.
    actions = Action.objects.filter(plan=OuterRef("pk")).order_by().values("plan").annotate(n=Count("*")).values("n")
    plans = sorted(
        Plan.objects.filter(pk__in=shown)
        .only("slug", "country", "period_start", "period_end", *TITLES)
        .annotate(n_actions=Coalesce(Subquery(actions), 0)),
        key=lambda p: shown.index(p.pk),
    )
    for plan in plans:
        # Written here, not by a {% blocktranslate count %} per row, which localised the number
        # twice (singular and plural): a third of a row's rendering, for a number in the tens.
        plan.lines_caption = ngettext("%(counter)s line of action", "%(counter)s lines of action", plan.n_actions) % {
            "counter": plan.n_actions
        }
    return render(
        request,
        "plans/plan_list.html",
        {
            "plans": plans,
            "page": page,
            # Asked once, not on each plan's row.
            "can_translate": request.user.has_perm("plans.translate_plan"),
            "can_edit_instruments": request.user.has_perm("plans.change_instrument"),
        },
    )


@public_page
def plan_detail(request: HttpRequest, slug: str) -> HttpResponse:
    return _glance(request, plan_or_404(slug, request.user))


def _glance(request: HttpRequest, plan: Plan, other_plans=None, more_plans: bool = False) -> HttpResponse:
    objectives = list(Objective.objects.filter(plan=plan).with_tree())
    # The state of implementation from the latest published round (None before any).
    implementation = published.implementation(plan, objectives)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "objectives": objectives,
            "other_plans": other_plans,
            "more_plans": more_plans,
            "implementation": implementation,
            # Key figures and a card per objective (one query more once a round is published).
            "glance": glance(objectives, implementation),
            # The plan's published evaluations (one query).
            "evaluations": public_evaluations.published_of(plan),
            # The staff's way to the evaluations, the plan's evaluator's included (a rule on the plan).
            "staff_evaluations": rules.has_perm("evaluations.read", request.user, plan),
        },
    )


@public_page
def objective_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    objectives = Objective.objects.select_related("plan").with_tree().filter(plan__in=_visible(request))
    objective = get_object_or_404(objectives, plan__slug=slug, number=number)
    siblings = list(Objective.objects.filter(plan=objective.plan).values_list("number", flat=True))
    index = siblings.index(objective.number)
    # The totals per year of the published figures of the objective's lines, summed by the
    # database, and the countries they name (three queries, rows as many as the groups).
    ids = published_figures.public_ids(objective.plan, action__goal__objective__number=objective.number)
    scope = _("Objective %(number)s") % {"number": objective.number}
    return render(
        request,
        "plans/objective_detail.html",
        {
            "plan": objective.plan,
            "objective": objective,
            "previous": siblings[index - 1] if index > 0 else None,
            "next": siblings[index + 1] if index + 1 < len(siblings) else None,
            # Civil society's published assessments of the objective as a whole (two queries).
            "assessments": civil.objective_assessments(objective),
            "figures": figure_sections.section(
                published_figures.yearly(published_figures.summed(objective.plan, "year", ids)),
                key=f"objective-{number}",
                scope=scope,
            ),
            "figure_countries": published_figures.countries_in(ids),
        },
    )


@public_page
def action_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    actions = Action.objects.with_detail().filter(plan__in=_visible(request))
    action = get_object_or_404(actions, plan__slug=slug, code=code)
    codes = list(Action.objects.filter(plan=action.plan).in_plan_order().values_list("code", flat=True))
    index = codes.index(action.code)
    # The three latest rounds in full and the older ones as links (?round=<id> adds that one), so
    # that the page's cost stays that of a few rounds however many the plan has had.
    wanted = request.GET.get("round") or ""
    rounds, series, older = published.line_history(
        action, int(wanted) if wanted.isdigit() and len(wanted) < 10 else None
    )
    recommendations = civil.line_recommendations(action)
    return render(
        request,
        "plans/action_detail.html",
        {
            "plan": action.plan,
            "action": action,
            "goal": action.goal,
            "objective": action.goal.objective,
            "rounds": rounds,
            "series": series,
            "older_rounds": older,
            # Civil society's voice beside the departments', never mixed with it: its published
            # assessments and the recommendations of consultations on this line, with the
            # events that made them (two queries each).
            "assessments": civil.line_assessments(action),
            "recommendations": recommendations,
            "events": civil.events_of(recommendations),
            "previous": codes[index - 1] if index > 0 else None,
            "next": codes[index + 1] if index + 1 < len(codes) else None,
            # The lines it continues in earlier plans and those continuing it in later ones.
            "lineage": lineage_of(action, drafts=request.user.has_perm("plans.view_draft")),
            # What amendments changed on the line (one query).
            "changes": versions.line_changes(action),
        },
    )


def _visible(request: HttpRequest):
    """The plans this visitor may see (drafts for the coordinator only), as a subquery."""
    return Plan.objects.visible_to(request.user).values("pk")


@public_page
def department_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    departments = (
        Department.objects.filter(plans=plan)
        .select_related("parent")
        .annotate(n_actions=Count("responsibilities", filter=Q(responsibilities__action__plan=plan)))
        .order_by("parent__code", "code")
    )
    ordered = _tree_order(list(departments))
    return render(request, "plans/department_list.html", {"plan": plan, "departments": ordered})


def _tree_order(departments: list[Department]) -> list[Department]:
    """Top-level departments each followed by their units, so the list reads as the plan's tree."""
    top = [d for d in departments if d.parent_id is None or d.parent_id not in {x.pk for x in departments}]
    ordered = []
    for dep in sorted(top, key=lambda d: d.code):
        ordered.append(dep)
        ordered.extend(sorted((d for d in departments if d.parent_id == dep.pk), key=lambda d: d.code))
    return ordered


@public_page
def department_detail(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = plan_or_404(slug)
    department = get_object_or_404(Department.objects.select_related("parent").prefetch_related("units"), code=code)
    family = [department.pk, *(unit.pk for unit in department.units.all())]
    actions = (
        Action.objects.filter(plan=plan, responsibilities__department__in=family)
        .distinct()
        .in_plan_order()
        .select_related("goal__objective")
        .prefetch_related(
            Prefetch(
                "responsibilities",
                queryset=Responsibility.objects.select_related("department").order_by("position"),
            )
        )
    )
    if not actions and not plan.plan_departments.filter(department=department).exists():
        raise Http404(_("This department has no line of action in this plan."))
    return render(
        request,
        "plans/department_detail.html",
        {
            "plan": plan,
            "department": department,
            "actions": actions,
            "family": set(family),
            **round_page(request, published.department_rounds(plan, family)),
        },
    )


EXPORTS = {
    "json": ("application/json; charset=utf-8", exports.plan_json),
    "csv": ("text/csv; charset=utf-8", exports.plan_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.plan_xlsx),
}


@public_page
def plan_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in EXPORTS:
        raise Http404(_("Unknown format."))
    plan = plan_or_404(slug, request.user)
    content_type, build = EXPORTS[fmt]
    # Unpublished targets go to the coordinator only (the page cache keeps anonymous answers).
    public = not rules.has_perm("plans.change_target", request.user)
    response = HttpResponse(build(plan, public=public), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}.{fmt}"'
    return response
