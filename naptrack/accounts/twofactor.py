"""Two-factor sign-in: a TOTP authenticator app (django-otp's otp_totp) and single-use recovery
codes (otp_static).

Signing in takes two steps: the password (LoginView, with django-axes in front), then, for a
person with a device, a code; until then the person is not verified (OTPMiddleware's
`request.user.is_verified()`) and `accounts/middleware.py` lets them reach only the second step.
Coordinators, readers, evaluators (who read a plan's internals as readers do) and administrators
must have a device (everyone under NAPTRACK_2FA_REQUIRED_FOR_ALL); focal points may.

The secret of a device being set up stays in the person's session until they confirm it with a
first code: only confirmed devices exist in the database, and a page reloaded halfway shows the
same QR code. Wrong codes are throttled per device by django-otp (a wait doubling with each
failure), and each accepted code is remembered, so that a code read over a shoulder does not work
twice.
"""

from __future__ import annotations

import re
import time
from base64 import b32encode
from binascii import unhexlify

import rules
import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from naptrack.accounts.models import User
from naptrack.audit.services import audit_record
from naptrack.core.roles import is_coordinator, is_evaluator, is_reader

RECOVERY_CODES = 10
TOTP_DIGITS = 6
# The sign-in step a session is at, next to Django's own keys (accounts/middleware.py).
SESSION_STEP = "naptrack_two_factor"
STEP_VERIFY = "verify"  # the person has a device: a code is due
STEP_NONE = "none"  # no device when they signed in
STEP_TESTS = "tests"  # written only by the tests' helper; honoured only under their setting
# The secret being set up, and recovery codes waiting to be shown once.
SESSION_SECRET = "naptrack_two_factor_secret"
SESSION_CODES = "naptrack_two_factor_codes"

_CODE = re.compile(rf"[0-9]{{{TOTP_DIGITS}}}")


@rules.predicate
def _required_for_everyone(user) -> bool:
    return settings.NAPTRACK_2FA_REQUIRED_FOR_ALL


# Administrators first: their flags cost no query; the roles are read once per request.
two_factor_required = rules.is_authenticated & (
    rules.is_staff | rules.is_superuser | _required_for_everyone | is_coordinator | is_reader | is_evaluator
)


# --- reads --------------------------------------------------------------------------------------


def totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def secret_new() -> str:
    return random_hex(20)


def secret_text(secret: str) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    b32 = b32encode(unhexlify(secret)).decode()
    return " ".join(b32[i : i + 4] for i in range(0, len(b32), 4))


def provisioning_uri(user, secret: str) -> str:
    """The otpauth:// URI the QR code carries (issuer: NAPTRACK_SITE_NAME, via OTP_TOTP_ISSUER)."""
    return TOTPDevice(user=user, key=secret).config_url


def qr_svg(uri: str, title: str) -> str:
    """The QR code as inline SVG, drawn here: no image service sees the secret. Black on white
    with its quiet zone, whatever the page's colours, so that phones read it."""
    svg = segno.make(uri, error="m", micro=False).svg_inline(
        scale=4, border=4, dark="#000", light="#fff", title=title, svgclass="qr-code"
    )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


def _normalised(token: str) -> str:
    return re.sub(r"[\s-]", "", token or "").lower()


def _new_codes(device: StaticDevice) -> list[str]:
    codes = []
    while len(codes) < RECOVERY_CODES:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _locked(user: User) -> None:
    # One person's devices change one request at a time (two tabs confirming at once).
    User.objects.select_for_update().filter(pk=user.pk).first()


# --- writes -------------------------------------------------------------------------------------


