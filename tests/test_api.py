"""The REST API under /api/v1/: tokens, plans, rounds and contributions, for each persona.

Writes go through the reporting services, so these tests check what the API adds: who may call
what (401/403), how errors read (400 per field, 409 for a stale version or a wrong state), that
nothing is saved when a request is refused, and that each endpoint makes a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from naptrack.api.models import ApiToken
from naptrack.api.services import token_issue
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Instrument, Responsibility
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Measurement, Round
from tests.conftest import BE, contribution_of, logged_in

PASSWORD = "correct horse battery staple"


def api(user=None) -> APIClient:
    """A client that sends the user's token as a Bearer header (none for anonymous)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
    return client


def by_sex(contribution: Contribution) -> Instrument:
    return next(i for i in contribution.action.instruments.all() if i.by_sex)


def fill(actor, contribution: Contribution, **data) -> Contribution:
    return services.contribution_save(
        actor=actor, contribution=contribution, version=contribution.version, data=data or {"narrative": "Done."}
    )


@pytest.fixture
def noone(plan):
    """Logged in, but with no role at all."""
    from naptrack.accounts.models import User

    return User.objects.create_user("noone", password=PASSWORD)


# --- tokens ---------------------------------------------------------------------------------------


def test_token_for_good_credentials_opens_the_api(focal_defence, open_round):
    response = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert client.get(f"/api/v1/rounds/{open_round.pk}/").status_code == 200
    assert ApiToken.objects.get(user=focal_defence).last_used is not None


def test_a_token_says_when_it_expires_and_is_refused_from_then_on(focal_defence, open_round, settings):
    from django.utils import timezone

    settings.NAPTRACK_API_TOKEN_DAYS = 30
    before = timezone.now()
    response = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    body = response.json()
    stored = ApiToken.objects.get(user=focal_defence)
    assert before + dt.timedelta(days=30) <= stored.expires <= timezone.now() + dt.timedelta(days=30)
    assert dt.datetime.fromisoformat(body["expires"].replace("Z", "+00:00")) == stored.expires
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert client.get("/api/v1/rounds/").status_code == 200

    # 23:30 UTC is already the next day in Brussels: the message gives the date people live in.
    settings.TIME_ZONE = "Europe/Brussels"
    stored.expires = dt.datetime(2020, 2, 25, 23, 30, tzinfo=dt.UTC)
    stored.save()
    response = client.get("/api/v1/rounds/")
    assert response.status_code == 401
    assert timezone.localdate(stored.expires) == dt.date(2020, 2, 26)
    assert response.json()["detail"] == "This token expired on 2020-02-26: get a new one with POST /api/v1/token/."


def test_only_a_hash_of_the_token_is_stored(focal_defence):
    response = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=focal_defence)
    assert stored.key_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in stored.key_hash


def test_wrong_password_gets_400_with_a_message_and_no_token(focal_defence):
    response = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "Unable to log in" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_token_request_names_missing_fields(plan):
    response = APIClient().post("/api/v1/token/", {"username": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"username", "password"}


def test_inactive_user_gets_no_token(focal_defence):
    focal_defence.is_active = False
    focal_defence.save()
    response = APIClient().post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_token_of_a_deactivated_user_is_refused(focal_defence, open_round):
    client = api(focal_defence)
    focal_defence.is_active = False
    focal_defence.save()
    response = client.get("/api/v1/rounds/")
    assert response.status_code == 401
    assert response.json()["detail"] == "This account is disabled."


def test_locked_out_user_gets_429_in_json_even_with_the_right_password(focal_defence):
    client = APIClient(REMOTE_ADDR="192.0.2.20")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/api/v1/token/", {"username": "focal-defence", "password": "wrong"}, format="json")
    response = client.post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert "locked" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    # Another address is not locked out.
    other = APIClient(REMOTE_ADDR="192.0.2.21")
    response = other.post("/api/v1/token/", {"username": "focal-defence", "password": PASSWORD}, format="json")
    assert response.status_code == 200


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer two words", "Bearer not-a-token", "Bearer \u00e9t\u00e9"],
    ids=["no-token", "two-words", "unknown", "not-ascii"],
)
def test_bad_bearer_header_gets_401(header, plan):
    response = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["detail"]


