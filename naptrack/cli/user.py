"""`naptrack user`: add, list and invite people; change their role; deactivate their account; send
them a password reset link. Each acts as the installation (cli:<login>), and is audited."""

from __future__ import annotations

import argparse
import getpass
import sys

from naptrack.cli.common import Failure, acting_user, actor, print_table, validation_lines

ROLES = ("coordinator", "focal-point", "reader", "evaluator")
PLAN_HELP = "slug of the plan an evaluator evaluates, e.g. be-nap-2013-2016 (evaluators only)"
LANGUAGES = ("en", "fr", "nl", "de")


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "user",
        help="manage people's accounts",
        description="Add, list and invite people, change their role, deactivate their account, "
        "send them a password reset link.",
    )
    actions = parser.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        aliases=["create"],
        help="add a user in a role",
        description="Add a user. Roles: coordinator (runs rounds, edits the plan), focal-point (reports "
        "for one department; needs --department), reader (reads everything, changes nothing), evaluator "
        "(reads everything internal of one plan, changes nothing; needs --plan).",
    )
    add.add_argument("username", metavar="USERNAME")
    add.add_argument("--role", choices=ROLES, required=True)
    add.add_argument("--department", metavar="CODE", help="department code, e.g. defence (focal points)")
    add.add_argument("--plan", metavar="SLUG", help=PLAN_HELP)
    add.add_argument("--email", metavar="ADDRESS", help="e-mail address for notifications")
    add.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )
    add.set_defaults(func=cmd_user_add)
    user_list = actions.add_parser("list", help="list user accounts")
    user_list.set_defaults(func=cmd_user_list)
    _add_management_parsers(actions)
    return parser


def _add_management_parsers(actions: argparse._SubParsersAction) -> None:
    invite = actions.add_parser(
        "invite",
        help="invite someone by e-mail",
        description="Create an account in a role and e-mail its holder a link to choose their password "
        "and open it. The link works once, for NAPTRACK_INVITATION_DAYS days (7 by default); inviting "
        "the address again, before it is used, sends a new link and cancels the old one. The link is "
        "printed too when e-mails go to the console (the default EMAIL_BACKEND).",
    )
    invite.add_argument("email", metavar="EMAIL")
    invite.add_argument("--role", choices=ROLES, required=True)
    invite.add_argument("--department", metavar="CODE", help="department code, e.g. defence (focal points)")
    invite.add_argument("--plan", metavar="SLUG", help=PLAN_HELP)
    invite.add_argument("--username", metavar="NAME", help="the name to log in with (default: the e-mail address)")
    invite.add_argument("--language", choices=LANGUAGES, default="en", help="language of the e-mails (default: en)")
    invite.set_defaults(func=cmd_user_invite)

    set_role = actions.add_parser(
        "set-role",
        help="change a person's role or department",
        description="Change a person's role, department and evaluated plan (a role other than evaluator "
        "has none). Their API tokens stop working.",
    )
    set_role.add_argument("username", metavar="USERNAME")
    set_role.add_argument("--role", choices=ROLES, required=True)
    set_role.add_argument("--department", metavar="CODE", help="department code, e.g. defence (focal points)")
    set_role.add_argument("--plan", metavar="SLUG", help=PLAN_HELP)
    set_role.set_defaults(func=cmd_user_set_role)

    deactivate = actions.add_parser(
        "deactivate",
        help="close a person's account",
        description="Deactivate an account: the person can no longer log in, their sessions end, their "
        "API tokens stop working and an invitation they have not used is cancelled. Their work stays.",
    )
    deactivate.add_argument("username", metavar="USERNAME")
    deactivate.set_defaults(func=cmd_user_deactivate)

    reactivate = actions.add_parser(
        "reactivate", help="open a deactivated account again", description="Reactivate a deactivated account."
    )
    reactivate.add_argument("username", metavar="USERNAME")
    reactivate.set_defaults(func=cmd_user_reactivate)

    reset = actions.add_parser(
        "reset-password",
        help="e-mail a person a link to choose a new password",
        description="E-mail a person a link to choose a new password; their current password works until "
        "they do. The link is printed too when e-mails go to the console (the default EMAIL_BACKEND).",
    )
    reset.add_argument("username", metavar="USERNAME")
    reset.set_defaults(func=cmd_user_reset_password)


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
            plan_slug=args.plan,
        )
    except ValidationError as exc:
        raise Failure(*validation_lines(exc)) from None
    print(f"user {user.username} added as {args.role}{_where(user)}")


