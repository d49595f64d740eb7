"""`naptrack report build`: the report to parliament of a round, as HTML, PDF or DOCX."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import Failure, write_atomically
from naptrack.core.numbers import whole_number

if TYPE_CHECKING:
    from naptrack.reporting.models import Round

FORMATS = ("html", "pdf", "docx")
LANGUAGES = ("en", "fr", "nl", "de")
DESCRIPTION = (
    "Build the report to parliament of a reporting round from its approved contributions, in the "
    "plan's order: cover, introduction, summary, every objective, goal and line of action with the "
    "departments' answers, figures by sex and earlier years, then the annexes. The final report holds "
    "only approved, public content; --draft also shows submitted and internal items, marked, with a "
    "DRAFT watermark. For example: naptrack report build --plan be-nap-2013-2016 --round 2014 "
    "--format pdf --lang fr -o rapport-2014.pdf"
)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "report", help="build the report to parliament of a round", description="The report to parliament."
    )
    actions = parser.add_subparsers(dest="report_command", metavar="ACTION", required=True)
    build = actions.add_parser("build", help="build a round's report as HTML, PDF or DOCX", description=DESCRIPTION)
    build.add_argument("--plan", metavar="SLUG", required=True, help="the plan's slug, as 'naptrack plan list' shows")
    build.add_argument(
        "--round",
        metavar="YEAR_OR_ID",
        required=True,
        help="the year covered (the annual round of that year, else the only round of that year), or the round's id",
    )
    build.add_argument("--format", choices=FORMATS, required=True, help="the file format")
    build.add_argument("--lang", choices=LANGUAGES, default="en", help="the report's language (default: %(default)s)")
    build.add_argument("--draft", action="store_true", help="the draft for internal review (marked, watermarked)")
    build.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="where to write it (- for standard output)"
    )
    build.set_defaults(func=cmd_report_build)
    return parser


def find_round(plan_slug: str, selector: str) -> Round:
    """The round a YEAR_OR_ID names: a number above 1900 is the year covered (the annual round of
    that year, else the only round of that year), any other number a round id."""
    from naptrack.plans.models import Plan
    from naptrack.reporting.models import Round

    plan = Plan.objects.filter(slug=plan_slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
        raise Failure(f"no plan {plan_slug!r}; plans in this installation: {known}")
    number = whole_number(selector)
    if number is None:
        raise Failure(f"--round must be a year or a round id, not {selector!r}")
    rounds = Round.objects.filter(plan=plan).select_related("plan")
    if number > 1900:
        of_year = list(rounds.filter(year=number).order_by("kind"))
        annual = [r for r in of_year if r.kind == Round.Kind.ANNUAL]
        if annual:
            return annual[0]
        if len(of_year) == 1:
            return of_year[0]
        if not of_year:
            years = sorted(set(rounds.values_list("year", flat=True)))
            listed = ", ".join(map(str, years)) or "none"
            raise Failure(f"plan {plan.slug} has no round covering {number}; years with rounds: {listed}")
        kinds = ", ".join(f"{r.kind} (id {r.pk})" for r in of_year)
        raise Failure(f"plan {plan.slug} has several rounds covering {number}: {kinds}; give the round's id")
    round_ = rounds.filter(pk=number).first()
    if round_ is None:
        raise Failure(f"plan {plan.slug} has no round with id {number}")
    return round_


def cmd_report_build(args: argparse.Namespace) -> None:
    from naptrack.publications.services import report_build

    round_ = find_round(args.plan, args.round)
    data = report_build(round_, args.format, args.lang, args.draft)
    if args.output == "-":
        if args.format != "html" and sys.stdout.isatty():
            raise Failure(f"{args.format} is a binary format: give -o FILE.{args.format}")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(args.output)
    if not path.parent.is_dir():
        raise Failure(f"cannot write {args.output}: no directory {path.parent}")
    write_atomically(path, data)
    variant = "draft" if args.draft else "final"
    print(f"wrote {args.output} ({len(data)} bytes): {variant} report of {round_} in {args.lang}", file=sys.stderr)
