"""How fast the public portal serves its pages, next to a static file from the same server.

A plain script that prints figures (not a test). In a temporary data directory (or on an empty
--database-url) it loads the Belgian plan, runs the 2012 baseline and the 2014 annual round
through the services with every contribution filled, approved and public, and publishes both
(which stores the report to parliament; --quick skips writing those files). It then starts
`naptrack serve` (gunicorn) on a free loopback port and, in the same run:

  (1) warms up: every page rendered by every worker, the time of a first rendering printed;
  (2) loads a mix of public pages (home, objective, lines, department, country, comparison,
      search, open data; English and French) with N requests at concurrency C;
  (3) loads one static file (site.css, served by WhiteNoise in the same workers) the same way;

and prints requests per second, median and 95th percentile latency of both, and their ratio,
against the aims: the pages at no less than a third of the static file's throughput, and their
95th percentile under 50 ms. The client is pure Python (asyncio, one connection per request as
gunicorn's sync workers close them); it shares the machine's CPUs with the server.

    .venv/bin/python bench/portal_load.py
    .venv/bin/python bench/portal_load.py -n 4000 --workers 4 --quick
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
PASSWORD = "correct horse battery staple"
SLUG = "be-nap-2013-2016"
STATIC = "/static/naptrack/site.css"
AIM_RATIO = 1 / 3
AIM_P95_MS = 50.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--requests", type=int, default=2000, help="requests per target (default: %(default)s)")
    parser.add_argument("-c", "--concurrency", type=int, default=16, help="requests in flight (default: %(default)s)")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default: what `naptrack serve` picks)"
    )
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite in a temporary directory)")
    parser.add_argument("--quick", action="store_true", help="publish without writing the report files")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directory (and the server log)")
    return parser.parse_args()


def say(text: str) -> None:
    print(text, flush=True)


# --- data -----------------------------------------------------------------------------------------


def seed(args: argparse.Namespace, env: dict[str, str]) -> dict[str, Any]:
    """Fill the database through the services, in this process; the server runs in another."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connections

    from naptrack.accounts.services import user_create
    from naptrack.plans.models import Instrument
    from naptrack.plans.services import plan_load
    from naptrack.portal import publishing
    from naptrack.publications import services as publications
    from naptrack.reporting import services as reporting
    from naptrack.reporting.models import Contribution, Round

    call_command("migrate", interactive=False, verbosity=0)
    if Round.objects.exists():
        sys.exit("bench/portal_load.py needs an empty database")
    plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    coordinator = user_create(
        actor="bench", username="bench-coordinator", role="coordinator", password=PASSWORD, check_password=False
    )
    if args.quick:
        publications.reports_build = lambda round: None
        publications.reports_store = lambda **kwargs: []
    for kind, year, women in (("baseline", 2012, 12), ("annual", 2014, 17)):
        started = time.perf_counter()
        round_ = reporting.round_create(
            actor=coordinator, plan=plan, kind=kind, year=year, deadline=dt.date(year + 1, 3, 1)
        )
        round_ = reporting.round_open(actor=coordinator, round=round_, notify=False)
        contributions = list(Contribution.objects.filter(round=round_).with_detail().in_plan_order())
        for n, c in enumerate(contributions):
            measurements = []
            for instrument in c.action.instruments.all():
                if instrument.by_sex:
                    measurements.append({"instrument": instrument.pk, "women": women + n % 7, "men": 40 - n % 5})
                elif instrument.kind == "quantitative":
                    measurements.append({"instrument": instrument.pk, "value": f"{n % 9}.5", "unit": "missions"})
                else:
                    measurements.append({"instrument": instrument.pk, "text": f"Interventions carried out in {year}."})
            data = {
                "status": ("in-progress", "completed", "continuous", "not-started")[n % 4],
                "narrative": f"**{c.department.name}** trained staff on resolution 1325 for line {c.action.code} "
                f"in {year}.\n\n- a first point\n- a second point",
                "countries": [("AF", "CD", "ML")[n % 3]] if n % 4 == 0 else [],
                "measurements": measurements,
            }
            c = reporting.contribution_save(actor=coordinator, contribution=c, version=c.version, data=data)
            c = reporting.contribution_submit(actor=coordinator, contribution=c)
            reporting.contribution_approve(actor=coordinator, contribution=c)
        round_ = reporting.round_close(actor=coordinator, round=round_)
        round_ = publishing.round_publish(actor=coordinator, round=round_)
        seconds = time.perf_counter() - started
        say(f"round {kind} {year}: {len(contributions)} contributions published in {seconds:.1f} s")
    instrument = Instrument.objects.get(action__plan=plan, action__code="21", position=2)
    connections.close_all()
    return {"instrument": instrument.pk}


