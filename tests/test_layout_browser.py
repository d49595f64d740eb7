"""Every page type in a real headless Chromium (Debian's), logged out and as each role, in English
and French: one header everywhere (the same public sections and, per person, the same menu), no
sideways scrolling on a 360 px phone, the sections on one row at 1280 px and folded behind a Menu
button on a phone, and no serious or critical axe-core violation on the internal pages.

Each page is also photographed at 390 and 1280 px in both languages, into the directory named by
NAPTRACK_SCREENSHOTS (`test-screenshots/` at the repository's root by default, which git
ignores), so that anyone can look at every page type after `scripts/test`.

Layout does not depend on the database: these tests run in the SQLite pass of the suite only.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from playwright.sync_api import Browser, BrowserContext, Page, expect

from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution

from .civil_society_data import member, organisations
from .conftest import BE, _user, logged_in
from .portal_data import annual_2014, baseline_2012, fill, new_round
from .test_portal_browser import AXE, violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(connection.vendor == "postgresql", reason="layout does not depend on the database"),
]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = Path(os.environ.get("NAPTRACK_SCREENSHOTS") or ROOT / "test-screenshots")
PASSWORD = "correct horse battery staple"
LANGUAGES = ("en", "fr")
# The civil-society member's account comes from an invitation: named by its e-mail address.
MEMBER = "an@vrouwenvoorvrede.example"
MEMBER_PASSWORD = "a long passphrase for tests"
LABELS = {MEMBER: "civil-society"}


@dataclass
class Installation:
    people: dict
    open_round: object
    published_round: object
    submitted: Contribution
    instrument_pk: int


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core goes into the page as an inline script, which the Content Security Policy refuses.
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def installation(live_plan, monkeypatch, mailoutbox) -> Installation:
    """The Belgian plan with the 2012 baseline and the 2014 report published, and the 2015 round
    open: Defence's 23.a submitted and waiting for review, 21 returned with a note."""
    from naptrack.plans.models import Instrument

    people = {
        name: _user(name, role, department)
        for name, role, department in (
            ("coordinator", "coordinator", None),
            ("focal-defence", "focal-point", "defence"),
            ("focal-justice", "focal-point", "justice"),
            ("reader", "reader", None),
        )
    }
    coordinator = people["coordinator"]
    baseline_2012(live_plan, coordinator, monkeypatch)
    published = annual_2014(live_plan, coordinator, people["focal-defence"], people["focal-justice"], monkeypatch)
    round_2015 = new_round(live_plan, coordinator, "annual", 2015)
    submitted = fill(
        round_2015, "23.a", "defence", people["focal-defence"], coordinator, then="submitted", answers={1: {"women": 7}}
    )
    returned = fill(round_2015, "21", "defence", people["focal-defence"], coordinator, then="submitted")
    reporting.contribution_return(actor=coordinator, contribution=returned, note="Give the men's figure too.")
    instrument = Instrument.objects.get(action__plan=live_plan, action__code="21", position=2)
    ngo, _kivu = organisations(coordinator)
    people[MEMBER] = member(coordinator, ngo, MEMBER)
    return Installation(people, round_2015, published, submitted, instrument.pk)


def public_pages(world: Installation) -> dict[str, str]:
    return {
        "home": "/",
        "plans": "/plans/",
        "plan": f"/plans/{BE}/",
        "objective": f"/plans/{BE}/objectives/4/",
        "line": f"/plans/{BE}/lines/21/",
        "departments": f"/plans/{BE}/departments/",
        "department": f"/plans/{BE}/departments/defence/",
        "country": f"/plans/{BE}/countries/af/",
        "compare": f"/plans/{BE}/compare/?instrument={world.instrument_pk}",
        "search": f"/plans/{BE}/search/?q=diplomats",
        "open-data": "/open-data/",
        "answers": "/answers/",
        "consultations": "/consultations/",
        "network": "/network/",
        "not-found": "/no-such-page/",
    }


def pages_of(role: str, world: Installation) -> dict[str, str]:
    """The page types each role works on, beyond the public ones."""
    round_, published = world.open_round.pk, world.published_round.pk
    if role == "focal-defence":
        return {
            "work": "/work/",
            "contribution": f"/work/contributions/{world.submitted.pk}/",
            "account": "/accounts/profile/",
        }
    if role == "coordinator":
        return {
            "rounds": "/rounds/",
            "round-new": "/rounds/new/",
            "dashboard": f"/rounds/{round_}/",
            "contributions": f"/rounds/{round_}/contributions/",
            "review": f"/rounds/{round_}/lines/23.a/",
            "confirm-close": f"/rounds/{round_}/state/close/",
            "history": f"/contributions/{world.submitted.pk}/history/",
            "audit": "/audit/",
            "people": "/accounts/people/",
            "international": "/international/",
            "account": "/accounts/profile/",
        }
    if role == "reader":
        return {"rounds": "/rounds/", "published-round": f"/rounds/{published}/"}
    if role == MEMBER:
        return {"organisation": "/civil-society/", "account": "/accounts/profile/"}
    return {}


