"""The whole matrix of role x action in a reporting round, checked through the services (which
every screen and API endpoint calls), so that what is refused here is refused everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client

from naptrack.accounts.services import user_create
from naptrack.plans.models import Plan
from naptrack.portal import publishing
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, Round

from .conftest import contribution_of, logged_in

ALLOWED, DENIED = True, False


@pytest.fixture
def focal_interior(plan):
    return user_create(
        actor="tests",
        username="focal-interior",
        role="focal-point",
        password="x" * 12,
        department_code="interior",
        check_password=False,
    )


def _evaluator(username: str, plan_slug: str):
    return user_create(
        actor="tests", username=username, role="evaluator", password="x" * 12, plan_slug=plan_slug, check_password=False
    )


@pytest.fixture
def personas(plan, coordinator, focal_defence, focal_justice, reader, focal_interior):
    # The evaluator of the Belgian plan, whose rounds these are, and the evaluator of another plan.
    elsewhere = Plan.objects.create(
        slug="be-nap-2017-2021", title="Third plan", country="BE", period_start=2017, period_end=2021
    )
    return {
        "coordinator": coordinator,
        "focal-defence": focal_defence,
        "focal-justice": focal_justice,
        "focal-interior": focal_interior,
        "reader": reader,
        "evaluator": _evaluator("evaluator", plan.slug),
        "evaluator-elsewhere": _evaluator("evaluator-elsewhere", elsewhere.slug),
        "anonymous": AnonymousUser(),
    }


def filled(contribution: Contribution, actor) -> Contribution:
    return services.contribution_save(
        actor=actor,
        contribution=contribution,
        version=contribution.version,
        data={"status": "in-progress", "narrative": "Done."},
    )


# persona -> may edit and submit the Defence contribution on line 14.a (an open round, draft)
EDIT = {
    "coordinator": ALLOWED,
    "focal-defence": ALLOWED,
    "focal-justice": DENIED,
    "focal-interior": DENIED,
    "reader": DENIED,
    "evaluator": DENIED,
    "evaluator-elsewhere": DENIED,
    "anonymous": DENIED,
}


@pytest.mark.parametrize(("persona", "allowed"), EDIT.items())
def test_who_may_edit_a_departments_contribution(open_round, personas, persona, allowed):
    contribution = contribution_of(open_round, "14.a", "defence")
    user = personas[persona]
    assert user.has_perm("reporting.change_contribution", contribution) is allowed
    if allowed:
        saved = filled(contribution, user)
        assert saved.version == 2
        assert saved.on_behalf is (persona == "coordinator")
    else:
        with pytest.raises(PermissionDenied):
            filled(contribution, user)
        contribution.refresh_from_db()
        assert (contribution.version, contribution.narrative) == (1, "")


@pytest.mark.parametrize(("persona", "allowed"), EDIT.items())
def test_who_may_submit_a_departments_contribution(open_round, personas, coordinator, persona, allowed):
    contribution = filled(contribution_of(open_round, "14.a", "defence"), coordinator)
    if allowed:
        assert services.contribution_submit(actor=personas[persona], contribution=contribution).state == "submitted"
    else:
        with pytest.raises(PermissionDenied):
            services.contribution_submit(actor=personas[persona], contribution=contribution)
        contribution.refresh_from_db()
        assert contribution.state == "draft"


def test_focal_point_of_interior_reports_for_its_units(open_round, focal_interior):
    """Interior's focal point answers for the Federal Police, the CGRS, the Office for Foreigners and Fedasil."""
    fedasil = contribution_of(open_round, "13.b", "interior-fedasil")
    assert filled(fedasil, focal_interior).version == 2


def test_focal_point_of_a_unit_does_not_report_for_its_parent(open_round, plan):
    police = user_create(
        actor="tests",
        username="focal-police",
        role="focal-point",
        password="x" * 12,
        department_code="interior-federal-police",
        check_password=False,
    )
    with pytest.raises(PermissionDenied):
        filled(contribution_of(open_round, "5.a", "interior"), police)


REVIEW = {
    "coordinator": ALLOWED,
    "focal-defence": DENIED,
    "focal-justice": DENIED,
    "focal-interior": DENIED,
    "reader": DENIED,
    "evaluator": DENIED,
    "evaluator-elsewhere": DENIED,
    "anonymous": DENIED,
}


