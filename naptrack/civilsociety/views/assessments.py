"""The assessment form of an organisation's member (line 35), like the departments' contribution
form: a status on the plan's scale with its definitions, the narrative, countries, a partner-country
organisation reported for with its consent, evidence; Save and Submit; read-only once submitted.

The coordinator and readers open the same page read-only (the coordinator moderates from
views/moderation.py); a member of another organisation gets 403, and once accepted the assessment
and its files are public.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.civilsociety import services
from naptrack.civilsociety.forms import AssessmentForm, SubjectForm
from naptrack.civilsociety.models import Assessment, AssessmentEvidence
from naptrack.civilsociety.rules import organisation_id
from naptrack.civilsociety.views.common import error_text, file_response, require, summary
from naptrack.core.roles import is_civil_society
from naptrack.reporting.forms import STATUS_DEFINITIONS, EvidenceForm
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services import EVIDENCE_MAX_BYTES
from naptrack.reporting.views.common import in_own_plan

MAX_MB = EVIDENCE_MAX_BYTES // (1024 * 1024)


def _assessment(pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related(
            "round__plan", "organisation", "action", "objective", "moderated_by", "created_by"
        ),
        pk=pk,
    )


def _readable(request: HttpRequest, assessment: Assessment) -> None:
    # Another organisation's draft is as closed as a department's (rules.py).
    if not request.user.has_perm("civilsociety.view_assessment", assessment):
        # An evaluator learns nothing of another plan's unpublished assessments (404).
        in_own_plan(request.user, assessment)
        raise PermissionDenied(_("You may not see this assessment."))


def _readonly_reason(assessment: Assessment, own: bool) -> str:
    if not own:
        return _("Only the organisation's members change its assessments.")
    if assessment.round.state != Round.State.OPEN:
        return _("The round %(round)s is not open: assessments are written and submitted while it is open.") % {
            "round": assessment.round
        }
    if assessment.state == Assessment.State.SUBMITTED:
        return _("It has been submitted and waits for the coordinator's moderation.")
    if assessment.state == Assessment.State.ACCEPTED:
        return _("It has been accepted for publication.")
    return _("It has been rejected; the reason is above.")


def assessment_url(assessment: Assessment) -> str:
    return reverse("civilsociety:assessment", kwargs={"pk": assessment.pk})


def _unsaved(form: AssessmentForm) -> list[tuple[str, str]]:
    """What the person typed, to copy when it could not be saved (the round closed meanwhile)."""
    data = form.data
    rows = [(form.fields[k].label, data.get(k, "")) for k in ("status", "narrative", "partner_name")]
    rows.append((form.fields["countries"].label, ", ".join(data.getlist("countries"))))
    return [(str(label), value) for label, value in rows if value]


def _page(
    request: HttpRequest,
    assessment: Assessment,
    *,
    form: AssessmentForm | None = None,
    evidence_form: EvidenceForm | None = None,
    stale: bool = False,
    top_errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    editable = user.has_perm("civilsociety.change_assessment", assessment)
    own = organisation_id(user) == assessment.organisation_id
    unsaved = _unsaved(form) if (form is not None and form.is_bound and not editable) else []
    if editable:
        form = form or AssessmentForm(assessment)
        evidence_form = evidence_form or EvidenceForm(max_mb=MAX_MB)
    else:
        form = evidence_form = None
    context: dict[str, Any] = {
        "assessment": assessment,
        "round": assessment.round,
        "plan": assessment.round.plan,
        "editable": editable,
        "own": own,
        "staff": user.has_perm("civilsociety.read_all"),
        # The moderator's note is the organisation's and the staff's, not the public's.
        "show_note": own or user.has_perm("civilsociety.read_plan", assessment),
        "can_moderate": user.has_perm("civilsociety.moderate") and assessment.state == Assessment.State.SUBMITTED,
        "readonly_reason": None if editable else _readonly_reason(assessment, own),
        "form": form,
        "evidence_form": evidence_form,
        "evidence": list(assessment.evidence.all()),
        "statuses": [(value, label, STATUS_DEFINITIONS[value]) for value, label in Contribution.Status.choices],
        "status_definition": STATUS_DEFINITIONS.get(assessment.status),
        "stale": stale,
        "unsaved": unsaved,
        "error_summary": summary(form, evidence_form, top=top_errors),
    }
    return render(request, "civilsociety/assessment.html", context, status=status)


@login_required
def assessment_new(request: HttpRequest, round_pk: int) -> HttpResponse:
    """Choose what to assess: a line of action or an objective of the round's plan."""
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=round_pk)
    if not is_civil_society(request.user):
        raise PermissionDenied(_("Only members of a registered organisation write assessments."))
    form = SubjectForm(round_, request.POST if request.method == "POST" else None)
    top: list[str] = []
    if round_.state != Round.State.OPEN:
        top = [
            error_text(
                services.CivilSocietyError(
                    _("The round %(round)s is not open: assessments are written and submitted while it is open.")
                    % {"round": round_}
                )
            )
        ]
    elif request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(actor=request.user, round=round_, **form.subject_kwargs())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Draft created: write your assessment, save it, then submit it."))
            return redirect(assessment_url(assessment))
    return render(
        request,
        "civilsociety/assessment_new.html",
        {"round": round_, "plan": round_.plan, "form": form, "error_summary": summary(form, top=top)},
        status=400 if form.errors else 200,
    )


