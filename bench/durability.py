"""What SQLite's `synchronous` setting costs a write a person waits for, NORMAL against FULL.

In WAL mode, `synchronous=NORMAL` does not flush the write-ahead log to disk at each commit (only
at checkpoints): a commit acknowledged to a person can vanish on power loss, the database staying
consistent. `synchronous=FULL` flushes the log at every commit, so that an acknowledged write
survives. This script measures what that flush costs, in one run on one database, alternating
the two settings in blocks so that both see the same disk and the same load:

  (a) a small committed write: one INSERT in its own IMMEDIATE transaction;
  (b) saving a contribution through the service (contribution_save: the contribution, its
      measurements, their history rows and the audit event, in one transaction).

It prints the median and the 95th percentile of each, in milliseconds. The data directory must be
on the disk the installation uses (not a tmpfs, where a flush costs nothing):

    NAPTRACK_DATA_DIR=$(mktemp -d -p /var/tmp) .venv/bin/python bench/durability.py
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable

from common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
MODES = ("NORMAL", "FULL")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", "--repeat", type=int, default=200, help="writes per setting and kind (default: 200)")
    parser.add_argument("--blocks", type=int, default=10, help="alternating blocks per setting (default: 10)")
    return parser.parse_args()


def prepare():
    """A plan, an open round and one contribution to save over and over."""
    import datetime as dt
    import json

    from django.core.management import call_command
    from django.db import connection

    from naptrack.accounts.system import SystemActor
    from naptrack.plans.services import plan_load
    from naptrack.reporting.models import Contribution
    from naptrack.reporting.services import round_create, round_open

    if connection.vendor != "sqlite":
        sys.exit("bench/durability.py measures SQLite; unset DATABASE_URL")
    call_command("migrate", interactive=False, verbosity=0)
    actor = SystemActor("bench")
    plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    round_ = round_create(actor=actor, plan=plan, kind="annual", year=2014, deadline=dt.date(2015, 1, 31))
    round_open(actor=actor, round=round_, notify=False)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE bench_write (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    return actor, Contribution.objects.filter(round=round_).order_by("pk").first()


def set_mode(mode: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA synchronous={mode}")
        cursor.execute("PRAGMA synchronous")
        assert cursor.fetchone()[0] == {"NORMAL": 1, "FULL": 2}[mode]


def timed(write: Callable[[int], None], n: int, start: int) -> list[float]:
    times = []
    for i in range(start, start + n):
        began = time.perf_counter()
        write(i)
        times.append((time.perf_counter() - began) * 1000)
    return times


def main() -> None:
    args = parse_args()
    django_setup(None)
    from django.conf import settings
    from django.db import connection, transaction

    from naptrack.reporting.services import contribution_save

    actor, contribution = prepare()

    def insert(i: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("INSERT INTO bench_write (body) VALUES (%s)", [f"write {i}"])

    def save(i: int) -> None:
        nonlocal contribution
        contribution = contribution_save(
            actor=actor, contribution=contribution, version=contribution.version, data={"narrative": f"Save {i}."}
        )

    results: dict[tuple[str, str], list[float]] = {(k, m): [] for k in ("insert", "save") for m in MODES}
    per_block = max(1, args.repeat // args.blocks)
    counter = 0
    for _block in range(args.blocks):
        for mode in MODES:
            set_mode(mode)
            for kind, write in (("insert", insert), ("save", save)):
                results[kind, mode] += timed(write, per_block, counter)
                counter += per_block

    print(f"database: {settings.DATABASES['default']['NAME']} (journal_mode=WAL)")
    print(f"{'write':<42} {'synchronous':<12} {'n':>5} {'median ms':>10} {'p95 ms':>8}")
    labels = {"insert": "one INSERT, committed", "save": "contribution_save, committed"}
    for kind in ("insert", "save"):
        for mode in MODES:
            times = sorted(results[kind, mode])
            p95 = times[min(len(times) - 1, math.ceil(0.95 * len(times)) - 1)]
            print(f"{labels[kind]:<42} {mode:<12} {len(times):>5} {statistics.median(times):>10.2f} {p95:>8.2f}")
    for kind in ("insert", "save"):
        cost = statistics.median(results[kind, "FULL"]) - statistics.median(results[kind, "NORMAL"])
        print(f"FULL costs {cost:+.2f} ms a write at the median ({labels[kind]})")


if __name__ == "__main__":
    main()
