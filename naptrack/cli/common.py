"""What the command groups share: the failure they raise, the setup, the actor, argument types,
output helpers and the ways of naming a plan, a round or a user.

Django is imported inside the functions: the parser is built, and --help answered, before
Django is set up.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from naptrack.core.numbers import whole_number

if TYPE_CHECKING:
    from naptrack.accounts.models import User
    from naptrack.accounts.system import SystemActor
    from naptrack.international.models import Framework
    from naptrack.plans.models import Plan
    from naptrack.reporting.models import Round

BUNDLED_PLANS = Path(__file__).resolve().parent.parent / "data" / "plans"
DEFAULT_PLAN_FILE = BUNDLED_PLANS / "be-nap-2013-2016.json"


class Failure(Exception):
    """A command failed for a reason the user can act on; each line is printed on stderr."""

    def __init__(self, *lines: str):
        self.lines = lines or ("failed",)
        super().__init__(lines[0] if lines else "failed")


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "naptrack.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:  # an environment variable naptrack cannot use
        raise Failure(str(exc)) from None
    from django.utils import translation

    translation.activate("en")


def migrate() -> None:
    """Bring the database schema up to date, so that any command works on a fresh data
    directory; a no-op when nothing is pending. Said on stderr when there is something to do (a
    first start takes a while), so that a command's output on stdout stays its own."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if not pending:
        return
    print(f"naptrack: preparing the database (migrations to apply: {len(pending)})", file=sys.stderr, flush=True)
    call_command("migrate", interactive=False, verbosity=0)


def actor() -> str:
    """The name the installation acts under in the audit trail when no user is named."""
    try:
        who = getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry): still auditable
        who = "unknown"
    return f"cli:{who}"


# --- argument types -------------------------------------------------------------------------------


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


def round_id(value: str) -> int:
    number = whole_number(value)  # at most 18 ASCII digits: never a database overflow
    if not number:
        raise argparse.ArgumentTypeError(
            f"not a round id: {value!r} (a number, as 'naptrack round list' shows; or use --plan and --year)"
        )
    return number


# --- files and output -----------------------------------------------------------------------------


def read_plan_file(path: str) -> dict:
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


def write_atomically(path: Path, data: bytes) -> None:
    """Write through a temporary file, so that a failed write never leaves half a file at path."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise Failure(f"cannot write {path}: {exc.strerror}") from None


def validation_lines(exc: Any) -> list[str]:
    """A ValidationError as one line per message, each prefixed with its field if it has one."""
    if hasattr(exc, "message_dict"):
        return [
            f"{field}: {msg}" if field != "__all__" else msg
            for field, messages in exc.message_dict.items()
            for msg in messages
        ]
    return list(exc.messages)


def print_table(rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


# --- naming a plan, a round, a user ---------------------------------------------------------------


def check_round_selector(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """ROUND, or --plan and --year (and maybe --kind): exactly one way of naming the round."""
    by_name = args.plan is not None or args.year is not None or args.kind is not None
    if args.round is not None and by_name:
        parser.error("give either ROUND or --plan/--year/--kind, not both")
    if args.round is None and not by_name:
        parser.error("name the round: ROUND (its id, see 'naptrack round list') or --plan SLUG --year YEAR")
    if by_name and (args.plan is None or args.year is None):
        parser.error("--plan and --year go together: --plan SLUG --year YEAR [--kind KIND]")


def plan_named(slug: str) -> Plan:
    from naptrack.plans.models import Plan

    plan = Plan.objects.filter(slug=slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or "none"
        raise Failure(f"no plan {slug!r}; plans in this installation: {known}")
    return plan


def round_with_id(pk: int) -> Round:
    from naptrack.reporting.models import Round

    round_ = Round.objects.select_related("plan").filter(pk=pk).first()
    if round_ is None:
        raise Failure(f"no round {pk}; 'naptrack round list' shows the rounds and their ids")
    return round_


def round_named(args: argparse.Namespace) -> Round:
    """The round that ROUND, or --plan, --year and --kind name (see check_round_selector)."""
    from naptrack.reporting.models import Round

    if args.round is not None:
        return round_with_id(args.round)
    plan = plan_named(args.plan)
    kind = args.kind or "annual"
    round_ = Round.objects.select_related("plan").filter(plan=plan, kind=kind, year=args.year).first()
    if round_ is None:
        others = ", ".join(f"{r.kind} {r.year} (id {r.pk})" for r in plan.rounds.order_by("year", "kind")) or "none"
        raise Failure(f"plan {plan.slug} has no {kind} round for {args.year}; its rounds: {others}")
    return round_


def acting_user(username: str | None) -> User | SystemActor:
    """The active user --as names; without --as, the installation itself, named after the login.
    What the user may do is left to the service called."""
    from naptrack.accounts.system import SystemActor

    if not username:
        return SystemActor(actor())
    from naptrack.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise Failure(f"no active user {username!r}; 'naptrack user list' shows the accounts")
    return user


def round_actor(args: argparse.Namespace) -> User | SystemActor:
    """Who acts on a round: a coordinator (--as), or the installation itself."""
    who = acting_user(args.as_user)
    # Checked before the service would refuse, so that the reason says what --as must name.
    if args.as_user and not who.has_perm("reporting.manage_round"):
        raise Failure(f"{who.get_username()} may not manage rounds: --as must name a coordinator")
    return who


def describe(round_: Round) -> str:
    return f"round {round_.pk} ({round_}, {round_.plan.slug})"


def manager_actor(args: argparse.Namespace) -> User | SystemActor:
    """Who acts in international reporting: a coordinator (--as), or the installation itself."""
    who = acting_user(args.as_user)
    # Checked before the service would refuse, so that the reason says what --as must name.
    if args.as_user and not who.has_perm("international.manage"):
        raise Failure(f"{who.get_username()} may not manage international reporting: --as must name a coordinator")
    return who


def service_failure(exc: Exception) -> Failure:
    """A service's refusal (ValidationError, PermissionDenied, a state error) as the lines to print."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return Failure(*validation_lines(exc))
    return Failure(str(exc) or type(exc).__name__)


def framework_named(code: str) -> Framework:
    from naptrack.international.models import Framework

    framework = Framework.objects.filter(code=code).first()
    if framework is None:
        known = ", ".join(Framework.objects.order_by("code").values_list("code", flat=True)[:20]) or "none"
        raise Failure(f"no framework {code!r}; frameworks in this installation: {known}")
    return framework
