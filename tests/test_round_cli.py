"""`naptrack round ...`: reporting rounds from the command line and the daily reminders from cron.

Every command exits 0 on success, 1 with a one-line reason on stderr when the round, the plan or
the state does not allow it (and then changes nothing), 2 for a usage error."""

from __future__ import annotations

import datetime as dt
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from naptrack import cli
from naptrack.accounts.models import User
from naptrack.audit.models import AuditEvent
from naptrack.reporting.models import Contribution, Reminder, Round
from naptrack.reporting.services import contribution_approve, contribution_save, contribution_submit, round_create
from tests.conftest import BE, contribution_of

pytestmark = pytest.mark.django_db

DEADLINE = dt.date(2015, 1, 31)  # the deadline of the annual_round fixture


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


class RefusingBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "mail.example.org is not answering")


def cli_actor() -> str:
    return cli._actor()


# --- help -----------------------------------------------------------------------------------------


def test_round_is_a_subcommand_of_naptrack(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "round" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "explains"),
    [
        (["round"], ["list", "create", "open", "close", "reopen", "publish", "remind", "--as USERNAME"]),
        (["round", "list"], ["--plan SLUG", "draft", "submitted", "approved"]),
        (["round", "create"], ["--plan SLUG", "--kind", "--year YEAR", "--deadline YYYY-MM-DD", "--intro", "--as"]),
        (["round", "open"], ["ROUND", "--plan SLUG --year YEAR", "e-mail", "--as USERNAME", "cli:"]),
        (["round", "close"], ["ROUND", "--plan SLUG --year YEAR", "--as USERNAME"]),
        (["round", "reopen"], ["ROUND", "--reason TEXT", "--as USERNAME"]),
        (["round", "publish"], ["ROUND", "--plan SLUG --year YEAR", "--as USERNAME"]),
        (["round", "remind"], ["--date", "--dry-run", "14 and 3 days", "cron", "one reminder a day about a round"]),
    ],
)
def test_every_round_command_has_help_that_explains_it(capsys, argv, explains):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps lines
    assert out.startswith(f"usage: naptrack {' '.join(argv)}")
    for words in explains:
        assert words in out


# --- list -----------------------------------------------------------------------------------------


def test_round_list_says_how_to_create_the_first_round(plan, capsys):
    code, out, err = run(capsys, "round", "list")
    assert (code, err) == (0, "")
    assert "no round yet; create one with: naptrack round create" in out


def test_round_list_counts_contributions_per_state(open_round, focal_defence, coordinator, capsys):
    submitted = contribution_of(open_round, "1.a", "defence")
    contribution_save(actor=focal_defence, contribution=submitted, version=1, data={"status": "in-progress"})
    contribution_submit(actor=focal_defence, contribution=submitted)
    approved = contribution_of(open_round, "3.b", "defence")
    contribution_save(actor=focal_defence, contribution=approved, version=1, data={"status": "completed"})
    contribution_submit(actor=focal_defence, contribution=approved)
    contribution_approve(actor=coordinator, contribution=approved)
    round_create(actor=coordinator, plan=open_round.plan, kind="baseline", year=2012, deadline=dt.date(2013, 6, 30))

    code, out, err = run(capsys, "round", "list")

    assert (code, err) == (0, "")
    header, annual, baseline = out.splitlines()
    assert header.split() == [
        "ID",
        "PLAN",
        "KIND",
        "YEAR",
        "DEADLINE",
        "STATE",
        "LINES",
        "DRAFT",
        "SUBMITTED",
        "RETURNED",
        "APPROVED",
    ]
    assert annual.split() == [
        str(open_round.pk),
        BE,
        "annual",
        "2014",
        "2015-01-31",
        "open",
        "195",
        "193",
        "1",
        "0",
        "1",
    ]
    assert baseline.split()[2:] == ["baseline", "2012", "2013-06-30", "draft", "0", "0", "0", "0", "0"]


def test_round_list_of_one_plan(annual_round, capsys):
    code, out, _ = run(capsys, "round", "list", "--plan", BE)
    assert code == 0
    assert len(out.splitlines()) == 2


def test_round_list_of_an_unknown_plan_fails(plan, capsys):
    code, out, err = run(capsys, "round", "list", "--plan", "nl-nap")
    assert (code, out) == (1, "")
    assert err == f"naptrack: no plan 'nl-nap'; plans in this installation: {BE}\n"


# --- create ---------------------------------------------------------------------------------------


