"""`naptrack plan import`: a plan read from its PDF, Word document or extracted text.

The matrix of the plan is read from the document (naptrack.plans.importing) and what a person
should check is listed on stderr: a line number taken from the sequence, text dropped as noise,
a department that matches no known department, a row that could not be placed. With --dry-run
the plan is printed as naptrack-plan/1 JSON and nothing is written; otherwise it is loaded in one
transaction, as `naptrack plan load` would load that JSON.

Departments: the known ones are those in the database plus any given with --departments. The
load is refused while a department name matches none of them, unless --create-departments says
to create each as a new department (its code the slug of its name, under its parent for the
"<Parent>-<Unit>" notation).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from naptrack.plans import interchange

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
    if not interchange.SLUG_RE.match(value) or value == "import":
        raise argparse.ArgumentTypeError(
            f"not a plan slug: {value!r} (lower-case letters, digits and single hyphens, e.g. be-nap-2017-2021)"
        )
    return value


def add_parser(plan_commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = plan_commands.add_parser(
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


def _cli() -> Any:
    """The module running the command line. Run as `python -m naptrack.cli` it is __main__, not
    naptrack.cli: its Failure is the one its main() catches."""
    main = sys.modules.get("__main__")
    if main is not None and getattr(main, "__spec__", None) and main.__spec__.name == "naptrack.cli":
        return main
    from naptrack import cli

    return cli


def cmd_plan_import(args: argparse.Namespace) -> None:
    cli = _cli()
    Failure, _actor = cli.Failure, cli._actor
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
        summary = plan_load(actor=_actor(), document=document)
    except (PlanLoadError, interchange.PlanFormatError) as exc:
        raise Failure(f"{exc}; nothing was loaded") from None
    counts = summary.counts
    print(
        f"plan {summary.plan.slug} {'created' if summary.created else 'updated'} from {path.name}: "
        f"{counts['objectives']} objectives, {counts['goals']} goals, {counts['actions']} lines of action, "
        f"{counts['instruments']} instruments, {counts['departments']} departments; "
        f"{len(checks)} thing(s) to check (listed above)"
    )


def _print_checks(checks: list) -> None:
    if not checks:
        print("nothing to check: every row was read as it stands", file=sys.stderr)
        return
    print(f"{len(checks)} thing(s) to check in the document:", file=sys.stderr)
    for check in checks:
        where = f"{check.location}: " if check.location else ""
        print(f"  [{check.kind}] {where}{check.message}", file=sys.stderr)
