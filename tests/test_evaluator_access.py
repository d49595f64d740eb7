"""The evaluator: reads everything internal of the one plan they evaluate (its rounds, dashboards,
contributions in every state with their evidence and review notes, the draft report, the API),
changes nothing, and learns nothing of another plan (404).

Two plans: Belgium's (A, evaluated) and a copy of it loaded under another slug (B), each with an
open 2014 round.
"""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client
from rest_framework.test import APIClient

from naptrack.accounts.models import User
from naptrack.accounts.services import user_create
from naptrack.api.services import token_issue
from naptrack.plans.services import plan_load
from naptrack.portal import publishing
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Round
from tests.conftest import BE, contribution_of, logged_in

OTHER = "be-nap-other"
SECRET = "Quillonite"


@pytest.fixture
def other_plan(plan, be_document):
    document = copy.deepcopy(be_document)
    document["slug"] = OTHER
    document["title"] = "Another national action plan"
    return plan_load(actor="tests", document=document).plan


@pytest.fixture
def other_round(other_plan, coordinator, open_round):
    round_ = services.round_create(
        actor=coordinator, plan=other_plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31)
    )
    return services.round_open(actor=coordinator, round=round_)


@pytest.fixture
def evaluator(plan):
    return user_create(
        actor="tests",
        username="evaluator",
        role="evaluator",
        password="correct horse battery staple",
        plan_slug=BE,
        email="evaluator@example.org",
        check_password=False,
    )


@pytest.fixture
def evaluator_client(evaluator) -> Client:
    return logged_in(evaluator)


