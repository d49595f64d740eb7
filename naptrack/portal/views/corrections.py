"""The coordinator's screens to correct or withdraw what was published: a contribution, or a line's
synthesis, in a published round, reached from the line's review page.

Each is a form (the public note, and for a correction the content to change), then a confirmation
showing what will change and what the public will read, then back to the line's review page with
a message. The form's data goes from the form to the confirmation in hidden inputs: no JavaScript,
nothing kept on the server in between. The views live in the portal because the confirmation runs
the use case naptrack.portal.corrections, which republishes files, search and page caches.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.core.roles import is_coordinator
from naptrack.core.templatetags.naptrack import translated
from naptrack.portal import corrections
from naptrack.publications.content import correction_text
from naptrack.reporting import services as reporting
from naptrack.reporting.forms import OTHER_FIELD_LABELS
from naptrack.reporting.forms_coordination import (
    ContributionCorrectionForm,
    SynthesisCorrectionForm,
    WithdrawalForm,
    add_service_errors,
)
from naptrack.reporting.models import Contribution, Synthesis
from naptrack.reporting.services import ContributionConflict, WorkflowError, narrative_max
from naptrack.reporting.services.corrections import PERMISSION, meaningful
from naptrack.reporting.views.common import error_text


def _line_url(round_id: int, code: str, anchor: str) -> str:
    return reverse("reporting:line-review", args=[round_id, code]) + f"#{anchor}"


def _allowed(request: HttpRequest, obj: Contribution | Synthesis) -> bool:
    """Anyone but the coordinator is refused (403); the coordinator asking to correct what cannot
    be corrected (not published, withdrawn) is told why on the line's page."""
    if not is_coordinator(request.user):
        raise PermissionDenied(_("You may not do this."))
    if request.user.has_perm(PERMISSION, obj):
        return True
    messages.error(
        request, _("Only what a published round published, not withdrawn since, can be corrected or withdrawn.")
    )
    return False


def _preview(note: str, *, withdrawn: bool) -> str:
    """What the public will read, dated today."""
    now = timezone.now()
    return correction_text(
        SimpleNamespace(withdrawn_at=now if withdrawn else None, corrected_at=now, correction_note=note)
    )


def _stage(request: HttpRequest) -> str:
    """ "confirm" (the confirmation's button), "edit" (back to the form from it) or "check"."""
    return next((name for name in ("confirm", "edit") if name in request.POST), "check")


# --- a contribution ------------------------------------------------------------------------------


def _contribution(pk: int, *, detail: bool = True) -> Contribution:
    """With its answers and the line's instruments for a correction; its context for a withdrawal."""
    contributions = Contribution.objects.with_detail() if detail else Contribution.objects.with_context()
    return get_object_or_404(contributions, pk=pk)


def _change_rows(form: ContributionCorrectionForm, changes: dict[str, tuple[Any, Any]]) -> list[dict[str, str]]:
    rows = []
    for key, (before, after) in changes.items():
        name = form.field_name(key)
        if name in form.fields:
            label = form.long_label(name)
        elif key.startswith("measurements."):
            label = form.long_measurement_label(key)
        else:
            label = str(OTHER_FIELD_LABELS.get(key, key))
        rows.append(
            {"label": label, "before": form.display(name or key, before), "after": form.display(name or key, after)}
        )
    return rows


