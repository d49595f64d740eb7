"""The staff screens' forms. The services check again what matters (naptrack.evaluations.services);
the forms only parse and label."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from naptrack.evaluations.models import Evaluation, Recommendation, Status


def _styled(form: forms.Form) -> None:
    for name, field in form.fields.items():
        if isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
            continue
        field.widget.attrs.setdefault(
            "class", "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        )
        if field.help_text:
            field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"


class EvaluationForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of evaluation"), choices=Evaluation.Kind.choices)
    evaluator_kind = forms.ChoiceField(
        label=gettext_lazy("Carried out"), choices=Evaluation.Evaluator.choices, widget=forms.RadioSelect
    )
    evaluator_name = forms.CharField(label=gettext_lazy("Evaluator"), max_length=200)
    organisation = forms.CharField(label=gettext_lazy("Organisation"), max_length=200, required=False)
    started_on = forms.DateField(
        label=gettext_lazy("Started"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    completed_on = forms.DateField(
        label=gettext_lazy("Completed"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    summary = forms.CharField(
        label=gettext_lazy("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("Markdown: paragraphs, lists, *emphasis*, links."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _styled(self)


class TextForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Text"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, label: str | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        _styled(self)


class RecommendationForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Recommendation"), widget=forms.Textarea(attrs={"rows": 6}))
    actions = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Lines of action it is about"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("One or more lines of the evaluated plan."),
    )

    def __init__(self, *args: Any, lines: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["actions"].choices = [(a.pk, f"{a.code} {a.text_en[:90]}") for a in lines]
        _styled(self)


class ResponseForm(forms.Form):
    response = forms.ChoiceField(
        label=gettext_lazy("The government's response"),
        choices=[("", gettext_lazy("no response yet")), *Recommendation.Response.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=gettext_lazy("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _styled(self)


STATUS_CHOICES = [("", gettext_lazy("not assessed")), *Status.choices]
