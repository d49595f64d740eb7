"""The search index as stored: on PostgreSQL each document's vector in a generated column with a
GIN index per language (portal migration 0003), on SQLite the FTS5 table (migration 0002); the
search reads them rather than computing vectors per query, and they follow what changes the
documents: a reindex, a correction, a withdrawal, an edit of the plan's text."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from naptrack.plans.models import Action
from naptrack.plans.services import plan_content_saved, plan_load
from naptrack.portal import corrections
from naptrack.portal.models import SearchDocument
from naptrack.portal.search import search, search_reindex
from naptrack.portal.search_engines import (
    CONFIGS,
    ELLIPSIS,
    START,
    STOP,
    WORD,
    excerpt,
    mark,
    prefixes,
    scope,
    scoped,
)
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


# --- SQLite: ranked among the plan's own documents ---------------------------------------------


def sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the FTS5 table is SQLite's")


def _fts_count(match: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM portal_search_fts WHERE portal_search_fts MATCH %s", [match])
        return cursor.fetchone()[0]


def _holding(plan, lang: str, prefix: str) -> int:
    """The plan's documents in the language with a word starting with `prefix`, counted in Python."""
    documents = SearchDocument.objects.filter(plan=plan, lang=lang).values_list("title", "body")
    return sum(any(w.lower().startswith(prefix) for w in WORD.findall(f"{t} {b}")) for t, b in documents)


def test_on_sqlite_a_search_ranks_among_its_plans_documents_in_its_language_only(plan, be_document):
    """bm25 counts the documents that hold each word in what the query matches: the words scoped
    by plan and language, so that a hundred plans in four languages do not make each search read
    them all."""
    sqlite_only()
    copy = plan_load(actor="tests", document={**be_document, "slug": "be-copy"}).plan
    document = SearchDocument.objects.filter(plan=plan, lang="fr", kind="action").order_by("pk").first()
    assert document.scoped_title == scoped(document.title, plan.pk, "fr")
    assert document.scoped_body.split()[0].startswith(scope(plan.pk, "fr"))

    mine = _fts_count(f'"{scope(plan.pk, "en")}negotiat"*')
    assert mine == _holding(plan, "en", "negotiat") > 0
    assert _fts_count(f'"{scope(copy.pk, "en")}negotiat"*') == mine
    assert _fts_count(f'"{scope(plan.pk, "fr")}negotiat"*') == _holding(plan, "fr", "negotiat")
    # Only the scoped words are indexed: the plain ones are marked in the page's rows by Python.
    assert _fts_count('"negotiat"*') == 0
    found_here = search(plan, "negotiations", lang="en")
    assert found_here.count == search(copy, "negotiations", lang="en").count == _holding(plan, "en", "negotiations")
    assert "<mark>" in found_here.hits[0].title + found_here.hits[0].snippet


def test_the_migration_fills_the_scoped_words_of_documents_indexed_before_it(plan):
    sqlite_only()
    import importlib

    from django.apps import apps

    migration = importlib.import_module("naptrack.portal.migrations.0004_search_scoped_words")
    before = search(plan, "negotiations", lang="fr").count
    SearchDocument.objects.filter(plan=plan).update(scoped_title="", scoped_body="")
    assert search(plan, "negotiations", lang="fr").count == 0
    migration.fill(apps, connection.schema_editor())
    assert search(plan, "negotiations", lang="fr").count == before > 0
    document = SearchDocument.objects.filter(plan=plan, lang="de").order_by("pk").first()
    assert document.scoped_body == scoped(document.body, plan.pk, "de")


def test_the_words_found_are_marked_as_fts5_marks_them_whatever_their_case_and_accents():
    wanted = prefixes(["NEGOC", "Fémmes"])
    assert mark("Négociations de paix avec des femmes.", wanted) == (
        f"{START}Négociations{STOP} de paix avec des {START}femmes{STOP}."
    )
    assert mark("Nothing here", wanted) == "Nothing here"
    text = " ".join(f"w{i}" for i in range(100)) + " peace negotiations " + " ".join(f"v{i}" for i in range(100))
    cut = excerpt(text, prefixes(["negotiations", "peace"]), size=10)
    # Ten words, the two found in the middle, an ellipsis on each side where the text goes on.
    assert cut == f"{ELLIPSIS}w96 w97 w98 w99 {START}peace{STOP} {START}negotiations{STOP} v0 v1 v2 v3{ELLIPSIS}"
    assert excerpt("short text", wanted) == "short text"
    first = excerpt("peace first, then more words", prefixes(["peace"]), size=3)
    assert first == f"{START}peace{STOP} first, then{ELLIPSIS}"
    # The window with both words wins over an earlier one with one word found three times.
    both = excerpt("peace peace peace a b c d e f g h i j peace talks k l m n o p q", prefixes(["peace", "talk"]), 4)
    assert both == f"{ELLIPSIS}j {START}peace{STOP} {START}talks{STOP} k{ELLIPSIS}"
    # Every word a hit (a one-letter query in a long text): the first window.
    assert (
        excerpt(" ".join(["eau"] * 5000), prefixes(["e"]), 3)
        == f"{START}eau{STOP} {START}eau{STOP} {START}eau{STOP}{ELLIPSIS}"
    )
    # Where the body holds no word of the query (found in the title), its first words.
    assert excerpt("one two three four", prefixes(["absent"]), size=2) == f"one two{ELLIPSIS}"


@pytest.mark.django_db
def test_the_documents_contribution_index_holds_contributions_only():
    """portal migration 0006: with SQLite's statistics, an index holding every plan text's NULL
    was read for `contribution_id IS NULL` instead of the (plan, lang) index."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'portal_searchdocument'"
            )
        else:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'portal_searchdocument'")
        definitions = {name: sql or "" for name, sql in cursor.fetchall()}
    on_contribution = {name: sql for name, sql in definitions.items() if "contribution_id" in sql}
    assert list(on_contribution) == ["search_document_contribution"]
    assert "WHERE" in on_contribution["search_document_contribution"].upper()
    assert "NOT NULL" in on_contribution["search_document_contribution"].upper()
