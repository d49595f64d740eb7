"""A plan's amendments in public: the change log, a line's changes and its retirement, the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test.utils import CaptureQueriesContext

from naptrack.plans import amendments
from naptrack.portal.caching import pages
from tests.portal_data import new_round
from tests.test_plan_amendments import NEW_LINE, NEW_TEXT_23B

PLAN = "/plans/be-nap-2013-2016"


def amend_twice(plan, coordinator):
    new_round(plan, coordinator, "annual", 2014)
    first = amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=[
            {"op": "line-retired", "line": "12"},
            {"op": "line-text", "line": "23.b", "text": NEW_TEXT_23B},
            {"op": "instrument-retired", "line": "4.d", "instrument": 2},
        ],
        effective_from=dt.date(2015, 1, 1),
        reason="Mid-term review of the plan.",
    )
    second = amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=[
            {
                "op": "line-added",
                "line": "37.b",
                "goal": 37,
                "text": NEW_LINE,
                "instruments": [{"text": "Hearings held.", "kind": "count", "unit": "hearings"}],
                "departments": ["equality"],
            },
            {"op": "department-added", "line": "23.b", "department": "justice"},
        ],
        effective_from=dt.date(2016, 1, 1),
        reason="Parliament asked for a yearly hearing.",
    )
    return first, second


def test_the_change_log_lists_each_amendment_with_its_date_reason_and_changes(plan, coordinator, anonymous):
    empty = anonymous.get(f"{PLAN}/changes/")
    assert empty.status_code == 200 and "has not been amended" in empty.content.decode()
    amend_twice(plan, coordinator)
    pages.clear()
    html = anonymous.get(f"{PLAN}/changes/").content.decode()
    assert html.index("Version 3, in force from") < html.index("Version 2, in force from")
    for words in (
        "Parliament asked for a yearly hearing.",
        "line 37.b: added",
        "line 23.b: department justice added",
        "line 12: retired",
        "line 23.b: text changed",
        "line 4.d: instrument 2 retired",
    ):
        assert words in html
    assert f'href="{PLAN}/lines/37.b/"' in html


def test_a_retired_line_stays_on_the_portal_marked_with_its_date(plan, coordinator, anonymous):
    amend_twice(plan, coordinator)
    line = anonymous.get(f"{PLAN}/lines/12/").content.decode()
    assert "Retired from 2015-01-01 by an amendment of the plan" in line
    assert "line 12: retired" in line
    overview = anonymous.get(f"{PLAN}/").content.decode()
    assert "retired from 2015-01-01" in overview
    changed = anonymous.get(f"{PLAN}/lines/4.d/").content.decode()
    assert changed.count("retired from 2015-01-01") == 1  # its second instrument
    assert "Changes by amendment" not in anonymous.get(f"{PLAN}/lines/1.a/").content.decode()


def test_the_change_log_and_a_line_page_cost_the_same_with_more_amendments(plan, coordinator, anonymous):
    from django.db import connection

    def cost(url: str) -> int:
        pages.clear()
        with CaptureQueriesContext(connection) as captured:
            assert anonymous.get(url).status_code == 200
        return len(captured)

    urls = [f"{PLAN}/changes/", f"{PLAN}/lines/23.b/", f"{PLAN}/"]
    before = [cost(url) for url in urls]
    amend_twice(plan, coordinator)
    assert [cost(url) for url in urls] == before
    assert before[0] == 3  # the public stamp, the plan, its versions


def test_the_api_lists_the_versions(plan, coordinator, anonymous, django_assert_num_queries):
    amend_twice(plan, coordinator)
    with django_assert_num_queries(2):
        body = anonymous.get(f"/api/v1/public/plans/{plan.slug}/versions/").json()
    assert [v["number"] for v in body["versions"]] == [1, 2, 3]
    assert body["versions"][1]["effective_from"] == "2015-01-01"
    assert body["versions"][1]["changes"][0] == {
        "op": "line-retired",
        "line": "12",
        "description": "line 12: retired",
        "detail": {"done": "retired"},
    }
    assert anonymous.get("/api/v1/public/plans/nowhere/versions/").status_code == 404


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_the_change_log_speaks_the_pages_language(plan, coordinator, anonymous, lang):
    amend_twice(plan, coordinator)
    html = anonymous.get(f"/{lang}{PLAN}/changes/").content.decode()
    assert "line 12: retired" not in html
