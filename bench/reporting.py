"""How fast reporting rounds open, fill and display, with 1 and with 10 rounds in the database.

A plain script that prints figures (not a test). On a fresh database it loads the Belgian plan,
adds a coordinator and a focal point per department, opens the 2014 annual round, fills every
contribution through the services, then times with django.test.Client:

  (a) the round dashboard (the coordinator),
  (b) the focal point's list of contributions (the focal point of Defence),
  (c) the API's contributions of a round, and the API's list of rounds (the coordinator),

each N times, printing the median, the 95th percentile and the number of SQL queries per request;
then it opens and fills 9 more rounds and measures again. A page that is not there yet (404) or
fails (500) is reported as "not available" rather than stopping the run.

    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/reporting.py
    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/reporting.py \\
        --database-url postgres://postgres@127.0.0.1:5432/naptrack_bench   # an empty database
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
PASSWORD = "correct horse battery staple"

# The first round, then nine more of other kinds and years (a plan has one round of a kind a year).
FIRST_ROUND = ("annual", 2014)
MORE_ROUNDS = [
    ("baseline", 2012),
    ("annual", 2012),
    ("annual", 2013),
    ("annual", 2015),
    ("annual", 2016),
    ("mid-term", 2014),
    ("mid-term", 2015),
    ("final", 2016),
    ("final", 2017),
]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite in NAPTRACK_DATA_DIR)")
    parser.add_argument("-n", "--repeat", type=int, default=30, help="requests per measurement (default: 30)")
    parser.add_argument(
        "--more-rounds",
        type=int,
        default=len(MORE_ROUNDS),
        choices=range(len(MORE_ROUNDS) + 1),
        metavar=f"0..{len(MORE_ROUNDS)}",
        help="rounds added for the second measurement (default: %(default)s, making 10 in all)",
    )
    return parser.parse_args()


def setup(args: argparse.Namespace) -> None:
    django_setup(args.database_url)
    from django.conf import settings

    # The test client's host, and static files served from the source (no collectstatic manifest).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class Timer:
    seconds: float = 0.0

    def __enter__(self) -> Timer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.seconds = time.perf_counter() - self._start


def say(text: str) -> None:
    print(text, flush=True)


# --- data -----------------------------------------------------------------------------------------


def prepare() -> tuple[Any, Any, dict[str, Any]]:
    import json

    from django.core.management import call_command

    from naptrack.accounts.services import user_create
    from naptrack.plans.services import plan_load
    from naptrack.reporting.models import Round

    with Timer() as t:
        call_command("migrate", interactive=False, verbosity=0)
    say(f"migrate: {t.seconds:.1f} s")
    if Round.objects.exists():
        sys.exit("bench/reporting.py needs a database without rounds (give an empty --database-url)")
    with Timer() as t:
        plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    say(f"plan load: {t.seconds:.2f} s ({plan.slug})")

    coordinator = user_create(
        actor="bench", username="bench-coordinator", role="coordinator", password=PASSWORD, check_password=False
    )
    focal_points = {}
    for link in plan.plan_departments.select_related("department").order_by("position"):
        code = link.department.code
        focal_points[code] = user_create(
            actor="bench",
            username=f"bench-focal-{code}",
            role="focal-point",
            password=PASSWORD,
            department_code=code,
            email=f"focal-{code}@example.org",
            check_password=False,
        )
    say(f"users: 1 coordinator, {len(focal_points)} focal points")
    return plan, coordinator, focal_points


def open_round(plan, coordinator, kind: str, year: int) -> tuple[Any, float, int]:
    import datetime as dt

    from django.core import mail

    from naptrack.reporting.services import round_create, round_open

    round_ = round_create(
        actor=coordinator, plan=plan, kind=kind, year=year, deadline=dt.date(year + 1, 1, 31), intro="Bench."
    )
    mail.outbox = []
    with Timer() as t:
        # Outside any transaction: the e-mails leave when round_open commits, inside the timing.
        round_ = round_open(actor=coordinator, round=round_)
    return round_, t.seconds, len(mail.outbox)


def answer(contribution) -> dict[str, Any]:
    measurements = []
    for instrument in contribution.action.instruments.all():
        if instrument.by_sex:
            measurements.append({"instrument": instrument.pk, "women": 12, "men": 30, "note": "Bench."})
        elif instrument.kind == "quantitative":
            measurements.append({"instrument": instrument.pk, "value": "3.5", "unit": "missions"})
        else:
            measurements.append({"instrument": instrument.pk, "text": "Interventions carried out in 2014."})
    return {
        "status": "in-progress",
        "narrative": f"**{contribution.department.name}** trained staff on resolution 1325 "
        f"for line {contribution.action.code}.\n\n- a first point\n- a second point",
        "measurements": measurements,
    }


def fill(round_, focal_points: dict[str, Any]) -> tuple[float, int]:
    from naptrack.reporting.models import Contribution
    from naptrack.reporting.services import contribution_save

    contributions = list(Contribution.objects.filter(round=round_).with_detail().in_plan_order())
    with Timer() as t:
        for c in contributions:
            contribution_save(actor=focal_points[c.department.code], contribution=c, version=c.version, data=answer(c))
    saved = Contribution.objects.filter(round=round_, version=2).exclude(narrative="").count()
    assert saved == len(contributions), f"only {saved} of {len(contributions)} contributions were saved"
    return t.seconds, len(contributions)


def add_round(plan, coordinator, focal_points, kind: str, year: int):
    round_, opening, mails = open_round(plan, coordinator, kind, year)
    filling, n = fill(round_, focal_points)
    say(
        f"round {kind} {year}: opened in {opening * 1000:.0f} ms ({n} contributions, {mails} e-mails), "
        f"filled in {filling:.1f} s ({filling / n * 1000:.1f} ms per contribution_save)"
    )
    return round_


# --- requests -------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    rounds: int
    status: str
    median_ms: float | None = None
    p95_ms: float | None = None
    queries: int | None = None
    kilobytes: float | None = None


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value that at least `fraction` of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(name: str, rounds: int, client, url: str | Callable[[], str], repeat: int) -> Row:
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    try:
        url = url() if callable(url) else url
        response = client.get(url)  # the warm-up: caches, templates, the first connection
        if response.status_code != 200:
            return Row(name, rounds, f"not available (HTTP {response.status_code})")
        # Each request empties the query log (request_started): start from an empty one, so
        # that the capture's start index is 0, and count before the next request empties it.
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        n_queries = len(queries.captured_queries)
    except Exception as exc:  # a view still being written may fail in any way
        return Row(name, rounds, f"not available ({type(exc).__name__}: {str(exc).splitlines()[0][:60]})")
    times = []
    for _ in range(repeat):
        with Timer() as t:
            client.get(url)
        times.append(t.seconds * 1000)
    return Row(
        name,
        rounds,
        "ok",
        statistics.median(times),
        percentile(times, 0.95),
        n_queries,
        len(response.content) / 1024,
    )


def measure_all(first_round, coordinator, focal_defence, rounds: int, repeat: int) -> list[Row]:
    from django.test import Client
    from django.urls import reverse

    as_coordinator = Client(raise_request_exception=False)
    as_coordinator.force_login(coordinator)
    as_focal = Client(raise_request_exception=False)
    as_focal.force_login(focal_defence)
    return [
        measure(
            "round dashboard (coordinator)",
            rounds,
            as_coordinator,
            lambda: reverse("reporting:round-dashboard", args=[first_round.pk]),
            repeat,
        ),
        measure(
            "my contributions (focal point of Defence)",
            rounds,
            as_focal,
            lambda: reverse("reporting:my-contributions"),
            repeat,
        ),
        measure(
            "API round contributions (first page)",
            rounds,
            as_coordinator,
            f"/api/v1/rounds/{first_round.pk}/contributions/",
            repeat,
        ),
        measure("API rounds", rounds, as_coordinator, "/api/v1/rounds/", repeat),
    ]


def print_table(rows: list[Row], repeat: int) -> None:
    header = ("request", "rounds", "median ms", "p95 ms", "queries", "KB")
    lines = [header]
    for r in rows:
        if r.status != "ok":
            lines.append((r.name, str(r.rounds), r.status, "", "", ""))
        else:
            lines.append(
                (r.name, str(r.rounds), f"{r.median_ms:.1f}", f"{r.p95_ms:.1f}", str(r.queries), f"{r.kilobytes:.1f}")
            )
    # A "not available" reason spans the figure columns instead of widening them.
    figures = [line for line in lines if not line[2].startswith("not available")]
    widths = [max(len(line[i]) for line in (lines if i < 2 else figures)) for i in range(len(header))]
    say(f"\n{repeat} timed requests each, after a warm-up request; SQL queries counted on one request.")
    for line in lines:
        cells = [line[0].ljust(widths[0]), line[1].rjust(widths[1])]
        if line[2].startswith("not available"):
            cells.append(line[2])
        else:
            cells += [line[i].rjust(widths[i]) for i in range(2, len(header))]
        say("  ".join(cells).rstrip())


def main() -> None:
    args = parse_args()
    setup(args)
    from django.db import connection

    say(
        f"naptrack reporting bench: {connection.vendor} "
        f"({connection.settings_dict['NAME']}), {args.repeat} requests per measurement"
    )
    plan, coordinator, focal_points = prepare()
    first = add_round(plan, coordinator, focal_points, *FIRST_ROUND)
    rows = measure_all(first, coordinator, focal_points["defence"], 1, args.repeat)
    for kind, year in MORE_ROUNDS[: args.more_rounds]:
        add_round(plan, coordinator, focal_points, kind, year)
    if args.more_rounds:
        rows += measure_all(first, coordinator, focal_points["defence"], 1 + args.more_rounds, args.repeat)
    order = list(dict.fromkeys(r.name for r in rows))
    rows.sort(key=lambda r: (order.index(r.name), r.rounds))
    print_table(rows, args.repeat)


if __name__ == "__main__":
    main()
