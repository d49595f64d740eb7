"""`Authorization: Bearer <token>` for API clients (scripts, other systems); the browser keeps
using its session."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from naptrack.api.models import ApiToken, token_hash

# last_used is bookkeeping, not an audit trail: writing it at most once a minute spares every
# read request a write (and, on SQLite, the database's single write lock).
LAST_USED_PRECISION = dt.timedelta(minutes=1)


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            # Not ours (no header, or another scheme): let the next authentication class try.
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Malformed Authorization header: use 'Bearer <token>'."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Malformed token.")) from None
        token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is disabled."))
        now = timezone.now()
        if token.expires <= now:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s: get a new one with POST /api/v1/token/.")
                % {"date": timezone.localdate(token.expires).isoformat()}
            )
        if token.last_used is None or now - token.last_used > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Naming the scheme makes unauthenticated requests a 401 (not a 403), as RFC 6750 wants.
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "naptrack.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": str(_("A token from POST /api/v1/token/, sent as 'Authorization: Bearer <token>'.")),
        }
