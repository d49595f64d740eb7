"""Is naptrack's cost flat in the size of the data? Every page type and API list, small and large.

    .venv/bin/python bench/scale.py                                     # both databases, 1x2 and 100x10
    .venv/bin/python bench/scale.py --database sqlite --plans 10 --rounds 10 -n 20
    .venv/bin/python bench/scale.py --data-dir /tmp/scale-data --keep    # build once, measure again later

Builds (bench/synthetic.py's `build`, seed 1325) or reuses a small installation, 1 plan x 2
rounds (one published, one open: the smallest in which every page has something to show), and a
large one, --plans x --rounds (default 100 x 10), on SQLite (a data directory per size under
--data-dir) and/or PostgreSQL (databases scale_<P>x<R> at --postgres, created when missing and
dropped afterwards unless --keep). Each (database, size) is held open by a child process of its
own, all of one database's sizes at once.

Then, for each page of bench/scale_pages.py (public pages anonymous, the focal point's work list
and contribution form, the coordinator's rounds, dashboard, review queue, line review..., the
reader's, and the API's lists without and with the coordinator's token), in-process with
Django's test Client (force_login): one warm-up GET, one GET whose SQL queries are counted, then
-n timed GETs at each size, the sizes side by side: a GET of the page at each size in turn, then
the next page, the whole -n times over. On a shared machine a neighbour's load comes and goes; so
it falls on every size alike (measured one size after the other, it had moved one size's figures
by a third and made ratios of 0.6 or 3 out of nothing).

The public page cache is turned off (a zero budget, so every request renders and does the
database work of a first visit), the API's rate limits are lifted, and the public stamp is read
at every request (NAPTRACK_PUBLIC_STAMP_SECONDS=0, one indexed query). PostgreSQL's database is
VACUUMed and ANALYZEd first, as autovacuum does in production; SQLite's statistics are
gathered as `naptrack serve` and its worker gather them (naptrack/core/planner.py). Prints per
page the median and 95th percentile at both sizes, the ratio large/small of each and the query
counts, and flags what misses the aims (ratio <= 1.5, p95 < 150 ms at the large
size). Timings are of one process on a shared 2-core machine: a page of a few ms can show a ratio
above 1.5 from noise alone.

With --middle it also measures one plan with the large size's rounds (1 x 10), and prints the
ratio of the large size to it: the growth that is the installation's (a hundred plans), apart from
the plan's own history (ten rounds), which the pages cap or page.

Measured 2026-12-07 at 20:32 UTC (`--database both --data-dir /tmp/scale-data --keep -n 36
--middle`, the machine otherwise idle, about 9 minutes once built; building all six installations
took 5 minutes): 48 pages and lists, every one within the aims, with the same query count at
every size; the README's "Scale" paragraph has the table, and the figures of a slower afternoon.
The machine's speed moved by a factor of two and a half within that day (the yardstick).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT, django_setup

POSTGRES = "postgres://postgres@127.0.0.1:5432"
RATIO_AIM = 1.5
P95_AIM_MS = 150.0


def positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return int(text)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--plans", type=int, default=100, help="plans of the large size (default: %(default)s)")
    parser.add_argument("--rounds", type=int, default=10, help="rounds per plan, large size (default: %(default)s)")
    parser.add_argument(
        "-n", "--repeat", type=positive, default=30, help="timed requests per page and size (default: %(default)s)"
    )
    parser.add_argument("--data-dir", help="where the SQLite installations are kept (default: a temporary folder)")
    parser.add_argument("--postgres", default=POSTGRES, help="server URL without database (default: %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the databases built, to measure them again")
    parser.add_argument(
        "--middle", action="store_true", help="also measure 1 plan x --rounds, and the ratio of the large size to it"
    )
    parser.add_argument("--only", help="pages whose name contains this text")
    parser.add_argument("--pages", help="pages named exactly, separated by commas (e.g. 'country,open data')")
    # The child process: one database and size held open, a timed GET for each page name on stdin.
    parser.add_argument("--child", nargs=2, metavar=("DATABASE", "SIZE"), help=argparse.SUPPRESS)
    return parser.parse_args()


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value that at least `fraction` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


# --- the child: one installation ----------------------------------------------------------------


def installation_open(args: argparse.Namespace, database: str, size: str) -> tuple[Any, dict[str, Any]]:
    """Django set up on the installation of this database and size, built first when missing;
    its subjects and a client per role (bench/scale_pages.py), the collector tuned as served."""
    plans, rounds = (int(n) for n in size.split("x"))
    url = f"{args.postgres}/scale_{size}" if database == "postgres" else None
    os.environ["NAPTRACK_DATA_DIR"] = str(Path(args.data_dir) / f"{database}-{size}")
    # The API's rate limits would answer most timed requests with a quick 429.
    for role in ("ANON", "USER"):
        os.environ[f"NAPTRACK_API_RATE_{role}"] = "1000000/minute"
    django_setup(url)
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.NAPTRACK_PUBLIC_STAMP_SECONDS = 0
    # Signed in past the second factor as the tests are (scale_pages.clients).
    settings.NAPTRACK_2FA_TEST_SESSIONS = True

    import scale_pages
    import synthetic

    from naptrack.plans.models import Plan
    from naptrack.reporting.models import Round

    t = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Plan.objects.exists():
        print(f"[{database} {size}] building...", file=sys.stderr, flush=True)
        failures = synthetic.build(plans, rounds, progress=False)
        if failures:
            sys.exit(f"[{database} {size}] invariants broken: {failures[:5]}")
        print(f"[{database} {size}] built in {time.perf_counter() - t:.0f} s", file=sys.stderr, flush=True)
    elif (Plan.objects.count(), Round.objects.count()) != (plans, plans * rounds):
        sys.exit(f"[{database} {size}] the database holds another installation: use another --data-dir")
    # The tables as autovacuum keeps them in production (it may be off on a test server: 'SHOW
    # autovacuum'; since PostgreSQL 13 it also vacuums a table after many inserts): fresh planner
    # statistics, without which the bulk-loaded tables are planned as if empty and scanned whole,
    # and the visibility map, without which an index-only scan (a round's contributions counted
    # per state on the (round, state) index) still reads every row from the table.
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    else:
        # SQLite's statistics, as `naptrack serve` gathers them at start and its worker every hour.
        from naptrack.core.planner import statistics_refresh

        statistics_refresh()

    s = scale_pages.subjects()
    clients = scale_pages.clients(s)
    # As served: naptrack/wsgi.py tunes the garbage collector once the application is loaded.
    from naptrack.core.collector import collector_tune

    collector_tune()
    return s, clients


MARK = "@scale "  # the child's answers on stdout, apart from anything else printed there


def selected(args: argparse.Namespace) -> list:
    import scale_pages

    named = {name.strip() for name in args.pages.split(",")} if args.pages else None
    return [
        page
        for page in scale_pages.PAGES
        if (not args.only or args.only in page.name) and (named is None or page.name in named)
    ]


_answers: Any = None  # the child's channel to the parent: its original stdout


def answer(value: object) -> None:
    _answers.write(MARK + json.dumps(value) + "\n")
    _answers.flush()


def child(args: argparse.Namespace, database: str, size: str) -> None:
    """One installation, served to the parent: first each page's query count (or why it cannot be
    measured), then one timed GET for each page name read on stdin, until stdin closes."""
    import scale_pages

    global _answers
    # Answers go to the parent on a copy of stdout; anything else printed (a library's print, a
    # warning) goes to stderr, so that it can neither hold up nor garble an answer.
    sys.stdout.flush()
    _answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    s, clients = installation_open(args, database, size)
    targets: dict[str, tuple[Any, str]] = {}
    ready: dict[str, dict] = {}
    with scale_pages.uncached():
        for page in selected(args):
            client = clients[page.role]
            try:
                target = page.url(s)
                status, queries = scale_pages.query_count(client, target)
            except Exception as exc:  # a page of another helper's work in progress may fail anyhow
                ready[page.name] = {
                    "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:60] if str(exc) else ''}"
                }
                continue
            if status != 200:
                ready[page.name] = {"error": f"HTTP {status}"}
                continue
            targets[page.name] = (client, target)
            ready[page.name] = {"queries": queries}
        answer(ready)
        for line in sys.stdin:
            client, target = targets[line.strip()]
            begin = time.perf_counter()
            try:
                status = client.get(target).status_code
            except Exception as exc:  # the test client raises what it cannot turn into a response
                answer({"error": f"{type(exc).__name__}: {str(exc)[:60]}"})
                continue
            answer({"ms": (time.perf_counter() - begin) * 1000, "status": status})


# --- the parent: the sizes side by side, both databases, the table -------------------------------


class Child:
    """A child process holding one (database, size) open, answering one timed GET at a time."""

    def __init__(self, args: argparse.Namespace, database: str, size: str) -> None:
        self.name = f"{database} {size}"
        command = [sys.executable, str(Path(__file__)), "--child", database, size]
        command += ["--data-dir", args.data_dir, "--postgres", args.postgres]
        if args.only:
            command += ["--only", args.only]
        if args.pages:
            command += ["--pages", args.pages]
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        self.pages: dict[str, dict] = self.read()

    def read(self) -> Any:
        for line in self.process.stdout:
            if line.startswith(MARK):
                return json.loads(line[len(MARK) :])
        sys.exit(f"{self.name}: the child process ended ({self.process.wait()})")

    def get(self, page: str) -> dict:
        self.process.stdin.write(page + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> None:
        try:
            self.process.stdin.close()
            self.process.wait(timeout=60)
        except (OSError, subprocess.TimeoutExpired):  # ended already, or stuck: it must not hold the database
            self.process.kill()
            self.process.wait()


def measure(args: argparse.Namespace, database: str, sizes: list[str]) -> dict[str, list[dict]]:
    """Each page's timed GETs, the sizes side by side: one GET at each size in turn (in an order
    that alternates), page after page, -n times over. A neighbour's load on this shared machine,
    which comes and goes over seconds to minutes, then falls on every size alike: measured one
    size after the other, it had moved one size's figures by a third and made ratios of 0.6 or 3
    out of nothing. The children are started one after the other (a missing installation is built
    first) and wait on their stdin between GETs, so that only one works at a time."""
    children = {}
    try:
        for size in sizes:
            children[size] = Child(args, database, size)
        pages = selected(args)
        timed = [p.name for p in pages if all("queries" in c.pages.get(p.name, {}) for c in children.values())]
        times: dict[str, dict[str, list[float]]] = {size: {name: [] for name in timed} for size in sizes}
        failed: dict[str, str] = {}
        for i in range(args.repeat):
            for name in timed:
                for size in sizes if i % 2 == 0 else sizes[::-1]:
                    reply = children[size].get(name)
                    if "error" in reply or reply["status"] != 200:
                        failed.setdefault(
                            name, reply.get("error") or f"a timed request answered HTTP {reply['status']}"
                        )
                        continue
                    times[size][name].append(reply["ms"])
    finally:
        for c in children.values():
            c.close()
    results: dict[str, list[dict]] = {}
    for size in sizes:
        rows = []
        for page in pages:
            row = {"name": page.name, "role": page.role, **children[size].pages.get(page.name, {"error": "not run"})}
            if page.name in failed:
                row["error"] = failed[page.name]
            elif "queries" in row and page.name in times[size]:
                row.update(
                    median=statistics.median(times[size][page.name]), p95=percentile(times[size][page.name], 0.95)
                )
            elif "error" not in row:
                row["error"] = "not available at another size"
            rows.append(row)
        results[size] = rows
    return results


def postgres(args: argparse.Namespace, sql: str) -> None:
    subprocess.run(["psql", "-q", f"{args.postgres}/postgres", "-c", sql], check=True, capture_output=True)


def table(database: str, sizes: list[str], results: dict[str, list[dict]]) -> list[str]:
    """The medians and 95th percentiles at each size, and the ratios of the largest to the
    smallest (the aims) and, with a middle size (one plan with as many rounds as the large), of
    the largest to it: how much of the growth is the installation's rather than the plan's own."""
    small, large = sizes[0], sizes[-1]
    middle = sizes[1] if len(sizes) == 3 else None
    print(f"\n{database}: {' -> '.join(sizes)}, median and p95 in ms, queries per request")
    print(
        f"  {'page':<34} {'role':<11} {'med ' + small:>9}"
        + (f" {'med ' + middle:>10}" if middle else "")
        + f" {'med ' + large:>11} {'ratio':>6}"
        + (f" {'/' + middle:>7}" if middle else "")
        + f" {'p95 ' + large:>11} {'queries':>9}"
    )
    flagged = []
    by_name = {size: {r["name"]: r for r in results[size]} for size in sizes}
    for r in results[large]:
        s = by_name[small].get(r["name"], {})
        m = by_name[middle].get(r["name"], {}) if middle else {}
        broken = next((row.get("error") for row in (s, m, r) if "error" in row), None)
        if broken or not s or (middle and not m):
            print(f"  {r['name']:<34} {r['role']:<11} not available: {broken}")
            flagged.append(f"{database} {r['name']}: not available")
            continue
        med_ratio = r["median"] / s["median"]
        marks = []
        if med_ratio > RATIO_AIM:
            marks.append("ratio")
        if r["p95"] >= P95_AIM_MS:
            marks.append("p95")
        if len({s["queries"], r["queries"], m.get("queries", r["queries"])}) > 1:
            marks.append("queries")
        print(
            f"  {r['name']:<34} {r['role']:<11} {s['median']:9.1f}"
            + (f" {m['median']:10.1f}" if middle else "")
            + f" {r['median']:11.1f} {med_ratio:6.2f}"
            + (f" {r['median'] / m['median']:7.2f}" if middle else "")
            + f" {r['p95']:11.1f} {s['queries']:>4}/{r['queries']:<4}"
            + (f"  <- {', '.join(marks)}" if marks else "")
        )
        if marks:
            flagged.append(f"{database} {r['name']}: {', '.join(marks)}")
    return flagged


def yardstick_ms() -> float:
    """A fixed piece of plain Python (a million additions), best of five, in ms: how fast this
    shared machine is at the time. The same code's figures differ between days by as much as
    this does: printed with the table, to read the p95 figures against."""
    best = math.inf
    for _ in range(5):
        begin = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - begin)
    return best * 1000


def main() -> None:
    args = parse_args()
    temporary = None
    if not args.data_dir:
        temporary = args.data_dir = tempfile.mkdtemp(prefix="naptrack-scale-")
    if args.child:
        child(args, *args.child)
        return
    small, large = "1x2", f"{args.plans}x{args.rounds}"
    # One plan with the large size's rounds: a plan's own history, which pages and caps, apart
    # from the installation's size, which must cost nothing.
    sizes = list(dict.fromkeys([small, *([f"1x{args.rounds}"] if args.middle else []), large]))
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    before = yardstick_ms()
    flagged: list[str] = []
    created: list[str] = []
    try:
        for database in databases:
            if database == "postgres":
                for size in sizes:
                    try:
                        postgres(args, f"CREATE DATABASE scale_{size}")
                        created.append(f"scale_{size}")
                    except subprocess.CalledProcessError:
                        pass  # there already: reused (the child checks that it is this size)
            flagged += table(database, sizes, measure(args, database, sizes))
    finally:
        if not args.keep:
            for name in created:
                postgres(args, f"DROP DATABASE IF EXISTS {name}")
            if temporary:
                shutil.rmtree(temporary, ignore_errors=True)
    print(f"\nthis machine: a million additions in Python in {before:.0f} ms before, {yardstick_ms():.0f} ms after")
    print(f"aims: ratio of medians <= {RATIO_AIM}, p95 < {P95_AIM_MS:.0f} ms at {large}, the same query count")
    if flagged:
        print(f"{len(flagged)} miss:")
        for line in flagged:
            print(f"  {line}")
    else:
        print("all pages within the aims")


if __name__ == "__main__":
    main()