@pytest.mark.parametrize("decision", ["return", "approve"])
@pytest.mark.parametrize(("persona", "allowed"), REVIEW.items())
def test_only_the_coordinator_reviews(open_round, personas, focal_defence, persona, allowed, decision):
    contribution = filled(contribution_of(open_round, "14.a", "defence"), focal_defence)
    contribution = services.contribution_submit(actor=focal_defence, contribution=contribution)
    act = {
        "return": lambda u: services.contribution_return(actor=u, contribution=contribution, note="More detail."),
        "approve": lambda u: services.contribution_approve(actor=u, contribution=contribution),
    }[decision]
    if allowed:
        assert act(personas[persona]).state == {"return": "returned", "approve": "approved"}[decision]
    else:
        with pytest.raises(PermissionDenied):
            act(personas[persona])
        contribution.refresh_from_db()
        assert contribution.state == "submitted"


@pytest.mark.parametrize(("persona", "allowed"), REVIEW.items())
def test_only_the_coordinator_reopens_an_approved_contribution(open_round, personas, coordinator, persona, allowed):
    contribution = filled(contribution_of(open_round, "14.a", "defence"), coordinator)
    contribution = services.contribution_submit(actor=coordinator, contribution=contribution)
    contribution = services.contribution_approve(actor=coordinator, contribution=contribution)
    if allowed:
        reopened = services.contribution_reopen(actor=personas[persona], contribution=contribution, reason="Typo.")
        assert (reopened.state, reopened.review_note) == ("returned", "Typo.")
    else:
        with pytest.raises(PermissionDenied):
            services.contribution_reopen(actor=personas[persona], contribution=contribution, reason="Typo.")


MANAGE = REVIEW


@pytest.mark.parametrize(("persona", "allowed"), MANAGE.items())
def test_only_the_coordinator_runs_rounds(plan, personas, persona, allowed):
    user = personas[persona]
    create = lambda: services.round_create(  # noqa: E731
        actor=user, plan=plan, kind="baseline", year=2012, deadline=dt.date(2013, 6, 30)
    )
    if not allowed:
        with pytest.raises(PermissionDenied):
            create()
        assert not Round.objects.exists()
        return
    round_ = create()
    for step in (services.round_open, services.round_close, publishing.round_publish):
        round_ = step(actor=user, round=round_)
    assert round_.state == "published"


@pytest.mark.parametrize(("persona", "allowed"), MANAGE.items())
def test_round_transitions_refused_to_others(annual_round, personas, persona, allowed):
    if allowed:
        return
    for step in (services.round_open, services.round_close, publishing.round_publish):
        with pytest.raises(PermissionDenied):
            step(actor=personas[persona], round=annual_round)
    with pytest.raises(PermissionDenied):
        services.round_reopen(actor=personas[persona], round=annual_round, reason="x")
    annual_round.refresh_from_db()
    assert annual_round.state == "draft"


@pytest.mark.parametrize(("persona", "allowed"), MANAGE.items())
def test_only_the_coordinator_writes_the_synthesis(open_round, personas, persona, allowed):
    action = contribution_of(open_round, "14.a", "defence").action
    if allowed:
        synthesis = services.synthesis_save(
            actor=personas[persona], round=open_round, action=action, text="All six departments acted.", version=None
        )
        assert synthesis.text == "All six departments acted."
    else:
        with pytest.raises(PermissionDenied):
            services.synthesis_save(actor=personas[persona], round=open_round, action=action, text="x", version=None)


READ = {
    "coordinator": ALLOWED,
    "focal-defence": ALLOWED,
    "focal-justice": ALLOWED,
    "focal-interior": ALLOWED,
    "reader": ALLOWED,
    "evaluator": ALLOWED,
    "evaluator-elsewhere": DENIED,
    "anonymous": DENIED,
}
# Justice's draft on line 14.a: its department and the oversight roles, no other department.
READ_DRAFT = {**READ, "focal-defence": DENIED, "focal-interior": DENIED}
HISTORY = {
    "coordinator": ALLOWED,
    "focal-defence": DENIED,
    "focal-justice": DENIED,
    "focal-interior": DENIED,
    "reader": ALLOWED,
    "evaluator": ALLOWED,
    "evaluator-elsewhere": DENIED,
    "anonymous": DENIED,
}


