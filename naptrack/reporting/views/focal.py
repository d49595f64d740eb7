"""Screens of the focal points: their contributions, the edit form, evidence.

Views are thin: every write goes through reporting.services, whose errors are shown next to the
inputs they concern; reads go through the QuerySet methods that own their prefetching. A
contribution the person may not change is shown read-only, with the reason.
"""

from __future__ import annotations

import os
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.accounts.rules import department_ids
from naptrack.core.numbers import whole_number
from naptrack.core.roles import is_coordinator, is_evaluator, is_focal_point, is_reader
from naptrack.plans.models import Department
from naptrack.reporting import services, worklist
from naptrack.reporting.forms import (
    STATUS_DEFINITIONS,
    VISIBILITY_DEFINITIONS,
    ContributionForm,
    EvidenceForm,
    measurement_view,
)
from naptrack.reporting.models import Contribution, Evidence, Round
from naptrack.reporting.queries import ContributionQuerySet, instruments_asked, texts_as_asked
from naptrack.reporting.services import ContributionConflict, WorkflowError
from naptrack.reporting.views.common import in_own_plan

# --- the focal point's home -----------------------------------------------------------------------

# Contributions per page in each open round's section of a focal point's list.
WORK_PAGE = 50
# A round due within this many days (or overdue) puts its drafts in "Needs your attention", by
# name up to DRAFTS_NAMED of them: the rest are counted, and listed in the round's section.
ATTENTION_DAYS = 14
DRAFTS_NAMED = 20


def _deadline(round_: Round) -> dict[str, Any]:
    days = (round_.deadline - timezone.localdate()).days
    return {"days_left": days, "overdue": days < 0, "days_overdue": -days}


@login_required
def my_contributions(request: HttpRequest) -> HttpResponse:
    user = request.user
    departments = department_ids(user)
    if not (is_focal_point(user) and departments):
        # Coordinators and readers follow every department from the rounds list; a focal point
        # without a department has nothing to report yet.
        return render(
            request,
            "reporting/focal/not_a_focal_point.html",
            {
                "is_coordinator": is_coordinator(user),
                "is_reader": is_reader(user),
                "is_focal_point": is_focal_point(user),
                "evaluated_plan": user.plan if is_evaluator(user) else None,
            },
        )
    # Each open round a section with its counts, and its contributions a page at a time
    # (?page-<round id>=n): a focal point of a department in ten open rounds gets ten short
    # sections, in four queries whatever the number of rounds and contributions.
    mine = Contribution.objects.filter(round__state=Round.State.OPEN).for_departments(departments)
    tallies: dict[int, dict[str, int]] = {}
    reporting: dict[int, set[int]] = {}
    for t in mine.order_by().values("round_id", "department_id", "state").annotate(n=Count("*")):
        counts = tallies.setdefault(t["round_id"], dict.fromkeys(Contribution.State.values, 0))
        counts[t["state"]] += t["n"]
        reporting.setdefault(t["round_id"], set()).add(t["department_id"])
    open_rounds = list(Round.objects.filter(pk__in=tallies).select_related("plan").order_by("deadline", "pk"))
    named = Department.objects.in_bulk({pk for ids in reporting.values() for pk in ids})
    pages = {
        r.pk: Paginator(range(sum(tallies[r.pk].values())), WORK_PAGE).get_page(request.GET.get(f"page-{r.pk}"))
        for r in open_rounds
    }
    rows = mine.rows_per_round({pk: (page.start_index(), page.end_index()) for pk, page in pages.items()})
    shown = rows.with_context().order_by("round_id", "action__goal__number", "action__position", "department__code")
    by_round = {pk: list(items) for pk, items in groupby(shown, key=lambda c: c.round_id)}
    attention = _attention(mine, open_rounds, tallies)
    rounds = []
    for round_ in open_rounds:
        counts = tallies[round_.pk]
        items = by_round.get(round_.pk, [])
        rounds.append(
            {
                "round": round_,
                "total": sum(counts.values()),
                "counts": [(state, Contribution.State(state).label, counts[state]) for state in counts],
                "to_do": counts["draft"] + counts["returned"],
                # One workbook per department (a focal point of Interior also reports for its units).
                "departments": sorted((named[pk] for pk in reporting[round_.pk]), key=lambda d: d.code),
                "objectives": [
                    {"objective": objective, "contributions": list(group)}
                    for objective, group in groupby(items, key=lambda c: c.action.goal.objective)
                ],
                "page": pages[round_.pk],
                "page_parameter": f"page-{round_.pk}",
                **_deadline(round_),
            }
        )
    return render(
        request,
        "reporting/focal/my_contributions.html",
        {
            "rounds": rounds,
            "attention": attention,
            "attention_days": ATTENTION_DAYS,
            # With no round open, what the department's last round published.
            "published": None if rounds else _last_published(departments),
            "several_departments": len(departments) > 1,
            "department": user.department,
            # Work the apps above hand to departments (international: targeted questions).
            "sections": worklist.sections(request),
        },
    )


