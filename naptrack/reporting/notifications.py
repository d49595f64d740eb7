"""E-mails to focal points: a round opens, a contribution comes back, a deadline nears.

Each person gets their mail in their own language, and at most one reminder a day about each round."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from naptrack.accounts.models import Role, User
from naptrack.plans.models import Department
from naptrack.reporting.models import Contribution, Reminder, Round

REMIND_DAYS_BEFORE = (14, 3)


def focal_points_for(department_ids: set[int]) -> list[User]:
    """Active focal points who report for any of these departments: their own members and those
    of the parent department (a focal point of Interior also answers for its units)."""
    parents = set(
        Department.objects.filter(pk__in=department_ids, parent__isnull=False).values_list("parent_id", flat=True)
    )
    return list(
        User.objects.filter(groups__name=Role.FOCAL_POINT, is_active=True)
        .filter(Q(department_id__in=department_ids) | Q(department_id__in=parents))
        .exclude(email="")
        .select_related("department")
        .distinct()
        .order_by("username")
    )


def _family(user: User) -> set[int]:
    from naptrack.accounts.rules import department_ids

    return set(department_ids(user))


def _base_url() -> str:
    return getattr(settings, "NAPTRACK_BASE_URL", "").rstrip("/")


def _message(user: User, template: str, subject: str, context: dict) -> EmailMessage:
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string(template, {**context, "user": user, "base_url": _base_url()})
        subject_text = render_to_string("reporting/email/subject.txt", {"subject": subject, **context}).strip()
    # Says which language the mail is in, for mail clients and screen readers (RFC 3282).
    return EmailMessage(
        subject_text, body, settings.DEFAULT_FROM_EMAIL, [user.email], headers={"Content-Language": language}
    )


def _items_by_user(round_: Round, contributions) -> dict[User, list[Contribution]]:
    by_department: dict[int, list[Contribution]] = defaultdict(list)
    for c in contributions:
        by_department[c.department_id].append(c)
    result: dict[User, list[Contribution]] = {}
    for user in focal_points_for(set(by_department)):
        items = [c for dept in sorted(_family(user)) for c in by_department.get(dept, [])]
        if items:
            result[user] = sorted(items, key=lambda c: (c.action.goal.number, c.action.position, c.department.code))
    return result


def round_opened(round_: Round) -> int:
    """Tell each focal point which lines they report on, and the deadline."""
    contributions = Contribution.objects.filter(round=round_).with_context()
    messages = [
        _message(user, "reporting/email/round_opened.txt", "round_opened", {"round": round_, "items": items})
        for user, items in _items_by_user(round_, contributions).items()
    ]
    return get_connection().send_messages(messages) or 0


def contribution_returned(contribution: Contribution) -> int:
    users = focal_points_for({contribution.department_id})
    messages = [
        _message(
            u, "reporting/email/returned.txt", "returned", {"round": contribution.round, "contribution": contribution}
        )
        for u in users
    ]
    return get_connection().send_messages(messages) or 0


def remind(round_: Round, *, department_ids: set[int] | None = None, today: dt.date | None = None) -> list[str]:
    """Send each focal point one e-mail listing their missing items (draft or returned) in the round.
    Nobody gets more than one reminder a day about a round. Returns the usernames reminded."""
    today = today or timezone.localdate()
    sent = []
    connection = get_connection()
    for user, items in pending_reminders(round_, department_ids=department_ids, today=today).items():
        # The reminder is recorded first, then sent outside any transaction: a slow mail server
        # (EMAIL_TIMEOUT bounds it) never holds a database lock, which on SQLite is everyone's
        # write lock. A sending that fails takes its record back, so that the next attempt
        # writes to this person again.
        message = _message(
            user,
            "reporting/email/reminder.txt",
            "reminder",
            {"round": round_, "items": items, "today": today, "days_left": (round_.deadline - today).days},
        )
        message.connection = connection
        try:
            with transaction.atomic():
                reminder = Reminder.objects.create(user=user, round=round_, sent_on=today)
        except IntegrityError:
            continue  # already reminded of this round today
        try:
            message.send()
        except BaseException:
            Reminder.objects.filter(pk=reminder.pk).delete()
            raise
        sent.append(user.username)
    return sent


def pending_reminders(
    round_: Round, *, department_ids: set[int] | None = None, today: dt.date | None = None
) -> dict[User, list[Contribution]]:
    """Who remind() would write to on `today`, with their missing items: the focal points with
    something missing who were not reminded of this round that day yet. Lets a dry run say what
    would happen."""
    today = today or timezone.localdate()
    missing = Contribution.objects.filter(round=round_).missing().with_context()
    if department_ids is not None:
        missing = missing.filter(department_id__in=department_ids)
    reminded = set(Reminder.objects.filter(round=round_, sent_on=today).values_list("user_id", flat=True))
    return {user: items for user, items in _items_by_user(round_, missing).items() if user.pk not in reminded}


def reminder_due(round_: Round, today: dt.date) -> bool:
    """14 and 3 days before the deadline, then every week after it."""
    days_left = (round_.deadline - today).days
    if days_left in REMIND_DAYS_BEFORE:
        return True
    return days_left < 0 and (-days_left) % 7 == 0
