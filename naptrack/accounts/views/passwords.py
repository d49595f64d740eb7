"""Pages reached from an e-mail or before logging in: accepting an invitation, and resetting a
forgotten password (Django's password reset views, with naptrack's services behind them)."""

from __future__ import annotations

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from naptrack.accounts import invitations, passwords
from naptrack.accounts.forms import PasswordResetForm, SetPasswordForm
from naptrack.accounts.services import user_reset_password


def _invalid(request: HttpRequest, state: str, invitation) -> HttpResponse:
    # 404 for a link never issued (or replaced); 410 Gone for one that worked once.
    status = 404 if state == invitations.UNKNOWN else 410
    return render(
        request, "accounts/invitation_invalid.html", {"state": state, "invitation": invitation}, status=status
    )


@sensitive_post_parameters("new_password1", "new_password2")
@never_cache
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    found, state = invitations.invitation_find(key)
    if state != invitations.VALID:
        return _invalid(request, state, found)
    form = SetPasswordForm(found.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(key=key, password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            if error.code in (invitations.USED, invitations.EXPIRED, invitations.UNKNOWN):
                return _invalid(request, error.code, found)
            form.add_error("new_password2", error)
        else:
            messages.success(
                request,
                _("Your account is open. Log in with your username, %(name)s, and the password you chose.")
                % {"name": user.get_username()},
            )
            return redirect("login")
    return render(
        request, "accounts/invitation.html", {"form": form, "person": found.user}, status=400 if form.errors else 200
    )


class PasswordResetView(auth_views.PasswordResetView):
    """ "Forgot your password?": the same answer whether or not an account has the address."""

    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password-reset-done")

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        try:
            passwords.password_reset_request(
                email=form.cleaned_data["email"], address=get_client_ip_address(self.request)
            )
        except passwords.TooManyRequests:
            form.add_error(
                None,
                _(
                    "Too many new passwords were asked for from your address or for this e-mail address. "
                    "Try again in an hour."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password-reset-complete")

    def get_user(self, uidb64: str):
        # A link sent before the account was deactivated opens nothing.
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form: SetPasswordForm) -> HttpResponse:
        # Through the service rather than form.save(): audited, and the API tokens revoked.
        user_reset_password(user=self.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view()
password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view()
