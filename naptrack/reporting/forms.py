"""Forms of the focal points' screens.

They only parse what the browser sends. The rules (counts whole and not negative, a total no
smaller than its parts, known countries, the narrative's length, accepted files) live in the
services, whose ValidationError the forms place next to the right input, so that the web, the API
and the command line all say the same thing.
"""

from __future__ import annotations

import re
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
from naptrack.reporting import figure_inputs as inputs
from naptrack.reporting.figure_inputs import number_text
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.queries import instruments_asked
from naptrack.reporting.services import EVIDENCE_TYPES, Change
from naptrack.reporting.services.figures import COUNTRY_FIELDS, kind_of

# The inputs of a row by country, after the instrument's prefix: c0-country, c0-value, ...
ROW_NAME = re.compile(r"c\d+-")

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
        self.instruments: list[Instrument] = instruments_asked(contribution)
        self.currency = contribution.round.plan.currency
        self.saved = saved = {m.instrument_id: m for m in contribution.measurements.all()}
        data = kwargs.get("data", args[0] if args else None)
        self.breakdowns = {
            i.pk: inputs.Breakdown(
                i,
                inputs.rows_wanted(
                    i.pk, data or {}, len(saved[i.pk].countries.all()) if i.pk in saved else 0, bound=data is not None
                ),
                list(COUNTRY_FIELDS[kind_of(i)]),
            )
            for i in self.instruments
            if kind_of(i) in COUNTRY_FIELDS
        }
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
        self.country_choices = [
            ("", "—"),
            (gettext("The plan's focus countries"), self.focus_countries),
            (gettext("Other countries"), self.other_countries),
        ]
        for instrument in self.instruments:
            self.fields.update(self.instrument_fields(instrument))
        if self.is_bound:
            self._keep_unknown_choices()

    def _keep_unknown_choices(self) -> None:
        # A code no option carries (a crafted request, a currency dropped from the standard) stays
        # selected, so that the service's error beside it makes sense and nothing typed is lost.
        for name, f in self.fields.items():
            if not (isinstance(f, inputs.AnyChoiceField) and isinstance(f.widget, forms.Select)):
                continue
            value = self.data.get(self.add_prefix(name))
            known = set()
            for v, label in f.choices:
                known |= {str(c) for c, _l in label} if isinstance(label, list | tuple) else {str(v)}
            if value and value not in known:
                f.choices = [(value, value), *f.choices]

    # --- building -----------------------------------------------------------------------------

    @staticmethod
    def key(instrument_id: int, name: str) -> str:
        return f"m-{instrument_id}-{name}"

    def instrument_fields(self, instrument: Instrument) -> dict[str, forms.Field]:
        """The inputs of the instrument's kind, and for figures its rows by country."""
        i = instrument.pk
        fields = {self.key(i, name): f for name, f in inputs.kind_fields(instrument, self.currency).items()}
        # A figure computed from the countries shows blank, its value in the input's help text
        # (which the input names in aria-describedby).
        for name, hint in inputs.derived_hints(instrument, self.saved.get(i)).items():
            f = fields[self.key(i, name)]
            f.help_text = f"{f.help_text} {hint}".strip()
        breakdown = self.breakdowns.get(i)
        if breakdown is not None:
            fields[self.key(i, "rows")] = forms.IntegerField(
                required=False, widget=forms.HiddenInput(attrs={"id": f"id_m-{i}-rows-count"})
            )
            for n in range(breakdown.rows):
                for name, f in inputs.row_fields(instrument, n, self.country_choices).items():
                    fields[self.key(i, name)] = f
        return fields

    def initial_from(self, contribution: Contribution, saved: dict[int, Measurement]) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "version": contribution.version,
            "status": contribution.status,
            "narrative": contribution.narrative,
            "visibility": contribution.visibility,
            "countries": list(contribution.countries or []),
        }
        for instrument in self.instruments:
            values = inputs.initial_values(instrument, saved.get(instrument.pk), self.currency)
            initial.update({self.key(instrument.pk, name): value for name, value in values.items()})
            if instrument.pk in self.breakdowns:
                initial[self.key(instrument.pk, "rows")] = self.breakdowns[instrument.pk].rows
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
            breakdown = self.breakdowns.get(instrument.pk)
            # Rows only when the page showed them: a screen without them (the correction of a
            # published contribution) leaves the breakdown as it is.
            if breakdown is not None and self.add_prefix(self.key(instrument.pk, "rows")) in self.data:
                names = self.row_field_names(breakdown)
                values = {name: data.get(self.key(instrument.pk, name), "") for name in names}
                row["countries"] = inputs.countries_payload(breakdown, values)
            measurements.append(row)
        return {
            "status": data.get("status", ""),
            "narrative": data.get("narrative", ""),
            "visibility": data.get("visibility"),
            "countries": list(data.get("countries") or []),
            "measurements": measurements,
        }

    def instrument_field_names(self, instrument: Instrument) -> list[str]:
        """The service's names of the instrument's own inputs (not its rows by country)."""
        prefix = f"m-{instrument.pk}-"
        names = [name.removeprefix(prefix) for name in self.fields if name.startswith(prefix)]
        return [name for name in names if name != "rows" and not ROW_NAME.match(name)]

    @staticmethod
    def row_field_names(breakdown: inputs.Breakdown) -> list[str]:
        return [f"c{n}-{name}" for n in range(breakdown.rows) for name in ("country", *breakdown.figures)]

    def field_name(self, key: str) -> str | None:
        # "measurements.12.women" is the service's name for the input m-12-women;
        # "measurements.12.countries.0.value" for the value of the first row it was given, which
        # is the page's first row not left blank.
        if not key.startswith("measurements."):
            return key if key in self.fields else None
        parts = key.split(".")
        if len(parts) < 3 or not parts[1].isdigit():
            return None
        instrument_id = int(parts[1])
        if parts[2] != "countries":
            return self.key(instrument_id, parts[2]) if len(parts) == 3 else None
        rows = self.key(instrument_id, "rows")
        breakdown = self.breakdowns.get(instrument_id)
        if len(parts) == 3 or breakdown is None or not parts[3].isdigit() or int(parts[3]) >= len(breakdown.rows_sent):
            return rows
        figure = parts[4] if len(parts) > 4 else "country"
        name = self.key(instrument_id, f"c{breakdown.rows_sent[int(parts[3])]}-{figure}")
        return name if name in self.fields else rows

    def instrument_of(self, name: str) -> Instrument | None:
        if not name.startswith("m-"):
            return None
        instrument_id = int(name.split("-")[1])
        return next((i for i in self.instruments if i.pk == instrument_id), None)

    def long_label(self, name: str) -> str:
        instrument = self.instrument_of(name)
        label = str(self.fields[name].label) if name in self.fields else name
        if name.endswith("-rows"):
            label = gettext("Figures by country")
        if instrument is None:
            return label
        return gettext("%(instrument)s: %(field)s") % {"instrument": _shorten(instrument.text), "field": label}

    def blocks(self) -> list[dict[str, Any]]:
        """One block per monitoring instrument: its inputs, its rows by country and what was saved
        for it (a figure computed from the countries shows its value as a hint)."""
        saved = {m.instrument_id: m for m in self.contribution.measurements.all()}
        out = []
        for instrument in self.instruments:
            m = saved.get(instrument.pk)
            i = instrument.pk
            fields = {name: self[self.key(i, name)] for name in self.instrument_field_names(instrument)}
            block = {"instrument": instrument, "fields": fields, **measurement_view(m)}
            breakdown = self.breakdowns.get(i)
            if breakdown is not None:
                block["rows_field"] = self[self.key(i, "rows")]
                block["row_labels"] = list(inputs.country_labels(instrument).values())
                block["rows"] = [
                    [self[self.key(i, f"c{n}-{name}")] for name in ("country", *breakdown.figures)]
                    for n in range(breakdown.rows)
                ]
            out.append(block)
        return out

    def typed_entries(self) -> list[tuple[str, str]]:
        """What the person typed, label and value, for when it cannot be saved any more (the
        contribution was submitted or closed meanwhile): shown so that nothing typed is lost."""
        rows = []
        for name in self.fields:
            if name == "version" or name.endswith("-rows"):
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
        field = (
            gettext("Figures by country")
            if parts[2] == "countries"
            else Measurement._meta.get_field(parts[2]).verbose_name
        )
        return gettext("%(instrument)s: %(field)s") % {"instrument": _shorten(instrument.text), "field": field}

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
        if isinstance(value, list) and value and isinstance(value[0], dict):
            return inputs.typed_rows(value)
        if name.endswith("-rows"):
            return "—"
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
