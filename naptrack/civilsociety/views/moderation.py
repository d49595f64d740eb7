"""The coordinator's moderation of civil-society assessments: the queue per round (submitted
assessments, oldest first, and the counts per state), and a page per assessment to accept it for
publication, return it with a note or reject it with a reason. Readers see both without the form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.audit.models import AuditEvent
from naptrack.civilsociety import services
from naptrack.civilsociety.forms import ModerationForm
from naptrack.civilsociety.models import Assessment
from naptrack.civilsociety.views.common import error_text, paginate, require, summary
from naptrack.core.numbers import whole_number
from naptrack.reporting.models import Round

DECIDED = ["civilsociety.assessment.accepted", "civilsociety.assessment.returned", "civilsociety.assessment.rejected"]


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    require(request.user, "civilsociety.read_all")
    rounds = list(
        Round.objects.select_related("plan")
        .annotate(n_assessments=Count("assessments"))
        .order_by("-year", "kind", "pk")
    )
    chosen = whole_number(request.GET.get("round", ""))
    round_ = next((r for r in rounds if r.pk == chosen), None)
    if round_ is None:
        # The round people work on: an open one first, else the latest with assessments.
        round_ = next((r for r in rounds if r.state == Round.State.OPEN), None) or next(
            (r for r in rounds if r.n_assessments), rounds[0] if rounds else None
        )
    context: dict = {"rounds": rounds, "round": round_, "current": "queue"}
    if round_ is not None:
        counts = Assessment.objects.filter(round=round_).counts_by_state()
        submitted = (
            Assessment.objects.filter(round=round_, state=Assessment.State.SUBMITTED)
            .for_list()
            .order_by("submitted_at", "pk")
        )
        context.update(
            {
                "counts": [(state, label, counts.get(state, 0)) for state, label in Assessment.State.choices],
                "total": sum(counts.values()),
                "page": paginate(request, submitted),
                "query": f"round={round_.pk}",
                "figures": services.round_figures(round_),
                "can_manage": request.user.has_perm("civilsociety.manage"),
            }
        )
    return render(request, "civilsociety/queue.html", context)


@login_required
def moderate(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("round__plan", "organisation", "action", "objective", "moderated_by"),
        pk=pk,
    )
    require(request.user, "civilsociety.read_all")
    can_moderate = request.user.has_perm("civilsociety.moderate") and assessment.state == Assessment.State.SUBMITTED
    form = ModerationForm(request.POST if request.method == "POST" else None, initial={"version": assessment.version})
    status = 200
    if request.method == "POST":
        require(request.user, "civilsociety.moderate")
        if form.is_valid():
            data = form.cleaned_data
            try:
                done = services.assessment_moderate(
                    actor=request.user,
                    assessment=assessment,
                    decision=data["decision"],
                    note=data["note"],
                    version=data["version"],
                )
            except ValidationError as error:
                form.add_service_errors(error)
            except (services.CivilSocietyError, services.StaleVersion) as error:
                messages.error(request, error_text(error))
                return redirect("civilsociety:moderate", pk=pk)
            else:
                messages.success(
                    request,
                    _("%(organisation)s's assessment is now %(state)s; the organisation has been told.")
                    % {"organisation": done.organisation.name, "state": done.get_state_display()},
                )
                return redirect(reverse("civilsociety:queue") + f"?round={done.round_id}")
        status = 400
    decisions = AuditEvent.objects.for_target(assessment).filter(action__in=DECIDED).order_by("occurred_at", "pk")
    return render(
        request,
        "civilsociety/moderate.html",
        {
            "assessment": assessment,
            "round": assessment.round,
            "plan": assessment.round.plan,
            "form": form if can_moderate else None,
            "decisions": list(decisions),
            "evidence": list(assessment.evidence.all()),
            "error_summary": summary(form) if can_moderate else [],
            "current": "queue",
        },
        status=status,
    )
