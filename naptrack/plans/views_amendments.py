"""The coordinator's screens for amending a plan: its change log, a form per line, adding a line,
the focus countries, and a changed plan file read, previewed and confirmed.

Each form is compared with the plan in force and only what changed becomes a change of
plans/amendments.py, which checks and makes the whole amendment or nothing. An uploaded file
waits in the file storage (core/pending.py) between its preview and its confirmation, so that
nothing is written before the coordinator has seen every change.
"""

from __future__ import annotations

import json
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from naptrack.audit.models import AuditEvent
from naptrack.core.forms import mark_errors
from naptrack.core.pending import pending_create, pending_load
from naptrack.plans import interchange
from naptrack.plans.amendment_files import plan_amend_document, read_changes
from naptrack.plans.amendments import AmendmentError, basis_choices, describe, plan_amend
from naptrack.plans.forms_amendments import (
    AmendmentForm,
    FocusCountriesForm,
    LineForm,
    NewLineForm,
    PlanFileForm,
)
from naptrack.plans.models import Action, Department, Instrument, Plan, PlanVersion, Responsibility

PENDING = "amendments"  # where uploaded plan files wait in the file storage (core/pending.py)


def _require(request: HttpRequest) -> None:
    # The rule itself, not user.has_perm: that would also admit Django's model permission.
    if not rules.has_perm("plans.amend_plan", request.user):
        raise PermissionDenied(_("Only a coordinator can amend the plan."))


def _plan(request: HttpRequest, slug: str) -> Plan:
    _require(request)
    return get_object_or_404(Plan, slug=slug)


def _departments(plan: Plan) -> list[Department]:
    return [pd.department for pd in plan.plan_departments.select_related("department").order_by("position")]


def _latest_number(plan: Plan) -> int:
    return plan.versions.order_by("-number").values_list("number", flat=True).first() or 0


def _amend(request: HttpRequest, plan: Plan, form: AmendmentForm, changes: list[dict[str, Any]]) -> PlanVersion | None:
    """Make the amendment; a refusal goes to the form's error summary, nothing written."""
    try:
        version = plan_amend(actor=request.user, plan=plan, change_list=changes, **form.header())
    except AmendmentError as exc:
        form.add_error(None, exc.messages)
        return None
    _done(request, version)
    return version


def _done(request: HttpRequest, version: PlanVersion) -> None:
    messages.success(
        request,
        _("Version %(number)s of the plan is recorded, in force from %(date)s.")
        % {"number": version.number, "date": version.effective_from.isoformat()},
    )


def _to_log(plan: Plan, version: PlanVersion | None = None) -> HttpResponse:
    anchor = f"#version-{version.number}" if version is not None else ""
    return redirect(reverse("plan-amendments", args=[plan.slug]) + anchor)


def _page(request: HttpRequest, template: str, context: dict[str, Any], form: forms.Form) -> HttpResponse:
    mark_errors(form)
    failed = request.method == "POST" and bool(form.errors)
    return render(request, f"plans/amendments/{template}", context, status=400 if failed else 200)


@login_required
def amendment_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    versions = list(plan.versions.order_by("-number").select_related("basis_type"))
    recorded_by: dict[int, str] = {}
    if len(versions) > 1:
        # Who recorded each version: the amendment's audit event names them, even once removed.
        events = AuditEvent.objects.for_target(plan).filter(action="plans.plan.amended").only("actor_name", "data")
        recorded_by = {e.data.get("version"): e.actor_name for e in events}
    # What each answers, in the words the forms offer it by: one query for all, not one a version.
    offered = {key: words for key, words, _obj in basis_choices(plan)} if any(v.basis_type for v in versions) else {}
    rows = [
        {
            "version": v,
            "changes": [describe(c) for c in v.changes],
            "by": recorded_by.get(v.number, ""),
            "basis": _basis(v, offered),
        }
        for v in versions
    ]
    lines = Action.objects.filter(plan=plan).in_force().in_plan_order().values_list("code", flat=True)
    amended = any(v.number > 1 for v in versions)
    context = {"plan": plan, "rows": rows, "amended": amended, "lines": list(lines)}
    return render(request, "plans/amendments/list.html", context)


def _basis(version: PlanVersion, offered: dict[str, str]) -> str:
    if version.basis_type is None:
        return ""
    key = f"{version.basis_type.app_label}.{version.basis_type.model}:{version.basis_id}"
    if key in offered:
        return offered[key]
    found = version.basis
    return str(found) if found is not None else _("a record since removed")


@login_required
def line_pick(request: HttpRequest, slug: str) -> HttpResponse:
    """The change log's line picker, which works without JavaScript: a GET naming the line."""
    plan = _plan(request, slug)
    code = request.GET.get("line", "")
    if not code or not Action.objects.filter(plan=plan, code=code).in_force().exists():
        messages.error(request, _("Choose a line of action in force."))
        return _to_log(plan)
    return redirect("plan-amend-line", slug=plan.slug, code=code)


