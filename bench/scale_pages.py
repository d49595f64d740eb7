"""The pages and API list endpoints that bench/scale.py times and tests/test_scale.py pins.

One list for both, so that the test's query counts cover exactly what the bench measures. Each
page is named, read by one role (anonymous, a focal point, the coordinator, the reader, or the
API with or without the coordinator's token) and built from the subjects of an installation made
by bench/synthetic.py: its first plan, that plan's open round and latest published round, a line
and a department with contributions in both, and the users of that department.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

SEARCH_WORDS = "mediators negotiations"
ROLES = ("anonymous", "focal", "coordinator", "reader", "api", "api-token")


@dataclass(frozen=True)
class Subjects:
    """What the pages are about, the same in a small and a large installation."""

    plan: Any
    objective: int
    line: str
    department: str
    country: str
    open_round: Any
    published_round: Any
    contribution: Any
    focal: Any
    coordinator: Any
    reader: Any


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    url: Callable[[Subjects], str]


def subjects() -> Subjects:
    """The first plan's subjects (Django set up on a database bench/synthetic.py filled)."""
    from naptrack.accounts.models import User
    from naptrack.plans.models import Plan
    from naptrack.reporting.models import Contribution, Round

    # The generated plans' first (the tests build beside the Belgian plan); its people's names.
    plan = Plan.objects.filter(slug__contains="-nap-001-").first() or Plan.objects.order_by("pk").first()
    open_round = Round.objects.filter(plan=plan, state="open").order_by("pk").first()
    published = Round.objects.filter(plan=plan, state="published").order_by("-year", "-pk").first()
    # A contribution of the open round still to be written or mended: the focal point's form.
    contribution = (
        Contribution.objects.filter(round=open_round, state__in=("draft", "returned"))
        .select_related("action", "department")
        .order_by("pk")
        .first()
    ) or Contribution.objects.filter(round=open_round).select_related("action", "department").order_by("pk").first()
    focal = User.objects.filter(department=contribution.department, groups__name="focal-point").order_by("pk").first()
    coordinator = User.objects.filter(groups__name="coordinator", username__in=("p001-coordinator", "coordinator"))
    reader = User.objects.filter(groups__name="reader", username__in=("p001-reader", "reader"))
    return Subjects(
        plan=plan,
        objective=contribution.action.goal.objective.number,
        line=contribution.action.code,
        department=contribution.department.code,
        country=plan.focus_countries[0],
        open_round=open_round,
        published_round=published,
        contribution=contribution,
        focal=focal,
        coordinator=coordinator.order_by("-username").first(),
        reader=reader.order_by("-username").first(),
    )


