"""Requests: creating one, its page (answers with their drafts, the final answer forms, targeted
questions to departments), the answer pack's files, sending and publishing.

A form that fails on the request page renders the page again with what the person typed kept in
that answer's form, next to the service's message (and, for an answer someone else saved in the
meantime, the answer as it is now)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.international import exports, services
from naptrack.international.forms import AnswerForm, AskForm, RequestCreateForm, ReviewForm, SentForm
from naptrack.international.models import Answer, Dispatch, Framework, Request, TargetedQuestion
from naptrack.international.views.common import LANGUAGES, error_dict, error_text, plain, require
from naptrack.plans.models import Department
from naptrack.reporting.forms_coordination import add_service_errors

ASK_DAYS = 14  # the due date a targeted question is given unless the coordinator says otherwise


def _request_url(pk: int, anchor: str = "") -> str:
    return reverse("international:request", args=[pk]) + (f"#{anchor}" if anchor else "")


def _request_or_404(pk: int) -> Request:
    return get_object_or_404(Request.objects.select_related("framework", "handler"), pk=pk)


@login_required
def request_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    if request.method == "POST":
        form = RequestCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            start, end = data["period"]
            try:
                created = services.request_create(
                    actor=user,
                    framework=data["framework"],
                    period_start=start,
                    period_end=end,
                    due_on=data["due_on"],
                    received_on=data["received_on"],
                    reference=data["reference"],
                    handler=data["handler"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flagged = created.answers.filter(flagged=True).count()
                messages.success(
                    request,
                    _("Request created: %(n)s answers drafted, %(flagged)s with nothing reported behind them.")
                    % {"n": created.answers.count(), "flagged": flagged},
                )
                return redirect(_request_url(created.pk))
        status = 400
    else:
        initial: dict[str, Any] = {"due_on": timezone.localdate() + dt.timedelta(days=30)}
        code = request.GET.get("framework")
        if code:
            initial["framework"] = Framework.objects.filter(code=code).first()
        form = RequestCreateForm(initial=initial)
        status = 200
    return render(request, "international/request_create.html", {"form": form}, status=status)


def _answer_values(answer: Answer) -> dict[str, str]:
    return {
        "text": answer.text,
        "women": plain(answer.women),
        "men": plain(answer.men),
        "other": plain(answer.other),
        "total": plain(answer.total),
        "yes": "" if answer.yes is None else ("yes" if answer.yes else "no"),
        "version": str(answer.version),
    }


def _typed(post, keys: tuple[str, ...]) -> dict[str, str]:
    return {key: post.get(key, "") for key in keys}


def _for_template(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    # Templates cannot read a key that starts with an underscore.
    return {("all" if key == "__all__" else key): value for key, value in errors.items()}


def _page(
    request: HttpRequest,
    req: Request,
    *,
    status: int = 200,
    states: dict[int, dict[str, Any]] | None = None,
    sent_form: SentForm | None = None,
) -> HttpResponse:
    """The request page; `states` holds, per answer, what the person typed and what went wrong."""
    user = request.user
    can_manage = user.has_perm("international.manage")
    answers = list(req.answers.for_pack())
    departments = list(Department.objects.order_by("name")) if can_manage else []
    due = timezone.localdate() + dt.timedelta(days=ASK_DAYS)
    states = states or {}
    for answer in answers:
        state = states.get(answer.pk, {})
        answer.dom_id = f"a{answer.pk}"
        answer.values = state.get("values") or _answer_values(answer)
        answer.errors = _for_template(state.get("errors", {}))
        answer.conflict = state.get("conflict")
        if answer.conflict is not None:
            answer.conflict_values = _answer_values(answer.conflict)
        answer.ask = state.get("ask") or {"department": "", "due_on": due.isoformat(), "text": answer.question.text}
        answer.ask_errors = _for_template(state.get("ask_errors", {}))
        asked = {t.department_id for t in answer.targeted_questions.all()}
        answer.departments = [d for d in departments if d.pk not in asked]
        answer.internal = answer.draft.get("internal", 0)
    dispatches = list(req.dispatches.order_by("-version"))
    return render(
        request,
        "international/request.html",
        {
            "req": req,
            "answers": answers,
            # Questions sit under their group's heading when the set has groups, else under "Answers".
            "q_level": 4 if any(a.question.group for a in answers) else 3,
            "dispatches": dispatches,
            "can_manage": can_manage,
            "sent_form": sent_form or SentForm(initial={"sent_on": timezone.localdate()}),
            "formats": exports.FORMATS,
            "languages": LANGUAGES,
        },
        status=status,
    )


@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "international.read")
    return _page(request, _request_or_404(pk))


def _answer_or_404(pk: int) -> Answer:
    return get_object_or_404(Answer.objects.select_related("question", "request__framework", "request__handler"), pk=pk)


@login_required
@require_POST
def answer_save(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    answer = _answer_or_404(pk)
    req = answer.request
    typed = _typed(request.POST, ("text", "women", "men", "other", "total", "yes", "version"))
    form = AnswerForm(request.POST)
    if not form.is_valid():
        errors = {key: list(messages_) for key, messages_ in form.errors.items()}
        return _page(request, req, status=400, states={pk: {"values": typed, "errors": errors}})
    try:
        saved = services.answer_save(
            actor=user, answer=answer, version=form.cleaned_data["version"], data=form.data_for(answer.question.kind)
        )
    except services.StaleVersion as error:
        messages.error(
            request,
            _(
                "Someone saved answer %(code)s while you were editing it (version %(version)s is the current one). "
                "What you typed is kept below, beside the saved answer; save again to replace it with yours."
            )
            % {"code": answer.question.code, "version": error.current.version},
        )
        # The form now carries the current version, so that saving again overwrites knowingly.
        typed["version"] = str(error.current.version)
        return _page(request, req, status=409, states={pk: {"values": typed, "conflict": error.current}})
    except ValidationError as error:
        return _page(request, req, status=400, states={pk: {"values": typed, "errors": error_dict(error)}})
    messages.success(
        request,
        _("Answer %(code)s saved (version %(version)s).") % {"code": answer.question.code, "version": saved.version},
    )
    return redirect(_request_url(req.pk, f"answer-{pk}"))


@login_required
@require_POST
def targeted_ask(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    answer = _answer_or_404(pk)
    typed = _typed(request.POST, ("department", "due_on", "text"))
    form = AskForm(request.POST)
    errors: dict[str, list[str]] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            targeted = services.targeted_question_ask(
                actor=user, answer=answer, department=data["department"], due_on=data["due_on"], text=data["text"]
            )
        except ValidationError as error:
            errors = error_dict(error)
        else:
            messages.success(
                request,
                _("%(department)s was asked about %(code)s, due %(date)s.")
                % {
                    "department": targeted.department,
                    "code": answer.question.code,
                    "date": targeted.due_on.isoformat(),
                },
            )
            return redirect(_request_url(answer.request_id, f"answer-{pk}"))
    else:
        errors = {key: list(messages_) for key, messages_ in form.errors.items()}
    return _page(request, answer.request, status=400, states={pk: {"ask": typed, "ask_errors": errors}})


REVIEW = {"return": services.targeted_question_return, "approve": services.targeted_question_approve}


@login_required
@require_POST
def targeted_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    user = request.user
    if decision not in REVIEW:
        return HttpResponseBadRequest(_("Unknown decision."))
    targeted = get_object_or_404(TargetedQuestion.objects.select_related("department", "answer__question"), pk=pk)
    require(user, "international.manage")
    form = ReviewForm(request.POST)
    back = _request_url(targeted.answer.request_id, f"answer-{targeted.answer_id}")
    if not form.is_valid():
        messages.error(request, _("The form was not complete: open the page again and retry."))
        return redirect(back)
    version = form.cleaned_data["version"]
    try:
        if decision == "return":
            services.targeted_question_return(
                actor=user, targeted=targeted, note=form.cleaned_data["note"], version=version
            )
            done = _("Returned to %(department)s with your note.")
        else:
            services.targeted_question_approve(actor=user, targeted=targeted, version=version)
            done = _("The reply of %(department)s was approved and joins the draft.")
    except (ValidationError, services.InternationalError, services.StaleVersion) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, done % {"department": targeted.department})
    return redirect(back)


@login_required
@require_POST
def request_redraft(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    req = _request_or_404(pk)
    changed = services.request_redraft(actor=user, request=req)
    messages.success(
        request,
        _("Drafted again from today's data: %(n)s answers changed; answers you edited keep your text.")
        % {"n": changed},
    )
    return redirect(_request_url(req.pk))


def _file(content: dict[str, Any], request: HttpRequest) -> HttpResponse:
    # Without ?lang=, the pack comes in the person's own language (their profile's).
    fmt = request.GET.get("format", "")
    lang = request.GET.get("lang") or getattr(request.user, "language", "") or settings.LANGUAGE_CODE
    if fmt not in exports.FORMATS or lang not in LANGUAGES:
        return HttpResponseBadRequest(
            _("Ask for a format among %(formats)s and a language among %(languages)s.")
            % {"formats": ", ".join(exports.FORMATS), "languages": ", ".join(LANGUAGES)}
        )
    response = HttpResponse(exports.render(content, fmt, lang), content_type=exports.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(content, fmt, lang)}"'
    return response


@login_required
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, "international.read")
    return _file(exports.pack_snapshot(_request_or_404(pk)), request)


@login_required
def dispatch_export(request: HttpRequest, pk: int, version: int) -> HttpResponse:
    require(request.user, "international.read")
    dispatch = get_object_or_404(Dispatch, request_id=pk, version=version)
    # The frozen content, never the answers as they are now.
    return _file(dispatch.content, request)


@login_required
@require_POST
def request_mark_sent(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require(user, "international.manage")
    req = _request_or_404(pk)
    form = SentForm(request.POST)
    if form.is_valid():
        try:
            dispatch = services.request_mark_sent(actor=user, request=req, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        except services.InternationalError as error:
            messages.error(request, error_text(error))
            return _page(request, req, status=409, sent_form=form)
        else:
            messages.success(
                request,
                _("Version %(version)s marked as sent to %(to)s; later edits make version %(next)s.")
                % {"version": dispatch.version, "to": dispatch.sent_to, "next": dispatch.version + 1},
            )
            return redirect(_request_url(req.pk, "sent"))
    return _page(request, req, status=400, sent_form=form)


@login_required
def request_visibility(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing or taking back the answer pack, after a confirmation page saying what it means."""
    user = request.user
    require(user, "international.manage")
    req = _request_or_404(pk)
    publish = req.visibility != Request.Visibility.PUBLIC
    if request.method == "POST":
        try:
            services.request_set_visibility(actor=user, request=req, public=request.POST.get("public") == "1")
        except services.InternationalError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request,
                _("The answer pack is published.") if publish else _("The answer pack is internal again."),
            )
        return redirect(_request_url(req.pk))
    return render(request, "international/request_visibility.html", {"req": req, "publish": publish})