@pytest.mark.parametrize("persona", READ)
def test_reading_rounds_contributions_and_history(open_round, personas, persona):
    user = personas[persona]
    contribution = contribution_of(open_round, "14.a", "justice")
    assert user.has_perm("reporting.view_round", open_round) is READ[persona]
    assert user.has_perm("reporting.view_contribution", contribution) is READ_DRAFT[persona]
    assert user.has_perm("reporting.view_history", contribution) is HISTORY[persona]
    assert user.has_perm("reporting.remind", open_round) is REVIEW[persona]
    visible = Round.objects.visible_to(user)
    assert list(visible) == ([open_round] if READ[persona] else [])


def test_nobody_edits_outside_an_open_round(open_round, coordinator, focal_defence):
    contribution = contribution_of(open_round, "14.a", "defence")
    services.round_close(actor=coordinator, round=open_round)
    contribution.refresh_from_db()
    for user in (coordinator, focal_defence):
        with pytest.raises(PermissionDenied):
            filled(contribution, user)


def test_nobody_edits_a_submitted_or_approved_contribution(open_round, coordinator, focal_defence):
    contribution = services.contribution_submit(
        actor=focal_defence, contribution=filled(contribution_of(open_round, "14.a", "defence"), focal_defence)
    )
    for user in (coordinator, focal_defence):
        with pytest.raises(PermissionDenied):
            filled(contribution, user)
    contribution = services.contribution_approve(actor=coordinator, contribution=contribution)
    for user in (coordinator, focal_defence):
        with pytest.raises(PermissionDenied):
            filled(contribution, user)


# --- least privilege between departments -----------------------------------------------------------

SECRET = "Quillonite"


def defence_in_state(round_, state: str, focal_defence, coordinator) -> Contribution:
    """Defence's contribution on line 14.a with an answer, an evidence link and, once returned, the
    coordinator's note (which an approved contribution keeps), brought to `state`; "internal" is
    approved and marked internal."""
    c = contribution_of(round_, "14.a", "defence")
    first = c.action.instruments.all()[0]
    c = services.contribution_save(
        actor=focal_defence,
        contribution=c,
        version=c.version,
        data={
            "status": "in-progress",
            "narrative": f"{SECRET} narrative.",
            "visibility": "internal" if state == "internal" else "public",
            "measurements": [{"instrument": first.pk, "text": f"{SECRET} answer."}],
        },
    )
    services.evidence_add(actor=focal_defence, contribution=c, title="Report", url="https://mil.be/report")
    if state == "draft":
        return c
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    if state == "submitted":
        return c
    c = services.contribution_return(actor=coordinator, contribution=c, note=f"{SECRET} note.")
    if state == "returned":
        return c
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    return services.contribution_approve(actor=coordinator, contribution=c)


# persona -> state of Defence's contribution -> (the contribution with its measurement answers,
# its evidence, its review note). "internal": approved, marked internal.
EVERYTHING = (ALLOWED, ALLOWED, ALLOWED)
NOTHING = (DENIED, DENIED, DENIED)
OTHER_DEPARTMENT = {
    "draft": NOTHING,
    "submitted": NOTHING,
    "returned": NOTHING,
    "approved": (ALLOWED, DENIED, DENIED),
    "internal": NOTHING,
}
CROSS = {
    "coordinator": dict.fromkeys(OTHER_DEPARTMENT, EVERYTHING),
    "reader": dict.fromkeys(OTHER_DEPARTMENT, EVERYTHING),
    "evaluator": dict.fromkeys(OTHER_DEPARTMENT, EVERYTHING),
    "evaluator-elsewhere": dict.fromkeys(OTHER_DEPARTMENT, NOTHING),
    "focal-defence": dict.fromkeys(OTHER_DEPARTMENT, EVERYTHING),
    "focal-justice": OTHER_DEPARTMENT,
    "focal-interior": OTHER_DEPARTMENT,
    "anonymous": dict.fromkeys(OTHER_DEPARTMENT, NOTHING),
}


