"""`naptrack plan`: load, import, list and export plans.

`plan import` reads the matrix of a plan from its document (naptrack.plans.importing) and lists
on stderr what a person should check: a line number taken from the sequence, text dropped as
noise, a department that matches no known department, a row that could not be placed. With
--dry-run the plan is printed as naptrack-plan/1 JSON and nothing is written; otherwise it is
loaded in one transaction, as `naptrack plan load` would load that JSON.

Departments: the known ones are those in the database plus any given with --departments. The
load is refused while a department name matches none of them, unless --create-departments says
to create each as a new department (its code the slug of its name, under its parent for the
"<Parent>-<Unit>" notation).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import (
    Failure,
    acting_user,
    actor,
    iso_date,
    plan_named,
    print_table,
    read_plan_file,
    service_failure,
    write_atomically,
)

if TYPE_CHECKING:
    from naptrack.plans.importing import Check
    from naptrack.plans.models import Plan

EXPORT_FORMATS = ("json", "csv", "xlsx")

IMPORT_DESCRIPTION = (
    "Read a plan's matrix of objectives, goals, lines of action, monitoring instruments and "
    "departments from its document: a PDF (tables found from the page layout), a Word .docx (its "
    "tables), a .txt of text extracted from a PDF (tab-separated columns), or the matrix as a "
    "spreadsheet (.xlsx or .csv). The columns are found "
    "by their headers in English, French or Dutch, in any order. Everything a person should check "
    "(line numbers inferred from the sequence, text dropped as noise, departments not matched, rows "
    "not placed) is listed on stderr. With --dry-run the plan is printed as naptrack-plan/1 JSON "
    "and nothing is written; otherwise it is loaded in one transaction. A department name that "
    "matches no known department (in the database or in --departments) stops the load unless "
    "--create-departments is given."
)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "plan", help="load, list and export plans", description="Load, list and export National Action Plans."
    )
    actions = parser.add_subparsers(dest="plan_command", metavar="ACTION", required=True)
    load = actions.add_parser(
        "load",
        help="load or update a plan from a naptrack-plan/1 JSON file",
        description="Validate a naptrack-plan/1 file and load it. A plan already present (same slug) "
        "is updated in place: lines keep their identity, nothing is duplicated. Once a reporting round "
        "has opened under the plan, the file is an amendment instead ('naptrack plan amend'): its "
        "changes are listed, one per line, and rounds already opened keep the plan of their time. An "
        "invalid file writes nothing; every problem is listed with its JSON path.",
    )
    load.add_argument("file", metavar="FILE", help="the JSON file, or - for standard input")
    load.add_argument("--check", action="store_true", help="only validate the file; write nothing")
    load.add_argument(
        "--dry-run", action="store_true", help="for a plan with rounds: list the amendment's changes; write nothing"
    )
    load.add_argument(
        "--effective", type=iso_date, metavar="YYYY-MM-DD", help="for an amendment: the day it takes effect (today)"
    )
    load.add_argument("--reason", default="", help="for an amendment: why the plan changes")
    load.set_defaults(func=cmd_plan_load)
    _add_import_parser(actions)
    plan_list = actions.add_parser("list", help="list the plans in this installation")
    plan_list.set_defaults(func=cmd_plan_list)
    export = actions.add_parser(
        "export",
        help="export a plan as JSON, CSV or XLSX",
        description="json is naptrack-plan/1 (what 'plan load' reads); csv has one row per line of "
        "action and monitoring instrument; xlsx is the plan's matrix as a formatted workbook.",
    )
    export.add_argument("slug", metavar="SLUG", help="the plan's slug, as 'naptrack plan list' shows it")
    export.add_argument("--format", choices=EXPORT_FORMATS, default="json", help="default: %(default)s")
    export.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    export.set_defaults(func=cmd_plan_export)
    # Translations of the plan's texts (cli/plan_translations.py).
    from naptrack.cli import plan_translations

    plan_translations.add_parsers(actions)
    targets = actions.add_parser(
        "targets",
        help="print each target's progress at a round",
        description="One line per instrument with a target: line code, instrument position on the line, "
        "the latest approved value up to the round (a share of women for an instrument counted by sex), "
        "the milestone of the round's year, the target, and the status (on-track, behind, achieved, "
        "no-data). Without --round, the plan's latest round.",
    )
    targets.add_argument("slug", metavar="SLUG", help="the plan's slug, as 'naptrack plan list' shows it")
    targets.add_argument("--round", metavar="YEAR_OR_ID", help="the round: its year (annual first) or its id")
    targets.set_defaults(func=cmd_plan_targets)
    # Amendments (cli/plan_amend.py); the next plan: successor, adopt, link, compare (cli/plan_lineage.py).
    from naptrack.cli import plan_amend

    plan_amend.add_parsers(actions)
    from naptrack.cli import plan_lineage

    plan_lineage.add_parsers(actions)
    return parser


def _figure(value) -> str:
    if value is None:
        return "-"
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text


def cmd_plan_targets(args: argparse.Namespace) -> None:
    from naptrack.core.numbers import whole_number
    from naptrack.reporting.models import Round
    from naptrack.reporting.progress import progress

    plan = plan_named(args.slug)
    rounds = Round.objects.filter(plan=plan).order_by("-year", "kind")
    if args.round is None:
        round_ = rounds.exclude(kind=Round.Kind.BASELINE).first() or rounds.first()
    else:
        number = whole_number(args.round)
        if number is None:
            raise Failure(f"--round takes a year or a round's id, not {args.round!r}")
        by_year = list(rounds.filter(year=number))
        round_ = (
            next((r for r in by_year if r.kind == Round.Kind.ANNUAL), None)
            or (by_year[0] if by_year else None)
            or rounds.filter(pk=number).first()
        )
    if round_ is None:
        raise Failure(f"no such round of {plan.slug}; see: naptrack round list --plan {plan.slug}")
    items = progress(plan, round_)
    if not items:
        print(f"{plan.slug} states no target; add them in the plan file (baseline, target, milestones)")
        return
    rows = [("LINE", "INSTRUMENT", "LATEST", "MILESTONE", "TARGET", "STATUS")]
    for p in items:
        target = p.target
        rows.append(
            (
                target.instrument.action.code,
                str(target.instrument.position),
                _figure(p.latest),
                _figure(p.milestone),
                target.text[:40] if target.text else _figure(target.value),
                p.status,
            )
        )
    print(f"{plan.slug}: {round_} ({round_.year})")
    print_table(rows)


# --- load, list, export ---------------------------------------------------------------------------


def cmd_plan_load(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.plans.services import PlanLoadError, plan_load

    document = read_plan_file(args.file)
    if args.check:
        print(f"{args.file}: valid naptrack-plan/1 document for plan {document['slug']}")
        return
    try:
        summary = plan_load(
            actor=acting_user(None),
            document=document,
            effective_from=args.effective,
            reason=args.reason or f"Plan file {Path(args.file).name} loaded.",
            dry_run=args.dry_run,
        )
    except PlanLoadError as exc:
        raise Failure(f"{exc}; nothing was loaded") from None
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    if summary.reading is not None:
        from naptrack.cli.plan_amend import print_reading

        print_reading(summary.reading)
        if summary.amendment is not None:
            print(f"plan {summary.plan.slug} amended: version {summary.amendment.number}")
        elif summary.reading.changes:
            print(f"dry run: {len(summary.reading.changes)} changes; nothing was written", file=sys.stderr)
        else:
            print(f"plan {summary.plan.slug}: the file changes nothing")
        return
    counts = summary.counts
    verb = "created" if summary.created else "updated"
    print(
        f"plan {summary.plan.slug} {verb}: {counts['objectives']} objectives, {counts['goals']} goals, "
        f"{counts['actions']} lines of action, {counts['instruments']} instruments, "
        f"{counts['departments']} departments "
        f"({summary.changes['created']} rows created, {summary.changes['updated']} updated, "
        f"{summary.changes['deleted']} deleted)"
    )


def cmd_plan_list(args: argparse.Namespace) -> None:
    from django.db.models import Count

    from naptrack.plans.models import Plan

    plans = Plan.objects.annotate(
        n_objectives=Count("objectives", distinct=True),
        n_goals=Count("goals", distinct=True),
        n_actions=Count("actions", distinct=True),
    ).order_by("-period_end", "slug")
    if not plans:
        print("no plan loaded; load one with: naptrack plan load FILE")
        return
    rows = [("SLUG", "PERIOD", "COUNTRY", "OBJ", "GOALS", "LINES", "TITLE")]
    rows += [
        (p.slug, p.period, p.country, str(p.n_objectives), str(p.n_goals), str(p.n_actions), p.title_en) for p in plans
    ]
    print_table(rows)


def cmd_plan_export(args: argparse.Namespace) -> None:
    from naptrack.plans import exports
    from naptrack.plans.models import Plan

    plan = Plan.objects.filter(slug=args.slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.values_list("slug", flat=True)) or "none"
        raise Failure(f"no plan {args.slug!r}; plans in this installation: {known}")
    builders: dict[str, Callable[[Plan], str | bytes]] = {
        "json": exports.plan_json,
        "csv": exports.plan_csv,
        "xlsx": exports.plan_xlsx,
    }
    content = builders[args.format](plan)
    data = content.encode("utf-8") if isinstance(content, str) else content
    if args.output in (None, "-"):
        if args.format == "xlsx" and sys.stdout.isatty():
            raise Failure("xlsx is a binary format: give -o FILE.xlsx")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    write_atomically(Path(args.output), data)
    print(f"wrote {args.output} ({len(data)} bytes)", file=sys.stderr)


# --- import ---------------------------------------------------------------------------------------


def _period(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})\s*[-\u2013/]\s*(\d{4})\s*", value)
    if not match or int(match.group(2)) < int(match.group(1)):
        raise argparse.ArgumentTypeError(f"not a period like 2013-2016: {value!r}")
    return int(match.group(1)), int(match.group(2))


def _countries(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if any(not re.fullmatch(r"[A-Z]{2}", c) for c in codes):
        raise argparse.ArgumentTypeError(f"not a list of two-letter country codes like AF,CD,ML: {value!r}")
    return codes


def _country(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2}", value.strip()):
        raise argparse.ArgumentTypeError(f"not a two-letter country code like BE: {value!r}")
    return value.strip().upper()


def _slug(value: str) -> str:
    from naptrack.plans import interchange

    # /plans/import/ is the web page that imports a plan: a plan slugged "import" would have no pages.
    if not interchange.SLUG_RE.fullmatch(value) or value == "import":
        raise argparse.ArgumentTypeError(
            f"not a plan slug: {value!r} (lower-case letters, digits and single hyphens, e.g. be-nap-2017-2021)"
        )
    return value


def _add_import_parser(actions: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = actions.add_parser(
        "import",
        help="read a plan from its PDF, Word document, extracted text or spreadsheet, and load it",
        description=IMPORT_DESCRIPTION,
    )
    parser.add_argument(
        "file",
        metavar="FILE",
        help="the plan's document (FILE.pdf, FILE.docx or FILE.txt) or its matrix as a spreadsheet "
        "(FILE.xlsx or FILE.csv)",
    )
    parser.add_argument("--slug", required=True, type=_slug, help="the plan's slug, e.g. be-nap-2017-2021")
    parser.add_argument("--title", required=True, help="the plan's title")
    parser.add_argument(
        "--departments",
        metavar="FILE",
        help="more known departments: a JSON list of {code, name, parent} (or a naptrack-plan/1 file), "
        "or a CSV file of code,name,parent rows",
    )
    parser.add_argument("--country", type=_country, help="the plan's country (ISO code, e.g. BE); default: guessed")
    parser.add_argument(
        "--period", type=_period, metavar="START-END", help="the years the plan covers, e.g. 2013-2016; default: read"
    )
    parser.add_argument(
        "--focus-countries",
        type=_countries,
        metavar="CODES",
        help="the plan's focus countries, e.g. AF,CD,ML (give an empty string for none); default: read from the text",
    )
    parser.add_argument(
        "--language",
        action="append",
        metavar="CODE",
        help="a language the plan is written in, e.g. en (repeat for several); default: recognised",
    )
    parser.add_argument(
        "--create-departments",
        action="store_true",
        help="create departments the document names that match no known one (codes are the slugs of their names)",
    )
    parser.add_argument("--update", action="store_true", help="update the plan with this slug if it exists")
    parser.add_argument("--dry-run", action="store_true", help="print the plan as naptrack-plan/1 JSON; write nothing")
    parser.set_defaults(func=cmd_plan_import)
    return parser


def cmd_plan_import(args: argparse.Namespace) -> None:
    from naptrack.plans import interchange
    from naptrack.plans.importing import (
        SUFFIXES,
        SUFFIXES_TEXT,
        DocumentImportError,
        import_plan_document,
        known_departments_from_db,
        read_departments_file,
        unmatched_departments,
    )
    from naptrack.plans.models import Plan
    from naptrack.plans.services import PlanLoadError, plan_load

    path = Path(args.file)
    if path.suffix.lower() not in SUFFIXES:
        raise Failure(f"cannot import {path.name}: expected a {SUFFIXES_TEXT} file")
    if not path.is_file():
        raise Failure(f"cannot read {args.file}: no such file")
    known = known_departments_from_db()
    try:
        if args.departments:
            known += read_departments_file(args.departments)
        document, checks = import_plan_document(
            path,
            slug=args.slug,
            title=args.title,
            known_departments=known,
            country=args.country,
            period=args.period,
            languages=args.language,
            focus_countries=args.focus_countries,
        )
    except OSError as exc:
        raise Failure(f"cannot read {exc.filename or args.file}: {exc.strerror}") from None
    except DocumentImportError as exc:
        raise Failure(f"{exc}; nothing was loaded") from None

    _print_checks(checks)
    if args.dry_run:
        sys.stdout.write(interchange.dumps(document))
        return
    unmatched = unmatched_departments(checks)
    if unmatched and not args.create_departments:
        names = sorted({c.subject for c in unmatched})
        listed = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
        raise Failure(
            f"{len(names)} department name(s) match no known department: {listed}; add them to a "
            "--departments FILE, or give --create-departments to create them; nothing was loaded"
        )
    if not args.update and Plan.objects.filter(slug=args.slug).exists():
        raise Failure(
            f"a plan {args.slug!r} exists already: give --update to update it, or another --slug; nothing was loaded"
        )
    try:
        summary = plan_load(actor=actor(), document=document)
    except (PlanLoadError, interchange.PlanFormatError) as exc:
        raise Failure(f"{exc}; nothing was loaded") from None
    counts = summary.counts
    print(
        f"plan {summary.plan.slug} {'created' if summary.created else 'updated'} from {path.name}: "
        f"{counts['objectives']} objectives, {counts['goals']} goals, {counts['actions']} lines of action, "
        f"{counts['instruments']} instruments, {counts['departments']} departments; "
        f"{len(checks)} thing(s) to check (listed above)"
    )


def _print_checks(checks: list[Check]) -> None:
    if not checks:
        print("nothing to check: every row was read as it stands", file=sys.stderr)
        return
    print(f"{len(checks)} thing(s) to check in the document:", file=sys.stderr)
    for check in checks:
        where = f"{check.location}: " if check.location else ""
        print(f"  [{check.kind}] {where}{check.message}", file=sys.stderr)


# --- translations ---------------------------------------------------------------------------------
