"""The error pages are naptrack's, in the reader's language: 404 and 403 with the site's header
and a way on, 500 without the database (which may be what failed); and the site has an icon."""

from __future__ import annotations

import pytest
from django.test import Client

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_branded_translated_and_leads_on(plan):
    response = Client().get("/plans/no-such-plan/")
    html = response.content.decode()
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "<title>Page not found · naptrack</title>" in html and '<header class="site-header' in html
    assert 'href="/plans/">See the plans</a>' in html and 'href="/start/"' not in html
    french = Client().get("/fr/plans/no-such-plan/").content.decode()
    assert '<html lang="fr">' in french and "<h1>Page introuvable</h1>" in french


def test_a_signed_in_person_is_led_back_to_their_work(plan, focal_defence):
    html = logged_in(focal_defence).get("/plans/no-such-plan/").content.decode()
    assert 'href="/start/">Go to your work</a>' in html


def test_a_refusal_is_branded_and_translated(open_round, focal_defence):
    response = logged_in(focal_defence).get(f"/rounds/{open_round.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 403 and "<h1>Not allowed</h1>" in html and '<header class="site-header' in html
    french = logged_in(focal_defence).get(f"/fr/rounds/{open_round.pk}/edit/").content.decode()
    assert "<h1>Action non autorisée</h1>" in french


def test_a_server_error_is_branded_translated_and_needs_no_database(plan, monkeypatch):
    from naptrack.portal.views import plan as views

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "_glance", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/plans/be-nap-2013-2016/")
    html = response.content.decode()
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in html
    assert "<title>Something went wrong · naptrack</title>" in html and "database went away" not in html
    french = client.get("/fr/plans/be-nap-2013-2016/").content.decode()
    assert '<html lang="fr">' in french and "<h1>Un problème est survenu</h1>" in french


def test_the_server_error_page_reads_nothing_from_the_database(django_assert_num_queries):
    from django.test import RequestFactory

    from naptrack.urls import server_error

    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/plans/"))
    assert response.status_code == 500 and "<h1>Something went wrong</h1>" in response.content.decode()


def test_the_site_has_an_icon(plan):
    response = Client().get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == "/static/naptrack/favicon.svg"
    assert '<link rel="icon" href="/static/naptrack/favicon.svg" type="image/svg+xml">' in (
        Client().get("/").content.decode()
    )
