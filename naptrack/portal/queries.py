"""Reads of published data for the public pages, each a fixed number of queries.

Everything a public page shows of a round's content comes through Contribution.objects.public()
(approved, public, in a published round, not withdrawn): that QuerySet method is the one
definition of "published". The pages of lines and departments also read the contributions
withdrawn after publication (published_once), to show their public note in their place: their
content is dropped as they are read (_prepare) and their figures never read. The only other read
of a round's contributions here is the count of approved but internal or withdrawn ones, which
the report to parliament also gives ("not public"), never their content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.plans.models import Action, Department, Instrument, Objective, Plan
from naptrack.publications import charts
from naptrack.publications.content import Chart, Figures, correction_text, round_label
from naptrack.reporting.models import Contribution, Measurement, Round, Synthesis

# Within a year the baseline comes first and the final review last.
KIND_ORDER = {kind: n for n, kind in enumerate(("baseline", "annual", "mid-term", "final"))}
NO_STATUS = "none"
WITHHELD = "withheld"
ABSENT = "absent"


def round_key(round_: Round) -> tuple[int, int]:
    return (round_.year, KIND_ORDER.get(round_.kind, 9))


def published_rounds(plan: Plan):
    return Round.objects.filter(plan=plan, state=Round.State.PUBLISHED)


def latest_published_round(plan: Plan) -> Round | None:
    """The published round that covers the most recent year (the final review after the annual
    report of the same year)."""
    rounds = list(published_rounds(plan))
    return max(rounds, key=round_key) if rounds else None


def published_contributions(**filters):
    """Published contributions with their round, department and answers (two queries), and those
    withdrawn since, without answers: _prepare drops the rest of their content."""
    measurements = (
        Measurement.objects.filter(contribution__withdrawn_at__isnull=True)
        .select_related("instrument")
        .prefetch_related("countries")
        .order_by("instrument__position")
    )
    return (
        Contribution.objects.published_once()
        .filter(**filters)
        .select_related("round", "department__parent")
        .prefetch_related(Prefetch("measurements", queryset=measurements))
    )


def _shown_answers(contribution: Contribution) -> list[Measurement]:
    return [m for m in contribution.measurements.all() if not m.is_empty]


def figures(m: Measurement) -> Figures:
    by_sex = m.instrument.by_sex
    return Figures(
        women=m.women,
        men=m.men,
        other=m.other,
        total=m.total if by_sex else None,
        share=m.share_of_women if by_sex else None,
        value=None if by_sex else m.value,
        unit=m.unit,
    )


# --- the state of implementation (home page) -------------------------------------------------------


@dataclass
class Cell:
    n: int
    share: float | None


@dataclass
class SummaryRow:
    label: str
    number: int | None  # the objective's number, for its link
    counts: dict[str, int]
    total: int

    def cells(self, keys: list[str]) -> list[Cell]:
        return [Cell(self.counts.get(k, 0), self.counts.get(k, 0) / self.total if self.total else None) for k in keys]


@dataclass
class CompletenessRow:
    department: Department
    level: int
    expected: int = 0
    published: int = 0
    withheld: int = 0
    absent: int = 0

    @property
    def share(self) -> float | None:
        return self.published / self.expected if self.expected else None


@dataclass
class Implementation:
    round: Round
    columns: list[tuple[str, str]]
    objectives: list[SummaryRow]
    departments: list[CompletenessRow]
    chart: Chart
    expected: int
    published: int
    table_rows: list[tuple[SummaryRow, list[Cell]]] = field(default_factory=list)


def summary_columns() -> list[tuple[str, str]]:
    """The columns of the report to parliament's summary, in its words."""
    columns = [(s.value, capfirst(str(s.label))) for s in Contribution.Status]
    columns += [(NO_STATUS, _("No status given")), (WITHHELD, _("Not public")), (ABSENT, _("No report received"))]
    return columns


