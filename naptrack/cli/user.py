"""`naptrack user`: add and list user accounts."""

from __future__ import annotations

import argparse
import getpass
import sys

from naptrack.cli.common import Failure, actor, print_table, validation_lines

ROLES = ("coordinator", "focal-point", "reader")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser("user", help="add and list user accounts", description="Add and list user accounts.")
    actions = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser(
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
    user_list = actions.add_parser("list", help="list user accounts")
    user_list.set_defaults(func=cmd_user_list)
    return parser


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
            actor=actor(),
            username=args.username,
            role=args.role,
            password=password,
            department_code=args.department,
            email=args.email or "",
        )
    except ValidationError as exc:
        raise Failure(*validation_lines(exc)) from None
    where = f" of {user.department.code}" if user.department else ""
    print(f"user {user.username} added as {args.role}{where}")


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
    print_table(rows)
