"""Plans' evaluations in public, once the coordinator published them: the list on the plan's
page, the evaluation's page, and the open data's evaluations table (one row per assessment,
finding and recommendation, with the government's responses) in CSV, XLSX and JSON, also in the
plan's open-data archive."""

from __future__ import annotations

from typing import Any

import rules
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.evaluations.models import Evaluation
from naptrack.evaluations.queries import assessments_by_subject, outline_lines, plan_outline
from naptrack.evaluations.services.evaluations import PUBLIC_ACTIONS  # noqa: F401  (portal.caching reads it)
from naptrack.plans.models import Plan
from naptrack.portal.opendata import Column, table_file

FORMAT = "naptrack-evaluations/1"
FORMATS = ("csv", "xlsx", "json")

COLUMNS = [
    Column("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    Column("evaluation_id", "integer", gettext_lazy("The evaluation's identifier, as in the API.")),
    Column("evaluation_kind", "text", gettext_lazy("Code of the kind of evaluation: mid-term or final.")),
    Column("evaluator", "text", gettext_lazy("Who evaluated the plan.")),
    Column("evaluator_kind", "text", gettext_lazy("internal or external.")),
    Column("organisation", "text", gettext_lazy("The evaluator's organisation; else empty.")),
    Column("completed_on", "date", gettext_lazy("The day the evaluation was completed (YYYY-MM-DD); else empty.")),
    Column("entry", "text", gettext_lazy("assessment, finding or recommendation.")),
    Column("number", "integer", gettext_lazy("The finding's or recommendation's number; else empty.")),
    Column("objective_number", "integer", gettext_lazy("The objective assessed; else empty.")),
    Column(
        "action_codes",
        "text",
        gettext_lazy("The line assessed, or the lines a recommendation is about (codes separated by spaces)."),
    ),
    Column("status", "text", gettext_lazy("An assessment's status code on the plan's scale; else empty.")),
    Column("status_label", "text", gettext_lazy("The status in words.")),
    Column("text", "text", gettext_lazy("The assessment, finding or recommendation.")),
    Column(
        "response",
        "text",
        gettext_lazy(
            "The government's response to a recommendation: accepted, partly-accepted, not-accepted; else empty."
        ),
    ),
    Column("response_label", "text", gettext_lazy("The response in words.")),
    Column("response_text", "text", gettext_lazy("The government's explanation of its response.")),
]
NAMES = [c.name for c in COLUMNS]


def can_preview(user, evaluation: Evaluation) -> bool:
    """Staff who read the evaluation see it before it is published (with a banner)."""
    return rules.has_perm("evaluations.read", user, evaluation)


def published_of(plan: Plan) -> list[Evaluation]:
    """The plan's published evaluations, for its page (one query)."""
    return list(Evaluation.objects.published().of_plan(plan))


def page_data(evaluation: Evaluation) -> dict[str, Any]:
    """What the evaluation's page shows (evaluation read with_entries; three queries for the plan)."""
    objectives = plan_outline(evaluation.plan)
    by_objective, by_line = assessments_by_subject(evaluation)
    sections = [
        {
            "objective": o,
            "assessment": by_objective.get(o.pk),
            "lines": [(a, by_line[a.pk]) for g in o.goals.all() for a in g.actions.all() if a.pk in by_line],
        }
        for o in objectives
    ]
    return {
        "sections": sections,
        "line_count": len(outline_lines(objectives)),
        "assessed": len(by_line),
        "findings": list(evaluation.findings.all()),
        "recommendations": list(evaluation.recommendations.all()),
    }


def _rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    base = {
        "plan": evaluation.plan.slug,
        "evaluation_id": evaluation.pk,
        "evaluation_kind": evaluation.kind,
        "evaluator": evaluation.evaluator_name,
        "evaluator_kind": evaluation.evaluator_kind,
        "organisation": evaluation.organisation,
        "completed_on": evaluation.completed_on.isoformat() if evaluation.completed_on else "",
    }
    empty = {c.name: None if c.type == "integer" else "" for c in COLUMNS[len(base) :]}
    rows = []
    for a in evaluation.assessments.all():
        rows.append(
            base
            | empty
            | {
                "entry": "assessment",
                "objective_number": a.objective.number if a.objective_id else None,
                "action_codes": a.action.code if a.action_id else "",
                "status": a.status,
                "status_label": capfirst(a.get_status_display()),
                "text": a.text,
            }
        )
    for f in evaluation.findings.all():
        rows.append(base | empty | {"entry": "finding", "number": f.number, "text": f.text})
    for r in evaluation.recommendations.all():
        rows.append(
            base
            | empty
            | {
                "entry": "recommendation",
                "number": r.number,
                "action_codes": " ".join(link.action.code for link in r.lines.all()),
                "text": r.text,
                "response": r.response,
                "response_label": capfirst(r.get_response_display()) if r.response else "",
                "response_text": r.response_text,
            }
        )
    return rows


def published_with_entries(plan: Plan | None = None) -> list[Evaluation]:
    """Every published evaluation (of `plan` only when given) with its entries: seven queries, one
    when there is none."""
    evaluations = (
        Evaluation.objects.published().with_entries().prefetch_related("assessments__objective", "assessments__action")
    )
    if plan is not None:
        evaluations = evaluations.filter(plan=plan)
    return list(evaluations.order_by("plan__slug", "pk"))


def evaluation_rows(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The evaluation's rows of the open-data table: its assessments, findings, recommendations."""
    return _rows(evaluation)


def records(plan: Plan | None = None) -> list[dict[str, Any]]:
    """The rows of every published evaluation (of `plan` only when given)."""
    return [row for evaluation in published_with_entries(plan) for row in _rows(evaluation)]


def evaluations_file(fmt: str, rows: list[dict[str, Any]]) -> bytes:
    return table_file(fmt, format_name=FORMAT, title=_("Evaluations"), columns=COLUMNS, rows=rows)
