"""What civil society adds to reporting's pages through reporting/worklist.py (reporting may not
import this app): a round's dashboard counts the round's assessments and shows line 35's figures,
and a contribution's page lists the plan's events to cite (line 34's instrument, in the Belgian plan)."""

from __future__ import annotations

from typing import Any

import rules
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest

from naptrack.civilsociety.models import Assessment, Event
from naptrack.civilsociety.services import round_figures
from naptrack.reporting.worklist import Section


def round_section(request: HttpRequest, round_: Any) -> Section | None:
    """Coordinators, readers and the plan's evaluator only: four queries (counts by state, line
    35's three figures)."""
    # rules.has_perm, not user.has_perm: a focal point's refusal would cost Django's two
    # permission queries on every dashboard.
    if not rules.has_perm("civilsociety.read_plan", request.user, round_):
        return None
    counts = Assessment.objects.filter(round=round_).counts_by_state()
    return Section(
        "civilsociety/_dashboard.html",
        {
            "counts": [(state, label, counts.get(state, 0)) for state, label in Assessment.State.choices],
            "total": sum(counts.values()),
            "figures": round_figures(round_),
            # The queue lists every plan's assessments: not for an evaluator.
            "queue": rules.has_perm("civilsociety.read_all", request.user),
        },
    )


def contribution_section(request: HttpRequest, contribution: Any) -> Section | None:
    """On a contribution page, once the plan has events: the events, each with a Cite or Uncite
    button for who may change the contribution. Any line may report an event (in the Belgian plan
    it is line 34, whose instrument is "Organisation of two reporting and coordination events"),
    so no line is singled out by its number; the list stays folded until one is cited. One query."""
    cited = Event.cited_by.through.objects.filter(contribution_id=contribution.pk, event_id=OuterRef("pk"))
    events = Event.objects.filter(plan_id=contribution.round.plan_id).annotate(cited=Exists(cited))
    if not rules.has_perm("civilsociety.read_plan", request.user, contribution):
        # A focal point reads the published record only (and what their contribution already cites).
        events = events.filter(Q(public=True) | Q(cited=True))
    events = list(events.order_by("date", "pk"))
    if not events:
        return None
    return Section(
        "civilsociety/_contribution_events.html",
        {
            "contribution": contribution,
            "events": events,
            "any_cited": any(e.cited for e in events),
            "can_cite": request.user.has_perm("reporting.change_contribution", contribution),
        },
    )
