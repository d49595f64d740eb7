"""The coordinator's translation screens: a plan's coverage per language, the list of what is
missing, the translators' files to download, and their work uploaded, previewed and confirmed.

An upload is read at once and kept under a random token (core/pending.py) with the state the
coordinator chose; the preview runs the import as a dry run, listing what would change and what
is refused; confirming runs it again, all or nothing, so that a source edited between the
preview and the confirmation is still refused.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.pending import pending_create, pending_load
from naptrack.plans import translation_files
from naptrack.plans.interchange import DRAFT, TARGETS
from naptrack.plans.models import Plan, TranslationState
from naptrack.plans.texts import coverage, plan_texts
from naptrack.plans.translating import TranslationFile, TranslationImportError, translations_import
from naptrack.plans.views_instruments import read_or_change

PENDING = "translations"  # where uploads wait for confirmation in the file storage (core/pending.py)


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Translated file"),
        help_text=gettext_lazy("The Excel workbook (.xlsx) or XLIFF file (.xlf) downloaded here, translated."),
    )
    state = forms.ChoiceField(
        label=gettext_lazy("The imported translations are"),
        choices=TranslationState.State.choices,
        initial=DRAFT,
        help_text=gettext_lazy("Official: the government's own translation. Draft: any other."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx,.xlf,.xliff"})
        self.fields["state"].widget.attrs.update({"class": "form-select"})
        for name, field in self.fields.items():
            field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"


def _require(request: HttpRequest) -> None:
    if not request.user.has_perm("plans.translate_plan"):
        raise PermissionDenied(_("Only a coordinator can manage the plan's translations."))


def _language(lang: str) -> str:
    if lang not in TARGETS:
        raise Http404
    return lang


def _language_names() -> dict[str, str]:
    from django.conf import settings

    return {code: str(name) for code, name in settings.LANGUAGES}


@login_required
def translations_overview(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    can_change = read_or_change(request, plan, "plans.translate_plan")
    texts = plan_texts(plan)
    names = _language_names()
    rows = [(lang, names[lang], coverage(texts, lang)) for lang in TARGETS]
    return render(request, "plans/translations/overview.html", {"plan": plan, "rows": rows, "can_change": can_change})


@login_required
def translations_language(request: HttpRequest, slug: str, lang: str) -> HttpResponse:
    _require(request)
    plan = get_object_or_404(Plan, slug=slug)
    lang = _language(lang)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _keep(request, form, plan, lang)
        if token:
            return redirect("plan-translations-preview", slug=plan.slug, lang=lang, token=token)
    counted = coverage(plan_texts(plan, language=lang), lang)
    return render(
        request,
        "plans/translations/language.html",
        {"plan": plan, "lang": lang, "language": _language_names()[lang], "coverage": counted, "form": form},
        status=400 if form.errors else 200,
    )


def _keep(request: HttpRequest, form: UploadForm, plan: Plan, lang: str) -> str | None:
    """Read the upload; keep it for the preview, or put the reason it cannot be read on the form."""
    upload = form.cleaned_data["file"]
    if upload.size > translation_files.MAX_BYTES:
        form.add_error("file", _("The file is larger than 20 MB."))
        return None
    data = upload.read()
    try:
        read = translation_files.read(data, name=upload.name)
    except translation_files.TranslationFileError as exc:
        form.add_error("file", str(exc))
        return None
    if (read.plan_slug, read.language) != (plan.slug, lang):
        form.add_error(
            "file",
            _("This file holds the plan %(slug)s in %(lang)s, not this plan in this language.")
            % {"slug": read.plan_slug or "?", "lang": read.language or "?"},
        )
        return None
    token, folder = pending_create(PENDING)
    folder.write("upload", data)
    meta = {"user": request.user.pk, "name": upload.name, "state": form.cleaned_data["state"]}
    folder.write_json("meta.json", meta)
    return token


@login_required
def translations_preview(request: HttpRequest, slug: str, lang: str, token: str) -> HttpResponse:
    _require(request)
    plan = get_object_or_404(Plan, slug=slug)
    lang = _language(lang)
    folder, meta = pending_load(PENDING, token, "meta.json", request.user.pk)
    if request.method == "POST" and "discard" in request.POST:
        folder.remove()
        messages.info(request, _("The uploaded file was discarded; nothing was imported."))
        return redirect("plan-translations-language", slug=plan.slug, lang=lang)
    upload: TranslationFile = translation_files.read(folder.read("upload"), name=meta["name"])
    dry_run = request.method != "POST"
    try:
        result = translations_import(actor=request.user, upload=upload, state=meta["state"], dry_run=dry_run)
    except TranslationImportError as exc:
        result, refused_message = exc.result, str(exc)
    else:
        refused_message = ""
        if result.applied:
            folder.remove()
            counts = result.counts
            messages.success(
                request,
                _("Imported: %(texts)s translation(s) and %(states)s state(s) changed.")
                % {"texts": counts["translations_changed"], "states": counts["states_changed"]},
            )
            return redirect("plan-translations-language", slug=plan.slug, lang=lang)
    return render(
        request,
        "plans/translations/preview.html",
        {
            "plan": plan,
            "lang": lang,
            "language": _language_names()[lang],
            "file": meta["name"],
            "state": TranslationState.State(meta["state"]).label,
            "result": result,
            "refused_message": refused_message,
        },
        status=409 if refused_message and not dry_run else 200,
    )


@login_required
def translations_download(request: HttpRequest, slug: str, lang: str, fmt: str) -> HttpResponse:
    _require(request)
    plan = get_object_or_404(Plan, slug=slug)
    lang = _language(lang)
    if fmt not in translation_files.FORMATS:
        raise Http404
    texts = plan_texts(plan, language=lang)
    write = translation_files.xlsx_write if fmt == "xlsx" else translation_files.xliff_write
    response = HttpResponse(write(plan, lang, texts), content_type=translation_files.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{translation_files.filename(plan, lang, fmt)}"'
    return response
