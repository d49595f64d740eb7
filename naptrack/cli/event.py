"""`naptrack event`: the consultation and coordination events with civil society (line 34 of the
Belgian plan: "Organisation of two reporting and coordination events"), as recorded."""

from __future__ import annotations

import argparse

from naptrack.cli.common import plan_named, print_table


def add_parser(commands: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = commands.add_parser(
        "event",
        help="consultation events with civil society and their recommendations: list",
        description="Consultation and coordination events with civil society (the mid-term and final "
        "consultations, and others), recorded with their participants by sex and their recommendations.",
    )
    actions = parser.add_subparsers(dest="event_command", metavar="ACTION", required=True)
    listing = actions.add_parser(
        "list",
        help="list a plan's events by date",
        description="List a plan's events by date: id, date, kind (mid-term, final, other), title, whether "
        "the portal shows it (PUBLIC), participants by sex (WOMEN, MEN, OTHER: other or not recorded; - when "
        "not counted) and the number of recommendations made there. For example: naptrack event list "
        "--plan be-nap-2013-2016",
    )
    listing.add_argument("--plan", metavar="SLUG", required=True, help="the plan's slug ('naptrack plan list')")
    listing.set_defaults(func=cmd_event_list)
    return parser


def _count(value: int | None) -> str:
    return "-" if value is None else str(value)


def cmd_event_list(args: argparse.Namespace) -> None:
    from django.db.models import Count

    from naptrack.civilsociety.models import Event

    plan = plan_named(args.plan)
    events = Event.objects.filter(plan=plan).annotate(n_recommendations=Count("recommendations")).order_by("date", "pk")
    if not events:
        print(f"no event recorded for plan {plan.slug} yet")
        return
    rows = [("ID", "DATE", "KIND", "TITLE", "PUBLIC", "WOMEN", "MEN", "OTHER", "RECOMMENDATIONS")]
    rows += [
        (
            str(e.pk),
            e.date.isoformat(),
            e.kind,
            e.title,
            "yes" if e.public else "no",
            _count(e.women),
            _count(e.men),
            _count(e.other),
            str(e.n_recommendations),
        )
        for e in events
    ]
    print_table(rows)
