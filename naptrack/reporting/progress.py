"""Progress toward the plan's targets (plans.Target), computed from approved answers.

For an instrument with a target and a round, the value of each year is what the approved answers
of that year's rounds say, summed across departments as the report sums them: the share of women
for a count by sex, the sum for a count, an amount (in the plan's currency only: amounts in
another currency are no part of a target in the plan's) or a number, the pooled numerator over
denominator for a share (the mean of the percentages where a part is missing). The baseline is
the target's own, or else the value of the plan's baseline round.

The status, with its rule (RULES says it in words for the pages):
- no data: no approved value up to the round's year;
- achieved: the latest value reaches the target (at or above it going up, at or below going down);
- on track: the latest value reaches where the plan should stand in its year: the milestone of
  that year, else the straight line from the baseline to the target (without a baseline, any
  value before the target year);
- behind: otherwise.
A text target is read on the plan's status scale: completed is achieved; in progress or
continuous, on track; not started, behind; no status, no data.

A round that is closed or published is read against the targets in force when it closed (when it
was published, for one published without closing): a target amended later leaves the report of a
past round as it was. Those come from the targets' and milestones' row history.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from naptrack.plans.models import Instrument, Milestone, Plan, Target
from naptrack.reporting.models import Contribution, Measurement, Round

NO_DATA, ACHIEVED, ON_TRACK, BEHIND = "no-data", "achieved", "on-track", "behind"
STATUSES = (ON_TRACK, BEHIND, ACHIEVED, NO_DATA)
RULES = {
    NO_DATA: gettext_lazy("No approved value up to this year."),
    ACHIEVED: gettext_lazy("The latest value reaches the target."),
    ON_TRACK: gettext_lazy(
        "The latest value reaches the milestone of its year (or, without one, the straight line from the "
        "baseline to the target)."
    ),
    BEHIND: gettext_lazy("The latest value falls short of where the plan should stand in its year."),
}
# The statuses in words, for every page, file and report that shows them.
STATUS_LABELS = {
    ON_TRACK: gettext_lazy("on track"),
    BEHIND: gettext_lazy("behind"),
    ACHIEVED: gettext_lazy("achieved"),
    NO_DATA: gettext_lazy("no data"),
}
TEXT_STATUS = {"completed": ACHIEVED, "in-progress": ON_TRACK, "continuous": ON_TRACK, "not-started": BEHIND}
FOUR = Decimal("0.0001")


@dataclass
class Progress:
    target: Target
    year: int
    values: dict[int, Decimal] = field(default_factory=dict)
    baseline: tuple[int, Decimal] | None = None
    latest_year: int | None = None
    latest: Decimal | None = None
    milestone: Decimal | None = None
    expected: Decimal | None = None  # where the plan should stand in the latest value's year
    to_milestone: Decimal | None = None  # the latest value's lead (+) or lag (-), in progress's direction
    to_target: Decimal | None = None
    status: str = NO_DATA

    @property
    def rule(self) -> str:
        return str(RULES[self.status])


def targets_of(plan: Plan, at: datetime | None = None) -> list[Target]:
    """The plan's targets in the plan's order: as they are, or as they were at `at`."""
    if at is not None:
        return _targets_at_each(plan, [at])[at]
    return list(
        Target.objects.filter(instrument__action__plan=plan)
        .select_related("instrument__action__goal__objective")
        .prefetch_related("milestones", "instrument__action__responsibilities__department")
        .order_by("instrument__action__goal__number", "instrument__action__position", "instrument__position")
    )


def _as_of(records: list, at: datetime) -> list:
    """The rows of `records` (row history, oldest first) as they stood at `at`."""
    latest: dict[int, Any] = {}
    for record in records:
        if record.history_date > at:
            break
        latest[record.id] = record
    return [r.instance for r in latest.values() if r.history_type != "-"]


def _targets_at_each(plan: Plan, moments: list[datetime]) -> dict[datetime | None, list[Target]]:
    """The targets in force at each of `moments`, each with its milestones of then and its
    instrument (with line, goal, objective and the line's departments of now), in five queries
    whatever the number of moments: the whole history is read once and replayed."""
    history = list(Target.history.filter(instrument__action__plan=plan).order_by("history_date", "history_id"))
    if not history:
        return {at: [] for at in moments}
    milestone_history = list(
        Milestone.history.filter(target_id__in={r.id for r in history}).order_by("history_date", "history_id")
    )
    instruments = Instrument.objects.select_related("action__goal__objective").prefetch_related(
        "action__responsibilities__department"
    )
    by_pk = {i.pk: i for i in instruments.filter(pk__in={r.instrument_id for r in history})}
    out: dict[datetime | None, list[Target]] = {}
    for at in moments:
        milestones: dict[int, list[Milestone]] = defaultdict(list)
        for milestone in _as_of(milestone_history, at):
            milestones[milestone.target_id].append(milestone)
        targets = [t for t in _as_of(history, at) if t.instrument_id in by_pk]
        for target in targets:
            target.instrument = by_pk[target.instrument_id]
            target._prefetched_objects_cache = {"milestones": sorted(milestones[target.pk], key=_year)}
        out[at] = sorted(targets, key=_order)
    return out


def _year(milestone: Milestone) -> int:
    return milestone.year


def _order(target: Target) -> tuple[int, int, int]:
    action = target.instrument.action
    return (action.goal.number, action.position, target.instrument.position)


def in_force_at(round_: Round) -> datetime | None:
    """When the targets a round is read against were in force: its closing (or publishing) for
    a round done with, None (the targets of now) for one still open or in draft."""
    if round_.state not in (Round.State.CLOSED, Round.State.PUBLISHED):
        return None
    return round_.closed_at or round_.published_at


def _contributions(public_only: bool) -> QuerySet[Contribution]:
    return Contribution.objects.public() if public_only else Contribution.objects.all()


def _measurements(plan: Plan, targets: list[Target], year: int, public_only: bool) -> QuerySet[Measurement]:
    measurements = Measurement.objects.filter(
        instrument__in=[t.instrument_id for t in targets],
        contribution__state=Contribution.State.APPROVED,
        # A withdrawn contribution's figures are read nowhere (the report drops them too).
        contribution__withdrawn_at__isnull=True,
        contribution__round__plan=plan,
        contribution__round__year__lte=year,
    )
    if public_only:
        measurements = measurements.filter(contribution__in=_contributions(public_only))
    return measurements.select_related("contribution__round", "instrument")


def _value(target: Target, measurements: list[Measurement], currency: str) -> Decimal | None:
    instrument = target.instrument
    if instrument.by_sex:
        # Only answers that give both the women and a total count: women without a total would
        # push the share past what was counted.
        counted = [m for m in measurements if m.women is not None and m.total]
        women = sum(m.women for m in counted)
        total = sum(Decimal(m.total) for m in counted)
        return (Decimal(women) / total).quantize(FOUR) if total else None
    if instrument.kind == "share":
        parts = [m for m in measurements if m.value is not None]
        if not parts:
            return None
        if all(m.numerator is not None and m.denominator for m in parts):
            return (sum(m.numerator for m in parts) * 100 / sum(m.denominator for m in parts)).quantize(FOUR)
        return (sum(m.value for m in parts) / len(parts)).quantize(FOUR)
    values = [
        m.value for m in measurements if m.value is not None and (instrument.kind != "money" or m.currency == currency)
    ]
    return sum(values) if values else None


def _reaches(value: Decimal, goal: Decimal, direction: str) -> bool:
    return value >= goal if direction == Target.Direction.UP else value <= goal


def _lead(value: Decimal, goal: Decimal, direction: str) -> Decimal:
    return (value - goal) if direction == Target.Direction.UP else (goal - value)


def _expected(p: Progress, year: int) -> Decimal | None:
    target = p.target
    milestone = next((m.value for m in target.milestones.all() if m.year == year), None)
    if milestone is not None:
        return milestone
    if p.baseline is None or target.value is None:
        return None
    base_year, base = p.baseline
    if year >= target.year or target.year == base_year:
        return target.value
    return (base + (target.value - base) * (year - base_year) / (target.year - base_year)).quantize(FOUR)


def _assess(p: Progress) -> None:
    target = p.target
    if not p.values:
        return
    p.latest_year = max(p.values)
    p.latest = p.values[p.latest_year]
    p.milestone = next((m.value for m in target.milestones.all() if m.year == p.year), None)
    if target.value is not None:
        p.to_target = _lead(p.latest, target.value, target.direction)
    if p.milestone is not None:
        p.to_milestone = _lead(p.latest, p.milestone, target.direction)
    p.expected = _expected(p, p.latest_year)
    if target.value is not None and _reaches(p.latest, target.value, target.direction):
        p.status = ACHIEVED
    elif p.expected is not None:
        p.status = ON_TRACK if _reaches(p.latest, p.expected, target.direction) else BEHIND
    else:
        p.status = ON_TRACK if p.latest_year < target.year else BEHIND


def progress(plan: Plan, round_: Round, *, public_only: bool = False) -> list[Progress]:
    """Every target of `plan` assessed at `round_`'s year: a fixed number of queries. With
    `public_only`, from what the public may read only (Contribution.objects.public()). A closed
    or published round is read against the targets in force when it closed (in_force_at): one
    query more."""
    return progress_rounds(plan, [round_], public_only=public_only)[round_.pk]


def progress_rounds(plan: Plan, rounds: list[Round], *, public_only: bool = False) -> dict[int, list[Progress]]:
    """progress() at each of `rounds`, by round id, in as many queries as for one round: the
    answers are read once up to the latest year, the targets of each time once."""
    if not rounds:
        return {}
    moments = {in_force_at(r) for r in rounds}
    past = sorted(at for at in moments if at is not None)
    targets_at: dict[datetime | None, list[Target]] = _targets_at_each(plan, past) if past else {}
    if None in moments:
        targets_at[None] = targets_of(plan)
    every = [t for targets in targets_at.values() for t in targets]
    if not every:
        return {r.pk: [] for r in rounds}
    last_year = max(r.year for r in rounds)
    answers: dict[int, list[Measurement]] = defaultdict(list)
    for m in _measurements(plan, every, last_year, public_only):
        answers[m.instrument_id].append(m)
    statuses: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    text_lines = {t.instrument.action_id for t in every if t.text}
    if text_lines:
        for action_id, year, status in (
            _contributions(public_only)
            .filter(
                action_id__in=text_lines,
                state=Contribution.State.APPROVED,
                withdrawn_at__isnull=True,
                round__plan=plan,
                round__year__lte=last_year,
            )
            .exclude(round__kind=Round.Kind.BASELINE)
            .values_list("action_id", "round__year", "status")
        ):
            if status:
                statuses[action_id][year].append(status)
    return {r.pk: [_progress(plan, t, r.year, answers, statuses) for t in targets_at[in_force_at(r)]] for r in rounds}


def _progress(
    plan: Plan,
    target: Target,
    year: int,
    answers: dict[int, list[Measurement]],
    statuses: dict[int, dict[int, list[str]]],
) -> Progress:
    p = Progress(target=target, year=year)
    if target.text:
        years = {y: found for y, found in statuses.get(target.instrument.action_id, {}).items() if y <= year}
        if years:
            p.latest_year = max(years)
            found = {TEXT_STATUS.get(s) for s in years[p.latest_year]} - {None}
            # Several departments on one line: the line is as far as the least advanced.
            for status in (BEHIND, ON_TRACK, ACHIEVED):
                if status in found:
                    p.status = status
                    break
        return p
    by_year: dict[int, list[Measurement]] = defaultdict(list)
    baseline_rows: list[Measurement] = []
    for m in answers.get(target.instrument_id, []):
        if m.contribution.round.year > year:
            continue
        if m.contribution.round.kind == Round.Kind.BASELINE:
            baseline_rows.append(m)
        else:
            by_year[m.contribution.round.year].append(m)
    for y, rows in sorted(by_year.items()):
        value = _value(target, rows, plan.currency)
        if value is not None:
            p.values[y] = value
    if target.baseline_year is not None and target.baseline_value is not None:
        p.baseline = (target.baseline_year, target.baseline_value)
    elif baseline_rows:
        value = _value(target, baseline_rows, plan.currency)
        if value is not None:
            # The latest baseline round's year, whatever order the rows were read in.
            p.baseline = (max(m.contribution.round.year for m in baseline_rows), value)
    _assess(p)
    return p


def shares_on_track(items: list[Progress], key: str) -> dict[object, tuple[int, int]]:
    """Per objective (key "objective") or department ("department"): how many targets are on
    track or achieved, out of how many. A target counts for every department of its line."""
    counts: dict[object, list[int]] = defaultdict(lambda: [0, 0])
    for p in items:
        action = p.target.instrument.action
        keys = (
            [action.goal.objective.number]
            if key == "objective"
            else [r.department.code for r in action.responsibilities.all()]
        )
        for k in keys:
            counts[k][1] += 1
            if p.status in (ON_TRACK, ACHIEVED):
                counts[k][0] += 1
    return {k: (v[0], v[1]) for k, v in sorted(counts.items(), key=lambda kv: str(kv[0]))}
