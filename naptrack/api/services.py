"""Writes of the API app: issuing and revoking tokens."""

from __future__ import annotations

import secrets

from django.db import transaction

from naptrack.api.models import ApiToken, token_hash
from naptrack.audit.services import audit_record


@transaction.atomic
def token_issue(*, user) -> str:
    """A new token for an authenticated user. The key is returned once and never stored."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, key_hash=token_hash(key))
    audit_record(actor=user, action="api.token.issued", target=token, data={"token": token.pk})
    return key


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> None:
    data = {"token": token.pk, "user": token.user.get_username()}
    token.delete()
    audit_record(actor=actor, action="api.token.revoked", data=data)
