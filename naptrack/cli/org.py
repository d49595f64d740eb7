"""`naptrack org`: civil-society organisations (lines 34 and 35 of the Belgian plan): register one,
invite its members, list the register; and, for a person who asks, export or erase what civil
society's records hold about them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import Failure, acting_user, print_table, service_failure, write_atomically
from naptrack.core.numbers import whole_number

if TYPE_CHECKING:
    from naptrack.accounts.models import User
    from naptrack.accounts.system import SystemActor
    from naptrack.civilsociety.models import Organisation

# Organisation.Kind's values (naptrack/civilsociety/models.py), spelt out here because --help is
# answered before Django is set up; tests/test_civil_society_cli.py checks that they agree.
KINDS = ("ngo", "womens-organisation", "research", "network", "other")
LANGUAGES = ("en", "fr", "nl")

ACTOR = (
    "Changes are made and audited as 'cli:<your login name>', the installation acting through its "
    "command line; give --as USERNAME to act as (and be recorded as) a coordinator instead."
)


def organisation_id(value: str) -> int:
    number = whole_number(value)  # at most 18 ASCII digits: never a database overflow
    if not number:
        raise argparse.ArgumentTypeError(f"not an organisation id: {value!r} (a number, as 'naptrack org list' shows)")
    return number


def language_list(value: str) -> list[str]:
    """fr,nl: the organisation's languages, two-letter codes (the service checks each)."""
    codes = [part.strip().lower() for part in value.split(",") if part.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(f"give languages as two-letter codes separated by commas, not {value!r}")
    return codes


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "org",
        help="civil-society organisations: register, invite members, list; a person's data exported or erased",
        description="The register of civil-society organisations, in Belgium and in partner countries, "
        "whose members take part in the rounds (their own assessments of lines of action) and in the "
        f"consultations; and a person's data in civil society's records, exported or erased. {ACTOR}",
    )
    actions = parser.add_subparsers(dest="org_command", metavar="ACTION", required=True)
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this coordinator (checked against their permissions, named in the audit trail) "
        "instead of as 'cli:<your login name>'",
    )

    add = actions.add_parser(
        "add",
        parents=[acting],
        help="register an organisation; prints its id",
        description="Register an organisation. Its id is printed on standard output (ID=$(naptrack org add "
        "...) keeps it). An organisation is known by its name within its country: registering the same "
        "name in the same country again is refused. For example: naptrack org add 'Femmes Solidaires du "
        f"Kivu' --country CD --kind womens-organisation --languages fr --network 3. {ACTOR}",
    )
    add.add_argument("name", metavar="NAME", help="the organisation's name")
    add.add_argument(
        "--country", metavar="CC", required=True, help="its country, as an ISO 3166-1 code: BE, CD, AF, ML ..."
    )
    add.add_argument("--kind", choices=KINDS, default="ngo", help="what it is (default: %(default)s)")
    add.add_argument("--email", metavar="ADDRESS", default="", help="its contact e-mail address (never public)")
    add.add_argument("--website", metavar="URL", default="", help="its web site, starting with http:// or https://")
    add.add_argument(
        "--languages",
        metavar="fr,nl",
        type=language_list,
        default=None,
        help="the languages it works in, two-letter codes separated by commas; the first is the language "
        "of its e-mails (invitations, moderation decisions)",
    )
    add.add_argument(
        "--network",
        metavar="ORG_ID",
        type=organisation_id,
        help="the organisation whose network it belongs to, such as a Belgian NGO's partner-country network",
    )
    add.set_defaults(func=cmd_org_add)

    invite = actions.add_parser(
        "invite",
        parents=[acting],
        help="invite a person to join an organisation by e-mail",
        description="Create an account in the civil-society role for a member of the organisation and e-mail "
        "its holder a link to choose their password and open it: no password travels by e-mail. The link "
        "works once, for NAPTRACK_INVITATION_DAYS days (7 by default); inviting the address again, before "
        "it is used, sends a new link and cancels the old one. A person belongs to one organisation: an "
        "address that is already a member elsewhere, or that has a staff account, is refused. The link is "
        f"printed too when e-mails go to the console (the default EMAIL_BACKEND). {ACTOR}",
    )
    invite.add_argument(
        "id", metavar="ORG_ID", type=organisation_id, help="the organisation's id ('naptrack org list')"
    )
    invite.add_argument("--email", metavar="ADDRESS", required=True, help="the person's e-mail address")
    invite.add_argument(
        "--language",
        choices=LANGUAGES,
        help="language of the e-mails (default: the organisation's first language, else en)",
    )
    invite.set_defaults(func=cmd_org_invite)

    listing = actions.add_parser(
        "list",
        help="list the organisations with their members and assessments",
        description="List the registered organisations by name: id, name, country, kind, members (accounts "
        "invited) and assessments (in every state, drafts included).",
    )
    listing.set_defaults(func=cmd_org_list)

    export = actions.add_parser(
        "person-export",
        parents=[acting],
        help="write, as JSON, everything civil society's records hold about a person",
        description="Write, as JSON, what civil society's records hold about the person with this e-mail "
        "address: their accounts (name, language, organisation) and their listings in the expertise network "
        "with every consent given or withdrawn. An address nothing is held about gives empty lists. The "
        f"export is recorded in the audit trail (without the address). {ACTOR}",
    )
    export.add_argument("email", metavar="EMAIL", help="the person's e-mail address")
    export.add_argument(
        "-o", "--output", metavar="FILE", default="-", help="where to write it (default: - for standard output)"
    )
    export.set_defaults(func=cmd_org_person_export)

    erase = actions.add_parser(
        "person-erase",
        parents=[acting],
        help="erase a person from civil society's records (cannot be undone)",
        description="Erase the person with this e-mail address: their listings in the expertise network are "
        "deleted (the consent records stay, without their name), their account is closed and emptied of "
        "name and address, and they leave their organisation. Their organisation's assessments stay, and "
        "events keep their counts of participants by sex, which never named anyone. A coordinator's account "
        f"is not erased this way. This cannot be undone: --yes confirms it. {ACTOR}",
    )
    erase.add_argument("email", metavar="EMAIL", help="the person's e-mail address")
    erase.add_argument("--yes", action="store_true", help="confirm the erasure")
    erase.set_defaults(func=cmd_org_person_erase, validate=lambda args: _confirmed(erase, args))
    return parser


