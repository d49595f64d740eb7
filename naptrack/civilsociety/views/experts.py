"""The expertise network (line 34): a member lists themselves (the coordinator lists anyone),
gives consent explicitly, with its purpose shown, and withdraws it; the coordinator keeps the list
of fields of expertise and erases a person's data on request, after a confirmation page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from naptrack.accounts.models import User
from naptrack.civilsociety import services
from naptrack.civilsociety.forms import ConsentForm, EraseForm, ExpertForm, ExpertiseFieldForm
from naptrack.civilsociety.models import Expert, ExpertiseField, Member
from naptrack.civilsociety.views.common import error_text, paginate, require, summary
from naptrack.core.roles import is_civil_society

# What consent is asked for, shown beside the checkbox and recorded with it word for word.
CONSENT_PURPOSE = gettext_lazy(
    "Your name, organisation, fields of expertise, languages, countries of experience and summary are shown in "
    "naptrack's public directory of the gender expertise network (line 34 of the plan), so that government "
    "departments and other organisations can contact you through your organisation. Your e-mail address is never "
    "shown. You can withdraw this consent at any time; the listing then leaves the directory at once."
)


@login_required
def expert_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.read_all")
    experts = Expert.objects.select_related("organisation").prefetch_related("fields").order_by("name", "pk")
    return render(
        request,
        "civilsociety/experts.html",
        {
            "page": paginate(request, experts),
            "fields": list(ExpertiseField.objects.annotate(n=Count("experts"))),
            "field_form": ExpertiseFieldForm() if request.user.has_perm("civilsociety.manage") else None,
            "can_manage": request.user.has_perm("civilsociety.manage"),
            "current": "experts",
        },
    )


@login_required
@require_POST
def expertise_field_add(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.manage")
    form = ExpertiseFieldForm(request.POST)
    if form.is_valid():
        try:
            field = services.expertise_field_add(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("“%(name)s” was added to the fields of expertise.") % {"name": field.name})
    else:
        messages.error(request, _("Name the field of expertise."))
    return redirect("civilsociety:experts")


def _may_list(user) -> bool:
    return user.has_perm("civilsociety.manage") or (
        is_civil_society(user) and Member.objects.filter(user=user).exists()
    )


@login_required
def expert_new(request: HttpRequest) -> HttpResponse:
    if not _may_list(request.user):
        raise PermissionDenied(_("Members of a registered organisation list themselves; the coordinator anyone."))
    form = ExpertForm(
        request.POST if request.method == "POST" else None,
        initial={"name": request.user.get_full_name(), "email": request.user.email}
        if is_civil_society(request.user)
        else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            expert = services.expert_add(
                actor=request.user, fields=list(form.cleaned_data["fields_"]), **form.payload()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("The listing was saved. It stays out of the public directory until consent is given.")
            )
            return redirect("civilsociety:expert", pk=expert.pk)
    return render(
        request,
        "civilsociety/expert.html",
        {"form": form, "expert": None, "error_summary": summary(form)},
        status=400 if form.errors else 200,
    )


def _expert(request: HttpRequest, pk: int) -> Expert:
    expert = get_object_or_404(Expert.objects.select_related("organisation").prefetch_related("fields"), pk=pk)
    if not request.user.has_perm("civilsociety.change_listing", expert):
        raise PermissionDenied(_("You may not change this listing."))
    return expert


def _expert_page(request, expert, form=None, consent_form=None, status=200) -> HttpResponse:
    form = form or ExpertForm(instance=expert)
    consent_form = consent_form or ConsentForm()
    return render(
        request,
        "civilsociety/expert.html",
        {
            "form": form,
            "consent_form": consent_form,
            "expert": expert,
            "purpose": CONSENT_PURPOSE,
            "consents": list(expert.consents.all()),
            "error_summary": summary(form, consent_form),
        },
        status=status,
    )


@login_required
def expert_edit(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _expert(request, pk)
    if request.method != "POST":
        return _expert_page(request, expert)
    form = ExpertForm(request.POST, instance=expert)
    if form.is_valid():
        try:
            services.expert_update(
                actor=request.user, expert=expert, data=form.payload(), fields=list(form.cleaned_data["fields_"])
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The listing was saved."))
            return redirect("civilsociety:expert", pk=pk)
    return _expert_page(request, expert, form=form, status=400)


@login_required
@require_POST
def consent_give(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _expert(request, pk)
    form = ConsentForm(request.POST)
    if not form.is_valid():
        return _expert_page(request, expert, consent_form=form, status=400)
    try:
        services.expert_consent_give(actor=request.user, expert=expert, purpose=str(CONSENT_PURPOSE))
    except (ValidationError, services.CivilSocietyError) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Consent recorded: the listing is now in the public directory."))
    return redirect("civilsociety:expert", pk=pk)


@login_required
@require_POST
def consent_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    expert = _expert(request, pk)
    try:
        services.expert_consent_withdraw(actor=request.user, expert=expert)
    except services.CivilSocietyError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Consent withdrawn: the listing has left the public directory."))
    return redirect("civilsociety:expert", pk=pk)


@login_required
def person_erase(request: HttpRequest) -> HttpResponse:
    """Erase a person's data: the address first, then a page showing what will go, then the erasure."""
    require(request.user, "civilsociety.manage")
    form = EraseForm(request.POST or request.GET or None)
    held = None
    if form.is_bound and form.is_valid():
        email = form.cleaned_data["email"].strip()
        users = list(User.objects.filter(email__iexact=email).select_related("membership__organisation"))
        listings = list(Expert.objects.filter(email__iexact=email) | Expert.objects.filter(user__in=users))
        held = {"email": email, "users": users, "listings": listings}
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                erased = services.person_erase(actor=request.user, email=email)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request,
                    _("Erased: %(accounts)s accounts closed and emptied, %(listings)s listings deleted.") % erased,
                )
                return redirect("civilsociety:person-erase")
    return render(
        request,
        "civilsociety/person_erase.html",
        {
            "form": form,
            "held": held,
            "requests": services.erasure_requests(),
            "error_summary": summary(form),
            "current": "experts",
        },
        status=400 if form.errors else 200,
    )