def context_for(browser: Browser, live_server, role: str, width: int) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    if role != "anonymous":
        # Signed in past both steps, as tests/conftest.py signs people in: the login form and its
        # second factor are the subject of the landing test below and of the two-factor tests.
        from naptrack.accounts.models import User

        client = logged_in(User.objects.get(username=role))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])
    return context


HEADER = """() => {
  const header = document.querySelector('.site-header').cloneNode(true);
  header.querySelectorAll('[name=csrfmiddlewaretoken]').forEach(e => e.remove());
  header.querySelectorAll('nav[aria-label] a[hreflang]').forEach(e => e.removeAttribute('href'));
  return header.outerHTML;
}"""
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"
# What sticks out: the outermost elements wider than the window, to name in a failure.
CULPRITS = """() => {
  const out = x => x && x.getBoundingClientRect().right > window.innerWidth + 1;
  const clipped = e => {
    for (let a = e.parentElement; a; a = a.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('body *')).filter(e => out(e) && !out(e.parentElement) && !clipped(e))
    .slice(0, 5)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
}"""
ROWS = "selector => new Set(Array.from(document.querySelectorAll(selector)).map(e => e.offsetTop)).size"


def walk(page: Page, base: str, language: str, paths: dict[str, str], role: str) -> dict[str, str]:
    """Visit each page: it fits 360 px, is photographed at 390 and 1280 px, keeps its sections
    on one row at 1280; returns each page's header, for comparison."""
    headers = {}
    prefix = "" if language == "en" else f"/{language}"
    for name, path in paths.items():
        page.set_viewport_size({"width": 360, "height": 800})
        response = page.goto(base + prefix + path)
        assert response is not None and response.status == (404 if name == "not-found" else 200), (role, path)
        overflow = page.evaluate(OVERFLOW)
        if overflow > 0:
            page.screenshot(path=SHOTS / f"{LABELS.get(role, role)}-{name}-{language}-360-overflow.png", full_page=True)
        assert overflow <= 0, (
            f"{prefix}{path} as {role} scrolls sideways by {overflow}px at 360px: {page.evaluate(CULPRITS)}"
        )
        headers[name] = page.evaluate(HEADER)
        for width in (390, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=SHOTS / f"{LABELS.get(role, role)}-{name}-{language}-{width}.png", full_page=True)
        assert page.evaluate(ROWS, ".site-sections li") == 1, f"{prefix}{path}: the sections wrap at 1280px"
        assert page.evaluate(OVERFLOW) <= 0
    return headers


@pytest.mark.parametrize("role", ["anonymous", "focal-defence", "coordinator", "reader", MEMBER])
def test_every_page_type_fits_a_phone_and_keeps_one_header(live_server, installation, browser, role):
    SHOTS.mkdir(parents=True, exist_ok=True)
    paths = {**public_pages(installation), **pages_of(role, installation)}
    if role != "anonymous":
        # A signed-in person's public pages differ only by their header, which is compared below.
        paths = {name: paths[name] for name in ("home", "line", "not-found")} | pages_of(role, installation)
    context = context_for(browser, live_server, role, 360)
    page = context.new_page()
    for language in LANGUAGES:
        headers = walk(page, live_server.url, language, paths, role)
        different = {name for name, header in headers.items() if header != headers["home"]}
        assert not different, f"{role} ({language}): the header of {sorted(different)} differs from the home page's"
    context.close()


