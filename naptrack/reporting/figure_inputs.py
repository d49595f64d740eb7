"""The inputs of an answer on the contribution form, by kind of instrument, and its rows of figures
by country.

They only parse what the browser sends: which figures a kind holds, what each accepts and how they
agree is services/figures.py's to say, so every choice here accepts any value and the service's
message lands next to the input. Rows are numbered on the page (c0, c1, ...); the service numbers
the rows it was given, blank rows left out, so the form keeps the map between the two.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from naptrack.core.currencies import CODES
from naptrack.plans.models import Instrument
from naptrack.reporting.models import Measurement
from naptrack.reporting.services.figures import COUNTRY_FIELDS, kind_of

# Blank rows offered under the rows already given; "More rows" adds as many again.
BLANK_ROWS = 3
# A page never renders more rows than this, whatever a crafted request says.
MAX_ROWS = 300

YES_NO_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("", _("Not answered"))]


def number_text(value: Any) -> str:
    """A stored number as a person would type it: 12, not 12.0000."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def grouped(value: Any) -> str:
    """A number in the reader's language, thousands grouped: 1,234.5 or 1 234,5."""
    if isinstance(value, Decimal):
        value = value.normalize()
        if value == value.to_integral_value():
            value = int(value)
    return number_format(value, use_l10n=True, force_grouping=True)


def number_input(inputmode: str = "numeric", **attrs: Any) -> forms.TextInput:
    # Text with inputmode rather than type=number: browsers silently drop what type=number cannot
    # parse (2,5), and the person would never learn why their figure vanished.
    return forms.TextInput(attrs={"class": "form-control", "inputmode": inputmode, "autocomplete": "off", **attrs})


class AnyChoiceField(forms.ChoiceField):
    """A select or radio group whose value the service checks, in the same words as the API."""

    def valid_value(self, value: str) -> bool:
        return True


def _select(label: Any, choices: list, help_text: Any = "") -> AnyChoiceField:
    return AnyChoiceField(
        label=label,
        required=False,
        choices=choices,
        help_text=help_text,
        widget=forms.Select(attrs={"class": "form-select"}),
    )


def currency_choices(plan_currency: str) -> list[tuple[str, str]]:
    """The plan's currency first (the one preselected), then every ISO 4217 code."""
    return [(plan_currency, plan_currency)] + [(code, code) for code in sorted(CODES) if code != plan_currency]


def kind_fields(instrument: Instrument, plan_currency: str) -> dict[str, forms.Field]:
    """The inputs of an answer to `instrument`, by the service's names of its fields."""
    kind = kind_of(instrument)
    text_label = {"qualitative": _("Answer"), "yes-no": _("Explanation")}.get(kind, _("Answer in words"))
    out: dict[str, forms.Field] = {
        "text": forms.CharField(
            label=text_label,
            required=False,
            widget=forms.Textarea(attrs={"class": "form-control", "rows": 4 if kind == "qualitative" else 2}),
        )
    }
    if kind == "by-sex":
        out["women"] = forms.CharField(label=_("Women"), required=False, widget=number_input())
        out["men"] = forms.CharField(label=_("Men"), required=False, widget=number_input())
        out["other"] = forms.CharField(label=_("Other or not recorded"), required=False, widget=number_input())
        out["value"] = forms.CharField(
            label=_("Total (optional)"),
            required=False,
            help_text=_(
                "Leave empty to count women, men and other together. Give it when some people were not "
                "counted by sex; it cannot be smaller than the parts."
            ),
            widget=number_input(),
        )
    elif kind in ("quantitative", "count"):
        out["value"] = forms.CharField(
            label=_("Value") if kind == "quantitative" else _("Number"),
            required=False,
            widget=number_input("decimal" if kind == "quantitative" else "numeric"),
        )
        unit = forms.CharField(
            label=_("Unit"),
            required=False,
            help_text=_("Left empty, the instrument's unit applies: %(unit)s.") % {"unit": instrument.unit}
            if instrument.unit
            else _("For example: %, cases, persons, EUR."),
            widget=forms.TextInput(attrs={"class": "form-control", "maxlength": 40}),
        )
        if instrument.unit:
            unit.widget.attrs["placeholder"] = instrument.unit
        out["unit"] = unit
    elif kind == "money":
        out["value"] = forms.CharField(label=_("Amount"), required=False, widget=number_input("decimal"))
        out["currency"] = _select(_("Currency"), currency_choices(plan_currency))
        out["marker"] = _select(
            _("Gender equality policy marker (OECD-DAC)"),
            [("", _("not given")), *[(str(v), label) for v, label in Measurement.Marker.choices]],
            Measurement._meta.get_field("marker").help_text,
        )
        out["channel"] = _select(_("Funding channel"), [("", _("not given")), *Measurement.Channel.choices])
    elif kind == "share":
        out["value"] = forms.CharField(
            label=_("Percentage"),
            required=False,
            help_text=_("Computed when the numerator and the denominator are both given: leave it empty then."),
            widget=number_input("decimal"),
        )
        out["numerator"] = forms.CharField(label=_("Numerator"), required=False, widget=number_input("decimal"))
        out["denominator"] = forms.CharField(label=_("Denominator"), required=False, widget=number_input("decimal"))
    elif kind == "yes-no":
        out["yes"] = AnyChoiceField(label=_("Answer"), required=False, choices=YES_NO_CHOICES, widget=forms.RadioSelect)
    out["note"] = forms.CharField(
        label=_("Note"),
        required=False,
        help_text=_("Source, scope or caveats."),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}),
    )
    return out


