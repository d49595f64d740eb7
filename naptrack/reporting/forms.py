"""Forms of the focal points' screens.

They only parse what the browser sends. The rules (counts whole and not negative, a total no
smaller than its parts, known countries, the narrative's length, accepted files) live in the
services, whose ValidationError the forms place next to the right input, so that the web, the API
and the command line all say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.boundfield import BoundField
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries import countries as all_countries

from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.services import EVIDENCE_TYPES, Change

# What each point of the status scale means, shown beside the choice so that departments use the
# scale the same way.
STATUS_DEFINITIONS: dict[str, Any] = {
    "not-started": _("Nothing has been done on this line of action yet."),
    "in-progress": _("Work has started in the period and goes on."),
    "completed": _("The line of action has been carried out in full."),
    "continuous": _("A recurring activity, carried out again in the period."),
    "not-applicable": _("The line of action does not concern your department in the period."),
}

VISIBILITY_DEFINITIONS: dict[str, Any] = {
    "public": _("May appear on the public portal, in open data and in the published report once approved."),
    "internal": _(
        "Seen only by the coordinator, focal points and readers: internal content never reaches the portal, "
        "open data or a published report."
    ),
}


class InvalidAwareBoundField(BoundField):
    """Adds Bootstrap's is-invalid to an input with errors (Django already links the error and
    help texts with aria-describedby and sets aria-invalid)."""

    def build_widget_attrs(self, attrs: dict, widget: forms.Widget | None = None) -> dict:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.errors and not widget.is_hidden:
            base = attrs.get("class") or widget.attrs.get("class", "")
            attrs["class"] = f"{base} is-invalid".strip()
        return attrs


class ServiceErrorsMixin:
    """Places a service's ValidationError ({key: [messages]}) on the form's fields."""

    def field_name(self, key: str) -> str | None:
        return key if key in self.fields else None

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for key, messages in error.message_dict.items():
            name = self.field_name(key)
            if name is None or name not in self.fields:
                self.add_error(None, messages)
            else:
                self.add_error(name, messages)

    def error_summary(self) -> list[dict[str, Any]]:
        """What went wrong, in the order of the page: each with the id of its input, for the
        summary's links."""
        rows = [{"id": None, "label": "", "messages": list(self.non_field_errors())}] if self.non_field_errors() else []
        for name in self.fields:
            if name in self.errors:
                bound = self[name]
                rows.append({"id": bound.auto_id, "label": self.long_label(name), "messages": list(bound.errors)})
        return rows

    def long_label(self, name: str) -> str:
        return str(self.fields[name].label)


