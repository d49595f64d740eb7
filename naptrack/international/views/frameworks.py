"""Question sets: loaded from a file or entered in the app, and their questions' links to the
plans' lines of action and monitoring instruments, with suggestions to confirm."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.core.numbers import whole_number
from naptrack.international import services
from naptrack.international.files import FrameworkFileError, read_framework_file
from naptrack.international.forms import FrameworkForm, FrameworkLoadForm, QuestionAddForm, resolve_target
from naptrack.international.models import Framework, Mapping, Question
from naptrack.international.suggestions import suggester_for_plans
from naptrack.international.views.common import error_text, require
from naptrack.plans.models import Action, Instrument
from naptrack.reporting.forms_coordination import add_service_errors

QUESTIONS_PER_PAGE = 30


@login_required
def framework_load(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    problems: list[str] = []
    preview = None
    status = 200
    if request.method == "POST":
        form = FrameworkLoadForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                parsed = _read(data["document"])
                result = services.framework_load(
                    actor=user,
                    parsed=parsed,
                    body=data["body"],
                    name=data["name"],
                    version=data["version"],
                    source=data["source"],
                    dry_run=data["dry_run"],
                )
            except FrameworkFileError as error:
                form.add_error("document", str(error))
                status = 400
            except services.FrameworkRefused as error:
                problems = error.problems
                status = 400
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                if not data["dry_run"]:
                    messages.success(
                        request,
                        _("%(name)s loaded: %(added)s questions added, %(changed)s changed, %(removed)s removed.")
                        % {
                            "name": result.framework,
                            "added": len(result.added),
                            "changed": len(result.changed),
                            "removed": len(result.removed),
                        },
                    )
                    return redirect("international:framework", result.framework.code)
                preview = {"result": result, "questions": parsed.questions}
        else:
            status = 400
    else:
        form = FrameworkLoadForm()
    return render(
        request,
        "international/framework_load.html",
        {"form": form, "problems": problems, "preview": preview, "create_form": FrameworkForm(prefix="new")},
        status=status,
    )


def _read(upload):
    # The reader takes a path (the CLI's files too); the upload is written to a temporary file
    # with its own suffix, which tells CSV from XLSX.
    suffix = Path(upload.name).suffix.lower()[:10]
    with tempfile.NamedTemporaryFile(suffix=suffix) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        return read_framework_file(tmp.name, name=Path(upload.name).name)


@login_required
def framework_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    form = FrameworkForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(actor=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Question set created: add its questions."))
            return redirect("international:framework", framework.code)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "international/framework_load.html",
        {"form": FrameworkLoadForm(), "problems": [], "preview": None, "create_form": form},
        status=status,
    )


def _framework_url(framework: Framework, page: str | None = None, anchor: str = "") -> str:
    url = reverse("international:framework", args=[framework.code])
    number = whole_number(page or "")
    if number and number > 1:
        url += f"?page={number}"
    return url + (f"#{anchor}" if anchor else "")


@login_required
def framework_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = request.user
    require(user, "international.read")
    framework = get_object_or_404(Framework.objects.with_counts(), code=code)
    can_manage = user.has_perm("international.manage")
    status = 200
    form = QuestionAddForm()
    if request.method == "POST":
        require(user, "international.manage")
        form = QuestionAddForm(request.POST)
        if form.is_valid():
            try:
                question = services.question_add(actor=user, framework=framework, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("Question %(code)s added.") % {"code": question.code})
                last = (framework.n_questions + 1 + QUESTIONS_PER_PAGE - 1) // QUESTIONS_PER_PAGE
                return redirect(_framework_url(framework, str(last), f"question-{question.pk}"))
        else:
            status = 400
    mappings = Mapping.objects.select_related("instrument__action__plan", "action__plan").order_by("pk")
    questions = Paginator(
        framework.questions.prefetch_related(Prefetch("mappings", queryset=mappings)).order_by("position"),
        QUESTIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    lines: list[tuple[str, str]] = []
    if can_manage:
        # One suggester for the page: it reads every instrument once and answers every question.
        suggester = suggester_for_plans()
        for question in questions:
            linked = {m.instrument_id for m in question.mappings.all() if m.instrument_id}
            question.suggestions = suggester.suggest(question.text, top=3, exclude=linked, kind=question.kind)
        lines = list(
            Action.objects.order_by("plan__slug", "goal__objective__number", "goal__number", "position").values_list(
                "plan__slug", "code"
            )
        )
    return render(
        request,
        "international/framework.html",
        {
            "framework": framework,
            "questions": questions,
            "can_manage": can_manage,
            "form": form if can_manage else None,
            "lines": lines,
        },
        status=status,
    )


@login_required
@require_POST
def mapping_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a question: a suggestion confirmed (instrument and score), or a target typed."""
    user = request.user
    require(user, "international.manage")
    question = get_object_or_404(Question.objects.select_related("framework"), pk=pk)
    back = _framework_url(question.framework, request.POST.get("page"), f"question-{question.pk}")
    try:
        instrument_id = whole_number(request.POST.get("instrument", ""))
        if instrument_id is not None:
            instrument = get_object_or_404(Instrument.objects.select_related("action__plan"), pk=instrument_id)
            try:
                score = float(request.POST.get("score", ""))
            except ValueError:
                score = None
            # A suggestion's score is between 0 and 1; anything else (nan, inf) was not one of ours.
            if score is not None and not (math.isfinite(score) and 0 <= score <= 1):
                score = None
            services.mapping_add(
                actor=user, question=question, instrument=instrument, origin=Mapping.Origin.SUGGESTED, score=score
            )
            target = instrument
        else:
            target = resolve_target(request.POST.get("target", ""))
            if isinstance(target, Instrument):
                services.mapping_add(actor=user, question=question, instrument=target)
            else:
                services.mapping_add(actor=user, question=question, action=target)
    except ValidationError as error:
        messages.error(request, _("Question %(code)s: %(error)s") % {"code": question.code, "error": error_text(error)})
    else:
        messages.success(
            request, _("Question %(code)s linked to %(target)s.") % {"code": question.code, "target": _label(target)}
        )
    return redirect(back)


def _label(target: Instrument | Action) -> str:
    if isinstance(target, Instrument):
        return f"{target.action.plan.slug}:{target.action.code}:{target.position}"
    return f"{target.plan.slug}:{target.code}"


@login_required
@require_POST
def mapping_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    mapping = get_object_or_404(
        Mapping.objects.select_related("question__framework", "instrument__action__plan", "action__plan"), pk=pk
    )
    question = mapping.question
    target = mapping.instrument or mapping.action
    services.mapping_remove(actor=user, mapping=mapping)
    messages.success(
        request, _("Link of %(code)s to %(target)s removed.") % {"code": question.code, "target": _label(target)}
    )
    return redirect(_framework_url(question.framework, request.POST.get("page"), f"question-{question.pk}"))
