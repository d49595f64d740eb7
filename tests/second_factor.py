"""Helpers for signing in with a second factor, shared by the two-factor tests and the browser
tests that sign in through the login form: codes computed from a secret the way an authenticator
app does (django_otp.oath), and the second step in Chromium."""

from __future__ import annotations

import re
import time
from base64 import b32decode

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

STEP = 30


def key_from_secret(secret: str) -> bytes:
    """The key behind the secret a page shows (base32, in groups)."""
    return b32decode(secret.replace(" ", "").upper())


def code_at(key: bytes, t: int) -> str:
    totp = TOTP(key, step=STEP)
    totp.time = t * STEP
    return f"{totp.token():06d}"


def code_now(key: bytes) -> str:
    return code_at(key, int(time.time()) // STEP)


def next_code(username: str) -> str:
    """The code an app shows for `username`'s device, one step ahead when this step's code was
    used already (a code works once: a test signing in twice within 30 s uses the next one,
    which the server accepts as a phone's clock a step ahead)."""
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    now = int(time.time()) // STEP + device.drift
    return code_at(device.bin_key, max(now, device.last_t + 1))


def browser_second_step(page, username: str) -> None:
    """After the password: type a code when asked, or set a device up when the account needs
    one and has none (reading the secret from the page and putting the recovery codes aside)."""
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if "/accounts/two-factor/verify/" in page.url:
        page.get_by_label("Code", exact=True).fill(next_code(username))
        page.get_by_role("button", name="Sign in").click()
    elif re.search(r"/accounts/two-factor/(\?|$)", page.url):
        secret = page.locator("#two-factor-secret").inner_text()
        page.get_by_label("Code from the app").fill(code_now(key_from_secret(secret)))
        page.get_by_role("button", name="Turn on two-factor sign-in").click()
        page.get_by_role("link", name="I have kept them: continue").click()
