"""The evaluator's screens: every objective and line of action assessed on one page, findings and
recommendations added, changed and removed (with a confirmation), and the coordinator's response
to each recommendation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.core.forms import mark_errors
from naptrack.evaluations import services
from naptrack.evaluations.forms import STATUS_CHOICES, RecommendationForm, ResponseForm, TextForm
from naptrack.evaluations.models import Evaluation, Finding, Recommendation
from naptrack.evaluations.queries import assessments_by_subject, outline_lines, plan_outline
from naptrack.evaluations.views.common import evaluation_for


def _detail(evaluation: Evaluation, anchor: str = "") -> HttpResponse:
    url = reverse("evaluation-detail", args=[evaluation.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _field(prefix: str, assessment: Any, posted: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    """One subject's inputs: the posted values when the form comes back, else the saved ones."""
    if posted is not None:
        status, text = posted.get(f"{prefix}-status", ""), posted.get(f"{prefix}-text", "")
    else:
        status, text = (assessment.status, assessment.text) if assessment else ("", "")
    return {
        "prefix": prefix,
        "status": status,
        "text": text,
        "status_errors": errors.get(f"{prefix}-status", []) + errors.get(prefix, []),
        "text_errors": errors.get(f"{prefix}-text", []),
    }


@login_required
def assessments_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every objective and line of action of the plan on one page (a fixed number of queries)."""
    evaluation = evaluation_for(request, pk, "evaluations.write")
    objectives = plan_outline(evaluation.plan)
    errors: dict[str, list[str]] = {}
    posted = request.POST if request.method == "POST" else None
    if posted is not None:

        def entry(prefix: str) -> tuple[str, str]:
            return posted.get(f"{prefix}-status", ""), posted.get(f"{prefix}-text", "")

        try:
            changed = services.assessments_set(
                actor=request.user,
                evaluation=evaluation,
                objectives={o.pk: entry(f"objective-{o.pk}") for o in objectives},
                lines={a.pk: entry(f"line-{a.pk}") for a in outline_lines(objectives)},
            )
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Assessments saved: %(count)s changed.") % {"count": changed})
            return _detail(evaluation, "assessments")
    saved_objectives, saved_lines = assessments_by_subject(
        Evaluation.objects.prefetch_related("assessments").get(pk=evaluation.pk)
    )
    sections = [
        {
            "objective": o,
            "field": _field(f"objective-{o.pk}", saved_objectives.get(o.pk), posted, errors),
            "lines": [
                (a, _field(f"line-{a.pk}", saved_lines.get(a.pk), posted, errors))
                for goal in o.goals.all()
                for a in goal.actions.all()
            ],
        }
        for o in objectives
    ]
    context = {
        "plan": evaluation.plan,
        "evaluation": evaluation,
        "sections": sections,
        "statuses": STATUS_CHOICES,
        "error_count": len(errors),
    }
    return render(request, "evaluations/assessments.html", context, status=400 if errors else 200)


def _form_failed(form: Any, exc: ValidationError) -> None:
    for key, messages_ in exc.message_dict.items():
        form.add_error(key if key in form.fields else None, messages_)


@login_required
def finding_form(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.write")
    finding = get_object_or_404(Finding, evaluation=evaluation, number=number) if number is not None else None
    form = TextForm(request.POST or None, initial={"text": finding.text if finding else ""}, label=_("Finding"))
    if request.method == "POST" and form.is_valid():
        try:
            if finding is None:
                finding = services.finding_add(
                    actor=request.user, evaluation=evaluation, text=form.cleaned_data["text"]
                )
            else:
                services.finding_edit(actor=request.user, finding=finding, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _form_failed(form, exc)
        else:
            messages.success(request, _("Finding %(number)s is saved.") % {"number": finding.number})
            return _detail(evaluation, f"finding-{finding.number}")
    mark_errors(form)
    title = _("Finding %(number)s") % {"number": finding.number} if finding else _("New finding")
    context = {"plan": evaluation.plan, "evaluation": evaluation, "form": form, "title": title}
    return render(request, "evaluations/text_form.html", context, status=400 if form.errors else 200)


@login_required
def recommendation_form(request: HttpRequest, pk: int, number: int | None = None) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.write")
    recommendation = (
        get_object_or_404(Recommendation.objects.prefetch_related("lines"), evaluation=evaluation, number=number)
        if number is not None
        else None
    )
    lines = outline_lines(plan_outline(evaluation.plan))
    initial = (
        {"text": recommendation.text, "actions": [link.action_id for link in recommendation.lines.all()]}
        if recommendation
        else {}
    )
    form = RecommendationForm(request.POST or None, initial=initial, lines=lines)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if recommendation is None:
                recommendation = services.recommendation_add(
                    actor=request.user, evaluation=evaluation, text=data["text"], actions=data["actions"]
                )
            else:
                services.recommendation_edit(
                    actor=request.user, recommendation=recommendation, text=data["text"], actions=data["actions"]
                )
        except ValidationError as exc:
            _form_failed(form, exc)
        else:
            messages.success(request, _("Recommendation %(number)s is saved.") % {"number": recommendation.number})
            return _detail(evaluation, f"recommendation-{recommendation.number}")
    mark_errors(form)
    title = (
        _("Recommendation %(number)s") % {"number": recommendation.number}
        if recommendation
        else _("New recommendation")
    )
    context = {"plan": evaluation.plan, "evaluation": evaluation, "form": form, "title": title}
    return render(request, "evaluations/recommendation_form.html", context, status=400 if form.errors else 200)


@login_required
def entry_remove(request: HttpRequest, pk: int, kind: str, number: int) -> HttpResponse:
    """Remove a finding or a recommendation, after a confirmation; the others are renumbered."""
    if kind not in ("finding", "recommendation"):
        raise Http404(_("No such entry."))
    evaluation = evaluation_for(request, pk, "evaluations.write")
    model = Finding if kind == "finding" else Recommendation
    entry = get_object_or_404(model, evaluation=evaluation, number=number)
    if request.method == "POST":
        if kind == "finding":
            services.finding_remove(actor=request.user, finding=entry)
        else:
            services.recommendation_remove(actor=request.user, recommendation=entry)
        messages.success(request, _("%(entry)s is removed.") % {"entry": entry})
        return _detail(evaluation, "findings" if kind == "finding" else "recommendations")
    context = {"plan": evaluation.plan, "evaluation": evaluation, "entry": entry, "kind": kind}
    return render(request, "evaluations/remove.html", context)


@login_required
def response_edit(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.respond")
    recommendation = get_object_or_404(Recommendation, evaluation=evaluation, number=number)
    initial = {"response": recommendation.response, "text": recommendation.response_text}
    form = ResponseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.response_set(
                actor=request.user,
                recommendation=recommendation,
                response=form.cleaned_data["response"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _form_failed(form, exc)
        else:
            messages.success(request, _("The response to recommendation %(number)s is saved.") % {"number": number})
            return _detail(evaluation, f"recommendation-{number}")
    mark_errors(form)
    context = {"plan": evaluation.plan, "evaluation": evaluation, "recommendation": recommendation, "form": form}
    return render(request, "evaluations/response.html", context, status=400 if form.errors else 200)
