"""A stored plan written out: naptrack-plan/1 JSON, a CSV table, an XLSX matrix like the plan's own."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from naptrack.core.numbers import json_number
from naptrack.core.spreadsheets import csv_row, xlsx_append
from naptrack.plans import interchange
from naptrack.plans.models import Instrument, Objective, Plan, Target
from naptrack.plans.texts import StateMap, plan_states


def _source(obj, name: str) -> str:
    # Exports carry the plan in its own language, whatever language the caller runs in.
    return getattr(obj, f"{name}_en") or ""


class _Texts:
    """A plan's texts as naptrack-plan/1 writes them: a string, or an object of languages when
    the text has translations, with the official ones marked (interchange.text_value)."""

    def __init__(self, states: StateMap):
        self.states = states

    def __call__(self, obj, kind: str, name: str) -> interchange.Text:
        translations = {lang: getattr(obj, f"{name}_{lang}", None) or "" for lang in interchange.TARGETS}
        return interchange.text_value(_source(obj, name), translations, self.states.get((kind, obj.pk, name), {}))


def plan_tree(plan: Plan) -> list[Objective]:
    return list(Objective.objects.filter(plan=plan).with_full_tree())


def plan_document(
    plan: Plan, *, tree: list[Objective] | None = None, links: list | None = None, public: bool = False
) -> dict:
    """The plan as naptrack-plan/1; `tree` (plan_tree) and `links` (the plan's departments with their
    parents, in order) when the caller has read them already."""
    plan_departments = (
        links
        if links is not None
        else list(plan.plan_departments.select_related("department__parent").order_by("position"))
    )
    text = _Texts(plan_states(plan))
    departments = []
    for link in plan_departments:
        dep = link.department
        row = {
            "code": dep.code,
            "name": text(dep, "department", "name"),
            "parent": dep.parent.code if dep.parent else None,
        }
        if _source(dep, "abbreviation"):
            row["abbreviation"] = text(dep, "department", "abbreviation")
        departments.append(row)
    objectives = []
    for objective in tree if tree is not None else plan_tree(plan):
        goals = []
        for goal in objective.tree_goals:
            actions = []
            for action in goal.tree_actions:
                responsibilities = action.tree_responsibilities
                coordinator = next((r.department.code for r in responsibilities if r.is_coordinator), None)
                instruments = []
                for instrument in action.tree_instruments:
                    row = {"text": text(instrument, "instrument", "text"), "kind": instrument.kind}
                    if instrument.by_sex:
                        row["by_sex"] = True
                    if _source(instrument, "unit"):
                        row["unit"] = text(instrument, "instrument", "unit")
                    # The tree (with_full_tree) joined each instrument's target. The public reads
                    # targets once the coordinator has published them.
                    if hasattr(instrument, "target") and (not public or plan.targets_published_at is not None):
                        row.update(_target(instrument, instrument.target))
                    instruments.append(row)
                actions.append(
                    {
                        "code": action.code,
                        "text": text(action, "action", "text"),
                        "notes": [text(note, "note", "text") for note in action.tree_notes],
                        "instruments": instruments,
                        "departments": [r.department.code for r in responsibilities],
                        "coordinator": coordinator,
                    }
                )
            # A goal whose lines were all retired by amendments asks for nothing any more.
            if actions:
                goals.append({"number": goal.number, "text": text(goal, "goal", "text"), "actions": actions})
        if not goals:
            continue
        objectives.append(
            {
                "number": objective.number,
                "title": text(objective, "objective", "title"),
                "intro": text(objective, "objective", "intro"),
                "goals": goals,
            }
        )
    return {
        "format": interchange.FORMAT,
        "slug": plan.slug,
        "title": text(plan, "plan", "title"),
        "country": plan.country,
        "period": {"start": plan.period_start, "end": plan.period_end},
        "languages": plan.languages,
        "focus_countries": plan.focus_countries,
        # EUR, the default, is left out: a file that never named a currency exports as it was.
        **({"currency": plan.currency} if plan.currency != "EUR" else {}),
        "departments": departments,
        "objectives": objectives,
    }


def _target(instrument: Instrument, target: Target) -> dict[str, Any]:
    """An instrument's target in naptrack-plan/1: baseline, target, milestones, direction."""
    figure = "share_of_women" if instrument.by_sex else "value"

    def point(year: int, value: Decimal | None) -> dict[str, Any]:
        return {"year": year, figure: json_number(value)}

    out: dict[str, Any] = {}
    if target.baseline_year is not None and target.baseline_value is not None:
        out["baseline"] = point(target.baseline_year, target.baseline_value)
    if target.text:
        out["target"] = {"year": target.year, "text": target.text}
    else:
        out["target"] = point(target.year, target.value)
    if target.source != Target.Source.PLAN:
        out["target"]["source"] = target.source
    milestones = [point(m.year, m.value) for m in target.milestones.all()]
    if milestones:
        out["milestones"] = milestones
    if not target.text:
        out["direction"] = target.direction
    return out


def plan_json(plan: Plan, *, public: bool = False) -> str:
    return interchange.dumps(plan_document(plan, public=public))


