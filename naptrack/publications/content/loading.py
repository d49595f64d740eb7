"""Reading a round from the database into the report's source, in a fixed number of queries.

What the report holds: the published (final) report, approved public contributions only; the
draft for internal review also submitted-but-not-approved and internal items, each marked. Neither
shows a contribution withdrawn after publication, only its public note.
Earlier rounds (the baseline included) give the values of earlier years: in the final report
only published rounds, in a draft any round. The last of them is the previous round, whose
statuses and qualitative answers the report compares with this year's (changes.py): the same
rows, no query more.

The totals of the figures (money, people by sex, counts) are of the same contributions, approved
only, as flat rows (naptrack.reporting.totals).

Progress toward the plan's targets is naptrack.reporting.progress's (one query for a plan without
targets); the published report leaves out the values of targets whose progress counts what it
may not show (content/targets.py).

The annexes' other sources: international requests whose answers were sent in the year covered
(in the final report only published ones), civil society's public consultation events of the year
and its published assessments of the round.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.utils import translation

from naptrack.civilsociety.models import Assessment, Event
from naptrack.international.models import Request
from naptrack.plans import versions
from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    Objective,
    PlanDepartment,
    PlanVersion,
    Responsibility,
)
from naptrack.publications.content.targets import hidden_targets
from naptrack.publications.content.tree import SOURCE_LANGUAGE
from naptrack.publications.models import ReportTexts
from naptrack.reporting.models import Contribution, Measurement, Round, Synthesis
from naptrack.reporting.progress import Progress, progress
from naptrack.reporting.totals import FigureRow, figure_rows, measurements_in


@dataclass
class Source:
    """Everything the report needs, read in a fixed number of queries."""

    round: Round
    draft: bool
    objectives: list[Objective]
    goals: list[Goal]
    actions: list[Action]
    responsibilities: dict[int, list[Responsibility]]
    instruments: dict[int, list[Instrument]]
    plan_departments: list[Any]
    earlier: list[Round]
    contributions: list[Contribution]  # all of this round's, and the shown ones of earlier rounds
    measurements: dict[int, list[Measurement]]  # by contribution id
    syntheses: dict[int, Synthesis]  # by action id: with text, or withdrawn (its note shows)
    texts: ReportTexts | None = None  # the coordinator's texts and chosen annexes, if written
    requests: list[Request] = field(default_factory=list)  # answered in the year, with `last_sent`
    events: list[Event] = field(default_factory=list)  # public consultations of the year
    assessments: list[Assessment] = field(default_factory=list)  # published, of this round
    # The approved figures of this round and the earlier ones the report shows, as rows to total
    # (units in the source language: content/figures.py translates them per report).
    figures: list[FigureRow] = field(default_factory=list)
    progress: list[Progress] = field(default_factory=list)  # empty when the plan states no target
    hidden_targets: set[int] = field(default_factory=set)  # ids: not shown in the published report

    @property
    def previous(self) -> Round | None:
        """The round just before this one (earlier rounds are in order), the baseline included."""
        return self.earlier[-1] if self.earlier else None


def _shown_states(draft: bool) -> tuple[str, ...]:
    return ("submitted", "approved") if draft else ("approved",)


def is_shown(contribution: Contribution, draft: bool) -> bool:
    if contribution.state not in _shown_states(draft) or contribution.withdrawn_at is not None:
        return False
    return draft or contribution.visibility == Contribution.Visibility.PUBLIC


def earlier_rounds(round_: Round, *, draft: bool) -> QuerySet[Round]:
    """Rounds of the same plan before this one (a smaller year covered, or the baseline): in the
    final report only published ones, so that nothing unpublished leaks through a comparison."""
    rounds = Round.objects.filter(plan_id=round_.plan_id).exclude(pk=round_.pk)
    rounds = rounds.filter(Q(year__lt=round_.year) | Q(kind=Round.Kind.BASELINE, year__lte=round_.year))
    if not draft:
        rounds = rounds.filter(state=Round.State.PUBLISHED)
    return rounds.order_by("year", "kind")


def load(round_: Round, *, draft: bool) -> Source:
    # The report's texts come with the round (a reverse one-to-one join), not in a query of their own.
    newest = PlanVersion.objects.filter(plan=OuterRef("plan")).order_by("-number").values("pk")[:1]
    round_ = (
        Round.objects.select_related("plan", "report_texts", "plan_version")
        .annotate(newest_version=Subquery(newest))
        .get(pk=round_.pk)
    )
    try:
        texts: ReportTexts | None = round_.report_texts
    except ObjectDoesNotExist:
        texts = None
    plan_id = round_.plan_id
    plan_departments = list(
        PlanDepartment.objects.filter(plan_id=plan_id).select_related("department__parent").order_by("position")
    )
    # A round opened before the plan's latest amendment shows the plan of its time (its version's
    # snapshot); any other, the plan in force.
    superseded = round_.plan_version_id is not None and round_.plan_version_id != round_.newest_version
    version = round_.plan_version if superseded else None
    departments = {pd.department_id: pd.department for pd in plan_departments}
    missing = versions.missing_departments(version, departments)
    if missing:
        departments.update({d.pk: d for d in Department.objects.filter(pk__in=missing).select_related("parent")})
    structure = versions.as_of(
        version,
        objectives=Objective.objects.filter(plan_id=plan_id).order_by("number"),
        goals=Goal.objects.filter(plan_id=plan_id).order_by("number"),
        actions=Action.objects.filter(plan_id=plan_id).order_by("goal__number", "position"),
        instruments=Instrument.objects.filter(action__plan_id=plan_id).order_by("action_id", "position"),
        responsibilities=Responsibility.objects.filter(action__plan_id=plan_id)
        .select_related("department__parent")
        .order_by("action_id", "position"),
        departments=departments,
        focus_countries=round_.plan.focus_countries,
    )
    round_.plan.focus_countries = structure.focus_countries  # in memory only: the chapters' countries
    objectives, goals, actions = structure.objectives, structure.goals, structure.actions
    responsibilities: dict[int, list[Responsibility]] = defaultdict(list)
    for r in structure.responsibilities:
        responsibilities[r.action_id].append(r)
    instruments: dict[int, list[Instrument]] = defaultdict(list)
    for i in structure.instruments:
        instruments[i.action_id].append(i)
    earlier = list(earlier_rounds(round_, draft=draft))

    # This round's contributions in every state (to say what is missing), earlier rounds' only
    # when the report may show them.
    earlier_ids = [r.pk for r in earlier]
    shown = Q(state__in=_shown_states(draft), withdrawn_at__isnull=True)
    if not draft:
        shown &= Q(visibility=Contribution.Visibility.PUBLIC)
    wanted = Q(round_id=round_.pk) | (Q(round_id__in=earlier_ids) & shown)
    contributions = list(Contribution.objects.filter(wanted).select_related("department__parent").order_by("pk"))
    measured = Q(contribution__round_id=round_.pk) | Q(contribution__round_id__in=earlier_ids)
    # A withdrawn contribution's figures are never read: they cannot show by mistake.
    measured &= Q(contribution__state__in=_shown_states(draft), contribution__withdrawn_at__isnull=True)
    if not draft:
        measured &= Q(contribution__visibility=Contribution.Visibility.PUBLIC)
    measurements: dict[int, list[Measurement]] = defaultdict(list)
    for m in Measurement.objects.filter(measured).order_by("contribution_id", "instrument_id"):
        measurements[m.contribution_id].append(m)
    # The totals count what the report shows, approved only (measurements_in), in two queries.
    totalled = Contribution.objects.filter(Q(round_id=round_.pk) | Q(round_id__in=earlier_ids)).filter(
        state__in=_shown_states(draft), withdrawn_at__isnull=True
    )
    if not draft:
        totalled = totalled.filter(visibility=Contribution.Visibility.PUBLIC)
    with translation.override(SOURCE_LANGUAGE):
        figures = figure_rows(measurements_in(totalled))
    syntheses = {
        s.action_id: s
        for s in Synthesis.objects.filter(round_id=round_.pk).filter(~Q(text="") | Q(withdrawn_at__isnull=False))
    }
    requests = Request.objects.answered_in(round_.year)
    if not draft:
        requests = requests.published()
    requests = requests.annotate(
        last_sent=Max("dispatches__sent_on", filter=Q(dispatches__sent_on__year=round_.year))
    ).order_by("last_sent", "pk")
    events = Event.objects.public().filter(plan_id=plan_id, date__year=round_.year).order_by("date", "pk")
    assessments = (
        Assessment.objects.published()
        .filter(round_id=round_.pk)
        .select_related("organisation", "action", "objective")
        .order_by("organisation__name", "pk")
    )
    # Always asked, even when the plan has no target now: a closed round is read against the
    # targets in force when it closed, which may since have been removed.
    items = progress(round_.plan, round_)
    if not draft and round_.plan.targets_published_at is None:
        # Targets the coordinator has not made public stay out of the public report.
        items = []
    hidden = set() if draft else hidden_targets(items, round_, earlier_ids)
    return Source(
        round=round_,
        draft=draft,
        objectives=objectives,
        goals=goals,
        actions=actions,
        responsibilities=responsibilities,
        instruments=instruments,
        plan_departments=plan_departments,
        earlier=earlier,
        contributions=contributions,
        measurements=measurements,
        syntheses=syntheses,
        texts=texts,
        requests=list(requests),
        events=list(events),
        assessments=list(assessments),
        figures=figures,
        progress=items,
        hidden_targets=hidden,
    )