def _attention(
    mine: ContributionQuerySet, open_rounds: list[Round], tallies: dict[int, dict[str, int]]
) -> dict[str, Any]:
    """Returned contributions, with the reviewer's note, and the drafts of rounds due soon: what
    the focal point must do first, above lists where a returned line sits among 37 others. One
    query, none when the counts say there is nothing to show."""
    deadlines = {r.pk: _deadline(r) for r in open_rounds}
    near = [r for r in open_rounds if deadlines[r.pk]["days_left"] <= ATTENTION_DAYS and tallies[r.pk]["draft"]]
    if not (near or any(counts["returned"] for counts in tallies.values())):
        return {"returned": [], "near": []}
    rows = list(
        mine.needing_attention([r.pk for r in near], DRAFTS_NAMED)
        .with_context()
        .order_by("round__deadline", "round_id", "action__goal__number", "action__position", "department__code")
    )
    drafts: dict[int, list[Contribution]] = {}
    for c in rows:
        if c.state == Contribution.State.DRAFT:
            drafts.setdefault(c.round_id, []).append(c)
    return {
        "returned": [c for c in rows if c.state == Contribution.State.RETURNED],
        "near": [
            {
                "round": r,
                "drafts": tallies[r.pk]["draft"],
                "named": drafts.get(r.pk, []),
                "more": tallies[r.pk]["draft"] - len(drafts.get(r.pk, [])),
                **deadlines[r.pk],
            }
            for r in near
        ],
    }


def _last_published(departments: frozenset[int]) -> Round | None:
    """The latest published round the department reported in: where its focal point finds what it
    published once no round is open."""
    return (
        Round.objects.filter(state=Round.State.PUBLISHED, contributions__department__in=departments)
        .select_related("plan")
        .order_by("-published_at", "-pk")
        .first()
    )


# --- one contribution -----------------------------------------------------------------------------


def _contribution(pk: int) -> Contribution:
    return get_object_or_404(Contribution.objects.with_detail(), pk=pk)


def _readable(request: HttpRequest, contribution: Contribution) -> None:
    # Another department's contribution only once approved and public (reporting/rules.py).
    in_own_plan(request.user, contribution)
    if not request.user.has_perm("reporting.view_contribution", contribution):
        raise PermissionDenied(_("You may not see this contribution."))


def _readonly_reason(user: Any, c: Contribution) -> str:
    """Why this person may not change the contribution, in the order that helps them most."""
    if (is_reader(user) or is_evaluator(user)) and not is_coordinator(user):
        return _("You have read-only access to contributions.")
    if not is_coordinator(user) and c.department_id not in department_ids(user):
        return _(
            "This contribution belongs to %(department)s: only its focal point or the coordinator can change it."
        ) % {"department": c.department.name}
    if c.round.state != Round.State.OPEN:
        return _("The round is %(state)s: contributions can be changed only while it is open.") % {
            "state": c.round.get_state_display()
        }
    if c.state == Contribution.State.SUBMITTED:
        return _("It has been submitted and waits for the coordinator's review.")
    if c.state == Contribution.State.APPROVED:
        return _("It has been approved; the coordinator can reopen it if it needs a change.")
    return _("You may not change this contribution.")


