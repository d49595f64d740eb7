"""Turning the report's source into its content tree in one language, in plan order, in pure Python."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.plans.models import Action, Department, Goal, Instrument
from naptrack.publications import charts
from naptrack.publications.content.annexes import build_annexes
from naptrack.publications.content.changes import Comparison
from naptrack.publications.content.countries import build_countries
from naptrack.publications.content.figures import build_figures
from naptrack.publications.content.formatting import correction_text, round_label, translated
from naptrack.publications.content.loading import Source, is_shown
from naptrack.publications.content.summary import build_summary, method_paragraphs, status_definitions
from naptrack.publications.content.targets import build_targets
from naptrack.publications.content.texts import build_cover, build_texts
from naptrack.publications.content.tree import (
    INTERNAL,
    NO_STATUS,
    UNAPPROVED,
    Answer,
    Change,
    Chart,
    DepartmentRef,
    Figures,
    GoalSection,
    HistoryRow,
    InstrumentBlock,
    Line,
    Narrative,
    ObjectiveSection,
    Report,
    Withdrawal,
)
from naptrack.reporting.models import Contribution, Measurement, Round


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

    def dept(d: Department) -> DepartmentRef:
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
    previous = source.previous
    comparison = Comparison(source, status_labels, labels[previous.pk] if previous is not None else "")
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
                    lambda c, number=o.number: comparison.change(number, c),
                )
                if comparison.active:
                    line.previous_label = comparison.round_label
                    line.previous = comparison.answers(a, source.instruments.get(a.pk, []), lang, dept)
                for r in source.responsibilities.get(a.pk, []):
                    c = current.get((a.pk, r.department_id))
                    expected += 1
                    if c is not None and is_shown(c, draft):
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

    summary = build_summary(
        source, lang, dept, objective_counts, department_counts, missing, status_labels, expected, received
    )
    charts_[:0] = [c for c in (summary.objective_chart, summary.department_chart) if c]
    summary.movements = comparison.summary(
        [(o.number, _("Objective %(number)s") % {"number": o.number}) for o in source.objectives]
    )

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
    statuses = status_definitions(status_labels)
    method = method_paragraphs(source, plan_title, round_name, date_label, earlier_labels, summary)
    texts = build_texts(source, lang)
    lines = [line for o in objectives for g in o.goals for line in g.lines]
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
        summary=summary,
        objectives=objectives,
        departments=plan_department_refs,
        statuses=statuses,
        earlier_rounds=earlier_labels,
        charts=charts_,
        method=method,
        cover=build_cover(source, plan_title, round_name, date_label),
        foreword=texts["foreword"],
        introduction=texts["introduction"],
        achievements=texts["achievements"],
        conclusions=texts["conclusions"],
        countries=build_countries(source, lang, dept, status_labels, _figures, _marks),
        figures=build_figures(source, lang),
        targets=build_targets(source.progress, source.hidden_targets, lang, round_.year, plan.currency, draft, dept),
        annexes=build_annexes(
            source,
            lines=lines,
            departments=plan_department_refs,
            statuses=statuses,
            method=method,
            dept=dept,
            figures_of=_figures,
        ),
    )


def _line(
    a: Action,
    source: Source,
    lang: str,
    dept: Callable[[Department], DepartmentRef],
    current: dict[tuple[int, int], Contribution],
    earlier: list[Contribution],
    labels: dict[int, str],
    years: dict[int, int],
    order: dict[int, int],
    status_labels: dict[str, str],
    charts_: list[Chart],
    change: Callable[[Contribution], Change | None],
) -> Line:
    draft = source.draft
    responsibilities = source.responsibilities.get(a.pk, [])
    coordinator = next((dept(r.department) for r in responsibilities if r.is_coordinator), None)
    synthesis = source.syntheses.get(a.pk)
    line = Line(
        code=a.code,
        anchor=f"line-{a.code}",
        text=translated(a, "text", lang),
        departments=[dept(r.department) for r in responsibilities],
        coordinator=coordinator,
        # A withdrawn synthesis leaves only its public note.
        synthesis=synthesis.text if synthesis is not None and synthesis.withdrawn_at is None else "",
        synthesis_correction=correction_text(synthesis) if synthesis is not None else "",
    )
    shown: list[Contribution] = []
    for r in responsibilities:
        c = current.get((a.pk, r.department_id))
        if c is not None and is_shown(c, draft):
            shown.append(c)
        elif c is not None and c.withdrawn_at is not None:
            line.withdrawn.append(Withdrawal(dept(r.department), correction_text(c)))
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
                correction=correction_text(c),
                change=change(c),
            )
        )
    line.countries = countries
    return line


def _history(
    instrument: Instrument,
    contributions: list[Contribution],
    source: Source,
    dept: Callable[[Department], DepartmentRef],
    labels: dict[int, str],
    years: dict[int, int],
    order: dict[int, int],
) -> list[HistoryRow]:
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
