"""Civil society end to end in Debian's Chromium, on the real plan: a member of a Belgian NGO follows
the invitation link, chooses a password and logs in, writes their organisation's assessment of
line 21 on the assessment form and submits it; the coordinator accepts it (through the services:
the moderation screen is tested with the staff screens); the portal's line page then shows it
beside Foreign Affairs' contribution and apart from it. The new public pages pass axe-core's WCAG 2.1
A/AA checks."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Member

from .civil_society_data import organisations
from .civil_society_public_data import event, listing, recommend
from .conftest import BE
from .portal_data import FA_2014, annual_2014, publish
from .test_portal_browser import AXE, violations

pytestmark = pytest.mark.browser
PASSWORD = "a long passphrase for the browser"
NARRATIVE = "Training of **judges** reached few courts in Bukavu."


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as a script of its own, which the Content Security Policy would block.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def people(live_plan):
    from naptrack.accounts.services import user_create

    return {
        name: user_create(
            actor="tests",
            username=name,
            role=role,
            password=PASSWORD,
            department_code=department,
            check_password=False,
        )
        for name, role, department in (
            ("coordinator", "coordinator", None),
            ("focal-defence", "focal-point", "defence"),
            ("focal-justice", "focal-point", "justice"),
        )
    }


def test_a_member_opens_their_account_and_the_accepted_assessment_shows_beside_the_contribution(
    live_server, live_plan, people, page: Page, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    coordinator = people["coordinator"]
    round_ = annual_2014(
        live_plan, coordinator, people["focal-defence"], people["focal-justice"], monkeypatch, publish_it=False
    )
    ngo, _kivu = organisations(coordinator)
    sent = services.member_invite(actor=coordinator, organisation=ngo, email="an@vrouwenvoorvrede.example")

    # The invitation link, on this server and in the organisation's language (Dutch): a password
    # chosen, then the login.
    path = urlsplit(sent.link).path
    assert path.startswith("/nl/")
    page.goto(live_server.url + path)
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    passwords = page.locator("input[type=password]")
    passwords.nth(0).fill(PASSWORD)
    passwords.nth(1).fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.locator("input[name=username]").fill(sent.user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("form[action$='/logout/'] button")).to_contain_text(sent.user.username)
    member = Member.objects.select_related("user").get(organisation=ngo).user
    assert member.is_active and member.role == "civil-society"

    # The member writes the assessment on their screens and submits it.
    line_21 = live_plan.actions.get(code="21")
    page.goto(live_server.url + f"/civil-society/rounds/{round_.pk}/assessments/new/")
    page.locator("select[name=subject]").select_option(f"action-{line_21.pk}")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("textarea[name=narrative]")).to_be_visible()
    page.locator("input[name=status][value=in-progress]").check()
    page.locator("textarea[name=narrative]").fill(NARRATIVE)
    page.locator("select[name=countries]").select_option(["CD"])
    page.locator("button[name=submit]").click()
    assessment = Assessment.objects.get(organisation=ngo)
    expect(page.locator("textarea[name=narrative]")).to_have_count(0)
    assessment.refresh_from_db()
    assert assessment.state == "submitted" and assessment.narrative == NARRATIVE and assessment.countries == ["CD"]
    services.assessment_moderate(actor=coordinator, assessment=assessment, decision="accept")
    publish(round_, coordinator, monkeypatch)

    page.goto(live_server.url + f"/plans/{BE}/lines/21/")
    departments = page.locator("section.published")
    expect(departments).to_contain_text(FA_2014)
    expect(departments).not_to_contain_text("Civil society assessment")
    voice = page.locator("section.civil-society-voice")
    heading = voice.get_by_role("heading", name="Civil society assessment: Vrouwen voor Vrede, Belgium")
    expect(heading).to_be_visible()
    expect(voice.locator("article.assessment strong")).to_have_text("judges")
    expect(voice).not_to_contain_text(FA_2014)
    # Set apart in how it looks too: its frame is not the departments' contributions' border.
    frame = voice.locator("article.assessment").evaluate("e => getComputedStyle(e).borderLeftWidth")
    assert frame != "0px"


def test_civil_society_public_pages_have_no_serious_accessibility_violation(
    live_server, live_plan, people, page: Page, settings, tmp_path
):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root")
    settings.MEDIA_ROOT = tmp_path
    coordinator = people["coordinator"]
    ngo, kivu = organisations(coordinator)
    made = event(coordinator, live_plan, "Mid-term consultation on NAP 1325", attending=[ngo, kivu])
    recommend(
        coordinator,
        made,
        "Train all judges.",
        ["17.a"],
        organisations=[ngo],
        response="partly",
        reason="In part.",
        follow_up="Two trainings planned.",
    )
    listing(coordinator, "An Peeters", countries=["CD"], languages=["nl"])
    found = {}
    for language in ("", "/fr"):
        for path in (
            "/consultations/",
            f"/consultations/{made.pk}/",
            "/recommendations/",
            "/network/",
            f"/plans/{BE}/lines/17.a/",
        ):
            response = page.goto(live_server.url + language + path)
            assert response is not None and response.status == 200, path
            problems = violations(page)
            if problems:
                found[language + path] = problems
    assert not found, found