def test_round_create_makes_a_draft_audited_as_the_command_line(plan, capsys):
    code, out, err = run(
        capsys,
        "round",
        "create",
        "--plan",
        BE,
        "--kind",
        "annual",
        "--year",
        "2015",
        "--deadline",
        "2016-02-15",
        "--intro",
        "Please report on **2015**.",
    )
    assert (code, err) == (0, "")
    round_ = Round.objects.get(plan=plan, kind="annual", year=2015)
    assert (round_.state, round_.deadline, round_.intro_en) == (
        "draft",
        dt.date(2016, 2, 15),
        "Please report on **2015**.",
    )
    assert out == (
        f"round {round_.pk} (Annual report 2015, {BE}) created as a draft, deadline 2016-02-15; "
        f"open it with: naptrack round open {round_.pk}\n"
    )
    event = AuditEvent.objects.for_target(round_).get(action="reporting.round.created")
    assert (event.actor, event.actor_name) == (None, cli_actor())
    assert event.actor_name.startswith("cli:")


def test_round_create_as_a_coordinator_is_audited_under_their_name(plan, coordinator, capsys):
    code, _, err = run(
        capsys,
        "round",
        "create",
        "--plan",
        BE,
        "--kind",
        "final",
        "--year",
        "2016",
        "--deadline",
        "2017-03-01",
        "--as",
        "coordinator",
    )
    assert (code, err) == (0, "")
    event = AuditEvent.objects.get(action="reporting.round.created", target_repr="Final review 2016")
    assert (event.actor, event.actor_name) == (coordinator, "coordinator")


def test_round_create_of_a_second_annual_round_for_the_same_year_fails(annual_round, capsys):
    code, out, err = run(
        capsys, "round", "create", "--plan", BE, "--kind", "annual", "--year", "2014", "--deadline", "2015-03-01"
    )
    assert (code, out) == (1, "")
    assert err.startswith("naptrack: year: This plan already has")
    assert len(err.splitlines()) == 1
    assert Round.objects.get().deadline == DEADLINE


def test_round_create_for_a_year_far_from_the_plan_fails(plan, capsys):
    code, out, err = run(
        capsys, "round", "create", "--plan", BE, "--kind", "annual", "--year", "1990", "--deadline", "1991-01-31"
    )
    assert (code, out) == (1, "")
    assert err == "naptrack: year: The year covered must lie between 2008 and 2021.\n"
    assert not Round.objects.exists()


def test_round_create_for_an_unknown_plan_fails(plan, capsys):
    code, _, err = run(
        capsys, "round", "create", "--plan", "be-nap", "--kind", "annual", "--year", "2014", "--deadline", "2015-01-31"
    )
    assert code == 1
    assert err == f"naptrack: no plan 'be-nap'; plans in this installation: {BE}\n"
    assert not Round.objects.exists()


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--kind", "annual", "--year", "2014", "--deadline", "31/01/2015"], "not a date in the form YYYY-MM-DD"),
        (["--kind", "annual", "--year", "2014", "--deadline", "2015-02-30"], "not a date in the form YYYY-MM-DD"),
        (["--kind", "yearly", "--year", "2014", "--deadline", "2015-01-31"], "invalid choice: 'yearly'"),
        (["--kind", "annual", "--year", "last", "--deadline", "2015-01-31"], "invalid int value: 'last'"),
        (["--kind", "annual", "--year", "2014"], "the following arguments are required: --deadline"),
    ],
)
def test_round_create_with_a_malformed_option_is_a_usage_error(plan, capsys, argv, reason):
    assert reason in usage_error(capsys, "round", "create", "--plan", BE, *argv)
    assert not Round.objects.exists()


# The 2014 annual round, as a command line that the tests below give an --as to.
CREATE_2014 = ("round", "create", "--plan", BE, "--kind", "annual", "--year", "2014", "--deadline", "2015-01-31")


def test_round_create_as_a_focal_point_is_refused(plan, focal_defence, capsys):
    code, _, err = run(capsys, *CREATE_2014, "--as", "focal-defence")
    assert code == 1
    assert err == "naptrack: focal-defence may not manage rounds: --as must name a coordinator\n"
    assert not Round.objects.exists()


def test_round_create_as_an_unknown_or_inactive_user_is_refused(plan, coordinator, capsys):
    User.objects.filter(pk=coordinator.pk).update(is_active=False)
    for name in ("nobody", "coordinator"):
        code, _, err = run(capsys, *CREATE_2014, "--as", name)
        assert code == 1
        assert err == f"naptrack: no active user {name!r}; 'naptrack user list' shows the accounts\n"
    assert not Round.objects.exists()


