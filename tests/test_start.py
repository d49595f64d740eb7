"""Each role starts on its own work (portal/views/start.py): after logging in, a focal point on
their contributions, the coordinator on the current round's review queue, a civil-society member
on their organisation's assessments, readers and evaluators on the rounds; a link that asked for
a page still leads there. The login page names the installation."""

from __future__ import annotations

import pytest
from django.test import Client

from naptrack.reporting.services import round_close

from .conftest import logged_in

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def landing(user, **login) -> str:
    """Where the person ends after logging in, every redirect followed. Coordinators and readers
    pass their second factor first, which then leads where the login would have (its `next`)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD, **login})
    while response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/two-factor/"):
            location = location.split("next=", 1)[1].replace("%2F", "/")
            client = logged_in(user)  # past the second factor, as tests/conftest.py signs people in
        response = client.get(location)
    assert response.status_code == 200
    return location


def test_the_focal_point_lands_on_their_contributions(open_round, focal_defence):
    assert landing(focal_defence) == "/work/"


def test_the_coordinator_lands_on_the_current_rounds_review_queue(open_round, coordinator, mailoutbox):
    assert landing(coordinator) == f"/rounds/{open_round.pk}/#queue"
    # Closed and waiting to be published: still that round's dashboard.
    round_close(actor=coordinator, round=open_round)
    assert landing(coordinator) == f"/rounds/{open_round.pk}/#queue"


def test_a_coordinator_without_a_round_lands_on_the_rounds(plan, coordinator):
    assert landing(coordinator) == "/rounds/"


def test_readers_and_evaluators_land_on_the_rounds(plan, reader):
    from naptrack.accounts.services import user_create

    evaluator = user_create(
        actor="tests",
        username="evaluator-1",
        role="evaluator",
        password=PASSWORD,
        plan_slug=plan.slug,
        email="evaluator-1@example.org",
        check_password=False,
    )
    assert landing(reader) == "/rounds/"
    assert landing(evaluator) == "/rounds/"


def test_a_link_that_asked_for_a_page_still_leads_there(open_round, coordinator):
    assert landing(coordinator, next="/audit/") == "/audit/"


def test_start_costs_the_same_queries_whatever_the_rounds(open_round, coordinator, django_assert_num_queries):
    client = logged_in(coordinator)
    client.get("/start/")
    # The session, the person, their roles, the current plan, its open round.
    with django_assert_num_queries(5):
        assert client.get("/start/")["Location"] == f"/rounds/{open_round.pk}/#queue"


def test_the_login_page_names_the_installation_not_the_address(plan, settings):
    settings.SITE_NAME = "NAP 1325 Belgium"
    html = Client().get("/accounts/login/", HTTP_HOST="127.0.0.1:18500").content.decode()
    assert "<title>Log in · NAP 1325 Belgium</title>" in html
    assert "127.0.0.1" not in html
