"""The contribution form's country picker in a real headless Chromium (Debian's), against the live
server: with JavaScript, a combobox with type-ahead (accents and case ignored) worked from the
keyboard, the chosen countries as buttons that remove them; without it, the plain multiple select.
What is chosen is what is saved. axe-core finds no serious or critical violation on the form."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from naptrack.reporting.models import Contribution

from .test_portal_browser import AXE, violations

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"


def contribution_23a(round_) -> Contribution:
    # 23.a is Defence's alone.
    return Contribution.objects.get(round=round_, action__code="23.a", department__code="defence")


def log_in(page: Page, base: str, next_path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.get_by_label("Username").fill("focal-defence")
    page.get_by_label("Password").fill(PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def test_focal_point_chooses_countries_by_typing_and_with_the_keyboard(live_server, live_plan, open_round, page: Page):
    errors: list[str] = []
    # A refused inline script or style (the Content Security Policy) shows as a console error, a
    # fault in the script as a page error.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    c = contribution_23a(open_round)
    log_in(page, live_server.url, f"/work/contributions/{c.pk}/")

    picker = page.get_by_role("combobox", name="Add a country")
    expect(page.locator("#id_countries")).to_be_hidden()
    expect(picker).to_have_attribute("aria-expanded", "false")
    picker.click()
    page.keyboard.type("mal")
    listbox = page.get_by_role("listbox")
    expect(picker).to_have_attribute("aria-expanded", "true")
    expect(picker).to_have_attribute("aria-controls", listbox.get_attribute("id") or "")
    # The focus country first, then other names that begin with "mal", then names holding it.
    options = listbox.get_by_role("option")
    expect(options.first).to_have_text("Mali")
    expect(options.nth(1)).to_have_text("Malawi")
    expect(listbox.get_by_role("option", name="Somalia")).to_have_count(1)
    expect(page.locator(".combobox [aria-live=polite]")).to_have_text(re.compile(r"^\d+ countries found\.$"))

    page.keyboard.press("ArrowDown")
    expect(picker).to_have_attribute("aria-activedescendant", options.first.get_attribute("id") or "")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(options.nth(1)).to_have_attribute("aria-selected", "false")
    page.keyboard.press("Enter")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(picker).to_have_value("")
    expect(picker).to_be_focused()
    expect(page.get_by_role("button", name="Remove Mali")).to_be_visible()
    expect(page.get_by_label("Mali", exact=True)).to_be_checked()
    expect(page.locator(".combobox [aria-live=polite]")).to_have_text("Mali added.")

    # Accents and case do not count; Up from the top goes round to the last suggestion.
    page.keyboard.type("COTE")
    expect(options).to_have_count(1)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove Côte d'Ivoire")).to_be_visible()

    # Escape closes the suggestions, then clears what was typed.
    page.keyboard.type("malt")
    expect(picker).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(picker).to_have_attribute("aria-expanded", "false")
    expect(picker).to_have_value("malt")
    page.keyboard.press("Escape")
    expect(picker).to_have_value("")

    # A country chosen by mistake goes again with its button.
    page.keyboard.type("malta")
    page.keyboard.press("Enter")  # the one suggestion left
    page.get_by_role("button", name="Remove Malta").click()
    expect(page.get_by_role("button", name="Remove Malta")).to_have_count(0)
    expect(page.locator(".combobox [aria-live=polite]")).to_have_text("Malta removed.")

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    c.refresh_from_db()
    assert sorted(c.countries) == ["CI", "ML"]
    # What is saved shows as chosen again.
    expect(page.get_by_role("button", name="Remove Mali")).to_be_visible()
    expect(page.get_by_role("button", name="Remove Côte d'Ivoire")).to_be_visible()
    assert not errors, errors


def test_without_javascript_the_countries_are_a_plain_multiple_select(
    live_server, live_plan, open_round, browser: Browser
):
    c = contribution_23a(open_round)
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, f"/work/contributions/{c.pk}/")
    expect(page.get_by_role("combobox", name="Add a country")).to_have_count(0)
    page.get_by_label("Other countries").select_option(["MT", "CI"])
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status")).to_have_text("Draft saved.")
    c.refresh_from_db()
    assert sorted(c.countries) == ["CI", "MT"]
    context.close()


def test_contribution_form_has_no_serious_accessibility_violation(live_server, live_plan, open_round, browser: Browser):
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `npm ci` at the repository root")
    c = contribution_23a(open_round)
    # axe-core goes into the page as an inline script, which the Content Security Policy refuses.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    log_in(page, live_server.url, f"/work/contributions/{c.pk}/")
    assert violations(page) == []
    # And with suggestions open and a country chosen.
    picker = page.get_by_role("combobox", name="Add a country")
    picker.click()
    page.keyboard.type("belg")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("listbox")).to_be_visible()
    assert violations(page) == []
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Remove Belgium")).to_be_visible()
    assert violations(page) == []
    context.close()
