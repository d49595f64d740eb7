"""Lineage in the API: the public reads the links and the comparison of adopted plans only; the
staff read them with a token, drafts for the coordinator; the coordinator sets and removes links,
others get 403; bad input gets 400 and writes nothing; the schema documents it; queries pinned."""

from __future__ import annotations

import pytest
import yaml
from rest_framework.test import APIClient

from naptrack.api.services import token_issue
from naptrack.plans.models import LineLink
from naptrack.plans.successors import plan_adopt
from tests.conftest import BE
from tests.test_plan_lineage import NEXT, successor_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(plan, coordinator, be_document):
    return successor_pair(plan, coordinator, be_document)


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
    return client


def test_the_public_reads_lineage_of_adopted_plans_only(pair, coordinator, django_assert_num_queries):
    _plan, draft = pair
    anonymous = api()
    assert anonymous.get(f"/api/v1/public/plans/{NEXT}/lineage/").status_code == 404
    assert anonymous.get(f"/api/v1/public/plans/{NEXT}/compared-with/{BE}/").status_code == 404
    with django_assert_num_queries(2):
        links = anonymous.get(f"/api/v1/public/plans/{BE}/lineage/").json()
    assert links == [], "the successor is a draft"

    plan_adopt(actor=coordinator, plan=draft)
    with django_assert_num_queries(2):
        links = anonymous.get(f"/api/v1/public/plans/{BE}/lineage/").json()
    merged = {"line": {"plan": NEXT, "code": "3.a"}, "continues": {"plan": BE, "code": "3.b"}, "source": "manual"}
    assert merged in links
    assert len(links) == LineLink.objects.filter(line__plan=draft).count()
    with django_assert_num_queries(6):
        body = anonymous.get(f"/api/v1/public/plans/{NEXT}/compared-with/{BE}/").json()
    assert (body["counts"]["new"], body["counts"]["dropped"], body["counts"]["merges"]) == (1, 1, 1)
    assert {"objective": 1, "status": "new", "line": "1.d", "continues": [], "merge": False, "split": False} in body[
        "lines"
    ]
    assert anonymous.get(f"/api/v1/public/plans/{BE}/compared-with/{NEXT}/").status_code == 404


def test_the_staff_read_drafts_only_as_coordinator(pair, coordinator, focal_defence, reader):
    assert api().get(f"/api/v1/plans/{NEXT}/lineage/").status_code == 401
    for person in (focal_defence, reader):
        assert api(person).get(f"/api/v1/plans/{NEXT}/lineage/").status_code == 404
        assert api(person).get(f"/api/v1/plans/{NEXT}/compared-with/{BE}/").status_code == 404
        assert api(person).get(f"/api/v1/plans/{BE}/lineage/").json() == []
    links = api(coordinator).get(f"/api/v1/plans/{NEXT}/lineage/").json()
    split = {"line": {"plan": NEXT, "code": "2.d"}, "continues": {"plan": BE, "code": "2.a"}, "source": "manual"}
    assert split in links
    assert api(coordinator).get(f"/api/v1/plans/{NEXT}/compared-with/{BE}/").json()["counts"]["splits"] == 1


def test_the_coordinator_sets_and_removes_links(pair, coordinator, focal_defence, reader):
    url = f"/api/v1/plans/{NEXT}/lineage/"
    body = {"line": "1.d", "continues": [{"plan": BE, "code": "1.c"}, {"plan": BE, "code": "1.b"}]}
    for person in (focal_defence, reader):
        assert api(person).post(url, body, format="json").status_code == 403
    assert api().post(url, body, format="json").status_code == 401
    assert not LineLink.objects.filter(line__plan__slug=NEXT, line__code="1.d").exists()

    response = api(coordinator).post(url, body, format="json")
    assert response.status_code == 200
    made = LineLink.objects.filter(line__plan__slug=NEXT, line__code="1.d")
    assert sorted(made.values_list("continues__code", flat=True)) == ["1.b", "1.c"]

    link = f"{url}1.d/{BE}/1.c/"
    for person in (focal_defence, reader):
        assert api(person).delete(link).status_code == 403
    assert api(coordinator).delete(link).status_code == 204
    assert list(made.values_list("continues__code", flat=True)) == ["1.b"]
    response = api(coordinator).delete(link)
    assert response.status_code == 400 and "does not continue" in str(response.json())
    assert api(coordinator).delete(f"{url}9.z/{BE}/1.c/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"line": "99.z", "continues": []}, "line"),
        ({"line": "1.d", "continues": [{"plan": BE, "code": "99.z"}]}, "continues"),
        ({"line": "1.d", "continues": [{"plan": NEXT, "code": "1.a"}]}, "continues"),  # not an earlier plan
        ({"line": "1.d", "continues": [{"plan": BE, "code": "1.c"}], "source": "guess"}, "source"),
        ({"line": "1.d"}, "continues"),
    ],
)
def test_bad_links_get_400_and_write_nothing(pair, coordinator, body, field):
    before = LineLink.objects.count()
    response = api(coordinator).post(f"/api/v1/plans/{NEXT}/lineage/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"] or field in str(response.json())
    assert LineLink.objects.count() == before


def test_the_schema_documents_lineage(plan):
    paths = yaml.safe_load(APIClient().get("/api/v1/schema/").content)["paths"]
    assert {} in paths["/api/v1/public/plans/{slug}/lineage/"]["get"]["security"]
    assert set(paths["/api/v1/plans/{slug}/lineage/"]["post"]["responses"]) == {"200", "400", "401", "403", "404"}
    assert "requestBody" in paths["/api/v1/plans/{slug}/lineage/"]["post"]
    assert "204" in paths["/api/v1/plans/{slug}/lineage/{code}/{old}/{old_code}/"]["delete"]["responses"]
    assert "/api/v1/public/plans/{slug}/compared-with/{old}/" in paths
