"""`naptrack round import`: a past report (the baseline, an earlier annual report) read from its
document into a round, so that an installation starts with its history."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from naptrack.cli.common import Failure, plan_named, round_actor, validation_lines
from naptrack.cli.round import ROUND_KINDS


def add_parser(round_commands: argparse._SubParsersAction, acting: argparse.ArgumentParser) -> None:
    parser = round_commands.add_parser(
        "import",
        parents=[acting],
        help="create a round from a past report's document (PDF, Word, text, Excel, CSV)",
        description="Read a past report (the baseline, an annual report, a review) from its document and "
        "create its round: one contribution per line of action and responsible department, as opening a round "
        "would, filled from the document's matrix on the departments' behalf (marked as imported, with the "
        "file's name and row), approved, and closed or published. Lines the document does not mention stay "
        "empty ('No report received'). Nothing is e-mailed. The matrix's header row must name the line of "
        "action (its number or text) and what was reported or its status, in English, French or Dutch, e.g. "
        "'No. | Line of action | Department | Status | Achievements'. What a person should check (a line "
        "matched by its text, a department not recognised, a status not on the scale, a row not placed) is "
        "printed on stderr. Example: naptrack round import baseline-2012.docx --plan be-nap-2013-2016 "
        "--kind baseline --year 2012 --state published",
    )
    parser.add_argument("file", metavar="FILE", help="the report: a .pdf, .docx, .txt, .xlsx or .csv file")
    parser.add_argument("--plan", metavar="SLUG", required=True, help="the plan's slug, as 'naptrack plan list' shows")
    parser.add_argument("--kind", choices=ROUND_KINDS, required=True, help="the kind of round the report is")
    parser.add_argument("--year", metavar="YEAR", type=int, required=True, help="the year the report covers")
    parser.add_argument(
        "--state",
        choices=("closed", "published"),
        default="closed",
        help="closed (default: the coordinator can still review and then publish it) or published (its "
        "report to parliament is built and it shows on the portal at once)",
    )
    parser.add_argument(
        "--replace",
        action="store_true",
        help="replace an existing round of this kind and year, if no department has reported in it",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the round as JSON ({round, contributions}) and write nothing",
    )
    parser.set_defaults(func=cmd_round_import)


def cmd_round_import(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.portal.publishing import RoundNotPublished, round_import_published
    from naptrack.reporting.importing import SUFFIXES, DocumentImportError, read_round_document
    from naptrack.reporting.services import round_import, round_import_problems

    path = Path(args.file)
    if path.suffix.lower() not in SUFFIXES:
        raise Failure(f"cannot import {path.name}: expected a {', '.join(SUFFIXES)} file; nothing was written")
    if not path.is_file():
        raise Failure(f"cannot read {args.file}: no such file")
    plan = plan_named(args.plan)
    try:
        proposal = read_round_document(path, plan=plan, year=args.year)
    except OSError as exc:
        raise Failure(f"cannot read {exc.filename or args.file}: {exc.strerror}") from None
    except DocumentImportError as exc:
        raise Failure(f"{str(exc).rstrip('.')}; nothing was written") from None
    _print_checks(proposal)
    problems = round_import_problems(plan=plan, kind=args.kind, year=args.year, proposal=proposal, replace=args.replace)
    if args.dry_run:
        sys.stdout.write(json.dumps(proposal.as_json(plan.slug, args.kind, args.year), ensure_ascii=False, indent=2))
        sys.stdout.write("\n")
        if problems:
            # The round as read, and why importing it as asked would be refused.
            raise Failure(*problems, "a real run would be refused; nothing was written")
        return
    if problems:
        raise Failure(*problems, "nothing was written")
    actor = round_actor(args)
    service = round_import_published if args.state == "published" else round_import
    try:
        round_ = service(
            actor=actor, plan=plan, kind=args.kind, year=args.year, proposal=proposal, replace=args.replace
        )
    except (ValidationError, PermissionDenied) as exc:
        lines = validation_lines(exc) if isinstance(exc, ValidationError) else [str(exc)]
        raise Failure(*lines, "nothing was written") from None
    except RoundNotPublished as exc:
        # The round is in, closed; only its publishing failed: say so, and how to finish.
        raise Failure(str(exc), f"publish it with: naptrack round publish {exc.round.pk}") from None
    total = round_.contributions.count()
    print(
        f"round {round_.pk} ({plan.slug} {round_.kind} {round_.year}) {round_.state} from {path.name}: "
        f"{len(proposal.contributions)} of {total} contributions filled and approved, the others 'No report "
        f"received'; {len(proposal.checks)} thing(s) to check (listed above)"
    )


def _print_checks(proposal) -> None:
    if proposal.status_mapping:
        mapped = ", ".join(
            f"{word!r} -> {code or '(not on the scale)'}" for word, code in proposal.status_mapping.items()
        )
        print(f"statuses read: {mapped}", file=sys.stderr)
    if not proposal.checks:
        print("nothing to check: every row was placed as it stands", file=sys.stderr)
        return
    print(f"{len(proposal.checks)} thing(s) to check in the document:", file=sys.stderr)
    for check in proposal.checks:
        where = f"{check.location}: " if check.location else ""
        print(f"  [{check.kind}] {where}{check.message}", file=sys.stderr)
