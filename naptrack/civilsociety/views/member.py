"""The organisation member's screens: their home, with the rounds open to them and their
organisation's assessments by state."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from naptrack.civilsociety.models import Assessment, Member
from naptrack.core.roles import is_civil_society
from naptrack.reporting.models import Round


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not is_civil_society(request.user):
        raise PermissionDenied
    membership = Member.objects.select_related("organisation").filter(user=request.user).first()
    if membership is None:
        return render(request, "civilsociety/home.html", {"membership": None}, status=200)
    assessments = list(Assessment.objects.filter(organisation=membership.organisation).for_list()
                       .order_by("-round__year", "state", "pk"))
    states = {state: [a for a in assessments if a.state == state] for state in Assessment.State.values}
    rounds = Round.objects.filter(state="open").select_related("plan").order_by("deadline")
    return render(request, "civilsociety/home.html", {
        "membership": membership, "organisation": membership.organisation, "rounds": rounds,
        "by_state": [(Assessment.State(s).label, items) for s, items in states.items() if items],
    })
