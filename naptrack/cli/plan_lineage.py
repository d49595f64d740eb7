"""`naptrack plan successor|adopt|link|compare`: the next plan drafted from the last one, adopted,
its lines linked to the lines they continue, and two plans compared (naptrack.plans.successors,
naptrack.plans.lineage). Registered by cli/plan.py under `naptrack plan`."""

from __future__ import annotations

import argparse
import csv
import sys

from naptrack.cli.common import Failure, acting_user, plan_named, print_table, service_failure


def add_parsers(actions: argparse._SubParsersAction) -> None:
    from naptrack.cli.plan import _period, _slug

    successor = actions.add_parser(
        "successor",
        help="draft the next plan from an adopted one",
        description="Make a draft plan NEW from the adopted plan SLUG: every objective, goal, line of "
        "action, monitoring instrument (kind, unit, by sex), note and responsible department is "
        "carried over with its translations, lines and instruments retired by an amendment left "
        "behind; targets are NOT copied (the new plan sets its own for its period). Each new line is "
        "linked to the line it continues. The draft is internal until 'naptrack plan adopt NEW'; "
        "edit it meanwhile with 'naptrack plan load' (export it with 'naptrack plan export NEW').",
    )
    successor.add_argument("slug", metavar="SLUG", help="the plan it follows, as 'naptrack plan list' shows it")
    successor.add_argument(
        "--slug", dest="new_slug", required=True, type=_slug, metavar="NEW", help="the new plan's slug"
    )
    successor.add_argument("--title", required=True, help="the new plan's title (in English)")
    successor.add_argument("--period", required=True, type=_period, help="the new plan's years, e.g. 2017-2021")
    successor.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this coordinator")
    successor.set_defaults(func=cmd_plan_successor)

    adopt = actions.add_parser(
        "adopt",
        help="adopt a draft plan: it becomes public",
        description="A draft plan (made by 'naptrack plan successor') becomes adopted: the public sees it "
        "from now on, and reporting rounds may open under it.",
    )
    adopt.add_argument("slug", metavar="SLUG", help="the draft plan's slug")
    adopt.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this coordinator")
    adopt.set_defaults(func=cmd_plan_adopt)

    link = actions.add_parser(
        "link",
        help="propose (and confirm) links from a plan's lines to an earlier plan's",
        description="For a next plan imported from its own document: list, for each line of NEW, the "
        "line(s) of the earlier plan OLD it most likely continues, by the similarity of their texts "
        "(one line each: NEW-LINE <- OLD-LINE SCORE). With --confirm the proposals are saved as links, "
        "all or none. A line proposed several old lines merges them; review with --propose first.",
    )
    link.add_argument("slug", metavar="NEW", help="the later plan's slug")
    link.add_argument("--propose", required=True, metavar="OLD", help="the earlier plan's slug")
    link.add_argument("--confirm", action="store_true", help="save the proposals as links")
    link.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this coordinator")
    link.set_defaults(func=cmd_plan_link)

    compare = actions.add_parser(
        "compare",
        help="compare two plans line by line",
        description="By objective of NEW: each line kept (continues a line of OLD, same text), changed "
        "(continues one, text differs), or new (continues none); then the lines of OLD no line of NEW "
        "continues (dropped). A line continuing several old lines is a merge, several lines continuing "
        "one old line a split. csv gives one row per link.",
    )
    compare.add_argument("old", metavar="OLD", help="the earlier plan's slug")
    compare.add_argument("new", metavar="NEW", help="the later plan's slug")
    compare.add_argument("--format", choices=("text", "csv"), default="text", help="default: %(default)s")
    compare.set_defaults(func=cmd_plan_compare)


def _coordinator(args: argparse.Namespace, perm: str):
    who = acting_user(args.as_user)
    # Checked before the service would refuse, so that the reason says what --as must name.
    if args.as_user and not who.has_perm(perm):
        raise Failure(f"{who.get_username()} may not do this: --as must name a coordinator")
    return who


