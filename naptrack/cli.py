"""The `naptrack` command: one entry point, a subcommand per job.

Each subcommand exits 0 on success; on failure it prints a one-line reason to stderr (one line
per problem when a file has several) and exits 1. Usage errors exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROLES = ("coordinator", "focal-point", "reader")
EXPORT_FORMATS = ("json", "csv", "xlsx")
BUNDLED_PLANS = Path(__file__).resolve().parent / "data" / "plans"
DEFAULT_PLAN_FILE = BUNDLED_PLANS / "be-nap-2013-2016.json"


class Failure(Exception):
    """A command failed for a reason the user can act on; each line is printed on stderr."""

    def __init__(self, *lines: str):
        self.lines = lines or ("failed",)
        super().__init__(lines[0] if lines else "failed")


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("en")


def _migrate() -> None:
    """Bring the database schema up to date, so that any command works on a fresh data
    directory; a no-op when nothing is pending."""
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _actor() -> str:
    try:
        who = getpass.getuser()
    except Exception:
        who = "unknown"
    return f"cli:{who}"


# --- plan -----------------------------------------------------------------------------------------


def _read_plan_file(path: str) -> dict:
    from naptrack.plans import interchange

    try:
        raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as exc:
        raise Failure(f"cannot read {path}: {exc.strerror}") from None
    try:
        return interchange.parse(raw)
    except interchange.PlanFormatError as exc:
        raise Failure(
            f"{path} is not a valid naptrack-plan/1 file ({len(exc.problems)} problem(s)); nothing was loaded",
            *exc.problems,
        ) from None


def cmd_plan_load(args: argparse.Namespace) -> None:
    from naptrack.plans.services import PlanLoadError, plan_load

    document = _read_plan_file(args.file)
    if args.check:
        print(f"{args.file}: valid naptrack-plan/1 document for plan {document['slug']}")
        return
    try:
        summary = plan_load(actor=_actor(), document=document)
    except PlanLoadError as exc:
        raise Failure(f"{exc}; nothing was loaded") from None
    counts = summary.counts
    verb = "created" if summary.created else "updated"
    print(
        f"plan {summary.plan.slug} {verb}: {counts['objectives']} objectives, {counts['goals']} goals, "
        f"{counts['actions']} lines of action, {counts['instruments']} instruments, "
        f"{counts['departments']} departments "
        f"({summary.changes['created']} rows created, {summary.changes['updated']} updated, "
        f"{summary.changes['deleted']} deleted)"
    )


def cmd_plan_list(args: argparse.Namespace) -> None:
    from django.db.models import Count

    from naptrack.plans.models import Plan

    plans = Plan.objects.annotate(
        n_objectives=Count("objectives", distinct=True),
        n_goals=Count("goals", distinct=True),
        n_actions=Count("actions", distinct=True),
    ).order_by("-period_end", "slug")
    if not plans:
        print("no plan loaded; load one with: naptrack plan load FILE")
        return
    rows = [("SLUG", "PERIOD", "COUNTRY", "OBJ", "GOALS", "LINES", "TITLE")]
    rows += [
        (p.slug, p.period, p.country, str(p.n_objectives), str(p.n_goals), str(p.n_actions), p.title_en) for p in plans
    ]
    _print_table(rows)


def cmd_plan_export(args: argparse.Namespace) -> None:
    from naptrack.plans import exports
    from naptrack.plans.models import Plan

    plan = Plan.objects.filter(slug=args.slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
        raise Failure(f"no plan {args.slug!r}; plans in this installation: {known}")
    builders: dict[str, Callable[[Plan], str | bytes]] = {
        "json": exports.plan_json,
        "csv": exports.plan_csv,
        "xlsx": exports.plan_xlsx,
    }
    content = builders[args.format](plan)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if args.output in (None, "-"):
        if args.format == "xlsx" and sys.stdout.isatty():
            raise Failure("xlsx is a binary format: give -o FILE.xlsx")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    _write_atomically(Path(args.output), data)
    print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)


def _write_atomically(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise Failure(f"cannot write {path}: {exc.strerror}") from None


# --- user -----------------------------------------------------------------------------------------


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif sys.stdin.isatty():
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise Failure("the two passwords differ")
    else:
        raise Failure("give the password on standard input with --password-stdin")
    if not password:
        raise Failure("the password is empty")
    return password


def cmd_user_add(args: argparse.Namespace) -> None:
    from django.core.exceptions import ValidationError

    from naptrack.accounts.services import user_create

    password = _read_password(args)
    try:
        user = user_create(
            actor=_actor(),
            username=args.username,
            role=args.role,
            password=password,
            department_code=args.department,
            email=args.email or "",
        )
    except ValidationError as exc:
        raise Failure(*_validation_lines(exc)) from None
    where = f" of {user.department.code}" if user.department else ""
    print(f"user {user.username} added as {args.role}{where}")


def _validation_lines(exc: Any) -> list[str]:
    if hasattr(exc, "message_dict"):
        return [
            f"{field}: {msg}" if field != "__all__" else msg
            for field, messages in exc.message_dict.items()
            for msg in messages
        ]
    return list(exc.messages)


def cmd_user_list(args: argparse.Namespace) -> None:
    from naptrack.accounts.models import User

    users = User.objects.select_related("department").prefetch_related("groups").order_by("username")
    if not users:
        print("no user yet; add one with: naptrack user add USERNAME --role coordinator --password-stdin")
        return
    rows = [("USERNAME", "ROLE", "DEPARTMENT", "E-MAIL", "ACTIVE")]
    rows += [
        (
            u.username,
            u.role or ("superuser" if u.is_superuser else "-"),
            u.department.code if u.department else "-",
            u.email or "-",
            "yes" if u.is_active else "no",
        )
        for u in users
    ]
    _print_table(rows)


# --- round ----------------------------------------------------------------------------------------

ROUND_KINDS = ("baseline", "annual", "mid-term", "final")

ROUND_NAMING = (
    "Name the round by its id (the ID column of 'naptrack round list'), or by --plan SLUG --year YEAR "
    "[--kind KIND], KIND being annual unless given."
)
ROUND_ACTOR = (
    "The change is made and audited as 'cli:<your login name>', the installation acting through its "
    "command line; give --as USERNAME to act as (and be recorded as) a coordinator instead."
)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


def _round_id(value: str) -> int:
    if not value.isdigit() or int(value) == 0 or len(value) > 18:  # 18 digits: never a database overflow
        raise argparse.ArgumentTypeError(
            f"not a round id: {value!r} (a number, as 'naptrack round list' shows; or use --plan and --year)"
        )
    return int(value)


def _check_round_selector(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """ROUND, or --plan and --year (and maybe --kind): exactly one way of naming the round."""
    by_name = args.plan is not None or args.year is not None or args.kind is not None
    if args.round is not None and by_name:
        parser.error("give either ROUND or --plan/--year/--kind, not both")
    if args.round is None and not by_name:
        parser.error("name the round: ROUND (its id, see 'naptrack round list') or --plan SLUG --year YEAR")
    if by_name and (args.plan is None or args.year is None):
        parser.error("--plan and --year go together: --plan SLUG --year YEAR [--kind KIND]")


def _plan_named(slug: str):
    from naptrack.plans.models import Plan

    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "none"
        raise Failure(f"no plan {slug!r}; plans in this installation: {known}")
    return plan


def _round_named(args: argparse.Namespace):
    from naptrack.reporting.models import Round

    if args.round is not None:
        round_ = Round.objects.select_related("plan").filter(pk=args.round).first()
        if round_ is None:
            raise Failure(f"no round {args.round}; 'naptrack round list' shows the rounds and their ids")
        return round_
    plan = _plan_named(args.plan)
    kind = args.kind or "annual"
    round_ = Round.objects.select_related("plan").filter(plan=plan, kind=kind, year=args.year).first()
    if round_ is None:
        others = ", ".join(f"{r.kind} {r.year} (id {r.pk})" for r in plan.rounds.order_by("year", "kind")) or "none"
        raise Failure(f"plan {plan.slug} has no {kind} round for {args.year}; its rounds: {others}")
    return round_


def _round_actor(args: argparse.Namespace):
    """Who acts: the named coordinator (--as), or the installation itself, named after the login."""
    from naptrack.accounts.system import SystemActor

    if not args.as_user:
        return SystemActor(_actor())
    from naptrack.accounts.models import User

    user = User.objects.filter(username=args.as_user).first()
    if user is None or not user.is_active:
        raise Failure(f"no active user {args.as_user!r}; 'naptrack user list' shows the accounts")
    if not user.has_perm("reporting.manage_round"):
        raise Failure(f"{user.username} may not manage rounds: --as must name a coordinator")
    return user


def _describe(round_) -> str:
    return f"round {round_.pk} ({round_}, {round_.plan.slug})"


def _round_failure(exc: Exception) -> Failure:
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return Failure(*_validation_lines(exc))
    return Failure(str(exc) or type(exc).__name__)


def cmd_round_list(args: argparse.Namespace) -> None:
    from naptrack.reporting.models import Round

    rounds = Round.objects.select_related("plan").with_counts()
    if args.plan:
        rounds = rounds.filter(plan=_plan_named(args.plan))
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
    _print_table(rows)


def cmd_round_create(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting.services import round_create

    plan = _plan_named(args.plan)
    actor = _round_actor(args)
    try:
        round_ = round_create(
            actor=actor, plan=plan, kind=args.kind, year=args.year, deadline=args.deadline, intro=args.intro or ""
        )
    except (ValidationError, PermissionDenied) as exc:
        raise _round_failure(exc) from None
    print(
        f"{_describe(round_)} created as a draft, deadline {round_.deadline.isoformat()}; "
        f"open it with: naptrack round open {round_.pk}"
    )


def cmd_round_open(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting import notifications
    from naptrack.reporting.services import WorkflowError, round_open

    round_ = _round_named(args)
    actor = _round_actor(args)
    try:
        # The e-mails are sent here rather than by the service after its commit, to count them.
        round_ = round_open(actor=actor, round=round_, notify=False)
    except (ValidationError, PermissionDenied, WorkflowError) as exc:
        raise _round_failure(exc) from None
    contributions = round_.contributions.count()
    try:
        sent = notifications.round_opened(round_)
    except OSError as exc:  # the mail server's refusal (smtplib's errors are OSErrors): the round stays open
        print(f"{_describe(round_)} opened: {contributions} contributions created")
        raise Failure(
            f"the round is open but the e-mails to focal points could not be sent: {exc}",
        ) from None
    print(f"{_describe(round_)} opened: {contributions} contributions created, {sent} e-mail(s) sent to focal points")


def _round_transition(args: argparse.Namespace, service: Callable[..., Any], done: str, **extra: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.reporting.services import WorkflowError

    round_ = _round_named(args)
    actor = _round_actor(args)
    try:
        round_ = service(actor=actor, round=round_, **extra)
    except (ValidationError, PermissionDenied, WorkflowError) as exc:
        raise _round_failure(exc) from None
    print(f"{_describe(round_)} {done}")


def cmd_round_close(args: argparse.Namespace) -> None:
    from naptrack.reporting.services import round_close

    _round_transition(args, round_close, "closed")


def cmd_round_reopen(args: argparse.Namespace) -> None:
    from naptrack.reporting.services import round_reopen

    _round_transition(args, round_reopen, "reopened", reason=args.reason)


def cmd_round_publish(args: argparse.Namespace) -> None:
    from naptrack.reporting.services import round_publish

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
        heading = f"{today.isoformat()}: {_describe(round_)}, {when}"
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


def _why_nobody(round_, today: dt.date) -> str:
    from naptrack.reporting import notifications

    missing = set(round_.contributions.missing().values_list("department_id", flat=True))
    if not missing:
        return "nothing is missing"
    people = notifications.focal_points_for(missing)
    if not people:
        return "no active focal point with an e-mail address reports on what is missing"
    # At most one reminder a person a day about each round.
    return f"{len(people)} focal point(s) with missing items, all already reminded of this round on {today.isoformat()}"


# --- serve ----------------------------------------------------------------------------------------


def cmd_serve(args: argparse.Namespace) -> None:
    from django.core.management import call_command
    from django.db import connections

    from naptrack.plans.models import Plan

    call_command("collectstatic", interactive=False, verbosity=0)
    if not args.no_bundled_plan and not Plan.objects.exists():
        from naptrack.plans.services import plan_load

        summary = plan_load(actor=_actor(), document=_read_plan_file(str(DEFAULT_PLAN_FILE)))
        print(f"loaded the bundled plan {summary.plan.slug}")
    else:
        # A database from before the search index existed, or restored from a backup, gets its
        # index rebuilt here; it takes well under a second for a plan.
        from django.db import transaction

        from naptrack.portal.search import search_reindex

        with transaction.atomic():
            for plan in Plan.objects.all():
                search_reindex(plan)
    if args.demo:
        _demo_accounts()
    # Workers are forked from this process: they must not inherit its database connections.
    connections.close_all()
    _run_gunicorn(args)


def _demo_accounts() -> None:
    import secrets

    from naptrack.accounts.models import User
    from naptrack.accounts.services import user_create, user_set_password
    from naptrack.plans.models import Plan

    plan = Plan.objects.current()
    password = os.environ.get("NAPTRACK_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    wanted = [("coordinator", "coordinator", None), ("reader", "reader", None)]
    if plan is not None:
        wanted += [
            (f"focal-{link.department.code}", "focal-point", link.department.code)
            for link in plan.plan_departments.select_related("department").order_by("position")
        ]
    print(f"demo accounts (password for all: {password}):")
    for username, role, department in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user_create(
                actor=_actor(),
                username=username,
                role=role,
                password=password,
                department_code=department,
                check_password=False,
            )
        else:
            user_set_password(actor=_actor(), user=user, password=password, check_password=False)
        print(f"  {username:40} {role}{' of ' + department if department else ''}")


def _run_gunicorn(args: argparse.Namespace) -> None:
    from gunicorn.app.base import BaseApplication

    from naptrack.wsgi import application

    options = {
        "bind": f"{args.host}:{args.port}",
        "workers": args.workers,
        "accesslog": "-",
        "timeout": 120,
        "graceful_timeout": 10,
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return application

    host = "localhost" if args.host in ("127.0.0.1", "0.0.0.0") else args.host
    print(f"naptrack is serving at http://{host}:{args.port}/ (Ctrl+C stops it)", flush=True)
    Server().run()


# --- manage ---------------------------------------------------------------------------------------


def cmd_manage(args: argparse.Namespace) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["naptrack manage", *args.django_args])


# --- parser ---------------------------------------------------------------------------------------


def _print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def _add_round_commands(commands: argparse._SubParsersAction) -> None:
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
    naming.add_argument("round", metavar="ROUND", nargs="?", type=_round_id, help="the round's id")
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
    create.add_argument("--deadline", metavar="YYYY-MM-DD", type=_date, required=True, help="the submission deadline")
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
        sub.set_defaults(func=func, validate=lambda args, sub=sub: _check_round_selector(sub, args))

    remind = round_commands.add_parser(
        "remind",
        help="e-mail reminders to focal points with missing contributions (for cron)",
        description="For every open round, e-mail reminders 14 and 3 days before its deadline and every "
        "7 days after it: one e-mail per focal point listing their contributions still draft or returned. "
        "Nobody gets more than one reminder a day about a round, so running it several times a day is harmless. "
        "Run it daily from cron, e.g.: 0 8 * * * naptrack round remind",
    )
    remind.add_argument(
        "--date", metavar="YYYY-MM-DD", type=_date, help="act as if today were this date (default: today)"
    )
    remind.add_argument("--dry-run", action="store_true", help="say who would be reminded; send and record nothing")
    remind.set_defaults(func=cmd_round_remind)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="naptrack",
        description="Monitoring and reporting of National Action Plans on Women, Peace and Security.",
        epilog="Configuration comes from environment variables (DATABASE_URL, NAPTRACK_DATA_DIR, ...); "
        "see the README. Run 'naptrack COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser(
        "serve",
        help="serve the web application",
        description="Apply database migrations, load the bundled Belgian plan when the database holds "
        "no plan, and serve the application through gunicorn.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: %(default)s)")
    serve.add_argument(
        "--workers",
        type=int,
        default=min(4, (os.cpu_count() or 1) * 2 + 1),
        help="gunicorn worker processes (default: %(default)s)",
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help="create demo accounts (a coordinator, a reader, a focal point per department) and print their logins",
    )
    serve.add_argument(
        "--no-bundled-plan", action="store_true", help="do not load the bundled Belgian plan into an empty database"
    )
    serve.set_defaults(func=cmd_serve)

    plan = commands.add_parser(
        "plan", help="load, list and export plans", description="Load, list and export National Action Plans."
    )
    plan_commands = plan.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    load = plan_commands.add_parser(
        "load",
        help="load or update a plan from a naptrack-plan/1 JSON file",
        description="Validate a naptrack-plan/1 file and load it. A plan already present (same slug) "
        "is updated in place: lines keep their identity, nothing is duplicated. An invalid file "
        "writes nothing; every problem is listed with its JSON path.",
    )
    load.add_argument("file", metavar="FILE", help="the JSON file, or - for standard input")
    load.add_argument("--check", action="store_true", help="only validate the file; write nothing")
    load.set_defaults(func=cmd_plan_load)
    from naptrack.plans import cli_import

    cli_import.add_parser(plan_commands)
    plan_list = plan_commands.add_parser("list", help="list the plans in this installation")
    plan_list.set_defaults(func=cmd_plan_list)
    export = plan_commands.add_parser(
        "export",
        help="export a plan as JSON, CSV or XLSX",
        description="json is naptrack-plan/1 (what 'plan load' reads); csv has one row per line of "
        "action and monitoring instrument; xlsx is the plan's matrix as a formatted workbook.",
    )
    export.add_argument("slug", metavar="SLUG", help="the plan's slug, as 'naptrack plan list' shows it")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json", help="default: %(default)s")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(func=cmd_plan_export)

    user = commands.add_parser("user", help="add and list user accounts", description="Add and list user accounts.")
    user_commands = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = user_commands.add_parser(
        "add",
        help="add a user in a role",
        description="Add a user. Roles: coordinator (runs rounds, edits the plan), focal-point (reports "
        "for one department; needs --department), reader (reads everything, changes nothing).",
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--department", metavar="CODE", help="department code, e.g. defence (focal points)")
    add.add_argument("--email", metavar="ADDRESS", help="e-mail address for notifications")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    add.set_defaults(func=cmd_user_add)
    user_list = user_commands.add_parser("list", help="list user accounts")
    user_list.set_defaults(func=cmd_user_list)

    _add_round_commands(commands)
    from naptrack.reporting import cli_workbook

    cli_workbook.add_parser(commands)
    from naptrack.publications import cli as cli_publications

    cli_publications.add_parser(commands)

    manage = commands.add_parser("manage", help="run a Django management command (for administrators)", add_help=False)
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # Checks that argparse cannot express (which options go together) are usage errors too.
    if getattr(args, "validate", None):
        args.validate(args)
    try:
        _setup()
        from django.db import DatabaseError

        try:
            if args.func is not cmd_manage:
                _migrate()
            args.func(args)
        except DatabaseError as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise Failure(f"database error: {reason} (check DATABASE_URL)") from None
    except Failure as exc:
        for line in exc.lines:
            print(f"naptrack: {line}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
