"""The staff screens of a plan's evaluations: the list, creating one, its page (everything in it,
with the links to change it), its details and summary, the government's overall response, and
publishing or withdrawing it after a confirmation."""

from __future__ import annotations

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from naptrack.core.forms import mark_errors
from naptrack.evaluations import services
from naptrack.evaluations.forms import EvaluationForm, TextForm
from naptrack.evaluations.models import Evaluation
from naptrack.evaluations.queries import assessments_by_subject, outline_lines, plan_outline
from naptrack.evaluations.views.common import can, check, evaluation_for, plan_for


def _failed(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, errors in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# The evaluation's report, built by publications (above this app) and served by the portal.
REPORT_LANGUAGES = (("en", "English"), ("fr", "Français"), ("nl", "Nederlands"))
REPORT_FORMATS = ("html", "pdf", "docx")


@login_required
def evaluation_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for(request, slug)
    evaluations = list(Evaluation.objects.of_plan(plan))
    can_create = rules.has_perm("evaluations.create", request.user, plan)
    return render(
        request, "evaluations/list.html", {"plan": plan, "evaluations": evaluations, "can_create": can_create}
    )


@login_required
def evaluation_create(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_for(request, slug)
    check(request, "evaluations.create", plan)
    form = EvaluationForm(request.POST or None, initial={"kind": "final", "evaluator_kind": "external"})
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_create(actor=request.user, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            _failed(form, exc)
        else:
            messages.success(request, _("The evaluation is created. It stays internal until you publish it."))
            return redirect("evaluation-detail", pk=evaluation.pk)
    mark_errors(form)
    context = {"plan": plan, "form": form, "evaluation": None}
    return render(request, "evaluations/form.html", context, status=400 if form.errors else 200)


@login_required
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.write")
    initial = {name: getattr(evaluation, name) for name in services.evaluations.DETAILS}
    form = EvaluationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_edit(actor=request.user, evaluation=evaluation, **form.cleaned_data)
        except ValidationError as exc:
            _failed(form, exc)
        else:
            messages.success(request, _("The evaluation's details are saved."))
            return redirect("evaluation-detail", pk=evaluation.pk)
    mark_errors(form)
    context = {"plan": evaluation.plan, "form": form, "evaluation": evaluation}
    return render(request, "evaluations/form.html", context, status=400 if form.errors else 200)


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk, entries=True)
    objectives = plan_outline(evaluation.plan)
    by_objective, by_line = assessments_by_subject(evaluation)
    sections = [
        {
            "objective": objective,
            "assessment": by_objective.get(objective.pk),
            "lines": [
                (action, by_line.get(action.pk)) for goal in objective.goals.all() for action in goal.actions.all()
            ],
        }
        for objective in objectives
    ]
    context = {
        "plan": evaluation.plan,
        "evaluation": evaluation,
        "sections": sections,
        "assessed": len(by_line),
        "line_count": len(outline_lines(objectives)),
        "findings": list(evaluation.findings.all()),
        "recommendations": list(evaluation.recommendations.all()),
        "report_languages": REPORT_LANGUAGES,
        "report_formats": REPORT_FORMATS,
        **can(request, evaluation),
    }
    return render(request, "evaluations/detail.html", context)


@login_required
def evaluation_response(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.respond")
    form = TextForm(
        request.POST or None, initial={"text": evaluation.response}, label=_("The government's overall response")
    )
    form.fields["text"].required = False
    form.fields["text"].help_text = _("Markdown. Leave empty for none.")
    if request.method == "POST" and form.is_valid():
        services.evaluation_response_set(actor=request.user, evaluation=evaluation, text=form.cleaned_data["text"])
        messages.success(request, _("The government's overall response is saved."))
        return redirect("evaluation-detail", pk=evaluation.pk)
    mark_errors(form)
    context = {"plan": evaluation.plan, "evaluation": evaluation, "form": form, "title": _("Overall response")}
    return render(request, "evaluations/text_form.html", context, status=400 if form.errors else 200)


def _switch(request: HttpRequest, pk: int, *, publish: bool) -> HttpResponse:
    evaluation = evaluation_for(request, pk, "evaluations.publish")
    error = ""
    if request.method == "POST":
        try:
            if publish:
                services.evaluation_publish(actor=request.user, evaluation=evaluation)
            else:
                services.evaluation_withdraw(actor=request.user, evaluation=evaluation)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            if publish:
                messages.success(request, _("The evaluation is published on the portal, in open data and the API."))
            else:
                messages.success(request, _("The evaluation is no longer public."))
            return redirect("evaluation-detail", pk=evaluation.pk)
    context = {"plan": evaluation.plan, "evaluation": evaluation, "publish": publish, "error": error}
    return render(request, "evaluations/publish.html", context, status=400 if error else 200)


@login_required
def evaluation_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(request, pk, publish=True)


@login_required
def evaluation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _switch(request, pk, publish=False)