def test_other_authorization_schemes_are_not_credentials(annual_round):
    response = APIClient(HTTP_AUTHORIZATION="Basic Zm9vOmJhcg==").get("/api/v1/rounds/")
    assert response.status_code == 401


def test_revoked_token_is_refused(focal_defence, coordinator, annual_round):
    client = api(focal_defence)
    services_token = ApiToken.objects.get(user=focal_defence)
    from naptrack.api.services import token_revoke

    token_revoke(actor=coordinator, token=services_token)
    assert client.get("/api/v1/rounds/").status_code == 401


def test_browser_session_works_too(coordinator_client, annual_round):
    assert coordinator_client.get("/api/v1/rounds/").status_code == 200


# --- plans ----------------------------------------------------------------------------------------


def test_anonymous_reads_the_plans(plan):
    response = APIClient().get("/api/v1/plans/")
    assert response.status_code == 200
    [row] = [p for p in response.json()["results"] if p["slug"] == BE]
    assert row["period"] == {"start": 2013, "end": 2016}
    assert row["focus_countries"] == ["AF", "CD", "ML"]


def test_plan_is_its_naptrack_plan_document_with_instrument_ids(plan):
    response = APIClient().get(f"/api/v1/plans/{BE}/")
    assert response.status_code == 200
    document = response.json()
    instruments = [
        i for o in document["objectives"] for g in o["goals"] for a in g["actions"] for i in a["instruments"]
    ]
    assert len(instruments) == 122
    stored = {i.pk: i for i in Instrument.objects.filter(action__plan=plan)}
    assert sorted(i["id"] for i in instruments) == sorted(stored)
    assert all(stored[i["id"]].text == i["text"] for i in instruments)
    for instrument in instruments:
        del instrument["id"]
    assert document == plan_document(plan)


