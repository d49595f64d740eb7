"""`naptrack org ...` and `naptrack event list`: civil society from the command line.

Every command exits 0 on success, 1 with a one-line reason on stderr and nothing written when the
input or the state does not allow it, 2 for a usage error. The services are tested in
tests/test_civil_society.py; these tests check what the commands add: how organisations, plans
and people are named, what is printed, and that refusals write nothing."""

from __future__ import annotations

import datetime as dt
import json
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend

from naptrack import cli
from naptrack.accounts.models import User
from naptrack.audit.models import AuditEvent
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Event, Expert, Member, Organisation
from naptrack.plans.models import Action, Department
from tests.civil_society_data import member, organisations
from tests.conftest import BE

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


@pytest.fixture
def orgs(plan, coordinator):
    return organisations(coordinator)


@pytest.fixture
def ngo_member(orgs, coordinator):
    return member(coordinator, orgs[0], "an@vrouwenvoorvrede.example")


# --- help -----------------------------------------------------------------------------------------


def test_org_and_event_are_commands_of_naptrack(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "org" in out and "event" in out


@pytest.mark.parametrize(
    ("argv", "explains"),
    [
        (["org"], ["add", "invite", "list", "person-export", "person-erase", "--as USERNAME"]),
        (
            ["org", "add"],
            ["--country CC", "--kind", "--email ADDRESS", "--website URL", "--languages fr,nl", "--network ORG_ID"],
        ),
        (["org", "invite"], ["ORG_ID", "--email ADDRESS", "--language", "once", "one organisation", "console"]),
        (["org", "list"], ["members", "assessments"]),
        (["org", "person-export"], ["EMAIL", "-o FILE", "JSON", "consent"]),
        (["org", "person-erase"], ["EMAIL", "--yes", "cannot be undone", "participants by sex"]),
        (["event"], ["list"]),
        (["event", "list"], ["--plan SLUG", "WOMEN", "recommendations"]),
    ],
)
def test_every_command_has_help_that_explains_it(capsys, argv, explains):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith(f"usage: naptrack {' '.join(argv)}")
    for words in explains:
        assert words in out


def test_the_kinds_offered_are_the_models():
    from naptrack.cli.org import KINDS

    assert tuple(Organisation.Kind.values) == KINDS


# --- org add --------------------------------------------------------------------------------------


def test_add_prints_the_id_and_registers_the_organisation(capsys, plan, coordinator):
    code, out, err = run(
        capsys,
        "org",
        "add",
        "Vrouwen voor Vrede",
        "--country",
        "be",
        "--email",
        "info@vrouwenvoorvrede.example",
        "--website",
        "https://vrouwenvoorvrede.example",
        "--languages",
        "nl,fr",
        "--as",
        "coordinator",
    )
    assert code == 0, err
    ngo = Organisation.objects.get()
    assert out == f"{ngo.pk}\n"
    assert err.startswith(f"organisation {ngo.pk} registered: Vrouwen voor Vrede (BE, ngo)")
    assert (ngo.country, ngo.kind, ngo.languages) == ("BE", "ngo", ["nl", "fr"])
    assert (ngo.contact_email, ngo.website) == ("info@vrouwenvoorvrede.example", "https://vrouwenvoorvrede.example")
    assert AuditEvent.objects.get(action="civilsociety.organisation.added").actor == coordinator

    code, out, err = run(
        capsys,
        "org",
        "add",
        "Femmes Solidaires du Kivu",
        "--country",
        "CD",
        "--kind",
        "womens-organisation",
        "--network",
        str(ngo.pk),
    )
    assert code == 0, err
    kivu = Organisation.objects.get(pk=int(out))
    assert kivu.network == ngo and kivu.kind == "womens-organisation"
    assert "in the network of Vrouwen voor Vrede" in err
    assert (
        AuditEvent.objects.filter(action="civilsociety.organisation.added")
        .order_by("pk")
        .last()
        .actor_name.startswith("cli:")
    )


def test_an_unknown_country_code_is_refused(capsys, plan):
    code, out, err = run(capsys, "org", "add", "Nowhere Women", "--country", "XX")
    assert (code, out) == (1, "")
    assert err == "naptrack: country: XX is not an ISO 3166-1 country code (such as BE or CD).\n"
    assert not Organisation.objects.exists()


def test_a_duplicate_organisation_is_refused(capsys, orgs):
    code, out, err = run(capsys, "org", "add", "vrouwen voor vrede", "--country", "BE")
    assert (code, out) == (1, "")
    assert err == "naptrack: name: vrouwen voor vrede is already registered.\n"
    assert Organisation.objects.count() == 2


def test_bad_details_are_each_refused_on_a_line(capsys, plan):
    code, _, err = run(capsys, "org", "add", " ", "--country", "BE", "--website", "ftp://x", "--email", "nobody")
    assert code == 1
    assert err.splitlines() == [
        "naptrack: name: Give the organisation's name.",
        "naptrack: website: Enter a web address starting with http:// or https://.",
        "naptrack: contact_email: Enter a valid e-mail address.",
    ]
    code, _, err = run(capsys, "org", "add", "X", "--country", "BE", "--languages", "french")
    assert code == 1 and err == "naptrack: languages: Give languages as two-letter codes, such as fr or nl.\n"
    assert not Organisation.objects.exists()


def test_an_unknown_network_or_kind_is_refused(capsys, orgs):
    code, _, err = run(capsys, "org", "add", "Other", "--country", "CD", "--network", "999999")
    assert code == 1
    assert (
        err
        == "naptrack: --network: no organisation 999999; 'naptrack org list' shows the organisations and their ids\n"
    )
    assert "invalid choice: 'club'" in usage_error(capsys, "org", "add", "X", "--country", "BE", "--kind", "club")
    assert "not an organisation id: 'x'" in usage_error(capsys, "org", "add", "X", "--country", "BE", "--network", "x")
    assert "required: --country" in usage_error(capsys, "org", "add", "X")
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize("persona", ["reader", "focal_defence"])
def test_only_a_coordinator_may_act_with_as(capsys, request, persona):
    user = request.getfixturevalue(persona)
    code, _, err = run(capsys, "org", "add", "X", "--country", "BE", "--as", user.username)
    assert code == 1
    assert err == (f"naptrack: {user.username} may not manage civil society's records: --as must name a coordinator\n")
    code, _, err = run(capsys, "org", "add", "X", "--country", "BE", "--as", "ghost")
    assert code == 1 and "no active user 'ghost'" in err
    assert not Organisation.objects.exists()


# --- org invite -----------------------------------------------------------------------------------


def test_invite_prints_the_link_when_mail_goes_to_the_console(capsys, orgs, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    kivu = orgs[1]
    code, out, err = run(capsys, "org", "invite", str(kivu.pk), "--email", "marie@kivu.example")
    assert code == 0, err
    lines = [line for line in out.splitlines() if line.startswith(("invitation sent", "link: "))]
    assert lines[0].startswith(
        f"invitation sent to marie@kivu.example to join Femmes Solidaires du Kivu (organisation {kivu.pk}) "
        "as user marie@kivu.example; the link works once, until "
    )
    assert lines[1].startswith("link: http")
    user = User.objects.get(email="marie@kivu.example")
    assert user.role == "civil-society" and not user.is_active and user.language == "fr"
    assert Member.objects.get(user=user).organisation == kivu


def test_invite_sends_the_email_in_the_language_asked(capsys, orgs, mailoutbox):
    code, out, _ = run(capsys, "org", "invite", str(orgs[0].pk), "--email", "jan@vrede.example", "--language", "nl")
    assert code == 0
    assert "link: " not in out  # the test mail backend is not the console
    assert mailoutbox[-1].to == ["jan@vrede.example"]
    assert mailoutbox[-1].extra_headers["Content-Language"] == "nl"


def test_an_address_already_a_member_elsewhere_is_refused(capsys, orgs, ngo_member):
    code, out, err = run(capsys, "org", "invite", str(orgs[1].pk), "--email", ngo_member.email)
    assert (code, out) == (1, "")
    assert err == (
        f"naptrack: email: {ngo_member.email} is already a member of Vrouwen voor Vrede; "
        "a person belongs to one organisation.\n"
    )
    assert list(Member.objects.values_list("organisation", flat=True)) == [orgs[0].pk]


def test_a_staff_address_or_a_bad_one_or_an_unknown_organisation_is_refused(capsys, orgs, focal_defence):
    code, _, err = run(capsys, "org", "invite", str(orgs[0].pk), "--email", focal_defence.email)
    assert code == 1 and "already has an account at naptrack" in err
    code, _, err = run(capsys, "org", "invite", str(orgs[0].pk), "--email", "not an address")
    assert code == 1 and err == "naptrack: email: Enter a valid e-mail address.\n"
    code, _, err = run(capsys, "org", "invite", "424242", "--email", "x@example.org")
    assert code == 1 and err.startswith("naptrack: ORG_ID: no organisation 424242")
    assert "invalid choice: 'de'" in usage_error(capsys, "org", "invite", "1", "--email", "x@y.z", "--language", "de")
    assert not Member.objects.exists() and User.objects.filter(role_name_filter()).count() == 0


def role_name_filter():
    from django.db.models import Q

    return Q(groups__name="civil-society")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_server_that_refuses_leaves_nothing_behind(capsys, orgs, settings):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    code, _, err = run(capsys, "org", "invite", str(orgs[0].pk), "--email", "jan@vrede.example")
    assert code == 1
    assert err == (
        "naptrack: the e-mail could not be sent (Connection unexpectedly closed); nothing was saved, "
        "run the command again\n"
    )
    assert not User.objects.filter(email="jan@vrede.example").exists() and not Member.objects.exists()
    assert not AuditEvent.objects.filter(action="civilsociety.member.invited").exists()


# --- org list -------------------------------------------------------------------------------------


def test_list_says_when_there_is_nothing(capsys, plan):
    code, out, _ = run(capsys, "org", "list")
    assert code == 0 and out.startswith("no organisation yet")


def test_list_shows_members_and_assessments(capsys, orgs, ngo_member, open_round):
    ngo, kivu = orgs
    services.assessment_create(actor=ngo_member, round=open_round, action=Action.objects.get(code="17.a"))
    services.assessment_create(actor=ngo_member, round=open_round, action=Action.objects.get(code="23.a"))
    code, out, _ = run(capsys, "org", "list")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "NAME", "COUNTRY", "KIND", "MEMBERS", "ASSESSMENTS"]
    assert [row.split() for row in rows] == [
        [str(kivu.pk), "Femmes", "Solidaires", "du", "Kivu", "CD", "womens-organisation", "0", "0"],
        [str(ngo.pk), "Vrouwen", "voor", "Vrede", "BE", "ngo", "1", "2"],
    ]


# --- a person's data ------------------------------------------------------------------------------


@pytest.fixture
def listed(coordinator, orgs, ngo_member):
    field = services.expertise_field_add(actor=coordinator, name="Gender and security sector reform")
    listing = services.expert_add(
        actor=ngo_member, name="An Peeters", email=ngo_member.email, fields=[field], languages=["nl"], countries=["CD"]
    )
    services.expert_consent_give(actor=ngo_member, expert=listing, purpose="Listed in the public directory.")
    return listing


def test_person_export_writes_json_to_standard_output(capsys, listed, ngo_member):
    code, out, err = run(capsys, "org", "person-export", ngo_member.email)
    assert code == 0
    data = json.loads(out)
    assert data["email"] == ngo_member.email
    assert [a["organisation"] for a in data["accounts"]] == ["Vrouwen voor Vrede"]
    [listing] = data["listings"]
    assert listing["name"] == "An Peeters" and listing["fields"] == ["Gender and security sector reform"]
    assert [c["action"] for c in listing["consent"]] == ["given"]
    assert err == f"{ngo_member.email}: 1 account(s), 1 listing(s)\n"
    assert AuditEvent.objects.filter(action="civilsociety.person.exported").count() == 1


def test_person_export_to_a_file(capsys, listed, ngo_member, tmp_path):
    path = tmp_path / "an.json"
    code, out, _ = run(capsys, "org", "person-export", ngo_member.email, "-o", str(path), "--as", "coordinator")
    assert code == 0
    assert out == f"wrote {path}: 1 account(s), 1 listing(s) held about {ngo_member.email}\n"
    assert json.loads(path.read_text(encoding="utf-8"))["listings"][0]["countries"] == ["CD"]


def test_person_export_of_an_address_nothing_is_held_about_is_empty(capsys, plan):
    code, out, _ = run(capsys, "org", "person-export", "nobody@example.org")
    assert code == 0
    assert json.loads(out) == {"email": "nobody@example.org", "accounts": [], "listings": []}


def test_person_export_to_a_missing_directory_writes_nothing(capsys, listed, ngo_member, tmp_path):
    code, out, err = run(capsys, "org", "person-export", ngo_member.email, "-o", str(tmp_path / "no" / "an.json"))
    assert (code, out) == (1, "")
    assert err.startswith("naptrack: cannot write") and "no directory" in err
    assert not AuditEvent.objects.filter(action="civilsociety.person.exported").exists()


def test_person_export_as_someone_else_is_refused(capsys, listed, ngo_member, reader):
    code, out, err = run(capsys, "org", "person-export", ngo_member.email, "--as", "reader")
    assert (code, out) == (1, "")
    assert "--as must name a coordinator" in err


def test_person_erase_needs_yes_and_then_erases(capsys, listed, ngo_member, plan, coordinator, orgs):
    event = services.event_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation",
        date=dt.date(2014, 11, 20),
        organiser=Department.objects.get(code="foreign-affairs"),
        attending=[orgs[0]],
        women=31,
        men=9,
    )
    assert "add --yes to confirm" in usage_error(capsys, "org", "person-erase", ngo_member.email)
    assert Expert.objects.exists()
    code, out, err = run(capsys, "org", "person-erase", ngo_member.email, "--yes", "--as", "coordinator")
    assert (code, err) == (0, "")
    assert out == (
        f"erased {ngo_member.email}: 1 account(s) closed and emptied, 1 listing(s) deleted; consent records "
        "and counts of participants by sex kept, without the person\n"
    )
    ngo_member.refresh_from_db()
    assert ngo_member.email == "" and not ngo_member.is_active and not Expert.objects.exists()
    event.refresh_from_db()
    assert (event.women, event.men) == (31, 9)


