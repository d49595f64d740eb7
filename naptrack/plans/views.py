"""Importing a plan from its document in the browser: upload, preview, confirm.

The coordinator uploads the plan's PDF, Word document or extracted text; it is read at once and
kept in the file storage under a random token with what was read, so that the preview (the
plan's tree and the list of things to check) and the confirmation see the same plan. Confirming
loads it through plan_load, in one transaction: nothing is written before, and a failed load
writes nothing. Only the person who uploaded a document can see its preview and load it. The
load runs as a background job (plans/jobs.py), whose page leads to the plan.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.pending import Pending, as_uploaded, pending_create, pending_load, pending_store
from naptrack.plans import interchange
from naptrack.plans.models import Plan

MAX_UPLOAD = 25 * 1024 * 1024
CHECK_LABELS = {
    "code-inferred": gettext_lazy("Line number inferred"),
    "noise-dropped": gettext_lazy("Text left out"),
    "department-unmatched": gettext_lazy("Unknown department"),
    "department-fuzzy": gettext_lazy("Department read approximately"),
    "row-unplaced": gettext_lazy("Row not placed"),
    "row-split": gettext_lazy("Row split"),
    "footnote": gettext_lazy("Footnote"),
    "metadata-guessed": gettext_lazy("Guessed"),
    "structure": gettext_lazy("Structure"),
}
PENDING = "imports"  # where uploads wait for confirmation in the file storage (core/pending.py)


class PlanImportForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Plan document"),
        help_text=gettext_lazy(
            "A PDF, a Word document (.docx), text extracted from a PDF (.txt) or a spreadsheet (.xlsx, .csv), "
            "holding the plan's table of goals, lines of action, monitoring instruments and departments."
        ),
    )
    slug = forms.CharField(
        label=gettext_lazy("Short name (slug)"),
        max_length=100,
        help_text=gettext_lazy(
            "Lower-case letters, digits and hyphens, e.g. be-nap-2017-2021. It appears in addresses."
        ),
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=300)
    country = forms.CharField(
        label=gettext_lazy("Country"),
        required=False,
        max_length=2,
        help_text=gettext_lazy("Two-letter code, e.g. BE. Left empty, it is guessed from the document."),
    )
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=9,
        help_text=gettext_lazy("The years the plan covers, e.g. 2017-2021. Left empty, it is read from the document."),
    )
    focus_countries = forms.CharField(
        label=gettext_lazy("Focus countries"),
        required=False,
        max_length=200,
        help_text=gettext_lazy(
            "Two-letter codes separated by commas, e.g. AF,CD,ML. Left empty, read from the document."
        ),
    )
    language = forms.CharField(
        label=gettext_lazy("Language"),
        required=False,
        max_length=3,
        help_text=gettext_lazy("The language of the document, e.g. en. Left empty, it is recognised."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-control"
            field.widget.attrs.setdefault("class", css)
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"
        from naptrack.plans.importing import SUFFIXES

        self.fields["document"].widget.attrs["accept"] = ",".join(SUFFIXES)

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        # Errors are announced with their field: aria-describedby names the message.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                described = [f"id_{name}_error"] + ([f"id_{name}_helptext"] if self.fields[name].help_text else [])
                attrs["aria-describedby"] = " ".join(described)
                attrs["class"] = "form-control is-invalid"

    def clean_document(self):
        from naptrack.plans.importing import SUFFIXES

        document = self.cleaned_data["document"]
        suffix = Path(document.name).suffix.lower()
        if suffix not in SUFFIXES:
            raise forms.ValidationError(
                _("Choose a file of one of these types: %(suffixes)s.") % {"suffixes": ", ".join(SUFFIXES)}
            )
        if document.size > MAX_UPLOAD:
            raise forms.ValidationError(_("The file is larger than 25 MB."))
        return document

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].strip()
        if not interchange.SLUG_RE.match(slug) or slug == "import":
            raise forms.ValidationError(_("Use lower-case letters, digits and single hyphens, e.g. be-nap-2017-2021."))
        if Plan.objects.filter(slug=slug).exists():
            raise forms.ValidationError(_("A plan with this slug exists already: choose another."))
        return slug

    def clean_country(self) -> str | None:
        country = self.cleaned_data["country"].strip().upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            raise forms.ValidationError(_("Give a two-letter country code, e.g. BE."))
        return country or None

    def clean_period(self) -> tuple[int, int] | None:
        period = self.cleaned_data["period"].strip()
        if not period:
            return None
        match = re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", period)
        if not match or int(match.group(2)) < int(match.group(1)):
            raise forms.ValidationError(_("Give the first and last year, e.g. 2017-2021."))
        return int(match.group(1)), int(match.group(2))

    def clean_focus_countries(self) -> list[str] | None:
        value = self.cleaned_data["focus_countries"].strip()
        if not value:
            return None
        codes = [c.strip().upper() for c in value.split(",") if c.strip()]
        if any(not re.fullmatch(r"[A-Z]{2}", c) for c in codes):
            raise forms.ValidationError(_("Give two-letter country codes separated by commas, e.g. AF,CD,ML."))
        return codes

    def clean_language(self) -> list[str] | None:
        language = self.cleaned_data["language"].strip().lower()
        if language and not re.fullmatch(r"[a-z]{2,3}", language):
            raise forms.ValidationError(_("Give a language code, e.g. en."))
        return [language] if language else None


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("plans.load_plan"):
        raise PermissionDenied(_("Only a coordinator can import a plan."))


@login_required
def plan_import(request: HttpRequest) -> HttpResponse:
    _require(request)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token, folder = pending_create(PENDING)
        upload = form.cleaned_data["document"]
        name = Path(upload.name).name
        try:
            stored = pending_store(folder, upload, "document")
            with folder.local(stored) as path:  # the importers read a file on disk
                result = _read(path, form.cleaned_data, original_name=name)
        except Exception as exc:
            folder.remove()
            from naptrack.plans.importing import DocumentImportError

            if not isinstance(exc, DocumentImportError):
                raise
            reason = as_uploaded(str(exc), stored, name)
            form.add_error("document", _("The document could not be read: %(reason)s.") % {"reason": reason})
        else:
            result["user"] = request.user.pk
            folder.write_json("result.json", result)
            return redirect("plan-import-preview", token=token)
    # A document refused (unreadable, an entity bomb, too many cells) or a field in error: 400.
    return render(request, "plans/import/form.html", {"form": form}, status=400 if form.errors else 200)


def _read(path: Path, options: dict[str, Any], *, original_name: str) -> dict[str, Any]:
    from naptrack.plans.importing import import_plan_document, known_departments_from_db

    document, checks = import_plan_document(
        path,
        slug=options["slug"],
        title=options["title"],
        known_departments=known_departments_from_db(),
        country=options.get("country"),
        period=options.get("period"),
        languages=options.get("language"),
        focus_countries=options.get("focus_countries"),
    )
    return {
        "file": original_name,
        "document": document,
        "checks": [{**c.as_dict(), "subject": c.subject} for c in checks],
    }


def _stored(request: HttpRequest, token: str) -> tuple[Pending, dict[str, Any]]:
    return pending_load(PENDING, token, "result.json", request.user.pk)


@login_required
def plan_import_preview(request: HttpRequest, token: str) -> HttpResponse:
    _require(request)
    folder, result = _stored(request, token)
    document = result["document"]
    unmatched = sorted({c["subject"] for c in result["checks"] if c["kind"] == "department-unmatched"})
    if request.method == "POST":
        if "discard" in request.POST:
            folder.remove()
            messages.info(request, _("The uploaded document was discarded; nothing was loaded."))
            return redirect("plan-import")
        if unmatched and not request.POST.get("create_departments"):
            messages.error(
                request,
                _("Some departments match no known department: tick the box to create them, or discard the import."),
            )
        elif Plan.objects.filter(slug=document["slug"]).exists():
            messages.error(
                request, _("A plan with this slug was loaded meanwhile; nothing was loaded. Discard and upload again.")
            )
        else:
            # Loading a plan takes seconds: a job does it (plans/jobs.py), and removes the upload.
            from naptrack.plans.jobs import plan_import_enqueue

            job = plan_import_enqueue(actor=request.user, token=token, slug=document["slug"])
            return redirect("jobs:job", pk=job.pk)
    return render(
        request,
        "plans/import/preview.html",
        {
            "token": token,
            "file": result["file"],
            "document": document,
            "tree": _tree(document),
            "checks": [{**c, "label": CHECK_LABELS.get(c["kind"], c["kind"])} for c in result["checks"]],
            "unmatched": unmatched,
            "counts": _counts(document),
        },
    )


def _tree(document: dict) -> list[dict]:
    """The objectives for the page, each line's departments by name."""
    names = {d["code"]: interchange.source_of(d["name"]) for d in document["departments"]}
    return [
        {
            **objective,
            "goals": [
                {
                    **goal,
                    "actions": [
                        {
                            **action,
                            "department_names": [
                                (names.get(code, code), code == action.get("coordinator"))
                                for code in action["departments"]
                            ],
                        }
                        for action in goal["actions"]
                    ],
                }
                for goal in objective["goals"]
            ],
        }
        for objective in document["objectives"]
    ]


def _counts(document: dict) -> dict[str, int]:
    goals = [g for o in document["objectives"] for g in o["goals"]]
    actions = [a for g in goals for a in g["actions"]]
    return {
        "objectives": len(document["objectives"]),
        "goals": len(goals),
        "actions": len(actions),
        "instruments": sum(len(a["instruments"]) for a in actions),
        "departments": len(document["departments"]),
    }