@transaction.atomic
def two_factor_enrol(*, actor, secret: str, token: str) -> tuple[list[str], TOTPDevice]:
    """Turn two-factor sign-in on for `actor` with the secret they were shown, once they type a
    code their app computed from it; returns their recovery codes (to show once) and the device."""
    _locked(actor)
    if totp_device(actor) is not None:
        raise ValidationError(_("Two-factor sign-in is already on for your account."))
    token = _normalised(token)
    totp = TOTP(unhexlify(secret), digits=TOTP_DIGITS)
    totp.time = time.time()
    if not _CODE.fullmatch(token) or not totp.verify(int(token), tolerance=1):
        raise ValidationError(
            _("That code does not match. Check the time on your phone and type the code your app shows now."),
            code="wrong",
        )
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    # The code just typed cannot sign in again (last_t).
    device = TOTPDevice.objects.create(
        user=actor, name="authenticator", key=secret, confirmed=True, last_t=totp.t(), drift=totp.drift
    )
    codes = _new_codes(StaticDevice.objects.create(user=actor, name="recovery codes", confirmed=True))
    audit_record(actor=actor, action="accounts.two_factor.enrolled", target=actor, data={"recovery_codes": len(codes)})
    return codes, device


def two_factor_verify(*, actor, token: str):
    """The second step of signing in: a code from the app (six digits) or a recovery code (used
    up). Returns the device that accepted it; raises ValidationError otherwise."""
    token = _normalised(token)
    recovery = not _CODE.fullmatch(token)
    model = StaticDevice if recovery else TOTPDevice
    # Not one atomic block that raises: the failure count django-otp writes must stay written.
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk").first()
        allowed, lock = device.verify_is_allowed() if device is not None else (True, None)
        accepted = bool(token) and allowed and device is not None and device.verify_token(token)
        if accepted and recovery:
            audit_record(
                actor=actor,
                action="accounts.two_factor.recovery_code_used",
                target=actor,
                data={"recovery_codes_left": device.token_set.count()},
            )
        elif not accepted and allowed:
            audit_record(
                actor=actor,
                action="accounts.two_factor.code_refused",
                target=actor,
                data={"kind": "recovery" if recovery else "app"},
            )
    if not allowed:
        until = (lock or {}).get("locked_until") or timezone.now()
        seconds = max(1, int((until - timezone.now()).total_seconds()) + 1)
        raise ValidationError(
            ngettext(
                "Too many wrong codes. Wait %(seconds)s second and try again.",
                "Too many wrong codes. Wait %(seconds)s seconds and try again.",
                seconds,
            )
            % {"seconds": seconds},
            code="throttled",
        )
    if not accepted:
        raise ValidationError(_("That code is not right, or was already used."), code="wrong")
    return device


@transaction.atomic
def recovery_codes_regenerate(*, actor) -> list[str]:
    """New recovery codes for `actor`; the old ones stop working. The view checks that the person
    signed in with their second factor in this session."""
    _locked(actor)
    if totp_device(actor) is None:
        raise ValidationError(_("Turn two-factor sign-in on first."))
    # The device stays (a session verified by a recovery code stays verified); its codes go.
    device = StaticDevice.objects.filter(user=actor, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=actor, name="recovery codes", confirmed=True)
    StaticToken.objects.filter(device__user=actor).delete()
    codes = _new_codes(device)
    audit_record(actor=actor, action="accounts.two_factor.recovery_codes_regenerated", target=actor)
    return codes


def _devices_delete(user) -> int:
    return TOTPDevice.objects.filter(user=user).delete()[0] + StaticDevice.objects.filter(user=user).delete()[0]


@transaction.atomic
def two_factor_disable(*, actor) -> None:
    """A person for whom the second factor is optional turns it off."""
    if two_factor_required(actor):
        raise PermissionDenied(_("Your account needs two-factor sign-in."))
    _locked(actor)
    _devices_delete(actor)
    audit_record(actor=actor, action="accounts.two_factor.disabled", target=actor)


@transaction.atomic
def two_factor_reset(*, actor, user: User) -> None:
    """A coordinator removes a person's second factor (a lost phone, and no recovery code left):
    every session of theirs loses its verification, and the person sets up a new device at their
    next sign-in if their role requires one."""
    if not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("Only a coordinator can reset a second factor."))
    _locked(user)
    had_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    _devices_delete(user)
    audit_record(actor=actor, action="accounts.two_factor.reset", target=user, data={"had_device": had_device})