def cmd_plan_successor(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.plans.successors import plan_successor

    old = plan_named(args.slug)
    start, end = args.period
    try:
        new = plan_successor(
            actor=_coordinator(args, "plans.create_successor"),
            plan=old,
            slug=args.new_slug,
            title=args.title,
            period_start=start,
            period_end=end,
        )
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    c = new.counts
    print(
        f"draft plan {new.slug} ({new.period}) made from {old.slug}: {c.objectives} objectives, {c.goals} goals, "
        f"{c.lines} lines of action, {c.instruments} instruments, {c.notes} notes; {c.links} lines linked to "
        f"the lines they continue; no targets (set the new plan's own). Adopt it with: naptrack plan adopt {new.slug}"
    )


def cmd_plan_adopt(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.plans.successors import plan_adopt

    plan = plan_named(args.slug)
    try:
        plan_adopt(actor=_coordinator(args, "plans.adopt_plan"), plan=plan)
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    print(f"plan {plan.slug} adopted: public from now on")


def cmd_plan_link(args: argparse.Namespace) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from naptrack.plans.lineage import lineage_confirm, lineage_propose

    new, old = plan_named(args.slug), plan_named(args.propose)
    if old.pk == new.pk:
        raise Failure("--propose names the same plan: give the earlier plan")
    if (old.period_start, old.period_end) >= (new.period_start, new.period_end):
        raise Failure(f"{old.slug} ({old.period}) is not earlier than {new.slug} ({new.period})")
    proposals = lineage_propose(old, new)
    for p in proposals:
        print(f"{p.line.code} <- {p.continues.code} {p.score:.2f}")
    proposed = {p.line.pk for p in proposals}
    print(
        f"{len(proposals)} link(s) proposed for {len(proposed)} of the lines of {new.slug}",
        file=sys.stderr,
    )
    if not args.confirm:
        return
    try:
        made = lineage_confirm(
            actor=_coordinator(args, "plans.change_lineage"),
            new_plan=new,
            pairs=[(p.line.pk, p.continues.pk) for p in proposals],
        )
    except (ValidationError, PermissionDenied) as exc:
        raise service_failure(exc) from None
    print(f"{made} link(s) saved", file=sys.stderr)


def cmd_plan_compare(args: argparse.Namespace) -> None:
    from naptrack.core.spreadsheets import csv_row
    from naptrack.plans.lineage import compare, comparison_rows

    old, new = plan_named(args.old), plan_named(args.new)
    if old.pk == new.pk:
        raise Failure("OLD and NEW name the same plan")
    if (old.period_start, old.period_end) >= (new.period_start, new.period_end):
        raise Failure(f"{old.slug} ({old.period}) is not earlier than {new.slug} ({new.period}): give OLD first")
    comparison = compare(old, new)
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        for row in comparison_rows(comparison):
            writer.writerow(csv_row(row))
        return
    counts = comparison.counts
    print(f"{old.slug} ({old.period}) -> {new.slug} ({new.period})")
    print(
        f"{counts['kept']} kept, {counts['changed']} changed, {counts['new']} new, {counts['dropped']} dropped; "
        f"{counts['splits']} split(s), {counts['merges']} merge(s)"
    )
    for section in comparison.sections:
        print()
        print(f"Objective {section.objective.number}: {section.objective.title_en}")
        rows = []
        for row in section.rows:
            marks = [m for m, on in (("merge", row.merge), ("split", row.split)) if on]
            before = ", ".join(o.code for o in row.continues) or "-"
            rows.append((row.line.code, row.status, f"<- {before}", " ".join(marks)))
        if rows:
            print_table(rows)
    if comparison.dropped:
        print()
        print("Dropped:")
        print_table([(row.continues[0].code, row.continues[0].text_en[:70]) for row in comparison.dropped])
