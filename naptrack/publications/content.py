"""The report to parliament as one data tree, whatever the format it is written to.

Two steps, so that publishing (three languages, two formats) reads the database once:
`load(round, draft=...)` runs a fixed number of queries — the plan's tree, the round and the
earlier rounds, their contributions and measurements, the syntheses — however many lines,
departments and rounds there are; `build(source, lang)` then makes the tree in one language,
in plan order, in pure Python. The HTML/PDF and DOCX writers only walk the tree.

What the report holds: the published (final) report, approved public contributions only; the
draft for internal review also submitted-but-not-approved and internal items, each marked.
Earlier rounds (the baseline included) give the values of earlier years: in the final report
only published rounds, in a draft any round.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.plans.models import Action, Goal, Instrument, Objective, PlanDepartment, Responsibility
from naptrack.publications import charts
from naptrack.reporting.models import Contribution, Measurement, Round, Synthesis

SOURCE_LANGUAGE = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
REPORT_LANGUAGES = ("en", "fr", "nl")

# Marks on what the published report would not show (drafts only), and on untranslated text.
INTERNAL = "internal"
UNAPPROVED = "unapproved"

STATUSES = tuple(Contribution.Status.values)
NO_STATUS = "none"
DASH = "\u2013"  # what a table shows for a figure not given


# --- the tree -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """Plan content in the report's language; `fallback` when it has no translation and is shown
    in English."""

    text: str
    fallback: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class DepartmentRef:
    code: str
    name: Text
    abbreviation: str = ""
    parent: str = ""  # the parent department's name, for units (Interior > Federal Police)


@dataclass
class Figures:
    women: int | None = None
    men: int | None = None
    other: int | None = None
    total: int | Decimal | None = None
    share: float | None = None  # share of women in the total, 0..1
    value: Decimal | None = None
    unit: str = ""

    @property
    def empty(self) -> bool:
        return all(v is None for v in (self.women, self.men, self.other, self.total, self.value))


@dataclass
class Answer:
    """One department's answer to one monitoring instrument."""

    department: DepartmentRef
    text: str = ""
    figures: Figures | None = None
    note: str = ""
    marks: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.text or self.note) and (self.figures is None or self.figures.empty)


@dataclass
class HistoryRow:
    """An instrument's figures in one round: earlier years beside this year's."""

    round_label: str
    year: int
    department: DepartmentRef
    figures: Figures
    current: bool = False
    marks: tuple[str, ...] = ()


@dataclass
class Chart:
    """A Vega-Lite spec with its text alternative; charts.svg()/charts.png() render it once."""

    key: str
    title: str
    spec: dict
    alt: str


@dataclass
class InstrumentBlock:
    number: int
    text: Text
    kind: str
    by_sex: bool
    answers: list[Answer] = field(default_factory=list)
    history: list[HistoryRow] = field(default_factory=list)  # only when earlier rounds have figures
    chart: Chart | None = None

    @property
    def quantitative(self) -> bool:
        return self.kind == Instrument.Kind.QUANTITATIVE


@dataclass
class Narrative:
    department: DepartmentRef
    status: str  # code; "" when none was given
    status_label: str
    narrative: str  # Markdown, as the department wrote it
    countries: list[str] = field(default_factory=list)  # country names in the report's language
    on_behalf: bool = False
    marks: tuple[str, ...] = ()


@dataclass
class Line:
    code: str
    anchor: str
    text: Text
    departments: list[DepartmentRef]
    coordinator: DepartmentRef | None
    synthesis: str = ""
    instruments: list[InstrumentBlock] = field(default_factory=list)
    narratives: list[Narrative] = field(default_factory=list)
    absent: list[DepartmentRef] = field(default_factory=list)  # no report received
    withheld: list[DepartmentRef] = field(default_factory=list)  # approved but internal (final only)
    countries: list[str] = field(default_factory=list)


@dataclass
class GoalSection:
    number: int
    anchor: str
    text: Text
    lines: list[Line] = field(default_factory=list)


