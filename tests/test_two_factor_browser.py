"""Two-factor sign-in in a real headless Chromium (Debian's), against the live server, with the
keyboard: a new coordinator sets up an authenticator app (the code computed from the secret the
page shows), logs out, signs in with a code from the app, logs out, and signs in with a recovery
code. The pages pass axe-core's WCAG 2.1 A/AA checks."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from naptrack.accounts.services import user_create

from .browsing import log_out as log_out_as
from .browsing import menu_link, signed_in_as
from .second_factor import code_now, key_from_secret, next_code
from .test_portal_browser import AXE, violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as a script of its own, which the Content Security Policy would block.
    return {**browser_context_args, "bypass_csp": True}


def accessible(page: Page) -> None:
    if AXE.exists():
        assert violations(page) == [], page.url


def password(page: Page) -> None:
    page.get_by_label("Username").fill("coordinator")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")


def log_out(page: Page) -> None:
    log_out_as(page, "coordinator")


def test_coordinator_enrols_then_signs_in_with_a_code_and_with_a_recovery_code(live_server, live_plan, page: Page):
    base = live_server.url
    user_create(actor="tests", username="coordinator", role="coordinator", password=PASSWORD, check_password=False)

    # The password, then set-up before anything else.
    page.goto(base + "/rounds/")
    password(page)
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Frounds%2F$"))
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")
    expect(page.get_by_role("img", name="QR code to scan with your authenticator app")).to_be_visible()
    accessible(page)
    page.goto(base + "/rounds/")
    expect(page.locator("h1")).to_have_text("Set up two-factor sign-in")

    secret = page.locator("#two-factor-secret").inner_text()
    code = page.get_by_label("Code from the app")
    expect(code).to_be_focused()
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("That code does not match")
    expect(code).to_be_focused()
    code.fill("")
    page.keyboard.type(code_now(key_from_secret(secret)))
    page.keyboard.press("Enter")

    # Ten recovery codes, shown once.
    expect(page.locator("h1")).to_have_text("Your recovery codes")
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    recovery = page.locator(".recovery-codes code").all_inner_texts()
    accessible(page)
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(re.compile(r"/rounds/$"))
    expect(page.locator("h1")).to_have_text("Reporting rounds")
    log_out(page)

    # Password and a code from the app.
    page.goto(base + "/accounts/login/")
    password(page)
    expect(page.locator("h1")).to_have_text("Second step of signing in")
    expect(page.get_by_label("Code", exact=True)).to_be_focused()
    accessible(page)
    page.keyboard.type(next_code("coordinator"))
    page.keyboard.press("Enter")
    signed_in_as(page, "coordinator")
    menu_link(page, "Rounds")
    expect(page.locator("h1")).to_have_text("Reporting rounds")
    log_out(page)

    # Password and a recovery code.
    page.goto(base + "/accounts/login/")
    password(page)
    expect(page.locator("h1")).to_have_text("Second step of signing in")
    page.keyboard.type(recovery[0])
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("You signed in with a recovery code; 9 left.")
    page.goto(base + "/accounts/two-factor/")
    expect(page.locator("main")).to_contain_text("You have 9 unused recovery codes.")