def implementation(plan: Plan, objectives: list[Objective]) -> Implementation | None:
    """Per objective, the lines of action by state of implementation in the latest published round,
    each line counted once per responsible department as the report to parliament counts them;
    and per department, how many of its expected reports were published. `objectives` carry the
    plan's tree (Objective.objects.with_tree()). Three queries."""
    round_ = latest_published_round(plan)
    if round_ is None:
        return None
    shown = {
        (a, d): status or NO_STATUS
        for a, d, status in Contribution.objects.public()
        .filter(round=round_)
        .values_list("action_id", "department_id", "status")
    }
    # Approved but internal, or withdrawn after publication: counted as "not public", as the
    # report does; nothing else is read.
    withheld = set(
        Contribution.objects.filter(round=round_, state=Contribution.State.APPROVED)
        .filter(Q(visibility=Contribution.Visibility.INTERNAL) | Q(withdrawn_at__isnull=False))
        .values_list("action_id", "department_id")
    )
    columns = summary_columns()
    rows: list[SummaryRow] = []
    by_department: dict[int, CompletenessRow] = {}
    departments: dict[int, Department] = {}
    for objective in objectives:
        counts: dict[str, int] = defaultdict(int)
        for goal in objective.tree_goals:
            for action in goal.tree_actions:
                for r in action.tree_responsibilities:
                    key = (action.pk, r.department_id)
                    state = shown.get(key) or (WITHHELD if key in withheld else ABSENT)
                    counts[state] += 1
                    departments.setdefault(r.department_id, r.department)
                    row = by_department.setdefault(r.department_id, CompletenessRow(r.department, 0))
                    row.expected += 1
                    if state == WITHHELD:
                        row.withheld += 1
                    elif state == ABSENT:
                        row.absent += 1
                    else:
                        row.published += 1
        label = _("Objective %(number)s") % {"number": objective.number}
        rows.append(SummaryRow(label, objective.number, dict(counts), sum(counts.values())))
    ordered = []
    for department, level in tree_order(list(departments.values())):
        row = by_department[department.pk]
        row.level = level
        ordered.append(row)
    chart = charts.status_chart(
        key="portal-status-by-objective",
        title=_("State of implementation by objective, %(round)s") % {"round": round_},
        columns=columns,
        rows=[(row.label, row.counts) for row in rows],
        axis=_("Objective"),
    )
    result = Implementation(
        round=round_,
        columns=columns,
        objectives=rows,
        departments=ordered,
        chart=chart,
        expected=sum(r.expected for r in ordered),
        published=sum(r.published for r in ordered),
    )
    keys = [k for k, _label in columns]
    result.table_rows = [(row, row.cells(keys)) for row in rows]
    return result


def tree_order(departments: list[Department]) -> list[tuple[Department, int]]:
    """Departments each followed by their units (with their depth), by code, as the plan's tree."""
    known = {d.pk for d in departments}
    top = sorted((d for d in departments if d.parent_id not in known), key=lambda d: d.code)
    ordered: list[tuple[Department, int]] = []
    for dep in top:
        ordered.append((dep, 0))
        ordered.extend((d, 1) for d in sorted(departments, key=lambda d: d.code) if d.parent_id == dep.pk)
    return ordered


# --- a line of action's published contributions --------------------------------------------------


@dataclass
class RoundSection:
    """What a page shows of one published round."""

    round: Round
    synthesis: str = ""
    synthesis_correction: str = ""  # "Corrected on ...: note", or withdrawn (then no synthesis)
    contributions: list[Contribution] = field(default_factory=list)
    unpublished: list[Department] = field(default_factory=list)  # no published report from them


@dataclass
class SeriesRow:
    round: Round
    label: str
    department: Department
    figures: Figures


@dataclass
class Series:
    """A quantitative instrument's figures over the rounds, with its chart when by sex."""

    instrument: Instrument
    rows: list[SeriesRow]
    chart: Chart | None = None


def _prepare(contributions: Iterable[Contribution]) -> list[Contribution]:
    out = []
    for c in contributions:
        if c.withdrawn_at is not None:
            # Only the department, the line and the public note of a withdrawn contribution show;
            # what it said is dropped here, so that no template can show it by mistake.
            c.status, c.narrative, c.countries, c.answers = "", "", [], []
        else:
            c.answers = _shown_answers(c)
        c.correction = correction_text(c)
        out.append(c)
    return out


# Rounds a line's page shows in full; the older ones are links to the page with ?round=.
LINE_ROUNDS_SHOWN = 3