@dataclass
class ObjectiveSection:
    number: int
    anchor: str
    title: Text
    goals: list[GoalSection] = field(default_factory=list)


@dataclass
class CountRow:
    label: str
    counts: dict[str, int]  # status code (and NO_STATUS, "absent", "withheld") -> number
    total: int


@dataclass
class Summary:
    columns: list[tuple[str, str]]  # (key, label) in table order
    by_objective: list[CountRow]
    by_department: list[CountRow]
    missing: list[tuple[DepartmentRef, list[str]]]  # department, line codes without a report
    objective_chart: Chart | None = None
    department_chart: Chart | None = None
    expected: int = 0
    received: int = 0


@dataclass
class StatusDefinition:
    code: str
    label: str
    definition: str


@dataclass
class Report:
    language: str
    draft: bool
    plan_title: Text
    plan_slug: str
    plan_period: str
    round_id: int
    round_kind: str
    round_label: str  # "Annual report 2014"
    kind_label: str
    year: int
    date: dt.date
    date_label: str
    title: str  # the document's title (also the PDF's and the running header's)
    intro: Text
    summary: Summary
    objectives: list[ObjectiveSection]
    departments: list[DepartmentRef]
    statuses: list[StatusDefinition]
    earlier_rounds: list[str]
    charts: list[Chart]
    method: list[str]  # how the report was produced (the last annex)

    def lines(self) -> list[Line]:
        return [line for o in self.objectives for g in o.goals for line in g.lines]


# --- loading --------------------------------------------------------------------------------------


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
    syntheses: dict[int, str]  # by action id


def _shown_states(draft: bool) -> tuple[str, ...]:
    return ("submitted", "approved") if draft else ("approved",)


def _shown(contribution: Contribution, draft: bool) -> bool:
    if contribution.state not in _shown_states(draft):
        return False
    return draft or contribution.visibility == Contribution.Visibility.PUBLIC


def earlier_rounds(round_: Round, *, draft: bool):
    """Rounds of the same plan before this one (a smaller year covered, or the baseline): in the
    final report only published ones, so that nothing unpublished leaks through a comparison."""
    rounds = Round.objects.filter(plan_id=round_.plan_id).exclude(pk=round_.pk)
    rounds = rounds.filter(Q(year__lt=round_.year) | Q(kind=Round.Kind.BASELINE, year__lte=round_.year))
    if not draft:
        rounds = rounds.filter(state=Round.State.PUBLISHED)
    return rounds.order_by("year", "kind")


def load(round_: Round, *, draft: bool) -> Source:
    round_ = Round.objects.select_related("plan").get(pk=round_.pk)
    plan_id = round_.plan_id
    objectives = list(Objective.objects.filter(plan_id=plan_id).order_by("number"))
    goals = list(Goal.objects.filter(plan_id=plan_id).order_by("number"))
    actions = list(Action.objects.filter(plan_id=plan_id).order_by("goal__number", "position"))
    responsibilities: dict[int, list[Responsibility]] = defaultdict(list)
    for r in (
        Responsibility.objects.filter(action__plan_id=plan_id)
        .select_related("department__parent")
        .order_by("action_id", "position")
    ):
        responsibilities[r.action_id].append(r)
    instruments: dict[int, list[Instrument]] = defaultdict(list)
    for i in Instrument.objects.filter(action__plan_id=plan_id).order_by("action_id", "position"):
        instruments[i.action_id].append(i)
    plan_departments = list(
        PlanDepartment.objects.filter(plan_id=plan_id).select_related("department__parent").order_by("position")
    )
    earlier = list(earlier_rounds(round_, draft=draft))

    # This round's contributions in every state (to say what is missing), earlier rounds' only
    # when the report may show them.
    earlier_ids = [r.pk for r in earlier]
    shown = Q(state__in=_shown_states(draft))
    if not draft:
        shown &= Q(visibility=Contribution.Visibility.PUBLIC)
    wanted = Q(round_id=round_.pk) | (Q(round_id__in=earlier_ids) & shown)
    contributions = list(Contribution.objects.filter(wanted).select_related("department__parent").order_by("pk"))
    measured = Q(contribution__round_id=round_.pk) | Q(contribution__round_id__in=earlier_ids)
    measured &= Q(contribution__state__in=_shown_states(draft))
    if not draft:
        measured &= Q(contribution__visibility=Contribution.Visibility.PUBLIC)
    measurements: dict[int, list[Measurement]] = defaultdict(list)
    for m in Measurement.objects.filter(measured).order_by("contribution_id", "instrument_id"):
        measurements[m.contribution_id].append(m)
    syntheses = dict(Synthesis.objects.filter(round_id=round_.pk).exclude(text="").values_list("action_id", "text"))
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
    )


