"""The coordinator's screen for a round's report: its own texts, one language at a time, the
annexes chosen, and the transmissions to parliament (recorded from the round's page too).
Readers and focal points may not use it: it writes."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from naptrack.publications import editorial
from naptrack.publications.forms import ReportTextsForm, TransmissionForm, add_service_errors
from naptrack.publications.models import Transmission
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError


def _round(request: HttpRequest, pk: int) -> Round:
    round_ = get_object_or_404(Round.objects.select_related("plan"), pk=pk)
    if not request.user.has_perm("reporting.manage_round", round_):
        raise PermissionDenied(_("You may not do this."))
    return round_


def _languages() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"]) for code in settings.MODELTRANSLATION_LANGUAGES]


@login_required
def report_texts(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    lang = request.GET.get("lang") or settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    if lang not in settings.MODELTRANSLATION_LANGUAGES:
        raise Http404(_("Unknown language."))
    texts = editorial.report_texts_of(round_)
    form = ReportTextsForm(request.POST or None, texts=texts, lang=lang)
    if request.method == "POST" and form.is_valid():
        try:
            editorial.report_texts_save(
                actor=request.user,
                round=round_,
                texts=form.texts(),
                signatory=form.cleaned_data["signatory"],
                annexes=form.cleaned_data["annexes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The report's texts were saved."))
            return redirect(f"{reverse('publications:report-texts', args=[round_.pk])}?lang={lang}")
    source = settings.MODELTRANSLATION_DEFAULT_LANGUAGE
    originals = (
        {name: getattr(texts, f"{name}_{source}") or "" for name in ReportTextsForm.TEXTS} if lang != source else {}
    )
    return render(
        request,
        "publications/report_texts.html",
        {
            "round": round_,
            "plan": round_.plan,
            "form": form,
            "lang": lang,
            "languages": _languages(),
            "originals": originals,
            "transmissions": list(Transmission.objects.filter(round_id=round_.pk).order_by("sent_on", "pk")),
            "transmission_form": TransmissionForm() if round_.state == Round.State.PUBLISHED else None,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def transmission_add(request: HttpRequest, pk: int) -> HttpResponse:
    round_ = _round(request, pk)
    form = TransmissionForm(request.POST)
    back = request.POST.get("next") == "dashboard"
    if form.is_valid():
        try:
            editorial.transmission_record(actor=request.user, round=round_, **form.cleaned_data)
        except WorkflowError as error:
            messages.error(request, str(error))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("The report's transmission to parliament was recorded."))
    else:
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {' '.join(e)}" if f in form.fields else " ".join(e)
                for f, e in form.errors.items()
            ),
        )
    if back:
        return redirect("reporting:round-dashboard", pk=round_.pk)
    return redirect("publications:report-texts", pk=round_.pk)


@login_required
@require_POST
def transmission_remove(request: HttpRequest, pk: int, transmission: int) -> HttpResponse:
    round_ = _round(request, pk)
    row = get_object_or_404(Transmission, pk=transmission, round_id=round_.pk)
    editorial.transmission_delete(actor=request.user, transmission=row)
    messages.success(request, _("The transmission was removed."))
    return redirect("publications:report-texts", pk=round_.pk)
