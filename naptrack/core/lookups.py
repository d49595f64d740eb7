"""Lookups for reading by many ids.

`field__among=ids`: a column among a list of whole numbers, the list sent as one parameter.

The published figures are read by the ids of a plan's public contributions (portal/figures.py:
PostgreSQL planned the joins they replace badly). A plan of ten rounds has some fifteen hundred,
and `__in` made each one a parameter of its own, prepared one by one in Python and again by the
database's driver, three queries a request: a quarter of the API's totals at 100 plans
(bench/scale.py: 28 -> 19 ms on SQLite, 58 -> 42 ms on PostgreSQL). Here the list is one
PostgreSQL array (`= ANY`, which PostgreSQL makes of an IN list anyway, so the plans are the same)
or one JSON text that SQLite reads with json_each.

`field__among_ids_of=queryset.values("pk")`: a column among the ids a subquery reads, read first.
On PostgreSQL `= ANY(ARRAY(subquery))`: the subquery runs once, and its ids are probes of the
column's index. `__in` lets PostgreSQL plan a join instead, which it may plan in parallel once
the tables are large, at a cost of several milliseconds for starting the workers (a plan's
translation states at 100 plans: 6.3 ms with two workers, 0.9 ms read this way). Elsewhere it is
`__in`'s `IN (subquery)`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Lookup


class Among(Lookup):
    lookup_name = "among"
    prepare_rhs = False

    def get_prep_lookup(self) -> list[int]:
        # Whole numbers only: what reaches the SQL is data, and a non-number is refused here.
        # None matches no row, as with `__in`.
        values: Iterable = self.rhs
        return [int(value) for value in values if value is not None]

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        if not self.rhs:
            # As `__in=[]`: no row can match, and Django then skips the query.
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, self.rhs)
        if connection.vendor == "sqlite":
            return f"{lhs} IN (SELECT value FROM json_each(%s))", (*lhs_params, json.dumps(self.rhs))
        # Another database: a parameter per value, as `__in`.
        return f"{lhs} IN ({', '.join(['%s'] * len(self.rhs))})", (*lhs_params, *self.rhs)


class AmongIdsOf(Lookup):
    lookup_name = "among_ids_of"
    prepare_rhs = False

    def get_prep_lookup(self):
        from django.db.models.sql.query import Query

        if not isinstance(self.rhs, Query):
            raise TypeError("__among_ids_of takes a queryset of one column (.values('pk')), not values")
        # As `__in` does with a subquery: its order is of no use, and a model's default order
        # would join the tables it names (a line's plan and goal) to every read.
        self.rhs.clear_ordering(clear_default=True)
        return self.rhs

    def as_sql(self, compiler, connection) -> tuple[str, tuple]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # A subquery comes from process_rhs in its parentheses.
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(ARRAY{rhs})", (*lhs_params, *rhs_params)
        return f"{lhs} IN {rhs}", (*lhs_params, *rhs_params)


def register() -> None:
    for lookup in (Among, AmongIdsOf):
        models.ForeignKey.register_lookup(lookup)
        models.IntegerField.register_lookup(lookup)
