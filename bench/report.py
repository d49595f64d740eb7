"""How fast the report to parliament builds, on the full Belgian plan with four rounds.

A plain script that prints figures (not a test). On a fresh database it loads the Belgian plan,
adds a coordinator and a focal point per department, then runs four rounds through the services —
the 2012 baseline and the annual rounds 2013, 2014 and 2015 — with every contribution filled
(narrative, status, an answer to every monitoring instrument, figures by sex that change from
year to year), submitted and approved. The first three rounds are published (which stores their
PDF and DOCX in three languages: that time is printed too); the 2015 round is closed.

It then builds the 2015 report as HTML, PDF and DOCX, in English, N times each after a warm-up
build, and prints the median and the slowest time and the number of SQL queries of one build.
The PDF is laid out anew each time; "pdf cached" is the same report asked for again, which the
PDF cache serves (see naptrack/publications/html.py). "pdf, text" is WeasyPrint's floor: the
report's words alone, as bare paragraphs. Last, the files that publishing the round stores
(PDF and DOCX in three languages), with one and with two worker processes for the PDFs.

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
    for fmt, cache in (("html", False), ("pdf", False), ("pdf", True), ("docx", False)):
        times, queries, data = measure(last, fmt, args.lang, args.draft, args.repeat, cache)
        extra = ""
        if fmt == "pdf":
            import io

            from pypdf import PdfReader

            pages = len(PdfReader(io.BytesIO(data)).pages)
            extra = f"  ({pages} pages; the same PDF again, from the cache)" if cache else f"  ({pages} pages)"
        name = f"{fmt} cached" if cache else fmt
        median = statistics.median(times)
        say(f"{name:<12}{median:>10.2f}{max(times):>8.2f}{queries:>9}{len(data) / 1024:>8.0f}{extra}")
        if args.out:
            out = Path(args.out)
            out.mkdir(parents=True, exist_ok=True)
            (out / f"report-{last.year}-{args.lang}-{variant}.{fmt}").write_bytes(data)
    floor(last, args.lang, args.draft, args.repeat)
    publishing(last)


def floor(round_, lang: str, draft: bool, repeat: int) -> None:
    """What WeasyPrint needs for the report's words alone: its text as plain paragraphs on the
    report's pages in its body font, without headings, tables, charts or the rest of the
    stylesheet. No template holding these words can be laid out faster."""
    import re

    from naptrack.publications import content, pdf
    from naptrack.publications.html import render_html

    html = render_html(content.build(content.load(round_, draft=draft), lang))
    body = html[html.index("<body") :]
    words = re.sub(r"<[^>]+>", "\n", body)
    paragraphs = [" ".join(chunk.split()) for chunk in re.split(r"\n\s*\n", words)]
    bare = "".join(f"<p>{p}</p>" for p in paragraphs if p)
    # The report's page and body text, nothing else: the same words fill about as many pages.
    style = (
        "@page { size: A4; margin: 20mm 17mm 18mm 17mm } p { margin: 0 0 5pt }"
        ' html { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4 }'
    )
    document = (
        f'<!doctype html><html lang="{lang}"><title>{round_}</title><style>{style}</style><body>{bare}</body></html>'
    )
    pdf.layout(document, ".")
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        data = pdf.layout(document, ".")
        times.append(time.perf_counter() - started)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(data)).pages)
    say(
        f"{'pdf, text':<12}{statistics.median(times):>10.2f}{max(times):>8.2f}{'-':>9}{len(data) / 1024:>8.0f}"
        f"  ({pages} pages: the same {sum(map(len, paragraphs)):,} characters as plain paragraphs)"
    )


def publishing(round_) -> None:
    """Building the files a round's publication stores (PDF and DOCX in three languages), without
    the PDF cache, with the PDFs laid out one after the other and then side by side."""
    from naptrack.publications.services import reports_build

    say("\npublished files of the round (3 PDF + 3 DOCX), PDF cache off:")
    for workers in (1, 2):
        os.environ["NAPTRACK_REPORT_WORKERS"] = str(workers)
        started = time.perf_counter()
        reports_build(round_, cache=False)
        say(f"  {workers} worker process{'es' if workers > 1 else ''}: {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
