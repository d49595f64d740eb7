"""A focal point's round trip in a real headless Chromium (Debian's), against the live server:
log in, open a line reported by sex, enter figures, save, submit."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from naptrack.reporting.models import Contribution, Measurement

pytestmark = pytest.mark.browser


def test_focal_point_of_defence_enters_figures_by_sex_and_submits(live_server, live_plan, open_round, page: Page):
    # 23.a ("Encourage applications by Belgian women for peace missions") is Defence's alone, and its
    # one monitoring instrument is reported by sex.
    page.goto(live_server.url + "/work/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/work/$"))
    page.get_by_label("Username").fill("focal-defence")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/work/$"))
    expect(page.locator("h1")).to_have_text("My contributions")
    expect(page.locator("tr.contribution")).to_have_count(37)
    page.get_by_role("link", name="23.a", exact=True).click()

    expect(page.locator("h1")).to_contain_text("Line of action 23.a")
    page.get_by_label("In progress").check()
    women = page.get_by_label("Women", exact=True)
    women.click()
    page.keyboard.type("7")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Men", exact=True)).to_be_focused()
    page.keyboard.type("30")
    page.get_by_role("button", name="Save draft").click()

    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    expect(page.locator(".derived")).to_contain_text("total 37")
    expect(page.locator(".derived")).to_contain_text("share of women 18.9%")
    expect(page.get_by_label("Women", exact=True)).to_have_value("7")

    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted.")
    expect(page.locator(".contribution-state .state")).to_have_text("Submitted")
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)

    contribution = Contribution.objects.get(round=open_round, action__code="23.a", department__code="defence")
    assert contribution.state == "submitted"
    assert Measurement.objects.filter(contribution=contribution, women=7, men=30).exists()
