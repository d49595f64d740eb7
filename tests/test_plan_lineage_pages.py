"""The next plan in the browser: a draft is seen by the coordinator only, who adopts it and
confirms the links proposed to the earlier plan's lines; the public compares two adopted plans
side by side and follows a line from one plan to the next; query counts pinned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from naptrack.plans.lineage import line_link_set
from naptrack.plans.models import Action, LineLink, Plan
from naptrack.plans.successors import plan_adopt, plan_successor
from naptrack.portal.caching import pages
from tests.conftest import BE, logged_in
from tests.test_plan_lineage import MERGED, NEXT, successor_pair

pytestmark = pytest.mark.django_db

COMPARED = f"/plans/{NEXT}/compared-with/{BE}/"


@pytest.fixture
def pair(plan, coordinator, be_document):
    return successor_pair(plan, coordinator, be_document)


def test_a_draft_is_nowhere_for_the_public_and_the_staff_but_the_coordinator(
    pair,
    anonymous,
    coordinator_client,
    focal_defence,
    reader,
):
    for client in (anonymous, logged_in(focal_defence), logged_in(reader)):
        for url in (f"/plans/{NEXT}/", f"/plans/{NEXT}/lines/3.a/", f"/plans/{NEXT}/objectives/1/", COMPARED):
            assert client.get(url).status_code == 404, url
        for url in ("/", "/plans/", "/open-data/", f"/plans/{BE}/lines/2.a/"):
            assert NEXT not in client.get(url).content.decode(), url
        assert client.get(f"/plans/{NEXT}.json").status_code == 404
        assert NEXT not in client.get("/api/v1/plans/").content.decode()
        assert client.get(f"/api/v1/plans/{NEXT}/").status_code == 404
    overview = coordinator_client.get(f"/plans/{NEXT}/").content.decode()
    assert "This plan is a draft" in overview and f'href="/plans/{NEXT}/adopt/"' in overview
    assert f'href="/plans/{NEXT}/lineage/"' in overview
    line = coordinator_client.get(f"/plans/{NEXT}/lines/3.a/").content.decode()
    assert f'href="/plans/{BE}/lines/3.b/"' in line, "the coordinator sees the draft's lineage"
    page = coordinator_client.get(COMPARED).content.decode()
    assert "only coordinators see this comparison" in page


def test_the_coordinator_adopts_the_draft_with_a_button(pair, coordinator_client, focal_defence, anonymous):
    _plan, draft = pair
    assert logged_in(focal_defence).post(f"/plans/{NEXT}/adopt/").status_code == 403
    assert anonymous.post(f"/plans/{NEXT}/adopt/").status_code == 302  # to sign in
    page = coordinator_client.get(f"/plans/{NEXT}/adopt/").content.decode()
    assert "is a draft" in page and "Adopt the plan" in page
    response = coordinator_client.post(f"/plans/{NEXT}/adopt/")
    assert response.status_code == 302 and response["Location"] == f"/plans/{NEXT}/"
    assert Plan.objects.get(pk=draft.pk).is_adopted
    assert coordinator_client.post(f"/plans/{NEXT}/adopt/").status_code == 400, "adopted already"
    pages.clear()
    assert anonymous.get(f"/plans/{NEXT}/").status_code == 200


def test_the_public_compares_two_adopted_plans_side_by_side(pair, coordinator, anonymous, django_assert_num_queries):
    plan, draft = pair
    plan_adopt(actor=coordinator, plan=draft)
    pages.clear()
    # The public stamp, then the comparison's two plans and its four reads.
    with django_assert_num_queries(7):
        page = anonymous.get(COMPARED).content.decode()
    kept = plan.actions.count() - 5
    assert f"{kept} lines kept" in page and "4 changed" in page and "1 new" in page and "1 dropped" in page
    assert "1 split" in page and "1 merge" in page
    assert MERGED in page
    assert f'href="/plans/{BE}/lines/4.f/"' in page, "the dropped line"
    assert anonymous.get(f"/plans/{BE}/compared-with/{NEXT}/").status_code == 404, "later against earlier"
    assert anonymous.get(f"/plans/{NEXT}/compared-with/nope/").status_code == 404


def test_a_line_page_shows_where_the_line_goes_on(pair, coordinator, anonymous):
    _plan, draft = pair
    page = anonymous.get(f"/plans/{BE}/lines/2.a/").content.decode()
    assert "Continued by" not in page, "not while the next plan is a draft"
    plan_adopt(actor=coordinator, plan=draft)
    pages.clear()
    page = anonymous.get(f"/plans/{BE}/lines/2.a/").content.decode()
    assert "Continued by" in page
    assert f'href="/plans/{NEXT}/lines/2.a/"' in page and f'href="/plans/{NEXT}/lines/2.d/"' in page
    assert f'href="{COMPARED}"' in page
    merged = anonymous.get(f"/plans/{NEXT}/lines/3.a/").content.decode()
    assert "This line continues" in merged
    assert f'href="/plans/{BE}/lines/3.a/"' in merged and f'href="/plans/{BE}/lines/3.b/"' in merged
    # The same number of queries with links as without: one read of the lineage (the rest of the
    # line page is pinned by tests/test_portal.py).
    counts = []
    for url in (f"/plans/{BE}/lines/2.a/", f"/plans/{BE}/lines/4.f/", f"/plans/{NEXT}/lines/3.a/"):
        pages.clear()
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get(url).status_code == 200
        counts.append(len(captured))
        assert sum("plans_linelink" in q["sql"] for q in captured.captured_queries) == 1
    assert len(set(counts)) == 1, counts


def test_the_coordinator_confirms_proposed_links_in_one_form(plan, coordinator, coordinator_client, focal_defence):
    draft = plan_successor(
        actor=coordinator, plan=plan, slug=NEXT, title="Third NAP", period_start=2017, period_end=2021
    )
    LineLink.objects.filter(line__plan=draft).delete()
    url = f"/plans/{NEXT}/lineage/"
    assert logged_in(focal_defence).get(f"{url}?from={BE}").status_code == 403
    page = coordinator_client.get(f"{url}?from={BE}").content.decode()
    assert page.count('name="link"') >= plan.actions.count(), "every copied line finds its original"
    line = Action.objects.get(plan=draft, code="21")
    old = Action.objects.get(plan=plan, code="21")
    assert f'value="{line.pk}-{old.pk}"' in page

    # One link the coordinator unchecked stays out; the others are saved together.
    checked = [f"{a.pk}-{o.pk}" for a, o in _same_code(plan, draft) if a.code != "21"]
    response = coordinator_client.post(url, {"from": BE, "link": checked})
    assert response.status_code == 302
    assert LineLink.objects.filter(line__plan=draft, source="confirmed").count() == len(checked)
    assert not LineLink.objects.filter(line=line).exists()

    # A link to a line that is not earlier spoils the whole form: nothing more is saved.
    before = LineLink.objects.count()
    bad = [f"{line.pk}-{old.pk}", f"{line.pk}-{Action.objects.get(plan=draft, code='1.a').pk}"]
    response = coordinator_client.post(url, {"from": BE, "link": bad})
    assert response.status_code == 400 and "No link was saved" in response.content.decode()
    assert LineLink.objects.count() == before
    assert coordinator_client.post(url, {"from": BE, "link": ["x-1"]}).status_code == 400


def test_linking_from_the_service_shows_on_both_plans(pair, coordinator, coordinator_client):
    plan, draft = pair
    new_line = Action.objects.select_related("plan").get(plan=draft, code="1.d")
    line_link_set(
        actor=coordinator, line=new_line, continues=[Action.objects.select_related("plan").get(plan=plan, code="1.c")]
    )
    assert f'href="/plans/{BE}/lines/1.c/"' in coordinator_client.get(f"/plans/{NEXT}/lines/1.d/").content.decode()


def _same_code(old: Plan, new: Plan) -> list[tuple[Action, Action]]:
    olds = {a.code: a for a in Action.objects.filter(plan=old)}
    return [(a, olds[a.code]) for a in Action.objects.filter(plan=new).order_by("pk") if a.code in olds]


def test_pickers_offer_no_draft(pair, focal_defence):
    from naptrack.civilsociety.forms import OrganisationForm
    from naptrack.reporting.forms_coordination import RoundCreateForm

    _plan, draft = pair
    assert draft not in RoundCreateForm().fields["plan"].queryset
    follows = OrganisationForm().fields["follows"].queryset
    assert follows.filter(plan__slug=BE).exists() and not follows.filter(plan=draft).exists()
    assert draft not in Plan.objects.visible_to(focal_defence)
