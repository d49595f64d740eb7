"""The organisation member's screens: their home (the rounds open to them, their organisation's
assessments by state with the moderator's notes, their listing in the expertise network, their
organisation's details), their data (seen, downloaded, erasure asked for), and the landing page
after logging in."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Expert, Member, RoundInvitation
from naptrack.core.roles import is_civil_society
from naptrack.plans.models import Action
from naptrack.reporting.models import Round


class LoginView(auth_views.LoginView):
    """Django's login page, which leads to the page the link asked for, else to the person's
    work (LOGIN_REDIRECT_URL: naptrack.portal.views.start). Its header names the installation,
    not the address Django's view would call the site."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings

        return {**super().get_context_data(**kwargs), "site_name": settings.SITE_NAME}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not is_civil_society(user):
        # Coordinators and readers work from the staff screens; nobody else has a home here.
        if user.has_perm("civilsociety.read_all"):
            return redirect("civilsociety:queue")
        raise PermissionDenied(_("This page is for members of a registered organisation."))
    membership = (
        Member.objects.select_related("organisation__network")
        .prefetch_related(
            Prefetch("organisation__follows", queryset=Action.objects.select_related("plan").order_by("plan", "pk"))
        )
        .filter(user=user)
        .first()
    )
    if membership is None:
        return render(request, "civilsociety/home.html", {"membership": None})
    organisation = membership.organisation
    assessments = list(
        Assessment.objects.filter(organisation=organisation)
        .for_list()
        .select_related("round__plan")
        .order_by("-round__year", "round_id", "pk")
    )
    by_state = [
        (state, label, [a for a in assessments if a.state == state]) for state, label in Assessment.State.choices
    ]
    rounds = list(Round.objects.filter(state=Round.State.OPEN).select_related("plan").order_by("deadline"))
    invited = set(
        RoundInvitation.objects.filter(organisation=organisation, round__in=rounds).values_list("round_id", flat=True)
    )
    return render(
        request,
        "civilsociety/home.html",
        {
            "membership": membership,
            "organisation": organisation,
            "rounds": [(r, r.pk in invited) for r in rounds],
            "by_state": [(state, label, items) for state, label, items in by_state if items],
            "listings": list(Expert.objects.filter(user=user)),
        },
    )


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """What naptrack's civil-society records hold about the signed-in person, and how to have it erased."""
    user = request.user
    listings = list(
        Expert.objects.filter(user=user).select_related("organisation").prefetch_related("fields", "consents")
    )
    membership = Member.objects.select_related("organisation").filter(user=user).first()
    return render(request, "civilsociety/my_data.html", {"membership": membership, "listings": listings})


@login_required
def my_data_export(request: HttpRequest) -> HttpResponse:
    if not request.user.email:
        messages.error(request, _("Your account has no e-mail address, so there is nothing to export by it."))
        return redirect("civilsociety:my-data")
    data = services.person_export(actor=request.user, email=request.user.email)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
@require_POST
def my_data_erase(request: HttpRequest) -> HttpResponse:
    """Ask the coordinator to erase one's data: recorded, the coordinator erases it from their screen."""
    services.person_erasure_request(actor=request.user)
    messages.success(
        request,
        _("Your request was sent to the coordinator, who will erase your data. Your account then closes."),
    )
    return redirect("civilsociety:my-data")
