"""`__among` and `__among_ids_of` (core/lookups.py): the rows `__in` finds, the list sent as one
parameter or the subquery's ids read first, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from naptrack.plans.models import Action, Instrument


def test_among_finds_what_in_finds(plan):
    ids = list(Action.objects.filter(plan=plan).order_by("pk").values_list("pk", flat=True))[::3]
    assert len(ids) > 30
    wanted = set(Instrument.objects.filter(action_id__in=ids).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = set(Instrument.objects.filter(action_id__among=ids).values_list("pk", flat=True))
    assert found == wanted and len(found) > len(ids)
    # One parameter for the whole list, however long.
    sql = queries[0]["sql"]
    assert ("json_each(" in sql) != ("= ANY(" in sql) and f" IN ({ids[0]}" not in sql
    assert set(Action.objects.filter(pk__among=ids).values_list("pk", flat=True)) == set(ids)
    assert set(Instrument.objects.filter(action__pk__among=ids[:2]).values_list("action_id", flat=True)) == set(ids[:2])


def test_among_nothing_finds_nothing_without_asking_the_database(plan, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert list(Action.objects.filter(pk__among=[])) == []
    assert Action.objects.filter(pk__among=[]).count() == 0


def test_among_skips_none_as_in_does(plan):
    first = Action.objects.filter(plan=plan).order_by("pk").first()
    assert list(Action.objects.filter(pk__among=[None, first.pk])) == [first]


def test_among_takes_whole_numbers_only(plan):
    with pytest.raises(ValueError):
        list(Action.objects.filter(pk__among=["1) OR 1=1 --"]))


def test_among_ids_of_finds_what_in_finds_with_the_subquery_unordered(plan):
    from naptrack.plans.models import Goal, Note, TranslationState

    goals = Goal.objects.filter(plan=plan, number__lte=12)  # ordered by default (the plan, the number)
    wanted = set(Action.objects.filter(goal__in=goals.values("pk")).values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as queries:
        found = set(
            Action.objects.filter(goal_id__among_ids_of=goals.values("pk")).order_by().values_list("pk", flat=True)
        )
    assert found == wanted and len(found) > 12
    sql = queries[0]["sql"]
    # Read first as an array on PostgreSQL, as `__in` elsewhere; never in the goals' order, which
    # would join their plan to the subquery.
    assert ("= ANY(ARRAY(SELECT" in sql) == (connection.vendor == "postgresql")
    assert sql.count("ORDER BY") == 0 and "plans_plan" not in sql
    # On a column with no relation (the states' object ids), and from a subquery with a join.
    notes = Note.objects.filter(action__plan=plan)
    assert notes.exists()
    assert set(
        TranslationState.objects.filter(kind="note", object_id__among_ids_of=notes.values("pk")).values_list("pk")
    ) == set(TranslationState.objects.filter(kind="note", object_id__in=notes.values("pk")).values_list("pk"))
    # A subquery that finds nothing finds nothing.
    assert not Action.objects.filter(goal_id__among_ids_of=Goal.objects.none().values("pk")).exists()


def test_among_ids_of_takes_a_subquery_only(plan):
    with pytest.raises(TypeError, match="a queryset of one column"):
        list(Action.objects.filter(goal_id__among_ids_of=[1, 2]))
