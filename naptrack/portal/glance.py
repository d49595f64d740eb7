"""The plan at a glance, at the top of its home page: a few key figures in large type and, per
objective, a card with its progress (a bar of statuses and their counts). Built from what the
page has already read (the plan's tree and queries.implementation), plus one aggregate query for
the share of women in the published figures: the count is the same whatever the data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from naptrack.core import palette
from naptrack.plans.models import Objective
from naptrack.portal.queries import Implementation
from naptrack.reporting.models import Contribution, Measurement

COMPLETED = Contribution.Status.COMPLETED.value
IN_PROGRESS = Contribution.Status.IN_PROGRESS.value


@dataclass
class Segment:
    """One status's part of an objective's bar, in per cent of its length."""

    key: str
    label: str
    n: int
    start: float
    width: float
    colour: str


@dataclass
class ObjectiveCard:
    objective: Objective
    goals: int
    lines: int
    segments: list[Segment] = field(default_factory=list)
    total: int = 0


@dataclass
class Glance:
    lines: int
    objectives: int
    cards: list[ObjectiveCard]
    # From the latest published round (None before any): each line counted once per responsible
    # department, as the report to parliament counts them; `expected` is that count.
    completed: float | None = None
    in_progress: float | None = None
    expected: int = 0
    published: int = 0
    share_of_women: float | None = None


def glance(objectives: list[Objective], implementation: Implementation | None) -> Glance:
    """`objectives` carry the plan's tree (Objective.objects.with_tree())."""
    rows = {row.number: row for row in implementation.objectives} if implementation else {}
    labels = dict(implementation.columns) if implementation else {}
    cards = []
    for objective in objectives:
        goals = objective.tree_goals
        lines = sum(1 for g in goals for a in g.tree_actions if a.retired_in_id is None)
        card = ObjectiveCard(objective, len(goals), lines)
        row = rows.get(objective.number)
        if row is not None and row.total:
            card.total = row.total
            card.segments = _segments(row.counts, labels, row.total)
        cards.append(card)
    out = Glance(lines=sum(c.lines for c in cards), objectives=len(cards), cards=cards)
    if implementation is None:
        return out
    out.expected, out.published = implementation.expected, implementation.published
    if out.expected:
        # The objectives' counts cover every expected report, "not public" and "none received"
        # included: the shares are of the whole.
        out.completed = sum(row.counts.get(COMPLETED, 0) for row in implementation.objectives) / out.expected
        out.in_progress = sum(row.counts.get(IN_PROGRESS, 0) for row in implementation.objectives) / out.expected
    out.share_of_women = share_of_women(implementation)
    return out


def _segments(counts: dict[str, int], labels: dict[str, str], total: int) -> list[Segment]:
    segments, start = [], 0.0
    for key, label in labels.items():
        n = counts.get(key, 0)
        if n:
            width = round(100 * n / total, 3)
            segments.append(Segment(key, label, n, round(start, 3), width, palette.status_colour(key)))
            start += width
    return segments


def share_of_women(implementation: Implementation) -> float | None:
    """Women among the people counted by sex in the round's published figures (one query), or
    None when it counted nobody by sex."""
    sums = Measurement.objects.filter(
        contribution__in=Contribution.objects.public().filter(round=implementation.round),
        instrument__by_sex=True,
    ).aggregate(women=Sum("women"), men=Sum("men"), other=Sum("other"))
    women = sums["women"] or 0
    everyone = women + (sums["men"] or 0) + (sums["other"] or 0)
    return float(women / everyone) if everyone else None
