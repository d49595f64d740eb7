"""Resetting a forgotten password by e-mail: the "Forgot your password?" page, and a coordinator or
`naptrack user reset-password` sending a person the link.

The link is Django's password reset token (it stops working once the password changes, and after
NAPTRACK_PASSWORD_RESET_HOURS); the new password is set by services.user_reset_password, which
revokes the person's API tokens. The page answers the same whether or not an account has the
address, and limits how often it can be used (NAPTRACK_PASSWORD_RESET_LIMIT an hour per client
address and per e-mail address): enough for a person who mistyped, too few to flood someone's
mailbox or to probe addresses in bulk. The requests are counted from the audit trail, which every
app server shares, rather than from a per-process cache."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from naptrack.accounts import mail
from naptrack.accounts.models import User
from naptrack.accounts.services import require_manager
from naptrack.audit.models import AuditEvent
from naptrack.audit.services import audit_record

REQUESTED = "accounts.password_reset.requested"
WINDOW = dt.timedelta(hours=1)


class TooManyRequests(Exception):
    """More reset requests from this client address, or for this e-mail address, than the hour
    allows."""


def reset_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return mail.link(user, "accounts:password-reset-confirm", uid, default_token_generator.make_token(user))


def _send(user: User, link: str) -> None:
    hours = max(1, settings.PASSWORD_RESET_TIMEOUT // 3600)
    mail.send(user, "password_reset", {"link": link, "hours": hours})


def user_password_reset_send(*, actor: Any, user: User) -> str:
    """E-mail a person a link to choose a new password (their current one keeps working until
    they do). Returns the link, for the command line to print when e-mails go to the console."""
    with transaction.atomic():
        require_manager(actor)
        if not user.is_active:
            if not user.has_usable_password():
                raise ValidationError(
                    _("%(name)s has not accepted their invitation yet: send them a new one instead.")
                    % {"name": user.get_username()}
                )
            raise ValidationError(
                _("%(name)s is deactivated: reactivate the account first.") % {"name": user.get_username()}
            )
        if not user.email:
            raise ValidationError(_("%(name)s has no e-mail address.") % {"name": user.get_username()})
        link = reset_link(user)
        audit_record(actor=actor, action="accounts.user.password_reset_sent", target=user, data={"email": user.email})
    _send(user, link)
    return link


def password_reset_request(*, email: str, address: str | None) -> None:
    """Someone asked the "Forgot your password?" page for a link for `email`, from the client
    `address`: each active account with this address gets one. Raises TooManyRequests past the
    limit; otherwise says nothing, so that the page cannot tell whether an account exists."""
    email = email.strip().lower()
    address = address or "unknown"
    limit = settings.NAPTRACK_PASSWORD_RESET_LIMIT
    recent = AuditEvent.objects.filter(action=REQUESTED, occurred_at__gte=timezone.now() - WINDOW)
    if recent.filter(data__address=address).count() >= limit or recent.filter(data__email=email).count() >= limit:
        raise TooManyRequests
    users = list(PasswordResetForm().get_users(email))
    with transaction.atomic():
        # Recorded whether or not an account matched: the audit trail, not the visitor, learns it.
        audit_record(
            actor="anonymous",
            action=REQUESTED,
            target=users[0] if len(users) == 1 else None,
            data={"email": email, "address": address, "accounts": len(users)},
        )
    for user in users:
        _send(user, reset_link(user))
