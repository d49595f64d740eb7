"""Two-factor sign-in screens: set-up and status (`accounts:two-factor`), the second step of
signing in, recovery codes shown once, turning it off, and a coordinator's reset. The rules and
writes are in accounts/twofactor.py; accounts/middleware.py sends people here."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from naptrack.accounts import twofactor
from naptrack.accounts.models import User


class CodeForm(forms.Form):
    # Rendered by accounts/_two_factor_code_field.html (label, help and errors tied together).
    code = forms.CharField(label=gettext_lazy("Code"), max_length=40)


def _next(request: HttpRequest) -> str:
    """Where to go once this step is done: the page the person asked for, if it is on this site."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _to(view: str, next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(view)}?{urlencode({'next': next_url})}")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set-up when the person has no device yet; otherwise what they have and what they can do."""
    user = request.user
    next_url = _next(request)
    device = twofactor.totp_device(user)
    if device is not None:
        if not user.is_verified():
            # A session from before the device was set up (in another tab): prove it first.
            return _to("accounts:two-factor-verify", request.get_full_path())
        return render(
            request,
            "accounts/two_factor.html",
            {
                "device": device,
                "codes_left": twofactor.recovery_codes_left(user),
                "required": twofactor.two_factor_required(user),
            },
        )
    secret = request.session.get(twofactor.SESSION_SECRET)
    if not secret:
        secret = request.session[twofactor.SESSION_SECRET] = twofactor.secret_new()
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes, device = twofactor.two_factor_enrol(actor=user, secret=secret, token=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            otp_login(request, device)
            del request.session[twofactor.SESSION_SECRET]
            request.session[twofactor.SESSION_CODES] = codes
            return _to("accounts:two-factor-recovery-codes", next_url)
    uri = twofactor.provisioning_uri(user, secret)
    return render(
        request,
        "accounts/two_factor_enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr": twofactor.qr_svg(uri, _("QR code to scan with your authenticator app")),
            "secret": twofactor.secret_text(secret),
            "issuer": settings.OTP_TOTP_ISSUER,
            "required": twofactor.two_factor_required(user),
        },
    )


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in."""
    user = request.user
    next_url = _next(request)
    if user.is_verified():
        return HttpResponseRedirect(next_url)
    if twofactor.totp_device(user) is None:
        # Reset by a coordinator, or turned off, since this session began.
        request.session[twofactor.SESSION_STEP] = twofactor.STEP_NONE
        return HttpResponseRedirect(next_url)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = twofactor.two_factor_verify(actor=user, token=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            # A new session key as the session gains rights, as Django's login() does.
            request.session.cycle_key()
            otp_login(request, device)
            if device.persistent_id.startswith("otp_static."):
                left = device.token_set.count()
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)s left. Generate new ones on your two-factor page.")
                    % {"left": left},
                )
            return HttpResponseRedirect(next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (POST), and the codes just made, shown once (GET)."""
    next_url = _next(request)
    if not request.user.is_verified():
        return _to("accounts:two-factor-verify", reverse("accounts:two-factor"))
    if request.method == "POST":
        try:
            codes = twofactor.recovery_codes_regenerate(actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return HttpResponseRedirect(reverse("accounts:two-factor"))
        request.session[twofactor.SESSION_CODES] = codes
        return _to("accounts:two-factor-recovery-codes", next_url)
    codes = request.session.pop(twofactor.SESSION_CODES, None)
    if not codes:
        return HttpResponseRedirect(reverse("accounts:two-factor"))
    return render(request, "accounts/two_factor_recovery_codes.html", {"codes": codes, "next": next_url})


@require_POST
@login_required
def turn_off(request: HttpRequest) -> HttpResponse:
    if not request.user.is_verified():
        return _to("accounts:two-factor-verify", reverse("accounts:two-factor"))
    twofactor.two_factor_disable(actor=request.user)
    request.session[twofactor.SESSION_STEP] = twofactor.STEP_NONE
    messages.success(request, _("Two-factor sign-in is off for your account."))
    return HttpResponseRedirect(reverse("accounts:two-factor"))


@login_required
def reset(request: HttpRequest, pk: int) -> HttpResponse:
    """A coordinator removes a person's second factor, after checking who is asking."""
    if not request.user.has_perm("accounts.manage_users"):
        raise PermissionDenied
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        twofactor.two_factor_reset(actor=request.user, user=person)
        messages.success(
            request,
            _("The second factor of %(name)s is removed. They set up a new one when they next sign in.")
            % {"name": person.get_full_name() or person.get_username()},
        )
        return HttpResponseRedirect(reverse("accounts:two-factor-reset", args=[person.pk]))
    return render(
        request,
        "accounts/two_factor_reset.html",
        {
            "person": person,
            "device": twofactor.totp_device(person),
            "codes_left": twofactor.recovery_codes_left(person),
        },
    )