def cmd_user_list(args: argparse.Namespace) -> None:
    from naptrack.accounts.models import User

    users = User.objects.select_related("department", "plan").prefetch_related("groups").order_by("username")
    if not users:
        print("no user yet; add one with: naptrack user add USERNAME --role coordinator --password-stdin")
        return
    rows = [("USERNAME", "ROLE", "DEPARTMENT", "PLAN", "E-MAIL", "ACTIVE")]
    rows += [
        (
            u.username,
            u.role or ("superuser" if u.is_superuser else "-"),
            u.department.code if u.department else "-",
            u.plan.slug if u.plan else "-",
            u.email or "-",
            "yes" if u.is_active else "no",
        )
        for u in users
    ]
    print_table(rows)


# --- managing accounts ----------------------------------------------------------------------------


def _user_named(username: str):
    from naptrack.accounts.models import User

    user = User.objects.select_related("department", "plan").filter(username__iexact=username).first()
    if user is None:
        raise Failure(f"no user {username!r}; 'naptrack user list' shows the accounts")
    return user


def _manage(service, **kwargs):
    """Run an account service as the installation: its refusals become one line each, and an
    e-mail that could not be sent says so (what the service saved stays saved)."""
    from django.core.exceptions import ValidationError

    try:
        return service(actor=acting_user(None), **kwargs)
    except ValidationError as exc:
        raise Failure(*validation_lines(exc)) from None
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise Failure(f"the e-mail could not be sent ({reason}); run the command again to send a new link") from None


def _print_link(link: str) -> None:
    from naptrack.accounts import mail

    if mail.prints_to_console():
        print(f"link: {link}")


def _where(user) -> str:
    if user.plan_id:
        return f" of {user.plan.slug}"
    return f" of {user.department.code}" if user.department_id else ""


def cmd_user_invite(args: argparse.Namespace) -> None:
    from django.utils import timezone

    from naptrack.accounts.invitations import user_invite

    sent = _manage(
        user_invite,
        email=args.email,
        role=args.role,
        department_code=args.department,
        plan_slug=args.plan,
        username=args.username,
        language=args.language,
    )
    until = timezone.localtime(sent.invitation.expires).strftime("%Y-%m-%d %H:%M")
    who = f"user {sent.user.username}, {args.role}{_where(sent.user)}"
    print(f"invitation sent to {sent.user.email} ({who}); the link works once, until {until}")
    _print_link(sent.link)


def cmd_user_set_role(args: argparse.Namespace) -> None:
    from naptrack.accounts.services import user_set_role

    user = _manage(
        user_set_role,
        user=_user_named(args.username),
        role=args.role,
        department_code=args.department,
        plan_slug=args.plan,
    )
    print(f"user {user.username} is now {args.role}{_where(user)}; API tokens issued before no longer work")


def cmd_user_deactivate(args: argparse.Namespace) -> None:
    from naptrack.accounts.services import user_deactivate

    user = _manage(user_deactivate, user=_user_named(args.username))
    print(f"user {user.username} deactivated: they can no longer log in, and their API tokens no longer work")


def cmd_user_reactivate(args: argparse.Namespace) -> None:
    from naptrack.accounts.services import user_reactivate

    user = _manage(user_reactivate, user=_user_named(args.username))
    print(f"user {user.username} reactivated")


def cmd_user_reset_password(args: argparse.Namespace) -> None:
    from naptrack.accounts.passwords import user_password_reset_send

    user = _user_named(args.username)
    link = _manage(user_password_reset_send, user=user)
    print(f"password reset link sent to {user.email} for user {user.username}")
    _print_link(link)
