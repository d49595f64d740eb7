"""`naptrack request`: requests from international bodies answered from the plan's data: create
one (its answers drafted from approved contributions), list and show them, export the answer pack,
mark a version sent (frozen from then on), and remind departments of targeted questions (cron)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import (
    Failure,
    framework_named,
    iso_date,
    manager_actor,
    print_table,
    service_failure,
    write_atomically,
)
from naptrack.core.numbers import whole_number

if TYPE_CHECKING:
    from naptrack.international.models import Request

FORMATS = ("docx", "xlsx", "csv")
LANGUAGES = ("en", "fr", "nl", "de")
ACTOR = (
    "Changes are made and audited as 'cli:<your login name>', the installation acting through its "
    "command line; give --as USERNAME to act as (and be recorded as) a coordinator instead."
)


def request_id(value: str) -> int:
    number = whole_number(value)  # at most 18 ASCII digits: never a database overflow
    if not number:
        raise argparse.ArgumentTypeError(f"not a request id: {value!r} (a number, as 'naptrack request list' shows)")
    return number


def period(value: str) -> tuple[int, int]:
    """2014, or 2013-2014: the years the request covers."""
    start, _, end = value.strip().partition("-")
    first, last = whole_number(start), whole_number(end) if end else whole_number(start)
    if first is None or last is None or not 1900 <= first <= 2200 or not 1900 <= last <= 2200:
        raise argparse.ArgumentTypeError(f"not a period: {value!r} (a year, such as 2014, or years, such as 2013-2014)")
    if last < first:
        raise argparse.ArgumentTypeError(f"the period {value!r} ends before it starts")
    return first, last


def version_number(value: str) -> int:
    number = whole_number(value)
    if not number:
        raise argparse.ArgumentTypeError(f"not a version number: {value!r} (1 for the first version sent)")
    return number


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "request",
        help="requests from the UN, the EU, CEDAW, the OSCE: create, export, mark sent, remind",
        description="Requests for answers to a framework's questions over a period. Creating one drafts "
        "an answer per question from the approved public contributions of the linked instruments and "
        "lines in the rounds covering the period; a question with nothing behind it is flagged. "
        f"Marking the answers sent freezes that version. {ACTOR}",
    )
    actions = parser.add_subparsers(dest="request_command", metavar="ACTION", required=True)
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this coordinator (checked against their permissions, named in the audit trail) "
        "instead of as 'cli:<your login name>'",
    )

    create = actions.add_parser(
        "create",
        parents=[acting],
        help="create a request and draft its answers; prints its id",
        description="Create a request for a framework's questions and draft the answers. The request's id "
        "is the first line on standard output (ID=$(naptrack request create ...) keeps it); how many "
        "questions are flagged, having nothing reported behind them, goes to standard error. A period that "
        "no round covers is allowed: every question is then flagged. For example: naptrack request create "
        f"--framework eu-eu-indicators-2014 --period 2014 --due 2015-03-31 --reference 'EEAS/2015/12'. {ACTOR}",
    )
    create.add_argument(
        "--framework", metavar="CODE", required=True, help="the framework's code ('naptrack framework list')"
    )
    create.add_argument(
        "--period", metavar="YEAR[-YEAR]", type=period, required=True, help="the year or years covered: 2014, 2013-2014"
    )
    create.add_argument("--due", metavar="YYYY-MM-DD", type=iso_date, required=True, help="when the answers are due")
    create.add_argument("--reference", metavar="TEXT", default="", help="the body's reference for the request")
    create.add_argument("--received", metavar="YYYY-MM-DD", type=iso_date, help="when the request was received")
    create.set_defaults(func=cmd_request_create)

    listing = actions.add_parser(
        "list",
        help="list the requests by due date, with their completeness",
        description="List the requests by due date: id, framework, period, due date, reference, questions, "
        "answers written, questions flagged (nothing reported behind them), versions sent, visibility.",
    )
    listing.set_defaults(func=cmd_request_list)

    show = actions.add_parser(
        "show",
        help="print a request's answers, flags and sent versions",
        description="Print a request: its details, each answer in the questions' order with its figures "
        "and flags (FLAGGED: nothing reported behind it; EDITED: changed by hand), and the versions sent.",
    )
    show.add_argument("id", metavar="ID", type=request_id, help="the request's id")
    show.set_defaults(func=cmd_request_show)

    export = actions.add_parser(
        "export",
        help="write the answer pack as DOCX, XLSX or CSV",
        description="Write the answer pack in the questions' order: the answers as they are now, or with "
        "--version N the version sent as N, exactly as it was sent. XLSX and CSV have one row per question "
        "(Code, Question, Answer, Women, Men, Other, Total, Sources). For example: naptrack request export 4 "
        "--format xlsx --lang fr -o reponses.xlsx",
    )
    export.add_argument("id", metavar="ID", type=request_id, help="the request's id")
    export.add_argument("--format", choices=FORMATS, required=True, help="the file format")
    export.add_argument("--lang", choices=LANGUAGES, default="en", help="the labels' language (default: %(default)s)")
    export.add_argument("--version", metavar="N", type=version_number, help="a version sent (default: as it is now)")
    export.add_argument(
        "-o", "--output", metavar="FILE", required=True, help="where to write it (- for standard output)"
    )
    export.set_defaults(func=cmd_request_export)

    sent = actions.add_parser(
        "sent",
        parents=[acting],
        help="mark the answers sent: that version is frozen",
        description="Record that the answers were sent, on what date, to whom: this version is frozen as "
        "it is, later edits make the next version, and the version sent can be exported unchanged with "
        "'naptrack request export ID --version N'. Sending unchanged answers twice is refused. "
        f"{ACTOR}",
    )
    sent.add_argument("id", metavar="ID", type=request_id, help="the request's id")
    sent.add_argument("--date", metavar="YYYY-MM-DD", type=iso_date, required=True, help="the date they were sent")
    sent.add_argument("--to", metavar="TEXT", required=True, help="to whom they were sent")
    sent.add_argument("--reference", metavar="TEXT", default="", help="the reference of the message sent")
    sent.set_defaults(func=cmd_request_sent)

    remind = actions.add_parser(
        "remind",
        help="e-mail focal points about targeted questions due soon or overdue (for cron)",
        description="E-mail the focal points of departments whose targeted questions are still to answer "
        "(draft or returned) and due within 3 days or overdue. Each question is reminded about at most "
        "once a day, so running it several times a day is harmless. Run it daily from cron, e.g.: "
        "0 8 * * * naptrack request remind",
    )
    remind.add_argument(
        "--date", metavar="YYYY-MM-DD", type=iso_date, help="act as if today were this date (default: today)"
    )
    remind.set_defaults(func=cmd_request_remind)
    return parser


def request_with_id(pk: int) -> Request:
    from naptrack.international.models import Request

    request = Request.objects.select_related("framework").filter(pk=pk).first()
    if request is None:
        raise Failure(f"no request {pk}; 'naptrack request list' shows the requests and their ids")
    return request


def describe(request: Request) -> str:
    return f"request {request.pk} ({request.framework.code}, {request.period})"


# --- commands -------------------------------------------------------------------------------------


def cmd_request_create(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.international.services import request_create

    framework = framework_named(args.framework)
    who = manager_actor(args)
    start, end = args.period
    try:
        request = request_create(
            actor=who,
            framework=framework,
            period_start=start,
            period_end=end,
            due_on=args.due,
            reference=args.reference,
            received_on=args.received,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    answers = list(request.answers.values_list("flagged", flat=True))
    flagged = sum(answers)
    print(request.pk)
    note = f"{flagged} of {len(answers)} questions flagged: nothing reported behind them"
    if flagged == len(answers):
        note += " (does a round cover the period, and are the questions linked? see 'naptrack framework map')"
    print(f"{describe(request)} created, due {request.due_on.isoformat()}; {note}", file=sys.stderr)


def cmd_request_list(args: argparse.Namespace) -> None:
    from naptrack.international.models import Request

    requests = Request.objects.with_progress().order_by("due_on", "pk")
    if not requests:
        print("no request yet; create one with: naptrack request create --framework CODE --period YEAR --due DATE")
        return
    rows = [("ID", "FRAMEWORK", "PERIOD", "DUE", "REFERENCE", "QUESTIONS", "ANSWERED", "FLAGGED", "SENT", "VISIBILITY")]
    rows += [
        (
            str(r.pk),
            r.framework.code,
            r.period,
            r.due_on.isoformat(),
            r.reference or "-",
            str(r.n_questions),
            str(r.n_answered),
            str(r.n_flagged),
            str(r.n_sent),
            r.visibility,
        )
        for r in requests
    ]
    print_table(rows)


def _figures(answer) -> str:
    parts = [f"{key} {getattr(answer, key)}" for key in ("women", "men", "other") if getattr(answer, key) is not None]
    if answer.total is not None:
        total = answer.total
        parts.append(f"total {int(total) if total == total.to_integral_value() else total}")
    if answer.yes is not None:
        parts.append("yes" if answer.yes else "no")
    return ", ".join(parts)


def cmd_request_show(args: argparse.Namespace) -> None:
    request = request_with_id(args.id)
    framework = request.framework
    print(f"{describe(request)}: {framework.name} {framework.version}".rstrip())
    facts = [f"due {request.due_on.isoformat()}", f"version {request.version}", request.visibility]
    if request.reference:
        facts.insert(0, f"reference {request.reference}")
    if request.received_on:
        facts.insert(1, f"received {request.received_on.isoformat()}")
    print(", ".join(facts))
    for answer in request.answers.for_pack():
        flags = [flag for flag, on in (("FLAGGED", answer.flagged), ("EDITED", answer.edited)) if on]
        print()
        print(f"{answer.question.code}  {answer.question.text}" + (f"  [{' '.join(flags)}]" if flags else ""))
        text = " ".join(answer.text.split())
        print(f"    {text[:300] + ('...' if len(text) > 300 else '') if text else '(no answer)'}")
        if figures := _figures(answer):
            print(f"    {figures}")
        for targeted in answer.targeted_questions.all():
            print(f"    asked {targeted.department.code}: {targeted.state}, due {targeted.due_on.isoformat()}")
    dispatches = list(request.dispatches.order_by("version"))
    print()
    if not dispatches:
        print("not sent yet")
    for dispatch in dispatches:
        print(f"version {dispatch.version} sent on {dispatch.sent_on.isoformat()} to {dispatch.sent_to}")


def cmd_request_export(args: argparse.Namespace) -> None:
    from naptrack.international import exports

    request = request_with_id(args.id)
    if args.version is None:
        content = exports.pack_snapshot(request)
        what = f"the answers as they are now (version {request.version}, not sent)"
    else:
        dispatch = request.dispatches.filter(version=args.version).first()
        if dispatch is None:
            sent = ", ".join(str(v) for v in request.dispatches.order_by("version").values_list("version", flat=True))
            raise Failure(
                f"{describe(request)} has no version {args.version} sent; versions sent: {sent or 'none'} "
                "(leave out --version for the answers as they are now)"
            )
        content = dispatch.content
        what = f"version {dispatch.version} as sent on {dispatch.sent_on.isoformat()}"
    data = exports.render(content, args.format, args.lang)
    if args.output == "-":
        if args.format != "csv" and sys.stdout.isatty():
            raise Failure(f"{args.format} is a binary format: give -o FILE.{args.format}")
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = Path(args.output)
    if not path.parent.is_dir():
        raise Failure(f"cannot write {args.output}: no directory {path.parent}")
    write_atomically(path, data)
    print(f"wrote {args.output} ({len(data)} bytes): {describe(request)}, {what}, in {args.lang}")


def cmd_request_sent(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.international.services import InternationalError, request_mark_sent

    request = request_with_id(args.id)
    who = manager_actor(args)
    try:
        dispatch = request_mark_sent(
            actor=who, request=request, sent_on=args.date, sent_to=args.to, reference=args.reference
        )
    except (ValidationError, PermissionDenied, InternationalError) as exc:
        raise service_failure(exc) from None
    print(
        f"{describe(request)}: version {dispatch.version} sent on {dispatch.sent_on.isoformat()} to "
        f"{dispatch.sent_to}, frozen; later edits make version {dispatch.version + 1}"
    )


def cmd_request_remind(args: argparse.Namespace) -> None:
    from django.utils import timezone

    from naptrack.accounts.system import SystemActor
    from naptrack.cli.common import actor
    from naptrack.international.services import targeted_questions_remind

    today = args.date or timezone.localdate()
    try:
        reminded = targeted_questions_remind(actor=SystemActor(actor()), today=today)
    except OSError as exc:  # the mail server's refusal: the questions reminded so far are marked
        raise Failure(f"{today.isoformat()}: sending the reminders failed: {exc}; run again to retry") from None
    if reminded:
        print(f"{today.isoformat()}: reminded focal points of {reminded} targeted question(s)")
    else:
        print(f"{today.isoformat()}: no targeted question to remind about")
