"""The history of a contribution and of a line of action in a round: versions, measurements,
syntheses and audit events, newest first, a page at a time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Action
from naptrack.reporting.history import HistoryEntry, history_entries
from naptrack.reporting.models import Contribution, Measurement, Synthesis
from naptrack.reporting.views.common import require, round_or_404

HISTORY_PAGE_SIZE = 50


def _history_page(request: HttpRequest, entries: list[HistoryEntry]) -> Page:
    return Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def contribution_history(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution.objects.with_detail(), pk=pk)
    require(request.user, "reporting.view_history", contribution)
    entries = history_entries(
        [contribution],
        list(contribution.history.select_related("history_user").order_by("history_date", "history_id")),
        list(
            Measurement.history.filter(contribution_id=contribution.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        [],
        AuditEvent.objects.for_target(contribution).with_actor(),
        name_subjects=False,
    )
    return render(
        request,
        "reporting/coordination/history.html",
        {
            "round": contribution.round,
            "plan": contribution.round.plan,
            "action": contribution.action,
            "contribution": contribution,
            "page": _history_page(request, entries),
        },
    )


@login_required
def line_history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = round_or_404(pk)
    require(request.user, "reporting.view_history", round_)
    action = get_object_or_404(Action.objects.select_related("goal__objective"), plan_id=round_.plan_id, code=code)
    contributions = list(
        Contribution.objects.filter(round=round_, action=action)
        .select_related("department", "action")
        .prefetch_related("action__instruments")
    )
    ids = [c.pk for c in contributions]
    synthesis = Synthesis.objects.filter(round=round_, action=action).first()
    events = AuditEvent.objects.none()
    for target in [*contributions, *([synthesis] if synthesis else [])]:
        events = events | AuditEvent.objects.for_target(target)
    entries = history_entries(
        contributions,
        list(
            Contribution.history.filter(id__in=ids)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        list(
            Measurement.history.filter(contribution_id__in=ids)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        list(
            Synthesis.history.filter(round_id=round_.pk, action_id=action.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        events.with_actor(),
        name_subjects=True,
    )
    return render(
        request,
        "reporting/coordination/history.html",
        {
            "round": round_,
            "plan": round_.plan,
            "action": action,
            "contribution": None,
            "page": _history_page(request, entries),
        },
    )
