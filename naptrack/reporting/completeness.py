"""Completeness of a round: contributions per state, grouped by department or objective, each
grouping one aggregate query whatever the number of contributions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q

from naptrack.core.palette import state_css
from naptrack.plans.models import Department, PlanDepartment
from naptrack.reporting.models import Contribution, Round

STATES = tuple(Contribution.State.values)  # draft, submitted, returned, approved
MISSING = ("draft", "returned")


@dataclass
class CountRow:
    """One line of a completeness table: contributions per state."""

    subject: Any
    counts: dict[str, int]
    level: int = 0
    family: list[int] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    family_missing: int = 0

    @property
    def total(self) -> int:
        return self.counts.get("total", 0)

    @property
    def missing(self) -> int:
        return sum(self.counts.get(s, 0) for s in MISSING)

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(s, 0) for s in STATES]

    @property
    def bar(self) -> list[tuple[str, float, float, str]]:
        """Each state's segment of the visual bar: where it starts and its share, in percent, and
        its colour (the table holds the numbers, so the bar is hidden from screen readers). The
        bar is an SVG whose rectangles take these as attributes: an inline style attribute would
        need 'unsafe-inline' in the Content Security Policy."""
        if not self.total:
            return []
        segments, start = [], 0.0
        for s in STATES:
            if self.counts.get(s):
                share = round(100 * self.counts[s] / self.total, 2)
                segments.append((s, round(start, 2), share, state_css(s)))
                start += share
        return segments


def _state_counts() -> dict[str, Count]:
    return {"total": Count("*"), **{f"n_{s}": Count("state", filter=Q(state=s)) for s in STATES}}


def counts_by(round_: Round, key: str) -> dict[int, dict[str, int]]:
    """Contributions per state grouped by `key`, in one aggregate query."""
    rows = Contribution.objects.filter(round=round_).order_by().values(key).annotate(**_state_counts())
    return {row[key]: {"total": row["total"], **{s: row[f"n_{s}"] for s in STATES}} for row in rows}


def departments_in_tree_order(round_: Round) -> list[tuple[Department, int]]:
    """The plan's departments, each followed by its units, with their depth."""
    departments = [
        pd.department for pd in PlanDepartment.objects.filter(plan_id=round_.plan_id).select_related("department")
    ]
    known = {d.pk for d in departments}
    ordered: list[tuple[Department, int]] = []
    for top in (d for d in departments if d.parent_id not in known):
        ordered.append((top, 0))
        ordered.extend((d, 1) for d in departments if d.parent_id == top.pk)
    return ordered