# --- building -------------------------------------------------------------------------------------


def translated(obj: Any, name: str, lang: str) -> Text:
    """The field in `lang`, else the English text marked as a fallback."""
    if lang != SOURCE_LANGUAGE:
        value = getattr(obj, f"{name}_{lang}", None)
        if value:
            return Text(value)
    source = getattr(obj, f"{name}_{SOURCE_LANGUAGE}", None) or getattr(obj, name, "") or ""
    return Text(source, fallback=lang != SOURCE_LANGUAGE and bool(source))


def round_label(round_: Round) -> str:
    """ "2014" for an annual round, "2012 (baseline)" for others: what a column of years says."""
    if round_.kind == Round.Kind.ANNUAL:
        return str(round_.year)
    return _("%(year)s (%(kind)s)") % {"year": round_.year, "kind": round_.get_kind_display()}


def _figures(m: Measurement, instrument: Instrument) -> Figures | None:
    if instrument.kind != Instrument.Kind.QUANTITATIVE:
        return None
    m.instrument = instrument  # Measurement.total reads instrument.by_sex
    figures = Figures(
        women=m.women,
        men=m.men,
        other=m.other,
        total=m.total if instrument.by_sex else None,
        share=m.share_of_women if instrument.by_sex else None,
        value=None if instrument.by_sex else m.value,
        unit=m.unit,
    )
    return figures


def _marks(c: Contribution, draft: bool) -> tuple[str, ...]:
    if not draft:
        return ()
    marks = []
    if c.state != Contribution.State.APPROVED:
        marks.append(UNAPPROVED)
    if c.visibility == Contribution.Visibility.INTERNAL:
        marks.append(INTERNAL)
    return tuple(marks)


def build(source: Source, lang: str) -> Report:
    """The report in one language. Pure Python: no query."""
    with translation.override(lang):
        return _build(source, lang)