def targets(data: dict[str, Any]) -> list[str]:
    plan = f"/plans/{SLUG}"
    return [
        "/",
        f"{plan}/objectives/3/",
        f"{plan}/lines/21/",
        f"{plan}/lines/14.a/",
        f"{plan}/lines/1.a/",
        f"{plan}/departments/defence/",
        f"{plan}/countries/af/",
        f"{plan}/compare/?instrument={data['instrument']}",
        f"{plan}/search/?q=women",
        "/open-data/",
        "/fr/",
        f"/fr{plan}/lines/21/",
    ]


# --- server ---------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict[str, str], port: int, workers: int | None, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "naptrack.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers:
        command += ["--workers", str(workers)]
    handle = log.open("w")
    process = subprocess.Popen(
        command, cwd=ROOT, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server stopped at start; see {log}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.2)
    stop_server(process)
    sys.exit(f"the server did not answer within a minute; see {log}")


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- client ---------------------------------------------------------------------------------------


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)  # seconds
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0


async def fetch(port: int, path: str) -> tuple[int, int]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    data = await reader.read()
    writer.close()
    status = int(data[9:12]) if data[:5] == b"HTTP/" else 0
    return status, len(data)


async def load(port: int, paths: list[str], total: int, concurrency: int) -> Result:
    result = Result()
    queue: asyncio.Queue[str] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(paths[n % len(paths)])

    async def worker() -> None:
        while not queue.empty():
            path = queue.get_nowait()
            started = time.perf_counter()
            try:
                status, _size = await fetch(port, path)
            except OSError:
                result.errors += 1
                continue
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
            if status != 200:
                result.errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def report(name: str, result: Result) -> tuple[float, float]:
    rps = len(result.latencies) / result.seconds if result.seconds else 0.0
    p50 = statistics.median(result.latencies) * 1000 if result.latencies else float("nan")
    p95 = percentile(result.latencies, 95) * 1000 if result.latencies else float("nan")
    say(
        f"{name:14} {len(result.latencies):6} requests  {rps:8.0f} req/s  median {p50:6.1f} ms  "
        f"p95 {p95:6.1f} ms  errors {result.errors}  statuses {result.statuses}"
    )
    return rps, p95


def main() -> None:
    args = parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="naptrack-portal-bench-"))
    env = {
        "NAPTRACK_DATA_DIR": str(data_dir),
        "DJANGO_SETTINGS_MODULE": "naptrack.settings",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "ERROR",
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    say(f"data directory: {data_dir}")
    started = time.perf_counter()
    data = seed(args, env)
    say(f"seeded in {time.perf_counter() - started:.1f} s")

    port = free_port()
    process = start_server(env, port, args.workers, data_dir / "server.log")
    try:
        paths = targets(data)
        say(f"serving at http://127.0.0.1:{port}/ (gunicorn, log in {data_dir / 'server.log'})")
        say("first rendering of each page (uncached in that worker):")
        for path in paths:
            t0 = time.perf_counter()
            status, size = asyncio.run(fetch(port, path))
            say(f"  {status} {(time.perf_counter() - t0) * 1000:7.1f} ms {size / 1024:7.1f} KiB  {path}")
            if status != 200:
                sys.exit(f"{path} answered {status}")
        # Every worker renders every page (and its charts) before the measurement: the requests
        # go to whichever worker is free, so many rounds make it all but certain.
        warm = asyncio.run(load(port, paths, len(paths) * 25 * (args.workers or 4), args.concurrency))
        say(f"warm-up: {len(warm.latencies)} requests, slowest {max(warm.latencies) * 1000:.0f} ms")
        asyncio.run(load(port, [STATIC], 500, args.concurrency))

        say(f"\n{args.requests} requests per target at concurrency {args.concurrency}:")
        pages = asyncio.run(load(port, paths, args.requests, args.concurrency))
        static = asyncio.run(load(port, [STATIC], args.requests, args.concurrency))
        pages_rps, pages_p95 = report("public pages", pages)
        static_rps, static_p95 = report("static file", static)
    finally:
        stop_server(process)
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    ratio = pages_rps / static_rps if static_rps else 0.0
    say(f"\nratio pages/static throughput: {ratio:.2f} (aim: at least {AIM_RATIO:.2f})")
    say(f"pages p95: {pages_p95:.1f} ms (aim: under {AIM_P95_MS:.0f} ms); static p95: {static_p95:.1f} ms")
    verdict = ratio >= AIM_RATIO and pages_p95 < AIM_P95_MS
    say("aims met" if verdict else "aims NOT met")


if __name__ == "__main__":
    main()
