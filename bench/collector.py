"""What the garbage collector's thresholds cost a page (naptrack/core/collector.py).

    .venv/bin/python bench/collector.py --data-dir /tmp/scale-data --database sqlite --page home
    .venv/bin/python bench/collector.py --data-dir /tmp/scale-data --database postgres --page translations

Opens an installation of bench/scale.py (built first when missing; on PostgreSQL, run scale.py
with --keep first: it creates the databases), tuned as served (the application frozen), then
times one page of bench/scale_pages.py under each candidate setting of gc.set_threshold in turn,
in blocks of --block requests, --rounds times round the candidates (the order turning each
round): in one process and interleaved, so that a neighbour's load on this shared machine falls on
every candidate alike. Nothing is collected between blocks, so each candidate's collections fall
in its own timed requests. Prints per candidate the median, the 95th percentile and the mean of
the requests, its full collections and their time, and the most objects the process held at the
end of a block (garbage not yet found included: what a higher threshold costs in memory).

Measured 2026-12-07, 100 x 10, 300 requests per candidate (the defaults):
  home, SQLite         (700, 10, 1)    median 40.5  p95  94.8  mean 46.9  full 37  objects 106,043
                       (20000, 10, 10) median 39.9  p95  46.7  mean 41.1  full  0  objects 135,171
                       (700, 10, 10)   median 41.0  p95  99.5  mean 46.0  full 18  objects 102,399
  translations, PG     (700, 10, 1)    median 51.2  p95 112.7  mean 63.7  full 64  objects  93,490
                       (20000, 10, 10) median 51.5  p95  74.1  mean 54.3  full  0  objects 169,905
                       (700, 10, 10)   median 50.6  p95 136.8  mean 59.5  full 24  objects 135,080
(20000, 10, 10) alone over 1,000 requests of the home page: one full collection, at most 174,060
objects held.
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
    parser.add_argument("--block", type=int, default=50, help="requests per block (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=6, help="blocks per candidate (default: %(default)s)")
    args = parser.parse_args()
    candidates = [tuple(int(n) for n in text.split(",")) for text in args.candidates.split(";")]

    subjects, clients = scale.installation_open(args, args.database, args.size)
    import scale_pages

    page = next((p for p in scale_pages.PAGES if p.name == args.page), None)
    if page is None:
        raise SystemExit(f"no page named {args.page!r}: see bench/scale_pages.py")
    client, url = clients[page.role], page.url(subjects)
    stats = {c: {"times": [], "full": 0, "full_ms": 0.0, "tracked": 0} for c in candidates}
    running: list = [None, 0.0]  # the candidate timed now, when its full collection began

    def watch(phase: str, info: dict) -> None:
        if info["generation"] == 2:
            if phase == "start":
                running[1] = time.perf_counter()
            else:
                stats[running[0]]["full"] += 1
                stats[running[0]]["full_ms"] += (time.perf_counter() - running[1]) * 1000

    with scale_pages.uncached():
        if client.get(url).status_code != 200:
            raise SystemExit(f"{url} did not answer 200")
        gc.callbacks.append(watch)
        # No collection between blocks: each candidate's collections fall in its own timed
        # requests, whatever their period. The order turns at each round, so that none always
        # follows the same other.
        for turn in range(args.rounds):
            for candidate in candidates[turn % len(candidates) :] + candidates[: turn % len(candidates)]:
                running[0] = candidate
                gc.set_threshold(*candidate)
                for _ in range(args.block):
                    begin = time.perf_counter()
                    client.get(url)
                    stats[candidate]["times"].append((time.perf_counter() - begin) * 1000)
                # What the process holds, garbage not yet found included (not timed).
                stats[candidate]["tracked"] = max(stats[candidate]["tracked"], len(gc.get_objects()))
        gc.callbacks.remove(watch)
    print(f"{args.page} ({args.database} {args.size}), {args.block * args.rounds} requests per candidate, ms:")
    for candidate, numbers in stats.items():
        values = numbers["times"]
        print(
            f"  {candidate!s:<18} median {statistics.median(values):6.1f}  p95 {scale.percentile(values, 0.95):6.1f}"
            f"  mean {statistics.mean(values):6.1f}  full {numbers['full']:3} ({numbers['full_ms']:6.0f} ms)"
            f"  objects held at most {numbers['tracked']:,}"
        )


if __name__ == "__main__":
    main()
