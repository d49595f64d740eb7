"""`naptrack workbook`: a department's contributions in a round as an Excel workbook to fill in
offline, and the import of the filled-in workbook.

    naptrack workbook export --round 3 --department defence -o defence.xlsx
    naptrack workbook import defence.xlsx --dry-run
    naptrack workbook import defence.xlsx
    naptrack workbook export --round 3 --all-departments -o round.xlsx   # the coordinator's, every department

The import lists what each row does (new, changed, unchanged, conflict, skipped) and writes all
of it in one transaction, or nothing when a cell holds an error: each error is printed on stderr
with its sheet, cell, column and reason, and the command exits 1.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import Failure, acting_user, round_id, round_with_id, write_atomically

if TYPE_CHECKING:
    from naptrack.plans.models import Department
    from naptrack.reporting.models import Round

ACTOR_HELP = (
    "act as this user (a coordinator, or the department's focal point): checked against their "
    "permissions and named in the audit trail; by default the installation acts, as 'cli:<your login name>'"
)
DESCRIPTION = (
    "A department's workbook: one row per line of action and monitoring instrument of the department "
    "in a reporting round, to fill in offline (with colleagues) and import back. The import shows, per "
    "row, what is new, changed, unchanged, in conflict with a change made in naptrack since the export "
    "(never overwritten) or skipped (submitted or approved contributions are not changed). One invalid "
    "cell and nothing is written; every error names its sheet, row, column and reason. The coordinator's "
    "workbook of a whole round (--all-departments) holds every department's rows with a Department column, "
    "and imports them all at once, on the departments' behalf."
)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "workbook",
        help="export a department's contributions as an Excel workbook; import it filled in",
        description=DESCRIPTION,
    )
    actions = parser.add_subparsers(dest="workbook_command", metavar="ACTION", required=True)

    export = actions.add_parser(
        "export",
        help="write a department's workbook, or the whole round's, for a round",
        description="Write the workbook of a department in a reporting round (open, closed or published): "
        "a sheet of instructions in the person's language, the sheet 'Contributions' to fill in, and a "
        "hidden sheet that ties the rows to the round, the department and the versions exported. "
        "With --all-departments instead of --department, the coordinator's workbook of the whole round: "
        "every department's rows, with a Department column. "
        "For example: naptrack workbook export --round 3 --department defence -o defence.xlsx",
    )
    export.add_argument("--round", required=True, type=round_id, metavar="ID", help="the round's id")
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--department", metavar="CODE", help="the department's code, e.g. defence")
    which.add_argument(
        "--all-departments",
        action="store_true",
        help="instead of --department: every department that reports in the round, in one workbook (the "
        "coordinator's; --as, if given, must name a coordinator)",
    )
    export.add_argument("-o", "--output", required=True, metavar="FILE.xlsx", help="the file to write")
    export.add_argument("--as", dest="as_user", metavar="USERNAME", help=ACTOR_HELP)
    export.add_argument(
        "--language",
        choices=("en", "fr", "nl", "de"),
        help="the language of the instructions and headings (default: the --as user's, else en)",
    )
    export.set_defaults(func=cmd_workbook_export)

    imp = actions.add_parser(
        "import",
        help="import a filled-in workbook (all or nothing)",
        description="Import a workbook exported by 'naptrack workbook export' (or downloaded from the web "
        "pages) and filled in. The round and the department are the workbook's own; a workbook whose hidden "
        "sheet was changed is refused. A whole round's workbook (--all-departments) is recognised as such and "
        "imported for every department at once. With --dry-run, says what would change and writes nothing.",
    )
    imp.add_argument("file", metavar="FILE.xlsx", help="the filled-in workbook")
    imp.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    imp.add_argument("--as", dest="as_user", metavar="USERNAME", help=ACTOR_HELP)
    imp.add_argument("--round", type=round_id, metavar="ID", help="refuse the workbook unless it is for this round")
    imp.add_argument(
        "--department",
        metavar="CODE",
        help="refuse the workbook unless it is this department's (a whole round's workbook is refused then)",
    )
    imp.set_defaults(func=cmd_workbook_import)
    return parser


def _department(round_: Round, code: str) -> Department:
    from naptrack.plans.models import Department

    department = Department.objects.filter(code=code).first()
    if department is None or not round_.contributions.filter(department=department).exists():
        codes = sorted(set(round_.contributions.values_list("department__code", flat=True)))
        known = ", ".join(codes) or "none (the round is not open yet)"
        raise Failure(f"department {code!r} reports nothing in round {round_.pk}; its departments: {known}")
    return department


def cmd_workbook_export(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied

    from naptrack.reporting.services import WorkflowError
    from naptrack.reporting.services.workbooks import workbook_export

    round_ = round_with_id(args.round)
    department = None if args.all_departments else _department(round_, args.department)
    # A focal point may act too (on their department): the service checks, not a coordinator-only rule.
    actor = acting_user(args.as_user)
    try:
        data = workbook_export(actor=actor, round=round_, department=department, language=args.language)
    except (PermissionDenied, WorkflowError) as exc:
        raise Failure(str(exc)) from None
    write_atomically(Path(args.output), data)
    if department is None:
        rows = round_.contributions.count()
        departments = round_.contributions.values("department").distinct().count()
        print(
            f"wrote {args.output}: the workbook of the whole round {round_.pk} ({round_}, {round_.plan.slug}), "
            f"{departments} department(s), {rows} contribution(s)"
        )
        return
    rows = round_.contributions.filter(department=department).count()
    print(
        f"wrote {args.output}: the workbook of {department.code} in round {round_.pk} ({round_}, {round_.plan.slug}), "
        f"{rows} contribution(s)"
    )


def cmd_workbook_import(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied

    from naptrack.plans.models import Department
    from naptrack.reporting.services import WorkflowError
    from naptrack.reporting.services.workbooks import WorkbookInvalid, WorkbookRefused, workbook_import
    from naptrack.reporting.workbook import parse

    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Failure(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        changes = parse(data, file_name=path.name)
    except WorkbookRefused as exc:
        raise Failure(str(exc)) from None
    if args.round is not None and args.round != changes.round_id:
        raise Failure(
            f"{path.name} is the workbook of round {changes.round_id}, not of round {args.round}; nothing was imported"
        )
    whose = "the whole round" if changes.whole_round else changes.department_code
    if args.department is not None and args.department != changes.department_code:
        raise Failure(f"{path.name} is the workbook of {whose}, not of {args.department}; nothing was imported")
    round_ = round_with_id(changes.round_id)
    department = None
    if not changes.whole_round:
        department = Department.objects.filter(code=changes.department_code).first()
        if department is None:
            raise Failure(
                f"{path.name} is for a department {changes.department_code!r} this installation does not have"
            )
    actor = acting_user(args.as_user)
    try:
        result = workbook_import(
            actor=actor, round=round_, department=department, changes=changes, dry_run=args.dry_run
        )
    except WorkbookInvalid as exc:
        raise Failure(
            f"{len(exc.errors)} error(s) in {path.name}; nothing was imported", *[str(e) for e in exc.errors]
        ) from None
    except (WorkbookRefused, PermissionDenied, WorkflowError) as exc:
        raise Failure(str(exc)) from None
    print(f"{path.name}: the workbook of {whose} in round {round_.pk} ({round_}, {round_.plan.slug})")
    for row in result.rows:
        if row.outcome == "unchanged":
            continue
        what = "; ".join(f"{header}: {_short(before)} -> {_short(after)}" for header, before, after in row.changes)
        note = f" ({row.note})" if row.note else ""
        # A whole round's rows name their department.
        owner = f"{row.department.code:<16} " if row.department is not None else ""
        print(f"  row {row.row:<4} {owner}{row.code:<6} {row.outcome:<9} {what}{note}")
    counts = result.counts
    summary = (
        f"{counts['new']} new, {counts['changed']} changed, {counts['unchanged']} unchanged, "
        f"{counts['conflict']} in conflict, {counts['skipped']} skipped"
    )
    if args.dry_run:
        print(f"dry run: {summary}; nothing was written")
    else:
        print(f"imported: {summary}; {result.saved} contribution(s) saved")


def _short(text: str, length: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