def test_unknown_plan_is_404_in_json(plan):
    response = APIClient().get("/api/v1/plans/no-such-plan/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_unknown_api_address_is_404_in_json(plan):
    response = APIClient().get("/api/v1/nothing/here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_plan_endpoints_make_a_fixed_number_of_queries(plan, django_assert_num_queries):
    client = APIClient()
    with django_assert_num_queries(2):  # count, page
        client.get("/api/v1/plans/")
    # plan, departments, translation states, objectives, goals, actions, responsibilities, instruments,
    # notes, ids
    with django_assert_num_queries(10):
        client.get(f"/api/v1/plans/{BE}/")


# --- rounds ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["coordinator", "focal_defence", "focal_justice", "reader"])
def test_staff_see_rounds(persona, request, open_round):
    client = api(request.getfixturevalue(persona))
    response = client.get("/api/v1/rounds/")
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["id"] == open_round.pk and row["state"] == "open" and row["plan"] == BE
    assert row["counts"] == {"total": 195, "draft": 195, "submitted": 0, "returned": 0, "approved": 0}
    assert client.get(f"/api/v1/rounds/{open_round.pk}/").status_code == 200
    # Every department's drafts for the oversight roles; a focal point's own department's only.
    readable = {"coordinator": 195, "reader": 195, "focal_defence": 37, "focal_justice": 15}[persona]
    assert client.get(f"/api/v1/rounds/{open_round.pk}/contributions/").json()["count"] == readable


def test_anonymous_sees_no_rounds_or_contributions(open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    client = APIClient()
    for url in (
        "/api/v1/rounds/",
        f"/api/v1/rounds/{open_round.pk}/",
        f"/api/v1/rounds/{open_round.pk}/contributions/",
        f"/api/v1/contributions/{contribution.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["detail"]


def test_a_user_without_a_role_sees_no_rounds(noone, open_round):
    assert api(noone).get("/api/v1/rounds/").status_code == 403
    assert api(noone).get(f"/api/v1/rounds/{open_round.pk}/contributions/").status_code == 403


def test_round_list_filters(open_round, coordinator):
    services.round_create(
        actor=coordinator, plan=open_round.plan, kind="baseline", year=2012, deadline=dt.date(2013, 3, 1)
    )
    client = api(coordinator)
    assert client.get("/api/v1/rounds/").json()["count"] == 2
    [row] = client.get("/api/v1/rounds/?state=open").json()["results"]
    assert row["id"] == open_round.pk
    [row] = client.get("/api/v1/rounds/?kind=baseline").json()["results"]
    assert row["year"] == 2012
    assert client.get("/api/v1/rounds/?plan=other").json()["count"] == 0
    response = client.get("/api/v1/rounds/?state=nonsense")
    assert response.status_code == 400 and "state" in response.json()["errors"]


def test_round_detail_counts_per_state_and_department(open_round, coordinator, focal_defence):
    fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    services.contribution_submit(actor=focal_defence, contribution=contribution_of(open_round, "23.a", "defence"))
    response = api(coordinator).get(f"/api/v1/rounds/{open_round.pk}/")
    body = response.json()
    assert body["counts"] == {"total": 195, "draft": 194, "submitted": 1, "returned": 0, "approved": 0}
    departments = {row["department"]: row for row in body["departments"]}
    n_defence = Responsibility.objects.filter(action__plan=open_round.plan, department__code="defence").count()
    assert departments["defence"] == {
        "department": "defence",
        "total": n_defence,
        "draft": n_defence - 1,
        "submitted": 1,
        "returned": 0,
        "approved": 0,
    }
    assert sum(row["total"] for row in body["departments"]) == 195


def test_coordinator_creates_a_round(coordinator, plan):
    response = api(coordinator).post(
        "/api/v1/rounds/", {"plan": BE, "kind": "annual", "year": 2015, "deadline": "2016-01-31"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["state"] == "draft" and body["year"] == 2015 and body["deadline"] == "2016-01-31"
    assert body["counts"]["total"] == 0 and body["departments"] == []
    assert Round.objects.filter(pk=body["id"], plan=plan, kind="annual").exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"plan": "no-such-plan", "kind": "annual", "year": 2015, "deadline": "2016-01-31"}, "plan"),
        ({"plan": BE, "kind": "weekly", "year": 2015, "deadline": "2016-01-31"}, "kind"),
        ({"plan": BE, "kind": "annual", "year": 1990, "deadline": "2016-01-31"}, "year"),
        ({"plan": BE, "kind": "annual", "year": "soon", "deadline": "2016-01-31"}, "year"),
        ({"plan": BE, "kind": "annual", "year": 2015, "deadline": "31/01/2016"}, "deadline"),
        ({"plan": BE, "kind": "annual", "year": 2014, "deadline": "2016-01-31"}, "year"),  # exists already
        ({"kind": "annual", "year": 2015, "deadline": "2016-01-31"}, "plan"),
    ],
    ids=["unknown-plan", "unknown-kind", "year-out-of-plan", "year-not-a-number", "bad-date", "duplicate", "no-plan"],
)
def test_bad_round_is_400_naming_the_field(body, field, coordinator, annual_round):
    response = api(coordinator).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Round.objects.count() == 1


@pytest.mark.parametrize("persona", ["focal_defence", "reader"])
def test_only_the_coordinator_creates_rounds(persona, request, plan):
    body = {"plan": BE, "kind": "annual", "year": 2015, "deadline": "2016-01-31"}
    response = api(request.getfixturevalue(persona)).post("/api/v1/rounds/", body, format="json")
    assert response.status_code == 403
    assert APIClient().post("/api/v1/rounds/", body, format="json").status_code == 401
    assert not Round.objects.exists()


def test_round_life_open_close_reopen_close_publish(coordinator, annual_round, mailoutbox):
    client = api(coordinator)
    base = f"/api/v1/rounds/{annual_round.pk}"
    response = client.post(f"{base}/open/")
    assert response.status_code == 200
    assert response.json()["state"] == "open" and response.json()["counts"]["draft"] == 195
    assert client.post(f"{base}/close/").json()["state"] == "closed"
    response = client.post(f"{base}/reopen/", {"reason": "Defence asked for a week more."}, format="json")
    assert response.json()["state"] == "open"
    assert client.post(f"{base}/close/").json()["state"] == "closed"
    # Publishing is a background job (run at once in the tests): 202, the round and its job.
    response = client.post(f"{base}/publish/")
    job = response.json()["job"]
    assert response.status_code == 202 and response["Location"] == f"/api/v1/jobs/{job['id']}/"
    assert (job["state"], job["attempts"], job["page"]) == ("succeeded", 1, f"/jobs/{job['id']}/")
    assert "is published" in job["result_note"]
    followed = client.get(response["Location"]).json()
    assert followed["state"] == "succeeded" and followed["id"] == job["id"]
    assert client.get(base + "/").json()["state"] == "published"


def test_round_opened_twice_is_409(coordinator, open_round):
    response = api(coordinator).post(f"/api/v1/rounds/{open_round.pk}/open/")
    assert response.status_code == 409
    assert "already open" in response.json()["detail"]
    assert Contribution.objects.filter(round=open_round).count() == 195


@pytest.mark.parametrize(("step", "body"), [("publish", None), ("reopen", {"reason": "Why not."})])
def test_round_step_from_the_wrong_state_is_409(step, body, coordinator, open_round):
    response = api(coordinator).post(f"/api/v1/rounds/{open_round.pk}/{step}/", body, format="json")
    assert response.status_code == 409
    open_round.refresh_from_db()
    assert open_round.state == "open"


def test_round_reopen_needs_a_reason(coordinator, open_round):
    services.round_close(actor=coordinator, round=open_round)
    response = api(coordinator).post(f"/api/v1/rounds/{open_round.pk}/reopen/", {"reason": ""}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    open_round.refresh_from_db()
    assert open_round.state == "closed"


@pytest.mark.parametrize("persona", ["focal_defence", "reader"])
def test_only_the_coordinator_moves_rounds(persona, request, annual_round):
    client = api(request.getfixturevalue(persona))
    for step in ("open", "close", "publish", "reopen"):
        assert client.post(f"/api/v1/rounds/{annual_round.pk}/{step}/", {}, format="json").status_code == 403
    annual_round.refresh_from_db()
    assert annual_round.state == "draft"


def test_unknown_round_is_404(coordinator, plan):
    client = api(coordinator)
    assert client.get("/api/v1/rounds/999999/").status_code == 404
    assert client.post("/api/v1/rounds/999999/open/").status_code == 404
    assert client.get("/api/v1/rounds/999999/contributions/").status_code == 404
    # An id too large for the database is an unknown address, not an overflow.
    assert client.get("/api/v1/rounds/99999999999999999999999/").status_code == 404


def test_round_endpoints_make_a_fixed_number_of_queries(coordinator, open_round, django_assert_num_queries):
    client = api(coordinator)
    client.get("/api/v1/plans/")  # the token's first use records last_used (once a minute)
    # token+user, groups, count, page, the page's counts
    with django_assert_num_queries(5):
        client.get("/api/v1/rounds/")
    # token+user, groups, round with counts, counts per department
    with django_assert_num_queries(4):
        client.get(f"/api/v1/rounds/{open_round.pk}/")
    services.round_create(
        actor=coordinator, plan=open_round.plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
    )
    services.round_open(actor=coordinator, round=Round.objects.get(year=2015))
    with django_assert_num_queries(5):
        response = client.get("/api/v1/rounds/")
    assert response.json()["count"] == 2
    with django_assert_num_queries(4):
        client.get(f"/api/v1/rounds/{open_round.pk}/")


# --- contributions: reading -----------------------------------------------------------------------


def test_contributions_come_in_plan_order_twenty_a_page(coordinator, open_round):
    client = api(coordinator)
    first = client.get(f"/api/v1/rounds/{open_round.pk}/contributions/").json()
    assert first["count"] == 195 and len(first["results"]) == 20 and first["previous"] is None
    expected = list(Contribution.objects.filter(round=open_round).in_plan_order().values_list("pk", flat=True))
    seen = [row["id"] for row in first["results"]]
    url = first["next"]
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
    assert seen == expected
    assert [row["action"] for row in first["results"][:3]] == ["1.a", "1.a", "1.a"]
    bigger = client.get(f"/api/v1/rounds/{open_round.pk}/contributions/?page_size=200").json()
    assert len(bigger["results"]) == 195
    assert client.get(f"/api/v1/rounds/{open_round.pk}/contributions/?page=11").status_code == 404


def test_contribution_filters(coordinator, focal_defence, open_round):
    fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    services.contribution_submit(actor=focal_defence, contribution=contribution_of(open_round, "23.a", "defence"))
    client = api(coordinator)
    base = f"/api/v1/rounds/{open_round.pk}/contributions/"
    rows = client.get(f"{base}?department=defence&page_size=200").json()["results"]
    assert {row["department"] for row in rows} == {"defence"}
    assert len(rows) == Responsibility.objects.filter(department__code="defence").count()
    [row] = client.get(f"{base}?state=submitted").json()["results"]
    assert (row["action"], row["department"], row["state"]) == ("23.a", "defence", "submitted")
    rows = client.get(f"{base}?action=1.a").json()["results"]
    assert [row["department"] for row in rows] == sorted(
        ["foreign-affairs", "development", "defence", "interior", "justice", "equality"]
    )
    assert client.get(f"{base}?action=1.a&department=justice").json()["count"] == 1
    assert client.get(f"{base}?department=nowhere").json()["count"] == 0
    response = client.get(f"{base}?state=lost")
    assert response.status_code == 400 and "state" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["coordinator", "focal_defence", "reader"])
def test_oversight_and_the_department_read_a_draft(persona, request, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(request.getfixturevalue(persona)).get(f"/api/v1/contributions/{contribution.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert (body["round"], body["action"], body["department"], body["state"]) == (
        open_round.pk,
        "23.a",
        "defence",
        "draft",
    )
    assert body["version"] == 1 and body["visibility"] == "public" and body["countries"] == []
    [measurement] = body["measurements"]
    assert measurement["instrument"] == by_sex(contribution).pk
    assert measurement["total"] is None and measurement["share_of_women"] is None


def test_unknown_contribution_is_404(coordinator, plan):
    response = api(coordinator).get("/api/v1/contributions/999999/")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_contribution_list_makes_a_fixed_number_of_queries(coordinator, open_round, django_assert_num_queries):
    client = api(coordinator)
    client.get("/api/v1/plans/")  # the token's first use records last_used
    url = f"/api/v1/rounds/{open_round.pk}/contributions/"
    # token+user, groups, round, count, page, measurements, their countries, evidence, instruments
    with django_assert_num_queries(9):
        assert len(client.get(url).json()["results"]) == 20
    with django_assert_num_queries(9):
        assert len(client.get(f"{url}?page_size=200").json()["results"]) == 195
    services.round_create(
        actor=coordinator, plan=open_round.plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
    )
    services.round_open(actor=coordinator, round=Round.objects.get(year=2015))
    with django_assert_num_queries(9):
        assert len(client.get(url).json()["results"]) == 20
    with django_assert_num_queries(9):
        client.get(f"{url}?department=defence&state=draft&action=23.a")


def test_contribution_detail_makes_a_fixed_number_of_queries(
    coordinator, focal_defence, open_round, django_assert_num_queries
):
    few = contribution_of(open_round, "23.a", "defence")  # one instrument
    many = contribution_of(open_round, "7.c", "defence")  # three instruments
    client = api(focal_defence)
    client.get("/api/v1/plans/")
    # token+user, groups, contribution, measurements, their countries, evidence, instruments
    for contribution in (few, many):
        with django_assert_num_queries(7):
            client.get(f"/api/v1/contributions/{contribution.pk}/")


# --- contributions: writing -----------------------------------------------------------------------


def test_focal_point_reports_figures_by_sex(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    instrument = by_sex(contribution)
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/",
        {
            "version": 1,
            "status": "in-progress",
            "narrative": "Women made up a larger share of **deployed** staff.",
            "countries": ["ml", "CD"],
            "measurements": [
                {"instrument": instrument.pk, "women": 30, "men": 170, "value": 210, "unit": "people", "note": "2014"}
            ],
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["version"] == 2 and body["status"] == "in-progress" and body["countries"] == ["ML", "CD"]
    [m] = body["measurements"]
    assert (m["women"], m["men"], m["other"], m["value"], m["unit"], m["note"]) == (
        30,
        170,
        None,
        210,
        "people",
        "2014",
    )
    assert m["total"] == 210
    assert m["share_of_women"] == pytest.approx(30 / 210)
    stored = Measurement.objects.get(contribution=contribution, instrument=instrument)
    assert (stored.women, stored.men, stored.value) == (30, 170, Decimal("210"))


def test_total_is_the_sum_of_the_parts_when_none_is_given(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/",
        {"version": 1, "measurements": [{"instrument": by_sex(contribution).pk, "women": 1, "men": 3}]},
        format="json",
    )
    [m] = response.json()["measurements"]
    assert m["total"] == 4 and m["share_of_women"] == 0.25


def test_patch_changes_only_what_it_names(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    instrument = by_sex(contribution)
    fill(focal_defence, contribution, narrative="First.", measurements=[{"instrument": instrument.pk, "women": 5}])
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/",
        {"version": 2, "measurements": [{"instrument": instrument.pk, "men": 7}]},
        format="json",
    )
    body = response.json()
    assert body["narrative"] == "First." and body["version"] == 3
    [m] = body["measurements"]
    assert (m["women"], m["men"]) == (5, 7)


def test_coordinator_edits_on_behalf_of_a_department(coordinator, open_round):
    contribution = contribution_of(open_round, "3.a", "justice")
    response = api(coordinator).patch(
        f"/api/v1/contributions/{contribution.pk}/", {"version": 1, "narrative": "Entered by phone."}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["on_behalf"] is True


def _bad_inputs():
    # (name, measurement row or contribution fields, the field the 400 names); {i} is the
    # instrument id of 23.a's by-sex instrument.
    return [
        ("negative-count", {"measurements": [{"instrument": "{i}", "women": -1}]}, "measurements.{i}.women"),
        ("fractional-count", {"measurements": [{"instrument": "{i}", "men": 2.5}]}, "measurements.{i}.men"),
        ("count-as-text", {"measurements": [{"instrument": "{i}", "men": "many"}]}, "measurements.{i}.men"),
        ("count-as-boolean", {"measurements": [{"instrument": "{i}", "other": True}]}, "measurements.{i}.other"),
        ("value-as-text", {"measurements": [{"instrument": "{i}", "value": "lots"}]}, "measurements.{i}.value"),
        (
            "total-below-parts",
            {"measurements": [{"instrument": "{i}", "women": 30, "men": 170, "value": 100}]},
            "measurements.{i}.value",
        ),
        ("fractional-total", {"measurements": [{"instrument": "{i}", "value": "12.5"}]}, "measurements.{i}.value"),
        ("unknown-instrument", {"measurements": [{"instrument": 999999}]}, "measurements.0.instrument"),
        ("instrument-not-a-number", {"measurements": [{"instrument": "x"}]}, "measurements.0.instrument"),
        ("measurement-not-an-object", {"measurements": ["women: 3"]}, "measurements.0.non_field_errors"),
        ("measurements-not-a-list", {"measurements": {"women": 3}}, "measurements.non_field_errors"),
        ("unknown-country", {"countries": ["AF", "XX"]}, "countries"),
        ("countries-not-a-list", {"countries": "AF"}, "countries"),
        ("narrative-over-the-limit", {"narrative": "x" * (settings.NAPTRACK_NARRATIVE_MAX + 1)}, "narrative"),
        ("narrative-not-text", {"narrative": {"text": "x"}}, "narrative"),
        ("unknown-status", {"status": "finished"}, "status"),
        ("unknown-visibility", {"visibility": "secret"}, "visibility"),
        ("status-not-text", {"status": ["completed"]}, "status"),
        ("version-not-a-number", {"version": "two"}, "version"),
    ]


@pytest.mark.parametrize(("data", "field"), [c[1:] for c in _bad_inputs()], ids=[c[0] for c in _bad_inputs()])
def test_bad_input_is_400_naming_the_field_and_nothing_is_saved(data, field, focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    instrument = by_sex(contribution).pk
    if "measurements" in data and isinstance(data["measurements"], list):
        data = {
            "measurements": [
                {k: (instrument if v == "{i}" else v) for k, v in row.items()} if isinstance(row, dict) else row
                for row in data["measurements"]
            ]
        }
    field = field.replace("{i}", str(instrument))
    client = api(focal_defence)
    response = client.patch(
        f"/api/v1/contributions/{contribution.pk}/", {"version": 1, "narrative": "Kept?", **data}, format="json"
    )
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field in body["errors"], body
    assert body["detail"]
    contribution.refresh_from_db()
    assert contribution.version == 1 and contribution.narrative == ""
    m = Measurement.objects.get(contribution=contribution)
    assert m.is_empty


def test_version_is_required(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/", {"narrative": "No version."}, format="json"
    )
    assert response.status_code == 400
    assert "version" in response.json()["errors"]


def test_body_that_is_not_json_is_400(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] and response.json()["errors"] == {}
    response = api(focal_defence).patch(f"/api/v1/contributions/{contribution.pk}/", [1, 2], format="json")
    assert response.status_code == 400


def test_stale_version_is_409_with_what_changed_and_nothing_saved(focal_defence, coordinator, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    fill(coordinator, contribution, narrative="The coordinator's text.")
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{contribution.pk}/", {"version": 1, "narrative": "Mine."}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == 2
    assert body["current"]["narrative"] == "The coordinator's text."
    [change] = [c for c in body["changes"] if c["field"] == "narrative"]
    assert (change["before"], change["after"], change["by"]) == ("", "The coordinator's text.", "coordinator")
    contribution.refresh_from_db()
    assert contribution.narrative == "The coordinator's text." and contribution.version == 2


def test_focal_point_cannot_edit_another_departments_contribution(focal_justice, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(focal_justice).patch(
        f"/api/v1/contributions/{contribution.pk}/", {"version": 1, "narrative": "Not mine."}, format="json"
    )
    assert response.status_code == 403
    # Refused before the body is read: a bad body gets the same answer.
    response = api(focal_justice).patch(f"/api/v1/contributions/{contribution.pk}/", {"version": "x"}, format="json")
    assert response.status_code == 403
    contribution.refresh_from_db()
    assert contribution.version == 1 and contribution.narrative == ""


def test_reader_changes_nothing(reader, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    client = api(reader)
    assert client.patch(f"/api/v1/contributions/{contribution.pk}/", {"version": 1}, format="json").status_code == 403
    assert client.post(f"/api/v1/contributions/{contribution.pk}/submit/").status_code == 403


def test_anonymous_changes_nothing(open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = APIClient().patch(f"/api/v1/contributions/{contribution.pk}/", {"version": 1}, format="json")
    assert response.status_code == 401


def test_nothing_is_edited_once_submitted_or_after_the_round_closes(focal_defence, coordinator, open_round):
    submitted = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    services.contribution_submit(actor=focal_defence, contribution=submitted)
    client = api(focal_defence)
    response = client.patch(
        f"/api/v1/contributions/{submitted.pk}/", {"version": 3, "narrative": "Late."}, format="json"
    )
    assert response.status_code == 403
    services.round_close(actor=coordinator, round=open_round)
    draft = contribution_of(open_round, "7.b", "defence")
    response = client.patch(f"/api/v1/contributions/{draft.pk}/", {"version": 1, "narrative": "Late."}, format="json")
    assert response.status_code == 403
    assert client.post(f"/api/v1/contributions/{draft.pk}/submit/").status_code == 403


def test_patch_makes_a_fixed_number_of_queries(focal_defence, open_round, django_assert_max_num_queries):
    contribution = contribution_of(open_round, "23.a", "defence")
    client = api(focal_defence)
    client.get("/api/v1/plans/")
    url = f"/api/v1/contributions/{contribution.pk}/"
    instrument = by_sex(contribution).pk
    with django_assert_max_num_queries(40) as first:
        client.patch(url, {"version": 1, "measurements": [{"instrument": instrument, "women": 1}]}, format="json")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.patch(url, {"version": 2, "measurements": [{"instrument": instrument, "women": 2}]}, format="json")


# --- contributions: the review --------------------------------------------------------------------


def test_submit_return_resubmit_approve_reopen(focal_defence, coordinator, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    url = f"/api/v1/contributions/{contribution.pk}"
    focal, coord = api(focal_defence), api(coordinator)
    response = focal.post(f"{url}/submit/", {"version": contribution.version}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    response = coord.post(f"{url}/return/", {"note": "Give the figures for 2014."}, format="json")
    assert response.json()["state"] == "returned" and response.json()["review_note"] == "Give the figures for 2014."
    assert focal.post(f"{url}/submit/").json()["state"] == "submitted"
    response = coord.post(f"{url}/approve/")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    response = coord.post(f"{url}/reopen/", {"reason": "A figure was wrong."}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "returned"


def test_empty_contribution_cannot_be_submitted(focal_defence, open_round):
    contribution = contribution_of(open_round, "23.a", "defence")
    response = api(focal_defence).post(f"/api/v1/contributions/{contribution.pk}/submit/")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()["errors"]
    contribution.refresh_from_db()
    assert contribution.state == "draft"


@pytest.mark.parametrize(
    ("step", "body"),
    [("submit", None), ("approve", None), ("return", {"note": "Again."}), ("reopen", {"reason": "Again."})],
)
def test_steps_from_the_wrong_state_are_409(step, body, focal_defence, coordinator, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    contribution = services.contribution_submit(actor=focal_defence, contribution=contribution)
    if step in ("approve", "return"):
        contribution = services.contribution_approve(actor=coordinator, contribution=contribution)
    response = api(coordinator).post(f"/api/v1/contributions/{contribution.pk}/{step}/", body, format="json")
    assert response.status_code == 409
    assert response.json()["detail"]
    assert Contribution.objects.get(pk=contribution.pk).state == contribution.state


def test_submit_on_a_stale_version_is_409(focal_defence, coordinator, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    fill(coordinator, contribution, narrative="Changed meanwhile.")
    response = api(focal_defence).post(
        f"/api/v1/contributions/{contribution.pk}/submit/", {"version": 2}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["version"] == 3
    assert Contribution.objects.get(pk=contribution.pk).state == "draft"


def test_focal_point_cannot_submit_another_departments_contribution(focal_justice, focal_defence, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    response = api(focal_justice).post(f"/api/v1/contributions/{contribution.pk}/submit/")
    assert response.status_code == 403
    assert Contribution.objects.get(pk=contribution.pk).state == "draft"


@pytest.mark.parametrize(("step", "body"), [("approve", None), ("return", {"note": "Redo."})])
def test_only_the_coordinator_reviews(step, body, focal_defence, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    response = api(focal_defence).post(f"/api/v1/contributions/{contribution.pk}/{step}/", body, format="json")
    assert response.status_code == 403
    assert Contribution.objects.get(pk=contribution.pk).state == "submitted"


@pytest.mark.parametrize(("step", "field"), [("return", "note"), ("reopen", "reason")])
def test_return_and_reopen_need_words(step, field, focal_defence, coordinator, open_round):
    contribution = fill(focal_defence, contribution_of(open_round, "23.a", "defence"))
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    if step == "reopen":
        services.contribution_approve(actor=coordinator, contribution=contribution)
    response = api(coordinator).post(f"/api/v1/contributions/{contribution.pk}/{step}/", {field: " "}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_review_steps_make_a_fixed_number_of_queries(
    focal_defence, coordinator, open_round, django_assert_max_num_queries
):
    client = api(coordinator)
    client.get("/api/v1/plans/")
    counts = []
    for code in ("23.a", "7.c"):  # one instrument, three
        contribution = fill(focal_defence, contribution_of(open_round, code, "defence"))
        services.contribution_submit(actor=focal_defence, contribution=contribution)
        with django_assert_max_num_queries(60) as captured:
            assert client.post(f"/api/v1/contributions/{contribution.pk}/approve/").status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_expiry_existed_get_the_full_lifetime_from_the_upgrade(focal_defence, settings):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.utils import timezone

    settings.NAPTRACK_API_TOKEN_DAYS = 10
    executor = MigrationExecutor(connection)
    executor.migrate([("api", "0001_initial")])
    old_state = executor.loader.project_state([("api", "0001_initial")]).apps
    old_token = old_state.get_model("api", "ApiToken").objects.create(user_id=focal_defence.pk, key_hash="a" * 64)
    # Issued 60 days ago: counted from its creation, a 10-day lifetime would already be over.
    old_token.created = timezone.now() - dt.timedelta(days=60)
    old_token.save()
    before = timezone.now()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    token = ApiToken.objects.get(key_hash="a" * 64)
    assert before + dt.timedelta(days=10) <= token.expires <= timezone.now() + dt.timedelta(days=10)


def test_a_coordinator_revokes_a_token_in_the_admin_and_a_focal_point_cannot(coordinator, focal_defence):
    from naptrack.audit.models import AuditEvent

    client = api(focal_defence)
    token = ApiToken.objects.get(user=focal_defence)
    assert logged_in(focal_defence).get("/admin/api/apitoken/").status_code == 302  # to the admin login
    admin = logged_in(coordinator)
    assert "focal-defence" in admin.get("/admin/api/apitoken/").content.decode()
    response = admin.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert AuditEvent.objects.filter(action="api.token.revoked", data__user="focal-defence").exists()
    assert client.get("/api/v1/rounds/").json()["detail"] == "Invalid or revoked token."


def test_only_a_coordinator_may_revoke_a_token(focal_defence, reader):
    from django.core.exceptions import PermissionDenied

    from naptrack.api.services import token_revoke

    api(focal_defence)
    with pytest.raises(PermissionDenied):
        token_revoke(actor=reader, token=ApiToken.objects.get())
    assert ApiToken.objects.exists()
