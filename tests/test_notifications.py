"""E-mails to focal points: when a round opens, when a contribution comes back, before and after
the deadline. Each person gets their own lines, in their own language, at most one reminder a day
about each round."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import formats, translation
from django.utils.translation import gettext

from naptrack.accounts.services import user_create
from naptrack.plans.models import Responsibility
from naptrack.reporting import notifications
from naptrack.reporting.models import Contribution, Reminder
from naptrack.reporting.services import (
    contribution_approve,
    contribution_return,
    contribution_save,
    contribution_submit,
    round_create,
    round_open,
)
from tests.conftest import contribution_of

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2015, 1, 31)  # the deadline of the annual_round fixture
INTERIOR_UNITS = ("interior-federal-police", "interior-cgrs", "interior-office-for-foreigners", "interior-fedasil")
LINE = re.compile(r"^- (\S+) \(([^)]*)\)", re.MULTILINE)


@pytest.fixture
def focal_interior(plan):
    return user_create(
        actor="tests",
        username="focal-interior",
        role="focal-point",
        password="correct horse battery staple",
        department_code="interior",
        email="focal-interior@example.org",
        check_password=False,
    )


def lines_of(plan, *departments: str) -> set[tuple[str, str]]:
    """(line code, department name) of every line the plan gives these departments."""
    return {
        (r.action.code, r.department.name)
        for r in Responsibility.objects.filter(action__plan=plan, department__code__in=departments).select_related(
            "action", "department"
        )
    }


def listed(message) -> set[tuple[str, str]]:
    return set(LINE.findall(message.body))


def mail_to(outbox, user):
    mails = [m for m in outbox if m.to == [user.email]]
    assert len(mails) == 1, f"{user.username} got {len(mails)} e-mails"
    return mails[0]


def in_language(language: str, deadline: dt.date = DEADLINE) -> str:
    with translation.override(language):
        return formats.date_format(deadline, "DATE_FORMAT")


def submit(contribution: Contribution, focal_point) -> Contribution:
    contribution = contribution_save(
        actor=focal_point,
        contribution=contribution,
        version=contribution.version,
        data={"status": "in-progress", "narrative": "Two trainings on resolution 1325."},
    )
    return contribution_submit(actor=focal_point, contribution=contribution)


# --- a round opens --------------------------------------------------------------------------------


@pytest.fixture
def opened(
    annual_round,
    coordinator,
    focal_defence,
    focal_justice,
    focal_interior,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=coordinator, round=annual_round)
    return annual_round


def test_opening_a_round_mails_nothing_before_the_transaction_commits(
    annual_round, coordinator, focal_defence, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        round_open(actor=coordinator, round=annual_round)
    assert mailoutbox == []
    assert len(callbacks) == 1


def test_each_focal_point_gets_one_email_listing_exactly_their_lines(
    opened, plan, focal_defence, focal_justice, mailoutbox
):
    assert len(mailoutbox) == 3
    defence = mail_to(mailoutbox, focal_defence)
    assert listed(defence) == lines_of(plan, "defence")
    assert len(LINE.findall(defence.body)) == 37  # each line once
    justice = mail_to(mailoutbox, focal_justice)
    assert listed(justice) == lines_of(plan, "justice")
    assert len(listed(justice)) == 15


def test_the_opening_email_gives_the_round_and_the_deadline(opened, focal_defence, mailoutbox):
    message = mail_to(mailoutbox, focal_defence)
    assert message.subject == "[naptrack] Annual report 2014: please report by 31 January 2015"
    assert "31 January 2015" in message.body
    assert '"Annual report 2014"' in message.body
    assert "http://127.0.0.1:8000/work/" in message.body
    assert message.extra_headers["Content-Language"] == "en"


def test_the_lines_are_listed_in_plan_order(opened, focal_defence, mailoutbox):
    codes = [code for code, _ in LINE.findall(mail_to(mailoutbox, focal_defence).body)]
    assert codes[:4] == ["1.a", "3.b", "5.a", "5.b"]


def test_the_focal_point_of_interior_also_gets_the_lines_of_its_units(opened, plan, focal_interior, mailoutbox):
    lines = listed(mail_to(mailoutbox, focal_interior))
    assert lines == lines_of(plan, "interior", *INTERIOR_UNITS)
    assert ("6.a", "Federal Police") in lines
    assert ("6.a", "Interior") not in lines  # 6.a is the Federal Police's line, not Interior's own
    assert len(lines) == 13 + 7 + 2 + 2 + 1


def test_a_focal_point_who_reads_french_gets_the_email_in_french(
    annual_round, coordinator, focal_defence, mailoutbox, django_capture_on_commit_callbacks
):
    focal_defence.language = "fr"
    focal_defence.save()
    translation.activate("en")
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=coordinator, round=annual_round)

    message = mail_to(mailoutbox, focal_defence)
    assert message.extra_headers["Content-Language"] == "fr"
    assert in_language("fr") == "31 janvier 2015"
    assert "31 janvier 2015" in message.subject
    assert "31 janvier 2015" in message.body
    assert "http://127.0.0.1:8000/fr/work/" in message.body
    # The wording is French once the catalogs translate it; until then it is the English source.
    with translation.override("fr"):
        assert gettext("Thank you.") in message.body
        assert gettext("Log in to naptrack to enter your contributions:") in message.body
        # Departments by their names in the mail's language: Défense.
        assert listed(message) == lines_of(annual_round.plan, "defence")
    assert translation.get_language() == "en"  # the mail's language did not leak into the caller's


def test_nobody_without_an_email_address_or_inactive_is_mailed(
    annual_round, coordinator, focal_defence, focal_justice, mailoutbox, django_capture_on_commit_callbacks
):
    focal_defence.email = ""
    focal_defence.save()
    focal_justice.is_active = False
    focal_justice.save()
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=coordinator, round=annual_round)
    assert mailoutbox == []


def test_the_round_introduction_is_in_the_opening_email(
    plan, coordinator, focal_justice, mailoutbox, django_capture_on_commit_callbacks
):
    round_ = round_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        year=2014,
        deadline=dt.date(2014, 11, 30),
        intro="Also say what civil society told you.",
    )
    with django_capture_on_commit_callbacks(execute=True):
        round_open(actor=coordinator, round=round_)
    assert "Also say what civil society told you." in mail_to(mailoutbox, focal_justice).body


# --- a contribution comes back --------------------------------------------------------------------


def test_a_returned_contribution_mails_the_note_to_its_focal_point(
    open_round, coordinator, focal_defence, focal_justice, mailoutbox, django_capture_on_commit_callbacks
):
    contribution = submit(contribution_of(open_round, "1.a", "defence"), focal_defence)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contribution_return(
            actor=coordinator, contribution=contribution, note="Give the number of women trained, please."
        )

    assert len(mailoutbox) == 1
    message = mail_to(mailoutbox, focal_defence)
    assert message.subject == "[naptrack] Line 1.a was returned for revision"
    assert "Give the number of women trained, please." in message.body
    assert f"http://127.0.0.1:8000/work/contributions/{contribution.pk}/" in message.body


def test_a_unit_returned_contribution_reaches_the_focal_point_of_interior(
    open_round, coordinator, focal_interior, mailoutbox, django_capture_on_commit_callbacks
):
    contribution = submit(contribution_of(open_round, "6.a", "interior-federal-police"), focal_interior)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        contribution_return(actor=coordinator, contribution=contribution, note="Which police zones?")
    assert "Which police zones?" in mail_to(mailoutbox, focal_interior).body


# --- reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "due"),
    [
        (15, False),
        (14, True),
        (13, False),
        (4, False),
        (3, True),
        (2, False),
        (1, False),
        (0, False),  # the deadline itself: the reminder of 3 days before was the last one
        (-1, False),
        (-6, False),
        (-7, True),
        (-8, False),
        (-13, False),
        (-14, True),
        (-21, True),
    ],
)
def test_reminders_are_due_14_and_3_days_before_the_deadline_then_weekly(annual_round, days_before, due):
    assert notifications.reminder_due(annual_round, DEADLINE - dt.timedelta(days=days_before)) is due


def test_a_reminder_lists_only_the_missing_items(open_round, coordinator, focal_defence, mailoutbox):
    submitted = submit(contribution_of(open_round, "1.a", "defence"), focal_defence)
    approved = submit(contribution_of(open_round, "3.b", "defence"), focal_defence)
    contribution_approve(actor=coordinator, contribution=approved)
    returned = submit(contribution_of(open_round, "5.a", "defence"), focal_defence)
    contribution_return(actor=coordinator, contribution=returned, note="Which missions?")
    mailoutbox.clear()

    today = DEADLINE - dt.timedelta(days=3)
    assert notifications.remind(open_round, today=today) == ["focal-defence", "focal-justice"]

    message = mail_to(mailoutbox, focal_defence)
    lines = listed(message)
    assert lines == lines_of(open_round.plan, "defence") - {("1.a", "Defence"), ("3.b", "Defence")}
    assert ("5.a", "Defence") in lines
    assert submitted.action.code not in {code for code, _ in lines}
    assert "- 5.a (Defence) - returned for revision" in message.body
    assert "35 contributions are still missing" in message.body
    assert "in 3 days" in message.body
    assert message.subject == "[naptrack] Reminder: Annual report 2014, deadline 31 January 2015"
    assert message.extra_headers["Content-Language"] == "en"


def test_a_reminder_after_the_deadline_says_it_has_passed(open_round, focal_justice, mailoutbox):
    mailoutbox.clear()
    notifications.remind(open_round, today=DEADLINE + dt.timedelta(days=7))
    body = mail_to(mailoutbox, focal_justice).body
    assert 'The deadline of "Annual report 2014" was 31 January 2015.' in body
    assert "15 contributions are still missing" in body


def test_a_focal_point_is_reminded_at_most_once_a_day(open_round, focal_defence, mailoutbox):
    mailoutbox.clear()
    today = DEADLINE - dt.timedelta(days=14)
    assert notifications.remind(open_round, today=today) == ["focal-defence", "focal-justice"]
    assert notifications.remind(open_round, today=today) == []
    assert notifications.pending_reminders(open_round, today=today) == {}
    assert len(mailoutbox) == 2
    assert notifications.remind(open_round, today=today + dt.timedelta(days=1)) == ["focal-defence", "focal-justice"]
    assert len(mailoutbox) == 4


def test_a_reminder_is_sent_outside_any_transaction_and_a_failed_one_is_sent_again(
    open_round, focal_defence, mailoutbox, monkeypatch
):
    from django.core.mail.backends.locmem import EmailBackend
    from django.db import connection

    mailoutbox.clear()
    today = DEADLINE - dt.timedelta(days=14)
    real = EmailBackend.send_messages
    seen = []

    def refusing(self, messages):
        # A mail server that does not answer: no transaction of remind's may be open meanwhile
        # (inside the test's own, each would add a savepoint).
        seen.append(list(connection.savepoint_ids))
        raise TimeoutError("the mail server did not answer")

    monkeypatch.setattr(EmailBackend, "send_messages", refusing)
    outside = list(connection.savepoint_ids)
    with pytest.raises(TimeoutError):
        notifications.remind(open_round, today=today)
    assert seen == [outside] and not Reminder.objects.exists(), "the failed sending took its record back"
    monkeypatch.setattr(EmailBackend, "send_messages", real)
    assert notifications.remind(open_round, today=today) == ["focal-defence", "focal-justice"]
    assert len(mailoutbox) == 2 and Reminder.objects.count() == 2


def test_two_open_rounds_due_the_same_day_each_send_their_reminder_once(
    open_round, coordinator, focal_defence, mailoutbox
):
    # Each e-mail lists one round's missing lines: a limit across rounds would hide the second.
    mid_term = round_create(actor=coordinator, plan=open_round.plan, kind="mid-term", year=2014, deadline=DEADLINE)
    round_open(actor=coordinator, round=mid_term)
    mailoutbox.clear()
    today = DEADLINE - dt.timedelta(days=3)
    assert notifications.remind(open_round, today=today) == ["focal-defence", "focal-justice"]
    assert notifications.remind(mid_term, today=today) == ["focal-defence", "focal-justice"]
    assert notifications.remind(mid_term, today=today) == []
    subjects = sorted(m.subject for m in mailoutbox if m.to == [focal_defence.email])
    assert len(subjects) == 2 and "Annual report 2014" in subjects[0] and "Mid-term" in subjects[1], subjects
    assert Reminder.objects.filter(sent_on=today).count() == 4


def test_nobody_with_nothing_missing_is_reminded(open_round, focal_defence, focal_justice, mailoutbox):
    Contribution.objects.filter(round=open_round, department__code="justice").update(state="submitted")
    mailoutbox.clear()
    assert notifications.remind(open_round, today=DEADLINE - dt.timedelta(days=3)) == ["focal-defence"]
    assert [m.to for m in mailoutbox] == [[focal_defence.email]]
    assert not Reminder.objects.filter(user=focal_justice).exists()


def test_the_focal_point_of_interior_is_reminded_of_its_units_items(open_round, plan, focal_interior, mailoutbox):
    mailoutbox.clear()
    notifications.remind(open_round, today=DEADLINE - dt.timedelta(days=14))
    assert listed(mail_to(mailoutbox, focal_interior)) == lines_of(plan, "interior", *INTERIOR_UNITS)


def test_a_reminder_is_in_the_focal_points_language(open_round, focal_defence, mailoutbox):
    focal_defence.language = "fr"
    focal_defence.save()
    mailoutbox.clear()
    notifications.remind(open_round, today=DEADLINE - dt.timedelta(days=14))
    message = mail_to(mailoutbox, focal_defence)
    assert message.extra_headers["Content-Language"] == "fr"
    assert "31 janvier 2015" in message.subject
    with translation.override("fr"):
        assert listed(message) == lines_of(open_round.plan, "defence")
