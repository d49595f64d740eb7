"""End to end in a real headless Chromium (Debian's), against the live server."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_home_shows_six_objectives_and_links_lead_to_line_14a(live_server, live_plan, page: Page):
    page.goto(live_server.url + "/")
    objectives = page.locator("section.objective h2")
    expect(objectives).to_have_count(6)
    expect(objectives.first).to_contain_text("Objective 1. International normative framework")

    # The objective's card leads there, as its section's heading does.
    page.locator(".objective-card").get_by_role("link", name=re.compile(r"^Objective 3\. Protection of women")).click()
    expect(page).to_have_url(re.compile(r"/plans/be-nap-2013-2016/objectives/3/$"))
    expect(page.locator("h1")).to_contain_text("Objective 3")

    page.get_by_role("link", name="14.a", exact=True).click()
    expect(page).to_have_url(re.compile(r"/plans/be-nap-2013-2016/lines/14\.a/$"))
    expect(page.locator("h1")).to_have_text("Line of action 14.a")
    departments = page.get_by_role("list", name="Responsible departments").get_by_role("listitem")
    expect(departments).to_have_count(6)


def test_keyboard_user_skips_to_content_and_switches_language(live_server, live_plan, page: Page):
    page.goto(live_server.url + "/plans/be-nap-2013-2016/lines/14.a/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    page.get_by_role("link", name="Français").click()
    expect(page).to_have_url(re.compile(r"/fr/plans/be-nap-2013-2016/lines/14\.a/$"))
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("h1")).to_have_text("Ligne d'action 14.a")


def test_pages_fit_a_phone_screen(live_server, live_plan, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    phone = context.new_page()
    for path in ("/", "/plans/be-nap-2013-2016/lines/14.a/", "/plans/be-nap-2013-2016/departments/"):
        phone.goto(live_server.url + path)
        overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a 360px screen"
    context.close()
