"""The whole reporting cycle in a real headless Chromium (Debian's), against the live server: a
focal point of Defence reports figures by sex, the coordinator returns the contribution with a
note, the focal point corrects and resubmits, the coordinator approves."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from naptrack.accounts.services import user_create
from naptrack.reporting import services
from naptrack.reporting.models import Contribution

from .browsing import log_out, menu_link, signed_in_as
from .second_factor import browser_second_step

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    browser_second_step(page, username)
    signed_in_as(page, username)


def test_a_contribution_goes_round_the_whole_cycle(live_server, live_plan, page: Page):
    base = live_server.url
    coordinator = user_create(
        actor="tests",
        username="coordinator",
        role="coordinator",
        password=PASSWORD,
        email="coordinator@example.org",
        check_password=False,
    )
    user_create(
        actor="tests",
        username="focal-defence",
        role="focal-point",
        password=PASSWORD,
        department_code="defence",
        email="focal-defence@example.org",
        check_password=False,
    )
    round_ = services.round_create(
        actor=coordinator, plan=live_plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31)
    )
    services.round_open(actor=coordinator, round=round_)
    # 23.a is Defence's alone, and its one monitoring instrument is quantitative, by sex.
    contribution = Contribution.objects.get(round=round_, action__code="23.a", department__code="defence")
    card = page.locator(f"#contribution-{contribution.pk}")

    # The focal point of Defence reports figures by sex and a narrative, and submits.
    log_in(page, base, "focal-defence")
    menu_link(page, "My contributions")
    page.get_by_role("link", name="23.a", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Line of action 23.a")
    page.get_by_label("Women", exact=True).fill("12")
    page.get_by_label("Men", exact=True).fill("36")
    page.get_by_label("Narrative").fill("Two information sessions for **women officers**.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_contain_text("Draft saved")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted.")
    log_out(page, "focal-defence")

    # The coordinator finds it in the dashboard's review queue and returns it with a note.
    log_in(page, base, "coordinator")
    menu_link(page, "Rounds")
    page.get_by_role("link", name="Annual report 2014").click()
    page.locator("#queue").get_by_role("link", name="23.a", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/rounds/{round_.pk}/lines/23\.a/#contribution-{contribution.pk}$"))
    expect(card.locator(".narrative strong")).to_have_text("women officers")
    expect(card.locator("table.figures td")).to_have_text(["12", "36", "\u2013", "48", "25.0%"])
    card.get_by_label("Note to Defence").fill("Give the total number of officers, counted or not by sex.")
    card.get_by_role("button", name="Return for revision").click()
    # Nothing else waits for review: the decision leads back to the queue, which says so.
    expect(page.get_by_role("status")).to_contain_text("Returned to Defence with your note.")
    expect(page).to_have_url(re.compile(rf"/rounds/{round_.pk}/#queue$"))
    expect(page.locator("#queue")).to_contain_text("No contribution is waiting for review.")
    page.goto(f"{base}/rounds/{round_.pk}/lines/23.a/")
    expect(card.locator(".state")).to_have_text("Returned for revision")
    log_out(page, "coordinator")

    # The focal point reads the note, corrects and resubmits.
    log_in(page, base, "focal-defence")
    menu_link(page, "My contributions")
    page.get_by_role("link", name="23.a", exact=True).click()
    expect(page.locator(".review-note")).to_contain_text("Give the total number of officers, counted or not by sex.")
    expect(page.get_by_label("Women", exact=True)).to_have_value("12")
    page.get_by_label("Other or not recorded", exact=True).fill("2")
    page.get_by_label("Total (optional)", exact=True).fill("55")
    page.get_by_label("Narrative").fill("Two information sessions for 55 officers, **women officers** first.")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("status")).to_contain_text("Submitted.")
    log_out(page, "focal-defence")

    # The coordinator approves.
    log_in(page, base, "coordinator")
    page.goto(f"{base}/rounds/{round_.pk}/lines/23.a/")
    expect(card.locator("table.figures td")).to_have_text(["12", "36", "2", "55", "21.8%"])
    expect(card).to_contain_text("Two information sessions for 55 officers")
    card.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("The contribution of Defence is approved.")
    expect(page).to_have_url(re.compile(rf"/rounds/{round_.pk}/#queue$"))
    page.goto(f"{base}/rounds/{round_.pk}/lines/23.a/")
    expect(card.locator(".state")).to_have_text("Approved")
    expect(card.get_by_role("button", name="Approve")).to_have_count(0)
    expect(card.get_by_label("Reason for reopening")).to_be_visible()

    contribution.refresh_from_db()
    assert (contribution.state, contribution.approved_by.username) == ("approved", "coordinator")
    m = contribution.measurements.get()
    assert (m.women, m.men, m.other, m.value) == (12, 36, 2, Decimal("55"))
