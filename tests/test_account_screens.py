"""The account screens: the coordinator's people list, person page and invitation form; a person's
profile and password pages; the "Forgot your password?" pages. What they show, what their forms
do, and how many queries each makes."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client

from naptrack.accounts import invitations
from naptrack.accounts.models import Role, User
from naptrack.accounts.services import user_create, user_deactivate
from naptrack.api.services import token_issue
from naptrack.audit.models import AuditEvent
from tests.conftest import logged_in

PASSWORD = "correct horse battery staple"


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def many_people(n: int) -> None:
    for i in range(n):
        user_create(
            actor="tests",
            username=f"person-{i:03}",
            role="focal-point" if i % 2 else "reader",
            department_code="defence" if i % 2 else None,
            password=PASSWORD,
            check_password=False,
        )


# --- the people list ------------------------------------------------------------------------------


def test_the_people_list_shows_each_person_with_role_department_and_status(
    coordinator, coordinator_client, focal_defence, reader, mailoutbox
):
    invitations.user_invite(actor=coordinator, email="new@example.org", role="reader")
    user_deactivate(actor=coordinator, user=reader)
    html = page(coordinator_client, "/accounts/people/")
    assert "4 people" in html
    row = html[html.index("focal-defence</a>") :].split("</tr>")[0]
    assert "Focal point" in row and "Defence" in row and "Active" in row
    assert "Invited" in html[html.index("new@example.org</a>") :].split("</tr>")[0]
    assert "Deactivated" in html[html.index(">reader</a>") :].split("</tr>")[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("role=focal-point", ["focal-defence", "focal-justice"]),
        ("department=justice", ["focal-justice"]),
        ("department=+justice+", ["focal-justice"]),
        ("status=deactivated", ["reader"]),
        ("status=active&role=reader", []),
    ],
)
def test_the_people_list_filters(
    coordinator, coordinator_client, focal_defence, focal_justice, reader, query, expected
):
    user_deactivate(actor=coordinator, user=reader)
    html = page(coordinator_client, f"/accounts/people/?{query}")
    shown = re.findall(r'href="/accounts/people/\d+/">([^<]+)</a>', html)
    assert shown == expected


def test_the_people_list_says_when_no_department_has_the_code(coordinator_client, focal_defence):
    html = page(coordinator_client, "/accounts/people/?department=nowhere")
    assert "No department has this code." in html


def test_the_people_list_comes_a_page_at_a_time_at_a_fixed_cost(
    coordinator_client, django_assert_num_queries, focal_defence
):
    many_people(110)
    # session, user, roles (header), count, page, its roles (the department filter is a code to
    # type: no list of every department)
    with django_assert_num_queries(6):
        first = page(coordinator_client, "/accounts/people/?role=focal-point")
    assert "56 people" in first and 'rel="next" href="?role=focal-point&amp;page=2"' in first
    with django_assert_num_queries(6):
        page(coordinator_client, "/accounts/people/")
    # ... and the department of the code typed
    with django_assert_num_queries(7):
        page(coordinator_client, "/accounts/people/?department=defence")
    # Twenty-five a page: the last of the fifty-six on the third.
    last = page(coordinator_client, "/accounts/people/?role=focal-point&page=3")
    assert "person-109" in last and "person-001" not in last and 'rel="next"' not in last


# --- a person's page ------------------------------------------------------------------------------


def test_the_person_page_changes_role_and_department(coordinator_client, focal_defence, django_assert_num_queries):
    url = f"/accounts/people/{focal_defence.pk}/"
    # session, user, roles (header), person, their roles, their history, departments and plans (form)
    with django_assert_num_queries(8):
        html = page(coordinator_client, url)
    assert "accounts.user.created" in html and 'value="defence" selected' in html
    response = coordinator_client.post(url, {"role": "focal-point", "department": "justice"})
    assert response.status_code == 302
    assert User.objects.get(pk=focal_defence.pk).department.code == "justice"
    refused = coordinator_client.post(url, {"role": "focal-point", "department": ""})
    assert refused.status_code == 400 and "A focal point needs a department" in refused.content.decode()


def test_the_person_page_deactivates_reactivates_and_sends_a_reset_link(coordinator_client, focal_defence, mailoutbox):
    base = f"/accounts/people/{focal_defence.pk}"
    coordinator_client.post(f"{base}/reset-password/")
    (message,) = mailoutbox
    assert "/accounts/password-reset/" in message.body and "Choose a new password" in message.subject
    coordinator_client.post(f"{base}/deactivate/")
    assert not User.objects.get(pk=focal_defence.pk).is_active
    html = page(coordinator_client, f"{base}/")
    assert "Reactivate the account" in html and "Deactivate the account" not in html
    coordinator_client.post(f"{base}/reactivate/")
    assert User.objects.get(pk=focal_defence.pk).is_active
    assert coordinator_client.post(f"{base}/explode/").status_code == 404
    assert coordinator_client.get(f"{base}/deactivate/").status_code == 405


def test_a_coordinator_is_not_offered_to_deactivate_themselves(coordinator, coordinator_client):
    html = page(coordinator_client, f"/accounts/people/{coordinator.pk}/")
    assert "Deactivate the account" not in html
    coordinator_client.post(f"/accounts/people/{coordinator.pk}/deactivate/")
    assert User.objects.get(pk=coordinator.pk).is_active


# --- inviting from the browser --------------------------------------------------------------------


def test_the_invitation_form_invites(coordinator_client, django_assert_num_queries, mailoutbox):
    # session, user, roles (header), departments and plans (form)
    with django_assert_num_queries(5):
        html = page(coordinator_client, "/accounts/people/invite/")
    assert 'name="email"' in html and "works once, for 7 days" in html
    data = {"email": "Jan.Peeters@example.org", "role": "focal-point", "department": "defence", "language": "nl"}
    response = coordinator_client.post("/accounts/people/invite/", data)
    person = User.objects.get(email__iexact="jan.peeters@example.org")
    assert response.status_code == 302 and response["Location"] == f"/accounts/people/{person.pk}/"
    assert "/nl/accounts/invitation/" in mailoutbox[0].body
    assert "An invitation was sent to" in page(coordinator_client, response["Location"])


def test_the_invitation_form_says_what_is_wrong(coordinator_client, focal_defence, mailoutbox):
    data = {"email": "focal-defence@example.org", "role": "focal-point", "department": "", "language": "en"}
    response = coordinator_client.post("/accounts/people/invite/", data)
    assert response.status_code == 400
    assert "A focal point needs a department" in response.content.decode()
    assert not mailoutbox


def test_a_mail_server_down_is_said_and_the_invitation_can_be_sent_again(coordinator_client, settings, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail.EmailMessage, "send", down)
    data = {"email": "x@example.org", "role": "reader", "department": "", "language": "en"}
    response = coordinator_client.post("/accounts/people/invite/", data, follow=True)
    assert "The e-mail could not be sent (Connection refused)" in response.content.decode()
    assert "Send a new invitation" in response.content.decode()


# --- a person's own pages -------------------------------------------------------------------------


def test_the_profile_page_costs_the_same_with_tokens(focal_defence, django_assert_num_queries):
    client = logged_in(focal_defence)
    # session, user, roles (header and role), tokens, department
    with django_assert_num_queries(5):
        page(client, "/accounts/profile/")
    for _ in range(3):
        token_issue(user=focal_defence)
    with django_assert_num_queries(5):
        html = page(client, "/accounts/profile/")
    assert html.count(">Revoke<") == 3


def test_the_profile_links_to_two_factor_sign_in_when_it_exists(focal_defence):
    from django.urls import NoReverseMatch, reverse

    html = page(logged_in(focal_defence), "/accounts/profile/")
    try:
        url = reverse("accounts:two-factor")
    except NoReverseMatch:
        assert "Two-factor sign-in" not in html
    else:
        assert f'href="{url}">Two-factor sign-in' in html


def test_the_password_page_costs_little(focal_defence, django_assert_num_queries):
    client = logged_in(focal_defence)
    # session, user, roles (header)
    with django_assert_num_queries(3):
        html = page(client, "/accounts/profile/password/")
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html


# --- "Forgot your password?" ----------------------------------------------------------------------


def test_the_login_page_links_to_the_reset_page(plan, anonymous, django_assert_num_queries):
    assert 'href="/accounts/password-reset/"' in page(anonymous, "/accounts/login/")
    with django_assert_num_queries(0):
        assert "Forgot your password?" in page(anonymous, "/accounts/password-reset/")


def test_the_reset_page_does_not_say_whether_an_address_has_an_account(focal_defence, mailoutbox):
    known = Client().post("/accounts/password-reset/", {"email": "focal-defence@example.org"}, follow=True)
    unknown = Client().post("/accounts/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert len(mailoutbox) == 1
    requests = AuditEvent.objects.filter(action="accounts.password_reset.requested").order_by("id")
    assert [e.data["accounts"] for e in requests] == [1, 0]


def test_no_reset_link_for_a_closed_or_unopened_account(coordinator, focal_defence, mailoutbox):
    user_deactivate(actor=coordinator, user=focal_defence)
    invitations.user_invite(actor=coordinator, email="new@example.org", role="reader")
    mailoutbox.clear()
    for email in ("focal-defence@example.org", "new@example.org"):
        Client().post("/accounts/password-reset/", {"email": email})
    assert not mailoutbox


def test_reset_requests_are_limited_per_client_address_and_per_e_mail_address(focal_defence, settings, mailoutbox):
    settings.NAPTRACK_PASSWORD_RESET_LIMIT = 3
    client = Client(REMOTE_ADDR="192.0.2.10")
    for i in range(3):
        assert client.post("/accounts/password-reset/", {"email": f"probe{i}@example.org"}).status_code == 302
    limited = client.post("/accounts/password-reset/", {"email": "focal-defence@example.org"})
    assert limited.status_code == 429 and "Try again in an hour" in limited.content.decode()
    # Another address may still ask, until the e-mail address has had its share.
    for i in range(3):
        other = Client(REMOTE_ADDR=f"198.51.100.{i}")
        assert other.post("/accounts/password-reset/", {"email": "focal-defence@example.org"}).status_code == 302
    assert (
        Client(REMOTE_ADDR="203.0.113.5")
        .post("/accounts/password-reset/", {"email": "Focal-Defence@example.org"})
        .status_code
        == 429
    )
    assert len(mailoutbox) == 3


def test_a_reset_link_of_a_deactivated_account_opens_nothing(coordinator, focal_defence, mailoutbox):
    Client().post("/accounts/password-reset/", {"email": "focal-defence@example.org"})
    (link,) = re.findall(r"http://127\.0\.0\.1:8000(\S+)", mailoutbox[0].body)
    user_deactivate(actor=coordinator, user=focal_defence)
    assert "This link no longer works" in page(Client(), link)


def test_roles_shown_are_the_model_roles():
    assert {r.value for r in Role} == {"coordinator", "focal-point", "reader", "civil-society", "evaluator"}


def test_the_account_screens_offer_no_civil_society_role(coordinator):
    """Members of organisations are invited from their organisation's page, as its members."""
    from naptrack.accounts.forms import RoleForm

    assert "civil-society" not in dict(RoleForm.base_fields["role"].choices)
    with pytest.raises(ValidationError, match="organisation"):
        invitations.user_invite(actor=coordinator, email="ngo@example.org", role="civil-society")


def test_the_pages_reached_from_an_e_mail_cost_little(coordinator, focal_defence, django_assert_num_queries):
    sent = invitations.invitation_resend(
        actor=coordinator,
        user=invitations.user_invite(actor=coordinator, email="new@example.org", role="reader").user,
    )
    invitation = sent.link.removeprefix("http://127.0.0.1:8000")
    # the invitation with its person
    with django_assert_num_queries(1):
        assert "Open your account" in page(Client(), invitation)
    with django_assert_num_queries(1):
        page(Client(), "/accounts/invitation/unknown-key/", status=404)
    from naptrack.accounts.passwords import reset_link

    client = Client()
    link = reset_link(focal_defence).removeprefix("http://127.0.0.1:8000")
    # the person, and a new session holding the key (its id checked, saved in a savepoint)
    with django_assert_num_queries(5):
        form_url = client.get(link)["Location"]
    # the session, the person
    with django_assert_num_queries(2):
        assert "Choose a new password" in page(client, form_url)
    with django_assert_num_queries(0):
        page(Client(), "/accounts/password-reset/sent/")
    with django_assert_num_queries(0):
        page(Client(), "/accounts/password-reset/done/")
