"""The `naptrack` command: one entry point, a subcommand per job.

Each subcommand exits 0 on success; on failure it prints a one-line reason to stderr (one line
per problem when a file has several) and exits 1. Usage errors exit 2, as argparse does.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from naptrack.cli import backup, event, framework, org, plan, report, request, serve, user, workbook, worker
from naptrack.cli import round as round_  # "round" alone would hide the builtin
from naptrack.cli.common import Failure, migrate, setup


def cmd_manage(args: argparse.Namespace) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["naptrack manage", *args.django_args])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="naptrack",
        description="Monitoring and reporting of National Action Plans on Women, Peace and Security.",
        epilog="Configuration comes from environment variables (DATABASE_URL, NAPTRACK_DATA_DIR, ...); "
        "see the README. Run 'naptrack COMMAND --help' for a command's options.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # The order here is the order of the commands in --help.
    for group in (serve, worker, plan, user, round_, workbook, report, framework, request, org, event):
        group.add_parser(commands)
    backup.add_parser(commands)
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
        setup()
        from django.db import DatabaseError

        try:
            # backup and restore set migrate_first=False: they copy or fill the database as it is.
            if args.func is not cmd_manage and getattr(args, "migrate_first", True):
                migrate()
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