# --- open -----------------------------------------------------------------------------------------


def test_round_open_creates_the_contributions_and_mails_each_focal_point(
    annual_round, focal_defence, focal_justice, mailoutbox, capsys
):
    code, out, err = run(capsys, "round", "open", str(annual_round.pk))

    assert (code, err) == (0, "")
    assert out == (
        f"round {annual_round.pk} (Annual report 2014, {BE}) opened: 195 contributions created, "
        "2 e-mail(s) sent to focal points\n"
    )
    annual_round.refresh_from_db()
    assert annual_round.state == "open"
    assert Contribution.objects.filter(round=annual_round).count() == 195
    assert sorted(m.to[0] for m in mailoutbox) == ["focal-defence@example.org", "focal-justice@example.org"]
    event = AuditEvent.objects.for_target(annual_round).get(action="reporting.round.opened")
    assert event.actor_name == cli_actor()


def test_round_open_names_the_round_by_plan_year_and_kind(annual_round, coordinator, mailoutbox, capsys):
    mid_term = round_create(actor=coordinator, plan=annual_round.plan, kind="mid-term", year=2014, deadline=DEADLINE)

    code, out, err = run(capsys, "round", "open", "--plan", BE, "--year", "2014", "--kind", "mid-term")

    assert (code, err) == (0, "")
    assert "0 e-mail(s)" in out  # nobody to tell: no focal point has an account yet
    assert Round.objects.get(pk=mid_term.pk).state == "open"
    assert Round.objects.get(pk=annual_round.pk).state == "draft"
    code, out, err = run(capsys, "round", "open", "--plan", BE, "--year", "2014", "--as", "coordinator")
    assert (code, err) == (0, "")
    assert Round.objects.get(pk=annual_round.pk).state == "open"
    event = AuditEvent.objects.for_target(annual_round).get(action="reporting.round.opened")
    assert (event.actor, event.actor_name) == (coordinator, "coordinator")


def test_round_open_twice_fails_and_changes_nothing(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    code, out, err = run(capsys, "round", "open", str(open_round.pk))
    assert (code, out) == (1, "")
    assert err == "naptrack: The round is already open; only a draft round can be opened.\n"
    assert Contribution.objects.filter(round=open_round).count() == 195
    assert mailoutbox == []
    assert AuditEvent.objects.filter(action="reporting.round.opened").count() == 1


def test_round_open_of_an_unknown_round_fails(annual_round, capsys):
    code, out, err = run(capsys, "round", "open", str(annual_round.pk + 100))
    assert (code, out) == (1, "")
    assert err == f"naptrack: no round {annual_round.pk + 100}; 'naptrack round list' shows the rounds and their ids\n"

    code, out, err = run(capsys, "round", "open", "--plan", BE, "--year", "2015")
    assert (code, out) == (1, "")
    assert err == f"naptrack: plan {BE} has no annual round for 2015; its rounds: annual 2014 (id {annual_round.pk})\n"

    code, out, err = run(capsys, "round", "open", "--plan", "nl-nap", "--year", "2014")
    assert (code, out) == (1, "")
    assert err.startswith("naptrack: no plan 'nl-nap'")
    assert Round.objects.get().state == "draft"


def test_round_open_when_the_mail_server_is_down_opens_the_round_and_says_the_mails_failed(
    annual_round, focal_defence, settings, capsys
):
    settings.EMAIL_BACKEND = "tests.test_round_cli.RefusingBackend"
    code, out, err = run(capsys, "round", "open", str(annual_round.pk))
    assert code == 1
    assert "opened: 195 contributions created" in out
    assert err.startswith("naptrack: the round is open but the e-mails to focal points could not be sent:")
    assert "mail.example.org is not answering" in err
    assert Round.objects.get().state == "open"


@pytest.mark.parametrize("action", ["open", "close", "publish"])
@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        ([], "name the round: ROUND"),
        (["3", "--plan", BE, "--year", "2014"], "give either ROUND or --plan/--year/--kind, not both"),
        (["3", "--kind", "annual"], "give either ROUND or --plan/--year/--kind, not both"),
        (["--plan", BE], "--plan and --year go together"),
        (["--year", "2014"], "--plan and --year go together"),
        (["--plan", BE, "--year", "2014", "--kind", "yearly"], "invalid choice: 'yearly'"),
        (["annual-2014"], "not a round id: 'annual-2014'"),
        (["0"], "not a round id: '0'"),
    ],
)
def test_a_round_is_named_by_its_id_or_by_plan_and_year(annual_round, capsys, action, argv, reason):
    err = usage_error(capsys, "round", action, *argv)
    assert f"usage: naptrack round {action}" in err
    assert reason in err
    assert Round.objects.get().state == "draft"


