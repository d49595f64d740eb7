"""SQLite's query-planner statistics, kept fresh as SQLite advises for a database that lives long.

Without statistics, SQLite takes an index on any column a query compares to be selective. Reading
a plan's lines in force (`plan_id = ? AND retired_in_id IS NULL`), it chose the index on
retired_in, which holds nearly every line of every plan, and read the whole installation: a
plan's instruments at 100 plans, 3.4 -> 0.08 ms with statistics (the API's plan document grew
with the installation until then). PostgreSQL keeps its own (autovacuum's ANALYZE).
"""

from __future__ import annotations

from django.db import connections

# Rows sampled per index: SQLite's advised bound, so that the statistics of a large database take
# tens of milliseconds (40 ms at 100 plans x 10 rounds) rather than a read of every table.
ANALYSIS_LIMIT = 400
# How often a worker refreshes them: what changes the plans' choices is the installation's shape
# (plans, rounds), which grows over weeks.
REFRESH_SECONDS = 3600


def statistics_refresh(using: str = "default") -> bool:
    """Gather SQLite's statistics (sqlite_stat1) on a sample of each index; nothing on another
    database. True when they were gathered."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
