"""The coordinator's screens for the next plan: adopting a draft, and reviewing the links from a
plan's lines to an earlier plan's that text similarity proposes, confirmed with one form, all or
nothing (naptrack/plans/successors.py, naptrack/plans/lineage.py)."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.core.numbers import whole_number
from naptrack.plans.lineage import lineage_confirm, lineage_propose
from naptrack.plans.models import LineLink, Plan
from naptrack.plans.successors import plan_adopt


def _require(request: HttpRequest, perm: str) -> None:
    # The rule itself, not user.has_perm: that would also admit anyone given Django's model
    # permission of the same name in the admin.
    if not rules.has_perm(perm, request.user):
        raise PermissionDenied(_("Only a coordinator can prepare the next plan."))


@login_required
def plan_adopt_view(request: HttpRequest, slug: str) -> HttpResponse:
    _require(request, "plans.adopt_plan")
    plan = get_object_or_404(Plan, slug=slug)
    errors: list[str] = []
    if request.method == "POST":
        try:
            plan_adopt(actor=request.user, plan=plan)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("%(title)s is adopted: the public sees it from now on.") % {"title": plan})
            return redirect("plan-detail", plan.slug)
    counts = {"lines": plan.actions.count(), "links": LineLink.objects.filter(line__plan=plan).count()}
    return render(
        request,
        "plans/lineage/adopt.html",
        {"plan": plan, "counts": counts, "errors": errors},
        status=400 if errors else 200,
    )


def _earlier_plans(plan: Plan):
    return Plan.objects.filter(period_start__lt=plan.period_start).exclude(pk=plan.pk).order_by("-period_end", "slug")


@login_required
def lineage_review(request: HttpRequest, slug: str) -> HttpResponse:
    """GET ?from=OLD: the proposals, each a checkbox (checked); POST: the checked ones become
    links, all of them or, on any problem, none."""
    _require(request, "plans.change_lineage")
    plan = get_object_or_404(Plan, slug=slug)
    earlier = list(_earlier_plans(plan))
    chosen = request.POST.get("from") or request.GET.get("from")
    old = next((p for p in earlier if p.slug == chosen), None)
    if chosen and old is None:
        messages.error(request, _("Choose one of the earlier plans."))
    errors: list[str] = []
    if request.method == "POST" and old is not None:
        pairs = []
        for value in request.POST.getlist("link"):
            line, _sep, continued = value.partition("-")
            a, b = whole_number(line), whole_number(continued)
            if a is None or b is None:
                errors.append(_("A link could not be read: propose again."))
                break
            pairs.append((a, b))
        if not errors and not pairs:
            errors.append(_("Check at least one proposal to confirm."))
        if not errors:
            try:
                made = lineage_confirm(actor=request.user, new_plan=plan, pairs=pairs)
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _("%(count)s link(s) confirmed.") % {"count": made})
                return redirect(f"{reverse('plan-lineage-review', args=[plan.slug])}?from={old.slug}")
    proposals = lineage_propose(old, plan) if old is not None else []
    linked = set(LineLink.objects.filter(line__plan=plan).values_list("line_id", "continues_id"))
    rows = [(p, (p.line.pk, p.continues.pk) in linked) for p in proposals]
    proposed_lines = {p.line.pk for p in proposals}
    unmatched = plan.actions.exclude(pk__in=proposed_lines).in_plan_order() if old is not None else []
    return render(
        request,
        "plans/lineage/review.html",
        {"plan": plan, "earlier": earlier, "old": old, "rows": rows, "unmatched": unmatched, "errors": errors},
        status=400 if errors else 200,
    )
