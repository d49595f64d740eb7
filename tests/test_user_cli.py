"""`naptrack user invite|set-role|deactivate|reactivate|reset-password`: the same services as the
People screen, acting as the installation, audited; one-line reasons and exit status 1 on failure."""

from __future__ import annotations

import re

import pytest

from naptrack import cli
from naptrack.accounts.models import Role, User
from naptrack.api.models import ApiToken
from naptrack.api.services import token_issue
from naptrack.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def console_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


@pytest.mark.parametrize("action", ["invite", "set-role", "deactivate", "reactivate", "reset-password"])
def test_every_new_subcommand_has_help(capsys, action):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["user", action, "--help"])
    assert exit_info.value.code == 0
    assert "usage: naptrack user" in capsys.readouterr().out


def test_invite_sends_the_link_and_says_so(plan, capsys, mailoutbox):
    code, out, err = run(
        capsys, "user", "invite", "an.peeters@example.org", "--role", "focal-point", "--department", "defence"
    )
    assert (code, err) == (0, "")
    assert out.startswith(
        "invitation sent to an.peeters@example.org (user an.peeters@example.org, focal-point of defence)"
    )
    assert "link:" not in out  # mails really go out (locmem in tests): the link is not printed
    person = User.objects.get(email="an.peeters@example.org")
    assert not person.is_active and person.role == Role.FOCAL_POINT
    assert len(mailoutbox) == 1
    event = AuditEvent.objects.get(action="accounts.user.invited")
    assert event.actor_name.startswith("cli:") and event.target_id == str(person.pk)


def test_invite_prints_the_link_when_mail_goes_to_the_console(plan, capsys, console_mail):
    code, out, _ = run(capsys, "user", "invite", "jo@example.org", "--role", "reader", "--username", "jo")
    assert code == 0
    (link,) = re.findall(r"^link: (\S+)$", out, re.MULTILINE)
    assert "/accounts/invitation/" in link and User.objects.get(username="jo").email == "jo@example.org"


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["not-an-address", "--role", "reader"], "email: Enter a valid e-mail address."),
        (["x@example.org", "--role", "focal-point"], "department: A focal point needs a department"),
        (["x@example.org", "--role", "reader", "--department", "nowhere"], "department: Unknown department nowhere"),
        (["focal-defence@example.org", "--role", "reader"], "focal-defence already has an account"),
    ],
)
def test_invite_refuses_bad_input(capsys, focal_defence, mailoutbox, argv, reason):
    code, _, err = run(capsys, "user", "invite", *argv)
    assert code == 1 and reason in err and err.startswith("naptrack: ")
    assert not mailoutbox


def test_set_role_changes_role_and_department_and_revokes_tokens(capsys, focal_defence, coordinator):
    token_issue(user=focal_defence)
    code, out, err = run(
        capsys, "user", "set-role", "focal-defence", "--role", "focal-point", "--department", "justice"
    )
    assert (code, err) == (0, "")
    assert out == "user focal-defence is now focal-point of justice; API tokens issued before no longer work\n"
    assert User.objects.get(username="focal-defence").department.code == "justice"
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.get(action="accounts.user.role_set").actor_name.startswith("cli:")


def test_set_role_refuses_an_unknown_user_and_the_last_coordinator(capsys, coordinator):
    code, _, err = run(capsys, "user", "set-role", "nobody", "--role", "reader")
    assert code == 1 and "no user 'nobody'" in err
    code, _, err = run(capsys, "user", "set-role", "coordinator", "--role", "reader")
    assert code == 1 and "coordinator is the only active coordinator" in err


def test_deactivate_and_reactivate(capsys, focal_defence, coordinator):
    token_issue(user=focal_defence)
    code, out, _ = run(capsys, "user", "deactivate", "focal-defence")
    assert code == 0 and out.startswith("user focal-defence deactivated")
    assert not User.objects.get(username="focal-defence").is_active and not ApiToken.objects.exists()
    code, _, err = run(capsys, "user", "deactivate", "focal-defence")
    assert code == 1 and "focal-defence is already deactivated." in err
    code, out, _ = run(capsys, "user", "reactivate", "focal-defence")
    assert (code, out) == (0, "user focal-defence reactivated\n")


def test_reset_password_mails_a_link(capsys, focal_defence, mailoutbox):
    code, out, err = run(capsys, "user", "reset-password", "focal-defence")
    assert (code, err) == (0, "")
    assert out == "password reset link sent to focal-defence@example.org for user focal-defence\n"
    (message,) = mailoutbox
    assert "/accounts/password-reset/" in message.body
    assert AuditEvent.objects.filter(action="accounts.user.password_reset_sent").exists()


def test_reset_password_prints_the_link_for_the_console(capsys, focal_defence, console_mail):
    code, out, _ = run(capsys, "user", "reset-password", "focal-defence")
    assert code == 0 and re.search(r"^link: http://127\.0\.0\.1:8000/accounts/password-reset/\S+$", out, re.MULTILINE)


def test_reset_password_refuses_a_deactivated_account(capsys, coordinator, focal_defence, mailoutbox):
    run(capsys, "user", "deactivate", "focal-defence")
    code, _, err = run(capsys, "user", "reset-password", "focal-defence")
    assert code == 1 and "focal-defence is deactivated" in err
    assert not mailoutbox


def test_a_mail_server_down_is_one_line(capsys, plan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # the discard port: nothing listens
    code, _, err = run(capsys, "user", "invite", "x@example.org", "--role", "reader")
    assert code == 1
    assert err.startswith("naptrack: the e-mail could not be sent (") and len(err.splitlines()) == 1
    # The account and its invitation stay: inviting again sends a new link.
    assert User.objects.filter(email="x@example.org").exists()