def _save(request: HttpRequest, assessment: Assessment) -> tuple[Assessment | None, HttpResponse | None]:
    """Save what the form posted: the saved assessment, or the page to show instead, with
    everything the person typed kept."""
    form = AssessmentForm(assessment, data=request.POST)
    if not form.is_valid():
        return None, _page(request, assessment, form=form, status=400)
    try:
        saved = services.assessment_save(
            actor=request.user, assessment=assessment, version=form.cleaned_data["version"], data=form.payload()
        )
    except services.StaleVersion as stale:
        # Keep what they typed, with the version now saved: saving again replaces it, knowingly.
        data = request.POST.copy()
        data["version"] = str(stale.current.version)
        fresh = _assessment(assessment.pk)
        form = AssessmentForm(fresh, data=data)
        form.is_valid()
        return None, _page(request, fresh, form=form, stale=True, status=409)
    except services.CivilSocietyError as error:
        messages.error(request, _("Nothing was saved: %(reason)s") % {"reason": error_text(error)})
        return None, _page(request, _assessment(assessment.pk), form=form, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return None, _page(request, assessment, form=form, status=400)
    return saved, None


@login_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    _readable(request, assessment)
    if request.method != "POST":
        return _page(request, assessment)
    before = assessment.version
    saved, page = _save(request, assessment)
    if page is not None:
        return page
    if saved.version == before:
        messages.info(request, _("Nothing changed, so nothing was saved."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect(assessment_url(assessment))


@login_required
@require_POST
def assessment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: save what the form holds first, then hand it to the coordinator."""
    assessment = _assessment(pk)
    _readable(request, assessment)
    saved, page = _save(request, assessment)
    if page is not None:
        return page
    try:
        services.assessment_submit(actor=request.user, assessment=saved, version=saved.version)
    except ValidationError as error:
        # What was saved is what the person typed: show it again with the reason on its input.
        fresh = _assessment(pk)
        data = request.POST.copy()
        data["version"] = str(fresh.version)
        form = AssessmentForm(fresh, data=data)
        form.is_valid()
        form.add_service_errors(error)
        return _page(request, fresh, form=form, status=400)
    except (services.CivilSocietyError, services.StaleVersion) as error:
        messages.error(request, error_text(error))
        return redirect(assessment_url(assessment))
    messages.success(request, _("Submitted. The coordinator moderates it and your organisation will be told."))
    return redirect(assessment_url(assessment))


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(pk)
    _readable(request, assessment)
    require(request.user, "civilsociety.change_assessment", assessment)
    form = EvidenceForm(data=request.POST, files=request.FILES, max_mb=MAX_MB)
    if not form.is_valid():
        return _page(request, assessment, evidence_form=form, status=400)
    try:
        evidence = services.assessment_evidence_add(
            actor=request.user,
            assessment=assessment,
            title=form.cleaned_data["title"],
            url=form.cleaned_data["url"].strip(),
            upload=form.cleaned_data["file"],
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _page(request, assessment, evidence_form=form, status=400)
    messages.success(request, _("Evidence added: %(title)s.") % {"title": evidence.title})
    return redirect(f"{assessment_url(assessment)}#evidence")


def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """A file of an assessment: to its organisation, the coordinator and readers; once the
    assessment is accepted, to everyone."""
    evidence = get_object_or_404(AssessmentEvidence.objects.select_related("assessment"), pk=pk)
    allowed = request.user.has_perm("civilsociety.view_assessment", evidence.assessment)
    return file_response(request, evidence.file, evidence.content_type, allowed=allowed)
