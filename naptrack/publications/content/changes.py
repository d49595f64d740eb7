"""What changed since the previous round: each line and department's status beside the one it
had in the round just before (the baseline included), whether it moved, and the previous round's
qualitative answers.

The order on the plan's status scale: not started < in progress < completed = continuous. A
standing task (continuous) is as far as a line can go, like a completed one, so completed ->
continuous "stayed". "Not applicable", no status given, or no report in either round lie outside
the order: such a pair is "not compared", neither forward nor back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.plans.models import Action, Department, Instrument
from naptrack.publications.content.formatting import translated
from naptrack.publications.content.loading import Source
from naptrack.publications.content.tree import (
    BACK,
    FORWARD,
    MOVEMENTS,
    NOT_COMPARED,
    SAME,
    Change,
    CountRow,
    DepartmentRef,
    Movements,
    PreviousAnswer,
)
from naptrack.reporting.models import Contribution

RANK = {
    Contribution.Status.NOT_STARTED: 0,
    Contribution.Status.IN_PROGRESS: 1,
    Contribution.Status.COMPLETED: 2,
    Contribution.Status.CONTINUOUS: 2,
}


def movement(before: str, after: str) -> str:
    """FORWARD, SAME, BACK, or NOT_COMPARED when either status lies outside the order."""
    if before not in RANK or after not in RANK:
        return NOT_COMPARED
    if RANK[after] > RANK[before]:
        return FORWARD
    if RANK[after] < RANK[before]:
        return BACK
    return SAME


def movement_labels() -> dict[str, str]:
    return {
        FORWARD: _("Moved forward"),
        SAME: _("Stayed"),
        BACK: _("Went back"),
        NOT_COMPARED: _("Not compared"),
    }


class Comparison:
    """The previous round's shown contributions, by line and department, and the counts of
    movements per objective as the lines are built."""

    def __init__(self, source: Source, status_labels: dict[str, str], round_label: str):
        self.source = source
        self.status_labels = status_labels
        self.round_label = round_label
        previous = source.previous
        self.by_pair: dict[tuple[int, int], Contribution] = {}
        self.by_action: dict[int, list[Contribution]] = defaultdict(list)
        if previous is not None:
            for c in source.contributions:
                if c.round_id == previous.pk:
                    self.by_pair[(c.action_id, c.department_id)] = c
                    self.by_action[c.action_id].append(c)
        self.counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

    @property
    def active(self) -> bool:
        return self.source.previous is not None

    def change(self, objective: int, c: Contribution) -> Change | None:
        """This year's contribution `c` beside the same department's on the same line last round."""
        if not self.active:
            return None
        before_c = self.by_pair.get((c.action_id, c.department_id))
        before = before_c.status if before_c is not None else ""
        moved = movement(before, c.status)
        self.counts[objective][moved] += 1
        if before_c is None:
            before_label = _("no report")
        else:
            before_label = self.status_labels.get(before, "") or _("no status given")
        after_label = self.status_labels.get(c.status, "") or _("no status given")
        return Change(
            round_label=self.round_label,
            status=before,
            status_label=before_label,
            movement=moved,
            label=f"{before_label} \u2192 {after_label}",
        )

    def answers(
        self, a: Action, instruments: list[Instrument], lang: str, dept: Callable[[Department], DepartmentRef]
    ) -> list[PreviousAnswer]:
        """The previous round's narratives and qualitative answers on line `a`, in the order of the
        line's departments and instruments; empty ones left out."""
        out: list[PreviousAnswer] = []
        qualitative = {i.pk: i for i in instruments if i.kind != Instrument.Kind.QUANTITATIVE}
        order = {r.department_id: n for n, r in enumerate(self.source.responsibilities.get(a.pk, []))}
        for c in sorted(self.by_action.get(a.pk, []), key=lambda c: order.get(c.department_id, len(order))):
            ref = dept(c.department)
            if c.narrative.strip():
                out.append(PreviousAnswer(ref, 0, None, c.narrative, markdown=True))
            for m in self.source.measurements.get(c.pk, []):
                instrument = qualitative.get(m.instrument_id)
                if instrument is not None and m.text.strip():
                    out.append(PreviousAnswer(ref, instrument.position, translated(instrument, "text", lang), m.text))
        return out

    def summary(self, objectives: list[tuple[int, str]]) -> Movements | None:
        """Counts per objective (number, label) and in all; None without a previous round."""
        if not self.active:
            return None
        labels = movement_labels()
        columns = [(m, labels[m]) for m in MOVEMENTS]
        rows = []
        totals: dict[str, int] = defaultdict(int)
        for number, label in objectives:
            counts = self.counts.get(number, {})
            rows.append(CountRow(label, {m: counts.get(m, 0) for m in MOVEMENTS}, sum(counts.values())))
            for m in MOVEMENTS:
                totals[m] += counts.get(m, 0)
        total = CountRow(capfirst(_("total")), dict(totals), sum(totals.values()))
        return Movements(previous_label=self.round_label, columns=columns, by_objective=rows, total=total)
