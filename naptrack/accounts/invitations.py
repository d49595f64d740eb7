"""Inviting people: a coordinator (or `naptrack user invite`) creates the account, inactive and
without a usable password, and e-mails the person a one-time link that expires after
NAPTRACK_INVITATION_DAYS; following it, the person chooses their password, which opens the account.
Nobody else ever knows the password, and no password travels by e-mail."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.accounts import mail
from naptrack.accounts.models import Invitation, Role, User
from naptrack.accounts.services import check_plan, check_role, require_manager, role_groups_ensure
from naptrack.audit.services import audit_record

VALID, USED, EXPIRED, UNKNOWN = "valid", "used", "expired", "unknown"


def _hash(key: str) -> str:
    # The key is 256 random bits: a fast unsalted hash is enough to keep it out of the database.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Sent:
    """An invitation just made: the account, the invitation and its link (the only copy of the
    key, which the command line may print; the browser never shows it to the coordinator)."""

    user: User
    invitation: Invitation
    link: str


def _invitation_new(user: User, actor: Any) -> tuple[Invitation, str]:
    """A new link for the person, replacing any they have not used."""
    user.invitations.filter(accepted__isnull=True).delete()
    key = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        key_hash=_hash(key),
        invited_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires=timezone.now() + dt.timedelta(days=settings.NAPTRACK_INVITATION_DAYS),
    )
    return invitation, mail.link(user, "accounts:invitation", key)


def _send(sent: Sent, actor: Any) -> None:
    user = sent.user
    inviter = (actor.get_full_name() or actor.get_username()) if isinstance(actor, User) else ""
    mail.send(
        user,
        "invitation",
        {
            "link": sent.link,
            "expires": sent.invitation.expires,
            "inviter": inviter or settings.SITE_NAME,
            "role": Role(user.role).label if user.role else "",
            "department": user.department.name if user.department_id else "",
        },
    )


def user_invite(
    *,
    actor: Any,
    email: str,
    role: str,
    department_code: str | None = None,
    username: str | None = None,
    first_name: str = "",
    last_name: str = "",
    language: str = "en",
    for_organisation: bool = False,
    plan_slug: str | None = None,
) -> Sent:
    """Create an account for `email` in a role and e-mail its holder an invitation. Inviting an
    address whose account was never opened again sends a new link (the old one stops working) and
    takes the role, department and plan given now. The username defaults to the e-mail address.

    The e-mail goes out once the transaction has committed, so that a slow or failing mail server
    never holds the database's write lock; if sending fails the invitation stays, and sending a new
    one from the person's page (or inviting again) replaces it."""
    with transaction.atomic():
        require_manager(actor)
        email = User.objects.normalize_email(email.strip())
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": _("Enter a valid e-mail address.")}) from None
        department = check_role(role, department_code, for_organisation=for_organisation)
        plan = check_plan(role, plan_slug)
        user = User.objects.filter(email__iexact=email).first()
        again = user is not None
        if user is not None and (user.is_active or user.has_usable_password()):
            raise ValidationError(
                {
                    "email": _("%(name)s already has an account with this e-mail address.")
                    % {"name": user.get_username()}
                }
            )
        if user is None:
            user = _new_account(email, username or email, first_name, last_name, language, department, role, plan)
        else:
            user.department, user.plan, user.is_staff = department, plan, role == Role.COORDINATOR
            user.save(update_fields=["department", "plan", "is_staff"])
        user.groups.set([role_groups_ensure()[role]])
        user.__dict__.pop("_naptrack_roles", None)
        invitation, link = _invitation_new(user, actor)
        audit_record(
            actor=actor,
            action="accounts.user.invited",
            target=user,
            data={
                "email": email,
                "role": role,
                "department": department_code or None,
                **({"plan": plan.slug} if plan else {}),
                "expires": invitation.expires.isoformat(),
                **({"again": True} if again else {}),
            },
        )
    sent = Sent(user, invitation, link)
    _send(sent, actor)
    return sent


def _new_account(email, username, first_name, last_name, language, department, role, plan) -> User:
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user named %(name)s already exists.") % {"name": username}})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        language=language,
        department=department,
        plan=plan,
        is_staff=role == Role.COORDINATOR,
        is_active=False,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return user


def invitation_resend(*, actor: Any, user: User) -> Sent:
    """A new invitation to a person who has not opened their account yet."""
    return user_invite(
        actor=actor,
        email=user.email,
        role=user.role or Role.READER,
        department_code=user.department.code if user.department_id else None,
        plan_slug=user.plan.slug if user.plan_id else None,
        # A member of an organisation keeps the role their organisation's invitation gave them.
        for_organisation=user.role == Role.CIVIL_SOCIETY,
    )


def invitation_find(key: str) -> tuple[Invitation | None, str]:
    """The invitation of a link's key and its state: VALID, USED, EXPIRED or UNKNOWN (never
    issued, replaced by a newer one, or cancelled)."""
    invitation = Invitation.objects.select_related("user").filter(key_hash=_hash(key)).first()
    if invitation is None:
        return None, UNKNOWN
    if invitation.accepted is not None:
        return invitation, USED
    if invitation.expires <= timezone.now():
        return invitation, EXPIRED
    return invitation, VALID


@transaction.atomic
def invitation_accept(*, key: str, password: str) -> User:
    """The invited person chooses their password: the account opens and the link is used up."""
    invitation, state = invitation_find(key)
    if state != VALID:
        raise ValidationError(_("This invitation link no longer works."), code=state)
    # Claim the link first: of two tabs submitting at once, only one opens the account.
    claimed = Invitation.objects.filter(pk=invitation.pk, accepted__isnull=True).update(accepted=timezone.now())
    if not claimed:
        raise ValidationError(_("This invitation link no longer works."), code=USED)
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    audit_record(actor=user, action="accounts.invitation.accepted", target=user, data={"invitation": invitation.pk})
    return user
