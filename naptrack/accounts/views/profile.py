"""A person's own account: their profile page (who they are, their role, the sections apps above
add, such as their API tokens) and changing their password."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters

from naptrack.accounts import profile as sections
from naptrack.accounts.forms import PasswordChangeForm
from naptrack.accounts.services import user_change_password
from naptrack.core.roles import Role, role_names


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    person = request.user
    # role_names() reads the groups once per request, for the header's permission checks too.
    role = next((r.label for r in Role if r.value in role_names(person)), "")
    return render(
        request, "accounts/profile.html", {"person": person, "role": role, "sections": sections.sections(request)}
    )


@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_change_password(user=request.user, password=form.cleaned_data["new_password1"])
        # Keeps this session signed in; the person's other sessions end with the old password.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed. Your API tokens were revoked."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form}, status=400 if form.errors else 200)
