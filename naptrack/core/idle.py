"""Signing out a session left idle.

A browser left signed in on an office computer shows a ministry's unpublished work to whoever sits
down next. After settings.NAPTRACK_IDLE_MINUTES without a request (30 by default, the limit for
coordinators, readers and anyone without a role), the next request finds the person signed out and
the login page says why. Focal points get NAPTRACK_IDLE_MINUTES_FOCAL (240 by default): they write
long narratives in one sitting, and a form posted after the limit is lost with its text. 0 turns
a limit off. API tokens are not sessions: they have their own lifetime (NAPTRACK_API_TOKEN_DAYS).

The time of the latest request is kept in the session, written at most once a minute so that a
page does not cost a session write each time (the timeout is exact to that minute). A session
signed in before it held that time (or by Client.force_login in tests) counts from the person's
last login."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone
from django.utils.translation import ngettext

from naptrack.core.roles import is_civil_society, is_coordinator, is_focal_point, is_reader

ACTIVE_KEY = "naptrack_active"
WRITE_EVERY = 60  # seconds


def idle_minutes(user) -> int:
    """The person's idle limit in minutes (0: none)."""
    general = int(getattr(settings, "NAPTRACK_IDLE_MINUTES", 30))
    # Civil-society members write long assessments, as focal points write narratives.
    if (is_focal_point(user) or is_civil_society(user)) and not (is_coordinator(user) or is_reader(user)):
        return int(getattr(settings, "NAPTRACK_IDLE_MINUTES_FOCAL", 240))
    return general


def _shortest() -> int:
    limits = [int(getattr(settings, name, 0)) for name in ("NAPTRACK_IDLE_MINUTES", "NAPTRACK_IDLE_MINUTES_FOCAL")]
    return min([m for m in limits if m > 0], default=0)


class IdleTimeoutMiddleware:
    """Right after AuthenticationMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is None or SESSION_KEY not in session:
            return self.get_response(request)
        now = timezone.now().timestamp()
        last = self._last_active(request)
        if last is None:  # the session's user is gone or its password changed: Django signed it out
            return self.get_response(request)
        idle = now - last
        # The role costs a query: asked only once the shortest limit has passed.
        shortest = _shortest()
        if shortest and idle > shortest * 60:
            minutes = idle_minutes(request.user)
            if minutes and idle > minutes * 60:
                return self._sign_out(request, minutes)
        response = self.get_response(request)
        if SESSION_KEY in request.session:
            stamp = request.session.get(ACTIVE_KEY)
            # A session saved anyway (a login, a message) takes the time for free.
            if (stamp is None and request.session.modified) or now - last >= WRITE_EVERY:
                request.session[ACTIVE_KEY] = int(now)
        return response

    def _last_active(self, request: HttpRequest) -> float | None:
        stamp = request.session.get(ACTIVE_KEY)
        if isinstance(stamp, int | float):
            return float(stamp)
        user = request.user
        if not user.is_authenticated:
            return None
        return user.last_login.timestamp() if user.last_login else timezone.now().timestamp()

    def _sign_out(self, request: HttpRequest, minutes: int) -> HttpResponseBase:
        logout(request)
        if request.path_info.startswith("/api/"):
            # The API answers for itself, in JSON: 401 or 403 for a request without credentials.
            return self.get_response(request)
        # This runs before MessageMiddleware (so that no later middleware, such as the second
        # factor's, acts on an expired session) and answers without it: it keeps its own message.
        storage = default_storage(request)
        storage.add(
            messages.INFO,
            ngettext(
                "You were signed out after %(minutes)s minute without activity. Log in again to go on.",
                "You were signed out after %(minutes)s minutes without activity. Log in again to go on.",
                minutes,
            )
            % {"minutes": minutes},
        )
        # What a form posted is gone with the session; after logging in a GET comes back to its page.
        response = redirect_to_login(request.get_full_path() if request.method in ("GET", "HEAD") else "")
        storage.update(response)
        return response
