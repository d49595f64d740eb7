"""Two-factor sign-in: a coordinator sets up an authenticator app before reaching anything,
signs in with a code or a recovery code (each works once), wrong codes are throttled, focal
points may work without one, a setting requires it of everyone, and a coordinator resets a lost
second factor. Everything is audited."""

from __future__ import annotations

import datetime as dt
import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from naptrack.accounts import twofactor
from naptrack.api.services import token_issue
from naptrack.audit.models import AuditEvent

from .conftest import logged_in
from .second_factor import code_at, key_from_secret, next_code

PASSWORD = "correct horse battery staple"
ENROL = "/accounts/two-factor/"
VERIFY = "/accounts/two-factor/verify/"
CODES = "/accounts/two-factor/recovery-codes/"


def password_step(user) -> Client:
    """A client past the login form only, as a person who just typed their password."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


def enrolled(user) -> list[str]:
    """Give `user` an authenticator app; returns their recovery codes."""
    secret = twofactor.secret_new()
    codes, _device = twofactor.two_factor_enrol(
        actor=user, secret=secret, token=code_at(bytes.fromhex(secret), int(time.time()) // 30)
    )
    return codes


def signed_in(user) -> Client:
    """A client past both steps."""
    client = password_step(user)
    response = client.post(VERIFY, {"code": next_code(user.username), "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/", response.content
    return client


def secret_on(page: str) -> str:
    return re.search(r'id="two-factor-secret">([A-Z2-7 ]+)<', page).group(1)


def events(action: str, user) -> int:
    return AuditEvent.objects.filter(action=action, target_id=str(user.pk)).count()


# --- without a device --------------------------------------------------------------------------


def test_coordinator_without_device_reaches_nothing_until_enrolled(coordinator):
    client = password_step(coordinator)
    for url in ("/rounds/", "/admin/", "/", "/work/", "/accounts/two-factor/verify/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{ENROL}?next="), url
    assert client.get("/rounds/")["Location"] == f"{ENROL}?next=%2Frounds%2F"
    assert client.get("/fr/rounds/")["Location"].startswith("/fr/accounts/two-factor/?next=")
    # The session's API answers as to a stranger; its public part still works.
    assert client.get("/api/v1/rounds/").status_code in (401, 403)
    assert client.get("/api/v1/plans/").status_code == 200
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_reader_needs_a_second_factor_too(reader):
    assert password_step(reader).get("/rounds/")["Location"].startswith(ENROL)


def test_bearer_token_calls_are_not_held(coordinator):
    client = password_step(coordinator)
    key, _token = token_issue(user=coordinator)
    response = client.get("/api/v1/rounds/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200


def test_focal_point_works_without_a_second_factor(focal_defence):
    client = password_step(focal_defence)
    assert client.get("/work/").status_code == 200
    assert client.session[twofactor.SESSION_STEP] == twofactor.STEP_NONE
    # Whether they have a device was read once, for the session: no page pays a query for it.
    with CaptureQueriesContext(connection) as signed_in_by_password:
        assert client.get("/work/").status_code == 200
    by_tests = logged_in(focal_defence)
    with CaptureQueriesContext(connection) as signed_in_by_tests:
        assert by_tests.get("/work/").status_code == 200
    assert len(signed_in_by_password) == len(signed_in_by_tests)


def test_setting_requires_it_of_everyone(settings, focal_defence):
    settings.NAPTRACK_2FA_REQUIRED_FOR_ALL = True
    assert password_step(focal_defence).get("/work/")["Location"] == f"{ENROL}?next=%2Fwork%2F"


def test_the_tests_mark_means_nothing_without_the_tests_setting(settings, coordinator):
    settings.NAPTRACK_2FA_TEST_SESSIONS = False
    assert logged_in(coordinator).get("/rounds/")["Location"].startswith(ENROL)


# --- enrolment ---------------------------------------------------------------------------------


def test_coordinator_enrols_with_a_code_from_the_secret(coordinator, django_assert_num_queries):
    client = password_step(coordinator)
    client.get("/rounds/")
    # Session, person, device, roles; the secret is written into the session (three queries).
    with django_assert_num_queries(7):
        response = client.get(ENROL, {"next": "/rounds/"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img" aria-label="QR code to scan with your authenticator app"' in page
    assert 'autocomplete="one-time-code"' in page and '<label class="form-label" for="id_code">' in page
    secret = secret_on(page)
    # The same secret after a reload: the person may scan it on the first visit and type later.
    assert secret_on(client.get(ENROL).content.decode()) == secret
    uri = twofactor.provisioning_uri(coordinator, client.session[twofactor.SESSION_SECRET])
    assert uri.startswith("otpauth://totp/naptrack%3Acoordinator?secret=") and uri.endswith("&issuer=naptrack")
    assert secret.replace(" ", "") in uri

    response = client.post(ENROL, {"code": "000000", "next": "/rounds/"})
    assert "That code does not match" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coordinator).exists()

    code = f"{totp(key_from_secret(secret)):06d}"
    response = client.post(ENROL, {"code": code, "next": "/rounds/"})
    assert response["Location"] == f"{CODES}?next=%2Frounds%2F"
    # Session, person, device, roles; the codes leave the session (three queries).
    with django_assert_num_queries(7):
        response = client.get(response["Location"])
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert 'href="/rounds/"' in response.content.decode()
    # Shown once.
    assert client.get(CODES)["Location"] == ENROL
    assert client.get("/rounds/").status_code == 200
    assert TOTPDevice.objects.get(user=coordinator).confirmed
    assert events("accounts.two_factor.enrolled", coordinator) == 1
    # The code that turned it on does not sign in again.
    again = password_step(coordinator)
    assert "not right" in again.post(VERIFY, {"code": code}).content.decode()


def test_a_password_alone_cannot_replace_an_existing_device(coordinator):
    enrolled(coordinator)
    client = password_step(coordinator)
    assert client.get(ENROL)["Location"] == f"{VERIFY}?next=%2Faccounts%2Ftwo-factor%2F"
    assert client.post(ENROL, {"code": "123456"})["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1


# --- signing in --------------------------------------------------------------------------------


def test_sign_in_with_a_code_from_the_app(coordinator, django_assert_num_queries):
    enrolled(coordinator)
    client = password_step(coordinator)
    response = client.get("/rounds/")
    assert response["Location"] == f"{VERIFY}?next=%2Frounds%2F"
    with django_assert_num_queries(4):
        response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200 and "<h1>Second step of signing in</h1>" in page
    assert 'name="next" value="/rounds/"' in page

    response = client.post(VERIFY, {"code": "000000", "next": "/rounds/"})
    assert response.status_code == 200 and "That code is not right" in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert events("accounts.two_factor.code_refused", coordinator) == 1
    TOTPDevice.objects.filter(user=coordinator).update(throttling_failure_timestamp=None)

    response = client.post(VERIFY, {"code": next_code("coordinator"), "next": "/rounds/"})
    assert response["Location"] == "/rounds/"
    assert client.get("/rounds/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_sign_in_with_a_recovery_code_that_works_once(coordinator):
    codes = enrolled(coordinator)
    client = password_step(coordinator)
    response = client.post(VERIFY, {"code": codes[3].upper(), "next": "/rounds/"}, follow=True)
    assert response.redirect_chain[0] == ("/rounds/", 302)
    assert "You signed in with a recovery code; 9 left." in response.content.decode()
    assert StaticToken.objects.filter(device__user=coordinator).count() == 9
    event = AuditEvent.objects.get(action="accounts.two_factor.recovery_code_used")
    assert event.actor == coordinator and event.data == {"recovery_codes_left": 9}

    response = password_step(coordinator).post(VERIFY, {"code": codes[3]})
    assert response.status_code == 200 and "was already used" in response.content.decode()
    # New codes, as the message suggests, keep the session signed in.
    assert client.post(CODES)["Location"] == f"{CODES}?next=%2Fstart%2F"  # then their work
    assert client.get("/rounds/").status_code == 200


def test_wrong_codes_are_throttled(coordinator):
    codes = enrolled(coordinator)
    client = password_step(coordinator)
    client.post(VERIFY, {"code": "000000"})
    # The next try, even with the right code, waits: 1 s after one failure, then 2, 4, 8 ...
    response = client.post(VERIFY, {"code": next_code("coordinator")})
    assert "Too many wrong codes. Wait 1 second and try again." in response.content.decode()
    assert client.get("/rounds/")["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=coordinator)
    assert device.throttling_failure_count == 1  # a try refused for waiting does not count
    # Recovery codes are counted apart, the same way.
    client.post(VERIFY, {"code": "aaaaaaaa"})
    assert "Too many wrong codes" in client.post(VERIFY, {"code": codes[0]}).content.decode()
    # After the wait, the right code works and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - dt.timedelta(seconds=2)
    )
    assert client.post(VERIFY, {"code": next_code("coordinator")})["Location"] == "/start/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_next_must_stay_on_this_site(coordinator):
    enrolled(coordinator)
    client = password_step(coordinator)
    response = client.post(VERIFY, {"code": next_code("coordinator"), "next": "https://evil.example/"})
    assert response["Location"] == "/start/"  # their own work instead


# --- focal points, optionally ------------------------------------------------------------------


def test_focal_point_turns_it_on_then_needs_the_code_then_turns_it_off(focal_defence):
    client = password_step(focal_defence)
    secret = secret_on(client.get(ENROL).content.decode())
    assert "Your account needs a second factor" not in client.get(ENROL).content.decode()
    client.post(ENROL, {"code": code_at(key_from_secret(secret), int(time.time()) // 30)})
    assert "Turn off two-factor sign-in" in client.get(ENROL).content.decode()

    later = password_step(focal_defence)
    assert later.get("/work/")["Location"] == f"{VERIFY}?next=%2Fwork%2F"
    later.post(VERIFY, {"code": next_code("focal-defence")})
    assert later.get("/work/").status_code == 200

    assert later.post("/accounts/two-factor/turn-off/")["Location"] == ENROL
    assert not TOTPDevice.objects.filter(user=focal_defence).exists()
    assert later.get("/work/").status_code == 200
    assert events("accounts.two_factor.disabled", focal_defence) == 1


def test_coordinator_cannot_turn_it_off(coordinator):
    enrolled(coordinator)
    client = signed_in(coordinator)
    assert "Turn off two-factor sign-in" not in client.get(ENROL).content.decode()
    assert client.post("/accounts/two-factor/turn-off/").status_code == 403


# --- recovery codes and reset ------------------------------------------------------------------


def test_new_recovery_codes_void_the_old_ones(coordinator, django_assert_num_queries):
    old = enrolled(coordinator)
    client = signed_in(coordinator)
    with django_assert_num_queries(6):
        response = client.get(ENROL)
    assert "You have 10 unused recovery codes." in response.content.decode()
    response = client.post(CODES, {"next": ENROL}, follow=True)
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=coordinator).values_list("token", flat=True)) == set(new)
    assert events("accounts.two_factor.recovery_codes_regenerated", coordinator) == 1
    assert "was already used" in password_step(coordinator).post(VERIFY, {"code": old[0]}).content.decode()


def test_regenerating_needs_the_second_step(focal_defence):
    enrolled(focal_defence)
    # A session that began before the device (the step was read then): the code comes first.
    client = logged_in(focal_defence)
    session = client.session
    session[twofactor.SESSION_STEP] = twofactor.STEP_NONE
    session.save()
    assert client.post(CODES)["Location"].startswith(VERIFY)
    assert client.get(ENROL)["Location"].startswith(VERIFY)


def test_coordinator_resets_a_lost_second_factor(coordinator, reader, coordinator_client, django_assert_num_queries):
    enrolled(reader)
    readers_session = signed_in(reader)
    url = f"/accounts/two-factor/reset/{reader.pk}/"
    with django_assert_num_queries(6):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    assert "On since" in response.content.decode() and "10 recovery codes left" in response.content.decode()

    response = coordinator_client.post(url, follow=True)
    assert "The second factor of reader is removed." in response.content.decode()
    assert "Not set up." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=reader).exists()
    assert not StaticToken.objects.filter(device__user=reader).exists()
    event = AuditEvent.objects.get(action="accounts.two_factor.reset")
    assert (event.actor, event.target_id, event.data) == (coordinator, str(reader.pk), {"had_device": True})
    # The reader's open session lost its verification: they set up a new phone first.
    response = readers_session.get("/rounds/")
    assert response["Location"].startswith(VERIFY)
    assert readers_session.get(response["Location"])["Location"] == "/rounds/"
    assert readers_session.get("/rounds/")["Location"].startswith(ENROL)


def test_focal_points_and_readers_cannot_reset(coordinator, focal_defence, reader):
    enrolled(coordinator)
    for user in (focal_defence, reader):
        assert logged_in(user).post(f"/accounts/two-factor/reset/{coordinator.pk}/").status_code == 403
    assert TOTPDevice.objects.filter(user=coordinator).exists()
    assert not AuditEvent.objects.filter(action="accounts.two_factor.reset").exists()


def test_reset_service_refuses_a_focal_point(coordinator, focal_defence):
    from django.core.exceptions import PermissionDenied

    enrolled(coordinator)
    with pytest.raises(PermissionDenied):
        twofactor.two_factor_reset(actor=focal_defence, user=coordinator)
    twofactor.two_factor_reset(actor=coordinator, user=coordinator)
    assert not TOTPDevice.objects.filter(user=coordinator).exists()


def test_anonymous_is_sent_to_log_in(anonymous, coordinator):
    for url in (ENROL, VERIFY, CODES, f"/accounts/two-factor/reset/{coordinator.pk}/"):
        assert anonymous.get(url)["Location"].startswith("/accounts/login/"), url
