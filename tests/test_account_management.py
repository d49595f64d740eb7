"""Accounts without a superuser: coordinators invite people with a one-time link, change their role
and department, deactivate and reactivate their account; people change their password and reset
a forgotten one by e-mail. Every change audited, and only coordinators manage accounts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from naptrack.accounts import invitations
from naptrack.accounts.models import Invitation, Role, User
from naptrack.accounts.services import user_deactivate, user_reactivate, user_set_role
from naptrack.accounts.system import SystemActor
from naptrack.audit.models import AuditEvent
from tests.conftest import logged_in

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2016"


def link_in(message) -> str:
    (link,) = re.findall(r"http://\S+", message.body)
    return link.removeprefix("http://127.0.0.1:8000")


def invite(actor, email="marie.dupont@example.org", role="focal-point", department="justice", **kwargs):
    return invitations.user_invite(actor=actor, email=email, role=role, department_code=department, **kwargs)


def events(action: str, user: User) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(user.pk)))


# --- invitations ----------------------------------------------------------------------------------


def test_an_invitation_creates_a_closed_account_and_mails_a_one_time_link(coordinator, mailoutbox):
    sent = invite(coordinator, first_name="Marie", last_name="Dupont")
    person = User.objects.get(email="marie.dupont@example.org")
    assert person.username == "marie.dupont@example.org"
    assert (person.role, person.department.code) == (Role.FOCAL_POINT, "justice")
    assert not person.is_active and not person.has_usable_password()
    (message,) = mailoutbox
    assert message.to == ["marie.dupont@example.org"]
    assert "You are invited" in message.subject
    assert "Your username is: marie.dupont@example.org" in message.body
    assert link_in(message).startswith("/accounts/invitation/")
    # Only a hash of the key is kept; the link expires after NAPTRACK_INVITATION_DAYS.
    key = link_in(message).rstrip("/").rsplit("/", 1)[1]
    invitation = Invitation.objects.get(user=person)
    assert key not in invitation.key_hash and sent.link.endswith(f"/{key}/")
    assert invitation.expires - invitation.created == pytest.approx(dt.timedelta(days=7), abs=dt.timedelta(seconds=5))
    (event,) = events("accounts.user.invited", person)
    assert event.actor == coordinator
    assert event.data["role"] == "focal-point" and event.data["department"] == "justice"


def test_the_invitation_is_in_the_persons_language(coordinator, mailoutbox):
    invite(coordinator, language="fr")
    assert "/fr/accounts/invitation/" in mailoutbox[0].body
    assert mailoutbox[0].extra_headers["Content-Language"] == "fr"


def test_accepting_the_invitation_sets_the_password_and_opens_the_account(coordinator, mailoutbox):
    invite(coordinator, username="mdupont")
    url = link_in(mailoutbox[0])
    client = Client()
    page = client.get(url)
    assert page.status_code == 200 and "mdupont" in page.content.decode()
    response = client.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    person = User.objects.get(username="mdupont")
    assert person.is_active and person.check_password(NEW_PASSWORD)
    assert events("accounts.invitation.accepted", person)
    login = client.post("/accounts/login/", {"username": "mdupont", "password": NEW_PASSWORD})
    assert login.status_code == 302 and client.session["_auth_user_id"] == str(person.pk)


def test_a_weak_password_is_refused_and_the_link_still_works(coordinator, mailoutbox):
    invite(coordinator)
    url = link_in(mailoutbox[0])
    response = Client().post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert response.status_code == 400
    assert not User.objects.get(email="marie.dupont@example.org").is_active
    assert Client().get(url).status_code == 200


def test_an_invitation_link_works_only_once(coordinator, mailoutbox):
    invite(coordinator)
    url = link_in(mailoutbox[0])
    Client().post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    again = Client().post(url, {"new_password1": "someone else's 2024", "new_password2": "someone else's 2024"})
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert User.objects.get(email="marie.dupont@example.org").check_password(NEW_PASSWORD)
    with pytest.raises(ValidationError):
        invitations.invitation_accept(key=url.rstrip("/").rsplit("/", 1)[1], password="another fine 2024 pass")


def test_an_expired_invitation_is_refused_with_its_date(coordinator, mailoutbox):
    invite(coordinator)
    Invitation.objects.update(expires=timezone.now() - dt.timedelta(minutes=1))
    url = link_in(mailoutbox[0])
    page = Client().get(url)
    assert page.status_code == 410 and "This invitation expired on" in page.content.decode()
    post = Client().post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert post.status_code == 410
    assert not User.objects.get(email="marie.dupont@example.org").is_active


def test_a_new_invitation_replaces_the_old_link(coordinator, mailoutbox):
    invite(coordinator)
    person = User.objects.get(email="marie.dupont@example.org")
    invitations.invitation_resend(actor=coordinator, user=person)
    old, new = link_in(mailoutbox[0]), link_in(mailoutbox[1])
    assert Client().get(old).status_code == 404
    assert "not a valid invitation" in Client().get(old).content.decode()
    assert Client().get(new).status_code == 200
    assert Client().get("/accounts/invitation/made-up/").status_code == 404


def test_inviting_a_pending_address_again_sends_a_new_link_with_the_new_role(coordinator, mailoutbox):
    invite(coordinator)
    invite(coordinator, email="Marie.Dupont@example.org", role="coordinator", department=None)
    person = User.objects.get(email__iexact="marie.dupont@example.org")
    assert person.role == Role.COORDINATOR and person.is_staff and person.department is None
    assert Client().get(link_in(mailoutbox[0])).status_code == 404
    assert Client().get(link_in(mailoutbox[1])).status_code == 200
    assert events("accounts.user.invited", person)[0].data["again"] is True


def test_an_address_with_an_account_is_not_invited_again(coordinator, focal_defence, mailoutbox):
    with pytest.raises(ValidationError) as error:
        invite(coordinator, email="FOCAL-DEFENCE@example.org")
    assert "focal-defence already has an account" in str(error.value)
    with pytest.raises(ValidationError):
        invite(coordinator, email="someone@example.org", username="Focal-Defence")
    with pytest.raises(ValidationError):
        invite(coordinator, email="someone@example.org", role="focal-point", department=None)
    assert not mailoutbox


# --- roles, deactivation --------------------------------------------------------------------------


def test_a_role_change_is_audited_with_before_and_after(coordinator, focal_defence):
    user_set_role(actor=coordinator, user=focal_defence, role="focal-point", department_code="justice")
    focal_defence.refresh_from_db()
    assert focal_defence.department.code == "justice"
    user_set_role(actor=coordinator, user=focal_defence, role="reader")
    assert User.objects.get(pk=focal_defence.pk).role == Role.READER
    first, second = reversed(events("accounts.user.role_set", focal_defence))
    assert first.data == {"department": ["defence", "justice"], "tokens_revoked": 0}
    assert second.data["role"] == ["focal-point", "reader"]


def test_a_coordinator_is_staff_and_stops_being_so(coordinator, reader):
    user_set_role(actor=coordinator, user=reader, role="coordinator")
    assert User.objects.get(pk=reader.pk).is_staff
    user_set_role(actor=coordinator, user=reader, role="reader")
    assert not User.objects.get(pk=reader.pk).is_staff


def test_the_last_coordinator_stays(coordinator, reader):
    with pytest.raises(ValidationError, match="only active coordinator"):
        user_set_role(actor=SystemActor("cli:tests"), user=coordinator, role="reader")
    with pytest.raises(ValidationError, match="only active coordinator"):
        user_deactivate(actor=SystemActor("cli:tests"), user=coordinator)
    user_set_role(actor=coordinator, user=reader, role="coordinator")
    user_set_role(actor=coordinator, user=User.objects.get(pk=coordinator.pk), role="reader")


def test_a_deactivated_person_cannot_log_in_and_their_session_ends(coordinator, focal_defence):
    session = logged_in(focal_defence)
    assert session.get("/accounts/profile/").status_code == 200
    user_deactivate(actor=coordinator, user=focal_defence)
    assert session.get("/accounts/profile/").status_code == 302
    client = Client()
    client.post("/accounts/login/", {"username": "focal-defence", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert events("accounts.user.deactivated", focal_defence)


def test_a_reactivated_person_logs_in_again(coordinator, focal_defence):
    user_deactivate(actor=coordinator, user=focal_defence)
    user_reactivate(actor=coordinator, user=User.objects.get(pk=focal_defence.pk))
    client = Client()
    client.post("/accounts/login/", {"username": "focal-defence", "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(focal_defence.pk)
    assert events("accounts.user.reactivated", focal_defence)


def test_deactivating_an_invited_person_cancels_the_link(coordinator, mailoutbox):
    sent = invite(coordinator)
    user_deactivate(actor=coordinator, user=sent.user)
    assert Client().get(link_in(mailoutbox[0])).status_code == 404
    with pytest.raises(ValidationError, match="never accepted"):
        user_reactivate(actor=coordinator, user=sent.user)


def test_nobody_deactivates_their_own_account(coordinator, reader):
    user_set_role(actor=coordinator, user=reader, role="coordinator")
    with pytest.raises(ValidationError, match="your own account"):
        user_deactivate(actor=coordinator, user=coordinator)


# --- who may --------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["focal_defence", "reader"])
def test_only_coordinators_manage_accounts(request, persona, focal_justice, mailoutbox):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        invite(actor)
    with pytest.raises(PermissionDenied):
        user_set_role(actor=actor, user=focal_justice, role="coordinator")
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=actor, user=focal_justice)
    client = logged_in(actor)
    assert client.get("/accounts/people/").status_code == 403
    assert client.get("/accounts/people/invite/").status_code == 403
    assert client.post("/accounts/people/invite/", {"email": "x@example.org", "role": "reader"}).status_code == 403
    assert client.get(f"/accounts/people/{focal_justice.pk}/").status_code == 403
    assert client.post(f"/accounts/people/{focal_justice.pk}/", {"role": "coordinator"}).status_code == 403
    assert client.post(f"/accounts/people/{focal_justice.pk}/deactivate/").status_code == 403
    assert User.objects.get(pk=focal_justice.pk).role == Role.FOCAL_POINT and not mailoutbox


def test_anonymous_visitors_are_sent_to_log_in(plan, anonymous):
    for url in ("/accounts/profile/", "/accounts/people/", "/accounts/profile/password/"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_header_links_to_my_account_and_for_coordinators_to_people(coordinator_client, focal_defence_client):
    coordinator_page = coordinator_client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/people/"' in coordinator_page and "My account" in coordinator_page
    focal_page = focal_defence_client.get("/accounts/profile/").content.decode()
    assert 'href="/accounts/people/"' not in focal_page and 'href="/accounts/profile/"' in focal_page


def test_the_people_list_and_a_person_s_page_show_their_status(coordinator, focal_defence, mailoutbox):
    from django.utils.formats import date_format

    marie = invite(coordinator).user
    jan = invite(coordinator, email="jan.peeters@example.org").user
    Invitation.objects.filter(user=jan).update(expires=timezone.now() - dt.timedelta(minutes=1))
    user_deactivate(actor=coordinator, user=focal_defence)
    client = logged_in(coordinator)
    html = client.get("/accounts/people/").content.decode()

    def status(person: User) -> str:
        row = html.split(f">{person.username}</a></th>", 1)[1].split("</tr>", 1)[0]
        return row.rsplit("<td>", 1)[1].split("</td>", 1)[0]

    until = date_format(timezone.localtime(Invitation.objects.get(user=marie).expires), "DATE_FORMAT")
    invited = '<span class="badge text-bg-info">Invited</span> <span class="small">'
    assert status(coordinator) == '<span class="badge text-bg-success">Active</span>'
    assert status(focal_defence) == '<span class="badge text-bg-secondary">Deactivated</span>'
    assert status(marie) == f"{invited}(until {until})</span>"
    assert status(jan) == f"{invited}(the link has expired)</span>"
    page = client.get(f"/accounts/people/{jan.pk}/").content.decode()
    assert '<span class="small">(the link has expired)</span>' in page