def number_text(value: Any) -> str:
    """A stored number as a person would type it: 12, not 12.0000."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def _number_input(inputmode: str = "numeric") -> forms.TextInput:
    # Text with inputmode rather than type=number: browsers silently drop what type=number cannot
    # parse (2,5), and the person would never learn why their figure vanished.
    return forms.TextInput(attrs={"class": "form-control", "inputmode": inputmode, "autocomplete": "off"})


class CountriesField(forms.MultipleChoiceField):
    """Any codes are accepted here; the service says which are unknown, in the same words as the API."""

    def valid_value(self, value: str) -> bool:
        return True


class ContributionForm(ServiceErrorsMixin, forms.Form):
    bound_field_class = InvalidAwareBoundField

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label=_("Status"), choices=Contribution.Status.choices, required=False)
    narrative = forms.CharField(
        label=_("Narrative"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 10}),
    )
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Contribution.Visibility.choices)
    countries = CountriesField(label=_("Countries concerned"), required=False)

    def __init__(self, contribution: Contribution, *args: Any, narrative_max: int, **kwargs: Any) -> None:
        self.contribution = contribution
        self.instruments: list[Instrument] = list(contribution.action.instruments.all())
        saved = {m.instrument_id: m for m in contribution.measurements.all()}
        kwargs.setdefault("initial", self.initial_from(contribution, saved))
        super().__init__(*args, **kwargs)
        self.fields["narrative"].help_text = gettext(
            "Markdown: **bold**, *italic*, lists with “- ”, links as [text](https://…). At most %(max)s characters."
        ) % {"max": number_format(narrative_max, force_grouping=True)}
        focus = [c.upper() for c in contribution.round.plan.focus_countries or []]
        self.focus_countries = [(code, all_countries.name(code)) for code in focus]
        # django_countries sorts by the name in the reader's language.
        self.other_countries = [(c.code, c.name) for c in all_countries if c.code not in focus]
        self.fields["countries"].choices = self.focus_countries + self.other_countries
        for instrument in self.instruments:
            self.fields.update(self.instrument_fields(instrument))

    # --- building -----------------------------------------------------------------------------

    @staticmethod
    def key(instrument_id: int, name: str) -> str:
        return f"m-{instrument_id}-{name}"

    def instrument_fields(self, instrument: Instrument) -> dict[str, forms.Field]:
        key = self.key
        i = instrument.pk
        note = forms.CharField(
            label=_("Note"),
            required=False,
            help_text=_("Source, scope or caveats."),
            widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
        )
        if instrument.kind == Instrument.Kind.QUALITATIVE:
            return {
                key(i, "text"): forms.CharField(
                    label=_("Answer"),
                    required=False,
                    widget=forms.Textarea(attrs={"class": "form-control", "rows": 4}),
                ),
                key(i, "note"): note,
            }
        if instrument.by_sex:
            return {
                key(i, "women"): forms.CharField(label=_("Women"), required=False, widget=_number_input()),
                key(i, "men"): forms.CharField(label=_("Men"), required=False, widget=_number_input()),
                key(i, "other"): forms.CharField(
                    label=_("Other or not recorded"), required=False, widget=_number_input()
                ),
                key(i, "value"): forms.CharField(
                    label=_("Total (optional)"),
                    required=False,
                    help_text=_(
                        "Leave empty to count women, men and other together. Give it when some people were not "
                        "counted by sex; it cannot be smaller than the parts."
                    ),
                    widget=_number_input(),
                ),
                key(i, "note"): note,
            }
        return {
            key(i, "value"): forms.CharField(label=_("Value"), required=False, widget=_number_input("decimal")),
            key(i, "unit"): forms.CharField(
                label=_("Unit"),
                required=False,
                help_text=_("For example: %, cases, persons, EUR."),
                widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 40}),
            ),
            key(i, "note"): note,
        }

    def initial_from(self, contribution: Contribution, saved: dict[int, Measurement]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": contribution.version,
            "status": contribution.status,
            "narrative": contribution.narrative,
            "visibility": contribution.visibility,
            "countries": list(contribution.countries or []),
        }
        for instrument in contribution.action.instruments.all():
            m = saved.get(instrument.pk)
            if m is None:
                continue
            for name in ("text", "note", "unit"):
                initial[self.key(instrument.pk, name)] = getattr(m, name)
            for name in ("women", "men", "other", "value"):
                initial[self.key(instrument.pk, name)] = number_text(getattr(m, name))
        return initial

    @property
    def unknown_countries(self) -> list[str]:
        """Codes sent that no option carries (typed into a crafted request, or dropped from the
        standard): kept visible and selected so that the error beside them makes sense."""
        known = {code for code, _name in self.focus_countries} | {code for code, _name in self.other_countries}
        return [code for code in self["countries"].value() or [] if code not in known]

    # --- reading ------------------------------------------------------------------------------

    def payload(self) -> dict[str, Any]:
        """What the service is asked to save: every field the form shows."""
        data = self.cleaned_data
        measurements = []
        for instrument in self.instruments:
            row: dict[str, Any] = {"instrument": instrument.pk}
            for name in self.instrument_field_names(instrument):
                row[name] = data.get(self.key(instrument.pk, name), "")
            measurements.append(row)
        return {
            "status": data.get("status", ""),
            "narrative": data.get("narrative", ""),
            "visibility": data.get("visibility"),
            "countries": list(data.get("countries") or []),
            "measurements": measurements,
        }

    def instrument_field_names(self, instrument: Instrument) -> list[str]:
        prefix = f"m-{instrument.pk}-"
        return [name.removeprefix(prefix) for name in self.fields if name.startswith(prefix)]

    def field_name(self, key: str) -> str | None:
        # "measurements.12.women" is the service's name for the input m-12-women.
        if key.startswith("measurements."):
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit():
                return self.key(int(parts[1]), parts[2])
            return None
        return key if key in self.fields else None

    def instrument_of(self, name: str) -> Instrument | None:
        if not name.startswith("m-"):
            return None
        instrument_id = int(name.split("-")[1])
        return next((i for i in self.instruments if i.pk == instrument_id), None)

    def long_label(self, name: str) -> str:
        instrument = self.instrument_of(name)
        label = str(self.fields[name].label) if name in self.fields else name
        if instrument is None:
            return label
        return gettext("%(instrument)s: %(field)s") % {"instrument": _shorten(instrument.text), "field": label}

    def blocks(self) -> list[dict[str, Any]]:
        """One block per monitoring instrument: its inputs and what was saved for it."""
        saved = {m.instrument_id: m for m in self.contribution.measurements.all()}
        out = []
        for instrument in self.instruments:
            fields = {name: self[self.key(instrument.pk, name)] for name in self.instrument_field_names(instrument)}
            out.append({"instrument": instrument, "fields": fields, **measurement_view(saved.get(instrument.pk))})
        return out

    def typed_entries(self) -> list[tuple[str, str]]:
        """What the person typed, label and value, for when it cannot be saved any more (the
        contribution was submitted or closed meanwhile): shown so that nothing typed is lost."""
        rows = []
        for name in self.fields:
            if name == "version":
                continue
            shown = self.display(name, self.typed(name))
            if shown != "—":
                rows.append((self.long_label(name), shown))
        return rows

    # --- conflicts ----------------------------------------------------------------------------

    def conflict_rows(self, changes: Iterable[Change]) -> list[dict[str, Any]]:
        """For each field someone else changed: its label, what this person typed, what is saved
        now and what it was when they opened the page."""
        rows = []
        for change in changes:
            name = self.field_name(change.field)
            if name is not None and name in self.fields:
                label = self.long_label(name)
                typed = self.display(name, self.typed(name))
            else:
                label = OTHER_FIELD_LABELS.get(change.field, change.field)
                if change.field.startswith("measurements."):
                    label = self.long_measurement_label(change.field)
                typed = "—"
            rows.append(
                {
                    "id": self[name].auto_id if name in self.fields else None,
                    "label": label,
                    "yours": typed,
                    "saved": self.display(name or change.field, change.after),
                    "before": self.display(name or change.field, change.before),
                    "by": change.by,
                    "at": change.at,
                }
            )
        return rows

    def long_measurement_label(self, key: str) -> str:
        parts = key.split(".")
        instrument = next((i for i in self.instruments if str(i.pk) == parts[1]), None) if len(parts) == 3 else None
        if instrument is None:
            return key
        return gettext("%(instrument)s: %(field)s") % {
            "instrument": _shorten(instrument.text),
            "field": Measurement._meta.get_field(parts[2]).verbose_name,
        }

    def typed(self, name: str) -> Any:
        field = self.fields[name]
        return field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))

    def display(self, name: str, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if name == "status":
            return str(Contribution.Status(value).label) if value in Contribution.Status.values else str(value)
        if name == "visibility":
            return str(Contribution.Visibility(value).label) if value in Contribution.Visibility.values else str(value)
        if name == "state":
            return str(Contribution.State(value).label) if value in Contribution.State.values else str(value)
        if name == "countries":
            codes = value if isinstance(value, list | tuple) else [value]
            return ", ".join(all_countries.name(str(c).upper()) or str(c) for c in codes)
        if isinstance(value, Decimal):
            return number_text(value)
        return str(value)


OTHER_FIELD_LABELS: dict[str, Any] = {
    "state": _("State"),
    "review_note": _("Reviewer's note"),
    "status": _("Status"),
    "narrative": _("Narrative"),
    "visibility": _("Visibility"),
    "countries": _("Countries concerned"),
}


def _shorten(text: str, length: int = 60) -> str:
    text = text.rstrip(". ")
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def measurement_view(m: Measurement | None) -> dict[str, Any]:
    """The saved answer and the figures derived from it (total, share of women), never stored."""
    if m is None:
        return {"measurement": None, "total": None, "share": None, "value": ""}
    share = m.share_of_women
    return {
        "measurement": m,
        "total": number_text(m.total) if m.total is not None else None,
        "share": round(share * 100, 1) if share is not None else None,
        "value": number_text(m.value),
    }


class EvidenceForm(ServiceErrorsMixin, forms.Form):
    bound_field_class = InvalidAwareBoundField
    prefix = "evidence"

    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("What the document or page shows. Left empty, the file name or the address is used."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    url = forms.CharField(
        label=_("Link"),
        required=False,
        help_text=_("A web address (https://…)."),
        widget=forms.URLInput(attrs={"class": "form-control", "inputmode": "url"}),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        widget=forms.FileInput(
            attrs={"class": "form-control", "accept": ",".join(f".{ext}" for ext in sorted(EVIDENCE_TYPES))}
        ),
    )

    def __init__(self, *args: Any, max_mb: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF, DOCX, XLSX, ODT or an image (PNG, JPEG, GIF, WebP), at most %(mb)s MB."
        ) % {"mb": max_mb}