def test_erasing_an_unknown_address_is_refused(capsys, plan):
    code, out, err = run(capsys, "org", "person-erase", "nobody@example.org", "--yes")
    assert (code, out) == (1, "")
    assert err == "naptrack: email: Nothing is held about nobody@example.org.\n"
    assert not AuditEvent.objects.filter(action="civilsociety.person.erased").exists()


def test_a_coordinators_account_is_not_erased(capsys, coordinator):
    code, _, err = run(capsys, "org", "person-erase", coordinator.email, "--yes")
    assert code == 1 and err == "naptrack: email: A coordinator's account is not erased this way.\n"
    coordinator.refresh_from_db()
    assert coordinator.is_active and coordinator.email


# --- event list -----------------------------------------------------------------------------------


def test_event_list_shows_dates_participants_and_recommendations(capsys, plan, coordinator, orgs):
    foreign = Department.objects.get(code="foreign-affairs")
    mid = services.event_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation",
        date=dt.date(2014, 11, 20),
        organiser=foreign,
        women=31,
        men=9,
        other=1,
        public=True,
    )
    final = services.event_create(
        actor=coordinator,
        plan=plan,
        kind="final",
        title="Final consultation",
        date=dt.date(2016, 12, 5),
        organiser=foreign,
    )
    for text in ("Train all judges.", "Count women in missions."):
        services.recommendation_add(actor=coordinator, event=mid, text=text, actions=[Action.objects.get(code="17.a")])
    code, out, _ = run(capsys, "event", "list", "--plan", BE)
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["ID", "DATE", "KIND", "TITLE", "PUBLIC", "WOMEN", "MEN", "OTHER", "RECOMMENDATIONS"]
    assert [row.split() for row in rows] == [
        [str(mid.pk), "2014-11-20", "mid-term", "Mid-term", "consultation", "yes", "31", "9", "1", "2"],
        [str(final.pk), "2016-12-05", "final", "Final", "consultation", "no", "-", "-", "-", "0"],
    ]


def test_event_list_of_a_plan_without_events(capsys, plan):
    code, out, _ = run(capsys, "event", "list", "--plan", BE)
    assert code == 0 and out == f"no event recorded for plan {BE} yet\n"
    assert not Event.objects.exists()


def test_event_list_of_an_unknown_plan_is_refused(capsys, plan):
    code, out, err = run(capsys, "event", "list", "--plan", "fr-nap-2015")
    assert (code, out) == (1, "")
    assert err == f"naptrack: no plan 'fr-nap-2015'; plans in this installation: {BE}\n"
    assert "required: --plan" in usage_error(capsys, "event", "list")