@pytest.mark.parametrize("state", list(OTHER_DEPARTMENT))
@pytest.mark.parametrize("persona", list(CROSS))
def test_who_reads_a_defence_contribution_its_evidence_and_review_note(
    open_round, personas, coordinator, focal_defence, persona, state
):
    c = defence_in_state(open_round, state, focal_defence, coordinator)
    user = personas[persona]
    contribution, evidence, note = CROSS[persona][state]
    assert user.has_perm("reporting.view_contribution", c) is contribution
    assert user.has_perm("reporting.view_evidence", c) is evidence
    assert user.has_perm("reporting.view_review_note", c) is note
    # The lists say the same in SQL.
    readable = Contribution.objects.filter(round=open_round).readable_by(user)
    assert readable.filter(pk=c.pk).exists() is contribution


def test_focal_point_of_interior_reads_a_federal_police_draft_in_full(open_round, personas):
    police = contribution_of(open_round, "23.b", "interior-federal-police")
    for persona, allowed in (("focal-interior", ALLOWED), ("focal-justice", DENIED), ("focal-defence", DENIED)):
        user = personas[persona]
        for perm in ("view_contribution", "view_evidence", "view_review_note"):
            assert user.has_perm(f"reporting.{perm}", police) is allowed, (persona, perm)
        assert Contribution.objects.readable_by(user).filter(pk=police.pk).exists() is allowed


@pytest.mark.parametrize("persona", list(CROSS))
def test_readable_by_agrees_with_the_rule_on_every_contribution(
    open_round, personas, coordinator, focal_defence, focal_justice, persona
):
    defence_in_state(open_round, "approved", focal_defence, coordinator)
    for code, state in (("23.a", "submitted"), ("7.c", "internal")):
        c = contribution_of(open_round, code, "defence")
        data = {"status": "completed", "visibility": "internal" if state == "internal" else "public"}
        c = services.contribution_submit(
            actor=focal_defence,
            contribution=services.contribution_save(actor=focal_defence, contribution=c, version=c.version, data=data),
        )
        if state == "internal":
            services.contribution_approve(actor=coordinator, contribution=c)
    user = personas[persona]
    everything = Contribution.objects.filter(round=open_round).select_related("department")
    expected = {c.pk for c in everything if user.has_perm("reporting.view_contribution", c)}
    assert set(everything.readable_by(user).values_list("pk", flat=True)) == expected


def test_only_the_oversight_roles_read_every_departments_work(personas, annual_round):
    for persona, user in personas.items():
        allowed = persona in ("coordinator", "reader")
        assert user.has_perm("reporting.view_all_contributions") is allowed, persona
        # Asked of a round (the draft report, the dashboard), the plan's evaluator reads them too.
        allowed = persona in ("coordinator", "reader", "evaluator")
        assert user.has_perm("reporting.view_all_contributions", annual_round) is allowed, persona


# --- the staff pages of a round, for every persona -------------------------------------------------

OK, LOGIN, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404
# persona -> status, for each page of the open round; {contribution} is Justice's draft on 14.a.
EVERYONE_STAFF = {
    "coordinator": OK,
    "focal-defence": OK,
    "focal-justice": OK,
    "focal-interior": OK,
    "reader": OK,
    "evaluator": OK,
    "evaluator-elsewhere": NOT_FOUND,
    "anonymous": LOGIN,
}
OVERSIGHT = {**EVERYONE_STAFF, "focal-defence": FORBIDDEN, "focal-justice": FORBIDDEN, "focal-interior": FORBIDDEN}
COORDINATOR_ONLY = {**OVERSIGHT, "reader": FORBIDDEN, "evaluator": FORBIDDEN}
PAGES = {
    "/rounds/{round}/": EVERYONE_STAFF,
    "/rounds/{round}/contributions/": EVERYONE_STAFF,
    "/rounds/{round}/lines/14.a/": EVERYONE_STAFF,
    "/rounds/{round}/report.html": EVERYONE_STAFF,
    "/rounds/{round}/report.html?draft=1": OVERSIGHT,
    "/rounds/{round}/lines/14.a/history/": OVERSIGHT,
    "/contributions/{contribution}/history/": OVERSIGHT,
    "/work/contributions/{contribution}/": {**OVERSIGHT, "focal-justice": OK},
    "/rounds/{round}/edit/": COORDINATOR_ONLY,
}


