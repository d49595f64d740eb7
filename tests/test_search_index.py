"""The search index as stored: on PostgreSQL each document's vector in a generated column with a
GIN index per language (portal migration 0003), on SQLite the FTS5 table (migration 0002); the
search reads them rather than computing vectors per query, and they follow what changes the
documents: a reindex, a correction, a withdrawal, an edit of the plan's text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from naptrack.plans.models import Action
from naptrack.plans.services import plan_content_saved
from naptrack.portal import corrections
from naptrack.portal.models import SearchDocument
from naptrack.portal.search import search, search_reindex
from naptrack.portal.search_engines import CONFIGS
from naptrack.reporting.models import Contribution

from .portal_data import annual_2014, baseline_2012, reports_not_written

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(plan, coordinator, focal_defence, focal_justice, monkeypatch):
    return baseline_2012(plan, coordinator, monkeypatch), annual_2014(
        plan, coordinator, focal_defence, focal_justice, monkeypatch
    )


def found(plan, words: str, lang: str = "en") -> int:
    return search(plan, words, lang=lang).count


def postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("stored vectors and GIN indexes are PostgreSQL's")


def test_a_search_reads_the_stored_index_and_computes_no_vector(rounds, plan):
    with CaptureQueriesContext(connection) as captured:
        results = search(plan, "diplomats", lang="fr")
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert results.count == 3 and len(captured) == 2
    if connection.vendor == "postgresql":
        assert '"portal_searchdocument"."search_vector") @@ (to_tsquery(' in sql
        assert "to_tsvector" not in sql
    else:
        assert "portal_search_fts MATCH" in sql


def _stale(lang: str, config: str) -> tuple[int, int]:
    """Documents of a language, and those whose stored vector is not the one its configuration makes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE search_vector IS DISTINCT FROM "
            "setweight(to_tsvector(%s::regconfig, title), 'A') || setweight(to_tsvector(%s::regconfig, body), 'B')) "
            "FROM portal_searchdocument WHERE lang = %s",
            [config, config, lang],
        )
        return cursor.fetchone()


def test_each_language_stores_its_own_vectors_and_has_its_own_gin_index(rounds, plan):
    postgres_only()
    for lang, config in CONFIGS.items():
        documents, stale = _stale(lang, config)
        assert documents > 100 and stale == 0, lang
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE 'portal_search_vector_%%'")
        indexes = dict(cursor.fetchall())
    # Partial, so that the condition on the language a search always has lets the planner use
    # its language's index (bench/search_scale.py --explain shows it on a large installation).
    assert sorted(indexes) == sorted(f"portal_search_vector_{lang}" for lang in CONFIGS)
    assert "USING gin (search_vector) WHERE ((lang)::text = 'fr'::text)" in indexes["portal_search_vector_fr"]


def test_the_index_follows_a_reindex_a_correction_a_withdrawal_and_a_plan_edit(
    rounds, plan, coordinator, monkeypatch, django_capture_on_commit_callbacks
):
    _baseline, annual = rounds
    # A reindex rebuilds what was lost.
    total = SearchDocument.objects.filter(plan=plan).count()
    SearchDocument.objects.filter(plan=plan).delete()
    assert found(plan, "diplomats") == 0
    assert search_reindex(plan) == total
    assert found(plan, "diplomats") == 3 and found(plan, "diplomats", "fr") == 3

    defence = Contribution.objects.get(round=annual, action__code="23.a", department__code="defence")
    justice = Contribution.objects.get(round=annual, action__code="1.a", department__code="justice")
    old_text = found(plan, "deployed advisers training")  # Defence's, and a stemmed look-alike on PostgreSQL
    assert old_text >= 1 and found(plan, "CEDAW October") == 1
    with reports_not_written(monkeypatch):
        corrections.contribution_correct(
            actor=coordinator,
            contribution=defence,
            version=defence.version,
            data={"narrative": "Defence deployed gender advisers with the mission in Niamey."},
            note="The mission's place was wrong.",
        )
        corrections.contribution_withdraw(actor=coordinator, contribution=justice, note="Reported twice.")
    # The corrected text is what is found, in every language; the withdrawn one is gone.
    assert found(plan, "deployed advisers training") == old_text - 1 and found(plan, "advisers Niamey") == 1
    assert found(plan, "Niamey", "de") == 1
    assert found(plan, "CEDAW October") == 0
    assert not SearchDocument.objects.filter(contribution=justice).exists()

    action = Action.objects.get(plan=plan, code="1.a")
    action.text_en += " Quasiquadrangular."
    with django_capture_on_commit_callbacks(execute=True):
        plan_content_saved(actor=coordinator, obj=action, changed=["text_en"], created=False)
    assert found(plan, "quasiquadrangular") == 1
    if connection.vendor == "postgresql":
        for lang, config in CONFIGS.items():
            assert _stale(lang, config)[1] == 0


@pytest.mark.django_db(transaction=True)
def test_two_reindexes_of_one_plan_take_turns(live_plan):
    """A re-index locks the plan's row before reading its content: one that starts while a
    publication's transaction holds the plan waits for it, then reads what it committed (read
    before, it would write back the plan without the round just published)."""
    postgres_only()
    import threading

    from django.db import transaction

    from naptrack.plans.models import Plan

    holding, release, reindexed = threading.Event(), threading.Event(), threading.Event()

    def publication() -> None:
        try:
            with transaction.atomic():
                Plan.objects.select_for_update().get(pk=live_plan.pk)
                Action.objects.filter(plan=live_plan, code="1.a").update(text="Zebrafinches committed meanwhile")
                holding.set()
                release.wait(30)
        finally:
            connection.close()

    def reindex() -> None:
        try:
            search_reindex(live_plan)
            reindexed.set()
        finally:
            connection.close()

    first = threading.Thread(target=publication)
    first.start()
    assert holding.wait(30)
    second = threading.Thread(target=reindex)
    second.start()
    try:
        assert not reindexed.wait(1.0), "the re-index went ahead while the plan was held"
    finally:
        release.set()
        first.join(30)
        second.join(60)
    assert reindexed.is_set()
    assert found(live_plan, "zebrafinches") >= 1