def _page(
    request: HttpRequest,
    contribution: Contribution,
    *,
    form: ContributionForm | None = None,
    evidence_form: EvidenceForm | None = None,
    conflict: ContributionConflict | None = None,
    top_errors: list[str] | None = None,
    status: int = 200,
    more_rows: bool = False,
) -> HttpResponse:
    user = request.user
    editable = user.has_perm("reporting.change_contribution", contribution)
    c = contribution
    texts_as_asked(c)
    # Entries that can no longer be saved (the contribution was submitted or the round closed
    # while the person typed) are still shown, for them to copy.
    unsaved = form.typed_entries() if (form is not None and form.is_bound and not editable) else []
    if editable:
        form = form or ContributionForm(c, narrative_max=services.narrative_max())
        evidence_form = evidence_form or EvidenceForm(max_mb=services.EVIDENCE_MAX_BYTES // (1024 * 1024))
        blocks = form.blocks()
    else:
        form = evidence_form = None
        saved = {m.instrument_id: m for m in c.measurements.all()}
        blocks = [{"instrument": i, **measurement_view(saved.get(i.pk))} for i in instruments_asked(c)]
    plan = c.round.plan
    # Evidence and the reviewer's note stay within the department, the coordinator and readers.
    in_full = user.has_perm("reporting.view_evidence", c)
    context = {
        "contribution": c,
        "round": c.round,
        "plan": plan,
        "action": c.action,
        "goal": c.action.goal,
        "objective": c.action.goal.objective,
        "editable": editable,
        "is_focal_point": is_focal_point(user) and bool(department_ids(user)),
        "can_submit": editable and user.has_perm("reporting.submit_contribution", c),
        "readonly_reason": None if editable else _readonly_reason(user, c),
        # The coordinator may enter a department's answers while the round is open (the baseline).
        "on_behalf": editable and c.department_id not in department_ids(user),
        "form": form,
        "evidence_form": evidence_form,
        "blocks": blocks,
        "in_full": in_full,
        "evidence": list(c.evidence.all()) if in_full else [],
        "statuses": [(value, label, STATUS_DEFINITIONS[value]) for value, label in Contribution.Status.choices],
        "status_definition": STATUS_DEFINITIONS.get(c.status),
        "visibilities": [
            (value, label, VISIBILITY_DEFINITIONS[value]) for value, label in Contribution.Visibility.choices
        ],
        "visibility_definition": VISIBILITY_DEFINITIONS.get(c.visibility),
        "conflict": conflict,
        "unsaved": unsaved,
        "conflict_rows": form.conflict_rows(conflict.changes) if (form is not None and conflict) else [],
        "error_summary": [{"id": None, "label": "", "messages": top_errors}] if top_errors else [],
        # What the apps above add (civil society: the events a contribution on line 34 cites).
        "sections": worklist.contribution_sections(request, c),
        **_deadline(c.round),
    }
    if form is not None and form.is_bound and not more_rows:
        context["error_summary"] += form.error_summary()
    if evidence_form is not None and evidence_form.is_bound:
        context["error_summary"] += evidence_form.error_summary()
    return render(request, "reporting/focal/contribution.html", context, status=status)


def _save(request: HttpRequest, contribution: Contribution) -> tuple[Contribution | None, HttpResponse | None]:
    """Save what the form posted. Returns the saved contribution, or the page to show instead:
    the form again with the errors or the conflict, everything the person typed kept."""
    form = ContributionForm(contribution, data=request.POST, narrative_max=services.narrative_max())
    if not form.is_valid():
        return None, _page(request, contribution, form=form)
    try:
        saved = services.contribution_save(
            actor=request.user, contribution=contribution, version=form.cleaned_data["version"], data=form.payload()
        )
    except ContributionConflict as conflict:
        # Keep what they typed, but carry the version now saved: saving again overwrites it,
        # deliberately, after they have seen what changed.
        data = request.POST.copy()
        data["version"] = str(conflict.current.version)
        fresh = _contribution(contribution.pk)
        form = ContributionForm(fresh, data=data, narrative_max=services.narrative_max())
        form.is_valid()
        return None, _page(request, fresh, form=form, conflict=conflict, status=409)
    except ValidationError as error:
        form.add_service_errors(error)
        return None, _page(request, contribution, form=form)
    except PermissionDenied:
        return None, _denied(request, contribution, form=form)
    return saved, None


def _denied(request: HttpRequest, contribution: Contribution, form: ContributionForm | None = None) -> HttpResponse:
    fresh = _contribution(contribution.pk)
    messages.error(request, _("Nothing was saved: you may not change this contribution now."))
    return _page(request, fresh, form=form, status=403)


@login_required
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(pk)
    _readable(request, contribution)
    if request.method != "POST":
        return _page(request, contribution)
    if "more_rows" in request.POST:
        # More blank rows by country for one instrument: the page again with everything typed,
        # nothing saved yet.
        form = ContributionForm(contribution, data=request.POST, narrative_max=services.narrative_max())
        return _page(request, contribution, form=form, more_rows=True)
    before = contribution.version
    saved, page = _save(request, contribution)
    if page is not None:
        return page
    if saved.version == before:
        messages.info(request, _("Nothing changed, so nothing was saved."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("reporting:contribution-edit", pk=contribution.pk)


@login_required
@require_POST
def contribution_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit: save what the form holds first, then hand it in."""
    contribution = _contribution(pk)
    _readable(request, contribution)
    if "version" not in request.POST:
        return _page(request, contribution, top_errors=[_("Say which version you submit.")], status=400)
    if "narrative" in request.POST:
        saved, page = _save(request, contribution)
        if page is not None:
            return page
        version = saved.version
    else:
        # A bare submit button (no form fields) hands in what is saved, if nobody changed it since.
        version = whole_number(request.POST["version"])
        if version is None:
            return _page(request, contribution, top_errors=[_("The version must be a whole number.")], status=400)
    try:
        services.contribution_submit(actor=request.user, contribution=contribution, version=version)
    except ValidationError as error:
        return _page(request, _contribution(pk), top_errors=error.messages)
    except ContributionConflict:
        messages.error(request, _("Someone changed this contribution in the meantime; check it and submit again."))
        return redirect("reporting:contribution-edit", pk=pk)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("reporting:contribution-edit", pk=pk)
    except PermissionDenied:
        return _denied(request, contribution)
    messages.success(request, _("Submitted. The coordinator has been told it is ready for review."))
    return redirect("reporting:contribution-edit", pk=pk)


# --- evidence -------------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = _contribution(pk)
    _readable(request, contribution)
    max_mb = services.EVIDENCE_MAX_BYTES // (1024 * 1024)
    form = EvidenceForm(data=request.POST, files=request.FILES, max_mb=max_mb)
    if not form.is_valid():
        return _page(request, contribution, evidence_form=form)
    try:
        evidence = services.evidence_add(
            actor=request.user,
            contribution=contribution,
            title=form.cleaned_data["title"],
            url=form.cleaned_data["url"].strip(),
            upload=form.cleaned_data["file"],
        )
    except ValidationError as error:
        form.add_service_errors(error)
        return _page(request, contribution, evidence_form=form)
    except PermissionDenied:
        return _denied(request, contribution)
    messages.success(request, _("Evidence added: %(title)s.") % {"title": evidence.title})
    return redirect(f"{contribution_url(contribution)}#evidence")


def contribution_url(contribution: Contribution) -> str:
    return reverse("reporting:contribution-edit", kwargs={"pk": contribution.pk})


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("contribution__round"), pk=pk)
    contribution = evidence.contribution
    _readable(request, contribution)
    try:
        services.evidence_remove(actor=request.user, evidence=evidence)
    except PermissionDenied:
        return _denied(request, contribution)
    messages.success(request, _("Evidence removed: %(title)s.") % {"title": evidence.title})
    return redirect(f"{contribution_url(contribution)}#evidence")


@login_required
def evidence_download(request: HttpRequest, pk: int) -> HttpResponse:
    """An uploaded file, to those who may see its contribution in full: as an attachment, with the type
    checked at upload, so that a browser never renders it in the site's origin."""
    evidence = get_object_or_404(Evidence.objects.select_related("contribution__round"), pk=pk)
    in_own_plan(request.user, evidence.contribution)
    # Never another department's file, even of an approved contribution it may read.
    if not request.user.has_perm("reporting.view_evidence", evidence.contribution):
        raise PermissionDenied(_("You may not see this contribution's evidence."))
    if not evidence.file:
        raise Http404(_("This evidence is a link, not a file."))
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the data directory.")) from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=os.path.basename(evidence.file.name),
        content_type=evidence.content_type or "application/octet-stream",
    )
