"""Forms of civil society's screens.

They only parse what the browser sends; the rules (known countries, a partner's consent, a line
of the event's plan, accepted files, an address that is a member elsewhere) live in the services,
whose ValidationError the forms place next to the right input (reporting.forms.ServiceErrorsMixin),
so that the screens, the API and the command line say the same thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from naptrack.civilsociety.models import (
    Event,
    EventFile,
    ExpertiseField,
    Organisation,
    Recommendation,
)
from naptrack.core.numbers import whole_number
from naptrack.core.templatetags.naptrack import translated
from naptrack.plans.models import Action, Department, Objective, Plan
from naptrack.reporting.forms import CountriesField, InvalidAwareBoundField, ServiceErrorsMixin
from naptrack.reporting.models import Contribution, Round

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French")), ("nl", _("Dutch")), ("de", _("German"))]
CHECKBOXES = forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"})


def _text(**attrs: Any) -> forms.TextInput:
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _area(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"class": "form-control", "rows": rows})


def country_choices(first: list[str] | None = None) -> list[tuple[str, str]]:
    """Every ISO 3166-1 country by its name in the reader's language, the plan's focus countries first."""
    first = [c.upper() for c in first or []]
    return [(code, all_countries.name(code)) for code in first] + [
        (c.code, c.name) for c in all_countries if c.code not in first
    ]


def action_label(action: Action) -> str:
    return f"{action.code} {translated(action, 'text')[0]}"[:160]


class IdsField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows by id that refuses, with the field's message, a value that is no
    id at all (a number past the database's integers would otherwise fail in the query)."""

    def _check_values(self, value):
        for item in value:
            if whole_number(str(item)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                )
        return super()._check_values(value)


class CivilSocietyForm(ServiceErrorsMixin, forms.Form):
    bound_field_class = InvalidAwareBoundField


# --- assessments ----------------------------------------------------------------------------------


