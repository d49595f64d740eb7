"""`naptrack plan amend|history`: a plan amended from a changed plan file, and its versions.
Registered by cli/plan.py under `naptrack plan`; `naptrack plan load` of a plan that rounds have
asked for amends it the same way (cmd_plan_load)."""

from __future__ import annotations

import argparse
import sys

from naptrack.cli.common import Failure, acting_user, iso_date, plan_named, read_plan_file, service_failure


def add_parsers(actions: argparse._SubParsersAction) -> None:
    amend = actions.add_parser(
        "amend",
        help="amend a plan from a changed naptrack-plan/1 file",
        description="Compare FILE (the plan exported with 'naptrack plan export SLUG', then changed) "
        "with the plan in force and make the differences one amendment, a new version of the plan: "
        "lines added, retired or reworded, instruments added, retired, reworded or asking for another "
        "kind of answer, departments added to or removed from a line, the focus countries. Prints "
        "one line per change ('line 23.b: text changed'). Rounds opened from now on follow the plan "
        "as amended; rounds already opened keep the plan of their time. What an amendment does not "
        "change (the title, the period, targets, footnotes, translations alone) is listed on standard "
        "error and left alone. Nothing is written with --dry-run, or when any change is impossible.",
    )
    amend.add_argument("slug", metavar="SLUG", help="the plan, as 'naptrack plan list' shows it")
    amend.add_argument("file", metavar="FILE", help="the changed naptrack-plan/1 JSON file, or - for standard input")
    amend.add_argument(
        "--effective",
        required=True,
        type=iso_date,
        metavar="YYYY-MM-DD",
        help="the day it takes effect, as the amendment says (rounds opened after it is recorded follow it)",
    )
    amend.add_argument(
        "--reason", required=True, help="why the plan is amended (kept with the version, shown in public)"
    )
    amend.add_argument("--dry-run", action="store_true", help="print the changes; write nothing")
    amend.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this coordinator")
    amend.set_defaults(func=cmd_plan_amend)

    history = actions.add_parser(
        "history",
        help="list a plan's versions and their changes",
        description="One block per version of the plan: its number, the day it took effect, its reason "
        "and what it answers, then its changes, one per line. Version 1 is the plan as adopted.",
    )
    history.add_argument("slug", metavar="SLUG", help="the plan, as 'naptrack plan list' shows it")
    history.set_defaults(func=cmd_plan_history)


def print_reading(reading, *, out=None) -> None:
    """The changes a file makes, one line each; what it leaves alone on standard error."""
    from naptrack.plans.amendments import describe

    for change in reading.changes:
        print(describe(change), file=out or sys.stdout)
    for note in reading.left_alone:
        print(f"left alone: {note}", file=sys.stderr)


def cmd_plan_amend(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.plans.amendment_files import plan_amend_document
    from naptrack.plans.interchange import PlanFormatError

    plan = plan_named(args.slug)
    document = read_plan_file(args.file)
    if document.get("slug") != plan.slug:
        raise Failure(f"{args.file} describes plan {document.get('slug')!r}, not {plan.slug!r}; nothing was changed")
    try:
        version, reading = plan_amend_document(
            actor=acting_user(args.as_user),
            plan=plan,
            document=document,
            effective_from=args.effective,
            reason=args.reason,
            dry_run=args.dry_run,
        )
    except PlanFormatError as exc:
        raise Failure(*[f"{args.file}: {problem}" for problem in exc.problems]) from None
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    print_reading(reading)
    if not reading.changes:
        print(f"plan {plan.slug}: the file changes nothing; no version made")
    elif version is None:
        print(f"dry run: {len(reading.changes)} changes; nothing was written", file=sys.stderr)
    else:
        print(f"plan {plan.slug}: version {version.number}, in force from {version.effective_from.isoformat()}")


def cmd_plan_history(args: argparse.Namespace) -> None:
    from naptrack.plans.amendments import describe

    plan = plan_named(args.slug)
    versions = list(plan.versions.order_by("number").select_related("basis_type"))
    if not versions:
        print(f"plan {plan.slug}: not amended; no round has opened under it yet")
        return
    for version in versions:
        basis = f" (answers {version.basis})" if version.basis_type_id else ""
        print(f"version {version.number}, in force from {version.effective_from.isoformat()}{basis}")
        if version.reason:
            print(f"  reason: {version.reason}")
        for change in version.changes:
            print(f"  {describe(change)}")