def api(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
    client.get("/api/v1/plans/")  # the token's first use records last_used
    return client


def defence_draft(round_, focal_defence, *, internal: bool = False) -> Contribution:
    """Defence's contribution on line 14.a with a secret answer and an evidence link."""
    c = contribution_of(round_, "14.a", "defence")
    c = services.contribution_save(
        actor=focal_defence,
        contribution=c,
        version=c.version,
        data={
            "status": "in-progress",
            "narrative": f"{SECRET} narrative.",
            "visibility": "internal" if internal else "public",
        },
    )
    services.evidence_add(actor=focal_defence, contribution=c, title="Report", url="https://mil.be/quillonite")
    return contribution_of(round_, "14.a", "defence")


def defence_internal_approved(round_, focal_defence, coordinator) -> Contribution:
    """Approved, marked internal, with the coordinator's note from its return."""
    c = defence_draft(round_, focal_defence, internal=True)
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    c = services.contribution_return(actor=coordinator, contribution=c, note=f"{SECRET} note.")
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    return services.contribution_approve(actor=coordinator, contribution=c)


# --- reading their own plan ----------------------------------------------------------------------


def test_evaluator_reads_their_plans_dashboard_and_contributions(
    evaluator_client, open_round, other_round, django_assert_num_queries
):
    # session, user, roles, round, counts per department, reminders, departments, counts per
    # objective, objectives, contributions, queue, targets' reads, sections: pinned as a reader's
    response = evaluator_client.get(f"/rounds/{open_round.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    # Read-only: no transition, no reminder, no workbook, but the draft report.
    assert "state/open" not in html and "state/close" not in html and "/remind/" not in html
    assert "/workbook/" not in html
    assert f"/rounds/{open_round.pk}/report.html?lang=en&amp;draft=1" in html
    # And the plan's set-up screens, which they read too.
    for url in (f"/plans/{BE}/instruments/", f"/plans/{BE}/targets/edit/", f"/plans/{BE}/translations/"):
        assert f'href="{url}"' in html
    assert evaluator_client.get(f"/rounds/{open_round.pk}/contributions/").status_code == 200
    assert evaluator_client.get(f"/rounds/{open_round.pk}/lines/14.a/").status_code == 200
    assert evaluator_client.get(f"/rounds/{open_round.pk}/lines/14.a/history/").status_code == 200


def test_evaluator_reads_a_draft_with_its_evidence(evaluator_client, open_round, focal_defence):
    c = defence_draft(open_round, focal_defence)
    response = evaluator_client.get(f"/work/contributions/{c.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{SECRET} narrative." in html and "https://mil.be/quillonite" in html
    assert "You have read-only access to contributions." in html
    assert "<textarea" not in html
    assert evaluator_client.get(f"/contributions/{c.pk}/history/").status_code == 200


def test_evaluator_reads_an_internal_contribution_and_its_review_note(
    evaluator_client, evaluator, reader, open_round, focal_defence, coordinator
):
    c = defence_internal_approved(open_round, focal_defence, coordinator)
    html = evaluator_client.get(f"/work/contributions/{c.pk}/").content.decode()
    as_reader = logged_in(reader).get(f"/work/contributions/{c.pk}/").content.decode()
    assert f"{SECRET} narrative." in html and "https://mil.be/quillonite" in html
    # What the page shows a reader of it, the evaluator reads too.
    assert (f"{SECRET} note." in html) is (f"{SECRET} note." in as_reader)
    for perm in ("view_contribution", "view_evidence", "view_review_note", "view_history"):
        assert evaluator.has_perm(f"reporting.{perm}", c), perm


def test_evaluator_reads_the_draft_report_of_their_plan(evaluator_client, open_round, focal_defence, coordinator):
    defence_internal_approved(open_round, focal_defence, coordinator)
    response = evaluator_client.get(f"/rounds/{open_round.pk}/report.html?draft=1")
    assert response.status_code == 200
    assert f"{SECRET} narrative." in response.content.decode()
    assert evaluator_client.get(f"/rounds/{open_round.pk}/report.html").status_code == 200


def test_evaluator_lists_only_their_plans_rounds(evaluator, evaluator_client, open_round, other_round):
    assert list(Round.objects.visible_to(evaluator)) == [open_round]
    html = evaluator_client.get("/rounds/").content.decode()
    assert f"/rounds/{open_round.pk}/" in html and f"/rounds/{other_round.pk}/" not in html
    # One plan a page: the other plan is on no page, and asked for by name it is not there.
    for other in (f"/rounds/?plan={other_round.plan.slug}", "/rounds/?page=2"):
        html = evaluator_client.get(other).content.decode()
        assert f"/rounds/{open_round.pk}/" in html and f"/rounds/{other_round.pk}/" not in html
    # Nothing to create.
    assert "/rounds/new/" not in html


def test_readable_by_keeps_an_evaluator_to_their_plan(evaluator, open_round, other_round, focal_defence):
    own = defence_draft(open_round, focal_defence)
    other = defence_draft(other_round, focal_defence)
    readable = Contribution.objects.readable_by(evaluator)
    assert readable.filter(pk=own.pk).exists() and not readable.filter(pk=other.pk).exists()
    assert set(readable.values_list("round__plan__slug", flat=True).distinct()) == {BE}
    # The rule says the same on every contribution of both rounds.
    everything = Contribution.objects.filter(round__in=[open_round, other_round]).select_related("round")
    expected = {c.pk for c in everything if evaluator.has_perm("reporting.view_contribution", c)}
    assert set(everything.readable_by(evaluator).values_list("pk", flat=True)) == expected
    assert len(expected) == Contribution.objects.filter(round=open_round).count()


def test_evaluator_api_reads_their_plan_only(evaluator, open_round, other_round, focal_defence):
    client = api(evaluator)
    rounds = client.get("/api/v1/rounds/").json()
    assert [r["id"] for r in rounds["results"]] == [open_round.pk]
    listed = client.get(f"/api/v1/rounds/{open_round.pk}/contributions/?page_size=200").json()
    assert listed["count"] == Contribution.objects.filter(round=open_round).count()
    assert {c["id"] for c in listed["results"]} <= set(
        Contribution.objects.filter(round=open_round).values_list("pk", flat=True)
    )
    own = defence_draft(open_round, focal_defence)
    detail = client.get(f"/api/v1/contributions/{own.pk}/")
    assert detail.status_code == 200 and detail.json()["narrative"] == f"{SECRET} narrative."
    assert client.get(f"/api/v1/rounds/{open_round.pk}/").status_code == 200


def test_evaluator_reads_their_plans_civil_society_assessments(
    evaluator, evaluator_client, coordinator, open_round, other_round
):
    from naptrack.civilsociety import services as civil_society
    from naptrack.plans.models import Action
    from tests.civil_society_data import member, organisations

    ngo, _partner = organisations(coordinator)
    an = member(coordinator, ngo, "an@vrouwenvoorvrede.example")

    def submitted(round_, slug: str, words: str):
        line = Action.objects.get(plan__slug=slug, code="17.a")
        created = civil_society.assessment_create(actor=an, round=round_, action=line, data={"narrative": words})
        return civil_society.assessment_submit(actor=an, assessment=created)

    own = submitted(open_round, BE, f"{SECRET} own.")
    other = submitted(other_round, OTHER, f"{SECRET} other.")
    page = evaluator_client.get(f"/civil-society/assessments/{own.pk}/")
    assert page.status_code == 200 and f"{SECRET} own." in page.content.decode()
    assert evaluator_client.get(f"/civil-society/assessments/{other.pk}/").status_code == 404
    listed = api(evaluator).get("/api/v1/assessments/").json()
    assert [a["id"] for a in listed["results"]] == [own.pk]
    # The round's dashboard counts them, without the moderation queue (every plan's) to follow.
    html = evaluator_client.get(f"/rounds/{open_round.pk}/").content.decode()
    assert "Civil-society assessments" in html and "/civil-society/moderation/" not in html
    assert f"{SECRET} other." not in evaluator_client.get(f"/rounds/{open_round.pk}/").content.decode()


def test_evaluator_reads_their_plans_internal_consultations(evaluator, evaluator_client, coordinator, other_plan):
    from naptrack.civilsociety import services as civil_society
    from naptrack.plans.models import Department, Plan

    def consultation(plan: Plan, title: str):
        return civil_society.event_create(
            actor=coordinator,
            plan=plan,
            kind="mid-term",
            title=title,
            date=dt.date(2014, 11, 20),
            organiser=Department.objects.get(code="foreign-affairs"),
        )

    own = consultation(evaluator.plan, f"{SECRET} consultation")
    other = consultation(other_plan, f"{SECRET} elsewhere")
    assert not own.public
    page = evaluator_client.get(f"/civil-society/events/{own.pk}/")
    assert page.status_code == 200 and f"{SECRET} consultation" in page.content.decode()
    # Read only: no file, recommendation or response to add.
    assert f"/civil-society/events/{own.pk}/files/" not in page.content.decode()
    assert evaluator_client.get(f"/civil-society/events/{other.pk}/").status_code == 404
    assert evaluator_client.get(f"/civil-society/events/{own.pk}/edit/").status_code == 403


def test_evaluator_reads_the_plans_internal_screens_read_only(
    evaluator_client, other_plan, reader, focal_defence, django_assert_num_queries
):
    # session, user, roles, plan, then each screen's reads: lines with instruments (2), rounds
    # opened; instruments with targets and milestones (2), rounds opened; the plan's texts and
    # their translations' states (7). As the coordinator's, whatever the number of lines.
    screens = {
        f"/plans/{BE}/instruments/": (7, "Kinds of answer", f"/plans/{BE}/instruments/"),
        f"/plans/{BE}/targets/edit/": (7, "Milestones", f"/plans/{BE}/targets/edit/"),
        f"/plans/{BE}/translations/": (11, "Translations of the plan", f"/plans/{BE}/translations/fr/"),
    }
    for url, (queries, title, change_link) in screens.items():
        with django_assert_num_queries(queries):
            response = evaluator_client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and title in html, url
        # Nothing to change from them.
        assert ">Change<" not in html and "Add a target" not in html and change_link + "1" not in html, url
        assert f'href="{change_link}"' not in html or change_link == url, url
        # Readers follow the rounds, not the plan's set-up (tests/test_targets_screens.py).
        assert logged_in(reader).get(url).status_code == 403, url
        assert logged_in(focal_defence).get(url).status_code == 403, url
        assert evaluator_client.get(url.replace(BE, OTHER)).status_code == 404, url
    instrument = plan_instrument(BE)
    for url in (
        f"/plans/{BE}/instruments/{instrument.pk}/",
        f"/plans/{BE}/targets/edit/{instrument.pk}/",
        f"/plans/{BE}/targets/edit/{instrument.pk}/remove/",
        f"/plans/{BE}/translations/fr/",
        f"/plans/{BE}/translations/fr/download.xlsx",
    ):
        assert evaluator_client.get(url).status_code == 403, url
    kind = instrument.kind
    assert evaluator_client.post(f"/plans/{BE}/instruments/{instrument.pk}/", {"kind": "count"}).status_code == 403
    instrument.refresh_from_db()
    assert instrument.kind == kind


def plan_instrument(slug: str):
    from naptrack.plans.models import Instrument

    return Instrument.objects.filter(action__plan__slug=slug, action__code="14.a").order_by("position").first()


# --- nothing of another plan ---------------------------------------------------------------------


def test_evaluator_gets_nothing_of_another_plan(evaluator, evaluator_client, other_round, focal_defence):
    other = defence_draft(other_round, focal_defence)
    evidence = other.evidence.get()
    for url in (
        f"/rounds/{other_round.pk}/",
        f"/rounds/{other_round.pk}/contributions/",
        f"/rounds/{other_round.pk}/lines/14.a/",
        f"/rounds/{other_round.pk}/lines/14.a/history/",
        f"/rounds/{other_round.pk}/report.html",
        f"/rounds/{other_round.pk}/report.html?draft=1",
        f"/work/contributions/{other.pk}/",
        f"/contributions/{other.pk}/history/",
        f"/work/evidence/{evidence.pk}/",
    ):
        response = evaluator_client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode(), url
    for perm in ("view_round", "view_all_contributions", "view_history"):
        assert not evaluator.has_perm(f"reporting.{perm}", other_round), perm
    for perm in ("view_contribution", "view_evidence", "view_review_note", "view_history"):
        assert not evaluator.has_perm(f"reporting.{perm}", other), perm


def test_evaluator_api_gets_nothing_of_another_plan(evaluator, other_round, focal_defence):
    other = defence_draft(other_round, focal_defence)
    client = api(evaluator)
    for url in (
        f"/api/v1/rounds/{other_round.pk}/",
        f"/api/v1/rounds/{other_round.pk}/contributions/",
        f"/api/v1/contributions/{other.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode(), url


def test_an_evaluator_without_a_plan_reads_nothing(plan, open_round):
    # Not something the services make (they require the plan); a row changed behind their back.
    lost = user_create(
        actor="tests", username="lost", role="evaluator", password="x" * 12, plan_slug=BE, check_password=False
    )
    User.objects.filter(pk=lost.pk).update(plan=None)
    lost = User.objects.get(pk=lost.pk)
    assert not Round.objects.visible_to(lost).exists()
    assert not Contribution.objects.readable_by(lost).exists()
    assert logged_in(lost).get(f"/rounds/{open_round.pk}/").status_code == 404


def test_the_object_less_checks_need_an_object_of_their_plan(evaluator, open_round, other_round):
    # The draft report's permission is asked with its round: without one, nothing is granted.
    assert not evaluator.has_perm("reporting.view_all_contributions")
    assert evaluator.has_perm("reporting.view_all_contributions", open_round)
    assert not evaluator.has_perm("reporting.view_all_contributions", other_round)
    assert not evaluator.has_perm("reporting.view_history")
    # Listing rounds and contributions at all: yes, the lists keep to the plan (tests above).
    assert evaluator.has_perm("reporting.view_round") and evaluator.has_perm("reporting.view_contribution")


# --- changing nothing ----------------------------------------------------------------------------


def test_evaluator_changes_no_contribution(evaluator, evaluator_client, open_round, focal_defence, mailoutbox):
    c = defence_draft(open_round, focal_defence)
    before = (c.version, c.state, c.narrative)
    url = f"/work/contributions/{c.pk}/"
    posted = {"version": c.version, "status": "completed", "narrative": "Evaluator was here.", "visibility": "public"}
    assert evaluator_client.post(url, posted).status_code == 403
    assert evaluator_client.post(f"{url}submit/", posted).status_code == 403
    assert evaluator_client.post(f"{url}evidence/", {"title": "x", "url": "https://example.org"}).status_code == 403
    evidence = c.evidence.get()
    assert evaluator_client.post(f"/work/evidence/{evidence.pk}/remove/").status_code == 403
    c.refresh_from_db()
    assert (c.version, c.state, c.narrative) == before
    assert c.evidence.count() == 1
    with pytest.raises(PermissionDenied):
        services.contribution_save(actor=evaluator, contribution=c, version=c.version, data={"narrative": "x"})


def test_evaluator_reviews_nothing(evaluator, evaluator_client, open_round, focal_defence, coordinator):
    c = services.contribution_submit(actor=focal_defence, contribution=defence_draft(open_round, focal_defence))
    for decision in ("return", "approve"):
        response = evaluator_client.post(f"/contributions/{c.pk}/review/{decision}/", {"note": "x"})
        assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.contribution_approve(actor=evaluator, contribution=c)
    c.refresh_from_db()
    assert c.state == "submitted"
    approved = services.contribution_approve(actor=coordinator, contribution=c)
    assert evaluator_client.post(f"/contributions/{c.pk}/review/reopen/", {"reason": "x"}).status_code == 403
    approved.refresh_from_db()
    assert approved.state == "approved"


def test_evaluator_runs_no_round(evaluator, evaluator_client, annual_round, mailoutbox):
    for transition in ("open", "close", "reopen", "publish"):
        assert evaluator_client.post(f"/rounds/{annual_round.pk}/state/{transition}/").status_code == 403
    assert evaluator_client.post(f"/rounds/{annual_round.pk}/remind/defence/").status_code == 403
    assert evaluator_client.get(f"/rounds/{annual_round.pk}/edit/").status_code == 403
    assert evaluator_client.post("/rounds/new/", {"plan": BE, "kind": "annual", "year": 2015}).status_code == 403
    for step in (services.round_open, publishing.round_publish):
        with pytest.raises(PermissionDenied):
            step(actor=evaluator, round=annual_round)
    annual_round.refresh_from_db()
    assert annual_round.state == "draft" and not mailoutbox
    assert evaluator_client.get(f"/work/rounds/{annual_round.pk}/workbook/?department=defence").status_code == 403


def test_evaluator_writes_nothing_through_the_api(evaluator, open_round, focal_defence):
    draft = defence_draft(open_round, focal_defence)
    client = api(evaluator)
    url = f"/api/v1/contributions/{draft.pk}/"
    assert client.patch(url, {"version": draft.version, "narrative": "x"}, format="json").status_code == 403
    assert client.post(f"{url}submit/", {"version": draft.version}, format="json").status_code == 403
    draft.refresh_from_db()
    assert (draft.version, draft.state, draft.narrative) == (2, "draft", f"{SECRET} narrative.")
    submitted = services.contribution_save(
        actor=focal_defence,
        contribution=contribution_of(open_round, "23.a", "defence"),
        version=1,
        data={"status": "completed"},
    )
    submitted = services.contribution_submit(actor=focal_defence, contribution=submitted)
    url = f"/api/v1/contributions/{submitted.pk}/"
    for step in ("approve", "return"):
        assert (
            client.post(f"{url}{step}/", {"version": submitted.version, "note": "x"}, format="json").status_code == 403
        )
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    for step in ("close", "publish"):
        assert client.post(f"/api/v1/rounds/{open_round.pk}/{step}/", {}, format="json").status_code == 403
    open_round.refresh_from_db()
    assert open_round.state == "open"


# --- their landing and the screens they do not get -----------------------------------------------


def test_evaluator_lands_on_their_plans_rounds_after_a_second_factor(evaluator, open_round):
    client = Client()
    response = client.post("/accounts/login/", {"username": "evaluator", "password": "correct horse battery staple"})
    assert response.status_code == 302 and response.url == "/start/"
    # They read a plan's internals, as readers do: a second factor first, then their plan's rounds.
    held = client.get("/start/")
    assert held.status_code == 302 and "/accounts/two-factor/" in held.url and "next=%2Fstart%2F" in held.url
    assert logged_in(evaluator).get("/start/")["Location"] == "/rounds/"


def test_evaluator_has_no_work_list(evaluator_client, open_round):
    html = evaluator_client.get(f"/rounds/{open_round.pk}/").content.decode()
    assert '/work/"' not in html and "My contributions" not in html
    page = evaluator_client.get("/work/").content.decode()
    assert "As the evaluator of" in page and "/rounds/" in page


def test_evaluator_gets_no_international_civil_society_or_account_screens(evaluator_client, evaluator):
    for url in ("/international/", "/civil-society/moderation/", "/accounts/people/", "/audit/"):
        assert evaluator_client.get(url).status_code in (403, 404), url
    client = api(evaluator)
    for url in ("/api/v1/requests/", "/api/v1/frameworks/", "/api/v1/targeted-questions/", "/api/v1/organisations/"):
        assert client.get(url).status_code == 403, url


# --- query counts of what they list --------------------------------------------------------------


def test_evaluator_lists_at_a_fixed_number_of_queries(
    evaluator, evaluator_client, open_round, other_round, focal_defence, coordinator, django_assert_num_queries
):
    # What a reader's pages cost: the plan's scope is a condition in the same queries. The line's
    # page has one query less than a reader's: no international answers section.
    pages = {
        # A plan a page: the plans with rounds, the rounds, their counts (as the coordinator's, + the plan's scope).
        "/rounds/": 8,
        f"/rounds/{open_round.pk}/": 16,
        f"/rounds/{open_round.pk}/contributions/": 8,
        f"/rounds/{open_round.pk}/lines/14.a/": 16,
    }
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert evaluator_client.get(url).status_code == 200, url
    # The same with contributions in every state, in both plans.
    defence_internal_approved(open_round, focal_defence, coordinator)
    defence_draft(other_round, focal_defence)
    for url, queries in pages.items():
        with django_assert_num_queries(queries):
            assert evaluator_client.get(url).status_code == 200, url
    client = api(evaluator)
    # token+user, groups, count, page, the page's rounds counted (test_api's pin, plus the plan's scope)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/rounds/").json()["count"] == 1
    # token+user, groups, round, count, page, measurements, their countries, evidence, instruments
    with django_assert_num_queries(9):
        client.get(f"/api/v1/rounds/{open_round.pk}/contributions/")
    # token+user, groups, round with counts, counts per department
    with django_assert_num_queries(4):
        client.get(f"/api/v1/rounds/{open_round.pk}/")


def test_anonymous_is_no_evaluator(open_round):
    assert not AnonymousUser().has_perm("reporting.view_all_contributions", open_round)