# --- close, reopen, publish -----------------------------------------------------------------------


def test_round_close_reopen_close_publish(open_round, coordinator, capsys):
    name = f"round {open_round.pk} (Annual report 2014, {BE})"
    assert run(capsys, "round", "close", str(open_round.pk)) == (0, f"{name} closed\n", "")
    assert Round.objects.get().state == "closed"
    code, out, err = run(
        capsys, "round", "reopen", "--plan", BE, "--year", "2014", "--reason", "Justice needs a week more"
    )
    assert (code, out, err) == (0, f"{name} reopened\n", "")
    assert Round.objects.get().state == "open"
    assert run(capsys, "round", "close", str(open_round.pk), "--as", "coordinator")[0] == 0
    assert run(capsys, "round", "publish", str(open_round.pk)) == (0, f"{name} published\n", "")
    round_ = Round.objects.get()
    assert round_.state == "published" and round_.published_at is not None

    events = AuditEvent.objects.for_target(round_).order_by("pk")
    assert [(e.action, e.actor_name) for e in events if e.action != "reporting.round.created"] == [
        ("reporting.round.opened", "coordinator"),  # the fixture opened it through the service
        ("reporting.round.closed", cli_actor()),
        ("reporting.round.reopened", cli_actor()),
        ("reporting.round.closed", "coordinator"),
        ("reporting.round.published", cli_actor()),
        # Publishing stores the final reports, audited on the round too.
        ("publications.reports.published", cli_actor()),
    ]
    reopened = events.get(action="reporting.round.reopened")
    assert reopened.data["reason"] == "Justice needs a week more"


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        (["close"], "naptrack: The round is draft: this cannot be done now.\n"),
        (["publish"], "naptrack: The round is draft: this cannot be done now.\n"),
        (["reopen", "--reason", "late input"], "naptrack: The round is draft: this cannot be done now.\n"),
    ],
)
def test_a_transition_in_the_wrong_state_fails_and_changes_nothing(annual_round, capsys, argv, error):
    events = AuditEvent.objects.count()
    code, out, err = run(capsys, "round", argv[0], str(annual_round.pk), *argv[1:])
    assert (code, out, err) == (1, "", error)
    assert Round.objects.get().state == "draft"
    assert AuditEvent.objects.count() == events


def test_round_publish_of_an_open_round_fails(open_round, capsys):
    code, out, err = run(capsys, "round", "publish", str(open_round.pk))
    assert (code, out, err) == (1, "", "naptrack: The round is open: this cannot be done now.\n")
    assert Round.objects.get().state == "open"


def test_round_reopen_needs_a_reason(open_round, capsys):
    run(capsys, "round", "close", str(open_round.pk))
    assert "the following arguments are required: --reason" in usage_error(capsys, "round", "reopen", "1")
    code, out, err = run(capsys, "round", "reopen", str(open_round.pk), "--reason", "  ")
    assert (code, out, err) == (1, "", "naptrack: reason: Say why the round is reopened.\n")
    assert Round.objects.get().state == "closed"


def test_round_close_as_a_reader_is_refused(open_round, reader, capsys):
    code, out, err = run(capsys, "round", "close", str(open_round.pk), "--as", "reader")
    assert (code, out) == (1, "")
    assert err == "naptrack: reader may not manage rounds: --as must name a coordinator\n"
    assert Round.objects.get().state == "open"


# --- remind ---------------------------------------------------------------------------------------


def days_before_deadline(days: int) -> str:
    return (DEADLINE - dt.timedelta(days=days)).isoformat()