def line_history(action: Action, wanted: int | None = None) -> tuple[list[RoundSection], list[Series], list[Round]]:
    """The line's published contributions per round, newest round first, for its three latest
    published rounds (and the older round `wanted`, if any), the series of its quantitative
    instruments over those rounds, and the older rounds, newest first, to link to. `action`
    carries its plan, responsibilities and instruments (Action.objects.with_detail()). Five
    queries, whose rows are those of four rounds at most however many the plan has had."""
    syntheses = Synthesis.objects.filter(action=action).filter(~Q(text="") | Q(withdrawn_at__isnull=False))
    reported = Contribution.objects.published_once().filter(action=action)
    rounds = sorted(
        published_rounds(action.plan).filter(
            Q(pk__in=reported.values("round_id")) | Q(pk__in=syntheses.values("round_id"))
        ),
        key=round_key,
        reverse=True,
    )
    shown, older = rounds[:LINE_ROUNDS_SHOWN], rounds[LINE_ROUNDS_SHOWN:]
    shown += [r for r in older if r.pk == wanted]
    ids = [r.pk for r in shown]
    contributions = _prepare(published_contributions(action=action, round__in=ids)) if ids else []
    sections: dict[int, RoundSection] = {r.pk: RoundSection(r) for r in shown}
    for s in syntheses.filter(round__in=ids) if ids else []:
        section = sections[s.round_id]
        section.synthesis = s.text if s.withdrawn_at is None else ""
        section.synthesis_correction = correction_text(s)
    position = {r.department_id: r.position for r in action.responsibilities.all()}
    for c in sorted(contributions, key=lambda c: (position.get(c.department_id, 99), c.department.code)):
        sections[c.round_id].contributions.append(c)
    for section in sections.values():
        reported_by = {c.department_id for c in section.contributions}
        section.unpublished = [
            r.department for r in action.responsibilities.all() if r.department_id not in reported_by
        ]
    ordered = sorted(sections.values(), key=lambda s: round_key(s.round), reverse=True)
    return ordered, series(action.instruments.all(), contributions, key=action.code), older


def series(instruments: Iterable[Instrument], contributions: list[Contribution], *, key: str) -> list[Series]:
    by_round = sorted(contributions, key=lambda c: (round_key(c.round), c.department.code))
    out = []
    for instrument in instruments:
        if instrument.kind != Instrument.Kind.QUANTITATIVE:
            continue
        rows = []
        for c in by_round:
            m = next((m for m in c.answers if m.instrument_id == instrument.pk), None)
            if m is None:
                continue
            f = figures(m)
            if not f.empty:
                rows.append(SeriesRow(c.round, round_label(c.round), c.department, f))
        if not rows:
            continue
        entry = Series(instrument, rows)
        if instrument.by_sex and any(r.figures.women is not None or r.figures.men is not None for r in rows):
            entry.chart = charts.sex_chart(
                key=f"portal-{key}-{instrument.position}",
                title=_("Line of action %(code)s, instrument %(number)s: women and men")
                % {"code": key, "number": instrument.position},
                rows=[(r.label, _department_name(r.department), r.figures) for r in rows],
            )
        out.append(entry)
    return out


def _department_name(department: Department) -> str:
    from naptrack.core.templatetags.naptrack import translated

    return translated(department, "name")[0]


# --- a department's, a country's published contributions ------------------------------------------


def by_round(contributions: list[Contribution]) -> list[RoundSection]:
    sections: dict[int, RoundSection] = {}
    for c in contributions:
        sections.setdefault(c.round_id, RoundSection(c.round)).contributions.append(c)
    return sorted(sections.values(), key=lambda s: round_key(s.round), reverse=True)


@dataclass
class RoundPages:
    """Published contributions a page shows one round at a time: per published round (newest
    first) the ids of its contributions in plan order, and the lines they are on."""

    rounds: list[tuple[Round, list[int]]]
    action_ids: set[int]

    def chosen(self, wanted: int | None) -> tuple[Round, list[int]] | None:
        """The round asked for if it has some, else the newest."""
        return next((pair for pair in self.rounds if pair[0].pk == wanted), self.rounds[0] if self.rounds else None)


