"""API tokens do not survive a change of their holder's credentials: a token issued before a
password change or reset, a role or department change, or a deactivation is refused (401); each
person lists and revokes their own tokens on their profile page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from rest_framework.test import APIClient

from naptrack.accounts.services import user_deactivate, user_set_password, user_set_role
from naptrack.api.models import ApiToken
from naptrack.api.services import token_issue
from naptrack.audit.models import AuditEvent
from tests.conftest import logged_in

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new passphrase 2016"
API = "/api/v1/rounds/"


def bearer(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
    assert client.get(API).status_code == 200
    return client


def refused(client: APIClient) -> None:
    response = client.get(API)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or revoked token."


def test_the_token_after_a_password_change_is_refused(focal_defence):
    client = bearer(focal_defence)
    browser = logged_in(focal_defence)
    response = browser.post(
        "/accounts/profile/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    refused(client)
    # This session stays signed in; the new password gets a new token that works.
    assert browser.get("/accounts/profile/").status_code == 200
    token = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": NEW_PASSWORD}, format="json")
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {token.json()['token']}").get(API).status_code == 200
    event = AuditEvent.objects.get(action="accounts.user.password_changed")
    assert event.data == {"tokens_revoked": 1} and event.actor == focal_defence


def test_a_wrong_old_password_changes_nothing(focal_defence):
    client = bearer(focal_defence)
    response = logged_in(focal_defence).post(
        "/accounts/profile/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 400
    assert client.get(API).status_code == 200


def test_the_token_after_a_password_reset_is_refused(focal_defence, mailoutbox):
    client = bearer(focal_defence)
    browser = Client()
    response = browser.post("/accounts/password-reset/", {"email": "focal-defence@example.org"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password-reset/sent/"
    (message,) = mailoutbox
    (link,) = re.findall(r"http://127\.0\.0\.1:8000(\S+)", message.body)
    form_url = browser.get(link)["Location"]  # the key moves to the session, out of the address
    assert form_url.endswith("/set-password/")
    assert browser.get(form_url).status_code == 200
    done = browser.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/accounts/password-reset/done/"
    refused(client)
    focal_defence.refresh_from_db()
    assert focal_defence.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.get(action="accounts.user.password_reset").data == {"tokens_revoked": 1}
    # The link works once.
    again = Client()
    again.get(link)
    assert "This link no longer works" in again.get(form_url).content.decode()


@pytest.mark.parametrize(
    ("role", "department"), [("reader", None), ("focal-point", "justice")], ids=["role", "department"]
)
def test_the_token_after_a_role_or_department_change_is_refused(coordinator, focal_defence, role, department):
    client = bearer(focal_defence)
    user_set_role(actor=coordinator, user=focal_defence, role=role, department_code=department)
    refused(client)
    assert AuditEvent.objects.get(action="accounts.user.role_set").data["tokens_revoked"] == 1


def test_the_same_role_again_keeps_the_token(coordinator, focal_defence):
    client = bearer(focal_defence)
    user_set_role(actor=coordinator, user=focal_defence, role="focal-point", department_code="defence")
    assert client.get(API).status_code == 200
    assert not AuditEvent.objects.filter(action="accounts.user.role_set").exists()


def test_the_token_of_a_deactivated_account_is_refused_also_after_reactivation(coordinator, focal_defence):
    from naptrack.accounts.services import user_reactivate

    client = bearer(focal_defence)
    user_deactivate(actor=coordinator, user=focal_defence)
    refused(client)
    user_reactivate(actor=coordinator, user=focal_defence)
    refused(client)


def test_a_password_set_from_the_command_line_revokes_too(focal_defence):
    client = bearer(focal_defence)
    user_set_password(actor="cli:root", user=focal_defence, password=NEW_PASSWORD)
    refused(client)


def test_a_password_changed_in_the_admin_revokes_too(focal_defence, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = bearer(focal_defence)
    response = logged_in(admin).post(
        f"/admin/accounts/user/{focal_defence.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    refused(client)


def test_only_the_holder_or_a_coordinator_revokes_a_token(focal_defence, focal_justice):
    from django.core.exceptions import PermissionDenied

    from naptrack.api.services import token_revoke

    token = token_issue(user=focal_defence)[1]
    with pytest.raises(PermissionDenied):
        token_revoke(actor=focal_justice, token=token)
    token_revoke(actor=focal_defence, token=token)
    assert not ApiToken.objects.exists()


# --- the profile page -----------------------------------------------------------------------------


def test_the_profile_lists_the_persons_tokens_and_revokes_one(focal_defence, focal_justice):
    kept, revoked = bearer(focal_defence), bearer(focal_defence)
    theirs = token_issue(user=focal_justice)[1]
    mine = ApiToken.objects.filter(user=focal_defence).order_by("created")
    client = logged_in(focal_defence)
    html = client.get("/accounts/profile/").content.decode()
    assert html.count('action="/accounts/profile/tokens/') == 2
    assert f"/accounts/profile/tokens/{theirs.pk}/revoke/" not in html
    response = client.post(f"/accounts/profile/tokens/{mine[1].pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/"
    assert "was revoked" in client.get("/accounts/profile/").content.decode()
    refused(revoked)
    assert kept.get(API).status_code == 200
    event = AuditEvent.objects.get(action="api.token.revoked")
    assert event.actor == focal_defence and event.data["user"] == "focal-defence"


def test_nobody_revokes_another_persons_token_from_their_profile(focal_defence, coordinator):
    theirs = token_issue(user=focal_defence)[1]
    client = logged_in(coordinator)
    assert client.post(f"/accounts/profile/tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.get(f"/accounts/profile/tokens/{theirs.pk}/revoke/").status_code == 405
    assert ApiToken.objects.filter(pk=theirs.pk).exists()


def test_the_profile_shows_who_the_person_is(focal_defence):
    html = logged_in(focal_defence).get("/accounts/profile/").content.decode()
    for text in ("focal-defence", "Focal point", "Defence", "English", "You have no API token."):
        assert text in html
    assert 'href="/accounts/profile/password/"' in html


def test_a_role_or_activity_changed_in_the_admin_revokes_too(focal_defence, django_user_model):
    from django.contrib.auth.models import Group

    admin = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client = bearer(focal_defence)
    browser = logged_in(admin)
    url = f"/admin/accounts/user/{focal_defence.pk}/change/"
    form = browser.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        groups=[Group.objects.get(name="reader").pk],
        user_permissions=[],
        department="",
        is_active="on",
        date_joined_0=focal_defence.date_joined.strftime("%Y-%m-%d"),
        date_joined_1=focal_defence.date_joined.strftime("%H:%M:%S"),
        **{"invitations-TOTAL_FORMS": 0, "invitations-INITIAL_FORMS": 0},
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    response = browser.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    refused(client)