def _build(source: Source, lang: str) -> Report:
    round_, draft = source.round, source.draft
    plan = round_.plan

    departments: dict[int, DepartmentRef] = {}

    def dept(d) -> DepartmentRef:
        if d.pk not in departments:
            departments[d.pk] = DepartmentRef(
                code=d.code,
                name=translated(d, "name", lang),
                abbreviation=translated(d, "abbreviation", lang).text,
                parent=translated(d.parent, "name", lang).text if d.parent_id else "",
            )
        return departments[d.pk]

    for pd in source.plan_departments:
        dept(pd.department)
    for rs in source.responsibilities.values():
        for r in rs:
            dept(r.department)

    labels = {r.pk: round_label(r) for r in (*source.earlier, round_)}
    years = {r.pk: r.year for r in (*source.earlier, round_)}
    order = {r.pk: n for n, r in enumerate((*source.earlier, round_))}

    current: dict[tuple[int, int], Contribution] = {}
    earlier_by_action: dict[int, list[Contribution]] = defaultdict(list)
    for c in source.contributions:
        if c.round_id == round_.pk:
            current[(c.action_id, c.department_id)] = c
        else:
            earlier_by_action[c.action_id].append(c)

    status_labels = {s.value: str(s.label) for s in Contribution.Status}
    goals_by_objective: dict[int, list[Goal]] = defaultdict(list)
    for g in source.goals:
        goals_by_objective[g.objective_id].append(g)
    actions_by_goal: dict[int, list[Action]] = defaultdict(list)
    for a in source.actions:
        actions_by_goal[a.goal_id].append(a)

    charts_: list[Chart] = []
    objective_counts: dict[int, dict[str, int]] = {}
    department_counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    missing: dict[int, list[str]] = defaultdict(list)
    expected = received = 0
    objectives: list[ObjectiveSection] = []

    for o in source.objectives:
        section = ObjectiveSection(o.number, f"objective-{o.number}", translated(o, "title", lang))
        counts: dict[str, int] = defaultdict(int)
        for g in goals_by_objective[o.pk]:
            goal = GoalSection(g.number, f"goal-{g.number}", translated(g, "text", lang))
            for a in actions_by_goal[g.pk]:
                line = _line(
                    a,
                    source,
                    lang,
                    dept,
                    current,
                    earlier_by_action[a.pk],
                    labels,
                    years,
                    order,
                    status_labels,
                    charts_,
                )
                for r in source.responsibilities.get(a.pk, []):
                    c = current.get((a.pk, r.department_id))
                    expected += 1
                    if c is not None and _shown(c, draft):
                        key = c.status or NO_STATUS
                        received += 1
                    elif c is not None and c.state == Contribution.State.APPROVED:
                        key = "withheld"
                    else:
                        key = "absent"
                        missing[r.department_id].append(a.code)
                    counts[key] += 1
                    department_counts[r.department_id][key] += 1
                goal.lines.append(line)
            section.goals.append(goal)
        objective_counts[o.number] = counts
        objectives.append(section)

    summary = _summary(
        source, lang, dept, objective_counts, department_counts, missing, status_labels, expected, received
    )
    charts_[:0] = [c for c in (summary.objective_chart, summary.department_chart) if c]

    today = timezone.localdate()
    if round_.state == Round.State.PUBLISHED and round_.published_at and not draft:
        today = timezone.localdate(round_.published_at)
    plan_title = translated(plan, "title", lang)
    round_name = capfirst(_("%(kind)s %(year)s") % {"kind": round_.get_kind_display(), "year": round_.year})
    title = _("Report to parliament: %(round)s") % {"round": round_name}
    if draft:
        title = _("Draft: %(title)s") % {"title": title}

    plan_department_refs = [dept(pd.department) for pd in source.plan_departments]
    if not plan_department_refs:
        plan_department_refs = list(departments.values())
    earlier_labels = [labels[r.pk] for r in source.earlier]
    date_label = date_format(today, "DATE_FORMAT")
    return Report(
        language=lang,
        draft=draft,
        plan_title=plan_title,
        plan_slug=plan.slug,
        plan_period=plan.period,
        round_id=round_.pk,
        round_kind=round_.kind,
        round_label=round_name,
        kind_label=capfirst(round_.get_kind_display()),
        year=round_.year,
        date=today,
        date_label=date_label,
        title=title,
        intro=translated(round_, "intro", lang),
        summary=summary,
        objectives=objectives,
        departments=plan_department_refs,
        statuses=_status_definitions(status_labels),
        earlier_rounds=earlier_labels,
        charts=charts_,
        method=_method(source, plan_title, round_name, date_label, earlier_labels, summary),
    )


