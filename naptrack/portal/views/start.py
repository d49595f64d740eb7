"""Where each person starts: the page of their work, reached after logging in (LOGIN_REDIRECT_URL)
and from the error pages' "Go to your work". Here, above every app that holds a kind of work."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse

from naptrack.core.roles import is_civil_society, is_coordinator, is_evaluator, is_focal_point
from naptrack.plans.models import Plan
from naptrack.reporting.models import Round


@login_required
def start(request: HttpRequest) -> HttpResponseRedirect:
    user = request.user
    if is_civil_society(user):
        return redirect("civilsociety:home")  # their organisation's assessments
    if is_focal_point(user):
        return redirect("reporting:my-contributions")  # what they must write, returned work first
    if is_coordinator(user):
        round_ = current_round()
        if round_ is not None:
            # The round's dashboard at its review queue: what waits for the coordinator.
            return HttpResponseRedirect(reverse("reporting:round-dashboard", args=[round_.pk]) + "#queue")
        return redirect("reporting:round-list")
    if is_evaluator(user) or user.has_perm("reporting.view_round"):
        return redirect("reporting:round-list")
    return redirect("home")


def current_round() -> Round | None:
    """The round a coordinator most likely works on: of the current plan, an open one (the
    latest deadline first), else one closed and waiting to be published, else none."""
    plan = Plan.objects.current()
    if plan is None:
        return None
    rounds = Round.objects.filter(plan=plan).order_by("-deadline", "-pk")
    return rounds.filter(state=Round.State.OPEN).first() or rounds.filter(state=Round.State.CLOSED).first()