@login_required
def line_amend(request: HttpRequest, slug: str, code: str) -> HttpResponse:
    plan = _plan(request, slug)
    responsibilities = Responsibility.objects.select_related("department").order_by("position")
    in_force = Instrument.objects.filter(retired_in__isnull=True).order_by("position")
    action = get_object_or_404(
        Action.objects.in_force()
        .select_related("goal")
        .prefetch_related(Prefetch("responsibilities", responsibilities), Prefetch("instruments", in_force)),
        plan=plan,
        code=code,
    )
    form = LineForm(
        request.POST if request.method == "POST" else None,
        plan=plan,
        action=action,
        instruments=list(action.instruments.all()),
        departments=_departments(plan),
        version=_latest_number(plan),
    )
    unchanged = False
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            unchanged = True
        elif version := _amend(request, plan, form, changes):
            return _to_log(plan, version)
    context = {"plan": plan, "action": action, "form": form, "unchanged": unchanged}
    return _page(request, "line.html", context, form)


@login_required
def line_add(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    form = NewLineForm(
        request.POST if request.method == "POST" else None,
        plan=plan,
        goals=list(plan.goals.order_by("number")),
        departments=_departments(plan),
    )
    if request.method == "POST" and form.is_valid() and (version := _amend(request, plan, form, form.changes())):
        return _to_log(plan, version)
    return _page(request, "new_line.html", {"plan": plan, "form": form}, form)


@login_required
def focus_countries(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    form = FocusCountriesForm(request.POST if request.method == "POST" else None, plan=plan)
    unchanged = False
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            unchanged = True
        elif version := _amend(request, plan, form, changes):
            return _to_log(plan, version)
    return _page(request, "focus_countries.html", {"plan": plan, "form": form, "unchanged": unchanged}, form)


@login_required
def file_upload(request: HttpRequest, slug: str) -> HttpResponse:
    plan = _plan(request, slug)
    form = PlanFileForm(request.POST or None, request.FILES or None)
    unchanged = False
    if request.method == "POST" and form.is_valid():
        document = _document(form, plan)
        if document is not None:
            if not read_changes(plan, document).changes:
                unchanged = True
            else:
                token, folder = pending_create(PENDING)
                meta = {"user": request.user.pk, "plan": plan.pk, "file": form.cleaned_data["document"].name}
                folder.write_json("document.json", document)
                folder.write_json("meta.json", meta)
                return redirect("plan-amend-file-preview", slug=plan.slug, token=token)
    return _page(request, "file.html", {"plan": plan, "form": form, "unchanged": unchanged}, form)


def _document(form: PlanFileForm, plan: Plan) -> dict | None:
    """The uploaded file as a naptrack-plan/1 document of this plan; its problems on the form."""
    upload = form.cleaned_data["document"]
    try:
        document = json.loads(upload.read().decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        form.add_error("document", _("The file is not JSON: %(reason)s.") % {"reason": exc})
        return None
    try:
        interchange.validate(document)
    except interchange.PlanFormatError as exc:
        form.add_error("document", [_("The file is not a valid plan file:"), *exc.problems])
        return None
    if document.get("slug") != plan.slug:
        form.add_error(
            "document",
            _("The file describes plan %(file)s, not %(plan)s.") % {"file": document.get("slug"), "plan": plan.slug},
        )
        return None
    return document


@login_required
def file_preview(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    plan = _plan(request, slug)
    folder, meta = pending_load(PENDING, token, "meta.json", request.user.pk)
    if meta.get("plan") != plan.pk:
        raise Http404
    document = folder.read_json("document.json")
    form = AmendmentForm(request.POST if request.method == "POST" else None, plan=plan)
    if request.method == "POST" and "discard" in request.POST:
        folder.remove()
        messages.info(request, _("The uploaded file was discarded; the plan is unchanged."))
        return _to_log(plan)
    if request.method == "POST" and form.is_valid():
        try:
            version, reading = plan_amend_document(actor=request.user, plan=plan, document=document, **form.header())
        except AmendmentError as exc:
            form.add_error(None, exc.messages)
        else:
            folder.remove()
            if version is None:
                messages.info(request, _("The file no longer changes anything: no version was made."))
                return _to_log(plan)
            _done(request, version)
            return _to_log(plan, version)
    # Read again against the plan as it is now: an amendment made meanwhile shows.
    reading = read_changes(plan, document)
    context = {
        "plan": plan,
        "form": form,
        "file": meta.get("file", ""),
        "changes": [describe(c) for c in reading.changes],
        "left_alone": reading.left_alone,
    }
    return _page(request, "file_preview.html", context, form)
