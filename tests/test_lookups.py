"""`__among` (core/lookups.py): the rows `__in` finds, the list sent as one parameter, on SQLite
and PostgreSQL alike."""

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