def test_round_remind_on_a_due_day_mails_each_focal_point_once(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    code, out, err = run(capsys, "round", "remind", "--date", days_before_deadline(14))
    assert (code, err) == (0, "")
    assert out == (
        f"2015-01-17: round {open_round.pk} (Annual report 2014, {BE}), deadline in 14 days: "
        "reminded focal-defence, focal-justice\n"
    )
    assert sorted(m.to[0] for m in mailoutbox) == ["focal-defence@example.org", "focal-justice@example.org"]
    assert Reminder.objects.filter(sent_on=dt.date(2015, 1, 17)).count() == 2


def test_round_remind_twice_the_same_day_sends_nothing_more(open_round, mailoutbox, capsys):
    run(capsys, "round", "remind", "--date", days_before_deadline(3))
    mailoutbox.clear()
    code, out, err = run(capsys, "round", "remind", "--date", days_before_deadline(3))
    assert (code, err) == (0, "")
    assert out.endswith(
        "deadline in 3 days: nobody to remind "
        "(2 focal point(s) with missing items, all already reminded of this round on 2015-01-28)\n"
    )
    assert mailoutbox == []
    assert Reminder.objects.count() == 2


def test_round_remind_tells_someone_in_two_rounds_due_the_same_day_of_both(
    open_round, plan, coordinator, mailoutbox, capsys
):
    from naptrack.reporting.services import round_open

    baseline = round_create(actor=coordinator, plan=plan, kind="baseline", year=2012, deadline=DEADLINE)
    baseline = round_open(actor=coordinator, round=baseline, notify=False)
    mailoutbox.clear()
    code, out, err = run(capsys, "round", "remind", "--date", days_before_deadline(3))
    assert (code, err) == (0, "")
    assert out.count("reminded focal-defence, focal-justice") == 2, out
    to_defence = [m for m in mailoutbox if m.to == ["focal-defence@example.org"]]
    assert sorted(m.subject.split(":")[1].split(",")[0].strip() for m in to_defence) == [
        "Annual report 2014",
        "Baseline 2012",
    ]
    assert Reminder.objects.filter(round=baseline).count() == Reminder.objects.filter(round=open_round).count() == 2

    mailoutbox.clear()
    code, out, _ = run(capsys, "round", "remind", "--date", days_before_deadline(3))
    assert out.count("all already reminded of this round on 2015-01-28") == 2
    assert mailoutbox == []


def test_round_remind_on_a_day_without_reminders_says_nothing_was_due(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    for day in ("2015-01-16", "2015-01-30", "2015-01-31", "2015-02-01", "2015-02-06"):
        code, out, err = run(capsys, "round", "remind", "--date", day)
        assert (code, out, err) == (0, f"{day}: no reminder due (1 open round(s))\n", "")
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_round_remind_weekly_after_the_deadline(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    code, out, _ = run(capsys, "round", "remind", "--date", "2015-02-14")
    assert code == 0
    assert "deadline passed 14 days ago: reminded focal-defence, focal-justice" in out
    assert len(mailoutbox) == 2


def test_round_remind_dry_run_says_who_and_sends_and_records_nothing(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    code, out, err = run(capsys, "round", "remind", "--date", days_before_deadline(14), "--dry-run")
    assert (code, err) == (0, "")
    assert out.endswith("deadline in 14 days: would remind focal-defence, focal-justice\n")
    assert mailoutbox == []
    assert not Reminder.objects.exists()


def test_round_remind_skips_rounds_that_are_not_open(annual_round, coordinator, mailoutbox, capsys):
    code, out, _ = run(capsys, "round", "remind", "--date", days_before_deadline(14))
    assert (code, out) == (0, "2015-01-17: no reminder due (0 open round(s))\n")


def test_round_remind_when_everything_is_in(open_round, mailoutbox, capsys):
    mailoutbox.clear()
    Contribution.objects.filter(round=open_round).update(state="submitted")
    code, out, _ = run(capsys, "round", "remind", "--date", days_before_deadline(3))
    assert code == 0
    assert out.endswith("deadline in 3 days: nobody to remind (nothing is missing)\n")
    assert mailoutbox == []


def test_round_remind_without_a_date_uses_today(plan, coordinator, focal_defence, mailoutbox, capsys):
    today = timezone.localdate()
    round_ = round_create(actor=coordinator, plan=plan, kind="annual", year=2015, deadline=today + dt.timedelta(days=3))
    assert run(capsys, "round", "open", str(round_.pk))[0] == 0
    mailoutbox.clear()
    code, out, _ = run(capsys, "round", "remind")
    assert code == 0
    assert out.startswith(f"{today.isoformat()}: round {round_.pk} ")
    assert out.endswith("deadline in 3 days: reminded focal-defence\n")
    assert Reminder.objects.get().sent_on == today


def test_round_remind_when_the_mail_server_is_down_fails_and_records_nobody(open_round, settings, capsys):
    settings.EMAIL_BACKEND = "tests.test_round_cli.RefusingBackend"
    code, out, err = run(capsys, "round", "remind", "--date", days_before_deadline(14))
    assert (code, out) == (1, "")
    assert "sending the reminders failed after 0 e-mail(s)" in err
    assert err.endswith("run again to retry\n")
    assert not Reminder.objects.exists()  # so the next run tries again
