"""A plan's Targets page, its open data and the coordinator's buttons to publish or withdraw it.

The page is a 404 for everyone but the coordinator while the plan's targets are not published; the
coordinator sees it as the public will, under a banner, with the button that publishes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.core.numbers import whole_number
from naptrack.plans.models import Plan
from naptrack.portal import opendata
from naptrack.portal import targets as public_targets
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import page_language, plan_or_404


def _round_id(request: HttpRequest) -> int | None:
    value = request.GET.get("round", "")
    if not value:
        return None
    number = whole_number(value)
    if number is None:
        raise Http404(_("No such published round."))
    return number


def _visible(request: HttpRequest, plan: Plan) -> bool:
    """Whether this visitor may see the plan's targets: the public once published, the
    coordinator always (a preview)."""
    return plan.targets_published_at is not None or public_targets.can_publish(request.user)


@public_page
def targets_page(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug)
    if not _visible(request, plan):
        raise Http404(_("This plan's targets are not public."))
    view = public_targets.at_round(plan, _round_id(request))
    if view is None:
        raise Http404(_("No such published round."))
    currency = plan.currency
    rows = [
        {
            "progress": p,
            "baseline": public_targets.value_text(p.target, p.baseline[1] if p.baseline else None, currency),
            "latest": public_targets.value_text(p.target, p.latest, currency),
            "milestone": public_targets.value_text(p.target, p.milestone, currency),
            "target": p.target.text or public_targets.value_text(p.target, p.target.value, currency),
            "status": public_targets.status_label(p.status),
        }
        for p in view.items
    ]
    return render(
        request,
        "portal/targets.html",
        {
            "plan": plan,
            "view": view,
            "rows": rows,
            "can_publish": public_targets.can_publish(request.user),
            "files": [(fmt, reverse("open-data-targets", args=[plan.slug, fmt])) for fmt in public_targets.FORMATS],
        },
    )


def _switch(request: HttpRequest, slug: str, *, public: bool) -> HttpResponse:
    if not public_targets.can_publish(request.user):
        raise PermissionDenied(_("You may not do this."))
    plan = plan_or_404(slug)
    if public:
        public_targets.plan_targets_publish(actor=request.user, plan=plan)
        messages.success(request, _("The plan's targets and the progress toward them are now public."))
    else:
        public_targets.plan_targets_withdraw(actor=request.user, plan=plan)
        messages.success(request, _("The plan's targets are no longer public."))
    return redirect("plan-targets", slug=plan.slug)


@login_required
@require_POST
def targets_publish(request: HttpRequest, slug: str) -> HttpResponse:
    return _switch(request, slug, public=True)


@login_required
@require_POST
def targets_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    return _switch(request, slug, public=False)


@public_page
def open_data_targets(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    if fmt not in public_targets.FORMATS:
        raise Http404(_("Unknown format."))
    plan = plan_or_404(slug)
    if plan.targets_published_at is None:
        raise Http404(_("This plan's targets are not public."))
    data = public_targets.targets_file(fmt, public_targets.records(plan))
    response = HttpResponse(data, content_type=opendata.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{plan.slug}-targets-{page_language()}.{fmt}"'
    return response
