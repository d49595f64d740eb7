"""E-mails to focal points about targeted questions: asked, returned for revision, due soon.
Each in the person's own language, through Django's mail backend."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.utils import translation

from naptrack.international.models import TargetedQuestion
from naptrack.reporting.notifications import focal_points_for


def _send(targeted_id: int, template: str) -> int:
    targeted = (
        TargetedQuestion.objects.select_related("department", "answer__question", "answer__request__framework")
        .filter(pk=targeted_id)
        .first()
    )
    if targeted is None:
        return 0
    base_url = getattr(settings, "NAPTRACK_BASE_URL", "").rstrip("/")
    messages = []
    for user in focal_points_for({targeted.department_id}):
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {"user": user, "targeted": targeted, "base_url": base_url}
            body = render_to_string(f"international/email/{template}.txt", context)
            subject = render_to_string(f"international/email/{template}_subject.txt", context).strip()
        messages.append(
            EmailMessage(
                subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers={"Content-Language": language}
            )
        )
    if messages:
        get_connection().send_messages(messages)
    return len(messages)


def send_asked(targeted_id: int) -> int:
    return _send(targeted_id, "asked")


def send_returned(targeted_id: int) -> int:
    return _send(targeted_id, "returned")


def send_reminder(targeted_id: int) -> int:
    return _send(targeted_id, "reminder")
