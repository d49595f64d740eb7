"""`naptrack round`: create, open, close, reopen and publish reporting rounds; import past ones; send
reminders."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from naptrack.cli.common import (
    Failure,
    check_round_selector,
    describe,
    iso_date,
    plan_named,
    print_table,
    round_actor,
    round_id,
    round_named,
    validation_lines,
)

if TYPE_CHECKING:
    from naptrack.reporting.models import Round

ROUND_KINDS = ("baseline", "annual", "mid-term", "final")

ROUND_NAMING = (
    "Name the round by its id (the ID column of 'naptrack round list'), or by --plan SLUG --year YEAR "
    "[--kind KIND], KIND being annual unless given."
)
ROUND_ACTOR = (
    "The change is made and audited as 'cli:<your login name>', the installation acting through its "
    "command line; give --as USERNAME to act as (and be recorded as) a coordinator instead."
)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    round_parser = commands.add_parser(
        "round",
        help="create, open, close and publish reporting rounds; send reminders",
        description="Reporting rounds: a round asks every responsible department to report on its lines "
        f"of action by a deadline. {ROUND_NAMING} {ROUND_ACTOR}",
    )
    round_commands = round_parser.add_subparsers(dest="round_command", metavar="ACTION", required=True)

    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this coordinator (checked against their permissions, named in the audit trail) "
        "instead of as 'cli:<your login name>'",
    )
    naming = argparse.ArgumentParser(add_help=False)
    naming.add_argument("round", metavar="ROUND", nargs="?", type=round_id, help="the round's id")
    naming.add_argument("--plan", metavar="SLUG", help="the plan's slug (with --year, instead of ROUND)")
    naming.add_argument("--year", metavar="YEAR", type=int, help="the year the round covers (with --plan)")
    naming.add_argument("--kind", choices=ROUND_KINDS, help="the round's kind (with --plan; default: annual)")

    round_list = round_commands.add_parser(
        "list",
        help="list the rounds with their state and how many contributions are in each state",
        description="List the reporting rounds: id, plan, kind, year covered, deadline, state, and the "
        "number of contributions (LINES: one per line of action and responsible department) that are "
        "draft, submitted, returned for revision and approved.",
    )
    round_list.add_argument("--plan", metavar="SLUG", help="only the rounds of this plan")
    round_list.set_defaults(func=cmd_round_list)

    create = round_commands.add_parser(
        "create",
        parents=[acting],
        help="create a reporting round (a draft, to open later)",
        description="Create a reporting round as a draft: nothing is asked of anyone until it is opened "
        f"with 'naptrack round open'. A plan has at most one round of a kind per year. {ROUND_ACTOR}",
    )
    create.add_argument("--plan", metavar="SLUG", required=True, help="the plan's slug, as 'naptrack plan list' shows")
    create.add_argument("--kind", choices=ROUND_KINDS, required=True, help="the kind of round")
    create.add_argument("--year", metavar="YEAR", type=int, required=True, help="the year the round reports on")
    create.add_argument(
        "--deadline", metavar="YYYY-MM-DD", type=iso_date, required=True, help="the submission deadline"
    )
    create.add_argument("--intro", metavar="TEXT", help="an introduction for the focal points (Markdown, English)")
    create.set_defaults(func=cmd_round_create)

    transitions = [
        (
            "open",
            cmd_round_open,
            "open a draft round and e-mail the focal points",
            "Open a draft round: create one contribution per line of action and responsible department, "
            "and e-mail each focal point (through EMAIL_BACKEND) the lines they report on and the deadline. "
            "Prints how many contributions were created and how many e-mails went out.",
        ),
        (
            "close",
            cmd_round_close,
            "close an open round (no more input; review goes on)",
            "Close an open round: focal points can no longer edit; the coordinator can still review.",
        ),
        (
            "reopen",
            cmd_round_reopen,
            "reopen a closed round, saying why",
            "Reopen a closed round so that departments can report again; the reason is kept in the audit trail.",
        ),
        (
            "publish",
            cmd_round_publish,
            "publish a closed round (final: it cannot be changed afterwards)",
            "Publish a closed round: its approved public contributions become the published report.",
        ),
    ]
    for name, func, summary, description in transitions:
        reason = " --reason TEXT" if name == "reopen" else ""
        example = f"naptrack round {name} 3{reason}; naptrack round {name} --plan be-nap-2013-2016 --year 2014{reason}"
        sub = round_commands.add_parser(
            name,
            parents=[naming, acting],
            help=summary,
            description=f"{description} {ROUND_NAMING} For example: {example}. {ROUND_ACTOR} "
            "A round in the wrong state is left unchanged and the command fails with the reason.",
        )
        if name == "reopen":
            sub.add_argument("--reason", metavar="TEXT", required=True, help="why the round is reopened")
        sub.set_defaults(func=func, validate=lambda args, sub=sub: check_round_selector(sub, args))

    # A past report read from its document into a round (cli/round_import.py).
    from naptrack.cli import round_import

    round_import.add_parser(round_commands, acting)

    remind = round_commands.add_parser(
        "remind",
        help="e-mail reminders to focal points with missing contributions (for cron)",
        description="For every open round, e-mail reminders 14 and 3 days before its deadline and every "
        "7 days after it: one e-mail per focal point listing their contributions still draft or returned. "
        "Nobody gets more than one reminder a day about a round, so running it several times a day is harmless. "
        "Run it daily from cron, e.g.: 0 8 * * * naptrack round remind",
    )
    remind.add_argument(
        "--date", metavar="YYYY-MM-DD", type=iso_date, help="act as if today were this date (default: today)"
    )
    remind.add_argument("--dry-run", action="store_true", help="say who would be reminded; send and record nothing")
    remind.set_defaults(func=cmd_round_remind)
    return round_parser


def _round_failure(exc: Exception) -> Failure:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return Failure(*validation_lines(exc))
    return Failure(str(exc) or type(exc).__name__)


def cmd_round_list(args: argparse.Namespace) -> None:
    from naptrack.reporting.models import Round

    rounds = Round.objects.select_related("plan").with_counts()
    if args.plan:
        rounds = rounds.filter(plan=plan_named(args.plan))
    rounds = rounds.order_by("plan__slug", "-year", "kind")
    if not rounds:
        print(
            "no round yet; create one with: naptrack round create --plan SLUG --kind annual --year YEAR "
            "--deadline YYYY-MM-DD"
        )
        return
    rows = [("ID", "PLAN", "KIND", "YEAR", "DEADLINE", "STATE", "LINES", "DRAFT", "SUBMITTED", "RETURNED", "APPROVED")]
    rows += [
        (
            str(r.pk),
            r.plan.slug,
            r.kind,
            str(r.year),
            r.deadline.isoformat(),
            r.state,
            str(r.n_contributions),
            str(r.n_draft),
            str(r.n_submitted),
            str(r.n_returned),
            str(r.n_approved),
        )
        for r in rounds
    ]
    print_table(rows)


def cmd_round_create(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting.services import round_create

    plan = plan_named(args.plan)
    actor = round_actor(args)
    try:
        round_ = round_create(
            actor=actor, plan=plan, kind=args.kind, year=args.year, deadline=args.deadline, intro=args.intro or ""
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _round_failure(exc) from None
    print(
        f"{describe(round_)} created as a draft, deadline {round_.deadline.isoformat()}; "
        f"open it with: naptrack round open {round_.pk}"
    )


def cmd_round_open(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting import notifications
    from naptrack.reporting.services import WorkflowError, round_open

    round_ = round_named(args)
    actor = round_actor(args)
    try:
        # The e-mails are sent here rather than by the service after its commit, to count them.
        round_ = round_open(actor=actor, round=round_, notify=False)
    except (ValidationError, PermissionDenied, WorkflowError) as exc:
        raise _round_failure(exc) from None
    contributions = round_.contributions.count()
    try:
        sent = notifications.round_opened(round_)
    except OSError as exc:  # the mail server's refusal (smtplib's errors are OSErrors): the round stays open
        print(f"{describe(round_)} opened: {contributions} contributions created")
        raise Failure(
            f"the round is open but the e-mails to focal points could not be sent: {exc}",
        ) from None
    print(f"{describe(round_)} opened: {contributions} contributions created, {sent} e-mail(s) sent to focal points")


def _round_transition(args: argparse.Namespace, service: Callable[..., Round], done: str, **extra: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting.services import WorkflowError

    round_ = round_named(args)
    actor = round_actor(args)
    try:
        round_ = service(actor=actor, round=round_, **extra)
    except (ValidationError, PermissionDenied, WorkflowError) as exc:
        raise _round_failure(exc) from None
    print(f"{describe(round_)} {done}")


def cmd_round_close(args: argparse.Namespace) -> None:
    from naptrack.reporting.services import round_close

    _round_transition(args, round_close, "closed")


def cmd_round_reopen(args: argparse.Namespace) -> None:
    from naptrack.reporting.services import round_reopen

    _round_transition(args, round_reopen, "reopened", reason=args.reason)


def cmd_round_publish(args: argparse.Namespace) -> None:
    # Publishing spans apps (the round's state, its reports, the search index, the cache): the
    # portal, above them all, owns it.
    from naptrack.portal.publishing import round_publish

    _round_transition(args, round_publish, "published")


def cmd_round_remind(args: argparse.Namespace) -> None:
    from django.utils import timezone

    from naptrack.reporting import notifications
    from naptrack.reporting.models import Reminder, Round

    today = args.date or timezone.localdate()
    open_rounds = list(Round.objects.filter(state="open").select_related("plan").order_by("deadline", "pk"))
    due = [r for r in open_rounds if notifications.reminder_due(r, today)]
    if not due:
        print(f"{today.isoformat()}: no reminder due ({len(open_rounds)} open round(s))")
        return
    for round_ in due:
        days_left = (round_.deadline - today).days
        when = f"deadline in {days_left} days" if days_left > 0 else f"deadline passed {-days_left} days ago"
        heading = f"{today.isoformat()}: {describe(round_)}, {when}"
        if args.dry_run:
            names = [u.username for u in notifications.pending_reminders(round_, today=today)]
            verb = "would remind"
        else:
            try:
                names = notifications.remind(round_, today=today)
            except OSError as exc:  # the mail server's refusal: who got theirs is in the Reminder rows
                sent = Reminder.objects.filter(round=round_, sent_on=today).count()
                raise Failure(
                    f"{heading}: sending the reminders failed after {sent} e-mail(s): {exc}; run again to retry"
                ) from None
            verb = "reminded"
        if names:
            print(f"{heading}: {verb} {', '.join(names)}")
            continue
        print(f"{heading}: nobody to remind ({_why_nobody(round_, today)})")


def _why_nobody(round_: Round, today: dt.date) -> str:
    from naptrack.reporting import notifications

    missing = set(round_.contributions.missing().values_list("department_id", flat=True))
    if not missing:
        return "nothing is missing"
    people = notifications.focal_points_for(missing)
    if not people:
        return "no active focal point with an e-mail address reports on what is missing"
    # At most one reminder a person a day about each round.
    return f"{len(people)} focal point(s) with missing items, all already reminded of this round on {today.isoformat()}"
