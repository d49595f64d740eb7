"""E-mails to organisations: a round's invitation, and every moderation decision on their
assessments. Each in the organisation's (or the member's) language, through Django's mail backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from naptrack.accounts.models import User


def _message(address: str, language: str, template: str, context: dict) -> EmailMessage:
    with translation.override(language):
        body = render_to_string(f"civilsociety/email/{template}.txt", context)
        subject = render_to_string(f"civilsociety/email/{template}_subject.txt", context).strip()
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address], headers={"Content-Language": language})


def _members(organisation_id: int) -> list[User]:
    return list(User.objects.filter(membership__organisation_id=organisation_id, is_active=True).exclude(email=""))


def send_moderated(assessment_id: int) -> int:
    from naptrack.civilsociety.models import Assessment

    assessment = (
        Assessment.objects.select_related("organisation", "round", "action", "objective", "moderated_by")
        .filter(pk=assessment_id)
        .first()
    )
    if assessment is None:
        return 0
    base_url = getattr(settings, "NAPTRACK_BASE_URL", "").rstrip("/")
    messages = [
        _message(
            user.email,
            user.language or "en",
            "moderated",
            {"user": user, "assessment": assessment, "base_url": base_url},
        )
        for user in _members(assessment.organisation_id)
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def send_round_invitation(invitation_id: int) -> int:
    from naptrack.civilsociety.models import RoundInvitation

    invitation = RoundInvitation.objects.select_related("round__plan", "organisation").get(pk=invitation_id)
    organisation = invitation.organisation
    addresses = {u.email.lower(): u.email for u in _members(organisation.pk)}
    if organisation.contact_email:
        addresses.setdefault(organisation.contact_email.lower(), organisation.contact_email)
    base_url = getattr(settings, "NAPTRACK_BASE_URL", "").rstrip("/")
    context = {"invitation": invitation, "organisation": organisation, "round": invitation.round, "base_url": base_url}
    messages = [_message(address, invitation.language, "round_invitation", context) for address in addresses.values()]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
