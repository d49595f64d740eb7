"""Two plans side by side: each line of the later plan kept, changed or new beside the lines of
the earlier plan it continues, by objective, and the earlier plan's lines dropped
(naptrack.plans.lineage.compare). Public when both plans are adopted; a draft only for the
coordinator."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from naptrack.plans.lineage import compare
from naptrack.plans.models import Plan
from naptrack.portal.caching import public_page


@public_page
def plan_compared(request: HttpRequest, slug: str, old: str) -> HttpResponse:
    visible = Plan.objects.visible_to(request.user)
    new_plan = get_object_or_404(visible, slug=slug)
    old_plan = get_object_or_404(visible, slug=old)
    if (old_plan.period_start, old_plan.period_end) >= (new_plan.period_start, new_plan.period_end):
        raise Http404(_("A plan is compared with an earlier one."))
    comparison = compare(old_plan, new_plan)
    return render(request, "portal/plan_compared.html", {"plan": new_plan, "old": old_plan, "comparison": comparison})
