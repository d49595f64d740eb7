"""The evaluation itself: created by the coordinator, its details and summary written by the
coordinator or the plan's evaluator, the government's responses (coordinator only), published and
withdrawn by the coordinator."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.core.services import author, require
from naptrack.evaluations.models import Evaluation, Recommendation
from naptrack.plans.models import Plan

DETAILS = ("kind", "evaluator_kind", "evaluator_name", "organisation", "started_on", "completed_on", "summary")
# Audit actions after which the public pages may read differently (portal.caching joins them).
PUBLIC_ACTIONS = (
    "evaluations.evaluation.published",
    "evaluations.evaluation.withdrawn",
    "evaluations.response.set",
)


def _text(value: Any) -> str:
    return (value or "").strip()


def _clean_details(details: dict[str, Any]) -> dict[str, Any]:
    """The details checked, by field (ValidationError)."""
    errors: dict[str, list[str]] = {}
    out = {name: details.get(name) for name in DETAILS}
    for name in ("evaluator_name", "organisation", "summary"):
        out[name] = _text(out[name])
    if out["kind"] not in Evaluation.Kind.values:
        errors["kind"] = [_("Choose a mid-term or a final evaluation.")]
    if out["evaluator_kind"] not in Evaluation.Evaluator.values:
        errors["evaluator_kind"] = [_("Choose whether the evaluation was internal or external.")]
    if not out["evaluator_name"]:
        errors["evaluator_name"] = [_("Name who evaluated the plan.")]
    for name in ("started_on", "completed_on"):
        if out[name] is not None and not isinstance(out[name], dt.date):
            errors[name] = [_("Give a date.")]
    started, completed = out["started_on"], out["completed_on"]
    if isinstance(started, dt.date) and isinstance(completed, dt.date) and completed < started:
        errors["completed_on"] = [_("The evaluation cannot end before it started.")]
    if errors:
        raise ValidationError(errors)
    return out


def locked(evaluation: Evaluation) -> Evaluation:
    """The evaluation read again under a lock: a write decides on the row as it is now (published
    meanwhile, say) and saves it whole without putting back what another write changed."""
    return Evaluation.objects.select_for_update().select_related("plan").get(pk=evaluation.pk)


def _state(evaluation: Evaluation) -> dict[str, Any]:
    state = {name: getattr(evaluation, name) for name in DETAILS}
    for name in ("started_on", "completed_on"):
        state[name] = state[name].isoformat() if state[name] else None
    return state


@transaction.atomic
def evaluation_create(*, actor: Any, plan: Plan, **details: Any) -> Evaluation:
    """A new, unpublished evaluation of `plan`. Details: kind, evaluator_kind, evaluator_name,
    organisation, started_on, completed_on, summary (Markdown)."""
    require(actor, "evaluations.create", plan)
    evaluation = Evaluation(plan=plan, **_clean_details(details))
    author(evaluation, actor).save()
    audit_record(actor=actor, action="evaluations.evaluation.created", target=evaluation, data=_state(evaluation))
    return evaluation


@transaction.atomic
def evaluation_edit(*, actor: Any, evaluation: Evaluation, **details: Any) -> Evaluation:
    evaluation = locked(evaluation)
    require(actor, "evaluations.write", evaluation)
    cleaned = _clean_details(details)
    before = _state(evaluation)
    for name, value in cleaned.items():
        setattr(evaluation, name, value)
    author(evaluation, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.evaluation.edited",
        target=evaluation,
        data={"before": before, "after": _state(evaluation)},
    )
    return evaluation


@transaction.atomic
def response_set(*, actor: Any, recommendation: Recommendation, response: str, text: str) -> Recommendation:
    """The government's response to one recommendation: accepted, partly accepted or not accepted,
    with its explanation; an empty response takes it back. Allowed after publication too, since
    a government often answers an evaluation after it is made public."""
    locked(recommendation.evaluation)
    recommendation = (
        Recommendation.objects.select_for_update().select_related("evaluation__plan").get(pk=recommendation.pk)
    )
    require(actor, "evaluations.respond", recommendation)
    text = _text(text)
    response = response or ""
    if response not in ("", *Recommendation.Response.values):
        raise ValidationError({"response": [_("Choose accepted, partly accepted or not accepted.")]})
    if text and not response:
        raise ValidationError({"response": [_("Choose the response this text explains.")]})
    before = {"response": recommendation.response, "text": recommendation.response_text}
    recommendation.response, recommendation.response_text = response, text
    author(recommendation, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.response.set",
        target=recommendation,
        data={"number": recommendation.number, "before": before, "after": {"response": response, "text": text}},
    )
    return recommendation


@transaction.atomic
def evaluation_response_set(*, actor: Any, evaluation: Evaluation, text: str) -> Evaluation:
    """The government's overall response to the evaluation (Markdown; empty removes it)."""
    evaluation = locked(evaluation)
    require(actor, "evaluations.respond", evaluation)
    before, evaluation.response = evaluation.response, _text(text)
    author(evaluation, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.response.set",
        target=evaluation,
        data={"overall": True, "before": before, "after": evaluation.response},
    )
    return evaluation


@transaction.atomic
def evaluation_publish(*, actor: Any, evaluation: Evaluation) -> Evaluation:
    evaluation = locked(evaluation)
    require(actor, "evaluations.publish", evaluation)
    if evaluation.published_at is not None:
        raise ValidationError(_("This evaluation is already published."))
    if not evaluation.plan.is_adopted:
        raise ValidationError(_("The evaluation of a draft plan cannot be published."))
    evaluation.published_at = timezone.now()
    author(evaluation, actor).save()
    audit_record(actor=actor, action="evaluations.evaluation.published", target=evaluation)
    return evaluation


@transaction.atomic
def evaluation_withdraw(*, actor: Any, evaluation: Evaluation) -> Evaluation:
    """Take a published evaluation off the portal, open data and API (it can be changed again)."""
    evaluation = locked(evaluation)
    require(actor, "evaluations.publish", evaluation)
    if evaluation.published_at is None:
        raise ValidationError(_("This evaluation is not published."))
    published = evaluation.published_at
    evaluation.published_at = None
    author(evaluation, actor).save()
    audit_record(
        actor=actor,
        action="evaluations.evaluation.withdrawn",
        target=evaluation,
        data={"published_at": published.isoformat()},
    )
    return evaluation
