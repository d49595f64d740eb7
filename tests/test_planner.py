"""SQLite's planner statistics (core/planner.py): gathered on SQLite, left to PostgreSQL's
autovacuum elsewhere."""

from __future__ import annotations

import pytest
from django.db import connection

from naptrack.core.planner import statistics_refresh


@pytest.mark.django_db
def test_statistics_are_gathered_on_sqlite_and_left_to_postgresql(plan, django_assert_num_queries):
    if connection.vendor != "sqlite":
        with django_assert_num_queries(0):
            assert statistics_refresh() is False
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone():
            cursor.execute("DELETE FROM sqlite_stat1")
    assert statistics_refresh() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx, stat FROM sqlite_stat1 WHERE tbl = 'plans_action'")
        stats = dict(cursor.fetchall())
    # Each index of the lines, with its rows and the rows a value of it holds: the plan's index
    # says the Belgian plan's hundred lines are all of one plan.
    plan_index = next(name for name in stats if name and "plan_id" in name)
    rows, per_plan = (int(n) for n in stats[plan_index].split()[:2])
    assert rows == per_plan == plan.actions.count() > 90
