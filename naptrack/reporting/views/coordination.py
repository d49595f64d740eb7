"""Screens of the coordinator and readers: rounds, dashboard, review, synthesis, history.

Focal points and readers see the same pages without their buttons. Every write goes through
naptrack.reporting.services, every check through rules (user.has_perm); each page reads through
a fixed number of queries (aggregates per department and objective, prefetching QuerySet methods)
whatever the number of contributions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.audit.models import AuditEvent
from naptrack.core.roles import is_coordinator
from naptrack.core.templatetags.naptrack import translated
from naptrack.plans.models import Action, Department, Objective
from naptrack.reporting import notifications, services
from naptrack.reporting.completeness import STATES, CountRow, counts_by, departments_in_tree_order
from naptrack.reporting.forms_coordination import (
    ContributionFilterForm,
    RoundCreateForm,
    RoundEditForm,
    SynthesisForm,
    add_service_errors,
)
from naptrack.reporting.history import HistoryEntry, history_entries
from naptrack.reporting.models import Contribution, Measurement, Reminder, Round, Synthesis
from naptrack.reporting.services import ContributionConflict, WorkflowError

PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 50


def _require(user, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def _round(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


def _error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


# --- rounds ---------------------------------------------------------------------------------------


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reporting.view_round")
    rounds = (
        Round.objects.visible_to(request.user)
        .with_counts()
        .select_related("plan")
        .order_by("-plan__period_end", "plan__slug", "-year", "kind")
    )
    can_create = request.user.has_perm("reporting.manage_round")
    return render(
        request,
        "reporting/coordination/round_list.html",
        {"rounds": rounds, "form": RoundCreateForm() if can_create else None, "states": STATES},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    _require(request.user, "reporting.manage_round")
    form = RoundCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            round_ = services.round_create(
                actor=request.user,
                plan=data["plan"],
                kind=data["kind"],
                year=data["year"],
                deadline=data["deadline"],
                intro=data["intro"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The round “%(round)s” was created as a draft.") % {"round": round_})
            return redirect("reporting:round-dashboard", pk=round_.pk)
    return render(
        request, "reporting/coordination/round_create.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    _require(request.user, "reporting.manage_round", round_)
    form = RoundEditForm(request.POST or None, round=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                actor=request.user, round=round_, deadline=form.cleaned_data["deadline"], intro=form.intro()
            )
        except ValidationError as error:
            add_service_errors(form, error, {"intro": "intro_en"})
        except WorkflowError as error:
            messages.error(request, _error_text(error))
            return redirect("reporting:round-dashboard", pk=round_.pk)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("reporting:round-dashboard", pk=round_.pk)
    return render(
        request,
        "reporting/coordination/round_edit.html",
        {"round": round_, "plan": round_.plan, "form": form},
        status=400 if form.errors else 200,
    )


# The state each transition starts from, for the dashboard's buttons. Publishing is served by
# naptrack.portal.views.publishing (its use case spans apps above this one) at the same address.
ROUND_TRANSITIONS: dict[str, str] = {"open": "draft", "close": "open", "reopen": "closed", "publish": "closed"}
_TRANSITION_SERVICES: dict[str, Callable[..., Round]] = {
    "open": services.round_open,
    "close": services.round_close,
    "reopen": services.round_reopen,
}


@login_required
def round_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    user = request.user
    _require(user, "reporting.view_round", round_)
    today = timezone.localdate()

    by_department = counts_by(round_, "department_id")
    reminded: dict[int, list[str]] = {}
    for reminder in Reminder.objects.filter(round=round_, sent_on=today).select_related("user"):
        reminded.setdefault(reminder.user.department_id, []).append(reminder.user.get_username())
    tree = departments_in_tree_order(round_)
    department_rows = []
    for department, level in tree:
        units = [d.pk for d, _level in tree if d.parent_id == department.pk]
        family = [department.pk, *units]
        row = CountRow(department, by_department.get(department.pk, {}), level, family, reminded.get(department.pk, []))
        if row.total or level == 0:
            department_rows.append(row)
    missing = {row.subject.pk: row.missing for row in department_rows}
    for row in department_rows:
        row.family_missing = sum(missing.get(pk, 0) for pk in row.family)

    by_objective = counts_by(round_, "action__goal__objective_id")
    objective_rows = [
        CountRow(objective, by_objective.get(objective.pk, {}))
        for objective in Objective.objects.filter(plan_id=round_.plan_id).order_by("number")
    ]
    totals = CountRow(None, {k: sum(r.counts.get(k, 0) for r in objective_rows) for k in ("total", *STATES)})

    contributions = Contribution.objects.filter(round=round_).with_context().in_plan_order()
    overdue_after_deadline = today > round_.deadline and round_.state in ("open", "closed")
    overdue_by_department: dict[int, list[Contribution]] = {}
    if overdue_after_deadline:
        for c in contributions.missing():
            overdue_by_department.setdefault(c.department_id, []).append(c)
    # One row per department in the plan's order, so that a long list reads as who is late.
    overdue = [(d, overdue_by_department[d.pk]) for d, _level in tree if d.pk in overdue_by_department]
    queue = list(contributions.filter(state="submitted").select_related("submitted_by"))

    can_manage = user.has_perm("reporting.manage_round", round_)
    return render(
        request,
        "reporting/coordination/round_dashboard.html",
        {
            "round": round_,
            "plan": round_.plan,
            "today": today,
            "days_left": (round_.deadline - today).days,
            "days_overdue": (today - round_.deadline).days,
            "department_rows": department_rows,
            "objective_rows": objective_rows,
            "totals": totals,
            "states": [(s, Contribution.State(s).label) for s in STATES],
            "overdue": overdue,
            "overdue_count": sum(len(items) for _d, items in overdue),
            "past_deadline": overdue_after_deadline,
            "queue": queue,
            "can_manage": can_manage,
            "workbook_departments": [d for d, _level in tree] if can_manage and round_.state == "open" else [],
            "can_edit": can_manage and round_.state != Round.State.PUBLISHED,
            "can_remind": user.has_perm("reporting.remind", round_) and round_.state == Round.State.OPEN,
            "transitions": [name for name, source in ROUND_TRANSITIONS.items() if source == round_.state]
            if can_manage
            else [],
        },
    )


@login_required
@require_POST
def round_transition(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    if transition not in _TRANSITION_SERVICES:
        raise Http404(_("Unknown transition."))
    return round_transition_run(request, pk, _TRANSITION_SERVICES[transition])


def round_transition_run(request: HttpRequest, pk: int, service: Callable[..., Round]) -> HttpResponse:
    """Move the round along with `service`, and say how it went on its dashboard."""
    round_ = _round(pk)
    _require(request.user, "reporting.manage_round", round_)
    kwargs: dict[str, Any] = {"actor": request.user, "round": round_}
    if service is services.round_reopen:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        round_ = service(**kwargs)
    except (WorkflowError, ValidationError) as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("The round is now %(state)s.") % {"state": round_.get_state_display()})
    return redirect("reporting:round-dashboard", pk=round_.pk)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int, department: str) -> HttpResponse:
    round_ = _round(pk)
    _require(request.user, "reporting.remind", round_)
    dept = get_object_or_404(Department.objects.prefetch_related("units"), code=department, plans=round_.plan)
    family = {dept.pk, *(unit.pk for unit in dept.units.all())}
    name = translated(dept, "name")[0]
    if round_.state != Round.State.OPEN:
        messages.error(request, _("Reminders go out only while the round is open."))
        return redirect("reporting:round-dashboard", pk=round_.pk)
    sent = notifications.remind(round_, department_ids=family)
    if sent:
        messages.success(
            request,
            _("Reminder sent to %(names)s (%(department)s).") % {"names": ", ".join(sent), "department": name},
        )
    elif not Contribution.objects.filter(round=round_, department_id__in=family).missing().exists():
        messages.info(request, _("Nothing is missing from %(department)s: no reminder sent.") % {"department": name})
    elif not notifications.focal_points_for(family):
        messages.warning(
            request,
            _("No focal point with an e-mail address reports for %(department)s: nobody to remind.")
            % {"department": name},
        )
    else:
        messages.info(
            request,
            _("The focal points of %(department)s were already reminded today: no second e-mail sent.")
            % {"department": name},
        )
    return redirect(reverse("reporting:round-dashboard", args=[round_.pk]) + "#completeness-departments")


@login_required
def round_contributions(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(pk)
    _require(request.user, "reporting.view_round", round_)
    departments = [d for d, _level in departments_in_tree_order(round_)]
    objectives = list(Objective.objects.filter(plan_id=round_.plan_id).order_by("number"))
    form = ContributionFilterForm(request.GET or None, departments=departments, objectives=objectives)
    contributions = Contribution.objects.filter(round=round_).with_context().in_plan_order()
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


# --- review ---------------------------------------------------------------------------------------


def _in_responsibility_order(action: Action, contributions: Iterable[Contribution]) -> list[Contribution]:
    position = {r.department_id: r.position for r in action.responsibilities.all()}
    return sorted(contributions, key=lambda c: (position.get(c.department_id, 10**6), c.department.code))


@dataclass
class EarlierRound:
    round: Round
    synthesis: Synthesis | None
    contributions: list[Contribution]


@login_required
def line_review(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = _round(pk)
    user = request.user
    _require(user, "reporting.view_round", round_)
    action = get_object_or_404(Action.objects.with_detail(), plan_id=round_.plan_id, code=code)

    earlier = list(
        Round.objects.filter(plan_id=round_.plan_id)
        .exclude(pk=round_.pk)
        .exclude(state=Round.State.DRAFT)
        .filter(Q(year__lt=round_.year) | Q(year=round_.year, created_at__lt=round_.created_at))
        .order_by("year", "created_at")
    )
    syntheses = {s.round_id: s for s in Synthesis.objects.filter(round__in=[round_, *earlier], action=action)}
    synthesis = syntheses.get(round_.pk)

    can_write = user.has_perm("reporting.write_synthesis", round_) and round_.state != Round.State.PUBLISHED
    conflict = None
    status = 200
    if request.method == "POST":
        _require(user, "reporting.write_synthesis", round_)
        form = SynthesisForm(request.POST)
        if form.is_valid():
            typed, version = form.cleaned_data["text"], form.cleaned_data["version"]
            try:
                services.synthesis_save(actor=user, round=round_, action=action, text=typed, version=version)
            except WorkflowError as error:
                # Keep what was typed, show what is saved now, and let a second save overwrite it
                # knowingly (the form now carries the current version).
                messages.error(request, _error_text(error))
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

    contributions = _in_responsibility_order(
        action, Contribution.objects.filter(round=round_, action=action).with_detail()
    )
    for c in contributions:
        c.can_review = user.has_perm("reporting.review_contribution", c)
        c.can_reopen = user.has_perm("reporting.reopen_contribution", c)
        c.can_edit = user.has_perm("reporting.change_contribution", c)

    previous: dict[int, list[Contribution]] = {r.pk: [] for r in earlier}
    for c in _in_responsibility_order(
        action, Contribution.objects.filter(round__in=earlier, action=action).with_detail()
    ):
        previous[c.round_id].append(c)

    return render(
        request,
        "reporting/coordination/line_review.html",
        {
            "round": round_,
            "plan": round_.plan,
            "action": action,
            "goal": action.goal,
            "objective": action.goal.objective,
            "contributions": contributions,
            "synthesis": synthesis,
            "form": form if can_write else None,
            "conflict": conflict,
            "earlier": [EarlierRound(r, syntheses.get(r.pk), previous[r.pk]) for r in earlier],
            "can_history": user.has_perm("reporting.view_history"),
            "is_coordinator": is_coordinator(user),
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
    # Only the coordinator reviews; when the contribution's state forbids this decision the
    # coordinator is told why (the services' WorkflowError) rather than refused.
    if not user.has_perm(REVIEW_DECISIONS[decision], contribution) and not is_coordinator(user):
        raise PermissionDenied(_("You may not do this."))
    raw_version = request.POST.get("version", "")
    if raw_version and not raw_version.isdigit():
        return HttpResponseBadRequest(_("The version must be a whole number."))
    version = int(raw_version) if raw_version else None
    text = request.POST.get("reason" if decision == "reopen" else "note", "")
    name = translated(contribution.department, "name")[0]
    try:
        if decision == "return":
            services.contribution_return(actor=user, contribution=contribution, note=text, version=version)
            messages.success(request, _("Returned to %(department)s with your note.") % {"department": name})
        elif decision == "approve":
            services.contribution_approve(actor=user, contribution=contribution, version=version)
            messages.success(request, _("The contribution of %(department)s is approved.") % {"department": name})
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
        messages.error(request, _error_text(error))
    url = reverse("reporting:line-review", args=[contribution.round_id, contribution.action.code])
    return redirect(f"{url}#contribution-{contribution.pk}")


# --- history --------------------------------------------------------------------------------------


# Bookkeeping fields that a version always changes or that the state change already says.
def _history_page(request: HttpRequest, entries: list[HistoryEntry]):
    return Paginator(entries, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def contribution_history(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = get_object_or_404(Contribution.objects.with_detail(), pk=pk)
    _require(request.user, "reporting.view_history", contribution)
    entries = history_entries(
        [contribution],
        list(contribution.history.select_related("history_user").order_by("history_date", "history_id")),
        list(
            Measurement.history.filter(contribution_id=contribution.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        [],
        AuditEvent.objects.for_target(contribution).with_actor(),
        name_subjects=False,
    )
    return render(
        request,
        "reporting/coordination/history.html",
        {
            "round": contribution.round,
            "plan": contribution.round.plan,
            "action": contribution.action,
            "contribution": contribution,
            "page": _history_page(request, entries),
        },
    )


@login_required
def line_history(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    round_ = _round(pk)
    _require(request.user, "reporting.view_history", round_)
    action = get_object_or_404(Action.objects.select_related("goal__objective"), plan_id=round_.plan_id, code=code)
    contributions = list(
        Contribution.objects.filter(round=round_, action=action)
        .select_related("department", "action")
        .prefetch_related("action__instruments")
    )
    ids = [c.pk for c in contributions]
    synthesis = Synthesis.objects.filter(round=round_, action=action).first()
    events = AuditEvent.objects.none()
    for target in [*contributions, *([synthesis] if synthesis else [])]:
        events = events | AuditEvent.objects.for_target(target)
    entries = history_entries(
        contributions,
        list(
            Contribution.history.filter(id__in=ids)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        list(
            Measurement.history.filter(contribution_id__in=ids)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        list(
            Synthesis.history.filter(round_id=round_.pk, action_id=action.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        ),
        events.with_actor(),
        name_subjects=True,
    )
    return render(
        request,
        "reporting/coordination/history.html",
        {
            "round": round_,
            "plan": round_.plan,
            "action": action,
            "contribution": None,
            "page": _history_page(request, entries),
        },
    )
