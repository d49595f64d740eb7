"""Importing a past report into a round in the browser: upload, preview, confirm.

The coordinator uploads the report (the 2012 baseline, an earlier annual report) as the plan
import takes a plan: it is read at once and what was read is kept in the file storage under a
random token (core.pending), for the uploader only, so that the preview and the confirmation
see the same contributions. Confirming queues a job (portal/jobs.py, round_import_job) that
creates the round through reporting.services.round_import, or round_import_published when the
round is to be published at once: that is why these screens live in the portal app, above
publishing; the job's page leads to the round's dashboard. Nothing is written before the
confirmation (only the confirm button imports), and a refused confirmation writes nothing; when
publishing at once fails after the import, the round stays imported and closed, and the job's
error says to publish it from its dashboard. The upload is stored under a fixed name, its own
kept for display, until the job is over.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.forms import mark_errors
from naptrack.core.pending import as_uploaded, pending_create, pending_load, pending_store
from naptrack.plans.importing.model import Check
from naptrack.plans.models import Department, Plan
from naptrack.plans.views import CHECK_LABELS as PLAN_CHECK_LABELS
from naptrack.plans.views import MAX_UPLOAD
from naptrack.portal.jobs import round_import_enqueue
from naptrack.reporting.importing import (
    FIGURES_UNPLACED,
    LINE_BY_TEXT,
    STATUS_UNKNOWN,
    SUFFIXES,
    DocumentImportError,
    ProposedContribution,
    RoundProposal,
    read_round_document,
)
from naptrack.reporting.importing.asked import Asked, asked_in
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services import round_import_problems

PENDING = "round-imports"  # where uploads wait for confirmation in the file storage (core/pending.py)
CHECK_LABELS = {
    **PLAN_CHECK_LABELS,
    LINE_BY_TEXT: gettext_lazy("Line matched by its text"),
    STATUS_UNKNOWN: gettext_lazy("Status not on the scale"),
    FIGURES_UNPLACED: gettext_lazy("Figures not placed"),
}
STATES = (
    (Round.State.CLOSED.value, gettext_lazy("Closed: review it, then publish it from the round's page")),
    (Round.State.PUBLISHED.value, gettext_lazy("Published: its report is built and public at once")),
)


class RoundImportForm(forms.Form):
    plan = forms.ModelChoiceField(
        label=gettext_lazy("Plan"), queryset=Plan.objects.adopted().order_by("-period_end", "slug")
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind of round"), choices=Round.Kind.choices)
    year = forms.IntegerField(
        label=gettext_lazy("Year covered"),
        required=False,
        help_text=gettext_lazy("The year the report covers. Left empty for a baseline: the year before the plan's."),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("State of the round"), choices=STATES, widget=forms.RadioSelect, initial="closed"
    )
    replace = forms.BooleanField(
        label=gettext_lazy("Replace the round of this kind and year if it exists"),
        required=False,
        help_text=gettext_lazy("Only a round in which no department has reported can be replaced."),
    )
    document = forms.FileField(
        label=gettext_lazy("Report document"),
        help_text=gettext_lazy(
            "A PDF, a Word document (.docx), text extracted from a PDF (.txt) or a spreadsheet (.xlsx, .csv) "
            "holding the report's matrix: a header row naming the line of action (its number or text) and what "
            "was done or its status, e.g. 'No. | Line of action | Department | Status | Achievements'."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select")
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs.setdefault("class", "form-check-input")
            elif not isinstance(field.widget, forms.RadioSelect):
                field.widget.attrs.setdefault("class", "form-control")
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"
        self.fields["document"].widget.attrs["accept"] = ",".join(SUFFIXES)
        # The usual case is the baseline of the one plan in force: both filled in for it.
        plans = list(self.fields["plan"].queryset[:2])
        if len(plans) == 1:
            self.fields["plan"].initial = plans[0].pk
            self.fields["year"].initial = plans[0].period_start - 1
        self.fields["kind"].initial = Round.Kind.BASELINE

    def clean_document(self):
        document = self.cleaned_data["document"]
        if Path(document.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                _("Choose a file of one of these types: %(suffixes)s.") % {"suffixes": ", ".join(SUFFIXES)}
            )
        if document.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 25 MB."))
        return document

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        plan, kind = data.get("plan"), data.get("kind")
        if data.get("year") is None and "year" not in self.errors:
            if kind == Round.Kind.BASELINE and plan is not None:
                data["year"] = plan.period_start - 1
            elif kind:
                self.add_error("year", _("Give the year the report covers."))
        return data


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("reporting.manage_round"):
        raise PermissionDenied(_("Only a coordinator can import a report into a round."))


@login_required
def round_import_upload(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = RoundImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["document"]
        name = Path(upload.name).name
        token, folder = pending_create(PENDING)
        try:
            stored_name = pending_store(folder, upload, "report")
            with folder.local(stored_name) as path:  # the readers read a file on disk
                proposal = read_round_document(path, plan=data["plan"], year=data["year"], name=name)
        except Exception as exc:
            folder.remove()
            if not isinstance(exc, DocumentImportError):
                raise
            # The message ends its sentence with a full stop; so may the reason.
            reason = as_uploaded(str(exc), stored_name, name).removesuffix(".")
            form.add_error("document", _("The document could not be read: %(reason)s.") % {"reason": reason})
        else:
            stored = {
                "user": request.user.pk,
                "plan": data["plan"].pk,
                "kind": data["kind"],
                "year": data["year"],
                "state": data["state"],
                "replace": data["replace"],
                "proposal": _dumped(proposal),
            }
            folder.write_json("result.json", stored)
            return redirect("round-import-preview", token=token)
    mark_errors(form)
    return render(
        request, "reporting/coordination/round_import/form.html", {"form": form}, status=400 if form.errors else 200
    )


@login_required
def round_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _require(request)
    folder, stored = pending_load(PENDING, token, "result.json", request.user.pk)
    plan = get_object_or_404(Plan, pk=stored["plan"])
    proposal = proposal_loaded(stored["proposal"])
    options = {"plan": plan, "kind": stored["kind"], "year": stored["year"], "replace": stored["replace"]}
    refused: list[str] = []
    if request.method == "POST" and "discard" in request.POST:
        folder.remove()
        messages.info(request, _("The uploaded report was discarded; nothing was imported."))
        return redirect("round-import")
    asked = asked_in(plan, stored["year"])
    # Only the button imports: any other POST (a stale form, a crafted request) shows the page again.
    if request.method == "POST" and "confirm" in request.POST:
        # What the import would refuse is shown here at once; the import itself, seconds long
        # on a large report, is a job (portal/jobs.py) that checks again and removes the upload.
        refused = round_import_problems(proposal=proposal, asked=asked, **options)
        if not refused:
            title = _("Importing %(kind)s %(year)s from %(file)s") % {
                "kind": Round.Kind(stored["kind"]).label,
                "year": stored["year"],
                "file": proposal.name,
            }
            job = round_import_enqueue(actor=request.user, token=token, title=title)
            return redirect("jobs:job", pk=job.pk)
    problems = refused or round_import_problems(proposal=proposal, asked=asked, **options)
    return render(
        request,
        "reporting/coordination/round_import/preview.html",
        {
            "token": token,
            "proposal": proposal,
            "plan": plan,
            "kind": Round.Kind(stored["kind"]).label,
            "year": stored["year"],
            "state": Round.State(stored["state"]).label,
            "replace": stored["replace"],
            "problems": problems,
            "refused": bool(refused),
            "counts": _counts(asked, proposal),
            "mapping": _mapping(proposal),
            "check_groups": _check_groups(proposal.checks),
            "rows": _rows(proposal),
        },
        status=400 if refused or request.method == "POST" else 200,
    )


def imported_message(round_: Round, published: bool) -> str:
    # Counted in the round as written, not in the proposal: what the database holds is what the
    # coordinator will find.
    values = {
        "round": round_,
        **round_.contributions.aggregate(total=Count("pk"), filled=Count("pk", filter=~Q(imported_from=""))),
    }
    if published:
        return (
            _(
                "Round %(round)s imported and published: %(filled)s contributions of %(total)s filled from the "
                "document and approved, the others 'No report received'."
            )
            % values
        )
    return (
        _(
            "Round %(round)s imported: %(filled)s contributions of %(total)s filled from the document and approved, "
            "the others 'No report received'. The round is closed: review it, then publish it."
        )
        % values
    )


def _dumped(proposal: RoundProposal) -> dict[str, Any]:
    return {
        "name": proposal.name,
        "contributions": [dataclasses.asdict(c) for c in proposal.contributions],
        "checks": [dataclasses.asdict(c) for c in proposal.checks],
        "status_mapping": proposal.status_mapping,
    }


def proposal_loaded(data: dict[str, Any]) -> RoundProposal:
    try:
        return RoundProposal(
            data["name"],
            [ProposedContribution(**c) for c in data["contributions"]],
            [Check(**c) for c in data["checks"]],
            data["status_mapping"],
        )
    except (KeyError, TypeError):
        # An upload kept from before the importer's proposal changed shape: gone, like a stale one.
        raise Http404 from None


def _counts(asked: Asked, proposal: RoundProposal) -> dict[str, int]:
    """Contributions filled, the pairs of line and department the round will have (as opening it
    would make them, on the plan as it stood that year), and the lines the document does not mention."""
    codes = {a.pk: a.code for a in asked.actions}
    lines = [codes[r.action_id] for r in asked.responsibilities if r.action_id in codes]
    mentioned = {c.line for c in proposal.contributions}
    return {
        "filled": len(proposal.contributions),
        "pairs": len(lines),
        "silent": len(set(lines) - mentioned),
    }


def _mapping(proposal: RoundProposal) -> list[tuple[str, str]]:
    """Each status word as written, with the scale's label it was read as ('' when none)."""
    labels = dict(Contribution.Status.choices)
    return [(word, labels.get(code, "")) for word, code in proposal.status_mapping.items()]


def _check_groups(checks: list[Check]) -> list[dict[str, Any]]:
    """The checks by kind, kinds in the order they first occur in the document."""
    groups: dict[str, list[Check]] = {}
    for check in checks:
        groups.setdefault(check.kind, []).append(check)
    return [{"kind": kind, "label": CHECK_LABELS.get(kind, kind), "checks": items} for kind, items in groups.items()]


def _rows(proposal: RoundProposal) -> list[dict[str, Any]]:
    departments = {
        d.code: d for d in Department.objects.filter(code__in={c.department for c in proposal.contributions})
    }
    labels = dict(Contribution.Status.choices)
    return [
        {
            "contribution": c,
            "department": departments.get(c.department),
            "status": labels.get(c.status, ""),
            "figures": [
                _("Instrument %(instrument)s: %(women)s women, %(men)s men")
                % {k: "—" if f.get(k) is None else f[k] for k in ("instrument", "women", "men")}
                for f in c.figures
            ],
        }
        for c in proposal.contributions
    ]
