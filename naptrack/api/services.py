"""Writes of the API app: issuing and revoking tokens."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.api import rules as _rules  # noqa: F401  (registers the permission checked below)
from naptrack.api.models import ApiToken, token_hash
from naptrack.audit.services import audit_record


@transaction.atomic
def token_issue(*, user) -> tuple[str, ApiToken]:
    """A new token for an authenticated user, valid NAPTRACK_API_TOKEN_DAYS days: (key, token).
    The key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    expires = timezone.now() + dt.timedelta(days=settings.NAPTRACK_API_TOKEN_DAYS)
    token = ApiToken.objects.create(user=user, key_hash=token_hash(key), expires=expires)
    audit_record(
        actor=user, action="api.token.issued", target=token, data={"token": token.pk, "expires": expires.isoformat()}
    )
    return key, token


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    """Revoke one token: its holder on their profile page, or a coordinator."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm("api.revoke_token", token):
        raise PermissionDenied(_("You may not do this."))
    data = {"token": token.pk, "user": token.user.get_username()}
    token.delete()
    audit_record(actor=actor, action="api.token.revoked", data=data)


def tokens_revoke_all(user, *, what: str) -> dict:
    """Follower of naptrack.accounts.changes: the person's password, role or department changed,
    or their account was closed, so every token they hold stops working. Runs inside the account
    service's transaction, whose audit entry records the count returned."""
    revoked = ApiToken.objects.filter(user=user).delete()[0]
    return {"tokens_revoked": revoked}
