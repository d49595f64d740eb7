"""Guessing passwords (finding 9 of the audit): the lock-out also counts one address's failures
across usernames ("spraying" one password over many accounts), and the API has rate limits per
address, per person and on token requests, answered 429 in JSON."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from naptrack.api.services import token_issue

PASSWORD = "correct horse battery staple"


def log_in(address: str, username: str, password: str, **headers) -> int:
    response = Client(REMOTE_ADDR=address, **headers).post(
        "/accounts/login/", {"username": username, "password": password}
    )
    return response.status_code


def spray(address: str, count: int, **headers) -> list[int]:
    """One password tried once against each of `count` usernames: no username reaches its limit."""
    return [log_in(address, f"official-{n}", "Summer2016!", **headers) for n in range(count)]


# --- lock-out -------------------------------------------------------------------------------------


def test_one_address_trying_many_usernames_is_locked_out(focal_defence, settings):
    assert (settings.AXES_FAILURE_LIMIT, settings.NAPTRACK_ADDRESS_FAILURE_LIMIT) == (5, 20)
    # The twentieth failure is answered with the lock-out page already.
    assert spray("198.51.100.7", 20) == [200] * 19 + [429]
    # Locked out for every username, even with the right password...
    assert log_in("198.51.100.7", "focal-defence", PASSWORD) == 429
    assert log_in("198.51.100.7", "official-99", "Summer2016!") == 429
    # ...from that address only.
    assert log_in("198.51.100.8", "focal-defence", PASSWORD) == 302


def test_an_address_below_its_limit_still_logs_in(focal_defence):
    assert set(spray("198.51.100.9", 19)) == {200}
    assert log_in("198.51.100.9", "focal-defence", PASSWORD) == 302


def test_a_successful_login_does_not_reset_the_address_count(focal_defence):
    spray("198.51.100.10", 12)
    assert log_in("198.51.100.10", "focal-defence", PASSWORD) == 302
    for n in range(12, 20):
        log_in("198.51.100.10", f"official-{n}", "Summer2016!")
    assert log_in("198.51.100.10", "focal-defence", PASSWORD) == 429


def test_one_username_from_one_address_still_locks_after_five(focal_defence):
    for _ in range(5):
        log_in("198.51.100.11", "focal-defence", "wrong password")
    assert log_in("198.51.100.11", "focal-defence", PASSWORD) == 429
    assert log_in("198.51.100.12", "focal-defence", PASSWORD) == 302


def test_a_forged_forwarded_for_header_gives_no_fresh_address(focal_defence, settings):
    # Without a proxy the header is the client's own words: ignored.
    for n in range(20):
        log_in("198.51.100.13", f"official-{n}", "Summer2016!", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert log_in("198.51.100.13", "focal-defence", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99") == 429


def test_behind_a_proxy_the_address_the_proxy_saw_counts(focal_defence, settings):
    settings.NAPTRACK_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    # The client forges a first entry each time; the proxy appends the real one.
    for n in range(20):
        log_in(proxy, f"official-{n}", "Summer2016!", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.14")
    assert log_in(proxy, "focal-defence", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.14") == 429
    # Other people behind the same proxy are not locked out.
    assert log_in(proxy, "focal-defence", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.15") == 302


# --- API rate limits ------------------------------------------------------------------------------


def test_token_requests_are_limited_per_address(plan, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "3/minute"},
    }
    client = APIClient(REMOTE_ADDR="198.51.100.20")
    for n in range(3):
        body = {"username": f"official-{n}", "password": "x"}
        assert client.post("/api/v1/token/", body, format="json").status_code == 400
    response = client.post("/api/v1/token/", {"username": "official-9", "password": "x"}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "throttled" in response.json()["detail"] and int(response["Retry-After"]) > 0
    assert APIClient(REMOTE_ADDR="198.51.100.21").post("/api/v1/token/", {}, format="json").status_code == 400


def test_anonymous_callers_are_limited_per_address(plan, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "anon": "2/minute"},
    }
    client = APIClient(REMOTE_ADDR="198.51.100.22")
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="198.51.100.23").get("/api/v1/plans/").status_code == 200


def test_signed_in_callers_are_limited_per_person(focal_defence, focal_justice, open_round, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "2/minute"},
    }
    defence = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=focal_defence)[0]}")
    codes = [defence.get("/api/v1/rounds/", REMOTE_ADDR=f"198.51.100.{n}").status_code for n in (30, 31, 32)]
    assert codes == [200, 200, 429], "a person's limit holds whatever the address"
    assert defence.get("/api/v1/rounds/").json()["detail"].startswith("Request was throttled")
    justice = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=focal_justice)[0]}")
    assert justice.get("/api/v1/rounds/").status_code == 200


@pytest.mark.parametrize("scope", ["anon", "user", "token"])
def test_the_readme_gives_the_rates(scope, settings):
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert f"`NAPTRACK_API_RATE_{scope.upper()}`" in readme
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope] in readme
