"""How fast the public search answers on a large installation, and the plans of its queries.

A plain script that prints figures (not a test). It runs on a database that bench/synthetic.py
filled (100 plans x 10 rounds for the figures of issue #21), through Django's test client in this
process (no server): an anonymous reader's search page, in English and French, for a common
word, two words, a prefix and a rare word, each page rendered anew (a parameter nobody reads
keeps the per-process page cache from answering), then the median and 95th percentile. With
--explain it prints the plans of the search's own queries: EXPLAIN ANALYZE on PostgreSQL,
EXPLAIN QUERY PLAN on SQLite.

    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/synthetic.py --plans 100 --rounds 10 \\
        --database-url postgres://postgres@127.0.0.1:5432/searchbench
    .venv/bin/python bench/search_scale.py --database-url postgres://postgres@127.0.0.1:5432/searchbench --explain
    NAPTRACK_DATA_DIR=<the build's folder> .venv/bin/python bench/search_scale.py   # SQLite there

Measured on this 2-core machine (other jobs running), 100 plans x 10 rounds (634,612 documents),
plan 51, the page's median / 95th percentile in ms, before -> after the stored vectors (#21):

    PostgreSQL 15   en women 627/763 -> 55/78; gender advisers 581/714 -> 50/61; negot 549/682 ->
                    50/60; geneva 433/618 -> 19/24; fr: 650/820 -> 38/65, 611/732 -> 33/41,
                    596/796 -> 36/60, 600/736 -> 31/40 (EXPLAIN ANALYZE of the count: 262 -> 4.5 ms)
    SQLite          en women 25,812/33,063 -> 204/235; gender advisers 21,797/25,099 -> 121/179;
                    negot 12,957/16,293 -> 88/91; geneva 298/306 -> 11/12; fr after: 251/417,
                    187/253, 127/179, 12/23

On SQLite a common word stays above the aims: the prefix match walks the word's matches in every
plan (20 ms for "women"), and bm25 over the plan's 994 matches takes about 80 ms.

The synthetic texts are English in every language (the translations are pseudo-translations),
so the same words are searched in both languages; French stems them its own way.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

from common import django_setup

QUERIES = (
    ("common word", "women"),
    ("two words", "gender advisers"),
    ("prefix", "negot"),
    ("rare word", "geneva"),
)
LANGUAGES = ("en", "fr")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", help="a database filled by bench/synthetic.py (default: SQLite in NAPTRACK_DATA_DIR)"
    )
    parser.add_argument("--plan", help="the plan's slug (default: the middle one)")
    parser.add_argument(
        "-n", "--repeat", type=int, default=30, help="pages per query and language (default: %(default)s)"
    )
    parser.add_argument("--explain", action="store_true", help="print the plans of the search's queries")
    return parser.parse_args()


def say(text: str = "") -> None:
    print(text, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def explain(plan, query: str, lang: str) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from naptrack.portal.search import search

    with CaptureQueriesContext(connection) as captured:
        search(plan, query, lang=lang)
    postgres = connection.vendor == "postgresql"
    for sql in [q["sql"] for q in captured.captured_queries if "searchdocument" in q["sql"]]:
        say(f"  {sql[:300]}{'...' if len(sql) > 300 else ''}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}" if postgres else f"EXPLAIN QUERY PLAN {sql}")
            for row in cursor.fetchall():
                say(f"    {row[0] if postgres else row[-1]}")


def main() -> None:
    args = parse_args()
    # The pages name static files; no collectstatic here, so no manifest to look them up in.
    os.environ["STATICFILES_STORAGE"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    django_setup(args.database_url)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import translation

    from naptrack.plans.models import Plan
    from naptrack.portal.models import SearchDocument
    from naptrack.portal.search import search

    plans = list(Plan.objects.order_by("pk").values_list("slug", flat=True))
    slug = args.plan or plans[len(plans) // 2]
    plan = Plan.objects.get(slug=slug)
    documents = SearchDocument.objects.count()
    say(f"{connection.vendor}: {len(plans)} plans, {documents} search documents; plan {slug}")
    say(f"{args.repeat} pages per query and language, anonymous, each rendered anew\n")
    say(f"  {'lang':<5} {'query':<28} {'hits':>6} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    client = Client(HTTP_HOST="localhost")
    n = 0
    for lang in LANGUAGES:
        with translation.override(lang):
            url = reverse("plan-search", args=[slug])
        for label, words in QUERIES:
            times: list[float] = []
            for _ in range(args.repeat + 2):  # two to warm up
                n += 1
                with CaptureQueriesContext(connection) as captured:
                    start = time.perf_counter()
                    response = client.get(url, {"q": words, "bench": n})
                    times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, response.status_code
            hits = search(plan, words, lang=lang).count
            times = times[2:]
            say(
                f"  {lang:<5} {f'{label}: {words}':<28} {hits:>6} {len(captured):>7} "
                f"{statistics.median(times):>10.1f} {percentile(times, 0.95):>8.1f}"
            )
    if args.explain:
        for lang in LANGUAGES:
            for label, words in QUERIES:
                say(f"\n{lang} {label}: {words}")
                explain(plan, words, lang)


if __name__ == "__main__":
    main()
