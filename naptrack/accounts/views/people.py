"""The coordinator's account screens: the people of the installation (filtered, a page at a time),
inviting someone, and a person's page (role and department, deactivating or reactivating the
account, sending a password reset link or a new invitation, what happened to the account).

Coordinators only (accounts.manage_users); every write goes through the accounts services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.accounts import invitations, passwords, queries, services
from naptrack.accounts.forms import InviteForm, PeopleFilterForm, RoleForm, add_service_errors
from naptrack.accounts.models import User
from naptrack.audit.models import AuditEvent

# A page's cost is its rows (seven cells, a link and a status each: about 0.15 ms a row here),
# so a page of fifty cost 1.7 times a Belgian installation's whole list of twenty-two; the
# filters (role, department, status) find someone faster than paging.
PER_PAGE = 25
HISTORY = 20


def _require_manager(request: HttpRequest) -> None:
    if not request.user.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("You may not do this."))


def _mail_failed(request: HttpRequest, error: OSError) -> None:
    messages.error(
        request,
        _("The e-mail could not be sent (%(reason)s). Try again from this page once the mail server works.")
        % {"reason": error.strerror or error.__class__.__name__},
    )


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    form = PeopleFilterForm(request.GET or None)
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    found = queries.people(
        role=filters.get("role", ""), department=filters.get("department"), status=filters.get("status", "")
    )
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    for found in page:
        queries.describe(found)
    query = urlencode({k: getattr(v, "code", v) for k, v in filters.items()})
    return render(request, "accounts/people_list.html", {"form": form, "page": page, "query": query})


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    language = get_language() if get_language() in dict(InviteForm.base_fields["language"].choices) else "en"
    form = InviteForm(request.POST or None, initial={"language": language})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sent = invitations.user_invite(
                actor=request.user,
                email=data["email"],
                role=data["role"],
                department_code=data["department"].code if data["department"] else None,
                plan_slug=data["plan"].slug if data["plan"] else None,
                username=data["username"] or None,
                first_name=data["first_name"],
                last_name=data["last_name"],
                language=data["language"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except OSError as error:
            # The account and its invitation are saved; only the e-mail failed.
            _mail_failed(request, error)
            person = User.objects.filter(email__iexact=data["email"]).first()
            return redirect("accounts:person", pk=person.pk) if person else redirect("accounts:people")
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. Its link works until %(date)s.")
                % {"email": sent.user.email, "date": formats.date_format(sent.invitation.expires, "DATE_FORMAT")},
            )
            return redirect("accounts:person", pk=sent.user.pk)
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "invitation_days": settings.NAPTRACK_INVITATION_DAYS},
        status=400 if form.errors else 200,
    )


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    _require_manager(request)
    found = queries.describe(get_object_or_404(queries.people(), pk=pk))
    initial = {"role": found.role, "department": found.department, "plan": found.plan}
    form = RoleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        department, plan = form.cleaned_data["department"], form.cleaned_data["plan"]
        try:
            services.user_set_role(
                actor=request.user,
                user=found,
                role=form.cleaned_data["role"],
                department_code=department.code if department else None,
                plan_slug=plan.slug if plan else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The role and department of %(name)s were saved.") % {"name": found})
            return redirect("accounts:person", pk=found.pk)
    events = AuditEvent.objects.for_target(found).with_actor()[:HISTORY]
    return render(
        request,
        "accounts/person.html",
        {"person": found, "form": form, "events": events, "is_self": found.pk == request.user.pk},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def person_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """The buttons of a person's page: deactivate, reactivate, reset-password, reinvite."""
    _require_manager(request)
    found = get_object_or_404(User.objects.select_related("department"), pk=pk)
    name = found.get_username()
    try:
        if action == "deactivate":
            services.user_deactivate(actor=request.user, user=found)
            messages.success(request, _("The account of %(name)s was deactivated.") % {"name": name})
        elif action == "reactivate":
            services.user_reactivate(actor=request.user, user=found)
            messages.success(request, _("The account of %(name)s was reactivated.") % {"name": name})
        elif action == "reset-password":
            passwords.user_password_reset_send(actor=request.user, user=found)
            messages.success(
                request, _("A link to choose a new password was sent to %(email)s.") % {"email": found.email}
            )
        elif action == "reinvite":
            sent = invitations.invitation_resend(actor=request.user, user=found)
            messages.success(request, _("A new invitation was sent to %(email)s.") % {"email": sent.user.email})
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except OSError as error:
        _mail_failed(request, error)
    return redirect("accounts:person", pk=found.pk)