CSV_COLUMNS = [
    "objective",
    "objective_title",
    "goal",
    "goal_text",
    "code",
    "line_of_action",
    "instrument_number",
    "instrument",
    "kind",
    "by_sex",
    "unit",
    "departments",
    "coordinator",
    "notes",
]


def _rows(plan: Plan):
    for objective in plan_tree(plan):
        for goal in objective.tree_goals:
            for action in goal.tree_actions:
                responsibilities = action.tree_responsibilities
                for n, instrument in enumerate(action.tree_instruments, start=1):
                    yield objective, goal, action, responsibilities, n, instrument


def plan_csv(plan: Plan, *, public: bool = False) -> str:
    """One row per line of action x monitoring instrument; departments by code, separated by ';'.
    A text beginning with a formula character gets a quote in front (core.spreadsheets). No
    targets in it, so `public` changes nothing (it is there for the exports' common signature)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for objective, goal, action, responsibilities, n, instrument in _rows(plan):
        writer.writerow(
            csv_row(
                [
                    objective.number,
                    _source(objective, "title"),
                    goal.number,
                    _source(goal, "text"),
                    action.code,
                    _source(action, "text"),
                    n,
                    _source(instrument, "text"),
                    instrument.kind,
                    "yes" if instrument.by_sex else "no",
                    _source(instrument, "unit"),
                    ";".join(r.department.code for r in responsibilities),
                    next((r.department.code for r in responsibilities if r.is_coordinator), ""),
                    " | ".join(_source(note, "text") for note in action.tree_notes),
                ]
            )
        )
    return out.getvalue()


def plan_xlsx(plan: Plan, *, public: bool = False) -> bytes:
    """The plan's matrix as the plan prints it: an objective heading, then No. / Goal / Line of
    action / Monitoring instruments / Departments, the goal cell merged over its lines."""
    wb = Workbook()
    ws = wb.active
    ws.title = _("Plan")[:31]
    thin = Side(style="thin", color="999999")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    heading_fill = PatternFill("solid", fgColor="1F3864")
    objective_fill = PatternFill("solid", fgColor="D9E2F3")

    # Plan texts are written as string cells (xlsx_append): "=1+1" in a plan stays text.
    xlsx_append(ws, [_source(plan, "title")])
    ws["A1"].font = Font(bold=True, size=14)
    xlsx_append(ws, [f"{plan.country} · {plan.period_start}-{plan.period_end}"])
    headers = [_("No."), _("Goal"), _("Line of action"), _("Monitoring instruments"), _("Departments")]
    ws.append([])
    xlsx_append(ws, headers)
    header_row = ws.max_row
    for col in range(1, len(headers) + 1):
        cell = ws.cell(header_row, col)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = heading_fill
        cell.alignment = wrap
        cell.border = border
    ws.freeze_panes = ws.cell(header_row + 1, 1)

    links = list(plan.plan_departments.select_related("department__parent").order_by("position"))
    names = {link.department_id: link.department for link in links}
    tree = plan_tree(plan)
    for objective in tree:
        xlsx_append(
            ws,
            [_("OBJECTIVE %(number)s. %(title)s") % {"number": objective.number, "title": _source(objective, "title")}],
        )
        row = ws.max_row
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(headers))
        ws.cell(row, 1).font = Font(bold=True)
        ws.cell(row, 1).fill = objective_fill
        for goal in objective.tree_goals:
            first = ws.max_row + 1
            for action in goal.tree_actions:
                departments = []
                for r in action.tree_responsibilities:
                    name = _source(names.get(r.department_id, r.department), "name")
                    departments.append(f"{name} ({_('coordinator')})" if r.is_coordinator else name)
                xlsx_append(
                    ws,
                    [
                        action.code,
                        f"{goal.number}. {_source(goal, 'text')}",
                        _source(action, "text"),
                        "\n".join(_source(i, "text") for i in action.tree_instruments),
                        "\n".join(departments),
                    ],
                )
                for col in range(1, len(headers) + 1):
                    ws.cell(ws.max_row, col).alignment = wrap
                    ws.cell(ws.max_row, col).border = border
            if ws.max_row > first:
                ws.merge_cells(start_row=first, start_column=2, end_row=ws.max_row, end_column=2)
    for col, width in enumerate([8, 40, 55, 50, 28], start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    _plan_data_sheet(wb, plan_document(plan, tree=tree, links=links, public=public))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


PLAN_DATA_SHEET = "naptrack-plan"  # read back by naptrack.plans.importing.spreadsheet
_CHUNK = 30_000  # a cell holds at most 32,767 characters


def _plan_data_sheet(wb: Workbook, document: dict) -> None:
    """The plan as naptrack-plan/1 JSON in a hidden sheet: what the matrix cannot show
    (introductions, notes, kinds of instruments, the department tree, focus countries), so that
    `naptrack plan import` of this workbook gives back the plan exactly."""
    data = wb.create_sheet(PLAN_DATA_SHEET)
    data.sheet_state = "hidden"
    xlsx_append(data, ["naptrack-plan/1 document of this workbook, in pieces (column A, from row 2). Do not edit."])
    text = interchange.dumps(document)
    for start in range(0, len(text), _CHUNK):
        cell = data.cell(data.max_row + 1, 1)
        cell.value = text[start : start + _CHUNK]
        cell.data_type = "s"
