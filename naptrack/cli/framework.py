"""`naptrack framework`: question sets from international bodies (the UN, the EU, CEDAW, the OSCE)
loaded from CSV or XLSX, listed, linked to the plans' monitoring instruments and lines of action,
and the links naptrack suggests for them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from naptrack.cli.common import Failure, framework_named, manager_actor, plan_named, print_table, service_failure

if TYPE_CHECKING:
    from naptrack.international.models import Framework, Question
    from naptrack.plans.models import Action, Instrument

# Body's values (naptrack/international/models.py), spelt out here because --help is answered
# before Django is set up; tests/test_international_cli.py checks that they agree.
BODIES = ("un", "eu", "cedaw", "osce", "nato", "other")

ACTOR = (
    "Changes are made and audited as 'cli:<your login name>', the installation acting through its "
    "command line; give --as USERNAME to act as (and be recorded as) a coordinator instead."
)
TARGETS = (
    "PLAN is the plan's slug ('naptrack plan list'), LINE the line of action's code (14.a, or 9 where "
    "a goal has a single line) and N the instrument's position on the line, counting from 1; N may be "
    "left out when the line has a single instrument."
)


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "framework",
        help="question sets from the UN, the EU, CEDAW, the OSCE: load, list, link to the plan",
        description="Question sets (frameworks) of international bodies, and their links to the plans' "
        f"monitoring instruments and lines of action, from which requests draft their answers. {ACTOR}",
    )
    actions = parser.add_subparsers(dest="framework_command", metavar="ACTION", required=True)
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="act as this coordinator (checked against their permissions, named in the audit trail) "
        "instead of as 'cli:<your login name>'",
    )

    load = actions.add_parser(
        "load",
        parents=[acting],
        help="load a question set from a CSV or XLSX file",
        description="Load a framework's questions from a CSV or XLSX file with a header row naming its "
        "columns: code and text (required), group and kind (text, number, by sex, yes/no), in English, "
        "French or Dutch (code, question, groupe, type; code, vraag, groep, soort). The framework's code "
        "comes from its body, name and version; loading the same framework again keeps its questions' "
        "codes and links, and a new version of a framework takes over its predecessor's links for the "
        "same codes. A file with any problem is refused whole, every problem listed with its row. "
        "For example: naptrack framework load eu-indicators.xlsx --body eu --name 'EU indicators' "
        f"--version 2014. {ACTOR}",
    )
    load.add_argument("file", metavar="FILE", help="the .csv or .xlsx file")
    load.add_argument("--body", required=True, choices=BODIES, help="the body that asks the questions")
    load.add_argument("--name", metavar="TEXT", required=True, help="the framework's name")
    load.add_argument("--version", metavar="TEXT", default="", help="its version or year")
    load.add_argument("--source", metavar="TEXT", default="", help="the document the questions come from")
    load.add_argument("--dry-run", action="store_true", help="check the file and say what would change; write nothing")
    load.set_defaults(func=cmd_framework_load)

    listing = actions.add_parser(
        "list",
        help="list the frameworks with their number of questions, linked questions and requests",
        description="List the frameworks: code, body, name, version, questions, questions linked to the "
        "plan (LINKED) and requests answering them.",
    )
    listing.set_defaults(func=cmd_framework_list)

    mapping = actions.add_parser(
        "map",
        parents=[acting],
        help="link a question to a monitoring instrument or a line of action (or --remove the link)",
        description="Link a framework's question to a monitoring instrument (--instrument PLAN:LINE[:N]) "
        f"or to a whole line of action (--line PLAN:LINE) of any plan. {TARGETS} With --remove, the link "
        "is removed instead. For example: naptrack framework map eu-eu-indicators-2014 --question 3 "
        f"--instrument be-nap-2013-2016:21:2. {ACTOR}",
    )
    mapping.add_argument("code", metavar="CODE", help="the framework's code, as 'naptrack framework list' shows")
    mapping.add_argument("--question", metavar="Q", required=True, help="the question's code")
    target = mapping.add_mutually_exclusive_group(required=True)
    target.add_argument("--instrument", metavar="PLAN:LINE[:N]", help="a monitoring instrument")
    target.add_argument("--line", metavar="PLAN:LINE", help="a whole line of action")
    mapping.add_argument("--remove", action="store_true", help="remove the link instead of adding it")
    mapping.set_defaults(func=cmd_framework_map)

    suggest = actions.add_parser(
        "suggest",
        help="print the instruments that most resemble each question, with their scores",
        description="For each question of the framework (or only --question Q), print the monitoring "
        "instruments of every plan whose text most resembles it, best first, as PLAN:LINE:N with the "
        "instrument's text and a score between 0 and 1, and the links it already has. Nothing is written: "
        "confirm a suggestion with 'naptrack framework map'.",
    )
    suggest.add_argument("code", metavar="CODE", help="the framework's code")
    suggest.add_argument("--top", metavar="N", type=_top, default=3, help="suggestions per question (default: 3)")
    suggest.add_argument("--question", metavar="Q", help="only this question")
    suggest.set_defaults(func=cmd_framework_suggest)
    return parser


def _top(value: str) -> int:
    from naptrack.core.numbers import whole_number

    number = whole_number(value)
    if not number or number > 50:
        raise argparse.ArgumentTypeError(f"give a number from 1 to 50, not {value!r}")
    return number


# --- naming frameworks, questions and targets -----------------------------------------------------


def question_named(framework: Framework, code: str) -> Question:
    question = framework.questions.filter(code=code).first()
    if question is None:
        codes = list(framework.questions.order_by("position").values_list("code", flat=True))
        shown = ", ".join(codes[:30]) + (", ..." if len(codes) > 30 else "")
        raise Failure(f"framework {framework.code} has no question {code!r}; its questions: {shown or 'none'}")
    return question


def _line(spec: str, option: str) -> tuple[Action, list[str]]:
    """The line of action PLAN:LINE names, and what follows it in spec."""
    from naptrack.plans.models import Action

    parts = spec.split(":")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        shape = "PLAN:LINE" if option == "--line" else "PLAN:LINE[:N]"
        raise Failure(f"{option} {spec!r}: give {shape}, such as be-nap-2013-2016:21")
    plan = plan_named(parts[0])
    action = Action.objects.filter(plan=plan, code=parts[1]).first()
    if action is None:
        raise Failure(f"plan {plan.slug} has no line of action {parts[1]!r}")
    return action, parts[2:]


def line_named(spec: str) -> Action:
    action, rest = _line(spec, "--line")
    if rest:
        raise Failure(f"--line {spec!r}: give PLAN:LINE; name an instrument with --instrument PLAN:LINE:N")
    return action


def instrument_named(spec: str) -> Instrument:
    from naptrack.core.numbers import whole_number

    action, rest = _line(spec, "--instrument")
    instruments = list(action.instruments.order_by("position"))
    where = f"{action.plan.slug}:{action.code}"
    listed = [f"  {where}:{n}  {i.text}" for n, i in enumerate(instruments, start=1)]
    if len(rest) > 1:
        raise Failure(f"--instrument {spec!r}: give PLAN:LINE[:N]")
    if not instruments:
        raise Failure(f"line {where} has no monitoring instrument; link the whole line with --line {where}")
    if not rest:
        if len(instruments) == 1:
            return instruments[0]
        raise Failure(f"line {where} has {len(instruments)} instruments: name one as {where}:N", *listed)
    number = whole_number(rest[0])
    if not number or number > len(instruments):
        raise Failure(
            f"line {where} has no instrument {rest[0]!r}: it has {len(instruments)}, numbered from 1", *listed
        )
    return instruments[number - 1]


def instrument_labels(instruments) -> dict[int, str]:
    """PLAN:LINE:N for each instrument, N counted from 1 on its line as the options read it."""
    from naptrack.plans.models import Instrument

    action_ids = {i.action_id for i in instruments}
    labels: dict[int, str] = {}
    siblings = Instrument.objects.filter(action_id__in=action_ids).select_related("action__plan")
    counted: dict[int, int] = {}
    for sibling in siblings.order_by("action_id", "position"):
        counted[sibling.action_id] = counted.get(sibling.action_id, 0) + 1
        labels[sibling.pk] = f"{sibling.action.plan.slug}:{sibling.action.code}:{counted[sibling.action_id]}"
    return labels


# --- commands -------------------------------------------------------------------------------------


def cmd_framework_load(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.international.files import FrameworkFileError, read_framework_file
    from naptrack.international.services import FrameworkRefused, framework_load

    path = Path(args.file)
    if not path.is_file():
        raise Failure(f"cannot read {args.file}: no such file")
    who = manager_actor(args)
    try:
        parsed = read_framework_file(path)
    except FrameworkFileError as exc:
        raise Failure(f"{exc} Nothing was loaded.") from None
    except OSError as exc:
        raise Failure(f"cannot read {args.file}: {exc.strerror}") from None
    try:
        result = framework_load(
            actor=who,
            parsed=parsed,
            body=args.body,
            name=args.name,
            version=args.version,
            source=args.source,
            dry_run=args.dry_run,
        )
    except FrameworkRefused as exc:
        raise Failure(f"{args.file}: {len(exc.problems)} problem(s); nothing was loaded", *exc.problems) from None
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    framework = result.framework
    verb = "would be created" if result.created else "would be updated"
    if not args.dry_run:
        verb = "created" if result.created else "updated"
    print(
        f"framework {framework.code} {verb}: {len(parsed.questions)} questions "
        f"({len(result.added)} added, {len(result.changed)} changed, {len(result.removed)} removed; "
        f"{result.carried} links carried over)" + (" - dry run, nothing written" if args.dry_run else "")
    )


def cmd_framework_list(args: argparse.Namespace) -> None:
    from naptrack.international.models import Framework

    frameworks = Framework.objects.with_counts().order_by("body", "name", "version", "code")
    if not frameworks:
        print("no framework yet; load one with: naptrack framework load FILE --body BODY --name TEXT")
        return
    rows = [("CODE", "BODY", "NAME", "VERSION", "QUESTIONS", "LINKED", "REQUESTS")]
    rows += [
        (f.code, f.body, f.name, f.version or "-", str(f.n_questions), str(f.n_mapped), str(f.n_requests))
        for f in frameworks
    ]
    print_table(rows)


def cmd_framework_map(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.international.models import Mapping
    from naptrack.international.services import mapping_add, mapping_remove

    framework = framework_named(args.code)
    question = question_named(framework, args.question)
    if args.instrument:
        instrument, action = instrument_named(args.instrument), None
        label = args.instrument if args.instrument.count(":") == 2 else instrument_labels([instrument])[instrument.pk]
        text = instrument.text
    else:
        instrument, action = None, line_named(args.line)
        label, text = args.line, action.text
    who = manager_actor(args)
    try:
        if args.remove:
            mapping = Mapping.objects.filter(question=question, instrument=instrument, action=action).first()
            if mapping is None:
                raise Failure(f"question {question.code} of {framework.code} is not linked to {label}")
            mapping_remove(actor=who, mapping=mapping)
        else:
            mapping_add(actor=who, question=question, instrument=instrument, action=action)
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    verb = "unlinked from" if args.remove else "linked to"
    print(f"{framework.code} question {question.code} {verb} {label}: {text}")


def cmd_framework_suggest(args: argparse.Namespace) -> None:
    from naptrack.international.models import Mapping
    from naptrack.international.suggestions import suggester_for_plans

    framework = framework_named(args.code)
    if args.question:
        questions = [question_named(framework, args.question)]
    else:
        questions = list(framework.questions.order_by("position"))
    if not questions:
        print(f"framework {framework.code} has no question yet")
        return
    suggester = suggester_for_plans()
    labels = instrument_labels([c.instrument for c in suggester.candidates])
    links: dict[int, list[Mapping]] = {}
    for mapping in Mapping.objects.filter(question__in=questions).select_related("action__plan").order_by("pk"):
        links.setdefault(mapping.question_id, []).append(mapping)
    for question in questions:
        print(f"{question.code}  {question.text}")
        linked = links.get(question.pk, [])
        for mapping in linked:
            target = labels.get(mapping.instrument_id) if mapping.instrument_id else None
            target = target or f"{mapping.action.plan.slug}:{mapping.action.code}"
            print(f"    linked  {target}")
        exclude = {m.instrument_id for m in linked if m.instrument_id}
        suggestions = suggester.suggest(question.text, top=args.top, exclude=exclude, kind=question.kind)
        if not suggestions:
            print("    no suggestion")
        for suggestion in suggestions:
            instrument = suggestion.instrument
            print(f"    {suggestion.score:.3f}  {labels[instrument.pk]}  {instrument.text}")
