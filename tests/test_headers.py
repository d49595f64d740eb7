"""Security headers (finding 6 of the audit): a Content Security Policy without inline scripts or
styles, Permissions-Policy, nothing a signed-in person sees kept in a cache, HSTS and the HTTPS
redirect from the environment, and `check --deploy` clean with production-like variables."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from naptrack.api.services import token_issue
from naptrack.reporting import services
from naptrack.reporting.models import Evidence
from tests.conftest import contribution_of, logged_in

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "naptrack" / "templates"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


# --- Content Security Policy ----------------------------------------------------------------------


def test_every_page_has_a_policy_without_inline_scripts_or_styles(plan, anonymous):
    csp = directives(anonymous.get("/"))
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    # Charts are SVG images in data: URIs; Bootstrap draws its form icons the same way.
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["base-uri"] == ["'none'"]
    for name, values in csp.items():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, name


def test_templates_hold_no_inline_script_handler_or_style():
    """What the policy would block: inline <script> blocks, on...= handlers, style attributes and
    <style> blocks (the report's one stylesheet excepted: it is allowed by its hash)."""
    offences = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(TEMPLATES).as_posix()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offences.append(f"{name}: inline <script>")
        if re.search(r"\son[a-z]+\s*=", text):
            offences.append(f"{name}: event handler attribute")
        if re.search(r"\sstyle\s*=", text):
            offences.append(f"{name}: style attribute")
        if "<style" in text and name != "publications/report.html":
            offences.append(f"{name}: <style> block")
    assert not offences


def test_the_report_page_allows_its_own_stylesheet_by_hash(coordinator, annual_round):
    response = logged_in(coordinator).get(f"/rounds/{annual_round.pk}/report.html")
    assert response.status_code == 200
    html = response.content.decode()
    (css,) = re.findall(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    assert directives(response)["style-src"] == ["'self'", f"'sha256-{digest}'"]


def test_the_round_dashboard_bar_is_an_svg_without_style_attributes(coordinator, open_round, focal_defence):
    c = contribution_of(open_round, "14.a", "defence")
    services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"narrative": "Done."})
    html = logged_in(coordinator).get(f"/rounds/{open_round.pk}/").content.decode()
    assert '<svg class="state-bar" viewBox="0 0 100 1"' in html
    assert 'class="state-bar-secondary"' in html
    assert " style=" not in html


# --- Permissions-Policy ---------------------------------------------------------------------------


def test_permissions_policy_denies_device_features(plan, anonymous, focal_defence):
    for response in (anonymous.get("/"), APIClient().get("/api/v1/plans/"), logged_in(focal_defence).get("/work/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


# --- Cache-Control --------------------------------------------------------------------------------


def private(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return (
        {"private", "no-store"} <= parts and "public" not in parts and not any(p.startswith("max-age") for p in parts)
    )


def test_anonymous_visitors_keep_public_caching(plan, anonymous):
    response = anonymous.get("/plans/be-nap-2013-2016/")
    assert "public" in response["Cache-Control"] and "no-store" not in response["Cache-Control"]


def test_nothing_a_signed_in_person_sees_is_cached(open_round, focal_defence, coordinator):
    client = logged_in(focal_defence)
    c = contribution_of(open_round, "14.a", "defence")
    for url in ("/", "/plans/be-nap-2013-2016/", "/work/", f"/work/contributions/{c.pk}/", "/no-such-page/"):
        assert private(client.get(url)), url
    assert private(logged_in(coordinator).get(f"/rounds/{open_round.pk}/"))


def test_api_answers_to_a_token_are_not_cached(open_round, focal_defence):
    client = APIClient(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=focal_defence)[0]}")
    assert private(client.get("/api/v1/rounds/"))
    assert private(client.get("/api/v1/plans/"))
    # Anonymous callers of the public API: no private marking needed.
    assert "no-store" not in APIClient().get("/api/v1/plans/").get("Cache-Control", "")


def test_evidence_downloads_are_not_cached(open_round, focal_defence):
    c = contribution_of(open_round, "23.a", "defence")
    services.evidence_add(
        actor=focal_defence, contribution=c, title="Minutes", upload=SimpleUploadedFile("minutes.pdf", PDF)
    )
    evidence = Evidence.objects.get(contribution=c)
    response = logged_in(focal_defence).get(reverse("reporting:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    assert private(response)


# --- HTTPS ----------------------------------------------------------------------------------------


def test_https_redirect_and_hsts_follow_the_settings(plan, settings):
    assert "Strict-Transport-Security" not in Client().get("/", secure=True)
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    anonymous = Client()  # SecurityMiddleware reads its settings when a client first loads it
    response = anonymous.get("/plans/")
    assert response.status_code == 301 and response["Location"] == "https://testserver/plans/"
    assert anonymous.get("/healthz").status_code == 200, "the load balancer's health check stays on http"
    hsts = anonymous.get("/plans/", secure=True)["Strict-Transport-Security"]
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def production_like(data_dir: Path) -> dict[str, str]:
    """The variables .ci/run gives `naptrack manage check --deploy`."""
    # Not the test run's own: its database, and the async escape hatch the browser tests need.
    dropped = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")
    keep = {k: v for k, v in os.environ.items() if k not in dropped}
    return {
        **keep,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "naptrack.example.org",
        "SECURE_COOKIES": "true",
        "SECURE_SSL_REDIRECT": "true",
        "SECURE_HSTS_SECONDS": "31536000",
        "NAPTRACK_DATA_DIR": str(data_dir),
    }


def test_check_deploy_is_clean_with_production_like_variables(tmp_path):
    command = [sys.executable, "-m", "naptrack.cli", "manage", "check", "--deploy", "--fail-level", "WARNING"]
    result = subprocess.run(command, env=production_like(tmp_path), capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr

    # And it does fail on a warning: without the HTTPS settings.
    env = {**production_like(tmp_path), "SECURE_HSTS_SECONDS": "0"}
    result = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0 and "security.W004" in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_INCLUDE_SUBDOMAINS"])
def test_the_readme_documents_the_https_variables(name):
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8")


# --- in a real browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_chromium_reports_no_policy_violation_and_charts_and_styles_load(live_server, live_plan, page):
    """The policy in force in Chromium: pages, the round's report (its hashed stylesheet, its
    SVG charts as data: images) and a focal point's screens load without a violation."""
    import datetime as dt

    from naptrack.accounts.services import user_create
    from naptrack.reporting.services import round_create, round_open

    password = "correct horse battery staple"
    people = {}
    for username, role, department in (("coord", "coordinator", None), ("focal", "focal-point", "defence")):
        people[username] = user_create(
            actor="tests",
            username=username,
            role=role,
            password=password,
            department_code=department,
            email=f"{username}@example.org",
            check_password=False,
        )
    round_ = round_create(
        actor=people["coord"], plan=live_plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31)
    )
    round_open(actor=people["coord"], round=round_)

    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    base = live_server.url
    page.goto(base + "/")
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill("focal")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.locator(".site-header .user-menu").wait_for()
    page.goto(base + "/work/")
    page.goto(f"{base}/rounds/{round_.pk}/report.html")
    charts = page.locator("img[src^='data:image/svg+xml']")
    assert charts.count() > 0
    loaded = "Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)"
    assert page.evaluate(loaded), "every chart is drawn"
    # The report's own stylesheet applies (blocked, the document would have no style sheet).
    assert page.evaluate("Array.from(document.styleSheets).map(s => s.cssRules.length)")[0] > 10
    assert not violations