@pytest.mark.parametrize("persona", list(EVERYONE_STAFF))
def test_who_opens_the_staff_pages_of_a_round(open_round, personas, persona):
    user = personas[persona]
    client = Client() if persona == "anonymous" else logged_in(user)
    contribution = contribution_of(open_round, "14.a", "justice")
    for url, expected in PAGES.items():
        address = url.format(round=open_round.pk, contribution=contribution.pk)
        assert client.get(address).status_code == expected[persona], (persona, address)


# --- the coordinator's screens for amending the plan -----------------------------------------------

AMENDING = dict.fromkeys(EVERYONE_STAFF, FORBIDDEN) | {"coordinator": OK, "anonymous": LOGIN}
AMENDMENT_PAGES = ["", "lines/14.a/", "new-line/", "focus-countries/", "file/"]


@pytest.mark.parametrize("persona", list(AMENDING))
def test_who_opens_the_screens_that_amend_the_plan(plan, personas, persona):
    client = Client() if persona == "anonymous" else logged_in(personas[persona])
    for page in AMENDMENT_PAGES:
        address = f"/plans/{plan.slug}/amendments/{page}"
        assert client.get(address).status_code == AMENDING[persona], (persona, address)


# --- the coordinator's import of a past report into a round (tests/test_round_import_screens.py) ------

IMPORTING = dict.fromkeys(EVERYONE_STAFF, FORBIDDEN) | {"coordinator": OK, "anonymous": LOGIN}


@pytest.mark.parametrize("persona", list(IMPORTING))
def test_who_opens_the_import_of_a_past_report(plan, personas, persona):
    client = Client() if persona == "anonymous" else logged_in(personas[persona])
    assert client.get("/rounds/import/").status_code == IMPORTING[persona], persona
    # A preview no one uploaded: the coordinator finds nothing there; the others are refused first.
    unknown = {**IMPORTING, "coordinator": NOT_FOUND}
    assert client.get(f"/rounds/import/{'x' * 32}/").status_code == unknown[persona], persona


# --- the next plan: drafting, adopting, linking lines, and who sees a draft ----------------------

NEXT_PLAN = "be-nap-2022-2026"
LINEAGE = dict.fromkeys(EVERYONE_STAFF, FORBIDDEN) | {"coordinator": OK, "anonymous": LOGIN}
# A draft's public pages: the coordinator previews them; for everyone else there is no such plan.
DRAFT_SEEN = dict.fromkeys(EVERYONE_STAFF, NOT_FOUND) | {"coordinator": OK}


@pytest.mark.parametrize("persona", list(LINEAGE))
def test_who_drafts_adopts_and_links_the_next_plan(plan, personas, persona):
    from django.core.exceptions import PermissionDenied

    from naptrack.plans.lineage import line_link_set
    from naptrack.plans.models import Action
    from naptrack.plans.successors import plan_adopt, plan_successor

    user = personas[persona]
    allowed = LINEAGE[persona] == OK
    kwargs = {"slug": NEXT_PLAN, "title": "Next", "period_start": 2022, "period_end": 2026}
    if allowed:
        draft = plan_successor(actor=user, plan=plan, **kwargs)
    else:
        with pytest.raises(PermissionDenied):
            plan_successor(actor=user, plan=plan, **kwargs)
        draft = plan_successor(actor=personas["coordinator"], plan=plan, **kwargs)
    client = Client() if persona == "anonymous" else logged_in(user)
    for page in ("", "lines/14.a/", f"compared-with/{plan.slug}/"):
        address = f"/plans/{NEXT_PLAN}/{page}"
        assert client.get(address).status_code == DRAFT_SEEN[persona], (persona, address)
    for page in ("adopt/", f"lineage/?from={plan.slug}"):
        address = f"/plans/{NEXT_PLAN}/{page}"
        assert client.get(address).status_code == LINEAGE[persona], (persona, address)
    line = Action.objects.select_related("plan").get(plan=draft, code="14.a")
    old = Action.objects.select_related("plan").get(plan=plan, code="14.b")
    if allowed:
        line_link_set(actor=user, line=line, continues=[old])
        plan_adopt(actor=user, plan=draft)
    else:
        with pytest.raises(PermissionDenied):
            line_link_set(actor=user, line=line, continues=[old])
        with pytest.raises(PermissionDenied):
            plan_adopt(actor=user, plan=draft)


