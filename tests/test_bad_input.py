"""Bad input is a 400 with a message, never a server error; under /api/ every answer is JSON.

Finding 5 of the security audit: `version=abc` or `version=²` posted by a form, a JSON body
nested 5,000 deep, a body over the size limit, all answered 500 or with an HTML page."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from naptrack.core.numbers import whole_number
from tests.conftest import contribution_of, logged_in

BAD_NUMBERS = ["abc", "²", "\u0661\u0662", "-1", " 3", "3 ", "1e3", "3\n", "9" * 19, ""]


def quiet(user=None) -> Client:
    """A client that answers a server error with its 500 page instead of raising."""
    client = Client() if user is None else logged_in(user)
    client.raise_request_exception = False
    return client


def test_whole_number_reads_ascii_digits_only():
    assert whole_number("42") == 42
    assert whole_number("007") == 7
    assert whole_number("9" * 18) == 10**18 - 1
    for text in BAD_NUMBERS:
        assert whole_number(text) is None, text
    assert whole_number(None) is None and whole_number(3) is None


@pytest.mark.parametrize("value", ["²", "0", "abc", "9" * 19])
def test_the_command_line_refuses_round_ids_it_cannot_read(value):
    import argparse

    from naptrack.cli.common import round_id

    with pytest.raises(argparse.ArgumentTypeError):
        round_id(value)
    assert round_id("12") == 12


# --- forms ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", ["abc", "²", "9" * 30])
def test_submitting_with_a_bad_version_is_400_and_nothing_changes(focal_defence, open_round, version):
    contribution = contribution_of(open_round, "14.a", "defence")
    response = quiet(focal_defence).post(f"/work/contributions/{contribution.pk}/submit/", {"version": version})
    assert response.status_code == 400
    assert "The version must be a whole number." in response.content.decode()
    contribution.refresh_from_db()
    assert (contribution.state, contribution.version) == ("draft", 1)


@pytest.mark.parametrize("version", ["abc", "²"])
def test_saving_with_a_bad_version_shows_the_form_again(focal_defence, open_round, version):
    contribution = contribution_of(open_round, "14.a", "defence")
    response = quiet(focal_defence).post(
        f"/work/contributions/{contribution.pk}/", {"version": version, "narrative": "Done."}
    )
    assert response.status_code == 200
    contribution.refresh_from_db()
    assert contribution.narrative == ""


@pytest.mark.parametrize("version", ["abc", "²", "\u0661"])
def test_reviewing_with_a_bad_version_is_400(coordinator, focal_defence, open_round, version):
    from naptrack.reporting import services

    contribution = contribution_of(open_round, "14.a", "defence")
    services.contribution_save(actor=focal_defence, contribution=contribution, version=1, data={"narrative": "x"})
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    response = quiet(coordinator).post(f"/contributions/{contribution.pk}/review/approve/", {"version": version})
    assert response.status_code == 400
    assert "The version must be a whole number." in response.content.decode()
    contribution.refresh_from_db()
    assert contribution.state == "submitted"


@pytest.mark.parametrize("version", ["abc", "²"])
def test_synthesis_with_a_bad_version_is_400(coordinator, open_round, version):
    response = quiet(coordinator).post(
        f"/rounds/{open_round.pk}/lines/14.a/", {"text": "All is well.", "version": version}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("query", ["page=²", "objective=²", "round=²", "page=\u0661", "objective=-1"])
def test_search_ignores_numbers_it_cannot_read(plan, query):
    response = quiet().get(f"/plans/be-nap-2013-2016/search/?q=women&{query}")
    assert response.status_code == 200


# --- API ------------------------------------------------------------------------------------------


def api_quiet() -> APIClient:
    return APIClient(raise_request_exception=False)


def test_json_nested_5000_deep_is_400_in_json(plan):
    body = "[" * 5000 + "]" * 5000
    response = api_quiet().post("/api/v1/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "nested too deeply" in response.json()["detail"]


def test_json_deeper_than_any_request_needs_is_400(focal_defence, open_round):
    from naptrack.api.services import token_issue

    contribution = contribution_of(open_round, "14.a", "defence")
    client = api_quiet()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=focal_defence)[0]}")
    nested: object = "x"
    for _ in range(200):
        nested = {"a": nested}
    response = client.patch(
        f"/api/v1/contributions/{contribution.pk}/",
        json.dumps({"version": 1, "narrative": nested}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "nested more than 16 levels" in response.json()["detail"]


def test_body_over_the_size_limit_is_413_in_json(plan, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"username": "x", "password": "y" * 2048})
    response = api_quiet().post("/api/v1/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "too large" in response.json()["detail"]


def test_body_over_the_size_limit_found_by_drf_is_413_in_json(plan, settings):
    # Without the middleware's early check (a body that did not declare its length gets there).
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if not m.endswith("JsonErrorsMiddleware")]
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = json.dumps({"username": "x", "password": "y" * 2048})
    response = api_quiet().post("/api/v1/token/", body, content_type="application/json")
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


def test_form_body_over_the_size_limit_is_413_in_json_too(coordinator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = api_quiet()
    client.force_login(coordinator)
    response = client.post("/api/v1/rounds/", "a=" + "b" * 2048, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("body", ["{", '{"username": NaN}', "\x00", '{"a": 1} tail'])
def test_a_parse_error_is_400_in_json(plan, body):
    response = api_quiet().post("/api/v1/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("JSON parse error")


def test_a_server_error_under_the_api_is_json(plan, monkeypatch):
    from naptrack.api.views import plans as views

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views, "plan_document", broken)
    response = api_quiet().get("/api/v1/plans/be-nap-2013-2016/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Server error: the request could not be answered."}
    assert b"boom" not in response.content


def test_pages_outside_the_api_keep_their_html_errors(plan):
    response = quiet().get("/plans/no-such-plan/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
