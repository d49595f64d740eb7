"""Accounts: Argon2 hashes, roles as groups, login, and throttled failed logins."""

from __future__ import annotations

import pytest
from django.test import Client

from naptrack.accounts.models import Role, User
from naptrack.audit.models import AuditEvent

PASSWORD = "correct horse battery staple"


def test_roles_are_groups_and_focal_points_belong_to_a_department(coordinator, focal_defence, reader):
    assert coordinator.role == Role.COORDINATOR and coordinator.is_staff
    assert focal_defence.role == Role.FOCAL_POINT and focal_defence.department.code == "defence"
    assert reader.role == Role.READER and not reader.is_staff
    assert list(focal_defence.groups.values_list("name", flat=True)) == ["focal-point"]


@pytest.mark.argon2
def test_passwords_are_hashed_with_argon2(coordinator):
    assert coordinator.password.startswith("argon2$argon2id$")


def test_user_creation_is_audited(coordinator):
    event = AuditEvent.objects.get(action="accounts.user.created", target_id=str(coordinator.pk))
    assert event.data == {"role": "coordinator", "department": None, "email": "coordinator@example.org"}


def test_login_page_and_login(coordinator, django_assert_max_num_queries):
    client = Client()
    with django_assert_max_num_queries(1):
        response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'autocomplete="current-password"' in response.content.decode()
    response = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302
    # Signed in with the password; a coordinator's second factor comes next (test_two_factor.py).
    assert client.session["_auth_user_id"] == str(coordinator.pk)
    assert client.get("/")["Location"].startswith("/accounts/two-factor/?next=")


def test_wrong_password_is_refused_with_a_message(coordinator):
    response = Client().post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_failed_logins_are_throttled(coordinator):
    client = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
    # The right password no longer opens the account from this address.
    response = client.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttling_is_per_username_and_address(coordinator, reader):
    attacker = Client(REMOTE_ADDR="192.0.2.10")
    for _ in range(5):
        attacker.post("/accounts/login/", {"username": "coordinator", "password": "wrong"})
    colleague = Client(REMOTE_ADDR="192.0.2.20")
    response = colleague.post("/accounts/login/", {"username": "coordinator", "password": PASSWORD})
    assert response.status_code == 302


def test_logout(coordinator_client):
    response = coordinator_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in coordinator_client.session


@pytest.mark.django_db
def test_usernames_are_unique_regardless_of_case(reader):
    from django.core.exceptions import ValidationError

    from naptrack.accounts.services import user_create

    with pytest.raises(ValidationError):
        user_create(actor="tests", username="READER", role="reader", password=PASSWORD)
    assert User.objects.filter(username__iexact="reader").count() == 1