# --- a plan's evaluation (naptrack.evaluations) ------------------------------------------------------

# An unpublished evaluation assesses every department's lines: not a focal point's to read.
FOCAL_POINTS = ("focal-defence", "focal-justice", "focal-interior")
EVALUATION_READ = {**EVERYONE_STAFF, "evaluator-elsewhere": FORBIDDEN} | dict.fromkeys(FOCAL_POINTS, FORBIDDEN)
EVALUATION_WRITE = {**EVALUATION_READ, "reader": FORBIDDEN}
EVALUATION_RESPOND = {**EVALUATION_WRITE, "evaluator": FORBIDDEN}
# An unpublished evaluation's public page: a preview for those who read it, else no such page.
EVALUATION_PREVIEW = {**EVALUATION_READ, "evaluator-elsewhere": NOT_FOUND, "anonymous": NOT_FOUND}
EVALUATION_PREVIEW |= dict.fromkeys(FOCAL_POINTS, NOT_FOUND)
EVALUATION_PAGES = {
    "/evaluations/plan/{slug}/": EVALUATION_READ,
    "/evaluations/{pk}/": EVALUATION_READ,
    "/evaluations/{pk}/edit/": EVALUATION_WRITE,
    "/evaluations/{pk}/assessments/": EVALUATION_WRITE,
    "/evaluations/{pk}/findings/new/": EVALUATION_WRITE,
    "/evaluations/{pk}/findings/1/": EVALUATION_WRITE,
    "/evaluations/{pk}/recommendations/1/": EVALUATION_WRITE,
    "/evaluations/{pk}/findings/1/remove/": EVALUATION_WRITE,
    "/evaluations/{pk}/recommendations/1/response/": EVALUATION_RESPOND,
    "/evaluations/{pk}/response/": EVALUATION_RESPOND,
    "/evaluations/{pk}/publish/": EVALUATION_RESPOND,
    "/evaluations/plan/{slug}/new/": {**EVALUATION_RESPOND, "evaluator": FORBIDDEN},
    "/plans/{slug}/evaluations/{pk}/": EVALUATION_PREVIEW,
    "/plans/{slug}/evaluations/{pk}/report-en.html": EVALUATION_PREVIEW,
}


@pytest.mark.parametrize("persona", list(EVERYONE_STAFF))
def test_who_opens_the_screens_of_a_plans_evaluation(plan, personas, coordinator, persona):
    from tests.evaluations_data import evaluation_of

    evaluation = evaluation_of(plan, coordinator)
    client = Client() if persona == "anonymous" else logged_in(personas[persona])
    for url, expected in EVALUATION_PAGES.items():
        address = url.format(slug=plan.slug, pk=evaluation.pk)
        assert client.get(address).status_code == expected[persona], (persona, address)
    # Writes refused are not made.
    if EVALUATION_WRITE[persona] != OK:
        client.post(f"/evaluations/{evaluation.pk}/findings/new/", {"text": "Written by " + persona})
        assert not evaluation.findings.filter(text__startswith="Written by").exists()


# --- a background job's page: who started it, and who may do a shared job's work (test_jobs.py) --

JOB_SEEN = dict.fromkeys(EVERYONE_STAFF, NOT_FOUND) | {"coordinator": OK, "anonymous": LOGIN}


@pytest.mark.parametrize("persona", list(JOB_SEEN))
def test_who_follows_the_coordinators_job(open_round, personas, persona):
    from naptrack.jobs.models import Job
    from naptrack.portal.jobs import round_publish_job

    job = Job.objects.create(
        handler=f"{round_publish_job.__module__}.{round_publish_job.__qualname__}",
        arguments={"round": open_round.pk},
        title="Publishing",
        created_by=personas["coordinator"],
        # As round_publish_enqueue queues it: every coordinator follows it.
        permission="reporting.manage_round",
        shared=True,
        target=open_round,
    )
    client = Client() if persona == "anonymous" else logged_in(personas[persona])
    for address in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status/"):
        assert client.get(address).status_code == JOB_SEEN[persona], (persona, address)
