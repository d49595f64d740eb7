"""Accessibility of the public pages: axe-core (the npm package, pinned in package-lock.json)
runs in Debian's Chromium on every kind of public page, in English and French, with published
rounds on the real plan, and finds no serious or critical violation of WCAG 2.1 A/AA."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from .conftest import BE
from .portal_data import annual_2014, baseline_2012

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core goes into the page as an inline script, which the site's Content Security Policy
    # refuses, as it should (tests/test_headers.py checks the policy itself).
    return {**browser_context_args, "bypass_csp": True}


@pytest.fixture
def published(live_plan, monkeypatch):
    from naptrack.accounts.services import user_create
    from naptrack.plans.models import Instrument

    people = {
        name: user_create(
            actor="tests",
            username=name,
            role=role,
            password="correct horse battery staple",
            department_code=department,
            check_password=False,
        )
        for name, role, department in (
            ("coordinator", "coordinator", None),
            ("focal-defence", "focal-point", "defence"),
            ("focal-justice", "focal-point", "justice"),
        )
    }
    coordinator = people["coordinator"]
    baseline_2012(live_plan, coordinator, monkeypatch)
    annual_2014(live_plan, coordinator, people["focal-defence"], people["focal-justice"], monkeypatch)
    return Instrument.objects.get(action__plan=live_plan, action__code="21", position=2)


def violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG
    )
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"][:5]]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_public_pages_have_no_serious_accessibility_violation(live_server, published, page: Page):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root")
    paths = [
        "/",
        f"/plans/{BE}/objectives/4/",
        f"/plans/{BE}/lines/21/",
        f"/plans/{BE}/departments/defence/",
        f"/plans/{BE}/countries/af/",
        f"/plans/{BE}/compare/?instrument={published.pk}",
        f"/plans/{BE}/search/?q=diplomats",
        "/open-data/",
        "/open-data/dictionary/",
        "/open-data/licence/",
        "/plans/",
        f"/plans/{BE}/departments/",
    ]
    found = {}
    for language in ("", "/fr"):
        for path in paths:
            url = live_server.url + language + path
            response = page.goto(url)
            assert response is not None and response.status == 200, url
            problems = violations(page)
            if problems:
                found[language + path] = problems
    assert not found, found


def test_public_pages_fit_a_phone_screen(live_server, published, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    for path in (
        "/",
        f"/plans/{BE}/lines/21/",
        f"/plans/{BE}/compare/?instrument={published.pk}",
        f"/plans/{BE}/search/?q=diplomats",
        "/open-data/",
    ):
        phone.goto(live_server.url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 360px screen"
    context.close()
