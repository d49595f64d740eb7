"""What the evaluator writes: the assessment of each objective and line of action, the numbered
findings and the numbered recommendations (each about one or more lines of action of the plan).
The coordinator or the plan's evaluator, while the evaluation is unpublished."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require
from naptrack.evaluations.models import Assessment, Evaluation, Finding, Recommendation, RecommendationLine, Status
from naptrack.evaluations.services.evaluations import locked
from naptrack.plans.models import Action, Objective

Entry = tuple[str, str]  # (status, text); ("", "") for no assessment


def _text(value: Any) -> str:
    return (value or "").strip()


def _check_entry(prefix: str, status: str, text: str, errors: dict[str, list[str]]) -> None:
    if not status and not text:
        return
    if status not in Status.values:
        errors[f"{prefix}-status"] = [_("Choose a status from the plan's scale.")]
    if not text:
        errors[f"{prefix}-text"] = [_("Say what the assessment rests on.")]


@transaction.atomic
def assessments_set(
    *,
    actor: Any,
    evaluation: Evaluation,
    objectives: Mapping[int, Entry] | None = None,
    lines: Mapping[int, Entry] | None = None,
) -> int:
    """Set the assessments of the objectives and lines given (by id): a status of the plan's scale
    and a text each, or ("", "") to have none. Subjects not given are left as they are. Returns
    how many changed. ValidationError by field: "objective-<id>-status", "line-<id>-text", and
    "line-<id>" for a line that is not the evaluated plan's."""
    evaluation = locked(evaluation)
    require(actor, "evaluations.write", evaluation)
    wanted = {("objective", int(k)): (_text(s), _text(t)) for k, (s, t) in (objectives or {}).items()} | {
        ("line", int(k)): (_text(s), _text(t)) for k, (s, t) in (lines or {}).items()
    }
    errors: dict[str, list[str]] = {}
    own_objectives = dict(Objective.objects.filter(plan_id=evaluation.plan_id).values_list("pk", "number"))
    own_lines = dict(Action.objects.filter(plan_id=evaluation.plan_id).values_list("pk", "code"))
    for (kind, pk), (status, text) in wanted.items():
        own = own_objectives if kind == "objective" else own_lines
        if pk not in own:
            message = _("This objective is not in the evaluated plan.") if kind == "objective" else None
            errors[f"{kind}-{pk}"] = [message or _("This line of action is not in the evaluated plan.")]
            continue
        _check_entry(f"{kind}-{pk}", status, text, errors)
    if errors:
        raise ValidationError(errors)
    current = {
        ("objective", a.objective_id) if a.objective_id else ("line", a.action_id): a
        for a in Assessment.objects.filter(evaluation=evaluation)
    }
    changes: dict[str, dict[str, Any]] = {}
    for (kind, pk), (status, text) in wanted.items():
        row = current.get((kind, pk))
        before = (row.status, row.text) if row else ("", "")
        if before == (status, text):
            continue
        if not status:
            author(row, actor).delete()
        else:
            row = row or Assessment(
                evaluation=evaluation, **({"objective_id": pk} if kind == "objective" else {"action_id": pk})
            )
            row.status, row.text = status, text
            author(row, actor).save()
        label = f"objective {own_objectives[pk]}" if kind == "objective" else f"line {own_lines[pk]}"
        changes[label] = {"before": list(before), "after": [status, text]}
    if changes:
        audit_record(actor=actor, action="evaluations.assessment.set", target=evaluation, data={"changes": changes})
    return len(changes)


def _next_number(model: type[Finding] | type[Recommendation], evaluation: Evaluation) -> int:
    return (model.objects.filter(evaluation=evaluation).aggregate(n=Max("number"))["n"] or 0) + 1


def _renumber(model: type[Finding] | type[Recommendation], evaluation: Evaluation, actor: Any) -> None:
    """Close the gap a removed entry leaves, so that the numbers read 1, 2, 3 (the evaluation is
    unpublished, so no published text cites the old numbers)."""
    for n, entry in enumerate(model.objects.filter(evaluation=evaluation).order_by("number"), start=1):
        if entry.number != n:
            entry.number = n
            author(entry, actor).save(update_fields=["number"])


def _required_text(text: Any, field: str = "text") -> str:
    text = _text(text)
    if not text:
        raise ValidationError({field: [_("Write the text.")]})
    return text


@transaction.atomic
def finding_add(*, actor: Any, evaluation: Evaluation, text: str) -> Finding:
    evaluation = locked(evaluation)
    require(actor, "evaluations.write", evaluation)
    finding = Finding(evaluation=evaluation, number=_next_number(Finding, evaluation), text=_required_text(text))
    author(finding, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.finding.added",
        target=finding,
        data={"number": finding.number, "text": finding.text},
    )
    return finding


