"""International reporting in a real headless Chromium (Debian's), against the live server: the
coordinator opens a question set, confirms a suggested link from the keyboard, creates a request
and downloads the answer pack as XLSX."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from naptrack.accounts.services import user_create
from naptrack.international import services
from naptrack.international.files import parse_rows
from naptrack.international.models import Mapping, Request

from .browsing import menu_link
from .second_factor import browser_second_step

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
ROWS = [
    ["code", "text", "group", "kind"],
    ["T1", "Number of women and men trained on resolution 1325 before deployment", "Prevention", "by sex"],
    ["T2", "Budget earmarked for the action plan", "Relief", "number"],
]


def test_coordinator_confirms_a_suggestion_creates_a_request_and_downloads_the_pack(live_server, live_plan, page: Page):
    base = live_server.url
    coordinator = user_create(
        actor="tests",
        username="coordinator",
        role="coordinator",
        password=PASSWORD,
        email="coordinator@example.org",
        check_password=False,
    )
    framework = services.framework_load(
        actor=coordinator, parsed=parse_rows(ROWS, name="q.csv"), body="un", name="WPS questionnaire", version="2015"
    ).framework
    t1 = framework.questions.get(code="T1")

    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    browser_second_step(page, "coordinator")

    menu_link(page, "International reporting")
    expect(page.locator("h1")).to_have_text("International reporting")
    page.get_by_role("link", name="WPS questionnaire 2015").click()
    card = page.locator(f"#question-{t1.pk}")
    expect(card.locator(".no-mapping")).to_be_visible()
    expect(card.locator("li.suggestion")).to_have_count(3)
    first = card.locator("li.suggestion").first
    suggested = first.locator(".font-monospace").inner_text()

    # From the keyboard: focus the first Confirm button and press Enter.
    first.get_by_role("button", name=re.compile(r"^Confirm")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Question T1 linked to {suggested}.")
    expect(card.locator("li.mapping")).to_contain_text(suggested)
    expect(card.locator("li.mapping")).to_contain_text("suggestion confirmed")
    mapping = Mapping.objects.get(question=t1)
    assert mapping.origin == "suggested" and mapping.score and mapping.score > 0

    # A request for 2014 from the set's page.
    page.get_by_role("link", name="New request for this question set").click()
    expect(page.get_by_label("Question set")).to_have_value(framework.code)
    page.get_by_label("Period covered").fill("2014")
    page.get_by_label("Due").fill((dt.date.today() + dt.timedelta(days=30)).isoformat())
    page.get_by_label("Reference").fill("UN/WPS/7")
    page.get_by_role("button", name="Create the request").click()
    expect(page.get_by_role("status")).to_contain_text("Request created: 2 answers drafted")
    request = Request.objects.get()
    expect(page).to_have_url(re.compile(rf"/international/requests/{request.pk}/$"))

    with page.expect_download() as info:
        page.get_by_role("link", name="XLSX EN", exact=True).click()
    download = info.value
    assert download.suggested_filename == f"{framework.code}-request-{request.pk}-v1-en.xlsx"
    rows = list(load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active.iter_rows(values_only=True))
    assert list(rows[0][:3]) == ["Code", "Question", "Answer"]
    assert [row[0] for row in rows[1:]] == ["T1", "T2"]
    assert rows[1][1] == ROWS[1][1]
