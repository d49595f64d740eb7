"""The coordinator's forms for a round's report: its texts in one language, the annexes chosen,
and a transmission to parliament."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from naptrack.publications.content.annexes import annex_titles
from naptrack.publications.content.tree import ANNEXES
from naptrack.publications.models import ReportTexts

MARKDOWN = _("Markdown. Left empty, the part is not printed.")


def _area(rows: int, lang: str) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "lang": lang, "class": "form-control"})


class ReportTextsForm(forms.Form):
    """The report's texts in one language; the signatory's name and the annexes are the same in
    every language."""

    foreword = forms.CharField(label=_("Foreword"), required=False, help_text=MARKDOWN)
    signatory = forms.CharField(
        label=_("Foreword signed by"),
        required=False,
        max_length=200,
        help_text=_("The same in every language."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    signatory_title = forms.CharField(
        label=_("Title of the signatory"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    introduction = forms.CharField(label=_("Introduction"), required=False, help_text=MARKDOWN)
    achievements = forms.CharField(label=_("Main achievements of the year"), required=False, help_text=MARKDOWN)
    conclusions = forms.CharField(label=_("Conclusions and next steps"), required=False, help_text=MARKDOWN)
    annexes = forms.MultipleChoiceField(
        label=_("Annexes"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The same in every language. An annex whose source has no data is left out anyway."),
    )

    TEXTS = ("foreword", "signatory_title", "introduction", "achievements", "conclusions")

    def __init__(self, *args, texts: ReportTexts, lang: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.lang = lang
        titles = annex_titles()
        self.fields["annexes"].choices = [(key, titles[key]) for key in ANNEXES]
        self.fields["annexes"].initial = list(texts.annexes or [])
        self.fields["signatory"].initial = texts.signatory
        for name in self.TEXTS:
            self.fields[name].initial = getattr(texts, f"{name}_{lang}") or ""
            if name != "signatory_title":
                self.fields[name].widget = _area(8 if name != "foreword" else 6, lang)
            else:
                self.fields[name].widget.attrs["lang"] = lang

    def texts(self) -> dict[str, dict[str, str]]:
        return {name: {self.lang: self.cleaned_data.get(name, "")} for name in self.TEXTS}


class TransmissionForm(forms.Form):
    sent_on = forms.DateField(
        label=_("Sent on"), widget=forms.DateInput(attrs={"type": "date", "class": "form-control"})
    )
    recipient = forms.CharField(
        label=_("Sent to"),
        max_length=200,
        initial=_("House of Representatives"),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    committee = forms.CharField(
        label=_("Committee"), max_length=200, required=False, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    document_number = forms.CharField(
        label=_("Document number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    url = forms.URLField(
        label=_("Link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sent_on"].initial = dt.date.today


def add_service_errors(form: forms.Form, error) -> None:
    """A service's ValidationError shown on the form's fields (or above it)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
