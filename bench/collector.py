"""What the garbage collector's thresholds cost a page (naptrack/core/collector.py).

    .venv/bin/python bench/collector.py --data-dir /tmp/scale-data --database sqlite --page home
    .venv/bin/python bench/collector.py --data-dir /tmp/scale-data --database postgres --page translations

Opens an installation of bench/scale.py (built first when missing: keep it with scale.py's
--data-dir and --keep), tuned as served (the application frozen), then times one page of
bench/scale_pages.py under each candidate setting of gc.set_threshold in turn, in blocks of
--block requests, --rounds times round the candidates: in one process and interleaved, so that
a neighbour's load on this shared machine falls on every candidate alike. Prints per candidate
the median, the 95th percentile and the mean (the mean counts the collections' work however it
is spread; the 95th percentile, the pauses).

Measured 2026-12-07, 100 x 10, 300 requests per candidate (--rounds 12): the home page on SQLite,
(700, 10, 1) median 43.7, p95 104.4, mean 55.9 ms; (20000, 10, 10) 41.4, 76.2, 49.2; CPython's
(700, 10, 10) 42.7, 79.5, 54.4. The translations on PostgreSQL: 77.2, 150.4, 84.8; 73.7, 88.3,
73.2; 77.8, 198.9, 85.3.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

import scale

CANDIDATES = "700,10,1;20000,10,10;700,10,10"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--size", default="100x10", help="PLANSxROUNDS (default: %(default)s)")
    parser.add_argument("--data-dir", required=True, help="bench/scale.py's --data-dir")
    parser.add_argument("--postgres", default=scale.POSTGRES, help="server URL without database (default: %(default)s)")
    parser.add_argument("--page", default="home", help="a page of bench/scale_pages.py (default: %(default)s)")
    parser.add_argument(
        "--candidates", default=CANDIDATES, help="thresholds separated by semicolons (default: %(default)s)"
    )
    parser.add_argument("--block", type=int, default=25, help="requests per block (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=8, help="blocks per candidate (default: %(default)s)")
    args = parser.parse_args()
    candidates = [tuple(int(n) for n in text.split(",")) for text in args.candidates.split(";")]

    subjects, clients = scale.installation_open(args, args.database, args.size)
    import scale_pages

    page = next((p for p in scale_pages.PAGES if p.name == args.page), None)
    if page is None:
        raise SystemExit(f"no page named {args.page!r}: see bench/scale_pages.py")
    client, url = clients[page.role], page.url(subjects)
    times: dict[tuple[int, ...], list[float]] = {c: [] for c in candidates}
    with scale_pages.uncached():
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
        for _ in range(args.rounds):
            for candidate in candidates:
                gc.collect()  # each block starts from the same clean heap
                gc.set_threshold(*candidate)
                for _ in range(args.block):
                    begin = time.perf_counter()
                    client.get(url)
                    times[candidate].append((time.perf_counter() - begin) * 1000)
    print(f"{args.page} ({args.database} {args.size}), {args.block * args.rounds} requests per candidate, ms:")
    for candidate, values in times.items():
        p95 = scale.percentile(values, 0.95)
        print(
            f"  {candidate!s:<18} median {statistics.median(values):6.1f}  p95 {p95:6.1f}"
            f"  mean {statistics.mean(values):6.1f}"
        )


if __name__ == "__main__":
    main()