class SubjectForm(CivilSocietyForm):
    """What a new assessment is about: one line of action or one objective of the round's plan."""

    subject = forms.ChoiceField(
        label=_("Line of action or objective"), widget=forms.Select(attrs={"class": "form-select"})
    )

    def __init__(self, round_: Round, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        objectives = Objective.objects.filter(plan_id=round_.plan_id).order_by("number")
        actions = Action.objects.filter(plan_id=round_.plan_id).select_related("goal").in_plan_order()
        self.fields["subject"].choices = [
            ("", _("Choose…")),
            (
                _("Objectives"),
                [(f"objective-{o.pk}", f"{o.number}. {translated(o, 'title')[0]}"[:160]) for o in objectives],
            ),
            (_("Lines of action"), [(f"action-{a.pk}", action_label(a)) for a in actions]),
        ]

    def subject_kwargs(self) -> dict[str, Any]:
        kind, pk = self.cleaned_data["subject"].split("-", 1)
        model = Action if kind == "action" else Objective
        return {kind: model.objects.get(pk=int(pk))}


class AssessmentForm(CivilSocietyForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=Contribution.Status.choices, required=False)
    narrative = forms.CharField(
        label=_("Your assessment"),
        required=False,
        strip=False,
        help_text=_("What your organisation saw of this line of action in the period, and why."),
        widget=_area(10),
    )
    countries = CountriesField(
        label=_("Countries concerned"),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    partner_name = forms.CharField(
        label=_("Partner-country organisation"),
        required=False,
        max_length=300,
        help_text=_("Only when you report what an organisation of your network told you; leave empty otherwise."),
        widget=_text(),
    )
    partner_country = forms.ChoiceField(
        label=_("Its country"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    partner_consent = forms.BooleanField(
        label=_("That organisation agreed to our reporting its information under its name."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, assessment, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "version": assessment.version,
                "status": assessment.status,
                "narrative": assessment.narrative,
                "countries": assessment.countries,
                "partner_name": assessment.partner_name,
                "partner_country": assessment.partner_country,
                "partner_consent": assessment.partner_consent,
            },
        )
        super().__init__(*args, **kwargs)
        choices = country_choices(assessment.round.plan.focus_countries)
        self.fields["countries"].choices = choices
        self.fields["partner_country"].choices = [("", _("Choose…")), *choices]

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            key: data[key]
            for key in ("status", "narrative", "countries", "partner_name", "partner_country", "partner_consent")
        }


class ModerationForm(CivilSocietyForm):
    DECISIONS = [
        ("accept", _("Accept for publication")),
        ("return", _("Return to the organisation with a note")),
        ("reject", _("Reject, with the reason")),
    ]
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=DECISIONS, widget=forms.RadioSelect(attrs={"class": "form-check-input"})
    )
    note = forms.CharField(
        label=_("Note to the organisation"),
        required=False,
        help_text=_("Required to return or reject; the organisation reads it."),
        widget=_area(4),
    )


# --- organisations --------------------------------------------------------------------------------


class OrganisationForm(CivilSocietyForm):
    name = forms.CharField(label=_("Name"), max_length=300, widget=_text())
    country = forms.ChoiceField(label=_("Country"), widget=forms.Select(attrs={"class": "form-select"}))
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Organisation.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    website = forms.CharField(label=_("Website"), required=False, widget=_text(inputmode="url"))
    contact_email = forms.CharField(
        label=_("Contact e-mail"), required=False, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=LANGUAGE_CHOICES,
        required=False,
        help_text=_("The first is the language of its e-mails."),
        widget=CHECKBOXES,
    )
    network = forms.ModelChoiceField(
        label=_("Network"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("The network it belongs to, such as a Belgian NGO's partner-country network."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    follows = IdsField(
        label=_("Lines of action it follows"),
        queryset=Action.objects.none(),
        required=False,
        help_text=_("Named in its invitations to each round. Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )

    def __init__(self, *args: Any, instance: Organisation | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "country": instance.country,
                    "kind": instance.kind,
                    "website": instance.website,
                    "contact_email": instance.contact_email,
                    "languages": instance.languages,
                    "network": instance.network_id,
                    "follows": [a.pk for a in instance.follows.all()],
                },
            )
        super().__init__(*args, **kwargs)
        plan = Plan.objects.current()
        self.fields["country"].choices = [
            ("", _("Choose…")),
            *country_choices(["BE", *(plan.focus_countries if plan else [])]),
        ]
        networks = Organisation.objects.order_by("name")
        self.fields["network"].queryset = networks.exclude(pk=instance.pk) if instance else networks
        # A draft plan's lines are the coordinator's until it is adopted.
        actions = Action.objects.of_adopted_plans().select_related("plan", "goal").in_plan_order()
        self.fields["follows"].queryset = actions
        self.fields["follows"].label_from_instance = lambda a: f"{a.plan.slug} · {action_label(a)}"

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["follows"] = list(data["follows"])
        return data


class MemberInviteForm(CivilSocietyForm):
    prefix = "invite"
    email = forms.CharField(
        label=_("E-mail address"), max_length=254, widget=forms.EmailInput(attrs={"class": "form-control"})
    )
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150, widget=_text())
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150, widget=_text())
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=[("", _("The organisation's")), *LANGUAGE_CHOICES[:3]],
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class RoundInviteForm(CivilSocietyForm):
    organisations = IdsField(
        label=_("Organisations to invite"), queryset=Organisation.objects.order_by("name"), widget=CHECKBOXES
    )


# --- events and recommendations -------------------------------------------------------------------


class EventForm(CivilSocietyForm):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=Event.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(label=_("Title"), max_length=300, widget=_text())
    date = forms.DateField(
        label=_("Date"),
        help_text=_("As YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"class": "form-control", "type": "date"}),
    )
    place = forms.CharField(label=_("Place"), required=False, max_length=300, widget=_text())
    online = forms.BooleanField(
        label=_("Held online"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )
    organiser = forms.ModelChoiceField(
        label=_("Organising department"),
        queryset=Department.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    invited = IdsField(
        label=_("Invited organisations"), queryset=Organisation.objects.none(), required=False, widget=CHECKBOXES
    )
    attending = IdsField(
        label=_("Attending organisations"), queryset=Organisation.objects.none(), required=False, widget=CHECKBOXES
    )
    women = forms.CharField(label=_("Women"), required=False, widget=_text(inputmode="numeric"))
    men = forms.CharField(label=_("Men"), required=False, widget=_text(inputmode="numeric"))
    other = forms.CharField(label=_("Other or not recorded"), required=False, widget=_text(inputmode="numeric"))
    summary = forms.CharField(label=_("Summary"), required=False, widget=_area(6))
    public = forms.BooleanField(
        label=_("Public"),
        required=False,
        help_text=_("Shown on the portal, with its agenda, minutes and recommendations."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, plan: Plan, *args: Any, instance: Event | None = None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    **{
                        k: getattr(instance, k)
                        for k in ("kind", "title", "date", "place", "online", "summary", "public")
                    },
                    **{
                        k: "" if getattr(instance, k) is None else getattr(instance, k)
                        for k in ("women", "men", "other")
                    },
                    "organiser": instance.organiser_id,
                    "invited": [o.pk for o in instance.invited.all()],
                    "attending": [o.pk for o in instance.attending.all()],
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = Department.objects.filter(plans=plan).order_by("code")
        self.fields["organiser"].label_from_instance = lambda d: translated(d, "name")[0]
        organisations = Organisation.objects.order_by("name")
        self.fields["invited"].queryset = organisations
        self.fields["attending"].queryset = organisations

    def payload(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        return {k: v for k, v in data.items() if k not in ("invited", "attending")}


class EventFileForm(CivilSocietyForm):
    prefix = "file"
    kind = forms.ChoiceField(
        label=_("Kind"), choices=EventFile.Kind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("Left empty, the file name is used."),
        widget=_text(),
    )
    file = forms.FileField(label=_("File"), widget=forms.FileInput(attrs={"class": "form-control"}))


class RecommendationForm(CivilSocietyForm):
    prefix = "recommendation"
    text = forms.CharField(label=_("Recommendation"), widget=_area(4))
    organisations = IdsField(
        label=_("Made by"), queryset=Organisation.objects.none(), required=False, widget=CHECKBOXES
    )
    actions = IdsField(
        label=_("Lines of action it concerns"),
        # Any line is parsed; the service refuses a line of another plan than the event's with a
        # message, the same the API and the command line give.
        queryset=Action.objects.all(),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 8}),
    )

    def __init__(self, event: Event, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = Organisation.objects.order_by("name")
        lines = Action.objects.filter(plan_id=event.plan_id).select_related("goal").in_plan_order()
        self.fields["actions"].widget.choices = [(a.pk, action_label(a)) for a in lines]


class RespondForm(CivilSocietyForm):
    response = forms.ChoiceField(
        label=_("Government's response"),
        choices=[c for c in Recommendation.Response.choices if c[0] != Recommendation.Response.PENDING],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        help_text=_("Required unless the recommendation is accepted."),
        widget=_area(3),
    )


class FollowUpForm(CivilSocietyForm):
    status = forms.ChoiceField(
        label=_("Follow-up status"),
        choices=Recommendation.Status.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    round = forms.ModelChoiceField(
        label=_("Round"),
        queryset=Round.objects.none(),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(label=_("What was done"), widget=_area(3))

    def __init__(self, plan_id: int, *args: Any, rounds: list[Round] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(plan_id=plan_id).order_by("-year", "kind")
        if rounds is not None:
            # The page has read the plan's rounds once for all its recommendations.
            self.fields["round"].choices = [("", "---------"), *((r.pk, str(r)) for r in rounds)]


# --- the expertise network ------------------------------------------------------------------------


class ExpertForm(CivilSocietyForm):
    name = forms.CharField(label=_("Name to list"), max_length=200, widget=_text())
    email = forms.CharField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Never shown in the public directory."),
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
    fields_ = IdsField(
        label=_("Fields of expertise"), queryset=ExpertiseField.objects.all(), required=False, widget=CHECKBOXES
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=CHECKBOXES
    )
    countries = CountriesField(
        label=_("Countries of experience"),
        required=False,
        help_text=_("Hold Ctrl (⌘ on a Mac) to choose several."),
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )
    summary = forms.CharField(label=_("Summary"), required=False, max_length=2000, widget=_area(4))

    def __init__(self, *args: Any, instance=None, **kwargs: Any) -> None:
        if instance is not None:
            kwargs.setdefault(
                "initial",
                {
                    "name": instance.name,
                    "email": instance.email,
                    "fields_": [f.pk for f in instance.fields.all()],
                    "languages": instance.languages,
                    "countries": instance.countries,
                    "summary": instance.summary,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = country_choices(["BE"])
        self.fields["fields_"].label_from_instance = lambda f: translated(f, "name")[0]

    def field_name(self, key: str) -> str | None:
        return "fields_" if key == "fields" else super().field_name(key)

    def payload(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("name", "email", "languages", "countries", "summary")}


class ConsentForm(CivilSocietyForm):
    agree = forms.BooleanField(
        label=_("I agree that this listing is shown in the public directory for this purpose."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Tick the box to give your consent.")},
    )


class ExpertiseFieldForm(CivilSocietyForm):
    name = forms.CharField(label=_("Field of expertise"), max_length=200, widget=_text())


class EraseForm(CivilSocietyForm):
    email = forms.CharField(
        label=_("E-mail address of the person"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": "form-control"}),
    )