def test_the_menu_folds_on_a_phone_and_is_used_with_the_keyboard(live_server, installation, browser):
    context = context_for(browser, live_server, "coordinator", 390)
    page = context.new_page()
    page.goto(live_server.url + "/")
    toggle = page.get_by_role("button", name="Menu")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Open data")).to_be_visible()
    # The person's menu opens from the keyboard too, and Escape closes it again.
    summary = page.locator(".user-menu > summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("link", name="Audit trail")).to_be_hidden()
    expect(summary).to_be_focused()
    # Escape in a field of the page is the field's: the menu stays open, the focus where it was.
    search = page.get_by_role("searchbox", name="Search the plan and the published reports")
    search.focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(search).to_be_focused()
    toggle.focus()
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    # On a desk, no Menu button: the sections are simply there.
    page.set_viewport_size({"width": 1280, "height": 800})
    expect(toggle).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    # The person's menu floats over the page there: leaving it with the keyboard closes it.
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Audit trail")).to_be_visible()
    last = page.get_by_role("button", name="Log out (coordinator)")
    last.focus()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Audit trail")).to_be_hidden()
    context.close()


def test_the_internal_pages_have_no_serious_accessibility_violation(live_server, installation, browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root")
    found = {}
    for role in ("focal-defence", "coordinator", "reader", MEMBER):
        context = context_for(browser, live_server, role, 1280)
        page = context.new_page()
        for language in LANGUAGES:
            prefix = "" if language == "en" else f"/{language}"
            for path in pages_of(role, installation).values():
                page.goto(live_server.url + prefix + path)
                # With the person's menu open, so that its links are checked too.
                page.locator(".user-menu > summary").click()
                if problems := violations(page):
                    found[f"{role} {prefix}{path}"] = problems
        context.close()
    assert not found, found


def test_each_role_lands_on_its_work_after_logging_in(live_server, installation, page: Page):
    from .browsing import log_out
    from .second_factor import browser_second_step

    expected = {
        "focal-defence": (r"/work/$", "My contributions"),
        "coordinator": (rf"/rounds/{installation.open_round.pk}/#queue$", "Annual report 2015"),
        "reader": (r"/rounds/$", "Reporting rounds"),
        # In the organisation's language, Dutch: its own page, with its assessments.
        MEMBER: (r"/civil-society/$", "Vrouwen voor Vrede"),
    }
    for username, (address, heading) in expected.items():
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(MEMBER_PASSWORD if username == MEMBER else PASSWORD)
        page.get_by_role("button", name="Log in").click()
        browser_second_step(page, username)
        expect(page).to_have_url(re.compile(address))
        expect(page.locator("h1")).to_contain_text(heading)
        log_out(page, username)


def test_the_missing_and_the_failing_pages_are_translated(live_server, installation, page: Page, monkeypatch):
    response = page.goto(live_server.url + "/fr/pas-de-page/")
    assert response is not None and response.status == 404
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Page introuvable")
    expect(page.get_by_role("navigation", name="Principal").get_by_role("link", name="Plans")).to_be_visible()
    # A page that fails: the live server runs in this process, so the failure can be planted.
    from naptrack.portal.views import plan as views

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "_glance", broken)
    response = page.goto(f"{live_server.url}/fr/plans/{BE}/")
    assert response is not None and response.status == 500
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Un problème est survenu")
    expect(page.locator("body")).not_to_contain_text("database went away")
    assert page.evaluate(OVERFLOW) <= 0


def test_publishing_asks_first_then_shows_the_job_progress_until_its_result(
    live_server, installation, page: Page, settings, monkeypatch
):
    from naptrack.jobs.models import Job
    from naptrack.jobs.services import job_run

    from .portal_data import reports_not_written

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    coordinator = installation.people["coordinator"]
    round_ = reporting.round_close(actor=coordinator, round=installation.open_round)
    context = context_for(page.context.browser, live_server, "coordinator", 1280)
    tab = context.new_page()
    tab.goto(f"{live_server.url}/rounds/{round_.pk}/")
    tab.get_by_role("link", name="Publish").click()
    expect(tab.locator("h1")).to_contain_text("Publish")
    expect(tab.locator("main")).to_contain_text("No report received")
    # Pressed twice before the answer comes: one request is sent, and the button says it is busy.
    posts: list[str] = []
    tab.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    tab.evaluate("() => { const b = document.querySelector('main form button[type=submit]'); b.click(); b.click(); }")
    expect(tab).to_have_url(re.compile(r"/jobs/\d+/$"))
    assert posts == [f"{live_server.url}/rounds/{round_.pk}/state/publish/"]
    expect(tab.locator("#job-state")).to_contain_text("Waiting to start")
    # A worker takes the job while the page is open; the page follows it to its result.
    with reports_not_written(monkeypatch):
        job_run(Job.objects.get().pk)
    expect(tab.locator("#job-state")).to_contain_text("Done", timeout=15000)
    expect(tab.get_by_role("link", name="See the result")).to_be_visible()
    round_.refresh_from_db()
    assert round_.state == "published"
    context.close()
