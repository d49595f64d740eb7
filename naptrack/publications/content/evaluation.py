"""A plan's evaluation as a report of its own, in the report to parliament's content tree, so that
the same writers lay it out as HTML, PDF and DOCX: a cover, the evaluation's summary (Markdown),
then as chapters who evaluated, the assessments by objective with their lines, the findings, the
recommendations with their lines and the government's responses, and the overall response.

load_evaluation reads (a fixed number of queries); build_evaluation is pure Python, per language.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from naptrack.evaluations.models import Evaluation, Recommendation, Status
from naptrack.evaluations.queries import assessments_by_subject, plan_outline
from naptrack.publications.content.countries import country_name
from naptrack.publications.content.formatting import translated
from naptrack.publications.content.tree import Annex, AnnexTable, Cover, Report, Text, TextPart

DASH = "\u2013"


@dataclass
class EvaluationSource:
    evaluation: Evaluation
    objectives: list  # plan_outline: objectives > goals > lines


def load_evaluation(evaluation_id: int) -> EvaluationSource:
    """The evaluation with its entries and the plan's outline: eight queries."""
    evaluation = Evaluation.objects.with_entries().get(pk=evaluation_id)
    return EvaluationSource(evaluation, plan_outline(evaluation.plan))


def build_evaluation(source: EvaluationSource, lang: str) -> Report:
    """The evaluation's report in `lang`; a draft (marked as such) until it is published."""
    with translation.override(lang):
        return _build(source, lang)


def _day(value) -> str:
    return date_format(value, "DATE_FORMAT") if value else DASH


def _build(source: EvaluationSource, lang: str) -> Report:
    evaluation = source.evaluation
    plan = evaluation.plan
    draft = evaluation.published_at is None
    today = (
        timezone.localdate(evaluation.published_at)
        if evaluation.published_at
        else evaluation.completed_on or timezone.localdate()
    )
    date_label = date_format(today, "DATE_FORMAT")
    plan_title = translated(plan, "title", lang)
    name = capfirst(evaluation.get_kind_display())
    title = _("%(kind)s of the plan") % {"kind": name}
    if draft:
        title = _("Draft: %(title)s") % {"title": title}
    statuses = {code: capfirst(label) for code, label in Status.choices}
    summary = TextPart(
        key="summary",
        anchor="introduction",
        title=_("Summary"),
        text=Text(evaluation.summary or _("No summary has been written.")),
    )
    response = None
    if evaluation.response:
        response = TextPart(
            key="response",
            anchor="conclusions",
            title=_("The government's overall response"),
            text=Text(evaluation.response),
        )
    chapters = [
        _about(evaluation),
        _assessments(source, lang, statuses),
        _findings(evaluation),
        _recommendations(evaluation),
    ]
    return Report(
        language=lang,
        draft=draft,
        plan_title=plan_title,
        plan_slug=plan.slug,
        plan_period=plan.period,
        round_id=evaluation.pk,
        round_kind=evaluation.kind,
        round_label=f"{name} {plan.period}",
        kind_label=name,
        year=(evaluation.completed_on or today).year,
        date=today,
        date_label=date_label,
        title=title,
        summary=None,
        objectives=[],
        departments=[],
        statuses=[],
        earlier_rounds=[],
        charts=[],
        method=[],
        cover=Cover(
            plan_title=plan_title,
            title=_("Evaluation of the plan"),
            round_label=f"{name} {plan.period}",
            year=(evaluation.completed_on or today).year,
            country=country_name(plan.country) if plan.country else "",
            institution=getattr(settings, "NAPTRACK_REPORT_INSTITUTION", ""),
            logo=str(getattr(settings, "NAPTRACK_REPORT_LOGO", "") or ""),
            date_label=date_label,
        ),
        introduction=summary,
        conclusions=response,
        annexes=chapters,
    )


def _chapter(key: str, title: str, **parts) -> Annex:
    # The report's generic chapter (paragraphs, definitions, tables), here numbered 0: the
    # evaluation's chapters are its body, not annexes.
    return Annex(key=key, number=0, anchor=f"evaluation-{key}", title=title, **parts)


def _about(evaluation: Evaluation) -> Annex:
    facts = [
        (_("Evaluator"), evaluation.evaluator_name),
        (_("Organisation"), evaluation.organisation or DASH),
        (_("Carried out"), capfirst(evaluation.get_evaluator_kind_display())),
        (_("Started"), _day(evaluation.started_on)),
        (_("Completed"), _day(evaluation.completed_on)),
    ]
    return _chapter("about", _("The evaluation"), definitions=facts)


def _assessments(source: EvaluationSource, lang: str, statuses: dict[str, str]) -> Annex:
    by_objective, by_line = assessments_by_subject(source.evaluation)
    head = [_("Line of action"), _("Text of the line"), _("Status"), _("Assessment")]
    tables = []
    for objective in source.objectives:
        label = _("Objective %(number)s") % {"number": objective.number}
        rows: list[list[str | Text]] = []
        own = by_objective.get(objective.pk)
        rows.append(
            [
                label,
                translated(objective, "title", lang),
                statuses[own.status] if own else DASH,
                own.text if own else "",
            ]
        )
        for goal in objective.goals.all():
            for action in goal.actions.all():
                a = by_line.get(action.pk)
                rows.append(
                    [
                        action.code,
                        translated(action, "text", lang),
                        statuses[a.status] if a else DASH,
                        a.text if a else "",
                    ]
                )
        caption = f"{label}. {translated(objective, 'title', lang).text}"
        tables.append(AnnexTable(caption=caption, head=head, rows=rows))
    intro = _(
        "The evaluation's assessment of each objective and line of action on the plan's status scale, "
        "with what it rests on. A dash: not assessed."
    )
    return _chapter("assessments", _("Assessments by objective"), paragraphs=[intro], tables=tables)


def _findings(evaluation: Evaluation) -> Annex:
    findings = [(_("Finding %(number)s") % {"number": f.number}, f.text) for f in evaluation.findings.all()]
    paragraphs = [] if findings else [_("The evaluation states no finding.")]
    return _chapter("findings", _("Findings"), paragraphs=paragraphs, definitions=findings)


def _response_label(recommendation: Recommendation) -> str:
    return capfirst(recommendation.get_response_display()) if recommendation.response else _("No response yet")


def _recommendations(evaluation: Evaluation) -> Annex:
    rows: list[list[str | Text]] = [
        [
            str(r.number),
            r.text,
            ", ".join(link.action.code for link in r.lines.all()),
            _response_label(r),
            r.response_text,
        ]
        for r in evaluation.recommendations.all()
    ]
    head = [_("No."), _("Recommendation"), _("Lines of action"), _("Response"), _("The government's explanation")]
    tables = (
        [AnnexTable(caption=_("Recommendations and the government's response"), head=head, rows=rows)] if rows else []
    )
    paragraphs = [] if rows else [_("The evaluation makes no recommendation.")]
    return _chapter(
        "recommendations", _("Recommendations and the government's response"), paragraphs=paragraphs, tables=tables
    )
