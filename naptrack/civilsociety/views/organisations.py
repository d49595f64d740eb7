"""The coordinator's register of organisations: the list with their counts, adding and editing
one, its page with its members and the invitation of a new member, and inviting organisations to
a round. Readers see the list and the pages without the forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.civilsociety import services
from naptrack.civilsociety.forms import MemberInviteForm, OrganisationForm, RoundInviteForm
from naptrack.civilsociety.models import Organisation, RoundInvitation
from naptrack.civilsociety.views.common import error_text, paginate, require, summary
from naptrack.plans.models import Action
from naptrack.reporting.models import Round


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.read_all")
    organisations = Organisation.objects.with_counts().order_by("name", "pk")
    return render(
        request,
        "civilsociety/organisations.html",
        {
            "page": paginate(request, organisations),
            "can_manage": request.user.has_perm("civilsociety.manage"),
            "current": "organisations",
        },
    )


@login_required
def organisation_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_add(actor=request.user, **form.payload())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": organisation.name})
            return redirect("civilsociety:organisation", pk=organisation.pk)
    return render(
        request,
        "civilsociety/organisation_form.html",
        {"form": form, "error_summary": summary(form), "current": "organisations"},
        status=400 if form.errors else 200,
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    organisation = get_object_or_404(Organisation.objects.prefetch_related("follows"), pk=pk)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(actor=request.user, organisation=organisation, data=form.payload())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": organisation.name})
            return redirect("civilsociety:organisation", pk=organisation.pk)
    return render(
        request,
        "civilsociety/organisation_form.html",
        {"form": form, "organisation": organisation, "error_summary": summary(form), "current": "organisations"},
        status=400 if form.errors else 200,
    )


def _detail(
    request: HttpRequest, organisation: Organisation, invite_form: MemberInviteForm | None = None, status: int = 200
) -> HttpResponse:
    can_manage = request.user.has_perm("civilsociety.manage")
    if can_manage:
        invite_form = invite_form or MemberInviteForm()
    return render(
        request,
        "civilsociety/organisation.html",
        {
            "organisation": organisation,
            "members": list(organisation.members.select_related("user").order_by("user__email")),
            "network_members": list(organisation.network_members.order_by("name")),
            "invitations": list(
                RoundInvitation.objects.filter(organisation=organisation).select_related("round").order_by("-sent_at")
            ),
            "can_manage": can_manage,
            "invite_form": invite_form if can_manage else None,
            "error_summary": summary(invite_form) if can_manage else [],
            "current": "organisations",
        },
        status=status,
    )


def _organisation(pk: int) -> Organisation:
    return get_object_or_404(
        Organisation.objects.with_counts().prefetch_related(
            Prefetch("follows", queryset=Action.objects.select_related("plan").order_by("plan", "pk"))
        ),
        pk=pk,
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.read_all")
    return _detail(request, _organisation(pk))


@login_required
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    organisation = _organisation(pk)
    if request.method != "POST":
        return redirect("civilsociety:organisation", pk=pk)
    form = MemberInviteForm(request.POST)
    if form.is_valid():
        try:
            services.member_invite(actor=request.user, organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s: a one-time link to set a password and join %(name)s.")
                % {"email": form.cleaned_data["email"], "name": organisation.name},
            )
            return redirect(reverse("civilsociety:organisation", kwargs={"pk": pk}) + "#members")
    return _detail(request, organisation, form, status=400)


@login_required
def round_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite chosen organisations to assess a round: one e-mail each, in its language."""
    require(request.user, "civilsociety.manage")
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    invited = set(RoundInvitation.objects.filter(round=round_).values_list("organisation_id", flat=True))
    form = RoundInviteForm(request.POST if request.method == "POST" else None)
    already = _("already invited")
    form.fields["organisations"].label_from_instance = lambda o: (
        f"{o.name} ({o.country})" + (f" · {already}" if o.pk in invited else "")
    )
    if request.method == "POST" and form.is_valid():
        try:
            sent = services.round_invite(
                actor=request.user, round=round_, organisations=list(form.cleaned_data["organisations"])
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except services.CivilSocietyError as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("Invitations sent to %(count)s organisations for %(round)s.") % {"count": sent, "round": round_},
            )
            return redirect(reverse("civilsociety:queue") + f"?round={round_.pk}")
    return render(
        request,
        "civilsociety/round_invite.html",
        {
            "round": round_,
            "form": form,
            "error_summary": summary(form),
            "current": "queue",
        },
        status=400 if form.errors else 200,
    )
