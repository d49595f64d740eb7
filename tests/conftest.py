"""Personas and the real plan, shared by every test.

The Belgian plan is loaded once into the test database; tests run in transactions rolled back
after each one. Tests that need real transactions (the browser) get the plan loaded again.
"""

from __future__ import annotations

import json
import os
import shutil

import pytest
from django.test import Client

from naptrack.cli import DEFAULT_PLAN_FILE

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the live
# server's fixtures would otherwise refuse to run there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BE = "be-nap-2013-2016"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The production storage needs collectstatic's manifest; tests serve files from the source.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _jobs_run_at_once(settings):
    # Background jobs run where they are queued, in the test's own thread and transaction; the
    # database queue and its worker are tested by tests/test_jobs_worker.py with real processes.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _english_by_default():
    # A request to /fr/ or /nl/ leaves its language active in the thread; each test starts afresh.
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_page_cache(settings):
    # Public pages are kept per process by the stamp of the latest audited change; tests that
    # change data directly, or roll back, must not see a page another test rendered. The stamp
    # is read at every request, so that each page's queries count the same every time.
    from naptrack.portal.caching import pages

    settings.NAPTRACK_PUBLIC_STAMP_SECONDS = 0
    pages.clear()


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    # The API's rate limits count in Django's cache (per process): each test starts with none.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, request):
    # Argon2 is slow on purpose; tests that are not about hashing create many users.
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def be_document() -> dict:
    return json.loads(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))


def _load(document: dict):
    from naptrack.plans.models import Plan
    from naptrack.plans.services import plan_load

    plan = Plan.objects.filter(slug=document["slug"]).first()
    if plan is None:
        plan = plan_load(actor="tests", document=document).plan
    return plan


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, be_document):
    with django_db_blocker.unblock():
        _load(be_document)


@pytest.fixture
def plan(db, be_document):
    """Belgium's NAP 2013-2016, as bundled."""
    return _load(be_document)


@pytest.fixture
def live_plan(transactional_db, be_document):
    return _load(be_document)


def _user(username: str, role: str, department: str | None = None):
    from naptrack.accounts.services import user_create

    return user_create(
        actor="tests",
        username=username,
        role=role,
        password="correct horse battery staple",
        department_code=department,
        email=f"{username}@example.org",
        check_password=False,
    )


@pytest.fixture
def coordinator(plan):
    return _user("coordinator", "coordinator")


@pytest.fixture
def focal_defence(plan):
    return _user("focal-defence", "focal-point", "defence")


@pytest.fixture
def focal_justice(plan):
    return _user("focal-justice", "focal-point", "justice")


@pytest.fixture
def reader(plan):
    return _user("reader", "reader")


def logged_in(user) -> Client:
    """A client signed in as `user`, past both sign-in steps: the second factor is the subject
    of tests/test_two_factor.py, and a device in the session would add a query to every page."""
    from naptrack.accounts import twofactor

    client = Client()
    client.force_login(user)
    session = client.session
    session[twofactor.SESSION_STEP] = twofactor.STEP_TESTS
    session.save()
    return client


@pytest.fixture(autouse=True)
def _test_sessions_signed_in(settings):
    # The only place the mark logged_in() writes is honoured (accounts/middleware.py): not an
    # environment variable, and no request can write a session key.
    settings.NAPTRACK_2FA_TEST_SESSIONS = True


@pytest.fixture
def coordinator_client(coordinator) -> Client:
    return logged_in(coordinator)


@pytest.fixture
def focal_defence_client(focal_defence) -> Client:
    return logged_in(focal_defence)


@pytest.fixture
def anonymous() -> Client:
    return Client()


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); no browser downloads here")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


# --- reporting --------------------------------------------------------------------------------


@pytest.fixture
def annual_round(plan, coordinator):
    """The round of the 2015 report to parliament (covering 2014), still a draft."""
    import datetime as dt

    from naptrack.reporting.services import round_create

    return round_create(actor=coordinator, plan=plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31))


@pytest.fixture
def open_round(annual_round, coordinator, focal_defence, focal_justice, mailoutbox):
    """The 2014 annual round, opened: one contribution per line of action and department."""
    from naptrack.reporting.services import round_open

    return round_open(actor=coordinator, round=annual_round)


def contribution_of(round_, code: str, department: str):
    from naptrack.reporting.models import Contribution

    return Contribution.objects.with_detail().get(round=round_, action__code=code, department__code=department)
