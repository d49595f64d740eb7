"""How fast the report to parliament builds, on the full Belgian plan with four rounds.

A plain script that prints figures (not a test). On a fresh database it loads the Belgian plan,
adds a coordinator and a focal point per department, then runs four rounds through the services —
the 2012 baseline and the annual rounds 2013, 2014 and 2015 — with every contribution filled
(narrative, status, an answer to every monitoring instrument, figures by sex that change from
year to year, focus countries), submitted and approved, the coordinator's syntheses on 40 lines
and the report's own texts (foreword, introduction, achievements, conclusions). The first three
rounds are published (which stores their PDF and DOCX in three languages: that time is printed
too); the 2015 round is closed.

It then builds the 2015 report in one language N times per format after a warm-up build, and
prints the median and the slowest time and the number of SQL queries of one build: HTML, the PDF
laid out by Typst (cache off: laid out anew each time; "pdf cached" is the same report asked for
again, which the PDF cache serves), DOCX. "pdf, first" is the first PDF of a new process (a
server just started: Typst loads its fonts and lays out everything from scratch, the charts are
rendered for the first time); "pdf, new" the PDFs of reports this process has not laid out yet
(the other languages, the drafts), since Typst reuses what it laid out before in a process.
WeasyPrint, the engine before Typst, took 15.45 s (median) for the same report in the run
recorded in the commit that added this bench: 51 times the "pdf" row, 11 times "pdf, new". Last, the files
that publishing the round stores (PDF and DOCX in three languages), with one and with two threads
for the PDFs, and the round's publication itself.

    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/report.py
    NAPTRACK_DATA_DIR=$(mktemp -d) .venv/bin/python bench/report.py -n 3 --out /tmp/reports
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, django_setup

PLAN_FILE = ROOT / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
ROUNDS = [("baseline", 2012), ("annual", 2013), ("annual", 2014), ("annual", 2015)]
STATUSES = ["in-progress", "completed", "continuous", "not-started", "in-progress"]


def say(text: str) -> None:
    print(text, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="an empty database to fill (default: SQLite in NAPTRACK_DATA_DIR)")
    parser.add_argument("-n", "--repeat", type=int, default=5, help="builds per format (default: %(default)s)")
    parser.add_argument("--lang", default="en", choices=("en", "fr", "nl"), help="default: %(default)s")
    parser.add_argument("--out", metavar="DIR", help="also write the reports built to DIR")
    parser.add_argument("--draft", action="store_true", help="build the draft variant instead of the final one")
    return parser.parse_args()


def setup(args: argparse.Namespace) -> None:
    django_setup(args.database_url)


def prepare():
    from django.core.management import call_command

    from naptrack.accounts.services import user_create
    from naptrack.plans.services import plan_load
    from naptrack.reporting.models import Round

    call_command("migrate", interactive=False, verbosity=0)
    if Round.objects.exists():
        sys.exit("bench/report.py needs a database without rounds (give an empty --database-url)")
    plan = plan_load(actor="bench", document=json.loads(PLAN_FILE.read_text(encoding="utf-8"))).plan
    coordinator = user_create(
        actor="bench", username="bench-coordinator", role="coordinator", password="x" * 12, check_password=False
    )
    focal_points = {}
    for link in plan.plan_departments.select_related("department").order_by("position"):
        code = link.department.code
        focal_points[code] = user_create(
            actor="bench",
            username=f"bench-focal-{code}",
            role="focal-point",
            password="x" * 12,
            department_code=code,
            check_password=False,
        )
    return plan, coordinator, focal_points


def answer(contribution, year: int, n: int) -> dict[str, Any]:
    step = year - 2012
    measurements = []
    for instrument in contribution.action.instruments.all():
        if instrument.by_sex:
            women, men = 40 + 7 * step + n % 5, 120 - 4 * step + n % 7
            measurements.append({"instrument": instrument.pk, "women": women, "men": men, "other": step % 2})
        elif instrument.kind == "quantitative":
            measurements.append({"instrument": instrument.pk, "value": f"{3 + step}.5", "unit": "cases"})
        else:
            measurements.append(
                {
                    "instrument": instrument.pk,
                    "text": f"In {year}, {contribution.department.name} reported on this instrument: "
                    "interventions carried out, meetings held and documents drawn up.",
                }
            )
    return {
        "status": STATUSES[(n + step) % len(STATUSES)],
        "narrative": (
            f"In {year}, **{contribution.department.name}** continued its work on line {contribution.action.code}: "
            "staff were trained on resolution 1325 and its follow-up resolutions, and the subject was raised "
            "in bilateral contacts.\n\n"
            "- a training for staff leaving on mission;\n- a contribution to the EU's indicators;\n"
            "- support to women's organisations in the focus countries."
        ),
        "countries": ["AF", "CD", "ML"][: 1 + n % 3],
        "measurements": measurements,
    }


def write_texts(coordinator, round_, year: int) -> None:
    """The report's own texts, in English and French (Dutch falls back to English)."""
    from naptrack.publications.editorial import report_texts_save

    paragraph = (
        f"In {year}, the departments carried the plan further: training on resolution 1325, support to women's "
        "organisations in the focus countries, and figures by sex on every quantitative instrument."
    )
    texts = {
        name: {"en": f"{paragraph}\n\n- one point;\n- another point.", "fr": f"En {year}, le plan a avancé."}
        for name in ("foreword", "introduction", "achievements", "conclusions")
    }
    report_texts_save(actor=coordinator, round=round_, texts=texts, signatory="The Minister")


