"""The scale smoke test (#21): every page type and API list that bench/scale.py times makes the
same number of SQL queries in a generated installation of one plan as in one of five plans with
three rounds each (bench/synthetic.py's `build`): the cost of a page does not grow with the
number of plans or rounds. Timings are bench/scale.py's business, not a test's."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import scale_pages, synthetic  # noqa: E402

# Queries per request, the same at both sizes (the public stamp read at every request, the page
# cache off; logged-in pages count their session and user).
QUERIES = {
    "home": 13,  # with the key figures of the latest published round
    "plan list": 3,
    "plan": 12,
    "objective": 10,
    "line": 15,  # its published rounds, then the three latest in full
    "plan changes": 3,
    "department list": 3,
    "department": 11,
    "country": 9,
    "compare": 3,
    "search": 7,
    "plan search": 7,
    "open data": 4,
    "open data: round CSV": 9,
    "answer packs": 2,
    "consultations": 2,
    "recommendations": 2,
    "work list": 11,  # with what needs attention first
    "contribution form": 10,
    "round list": 6,
    "round dashboard": 16,
    "review queue": 8,
    "line review": 18,  # with the next contribution waiting for review
    "contribution history": 11,
    "line history": 12,
    "published dashboard": 15,
    "people": 6,
    "instruments": 7,
    "translations": 11,
    "audit log": 7,
    "reader: round list": 8,
    "reader: round dashboard": 16,
    "reader: review queue": 8,
    "api public rounds": 2,
    "api public round contributions": 5,
    "api public figures": 4,
    "api public totals": 2,
    "api public versions": 2,
    "api public assessments": 1,
    "api public events": 1,
    "api plans": 4,
    "api plan": 12,
    "api rounds": 5,
    "api round contributions": 9,
    "api requests": 3,
    "api organisations": 3,
    "api assessments": 3,
    "api public rounds (token)": 3,
}
# Where PostgreSQL differs from SQLite.
POSTGRES_QUERIES: dict[str, int] = {}


def expected() -> dict[str, int]:
    if connection.vendor == "postgresql":
        return {**QUERIES, **POSTGRES_QUERIES}
    return QUERIES


def counts() -> dict[str, tuple[int, int]]:
    s = scale_pages.subjects()
    clients = scale_pages.clients(s)
    with scale_pages.uncached():
        return {page.name: scale_pages.query_count(clients[page.role], page.url(s)) for page in scale_pages.PAGES}


def test_every_page_of_the_bench_is_pinned():
    assert set(QUERIES) == {page.name for page in scale_pages.PAGES}
    assert set(POSTGRES_QUERIES) <= set(QUERIES)


# One plan with a published and an open round (the bench's small size), then five plans of three.
@pytest.mark.django_db
@pytest.mark.parametrize(("plans", "rounds"), [(1, 2), (5, 3)])
def test_query_counts_do_not_grow_with_plans_and_rounds(plans, rounds):
    from naptrack.plans.models import Plan

    # The generated plans alone, as in the bench: the home page shows the latest plan.
    Plan.objects.all().delete()
    assert synthetic.build(plans, rounds, check_sample=50, progress=False, require_empty=False) == []
    assert counts() == {name: (200, n) for name, n in expected().items()}

    # The API's rounds are counted by one query grouped by round and state (counts_attach), each
    # with the numbers with_counts()'s subqueries give, in an installation of every state.
    from naptrack.reporting.models import Contribution, Round
    from naptrack.reporting.queries import counts_attach

    names = ["n_contributions", *(f"n_{state}" for state in Contribution.State.values)]
    annotated = {r.pk: [getattr(r, name) for name in names] for r in Round.objects.with_counts()}
    attached = {r.pk: [getattr(r, name) for name in names] for r in counts_attach(list(Round.objects.all()))}
    assert attached == annotated
    assert all(sum(numbers[1:]) == numbers[0] for numbers in attached.values())
    assert {"approved", "returned"} <= set(Contribution.objects.values_list("state", flat=True))