def _round_pages(plan: Plan, rows: Iterable[tuple[int, int, int]]) -> RoundPages:
    """From (contribution, round, line) ids in plan order: one query, the plan's published rounds."""
    by_round: dict[int, list[int]] = defaultdict(list)
    action_ids = set()
    for pk, round_id, action_id in rows:
        by_round[round_id].append(pk)
        action_ids.add(action_id)
    rounds = sorted(published_rounds(plan).filter(pk__in=by_round), key=round_key, reverse=True)
    return RoundPages([(r, by_round[r.pk]) for r in rounds], action_ids)


PLAN_ORDER = ("action__goal__number", "action__position", "department__code")


def department_rounds(plan: Plan, family: list[int]) -> RoundPages:
    """A department's (and its units') published contributions, withdrawn ones included (their
    note shows): two queries."""
    rows = (
        Contribution.objects.published_once()
        .filter(round__plan=plan, department__in=family)
        .order_by(*PLAN_ORDER)
        .values_list("pk", "round_id", "action_id")
    )
    return _round_pages(plan, rows)


def country_tags(plan: Plan, code: str) -> RoundPages:
    """The public contributions of `plan` tagged with the country `code`: two queries. The tags
    are JSON lists, matched as text ('"ML"' within, a LIKE both databases run) and checked here,
    rather than by a containment lookup SQLite lacks."""
    tagged = (
        Contribution.objects.public()
        .filter(round__plan=plan, countries__icontains=f'"{code}"')
        .order_by(*PLAN_ORDER)
        .values_list("pk", "round_id", "action_id", "countries")
    )
    return _round_pages(plan, ((pk, r, a) for pk, r, a, countries in tagged if code in (countries or [])))


def page_contributions(ids: Iterable[int]) -> list[Contribution]:
    """The contributions of one page of one round, in plan order: two queries."""
    return _prepare(published_contributions(pk__in=list(ids)).select_related("action").order_by(*PLAN_ORDER))


def lines_naming(plan: Plan, names: list[str], tagged: Iterable[int] = ()) -> list[Action]:
    """Lines of action whose text (in any of the plan's languages) names the country as a word
    ("Mali", not "normalised"), and the lines `tagged` (ids). One query."""
    tagged = set(tagged)
    condition = Q(pk__in=tagged) if tagged else Q()
    fields = [f"text_{lang}" for lang in settings.MODELTRANSLATION_LANGUAGES]
    for name in names:
        for name_field in fields:
            condition |= Q(**{f"{name_field}__icontains": name})
    words = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in names), re.IGNORECASE)
    candidates = Action.objects.filter(plan=plan).filter(condition).in_plan_order()
    return [a for a in candidates if a.pk in tagged or any(words.search(getattr(a, f) or "") for f in fields)]


# --- comparison over time ------------------------------------------------------------------------


def plan_instruments(plan: Plan) -> list[Instrument]:
    return list(
        Instrument.objects.filter(action__plan=plan)
        .select_related("action")
        .order_by("action__goal__number", "action__position", "position")
    )


@dataclass
class Comparison:
    instrument: Instrument
    rounds: list[Round]
    # each department that answered, with its answer in each round (None where it gave none)
    table: list[tuple[Department, list[Measurement | None]]]
    series: list[Series]


def comparison(plan: Plan, instrument: Instrument) -> Comparison:
    """Every published round's answers to one instrument, side by side. Three queries."""
    rounds = sorted(published_rounds(plan), key=round_key)
    answers = (
        Measurement.objects.filter(instrument=instrument, contribution__in=Contribution.objects.public())
        .select_related("contribution__department__parent", "contribution__round")
        .order_by("contribution__department__code")
    )
    cells: dict[int, dict[int, Measurement]] = defaultdict(dict)
    departments: dict[int, Department] = {}
    contributions = []
    for m in answers:
        m.instrument = instrument
        if m.is_empty:
            continue
        c = m.contribution
        departments[c.department_id] = c.department
        cells[c.department_id][c.round_id] = m
        c.answers = [m]
        contributions.append(c)
    table = [
        (departments[d], [cells[d].get(r.pk) for r in rounds])
        for d in sorted(departments, key=lambda d: departments[d].code)
    ]
    return Comparison(instrument, rounds, table, series([instrument], contributions, key=instrument.action.code))
