"""Forms of the coordinator's screens. They only parse and display: every rule (which years, which
states) lives in the services, whose ValidationError is put back on the form's fields."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from naptrack.plans.models import Plan
from naptrack.reporting.forms import ContributionForm
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services.corrections import NOTE_MAX

INTRO_LANGUAGES = (("en", _("English")), ("fr", _("French")), ("nl", _("Dutch")), ("de", _("German")))


class _Bootstrap:
    """Bootstrap's classes on every widget, so that templates render fields one way."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None) -> None:
        # The browser's date picker sends ISO dates whatever the page's language.
        super().__init__(attrs, format="%Y-%m-%d")


def add_service_errors(form: forms.Form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form: {field: [messages]} onto the matching field
    (renamed through `fields` where the form calls it otherwise), the rest onto the whole form."""
    fields = fields or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        target = fields.get(name, name)
        form.add_error(target if target in form.fields else None, messages)


class RoundCreateForm(_Bootstrap, forms.Form):
    # A draft plan opens no round (reporting.services.round_create): it is not offered.
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.adopted().order_by("-period_end", "slug"))
    kind = forms.ChoiceField(label=_("Kind"), choices=Round.Kind.choices)
    year = forms.IntegerField(label=_("Year covered"), help_text=_("The year the round reports on."))
    deadline = forms.DateField(label=_("Submission deadline"), widget=DateInput)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown to the focal points at the top of their work; Markdown. In English."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["deadline"].initial = dt.date(today.year, 12, 31) if today.month < 12 else None
        self.fields["kind"].initial = Round.Kind.ANNUAL
        if not self.is_bound:
            plan = Plan.objects.current()
            self.fields["plan"].initial = plan.pk if plan is not None else None
            self.fields["year"].initial = next_year(plan, today)


def next_year(plan: Plan | None, today: dt.date) -> int | None:
    """The year a new annual round of `plan` most likely covers: the one after its latest annual
    round, within the plan's period (a 2013-2016 plan is not offered 2025); none once its last
    year has its round; last year without a plan."""
    if plan is None:
        return today.year - 1
    latest = (
        Round.objects.filter(plan=plan, kind=Round.Kind.ANNUAL).order_by("-year").values_list("year", flat=True).first()
    )
    if latest is not None and latest >= plan.period_end:
        return None
    return max(plan.period_start, latest + 1 if latest is not None else plan.period_start)


class RoundEditForm(_Bootstrap, forms.Form):
    deadline = forms.DateField(label=_("Submission deadline"), widget=DateInput)

    def __init__(self, *args, round: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["deadline"].initial = round.deadline
        for code, name in INTRO_LANGUAGES:
            self.fields[f"intro_{code}"] = forms.CharField(
                label=_("Introduction (%(language)s)") % {"language": name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 5, "lang": code, "class": "form-control"}),
                initial=getattr(round, f"intro_{code}") or "",
            )

    def intro(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"intro_{code}", "") for code, _name in INTRO_LANGUAGES}


class ContributionFilterForm(_Bootstrap, forms.Form):
    """The filters of a round's contributions, sent by GET so that a filtered list is a link."""

    department = forms.ChoiceField(label=_("Department"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    objective = forms.TypedChoiceField(label=_("Objective"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, departments, objectives, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _("All"))]
        self.fields["department"].choices = every + [(d.code, d.name) for d in departments]
        self.fields["state"].choices = every + list(Contribution.State.choices)
        self.fields["objective"].choices = every + [(o.number, str(o)) for o in objectives]


class SynthesisForm(_Bootstrap, forms.Form):
    text = forms.CharField(
        label=_("Text of the synthesis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the report says about this line of action overall; Markdown."),
    )
    # The version the coordinator started from: a save on top of someone else's is refused.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


# --- correcting what was published (naptrack.portal.views.corrections) ------------------------------


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Public note"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
        help_text=_(
            "Shown to the public where the text shows, dated: “Corrected on 3 March 2016: …”. Say what changed and why."
        ),
    )


class ContributionCorrectionForm(ContributionForm):
    """The published content (status, narrative, answers, countries) with a public note; the
    visibility stays: withdrawing is how a contribution leaves the public."""

    def __init__(self, contribution: Contribution, *args, **kwargs) -> None:
        super().__init__(contribution, *args, **kwargs)
        del self.fields["visibility"]
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["countries"].widget.attrs.update({"class": "form-select", "size": 8})
        self.fields["note"] = _note_field()

    def payload(self) -> dict:
        data = super().payload()
        del data["visibility"]
        return data


class WithdrawalForm(_Bootstrap, forms.Form):
    note = _note_field()
    # The version the coordinator saw: a change made since is shown before anything is withdrawn.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _(
            "Shown to the public in place of what is withdrawn, dated: “Withdrawn on 3 March 2016: …”. Say why."
        )


class SynthesisCorrectionForm(_Bootstrap, forms.Form):
    text = forms.CharField(
        label=_("Text of the synthesis"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Markdown."),
    )
    note = _note_field()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