def _method(source, plan_title, round_name, date_label, earlier_labels, summary) -> list[str]:
    paragraphs = [
        _(
            "naptrack produced this report on %(date)s from the contributions of the departments to the "
            "round %(round)s of the plan %(plan)s, in the order of the plan: objective, goal, line of action "
            "and monitoring instrument."
        )
        % {"date": date_label, "round": round_name, "plan": plan_title.text},
    ]
    if source.draft:
        paragraphs.append(
            _(
                "This is a draft for internal review. Besides the contributions the coordinator approved, it shows "
                "contributions submitted but not yet approved and contributions marked internal; each is marked, "
                "and none of them appears in the published report."
            )
        )
    else:
        paragraphs.append(
            _(
                "It includes only the contributions that the coordinator approved and that their department "
                "marked public. Where a department's report on a line was not received or not approved, the "
                "line says so."
            )
        )
    paragraphs.append(
        _(
            "One contribution is expected per line of action and responsible department: %(expected)s in all, "
            "of which %(received)s are included."
        )
        % {"expected": summary.expected, "received": summary.received}
    )
    if earlier_labels:
        paragraphs.append(
            _("Figures of earlier years come from the earlier rounds: %(rounds)s.")
            % {"rounds": ", ".join(earlier_labels)}
        )
    else:
        paragraphs.append(_("No earlier round is available, so no figures of earlier years are shown."))
    paragraphs.append(
        _(
            "The share of women is the number of women as a percentage of the total, which counts women, men and "
            "people whose sex was not recorded (or is the total the department gave)."
        )
    )
    paragraphs.append(
        _(
            "Texts of the plan not yet translated into this language are shown in English and marked [EN]. The "
            "narratives and answers of the departments are given as the departments wrote them."
        )
    )
    return paragraphs


def _line(
    a: Action,
    source: Source,
    lang: str,
    dept,
    current: dict[tuple[int, int], Contribution],
    earlier: list[Contribution],
    labels: dict[int, str],
    years: dict[int, int],
    order: dict[int, int],
    status_labels: dict[str, str],
    charts_: list[Chart],
) -> Line:
    draft = source.draft
    responsibilities = source.responsibilities.get(a.pk, [])
    coordinator = next((dept(r.department) for r in responsibilities if r.is_coordinator), None)
    line = Line(
        code=a.code,
        anchor=f"line-{a.code}",
        text=translated(a, "text", lang),
        departments=[dept(r.department) for r in responsibilities],
        coordinator=coordinator,
        synthesis=source.syntheses.get(a.pk, ""),
    )
    shown: list[Contribution] = []
    for r in responsibilities:
        c = current.get((a.pk, r.department_id))
        if c is not None and _shown(c, draft):
            shown.append(c)
        elif c is not None and c.state == Contribution.State.APPROVED:
            line.withheld.append(dept(r.department))
        else:
            line.absent.append(dept(r.department))

    for instrument in source.instruments.get(a.pk, []):
        block = InstrumentBlock(
            number=instrument.position,
            text=translated(instrument, "text", lang),
            kind=instrument.kind,
            by_sex=instrument.by_sex,
        )
        for c in shown:
            m = next((m for m in source.measurements.get(c.pk, []) if m.instrument_id == instrument.pk), None)
            answer = Answer(department=dept(c.department), marks=_marks(c, draft))
            if m is not None:
                answer.text, answer.note = m.text, m.note
                answer.figures = _figures(m, instrument)
            block.answers.append(answer)
        if block.quantitative:
            rows = _history(instrument, [*earlier, *shown], source, dept, labels, years, order)
            has_earlier = any(not row.current for row in rows)
            if has_earlier:
                block.history = rows
            if instrument.by_sex and rows:
                block.chart = charts.sex_chart(
                    key=f"{a.code}-{instrument.position}",
                    title=_("Line of action %(code)s, instrument %(number)s: women and men")
                    % {"code": a.code, "number": instrument.position},
                    rows=[(row.round_label, row.department.name.text, row.figures) for row in rows],
                )
                charts_.append(block.chart)
        line.instruments.append(block)

    countries: list[str] = []
    for c in shown:
        names = [str(all_countries.name(code) or code) for code in c.countries]
        countries.extend(n for n in names if n not in countries)
        line.narratives.append(
            Narrative(
                department=dept(c.department),
                status=c.status,
                status_label=status_labels.get(c.status, ""),
                narrative=c.narrative,
                countries=names,
                on_behalf=c.on_behalf,
                marks=_marks(c, draft),
            )
        )
    line.countries = countries
    return line


