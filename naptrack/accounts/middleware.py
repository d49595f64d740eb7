"""The gate between the password and the rest of the site (accounts/twofactor.py).

A person signed in with their password but not verified by a second factor reaches only the
second step: the code page when they have a device, the set-up page when their role requires one
and they have none yet; logging out always works. Pages, the admin and the session-authenticated
API are all behind it; an API call with `Authorization: Bearer` is authenticated by its token, not
by the session, and public pages stay public. Everyone else passes without a query: whether the
person has a device is read once per session and kept in it.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.deprecation import MiddlewareMixin

from naptrack.accounts import twofactor

# Views a half-signed-in person may reach, by step.
ALWAYS = {"logout", "healthz"}
ON_VERIFY = ALWAYS | {"accounts:two-factor-verify"}
ON_ENROL = ALWAYS | {"accounts:two-factor"}


class TwoFactorMiddleware(MiddlewareMixin):
    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        step = request.session.get(twofactor.SESSION_STEP)
        if step == twofactor.STEP_TESTS and getattr(settings, "NAPTRACK_2FA_TEST_SESSIONS", False):
            return None
        if step not in (twofactor.STEP_VERIFY, twofactor.STEP_NONE):
            # Just signed in (the login page, the admin's, or any other way): look once.
            has_device = twofactor.totp_device(user) is not None
            step = twofactor.STEP_VERIFY if has_device else twofactor.STEP_NONE
            request.session[twofactor.SESSION_STEP] = step
        if step == twofactor.STEP_VERIFY:
            return self._hold(request, ON_VERIFY, "accounts:two-factor-verify")
        if twofactor.two_factor_required(user):
            return self._hold(request, ON_ENROL, "accounts:two-factor")
        return None

    def _hold(self, request: HttpRequest, allowed: set[str], step_view: str):
        if request.resolver_match.view_name in allowed:
            return None
        if request.path_info.startswith("/api/"):
            # The API answers as to anyone not signed in (its public part works, the rest is a
            # 403 in JSON); a redirect to a page would mean nothing to a script.
            request.user = AnonymousUser()
            return None
        return HttpResponseRedirect(f"{reverse(step_view)}?{urlencode({'next': request.get_full_path()})}")