COUNTRY_LABELS: dict[str, Any] = {
    "women": _("Women"),
    "men": _("Men"),
    "other": _("Other or not recorded"),
    "value": _("Value"),
    "numerator": _("Numerator"),
    "denominator": _("Denominator"),
}


def country_labels(instrument: Instrument) -> dict[str, Any]:
    kind = kind_of(instrument)
    labels = {name: COUNTRY_LABELS[name] for name in COUNTRY_FIELDS.get(kind, ())}
    if kind == "by-sex":
        labels["value"] = _("Total")
    elif kind == "money":
        labels["value"] = _("Amount")
    elif kind == "count":
        labels["value"] = _("Number")
    return labels


def row_fields(instrument: Instrument, n: int, country_choices: list) -> dict[str, forms.Field]:
    """The inputs of the page's row `n` of figures by country (named c<n>-<field>)."""
    out: dict[str, forms.Field] = {
        f"c{n}-country": AnyChoiceField(
            label=gettext("Country, row %(n)s") % {"n": n + 1},
            required=False,
            choices=country_choices,
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        )
    }
    for name, label in country_labels(instrument).items():
        out[f"c{n}-{name}"] = forms.CharField(
            label=gettext("%(field)s, row %(n)s") % {"field": label, "n": n + 1},
            required=False,
            widget=number_input("decimal", **{"class": "form-control form-control-sm"}),
        )
    return out


def initial_values(instrument: Instrument, m: Measurement | None, plan_currency: str) -> dict[str, Any]:
    """What the inputs show for a saved answer; a figure computed from the countries shows blank
    (its value is the input's hint) so that saving again computes it again."""
    kind = kind_of(instrument)
    initial: dict[str, Any] = {"currency": plan_currency} if kind == "money" else {}
    if m is None:
        return initial
    derived = set(m.derived or [])
    for name in ("text", "note", "unit"):
        initial[name] = getattr(m, name)
    for name in ("women", "men", "other", "value", "numerator", "denominator"):
        initial[name] = "" if name in derived else number_text(getattr(m, name))
    if kind == "money":
        initial["currency"] = m.currency or plan_currency
        initial["marker"] = "" if m.marker is None else str(m.marker)
        initial["channel"] = m.channel
    if kind == "yes-no":
        initial["yes"] = {True: "yes", False: "no"}.get(m.yes, "")
    for n, row in enumerate(m.countries.all()):
        initial[f"c{n}-country"] = row.country
        for name in COUNTRY_FIELDS.get(kind, ()):
            initial[f"c{n}-{name}"] = number_text(getattr(row, name))
    return initial


def derived_hints(instrument: Instrument, m: Measurement | None) -> dict[str, str]:
    """For each figure of the saved answer computed rather than typed, what it was computed to."""
    if m is None:
        return {}
    hints = {}
    for name in m.derived or []:
        value = getattr(m, name, None)
        if value is None:
            continue
        if name == "value" and kind_of(instrument) == "share":
            hints[name] = gettext("Computed from the numerator and the denominator: %(n)s %%.") % {
                "n": grouped(value.quantize(Decimal("0.01")))
            }
        else:
            hints[name] = gettext("Computed from the countries: %(n)s.") % {"n": grouped(value)}
    return hints


@dataclass
class Breakdown:
    """The rows by country one instrument shows: how many, and which of them the service was given
    (its n-th row is the page's rows_sent[n])."""

    instrument: Instrument
    rows: int
    figures: list[str]
    rows_sent: list[int] = field(default_factory=list)


def rows_wanted(instrument_id: int, data: Any, saved_rows: int, *, bound: bool) -> int:
    """The rows to show: the saved ones and a few blank ones; on a post, as many as the page had
    (or as any input sent names), more when the person asked for more."""
    if not bound:
        return min(saved_rows + BLANK_ROWS, MAX_ROWS)
    prefix = f"m-{instrument_id}-c"
    highest = -1
    for key in data:
        if key.startswith(prefix):
            head = key[len(prefix) :].split("-", 1)[0]
            if head.isdigit():
                highest = max(highest, int(head))
    try:
        shown = int(data.get(f"m-{instrument_id}-rows") or 0)
    except (TypeError, ValueError):
        shown = 0
    n = max(shown, highest + 1, BLANK_ROWS)
    if data.get("more_rows") == str(instrument_id):
        n += BLANK_ROWS
    return min(n, MAX_ROWS)


def countries_payload(breakdown: Breakdown, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows to send the service from the page's inputs (`values` by c<n>-<field>): a row left
    wholly blank is no row."""
    rows: list[dict[str, Any]] = []
    breakdown.rows_sent = []
    for n in range(breakdown.rows):
        row = {"country": (values.get(f"c{n}-country") or "").strip()}
        for name in breakdown.figures:
            row[name] = values.get(f"c{n}-{name}") or ""
        if all(v == "" for v in row.values()):
            continue
        rows.append(row)
        breakdown.rows_sent.append(n)
    return rows


def typed_rows(rows: Iterable[dict[str, Any]]) -> str:
    """Rows by country in one line, for a conflict or the entries that could not be saved."""
    from django_countries import countries as all_countries

    parts = []
    for row in rows:
        figures = ", ".join(f"{k} {number_text(v)}" for k, v in row.items() if k != "country" and v not in (None, ""))
        parts.append(f"{all_countries.name(row.get('country') or '') or row.get('country')}: {figures}")
    return "; ".join(parts)
