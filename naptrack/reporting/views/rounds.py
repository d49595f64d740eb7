"""The coordinator's screens on rounds: the list, creating and editing a round, its dashboard
(completeness per department and objective, what is overdue, the review queue), its transitions
and reminders. Readers see them without the buttons (views/common.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from naptrack.core.roles import evaluates
from naptrack.core.templatetags.naptrack import translated
from naptrack.plans.models import Department, Objective, Plan
from naptrack.reporting import consequences, notifications, services, worklist
from naptrack.reporting.completeness import STATES, CountRow, counts_by, departments_in_tree_order
from naptrack.reporting.forms_coordination import RoundCreateForm, RoundEditForm, add_service_errors
from naptrack.reporting.jobs import round_remind_enqueue
from naptrack.reporting.models import Contribution, Reminder, Round
from naptrack.reporting.queries import Listed, counts_attach
from naptrack.reporting.services import WorkflowError
from naptrack.reporting.targets_shown import round_targets
from naptrack.reporting.views.common import error_text, require, round_or_404


@login_required
def round_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "reporting.view_round")
    # A plan's rounds a page, newest plan first: an installation of a hundred plans holds a
    # thousand rounds, a plan a few (one of each kind a year of its period, round_unique_kind_year),
    # so that a page costs what one plan's rounds cost. ?plan=<slug> opens that plan's page.
    visible = Round.objects.visible_to(request.user)
    plans = list(
        Plan.objects.filter(Exists(visible.filter(plan=OuterRef("pk"))))
        .order_by("-period_end", "slug")
        .values_list("pk", "slug")
    )
    number = request.GET.get("page")
    slugs = [slug for _pk, slug in plans]
    if request.GET.get("plan") in slugs:
        number = slugs.index(request.GET["plan"]) + 1
    page = Paginator([pk for pk, _slug in plans], 1).get_page(number)
    # Counted by one query grouped on the (round, state) index: with_counts()'s six subqueries a
    # round cost PostgreSQL 2.7 ms for a plan of ten rounds, against 1.6 for the two queries.
    rounds = counts_attach(
        list(visible.filter(plan_id__in=list(page.object_list)).order_by("-year", "kind", "pk").select_related("plan"))
    )
    can_create = request.user.has_perm("reporting.manage_round")
    return render(
        request,
        "reporting/coordination/round_list.html",
        # The new round's form is a page of its own (round_create): its plan list grows with
        # the installation, this page must not.
        {"rounds": rounds, "page": page, "can_create": can_create, "states": STATES},
    )


@login_required
def round_create(request: HttpRequest) -> HttpResponse:
    require(request.user, "reporting.manage_round")
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
    round_ = round_or_404(pk)
    require(request.user, "reporting.manage_round", round_)
    form = RoundEditForm(request.POST or None, round=round_)
    if request.method == "POST" and form.is_valid():
        try:
            services.round_update(
                actor=request.user, round=round_, deadline=form.cleaned_data["deadline"], intro=form.intro()
            )
        except ValidationError as error:
            add_service_errors(form, error, {"intro": "intro_en"})
        except WorkflowError as error:
            messages.error(request, error_text(error))
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
    round_ = round_or_404(pk)
    user = request.user
    require(user, "reporting.view_round", round_)
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

    # The counts above are aggregates every staff member sees; the lists below name contributions
    # and link to them, so a focal point gets only those they may read.
    contributions = Contribution.objects.filter(round=round_).readable_by(user).in_plan_order()
    departments = {d.pk: d for d, _level in tree}
    overdue_after_deadline = today > round_.deadline and round_.state in ("open", "closed")
    overdue_by_department: dict[int, list[Listed]] = {}
    if overdue_after_deadline:
        for c in contributions.missing().listed(departments):
            overdue_by_department.setdefault(c.department_id, []).append(c)
    # One row per department in the plan's order, so that a long list reads as who is late.
    overdue = [(d, overdue_by_department[d.pk]) for d, _level in tree if d.pk in overdue_by_department]
    queue = contributions.waiting_for_review().listed(departments)

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
            "can_read_drafts": user.has_perm("reporting.view_all_contributions", round_),
            # The plan's set-up screens, which the evaluator reads too (plans.view_internals).
            "plan_screens": evaluates(user, round_.plan_id),
            "workbook_departments": [d for d, _level in tree] if can_manage and round_.state == "open" else [],
            # Every department's rows in one workbook: out once the round has opened, back in while open.
            "round_workbook": can_manage and round_.state != Round.State.DRAFT,
            "round_workbook_upload": can_manage and round_.state == Round.State.OPEN,
            "can_edit": can_manage and round_.state != Round.State.PUBLISHED,
            "can_remind": user.has_perm("reporting.remind", round_) and round_.state == Round.State.OPEN,
            "transitions": [name for name, source in ROUND_TRANSITIONS.items() if source == round_.state]
            if can_manage
            else [],
            "targets": round_targets(round_),
            # What the apps above add (civil society's assessments and line 35's figures).
            "sections": worklist.round_sections(request, round_),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_transition(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    """GET: what the transition will do, in numbers, and the button that does it; POST: do it."""
    if transition not in _TRANSITION_SERVICES:
        raise Http404(_("Unknown transition."))
    if request.method == "GET":
        return round_transition_confirm(request, pk, transition)
    return round_transition_run(request, pk, _TRANSITION_SERVICES[transition])


def round_transition_confirm(request: HttpRequest, pk: int, transition: str) -> HttpResponse:
    """The confirmation page of a round's transition (the publishing view's too): what it will
    do, with the numbers, before it is done. A transition the round's state does not allow
    leads back to the dashboard with the reason."""
    round_ = round_or_404(pk)
    require(request.user, "reporting.manage_round", round_)
    if ROUND_TRANSITIONS[transition] != round_.state:
        messages.error(
            request, _("The round is %(state)s: this cannot be done now.") % {"state": round_.get_state_display()}
        )
        return redirect("reporting:round-dashboard", pk=round_.pk)
    title, button = consequences.TITLES[transition]
    return render(
        request,
        "reporting/coordination/round_confirm.html",
        {
            "round": round_,
            "plan": round_.plan,  # the header's links of the plan, as on the dashboard
            "transition": transition,
            "title": title,
            "button": button,
            "consequences": consequences.transition_consequences(round_, transition),
        },
    )


def round_transition_run(request: HttpRequest, pk: int, service: Callable[..., Round]) -> HttpResponse:
    """Move the round along with `service`, and say how it went on its dashboard."""
    round_ = round_or_404(pk)
    require(request.user, "reporting.manage_round", round_)
    kwargs: dict[str, Any] = {"actor": request.user, "round": round_}
    if service is services.round_reopen:
        kwargs["reason"] = request.POST.get("reason", "")
    try:
        round_ = service(**kwargs)
    except (WorkflowError, ValidationError) as error:
        messages.error(request, error_text(error))
        if service is services.round_reopen and round_.state == Round.State.CLOSED:
            # Back to the page with the reason's field, to give one.
            return redirect("reporting:round-transition", pk=round_.pk, transition="reopen")
    else:
        messages.success(request, _("The round is now %(state)s.") % {"state": round_.get_state_display()})
    return redirect("reporting:round-dashboard", pk=round_.pk)


@login_required
@require_POST
def round_remind(request: HttpRequest, pk: int, department: str) -> HttpResponse:
    round_ = round_or_404(pk)
    require(request.user, "reporting.remind", round_)
    dept = get_object_or_404(Department.objects.prefetch_related("units"), code=department, plans=round_.plan)
    family = {dept.pk, *(unit.pk for unit in dept.units.all())}
    name = translated(dept, "name")[0]
    if round_.state != Round.State.OPEN:
        messages.error(request, _("Reminders go out only while the round is open."))
        return redirect("reporting:round-dashboard", pk=round_.pk)
    if notifications.pending_reminders(round_, department_ids=family):
        # Someone to write to: the e-mails go out from a job (reporting/jobs.py), not this request.
        job = round_remind_enqueue(actor=request.user, round=round_, department=dept, name=name)
        return redirect("jobs:job", pk=job.pk)
    if not Contribution.objects.filter(round=round_, department_id__in=family).missing().exists():
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
