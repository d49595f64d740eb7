"""A focal point's reply to a targeted question: the question, the request it serves, its due
date and the coordinator's note; the reply saved as a draft or submitted. Read-only for the
coordinator and readers, and once submitted; another department's question is refused."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from naptrack.international import services
from naptrack.international.forms import ReplyForm
from naptrack.international.models import TargetedQuestion
from naptrack.international.views.common import plain, require
from naptrack.reporting.forms_coordination import add_service_errors


def _initial(targeted: TargetedQuestion) -> dict[str, str | int]:
    return {
        "reply": targeted.reply,
        "women": plain(targeted.women),
        "men": plain(targeted.men),
        "other": plain(targeted.other),
        "value": plain(targeted.value),
        "version": targeted.version,
    }


@login_required
def targeted_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    targeted = get_object_or_404(
        TargetedQuestion.objects.for_list().select_related("answer__request__framework"), pk=pk
    )
    require(user, "international.read_targeted", targeted)
    can_answer = user.has_perm("international.answer_targeted", targeted)
    conflict = None
    status = 200
    if request.method == "POST":
        require(user, "international.answer_targeted", targeted)
        form = ReplyForm(request.POST)
        submit = request.POST.get("action") == "submit"
        if form.is_valid():
            try:
                saved = services.targeted_question_save(
                    actor=user, targeted=targeted, version=form.cleaned_data["version"], data=form.reply_data()
                )
                if submit:
                    saved = services.targeted_question_submit(actor=user, targeted=saved, version=saved.version)
            except services.StaleVersion as error:
                conflict = error.current
                messages.error(
                    request,
                    _(
                        "Someone saved this reply while you were writing (version %(version)s is the current one). "
                        "Your text is kept below; save again to replace it with yours."
                    )
                    % {"version": conflict.version},
                )
                form = ReplyForm({**form.reply_data(), "version": conflict.version})
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    _("Submitted to the coordinator.") if submit else _("Draft saved."),
                )
                return redirect("international:targeted-edit", targeted.pk)
        else:
            status = 400
    else:
        form = ReplyForm(initial=_initial(targeted))
    return render(
        request,
        "international/targeted.html",
        {
            "targeted": targeted,
            "answer": targeted.answer,
            "req": targeted.answer.request,
            "form": form if can_answer else None,
            "conflict": conflict,
        },
        status=status,
    )
