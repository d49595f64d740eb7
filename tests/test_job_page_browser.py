"""A job's progress page in a real headless Chromium (Debian's), against the live server: the
progress is read out from a polite live region, the end of the job too, with its result put in
place without a reload; then the page asks no more. Without JavaScript the page refreshes itself, when asked,
until the job ends. The job's state is moved on by the test, as a worker would."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from naptrack.jobs.models import Job

from .conftest import _user

pytestmark = pytest.mark.browser


@pytest.fixture
def running_job(live_plan) -> Job:
    # A focal point: signing in needs no second factor.
    person = _user("focal-defence", "focal-point", "defence")
    return Job.objects.create(
        handler="tests.jobs_scenario.append",
        title="Building the report",
        created_by=person,
        state="running",
        progress_done=1,
        progress_total=4,
        progress_note="Objective 1",
    )


def log_in(page: Page, base: str, job: Job) -> None:
    page.goto(f"{base}/accounts/login/?next=/jobs/{job.pk}/")
    page.get_by_label("Username").fill("focal-defence")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Building the report")


def status_requests(page: Page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda request: seen.append(request.url) if request.url.endswith("/status/") else None)
    return seen


def test_progress_and_end_are_announced_in_place_and_polling_stops(live_server, running_job, page: Page):
    asked = status_requests(page)
    log_in(page, live_server.url, running_job)
    live = page.get_by_role("status")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).to_have_text("Running: Objective 1")

    Job.objects.filter(pk=running_job.pk).update(progress_done=3, progress_note="Objective 3")
    expect(live).to_have_text("Running: Objective 3")
    expect(page.locator("#job-progress")).to_have_attribute("value", "75")
    page.evaluate("window.notReloaded = true")

    Job.objects.filter(pk=running_job.pk).update(
        state="succeeded", result_note="The report is ready.", result_url="/", finished_at=timezone.now()
    )
    expect(live).to_have_text("Done The report is ready.")
    expect(page.get_by_role("link", name="See the result")).to_be_visible()
    expect(page.locator("#job-progress")).to_have_count(0)
    assert page.evaluate("window.notReloaded === true"), "the result is put in place, not reloaded"
    assert page.locator("#job").get_attribute("data-finished") == "true"

    count = len(asked)
    page.wait_for_timeout(5500)  # over two polling periods, and the slower retry's
    assert len(asked) == count, "no status request once the job has ended"


def test_a_failure_is_announced_with_its_error_and_polling_stops(live_server, running_job, page: Page):
    asked = status_requests(page)
    log_in(page, live_server.url, running_job)
    Job.objects.filter(pk=running_job.pk).update(
        state="failed", attempts=1, error="The plan has no such line: 99.z.", finished_at=timezone.now()
    )
    live = page.get_by_role("status")
    expect(live).to_have_text("Failed The plan has no such line: 99.z.")
    expect(page.locator(".alert-danger")).to_contain_text("The job failed after 1 attempt.")
    count = len(asked)
    page.wait_for_timeout(5500)
    assert len(asked) == count


def test_without_javascript_the_page_refreshes_itself_when_asked_until_the_job_ends(
    live_server, running_job, browser: Browser
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server.url, running_job)
    # Never on its own (a reload takes a screen reader back to the top): when the person asks.
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    page.get_by_role("link", name="Refresh this page by itself every 5 seconds until the job ends").click()
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_attribute("content", "5")
    Job.objects.filter(pk=running_job.pk).update(
        state="succeeded", result_note="The report is ready.", result_url="/", finished_at=timezone.now()
    )
    expect(page.get_by_text("The report is ready.")).to_be_visible(timeout=12_000)
    expect(page.locator("#job-state")).to_have_text(re.compile(r"^\s*Done\s*$"))
    expect(page.locator('meta[http-equiv="refresh"]')).to_have_count(0)
    context.close()