def _confirmed(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    if not args.yes:
        parser.error("erasing a person cannot be undone: add --yes to confirm")


# --- who acts, and naming an organisation ---------------------------------------------------------


def manager(args: argparse.Namespace) -> User | SystemActor:
    """Who acts on civil society's records: a coordinator (--as), or the installation itself."""
    who = acting_user(args.as_user)
    # Checked before the service would refuse, so that the reason says what --as must name.
    if args.as_user and not who.has_perm("civilsociety.manage"):
        raise Failure(f"{who.get_username()} may not manage civil society's records: --as must name a coordinator")
    return who


def organisation_with_id(pk: int, option: str = "ORG_ID") -> Organisation:
    from naptrack.civilsociety.models import Organisation

    organisation = Organisation.objects.filter(pk=pk).first()
    if organisation is None:
        raise Failure(f"{option}: no organisation {pk}; 'naptrack org list' shows the organisations and their ids")
    return organisation


def _refusals():
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.civilsociety.services import CivilSocietyError

    return (ValidationError, PermissionDenied, CivilSocietyError)


# --- commands -------------------------------------------------------------------------------------


def cmd_org_add(args: argparse.Namespace) -> None:
    from naptrack.civilsociety.services import organisation_add

    network = organisation_with_id(args.network, "--network") if args.network else None
    who = manager(args)
    data: dict = {"name": args.name, "country": args.country, "kind": args.kind, "network": network}
    if args.email:
        data["contact_email"] = args.email
    if args.website:
        data["website"] = args.website
    if args.languages is not None:
        data["languages"] = args.languages
    try:
        organisation = organisation_add(actor=who, **data)
    except _refusals() as exc:
        raise service_failure(exc) from None
    print(organisation.pk)
    where = f", in the network of {network.name}" if network else ""
    print(
        f"organisation {organisation.pk} registered: {organisation.name} ({organisation.country}, "
        f"{organisation.kind}{where}); invite its members with: naptrack org invite {organisation.pk} --email ADDRESS",
        file=sys.stderr,
    )


def cmd_org_invite(args: argparse.Namespace) -> None:
    from django.utils import timezone

    from naptrack.accounts import mail
    from naptrack.civilsociety.services import member_invite

    organisation = organisation_with_id(args.id)
    who = manager(args)
    try:
        sent = member_invite(actor=who, organisation=organisation, email=args.email, language=args.language or "")
    except _refusals() as exc:
        raise service_failure(exc) from None
    except OSError as exc:
        # The service sends inside its transaction: a mail server's refusal leaves nothing behind.
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise Failure(f"the e-mail could not be sent ({reason}); nothing was saved, run the command again") from None
    until = timezone.localtime(sent.invitation.expires).strftime("%Y-%m-%d %H:%M")
    print(
        f"invitation sent to {sent.user.email} to join {organisation.name} (organisation {organisation.pk}) "
        f"as user {sent.user.username}; the link works once, until {until}"
    )
    if mail.prints_to_console():
        print(f"link: {sent.link}")


def cmd_org_list(args: argparse.Namespace) -> None:
    from naptrack.civilsociety.models import Organisation

    organisations = Organisation.objects.with_counts().order_by("name", "country", "pk")
    if not organisations:
        print("no organisation yet; register one with: naptrack org add NAME --country CC")
        return
    rows = [("ID", "NAME", "COUNTRY", "KIND", "MEMBERS", "ASSESSMENTS")]
    rows += [(str(o.pk), o.name, o.country, o.kind, str(o.n_members), str(o.n_assessments)) for o in organisations]
    print_table(rows)


def cmd_org_person_export(args: argparse.Namespace) -> None:
    from django.db import transaction

    from naptrack.civilsociety.services import person_export

    who = manager(args)
    path = None if args.output == "-" else Path(args.output)
    if path is not None and not path.parent.is_dir():
        raise Failure(f"cannot write {args.output}: no directory {path.parent}")
    # One transaction: a file that cannot be written takes the export's audit entry with it.
    with transaction.atomic():
        try:
            data = person_export(actor=who, email=args.email.strip())
        except _refusals() as exc:
            raise service_failure(exc) from None
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        if path is not None:
            write_atomically(path, text.encode("utf-8"))
    held = f"{len(data['accounts'])} account(s), {len(data['listings'])} listing(s)"
    if path is None:
        sys.stdout.write(text)
        print(f"{args.email}: {held}", file=sys.stderr)
    else:
        print(f"wrote {args.output}: {held} held about {args.email}")


def cmd_org_person_erase(args: argparse.Namespace) -> None:
    from naptrack.civilsociety.services import person_erase

    who = manager(args)
    try:
        erased = person_erase(actor=who, email=args.email.strip())
    except _refusals() as exc:
        raise service_failure(exc) from None
    print(
        f"erased {args.email}: {erased['accounts']} account(s) closed and emptied, {erased['listings']} "
        "listing(s) deleted; consent records and counts of participants by sex kept, without the person"
    )
