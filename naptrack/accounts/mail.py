"""E-mails about a person's account: an invitation, a link to reset a password.

Each goes out in the person's language. Links are built on NAPTRACK_BASE_URL, never on the Host
header of the request that caused them: a client chooses that header, and a link to another site
in a reset e-mail would hand it the reset key."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from naptrack.accounts.models import User


def link(user: User, url_name: str, *args: str) -> str:
    """The absolute address of a page, in the person's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        return settings.NAPTRACK_BASE_URL.rstrip("/") + reverse(url_name, args=args)


def send(user: User, kind: str, context: dict) -> None:
    """Send the e-mail `accounts/email/<kind>.txt` to the person, in their language; its subject
    is chosen by kind in accounts/email/subject.txt."""
    language = user.language or settings.LANGUAGE_CODE
    context = {**context, "user": user, "kind": kind, "site_name": settings.SITE_NAME}
    with translation.override(language):
        body = render_to_string(f"accounts/email/{kind}.txt", context)
        subject = " ".join(render_to_string("accounts/email/subject.txt", context).split())
    # Content-Language says which language the mail is in, for mail clients and screen readers.
    message = EmailMessage(
        subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers={"Content-Language": language}
    )
    message.send()


def prints_to_console() -> bool:
    """Whether e-mails are written to standard output rather than sent (the default set-up),
    so that the command line shows the link itself."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
