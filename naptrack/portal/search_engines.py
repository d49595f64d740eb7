"""The two engines behind portal.search: SQLite's FTS5 table and PostgreSQL's stored vectors.

Each fills in the count of a Results and returns one page of rows, with the matches marked
between START and STOP in the title and in a snippet of the body.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from naptrack.plans.models import Plan
from naptrack.portal.models import SearchDocument

if TYPE_CHECKING:
    from naptrack.portal.search import Results

# Also in portal migration 0003, which stores each document's vector in its language's configuration.
CONFIGS = {"en": "english", "fr": "french", "nl": "dutch", "de": "german"}
VECTOR = "search_vector"
# Control characters cannot occur in indexed text: they mark the matches until the text is
# escaped, then become <mark> elements.
START, STOP = "\x02", "\x03"
ELLIPSIS = "\u2026"


def config(lang: str) -> str:
    return CONFIGS.get(lang, "simple")


def sqlite_page(docs: QuerySet, words: list[str], results: Results, plan: Plan, lang: str) -> list[dict]:
    inner, params = docs.values("id").query.sql_with_params()
    match = " ".join('"{}"*'.format(w.replace('"', "")) for w in words)
    # `+rowid`: a rowid constraint that reaches FTS5 makes it run the match again for each
    # document of the plan (hundreds of milliseconds for a common word); as an expression it is
    # checked on the matches instead. What reaches FTS5 is the range of the ids of the plan's
    # documents in the language (search_reindex writes them together, so the range is about
    # theirs alone; documents added one by one later only widen it): FTS5 then reads the words'
    # lists within it, not across every plan of the installation (the count of a common word at
    # 100 plans: 22 -> 9 ms). The range is a bound, the `+rowid IN` the exact filter.
    bounds = (
        "rowid BETWEEN (SELECT MIN(id) FROM portal_searchdocument WHERE plan_id = %s AND lang = %s) "
        "AND (SELECT MAX(id) FROM portal_searchdocument WHERE plan_id = %s AND lang = %s)"
    )
    within = [plan.pk, lang, plan.pk, lang]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM portal_search_fts WHERE portal_search_fts MATCH %s AND {bounds} "
            f"AND +rowid IN ({inner})",
            [match, *within, *params],
        )
        results.count = cursor.fetchone()[0]
        results.page = min(results.page, results.pages)
        # The page's rows are chosen first, with their scores, and only they get a highlight and
        # a snippet, which SQLite would otherwise compute for every match before sorting. The
        # scores are carried over rather than asked of bm25 again: each bm25 query counts the
        # words' documents across the whole index (45 -> 32 ms at 100 plans).
        cursor.execute(
            "WITH page AS ("
            "SELECT f.rowid AS id, bm25(f.portal_search_fts, 4.0, 1.0) AS score, p.position AS position "
            "FROM portal_search_fts f JOIN portal_searchdocument p ON p.id = +f.rowid "
            f"WHERE f.portal_search_fts MATCH %s AND f.{bounds} AND +f.rowid IN ({inner}) "
            "ORDER BY score, p.position LIMIT %s OFFSET %s) "
            "SELECT d.kind, d.objective_number, d.goal_number, d.action_code, d.contribution_id, d.context, "
            "highlight(portal_search_fts, 0, %s, %s), snippet(portal_search_fts, 1, %s, %s, %s, 32) "
            "FROM portal_search_fts JOIN page ON page.id = +portal_search_fts.rowid "
            "JOIN portal_searchdocument d ON d.id = page.id "
            f"WHERE portal_search_fts MATCH %s AND portal_search_fts.{bounds} "
            "ORDER BY page.score, page.position",
            [
                match,
                *within,
                *params,
                results.per_page,
                (results.page - 1) * results.per_page,
                START,
                STOP,
                START,
                STOP,
                ELLIPSIS,
                match,
                *within,
            ],
        )
        columns = ["kind", "objective_number", "goal_number", "action_code", "contribution_id", "context"]
        return [dict(zip([*columns, "title", "snippet"], row, strict=True)) for row in cursor.fetchall()]


def postgres_page(docs: QuerySet, words: list[str], lang: str, results: Results) -> list[dict]:
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField

    cfg = config(lang)
    # Each word also as a prefix, as on SQLite; the words are letters and digits only.
    query = SearchQuery(" & ".join(f"{w}:*" for w in words), search_type="raw", config=cfg)
    # The vector stored by migration 0003 (a generated column, in the configuration of the
    # document's language, with a GIN index per language); the model does not declare it, so
    # that SQLite's schema and the rows Django loads stay without it.
    table = connection.ops.quote_name(SearchDocument._meta.db_table)
    vector = RawSQL(f"{table}.{connection.ops.quote_name(VECTOR)}", [], output_field=SearchVectorField())
    matched = docs.alias(document=vector).filter(document=query)
    results.count = matched.count()
    results.page = min(results.page, results.pages)
    start = (results.page - 1) * results.per_page
    rows = (
        matched.annotate(
            rank=SearchRank(vector, query),
            title_marked=SearchHeadline("title", query, config=cfg, start_sel=START, stop_sel=STOP, highlight_all=True),
            snippet=SearchHeadline(
                "body", query, config=cfg, start_sel=START, stop_sel=STOP, max_words=32, min_words=12
            ),
        )
        .order_by("-rank", "position")
        .values(
            "kind",
            "objective_number",
            "goal_number",
            "action_code",
            "contribution_id",
            "context",
            "title_marked",
            "snippet",
        )[start : start + results.per_page]
    )
    return [{**row, "title": row.pop("title_marked")} for row in rows]