def run_round(plan, coordinator, focal_points, kind: str, year: int, publish: bool) -> Any:
    from naptrack.portal import publishing
    from naptrack.reporting import services
    from naptrack.reporting.models import Contribution

    round_ = services.round_create(
        actor=coordinator, plan=plan, kind=kind, year=year, deadline=dt.date(year + 1, 1, 31), intro="Bench."
    )
    services.round_update(
        actor=coordinator,
        round=round_,
        intro={
            "en": f"This report covers {year}. It gathers what each department did on each line of action.",
            "fr": f"Ce rapport couvre l'année {year}.",
        },
    )
    round_ = services.round_open(actor=coordinator, round=round_, notify=False)
    write_texts(coordinator, round_, year)
    started = time.perf_counter()
    contributions = list(Contribution.objects.filter(round=round_).with_detail().in_plan_order())
    for n, c in enumerate(contributions):
        actor = focal_points[c.department.code]
        c = services.contribution_save(actor=actor, contribution=c, version=c.version, data=answer(c, year, n))
        c = services.contribution_submit(actor=actor, contribution=c)
        services.contribution_approve(actor=coordinator, contribution=c)
    for action in plan.actions.all()[:40]:
        services.synthesis_save(
            actor=coordinator,
            round=round_,
            action=action,
            text=f"The departments made progress on line {action.code} in {year}.",
            version=None,
        )
    filled = time.perf_counter() - started
    round_ = services.round_close(actor=coordinator, round=round_)
    message = f"round {kind} {year}: {len(contributions)} contributions filled and approved in {filled:.0f} s"
    if publish:
        started = time.perf_counter()
        round_ = publishing.round_publish(actor=coordinator, round=round_)
        message += f"; published in {time.perf_counter() - started:.1f} s"
    say(message)
    return round_


def measure(round_, fmt: str, lang: str, draft: bool, repeat: int, cache: bool) -> tuple[list[float], int, bytes]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from naptrack.publications.services import report_build

    data = report_build(round_, fmt, lang, draft)  # warm-up: templates, fonts, the charts; fills the PDF cache
    with CaptureQueriesContext(connection) as queries:
        report_build(round_, fmt, lang, draft, cache=cache)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        report_build(round_, fmt, lang, draft, cache=cache)
        times.append(time.perf_counter() - started)
    return times, len(queries.captured_queries), data


