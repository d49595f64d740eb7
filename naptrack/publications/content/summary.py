"""The report's summary (counts and charts by objective and department) and its annexes: what
each status means, and how the report was produced."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.plans.models import Department
from naptrack.publications import charts
from naptrack.publications.content.loading import Source
from naptrack.publications.content.tree import (
    NO_STATUS,
    STATUSES,
    CountRow,
    DepartmentRef,
    StatusDefinition,
    Summary,
    Text,
)


def build_summary(
    source: Source,
    lang: str,
    dept: Callable[[Department], DepartmentRef],
    objective_counts: dict[int, dict[str, int]],
    department_counts: dict[int, dict[str, int]],
    missing: dict[int, list[str]],
    status_labels: dict[str, str],
    expected: int,
    received: int,
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


def status_definitions(status_labels: dict[str, str]) -> list[StatusDefinition]:
    definitions = {
        "not-started": _("Work on the line of action had not begun by the end of the year covered."),
        "in-progress": _("Work has begun and goes on; what the line of action aims at is not reached yet."),
        "completed": _("What the line of action aims at has been reached."),
        "continuous": _("A standing task, carried out every year, with no end point."),
        "not-applicable": _("The line of action did not concern the department in the year covered."),
    }
    return [StatusDefinition(s, capfirst(status_labels[s]), definitions.get(s, "")) for s in STATUSES]


def method_paragraphs(
    source: Source,
    plan_title: Text,
    round_name: str,
    date_label: str,
    earlier_labels: list[str],
    summary: Summary,
) -> list[str]:
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
            "Texts of the plan not yet translated into this language are shown in English, and each chapter that "
            "holds such texts says so at its top. The narratives and answers of the departments are given as the "
            "departments wrote them."
        )
    )
    return paragraphs