def _history(instrument, contributions, source, dept, labels, years, order) -> list[HistoryRow]:
    rows = []
    for c in sorted(contributions, key=lambda c: (order.get(c.round_id, 0), c.department.code)):
        m = next((m for m in source.measurements.get(c.pk, []) if m.instrument_id == instrument.pk), None)
        if m is None:
            continue
        figures = _figures(m, instrument)
        if figures is None or figures.empty:
            continue
        rows.append(
            HistoryRow(
                round_label=labels[c.round_id],
                year=years[c.round_id],
                department=dept(c.department),
                figures=figures,
                current=c.round_id == source.round.pk,
                marks=_marks(c, source.draft),
            )
        )
    return rows


def _summary(
    source, lang, dept, objective_counts, department_counts, missing, status_labels, expected, received
) -> Summary:
    draft = source.draft
    columns = [(s, capfirst(status_labels[s])) for s in STATUSES]
    columns.append((NO_STATUS, _("No status given")))
    if not draft:
        columns.append(("withheld", _("Not public")))
    columns.append(("absent", _("No report received")))

    def row(label: str, counts: dict[str, int]) -> CountRow:
        return CountRow(label, {k: counts.get(k, 0) for k, _label in columns}, sum(counts.values()))

    by_objective = [
        row(_("Objective %(number)s") % {"number": o.number}, objective_counts.get(o.number, {}))
        for o in source.objectives
    ]
    seen: list[int] = []
    for pd in source.plan_departments:
        seen.append(pd.department_id)
    for department_id in department_counts:
        if department_id not in seen:
            seen.append(department_id)
    by_department = []
    names: dict[int, DepartmentRef] = {}
    for pd in source.plan_departments:
        names[pd.department_id] = dept(pd.department)
    for rs in source.responsibilities.values():
        for r in rs:
            names.setdefault(r.department_id, dept(r.department))
    for department_id in seen:
        if department_id in department_counts:
            ref = names[department_id]
            by_department.append(row(ref.abbreviation or ref.name.text, department_counts[department_id]))

    summary = Summary(
        columns=columns,
        by_objective=by_objective,
        by_department=by_department,
        missing=[(names[d], codes) for d in seen if (codes := missing.get(d))],
        expected=expected,
        received=received,
    )
    if expected:
        summary.objective_chart = charts.status_chart(
            key="status-by-objective",
            title=_("State of implementation by objective"),
            columns=columns,
            rows=[(r.label, r.counts) for r in by_objective],
            axis=_("Objective"),
        )
        summary.department_chart = charts.status_chart(
            key="status-by-department",
            title=_("State of implementation by department"),
            columns=columns,
            rows=[(r.label, r.counts) for r in by_department],
            axis=_("Department"),
        )
    return summary


def _status_definitions(status_labels: dict[str, str]) -> list[StatusDefinition]:
    definitions = {
        "not-started": _("Work on the line of action had not begun by the end of the year covered."),
        "in-progress": _("Work has begun and goes on; what the line of action aims at is not reached yet."),
        "completed": _("What the line of action aims at has been reached."),
        "continuous": _("A standing task, carried out every year, with no end point."),
        "not-applicable": _("The line of action did not concern the department in the year covered."),
    }
    return [StatusDefinition(s, capfirst(status_labels[s]), definitions.get(s, "")) for s in STATUSES]


# --- formatting helpers shared by the writers -----------------------------------------------------


def number(value: int | Decimal | float | None) -> str:
    """A count or a value as the report's language writes it; integral decimals without zeros."""
    from django.utils.formats import number_format

    if value is None:
        return DASH
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = int(value)
        else:
            return number_format(value, use_l10n=True)
    return number_format(value, use_l10n=True)


def percent(share: float | None) -> str:
    from django.utils.formats import number_format

    if share is None:
        return DASH
    return _("%(number)s%%") % {"number": number_format(round(share * 100, 1), decimal_pos=1, use_l10n=True)}