def pages(data: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def row(name: str, times: list[float], queries: Any, data: bytes, extra: str = "") -> None:
    median = statistics.median(times)
    say(f"{name:<12}{median:>10.2f}{max(times):>8.2f}{queries!s:>9}{len(data) / 1024:>8.0f}{extra}")


def main() -> None:
    args = parse_args()
    setup(args)
    from django.db import connection

    say(f"naptrack report bench: {connection.vendor}, {args.repeat} builds per format after a warm-up")
    plan, coordinator, focal_points = prepare()
    rounds = [
        run_round(plan, coordinator, focal_points, kind, year, publish=n < len(ROUNDS) - 1)
        for n, (kind, year) in enumerate(ROUNDS)
    ]
    last = rounds[-1]
    variant = "draft" if args.draft else "final"
    say(f"\nreport of the {last.kind} {last.year} round ({variant}, {args.lang}), three earlier rounds:")
    say(f"{'format':<12}{'median s':>10}{'max s':>8}{'queries':>9}{'KB':>8}")
    first = first_pdf(last, args.lang, args.draft)
    for fmt, cache in (("html", False), ("pdf", False), ("pdf", True), ("docx", False)):
        times, queries, data = measure(last, fmt, args.lang, args.draft, args.repeat, cache)
        extra = ""
        if fmt == "pdf":
            extra = (
                f"  ({pages(data)} pages; the same PDF again, from the cache)" if cache else f"  ({pages(data)} pages)"
            )
        row(f"{fmt} cached" if cache else fmt, times, queries, data, extra)
        if fmt == "pdf" and not cache:
            row("pdf, first", [first], "-", data, "  (the first PDF of a new process)")
            new_times = new_reports(last, args.lang)
            row("pdf, new", new_times, "-", data, "  (a report this process has not laid out: other languages, drafts)")
        if args.out:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"report-{last.year}-{args.lang}-{variant}.{fmt}").write_bytes(data)
    publishing(last, coordinator)


def new_reports(round_, lang: str) -> list[float]:
    """Each time a report that this process has not laid out before (Typst reuses what it laid out
    earlier in a process: the same report again costs less than a new one). Cache off."""
    from naptrack.publications.services import report_build

    others = [(other, False) for other in ("fr", "nl", "en") if other != lang]
    times = []
    for other, draft in [*others, (lang, True), *[(o, True) for o, _d in others]]:
        started = time.perf_counter()
        report_build(round_, "pdf", other, draft, cache=False)
        times.append(time.perf_counter() - started)
    return times


def first_pdf(round_, lang: str, draft: bool) -> float:
    """The time of the first PDF built in a new process (the content loaded and built, then laid
    out by a Typst compiler that has loaded no font and laid out nothing yet)."""
    import subprocess

    folder = str(Path(__file__).parent)
    code = (
        f"import sys, time; sys.path.insert(0, {folder!r}); from common import django_setup; django_setup(None)\n"
        "from naptrack.reporting.models import Round\n"
        "from naptrack.publications.services import report_build\n"
        f"round_ = Round.objects.get(pk={round_.pk})\n"
        f"started = time.perf_counter(); report_build(round_, 'pdf', {lang!r}, {draft!r}, cache=False)\n"
        "print(time.perf_counter() - started)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=os.environ)
    return float(out.stdout.strip().splitlines()[-1])


def publishing(round_, coordinator) -> None:
    """Building the files a round's publication stores (PDF and DOCX in three languages), without
    the PDF cache, with the PDFs laid out one after the other and then side by side; then the
    round's publication itself (the files built again, stored, the search index, the audit)."""
    from naptrack.portal import publishing as portal_publishing
    from naptrack.publications.services import reports_build

    say("\npublished files of the round (3 PDF + 3 DOCX), PDF cache off:")
    for workers in (1, 2):
        os.environ["NAPTRACK_REPORT_WORKERS"] = str(workers)
        started = time.perf_counter()
        reports_build(round_, cache=False)
        say(f"  {workers} thread{'s' if workers > 1 else ''} for the PDFs: {time.perf_counter() - started:.2f} s")
    os.environ.pop("NAPTRACK_REPORT_WORKERS")
    import shutil

    from django.conf import settings

    # No PDF of this round in the cache, as on a real publication.
    shutil.rmtree(Path(settings.MEDIA_ROOT) / "report-cache", ignore_errors=True)
    started = time.perf_counter()
    portal_publishing.round_publish(actor=coordinator, round=round_)
    say(f"  publishing the round (files, storage, search index): {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
