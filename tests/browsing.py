"""Helpers for the browser tests: the person's menu in the header (base.html) is a disclosure,
closed until opened, so its links and the log-out button are reached through it, as a person
reaches them."""

from __future__ import annotations

from playwright.sync_api import Page, expect


def open_user_menu(page: Page) -> None:
    menu = page.locator(".site-header .user-menu")
    if menu.get_attribute("open") is None:
        toggle = page.locator(".site-header .menu-toggle")
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
            toggle.click()
        menu.locator("summary").click()


def signed_in_as(page: Page, username: str) -> None:
    expect(page.locator(".site-header .user-menu > summary")).to_have_text(f"Your menu: {username}")


def menu_link(page: Page, name: str) -> None:
    """Follow a link of the person's menu."""
    open_user_menu(page)
    page.locator(".site-header .user-menu").get_by_role("link", name=name, exact=True).click()


def log_out(page: Page, username: str) -> None:
    open_user_menu(page)
    page.get_by_role("button", name=f"Log out ({username})").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
