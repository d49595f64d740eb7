"""The `naptrack` command: one entry point, a subcommand per job.

Each subcommand exits 0 on success; on failure it prints a one-line reason to stderr (one line
per problem when a file has several) and exits 1. Usage errors exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
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

    manage = commands.add_parser("manage", help="run a Django management command (for administrators)", add_help=False)
    manage.add_argument("django_args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
