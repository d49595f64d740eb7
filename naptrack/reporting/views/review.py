"""The coordinator's review: a round's contributions (filtered, paged), one line of action with
its contributions, synthesis and earlier rounds, and the decisions on a contribution (return,
approve, reopen)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.core.numbers import whole_number
from naptrack.core.roles import is_coordinator
from naptrack.core.templatetags.naptrack import translated
from naptrack.plans.models import Action, Department, Objective
from naptrack.plans.versions import asks
from naptrack.reporting import services, worklist
from naptrack.reporting.completeness import departments_in_tree_order
from naptrack.reporting.forms_coordination import ContributionFilterForm, SynthesisForm, add_service_errors
from naptrack.reporting.models import Contribution, Round, Synthesis
from naptrack.reporting.services import ContributionConflict, WorkflowError
from naptrack.reporting.targets_shown import line_targets
from naptrack.reporting.views.common import error_text, in_own_plan, require, round_or_404

PAGE_SIZE = 50


@login_required
def round_contributions(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = round_or_404(pk)
    require(request.user, "reporting.view_round", round_)
    departments = [d for d, _level in departments_in_tree_order(round_)]
    objectives = list(Objective.objects.filter(plan_id=round_.plan_id).order_by("number"))
    form = ContributionFilterForm(request.GET or None, departments=departments, objectives=objectives)
    contributions = Contribution.objects.filter(round=round_).readable_by(request.user).with_context().in_plan_order()
    filters = {}
    if form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        if "department" in filters:
            contributions = contributions.filter(department__code=filters["department"])
        if "state" in filters:
            contributions = contributions.filter(state=filters["state"])
        if "objective" in filters:
            contributions = contributions.filter(action__goal__objective__number=filters["objective"])
    page = Paginator(contributions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "reporting/coordination/round_contributions.html",
        {
            "round": round_,
            "plan": round_.plan,
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


# Earlier rounds shown in full on a line's review page: the one before, what the coordinator
# compares with. Each costs the page a fifth more (bench/scale.py: a line of three departments,
# 88 ms with one earlier round shown and 124 ms with three); the older ones are links.
EARLIER_SHOWN = 1


def _in_responsibility_order(action: Action, contributions: Iterable[Contribution]) -> list[Contribution]:
    position = {r.department_id: r.position for r in action.responsibilities.all()}
    return sorted(contributions, key=lambda c: (position.get(c.department_id, 10**6), c.department.code))


@dataclass
class Withheld:
    """Another department's contribution that a focal point may not read (reporting/rules.py): its
    department and why, and none of its content, which never reaches the template."""

    pk: int
    department: Department
    reason: str
    withheld: bool = True


def _as_readable(user: Any, contributions: list[Contribution]) -> list[Contribution | Withheld]:
    """Each contribution as the person may read it: whole, without its evidence and review note
    (`in_full` false), or withheld."""
    shown: list[Contribution | Withheld] = []
    for c in contributions:
        if user.has_perm("reporting.view_contribution", c):
            c.in_full = user.has_perm("reporting.view_evidence", c)
            shown.append(c)
        elif c.state == Contribution.State.APPROVED:
            shown.append(Withheld(c.pk, c.department, _("Approved for internal use: not shown to other departments.")))
        else:
            shown.append(Withheld(c.pk, c.department, _("Not yet approved.")))
    return shown


@dataclass
class EarlierRound:
    round: Round
    synthesis: Synthesis | None
    contributions: list[Contribution | Withheld]


@login_required
def line_review(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = round_or_404(pk)
    user = request.user
    require(user, "reporting.view_round", round_)
    action = get_object_or_404(Action.objects.with_detail(), plan_id=round_.plan_id, code=code)
    # A line the round never asked for (added or retired by an amendment since) is not the round's.
    if not asks(action, round_.plan_version_id):
        raise Http404(_("This round did not ask for this line of action."))

    earlier = list(
        Round.objects.filter(plan_id=round_.plan_id)
        .exclude(pk=round_.pk)
        .exclude(state=Round.State.DRAFT)
        .filter(Q(year__lt=round_.year) | Q(year=round_.year, created_at__lt=round_.created_at))
        .order_by("year", "created_at")
    )
    # The latest earlier rounds in full, the older ones as links (each their own line review):
    # the page's cost stays that of a few rounds however many the plan has had.
    older, earlier = earlier[:-EARLIER_SHOWN], earlier[-EARLIER_SHOWN:]
    # A link only to a review that exists: an older round asked for this line (an amendment may have added it since).
    older = [r for r in older if asks(action, r.plan_version_id)]
    syntheses = {
        s.round_id: s
        for s in Synthesis.objects.filter(round__in=[round_, *earlier], action=action).select_related("round")
    }
    synthesis = syntheses.get(round_.pk)

    can_write = user.has_perm("reporting.write_synthesis", round_) and round_.state != Round.State.PUBLISHED
    conflict = None
    status = 200
    if request.method == "POST":
        require(user, "reporting.write_synthesis", round_)
        form = SynthesisForm(request.POST)
        if form.is_valid():
            typed, version = form.cleaned_data["text"], form.cleaned_data["version"]
            try:
                services.synthesis_save(actor=user, round=round_, action=action, text=typed, version=version)
            except WorkflowError as error:
                # Keep what was typed, show what is saved now, and let a second save overwrite it
                # knowingly (the form now carries the current version).
                messages.error(request, error_text(error))
                if synthesis is not None and version != synthesis.version:
                    conflict = synthesis
                form = SynthesisForm({"text": typed, "version": synthesis.version if synthesis else 0})
                status = 409
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                messages.success(request, _("The synthesis was saved."))
                return redirect(reverse("reporting:line-review", args=[round_.pk, action.code]) + "#synthesis")
        else:
            status = 400
    else:
        form = SynthesisForm(
            initial={"text": synthesis.text if synthesis else "", "version": synthesis.version if synthesis else 0}
        )

    for r in earlier:
        r.plan = round_.plan  # the same plan's: no query for it
    # This round's and the earlier rounds' shown in full, read at once.
    shown = Contribution.objects.of_line(action, [round_, *earlier])
    contributions = _in_responsibility_order(action, [c for c in shown if c.round_id == round_.pk])
    for c in contributions:
        c.can_review = user.has_perm("reporting.review_contribution", c)
        c.can_reopen = user.has_perm("reporting.reopen_contribution", c)
        c.can_edit = user.has_perm("reporting.change_contribution", c)
        # Correcting and withdrawing what was published: naptrack/portal/views/corrections.py.
        c.can_correct = user.has_perm("reporting.correct_published", c)

    # The coordinator goes from line to line down the dashboard's queue without going back to it.
    next_waiting = (
        Contribution.objects.filter(round=round_).readable_by(user).next_waiting(action)
        if is_coordinator(user)
        else None
    )

    previous: dict[int, list[Contribution | Withheld]] = {r.pk: [] for r in earlier}
    for c in _in_responsibility_order(action, [c for c in shown if c.round_id != round_.pk]):
        previous[c.round_id].extend(_as_readable(user, [c]))

    return render(
        request,
        "reporting/coordination/line_review.html",
        {
            "round": round_,
            "plan": round_.plan,
            "action": action,
            "instruments": [i for i in action.instruments.all() if asks(i, round_.plan_version_id)],
            "goal": action.goal,
            "objective": action.goal.objective,
            "contributions": _as_readable(user, contributions),
            "synthesis": synthesis,
            "form": form if can_write else None,
            "conflict": conflict,
            "earlier": [EarlierRound(r, syntheses.get(r.pk), previous[r.pk]) for r in earlier],
            "older": older,
            "can_history": user.has_perm("reporting.view_history", round_),
            "can_correct_synthesis": synthesis is not None and user.has_perm("reporting.correct_published", synthesis),
            "is_coordinator": is_coordinator(user),
            "next_waiting": next_waiting,
            "targets": line_targets(round_, action),
            # What the apps above know of the line (international: the questions it answers).
            "sections": worklist.line_sections(request, action),
        },
        status=status,
    )


REVIEW_DECISIONS = {
    "return": "reporting.review_contribution",
    "approve": "reporting.review_contribution",
    "reopen": "reporting.reopen_contribution",
}


@login_required
@require_POST
def contribution_review(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    if decision not in REVIEW_DECISIONS:
        raise Http404(_("Unknown decision."))
    contribution = get_object_or_404(Contribution.objects.with_context(), pk=pk)
    user = request.user
    in_own_plan(user, contribution)
    # Only the coordinator reviews; when the contribution's state forbids this decision the
    # coordinator is told why (the services' WorkflowError) rather than refused.
    if not user.has_perm(REVIEW_DECISIONS[decision], contribution) and not is_coordinator(user):
        raise PermissionDenied(_("You may not do this."))
    raw_version = request.POST.get("version", "")
    version = whole_number(raw_version)
    if raw_version and version is None:
        return HttpResponseBadRequest(_("The version must be a whole number."))
    text = request.POST.get("reason" if decision == "reopen" else "note", "")
    name = translated(contribution.department, "name")[0]
    decided = False
    try:
        if decision == "return":
            services.contribution_return(actor=user, contribution=contribution, note=text, version=version)
            messages.success(request, _("Returned to %(department)s with your note.") % {"department": name})
            decided = True
        elif decision == "approve":
            services.contribution_approve(actor=user, contribution=contribution, version=version)
            messages.success(request, _("The contribution of %(department)s is approved.") % {"department": name})
            decided = True
        else:
            services.contribution_reopen(actor=user, contribution=contribution, reason=text, version=version)
            messages.success(
                request,
                _("The contribution of %(department)s is reopened and back with the department.")
                % {"department": name},
            )
    except ContributionConflict:
        messages.error(
            request,
            _("The contribution of %(department)s changed since you opened the page; read it again before deciding.")
            % {"department": name},
        )
    except (WorkflowError, ValidationError) as error:
        messages.error(request, error_text(error))
    if decided:
        return redirect(_next_in_queue(user, contribution))
    # A refusal, or a reopening (not a step of the queue): back to the contribution, to read it again.
    url = reverse("reporting:line-review", args=[contribution.round_id, contribution.action.code])
    return redirect(f"{url}#contribution-{contribution.pk}")


def _next_in_queue(user: Any, decided: Contribution) -> str:
    """Where an approval or a return leads: the next contribution waiting for review, in the
    dashboard queue's order, so that the coordinator goes on without choosing; the queue itself,
    which then says that nothing waits, once it is empty."""
    following = (
        Contribution.objects.filter(round_id=decided.round_id)
        .readable_by(user)
        .next_waiting(decided.action, decided.department.code)
    )
    if following is None:
        return reverse("reporting:round-dashboard", args=[decided.round_id]) + "#queue"
    url = reverse("reporting:line-review", args=[decided.round_id, following.action.code])
    return f"{url}#contribution-{following.pk}"