@login_required
def contribution_correct(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(pk)
    back = _line_url(contribution.round_id, contribution.action.code, f"contribution-{pk}")
    if not _allowed(request, contribution):
        return redirect(back)
    form = ContributionCorrectionForm(contribution, request.POST or None, narrative_max=narrative_max())
    rows: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and _stage(request) != "edit":
        if form.is_valid():
            data, note = form.payload(), form.cleaned_data["note"]
            try:
                if _stage(request) == "confirm":
                    corrections.contribution_correct(
                        actor=request.user,
                        contribution=contribution,
                        version=form.cleaned_data["version"],
                        data=data,
                        note=note,
                    )
                    messages.success(
                        request,
                        _("The correction of the contribution of %(department)s is published, with your note.")
                        % {"department": translated(contribution.department, "name")[0]},
                    )
                    return redirect(back)
                changes = meaningful(reporting.contribution_validate(contribution=contribution, data=data))
                if not changes:
                    raise ValidationError(_("Nothing was changed: a correction changes what was published."))
                rows = _change_rows(form, changes)
            except ValidationError as error:
                form.add_service_errors(error)
            except ContributionConflict:
                # Corrected by someone else meanwhile: the form again on the current content, with
                # what this person typed, and the new version.
                messages.error(request, _("This contribution changed since you opened the page: check it again."))
                contribution = _contribution(pk)
                post = request.POST.copy()
                post["version"] = str(contribution.version)
                form = ContributionCorrectionForm(contribution, post, narrative_max=narrative_max())
                status = 409
            except WorkflowError as error:
                messages.error(request, error_text(error))
                return redirect(back)
        if form.errors:
            status = 400
    return render(
        request,
        "portal/corrections/contribution_correct.html",
        {
            **_context(contribution.round, contribution.action),
            "contribution": contribution,
            "department_name": translated(contribution.department, "name")[0],
            "form": form,
            "blocks": form.blocks(),
            "confirm": bool(rows),
            "changes": rows,
            "preview": _preview(form.cleaned_data["note"], withdrawn=False) if rows else "",
            "back": back,
        },
        status=status,
    )


@login_required
def contribution_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(pk, detail=False)
    back = _line_url(contribution.round_id, contribution.action.code, f"contribution-{pk}")
    if not _allowed(request, contribution):
        return redirect(back)
    name = translated(contribution.department, "name")[0]

    def withdraw(note: str, version: int) -> None:
        corrections.contribution_withdraw(actor=request.user, contribution=contribution, note=note, version=version)
        messages.success(
            request,
            _("The contribution of %(department)s is withdrawn from the public; your note shows in its place.")
            % {"department": name},
        )

    return _withdrawal(
        request,
        contribution,
        withdraw,
        back=back,
        title=_("Withdraw the contribution of %(department)s") % {"department": name},
        contribution=contribution,
        department_name=name,
    )


# --- a line's synthesis --------------------------------------------------------------------------


def _synthesis(pk: int, code: str) -> Synthesis:
    return get_object_or_404(
        Synthesis.objects.select_related("round__plan", "action__goal__objective"), round_id=pk, action__code=code
    )


@login_required
def synthesis_correct(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    synthesis = _synthesis(pk, code)
    back = _line_url(pk, code, "synthesis")
    if not _allowed(request, synthesis):
        return redirect(back)
    form = SynthesisCorrectionForm(request.POST or None, initial={"text": synthesis.text, "version": synthesis.version})
    confirm = False
    if request.method == "POST" and _stage(request) != "edit" and form.is_valid():
        text, note, version = (form.cleaned_data[k] for k in ("text", "note", "version"))
        try:
            if _stage(request) == "confirm":
                corrections.synthesis_correct(
                    actor=request.user, synthesis=synthesis, text=text, note=note, version=version
                )
                messages.success(request, _("The correction of the synthesis is published, with your note."))
                return redirect(back)
            if text.replace("\r\n", "\n").strip() == synthesis.text:
                raise ValidationError({"text": [_("Nothing was changed: a correction changes what was published.")]})
            confirm = True
        except ValidationError as error:
            add_service_errors(form, error)
        except WorkflowError as error:
            messages.error(request, error_text(error))
            return redirect(back)
    return render(
        request,
        "portal/corrections/synthesis_correct.html",
        {
            **_context(synthesis.round, synthesis.action),
            "synthesis": synthesis,
            "form": form,
            "confirm": confirm,
            "preview": _preview(form.cleaned_data["note"], withdrawn=False) if confirm else "",
            "back": back,
        },
        status=400 if form.errors else 200,
    )


@login_required
def synthesis_withdraw(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    synthesis = _synthesis(pk, code)
    back = _line_url(pk, code, "synthesis")
    if not _allowed(request, synthesis):
        return redirect(back)

    def withdraw(note: str, version: int) -> None:
        corrections.synthesis_withdraw(actor=request.user, synthesis=synthesis, note=note, version=version)
        messages.success(request, _("The synthesis is withdrawn from the public; your note shows in its place."))

    return _withdrawal(
        request,
        synthesis,
        withdraw,
        back=back,
        title=_("Withdraw the synthesis of line %(code)s") % {"code": code},
        synthesis=synthesis,
    )


# --- shared --------------------------------------------------------------------------------------


def _context(round_, action) -> dict[str, Any]:
    return {"round": round_, "plan": round_.plan, "action": action}


def _withdrawal(request: HttpRequest, obj: Contribution | Synthesis, withdraw, *, back: str, title: str, **extra):
    """The withdrawal's form, confirmation and outcome, the same for a contribution and a synthesis."""
    form = WithdrawalForm(request.POST or None, initial={"version": obj.version})
    confirm = False
    if request.method == "POST" and _stage(request) != "edit" and form.is_valid():
        if _stage(request) != "confirm":
            confirm = True
        else:
            try:
                withdraw(form.cleaned_data["note"], form.cleaned_data["version"])
            except ValidationError as error:
                add_service_errors(form, error)
            except (WorkflowError, ContributionConflict) as error:
                messages.error(request, error_text(error))
                return redirect(back)
            else:
                return redirect(back)
    return render(
        request,
        "portal/corrections/withdraw.html",
        {
            **_context(obj.round, obj.action),
            **extra,
            "title": title,
            "form": form,
            "confirm": confirm,
            "preview": _preview(form.cleaned_data["note"], withdrawn=True) if confirm else "",
            "back": back,
        },
        status=400 if form.errors else 200,
    )