def _r(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


def _published(s: Subjects) -> Any:
    return s.published_round or s.open_round


PAGES: list[Page] = [
    # Public pages (anonymous; the page cache is bypassed by the bench, emptied by the test).
    Page("home", "anonymous", lambda s: _r("home")),
    Page("plan list", "anonymous", lambda s: _r("plan-list")),
    Page("plan", "anonymous", lambda s: _r("plan-detail", s.plan.slug)),
    Page("objective", "anonymous", lambda s: _r("objective-detail", s.plan.slug, s.objective)),
    Page("line", "anonymous", lambda s: _r("action-detail", s.plan.slug, s.line)),
    Page("plan changes", "anonymous", lambda s: _r("plan-changes", s.plan.slug)),
    Page("department list", "anonymous", lambda s: _r("department-list", s.plan.slug)),
    Page("department", "anonymous", lambda s: _r("department-detail", s.plan.slug, s.department)),
    Page("country", "anonymous", lambda s: _r("country-detail", s.plan.slug, s.country)),
    Page("compare", "anonymous", lambda s: _r("compare", s.plan.slug)),
    Page("search", "anonymous", lambda s: _r("search") + "?q=" + SEARCH_WORDS.replace(" ", "+")),
    Page("plan search", "anonymous", lambda s: _r("plan-search", s.plan.slug) + "?q=mediators"),
    Page("open data", "anonymous", lambda s: _r("open-data")),
    Page("open data: round CSV", "anonymous", lambda s: _open_data_round(s)),
    Page("answer packs", "anonymous", lambda s: _r("pack-list")),
    Page("consultations", "anonymous", lambda s: _r("event-list")),
    Page("recommendations", "anonymous", lambda s: _r("recommendation-list")),
    # The focal point.
    Page("work list", "focal", lambda s: _r("reporting:my-contributions")),
    Page("contribution form", "focal", lambda s: _r("reporting:contribution-edit", s.contribution.pk)),
    # The coordinator.
    Page("round list", "coordinator", lambda s: _r("reporting:round-list")),
    Page("round dashboard", "coordinator", lambda s: _r("reporting:round-dashboard", s.open_round.pk)),
    Page("review queue", "coordinator", lambda s: _r("reporting:round-contributions", s.open_round.pk)),
    Page("line review", "coordinator", lambda s: _r("reporting:line-review", s.open_round.pk, s.line)),
    Page("contribution history", "coordinator", lambda s: _r("reporting:contribution-history", s.contribution.pk)),
    Page("line history", "coordinator", lambda s: _r("reporting:line-history", s.open_round.pk, s.line)),
    Page("published dashboard", "coordinator", lambda s: _r("reporting:round-dashboard", _published(s).pk)),
    Page("people", "coordinator", lambda s: _r("accounts:people")),
    Page("instruments", "coordinator", lambda s: _r("plan-instruments", s.plan.slug)),
    Page("translations", "coordinator", lambda s: _r("plan-translations", s.plan.slug)),
    Page("audit log", "coordinator", lambda s: _r("audit:event-list")),
    # The reader.
    Page("reader: round list", "reader", lambda s: _r("reporting:round-list")),
    Page("reader: round dashboard", "reader", lambda s: _r("reporting:round-dashboard", s.open_round.pk)),
    Page("reader: review queue", "reader", lambda s: _r("reporting:round-contributions", s.open_round.pk)),
    # API lists, anonymous (the public ones) and with the coordinator's token.
    Page("api public rounds", "api", lambda s: _r("api:public-round-list")),
    Page(
        "api public round contributions",
        "api",
        lambda s: _r("api:public-round-contributions", _published(s).pk),
    ),
    Page("api public figures", "api", lambda s: _r("api:public-figure-list", s.plan.slug)),
    Page("api public totals", "api", lambda s: _r("api:public-totals", s.plan.slug)),
    Page("api public versions", "api", lambda s: _r("api:public-plan-versions", s.plan.slug)),
    Page("api public assessments", "api", lambda s: _r("api:public-assessment-list")),
    Page("api public events", "api", lambda s: _r("api:public-event-list")),
    Page("api plans", "api-token", lambda s: _r("api:plan-list")),
    Page("api plan", "api-token", lambda s: _r("api:plan-detail", s.plan.slug)),
    Page("api rounds", "api-token", lambda s: _r("api:round-list")),
    Page("api round contributions", "api-token", lambda s: _r("api:round-contributions", s.open_round.pk)),
    Page("api requests", "api-token", lambda s: _r("api:request-list")),
    Page("api organisations", "api-token", lambda s: _r("api:organisation-list")),
    Page("api assessments", "api-token", lambda s: _r("api:assessment-list")),
    Page("api public rounds (token)", "api-token", lambda s: _r("api:public-round-list")),
]


def _open_data_round(s: Subjects) -> str:
    from naptrack.portal import opendata

    round_ = _published(s)
    return _r("open-data-round", s.plan.slug, opendata.file_stem(round_), "csv")


def clients(s: Subjects) -> dict[str, Any]:
    """A client per role: logged in with force_login, past the second factor as the tests' clients
    are (settings.NAPTRACK_2FA_TEST_SESSIONS); the API's with a new token of the coordinator."""
    from django.test import Client
    from rest_framework.test import APIClient

    from naptrack.accounts import twofactor
    from naptrack.api.services import token_issue

    made: dict[str, Any] = {"anonymous": Client(raise_request_exception=False)}
    for role, user in (("focal", s.focal), ("coordinator", s.coordinator), ("reader", s.reader)):
        made[role] = Client(raise_request_exception=False)
        made[role].force_login(user)
        session = made[role].session
        session[twofactor.SESSION_STEP] = twofactor.STEP_TESTS
        session.save()
    made["api"] = APIClient(raise_request_exception=False)
    made["api-token"] = APIClient(
        raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token_issue(user=s.coordinator)[0]}"
    )
    return made


class uncached:
    """The public page cache turned off (a zero budget: every rendered page is dropped at once),
    so that each request does the database work of a first visit; restored on leaving."""

    def __enter__(self) -> uncached:
        from naptrack.portal.caching import pages

        self.budget = pages.budget
        pages.clear()
        pages.budget = 0
        return self

    def __exit__(self, *exc: object) -> None:
        from naptrack.portal.caching import pages

        pages.budget = self.budget


def query_count(client: Any, url: str) -> tuple[int, int]:
    """The status and the number of SQL queries of one GET (after a warm-up GET of the same URL)."""
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    # Each request empties the query log (request_started): start from an empty one.
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, len(queries.captured_queries)