@transaction.atomic
def finding_edit(*, actor: Any, finding: Finding, text: str) -> Finding:
    finding.evaluation = locked(finding.evaluation)
    require(actor, "evaluations.write", finding.evaluation)
    before, finding.text = finding.text, _required_text(text)
    author(finding, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.finding.edited",
        target=finding,
        data={"number": finding.number, "before": before, "after": finding.text},
    )
    return finding


@transaction.atomic
def finding_remove(*, actor: Any, finding: Finding) -> None:
    evaluation = finding.evaluation = locked(finding.evaluation)
    require(actor, "evaluations.write", evaluation)
    audit_record(
        actor=actor,
        action="evaluations.finding.removed",
        target=finding,
        data={"number": finding.number, "text": finding.text},
    )
    author(finding, actor).delete()
    _renumber(Finding, evaluation, actor)


def _clean_lines(evaluation: Evaluation, actions: Iterable[Any]) -> list[Action]:
    """The lines of action named (objects or ids), which must be the evaluated plan's."""
    ids = {a.pk if isinstance(a, Action) else a for a in actions}
    try:
        ids = {int(pk) for pk in ids}
    except (TypeError, ValueError):
        raise ValidationError({"actions": [_("Choose lines of action of the evaluated plan.")]}) from None
    if not ids:
        raise ValidationError({"actions": [_("Choose the line or lines of action the recommendation is about.")]})
    found = list(Action.objects.filter(plan_id=evaluation.plan_id, pk__in=ids).in_plan_order())
    if len(found) != len(ids):
        raise ValidationError({"actions": [_("Choose lines of action of the evaluated plan.")]})
    return found


def _set_lines(recommendation: Recommendation, lines: list[Action], actor: Any) -> None:
    wanted = {a.pk for a in lines}
    for link in RecommendationLine.objects.filter(recommendation=recommendation):
        if link.action_id in wanted:
            wanted.discard(link.action_id)
        else:
            author(link, actor).delete()
    for pk in sorted(wanted):
        author(RecommendationLine(recommendation=recommendation, action_id=pk), actor).save()


@transaction.atomic
def recommendation_add(*, actor: Any, evaluation: Evaluation, text: str, actions: Iterable[Any]) -> Recommendation:
    """A new recommendation about `actions` (lines of action of the evaluated plan, at least one)."""
    evaluation = locked(evaluation)
    require(actor, "evaluations.write", evaluation)
    text, lines = _required_text(text), _clean_lines(evaluation, actions)
    recommendation = Recommendation(evaluation=evaluation, number=_next_number(Recommendation, evaluation), text=text)
    author(recommendation, actor).save()
    _set_lines(recommendation, lines, actor)
    audit_record(
        actor=actor,
        action="evaluations.recommendation.added",
        target=recommendation,
        data={"number": recommendation.number, "text": text, "lines": [a.code for a in lines]},
    )
    return recommendation


@transaction.atomic
def recommendation_edit(
    *, actor: Any, recommendation: Recommendation, text: str, actions: Iterable[Any]
) -> Recommendation:
    evaluation = recommendation.evaluation = locked(recommendation.evaluation)
    require(actor, "evaluations.write", evaluation)
    text, lines = _required_text(text), _clean_lines(evaluation, actions)
    before = {
        "text": recommendation.text,
        "lines": list(
            recommendation.lines.order_by("action__goal__number", "action__position").values_list(
                "action__code", flat=True
            )
        ),
    }
    recommendation.text = text
    author(recommendation, actor).save()
    _set_lines(recommendation, lines, actor)
    audit_record(
        actor=actor,
        action="evaluations.recommendation.edited",
        target=recommendation,
        data={
            "number": recommendation.number,
            "before": before,
            "after": {"text": text, "lines": [a.code for a in lines]},
        },
    )
    return recommendation


@transaction.atomic
def recommendation_remove(*, actor: Any, recommendation: Recommendation) -> None:
    evaluation = recommendation.evaluation = locked(recommendation.evaluation)
    require(actor, "evaluations.write", evaluation)
    audit_record(
        actor=actor,
        action="evaluations.recommendation.removed",
        target=recommendation,
        data={"number": recommendation.number, "text": recommendation.text},
    )
    for link in RecommendationLine.objects.filter(recommendation=recommendation):
        author(link, actor).delete()
    author(recommendation, actor).delete()
    _renumber(Recommendation, evaluation, actor)
