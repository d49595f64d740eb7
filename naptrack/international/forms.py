"""Forms of the international reporting screens. They only parse and display: every rule (which
periods, which versions, who may) lives in the services, whose ValidationError is put back on the
form's fields (reporting's add_service_errors)."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from naptrack.accounts.models import User
from naptrack.core.roles import Role
from naptrack.international.files import MAX_BYTES
from naptrack.international.models import Body, Framework, Question
from naptrack.plans.models import Action, Instrument
from naptrack.reporting.forms_coordination import DateInput, _Bootstrap

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-\u2013/]\s*(\d{4}))?\s*$")
_TARGET = re.compile(r"^\s*([^:\s]+)\s*:\s*([^:\s]+)\s*(?::\s*(\d+)\s*)?$")


def parse_period(text: str) -> tuple[int, int]:
    match = _PERIOD.match(text or "")
    if not match:
        raise ValidationError(_("Give the period as years, such as 2014 or 2013-2014."))
    start = int(match.group(1))
    return start, int(match.group(2) or start)


def resolve_target(text: str) -> Instrument | Action:
    """A line of action written PLAN:LINE, or one of its instruments PLAN:LINE:N (N counted from 1
    in the line's order), as the CLI reads them."""
    match = _TARGET.match(text or "")
    if not match:
        raise ValidationError(_("Write the link as PLAN:LINE or PLAN:LINE:N, such as be-nap-2013-2016:14.a:2."))
    slug, code, number = match.groups()
    action = Action.objects.filter(plan__slug=slug, code=code).select_related("plan").first()
    if action is None:
        raise ValidationError(_("There is no line %(code)s in a plan %(plan)s.") % {"code": code, "plan": slug})
    if number is None:
        return action
    instruments = list(Instrument.objects.filter(action=action).select_related("action__plan").order_by("position"))
    if not 1 <= int(number) <= len(instruments):
        raise ValidationError(
            _("Line %(code)s has no monitoring instrument %(number)s.") % {"code": code, "number": number}
        )
    return instruments[int(number) - 1]


class FrameworkForm(_Bootstrap, forms.Form):
    body = forms.ChoiceField(label=_("Body"), choices=Body.choices)
    name = forms.CharField(label=_("Name"), max_length=300)
    version = forms.CharField(label=_("Version or year"), max_length=50, required=False)
    source = forms.CharField(
        label=_("Source reference"),
        max_length=500,
        required=False,
        help_text=_("The document the questions come from."),
    )


class FrameworkLoadForm(FrameworkForm):
    document = forms.FileField(
        label=_("Question file"),
        help_text=_(
            "A CSV or XLSX file with a header row: code, text, and optionally group and kind "
            "(text, number, by-sex, yes-no), in English, French or Dutch."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Check the file only: show what would change and keep nothing"), required=False
    )

    field_order = ["document", "body", "name", "version", "source", "dry_run"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dry_run"].widget.attrs["class"] = "form-check-input"
        self.fields["document"].widget.attrs["accept"] = ".csv,.xlsx,.txt"

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > MAX_BYTES:
            raise ValidationError(_("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)})
        return document


class QuestionAddForm(_Bootstrap, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40)
    text = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    group = forms.CharField(label=_("Group"), max_length=200, required=False, help_text=_("A pillar or chapter."))
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)


class RequestCreateForm(_Bootstrap, forms.Form):
    framework = forms.ModelChoiceField(
        label=_("Question set"), queryset=Framework.objects.order_by("body", "name", "version"), to_field_name="code"
    )
    period = forms.CharField(
        label=_("Period covered"), max_length=20, help_text=_("A year, such as 2014, or years, such as 2013-2014.")
    )
    due_on = forms.DateField(label=_("Due"), widget=DateInput)
    received_on = forms.DateField(label=_("Received"), widget=DateInput, required=False)
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)
    handler = forms.ModelChoiceField(
        label=_("Handled by"),
        queryset=User.objects.filter(groups__name=Role.COORDINATOR, is_active=True).order_by("username"),
        required=False,
        help_text=_("Left empty, you handle it."),
    )

    def clean_period(self) -> tuple[int, int]:
        return parse_period(self.cleaned_data["period"])


class AnswerForm(forms.Form):
    """The final answer to one question; numbers are read by the service, which names the field
    of any mistake."""

    text = forms.CharField(required=False, strip=False)
    women = forms.CharField(required=False)
    men = forms.CharField(required=False)
    other = forms.CharField(required=False)
    total = forms.CharField(required=False)
    yes = forms.ChoiceField(required=False, choices=(("", ""), ("yes", "yes"), ("no", "no")))
    version = forms.IntegerField(min_value=1)

    def data_for(self, kind: str) -> dict[str, str]:
        """The fields the question's kind shows: a saved answer never loses figures it does not show."""
        data = {"text": self.cleaned_data["text"]}
        if kind in (Question.Kind.BY_SEX, Question.Kind.NUMBER):
            data["total"] = self.cleaned_data["total"]
        if kind == Question.Kind.BY_SEX:
            data.update({k: self.cleaned_data[k] for k in ("women", "men", "other")})
        if kind == Question.Kind.YES_NO:
            data["yes"] = self.cleaned_data["yes"]
        return data


class AskForm(_Bootstrap, forms.Form):
    department = forms.ModelChoiceField(label=_("Department"), queryset=None)
    due_on = forms.DateField(label=_("Due"), widget=DateInput)
    text = forms.CharField(label=_("Question to the department"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, departments=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from naptrack.plans.models import Department

        self.fields["department"].queryset = departments if departments is not None else Department.objects.all()


class ReviewForm(forms.Form):
    note = forms.CharField(required=False, max_length=5000)
    version = forms.IntegerField(required=False, min_value=1)


class SentForm(_Bootstrap, forms.Form):
    sent_on = forms.DateField(label=_("Sent on"), widget=DateInput)
    sent_to = forms.CharField(label=_("Sent to"), max_length=300, help_text=_("A person, an office or an address."))
    reference = forms.CharField(label=_("Reference"), max_length=200, required=False)


class ReplyForm(_Bootstrap, forms.Form):
    reply = forms.CharField(label=_("Reply"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 6}))
    women = forms.CharField(label=_("Women"), required=False, max_length=20)
    men = forms.CharField(label=_("Men"), required=False, max_length=20)
    other = forms.CharField(label=_("Other or not recorded"), required=False, max_length=20)
    value = forms.CharField(
        label=_("Value"), required=False, max_length=30, help_text=_("A number, when the question asks for one.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for key in ("women", "men", "other", "value"):
            self.fields[key].widget.attrs["inputmode"] = "decimal" if key == "value" else "numeric"

    def reply_data(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("reply", "women", "men", "other", "value")}
