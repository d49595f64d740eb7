"""Sessions (finding 10 of the audit): a signed-in session left idle is signed out, after 30
minutes by default for coordinators and readers, after 240 for focal points (who write long
narratives in one sitting); the login page says why."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from django.contrib.auth import SESSION_KEY
from django.utils import timezone
from rest_framework.test import APIClient

from naptrack.api.services import token_issue
from tests.conftest import logged_in

MESSAGE = "You were signed out after %s minutes without activity."


@contextmanager
def minutes_later(minutes: float):
    """The clock moved forward, for everything that reads django.utils.timezone.now()."""
    later = timezone.now() + dt.timedelta(minutes=minutes)
    with mock.patch("django.utils.timezone.now", return_value=later):
        yield


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def test_a_coordinator_idle_for_31_minutes_is_signed_out_and_told_why(coordinator, annual_round):
    client = logged_in(coordinator)
    assert client.get("/rounds/").status_code == 200
    with minutes_later(29):
        assert client.get("/rounds/").status_code == 200
    with minutes_later(29 + 31):
        response = client.get("/rounds/?state=open")
        assert response.status_code == 302
        assert response["Location"] == "/accounts/login/?next=/rounds/%3Fstate%3Dopen"
        assert not signed_in(client)
        page = client.get(response["Location"]).content.decode()
    assert MESSAGE % 30 in page
    assert client.get("/rounds/")["Location"].startswith("/accounts/login/"), "and stays signed out"


def test_activity_keeps_a_session_alive(reader, annual_round):
    client = logged_in(reader)
    for step in range(1, 9):  # two hours, a request every quarter of an hour
        with minutes_later(15 * step):
            assert client.get("/rounds/").status_code == 200, step
    assert signed_in(client)


def test_a_reader_has_30_minutes_too(reader, annual_round):
    client = logged_in(reader)
    client.get("/rounds/")
    with minutes_later(31):
        assert client.get("/rounds/").status_code == 302
    assert not signed_in(client)


def test_a_focal_point_has_four_hours(focal_defence, open_round):
    client = logged_in(focal_defence)
    assert client.get("/work/").status_code == 200
    with minutes_later(235):
        assert client.get("/work/").status_code == 200
    with minutes_later(235 + 241):
        response = client.get("/work/")
        assert response.status_code == 302
        assert MESSAGE % 240 in client.get(response["Location"]).content.decode()


def test_a_form_posted_after_the_limit_saves_nothing(focal_defence, open_round):
    from tests.conftest import contribution_of

    contribution = contribution_of(open_round, "14.a", "defence")
    client = logged_in(focal_defence)
    client.get("/work/")
    with minutes_later(241):
        response = client.post(f"/work/contributions/{contribution.pk}/", {"version": 1, "narrative": "Late."})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next="
    contribution.refresh_from_db()
    assert contribution.narrative == ""


def test_the_limits_are_settings(coordinator, focal_defence, open_round, settings):
    settings.NAPTRACK_IDLE_MINUTES = 5
    settings.NAPTRACK_IDLE_MINUTES_FOCAL = 0  # never
    coordinator_client, focal_client = logged_in(coordinator), logged_in(focal_defence)
    with minutes_later(6):
        assert coordinator_client.get("/rounds/").status_code == 302
    with minutes_later(60 * 24):
        assert focal_client.get("/work/").status_code == 200


def test_the_api_answers_an_expired_session_in_json_and_tokens_are_not_sessions(coordinator, annual_round):
    client = logged_in(coordinator)
    assert client.get("/api/v1/rounds/").status_code == 200
    token = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=coordinator)[0]}")
    with minutes_later(31):
        response = client.get("/api/v1/rounds/")
        assert response.status_code in (401, 403) and response["Content-Type"] == "application/json"
        assert token.get("/api/v1/rounds/").status_code == 200


@pytest.mark.parametrize("minutes", [0.5, 5])
def test_the_time_of_activity_is_written_at_most_once_a_minute(coordinator, annual_round, minutes):
    from naptrack.core.idle import ACTIVE_KEY

    client = logged_in(coordinator)
    client.get("/rounds/")
    before = client.session.get(ACTIVE_KEY)
    with minutes_later(minutes):
        client.get("/rounds/")
    after = client.session.get(ACTIVE_KEY)
    if minutes < 1:
        assert after == before, "no session write for a request within the minute"
    else:
        assert after is not None and after >= (before or 0) + 60 * minutes - 1
