"""The two engines behind portal.search: SQLite's FTS5 table and PostgreSQL's stored vectors.

Each fills in the count of a Results and returns one page of rows, with the matches marked
between START and STOP in the title and in a snippet of the body.
"""

from __future__ import annotations

import re
import unicodedata
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


# --- SQLite ---------------------------------------------------------------------------------------

# bm25 counts the documents that hold each word across the whole FTS5 table: at a hundred plans,
# every plan's documents in every language, read for each search. So each document's words are
# also indexed with its plan and language in front (`scoped`, in the documents' scoped_title and
# scoped_body, migration 0004): matched and ranked on those, a search counts its plan's documents
# in its language alone, whatever else the installation holds. The FTS5 table indexes nothing
# else; the words found are marked by `mark` and `excerpt` below, in the page's rows only.
WORD = re.compile(r"[^\W_]+")
SNIPPET_WORDS = 32


def words_of(text: str) -> list[str]:
    """The words of `text`: letters and digits, as FTS5's unicode61 tokenizer cuts them."""
    return WORD.findall(unicodedata.normalize("NFC", text or ""))


def scope(plan_id: int, lang: str) -> str:
    """A token's prefix: letters and digits only, so that FTS5's tokenizer keeps it whole."""
    return "s{}{}x".format(plan_id, "".join(ch for ch in lang.lower() if ch.isalnum()))


def scoped(text: str, plan_id: int, lang: str) -> str:
    """The words of `text`, each prefixed with the plan's and the language's scope."""
    key = scope(plan_id, lang)
    return " ".join(key + w for w in words_of(text))


def _match(words: list[str], key: str) -> str:
    """An FTS5 query: every word, each also as the start of a longer word, scoped by `key`."""
    phrases = []
    for word in words:
        if parts := words_of(word):
            phrases.append('"{}"*'.format(" ".join(key + part for part in parts)))
    return " ".join(phrases)


def fold(text: str) -> str:
    """A word as FTS5's tokenizer compares it (unicode61, remove_diacritics 2): lower case, without
    diacritics."""
    if text.isascii():  # most words: no decomposition to undo
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def prefixes(words: list[str]) -> tuple[str, ...]:
    """What a found word starts with: each word of the query, folded."""
    return tuple(fold(part) for word in words for part in words_of(word))


def _tokens(text: str, wanted: tuple[str, ...]) -> list[tuple[int, int, str]]:
    """Each word of `text`: where it starts and ends, and which query word it starts with ("" if none)."""
    tokens = []
    for found in WORD.finditer(text):
        folded = fold(found.group())
        hit = next(p for p in wanted if folded.startswith(p)) if folded.startswith(wanted) else ""
        tokens.append((found.start(), found.end(), hit))
    return tokens


def _marked(text: str, tokens: list[tuple[int, int, str]], start: int, stop: int) -> str:
    out, at = [], start
    for begin, end, hit in tokens:
        if hit and start <= begin and end <= stop:
            out += [text[at:begin], START, text[begin:end], STOP]
            at = end
    out.append(text[at:stop])
    return "".join(out)


def mark(text: str, wanted: tuple[str, ...]) -> str:
    """`text` with each word that starts with a query word between START and STOP, as FTS5's
    highlight() marks them."""
    text = unicodedata.normalize("NFC", text or "")
    return _marked(text, _tokens(text, wanted), 0, len(text))


def excerpt(text: str, wanted: tuple[str, ...], size: int = SNIPPET_WORDS) -> str:
    """Up to `size` words of `text` around the most query words found, marked, with an ellipsis
    where it is cut, as FTS5's snippet(): the window holding the most different query words (then
    the most hits), the hits centred in it."""
    text = unicodedata.normalize("NFC", text or "")
    tokens = _tokens(text, wanted)
    if not tokens:
        return ""
    hits = [i for i, (_b, _e, hit) in enumerate(tokens) if hit]
    first = 0
    if hits:
        # One pass: the hits within `size` words of each hit, counted per query word as the
        # window slides (a long text of hits must not cost their square: the search is public).
        best, span = (-1, -1), (hits[0], hits[0])
        counts: dict[str, int] = {}
        end = 0
        for i, start in enumerate(hits):
            while end < len(hits) and hits[end] < start + size:
                counts[tokens[hits[end]][2]] = counts.get(tokens[hits[end]][2], 0) + 1
                end += 1
            score = (len(counts), end - i)
            if score > best:
                best, span = score, (start, hits[end - 1])
            word = tokens[start][2]
            counts[word] -= 1
            if not counts[word]:
                del counts[word]
        first = span[0] - (size - (span[1] - span[0] + 1)) // 2
        first = max(0, min(first, len(tokens) - size))
    last = min(len(tokens), first + size) - 1
    body = _marked(text, tokens, tokens[first][0], tokens[last][1])
    return (ELLIPSIS if first > 0 else "") + body + (ELLIPSIS if last < len(tokens) - 1 else "")


def sqlite_page(docs: QuerySet, words: list[str], results: Results, plan: Plan, lang: str) -> list[dict]:
    inner, params = docs.values("id").query.sql_with_params()
    match = _match(words, scope(plan.pk, lang))
    # `+rowid`: a rowid constraint that reaches FTS5 makes it run the match again for each
    # document of the plan (hundreds of milliseconds for a common word); as an expression it is
    # checked on the matches instead.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM portal_search_fts WHERE portal_search_fts MATCH %s AND +rowid IN ({inner})",
            [match, *params],
        )
        results.count = cursor.fetchone()[0]
        results.page = min(results.page, results.pages)
        # The page's rows are chosen first, with their scores; only they are read whole, and
        # marked here rather than by FTS5's highlight() and snippet(), which would match the
        # plain words again across every plan's documents.
        cursor.execute(
            "WITH page AS ("
            "SELECT f.rowid AS id, bm25(f.portal_search_fts, 4.0, 1.0) AS score, p.position AS position "
            "FROM portal_search_fts f JOIN portal_searchdocument p ON p.id = +f.rowid "
            f"WHERE f.portal_search_fts MATCH %s AND +f.rowid IN ({inner}) "
            "ORDER BY score, p.position LIMIT %s OFFSET %s) "
            "SELECT d.kind, d.objective_number, d.goal_number, d.action_code, d.contribution_id, d.context, "
            "d.title, d.body FROM page JOIN portal_searchdocument d ON d.id = page.id "
            "ORDER BY page.score, page.position",
            [match, *params, results.per_page, (results.page - 1) * results.per_page],
        )
        columns = ["kind", "objective_number", "goal_number", "action_code", "contribution_id", "context"]
        wanted = prefixes(words)
        rows = []
        for row in cursor.fetchall():
            found = dict(zip(columns, row[:6], strict=True))
            rows.append(found | {"title": mark(row[6], wanted), "snippet": excerpt(row[7], wanted)})
        return rows


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
