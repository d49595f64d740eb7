"""Rate limits on the API (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES, from the environment):
anonymous callers per address, signed-in callers per person, and a stricter limit per address
on POST /api/v1/token/, where passwords are tried. A caller over a limit gets 429 in JSON with
Retry-After.

DRF keeps the counts in Django's cache, which is per process in the embedded set-up (LocMemCache):
with several workers a caller may get up to one limit per worker. The login lock-out, which is
what stops password guessing, counts in the database and holds across workers."""

from __future__ import annotations

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from naptrack.core.clients import client_address


class _PerClientAddress:
    scope: str | None

    def get_ident(self, request: Request) -> str:
        # Not DRF's own, which trusts any X-Forwarded-For a client sends.
        return client_address(request) or ""

    def get_rate(self) -> str | None:
        # Read at each request, not once at import as DRF does: settings may change (tests).
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")


class AnonThrottle(_PerClientAddress, AnonRateThrottle):
    pass


class UserThrottle(_PerClientAddress, UserRateThrottle):
    pass


class TokenThrottle(_PerClientAddress, SimpleRateThrottle):
    """Requests for a token, per address, whoever they name."""

    scope = "token"

    def get_cache_key(self, request: Request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
