"""The forms of the coordinator's amendment screens (plans/views_amendments.py): each turns what
the coordinator typed into the change dicts plans/amendments.py takes, only what changed.

Every form ends with the amendment itself: the day it takes effect, its reason and what it
answers (the recommendations and findings other apps register with `amendments.basis_register`).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.plans.amendments import basis_choices
from naptrack.plans.instruments import UNIT_MAX
from naptrack.plans.interchange import SOURCE
from naptrack.plans.models import Action, Department, Goal, Instrument, Plan

MAX_FILE = 5 * 1024 * 1024
INSTRUMENT_FIELDS = ("text", "kind", "unit", "by_sex")


def _styled(form: forms.Form) -> None:
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
        if field.help_text:
            widget.attrs["aria-describedby"] = f"id_{name}_helptext"


class AmendmentForm(forms.Form):
    """The amendment's date, reason and basis, which every screen asks for last."""

    effective_from = forms.DateField(
        label=gettext_lazy("In force from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy(
            "The day the amendment takes effect (YYYY-MM-DD), as it says; rounds opened once it is recorded follow it."
        ),
        error_messages={"invalid": gettext_lazy("Give a date as YYYY-MM-DD.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept with the new version of the plan and shown in its change log."),
        error_messages={"required": gettext_lazy("Say why the plan is amended.")},
    )
    basis = forms.ChoiceField(
        label=gettext_lazy("What the amendment answers"),
        required=False,
        help_text=gettext_lazy(
            "A consultation's recommendation or an evaluation's finding, if the change answers one."
        ),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("effective_from", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.plan = plan
        offered = basis_choices(plan)
        self._bases = {key: obj for key, _words, obj in offered}
        choices = [(key, words) for key, words, _obj in offered]
        self.fields["basis"].choices = [("", _("nothing in particular")), *choices]
        # The header fields come last, whatever a subclass declares.
        for name in ("effective_from", "reason", "basis"):
            self.fields[name] = self.fields.pop(name)
        _styled(self)

    def header(self) -> dict[str, Any]:
        """The keyword arguments of plan_amend the header gives."""
        data = self.cleaned_data
        return {
            "effective_from": data["effective_from"],
            "reason": data["reason"],
            "basis": self._bases.get(data.get("basis") or ""),
        }


def _department_choices(departments: list[Department]) -> list[tuple[str, str]]:
    return [(d.code, d.name) for d in departments]


class LineForm(AmendmentForm):
    """One line as it stands: its text, departments and instruments in force, and a row for a new
    instrument. `changes()` compares what was posted with the line."""

    text = forms.CharField(label=gettext_lazy("Text of the line (English)"), widget=forms.Textarea(attrs={"rows": 3}))
    departments = forms.MultipleChoiceField(
        label=gettext_lazy("Responsible departments"), required=False, widget=forms.CheckboxSelectMultiple
    )
    coordinator = forms.ChoiceField(label=gettext_lazy("Coordinating department"), required=False)
    retire = forms.BooleanField(
        label=gettext_lazy("Retire this line"),
        required=False,
        help_text=gettext_lazy("Rounds opened from the amendment's date no longer ask for it; past rounds keep it."),
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args: Any,
        plan: Plan,
        action: Action,
        instruments: list[Instrument],
        departments: list[Department],
        version: int,
        **kwargs: Any,
    ):
        responsible = list(action.responsibilities.all())
        kwargs["initial"] = {
            "text": getattr(action, f"text_{SOURCE}"),
            "departments": [r.department.code for r in responsible],
            "coordinator": next((r.department.code for r in responsible if r.is_coordinator), ""),
            "seen": version,
        }
        for n, instrument in enumerate(instruments, start=1):
            kwargs["initial"].update(
                {
                    f"i{n}-text": getattr(instrument, f"text_{SOURCE}"),
                    f"i{n}-kind": instrument.kind,
                    f"i{n}-unit": getattr(instrument, f"unit_{SOURCE}"),
                    f"i{n}-by_sex": instrument.by_sex,
                }
            )
        self.action, self.instruments, self.version = action, instruments, version
        self.responsible = kwargs["initial"]["departments"]
        self.coordinating = kwargs["initial"]["coordinator"] or None
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["departments"].choices = _department_choices(departments)
        self.fields["coordinator"].choices = [("", _("none")), *_department_choices(departments)]
        for n in range(1, len(instruments) + 1):
            self._instrument_fields(f"i{n}", n)
            self.fields[f"i{n}-retire"] = forms.BooleanField(
                label=_("Retire instrument %(n)s") % {"n": n}, required=False
            )
        self._instrument_fields("new", None)
        for name in ("effective_from", "reason", "basis"):
            self.fields[name] = self.fields.pop(name)
        _styled(self)

    def _instrument_fields(self, prefix: str, n: int | None) -> None:
        which = _("Instrument %(n)s") % {"n": n} if n else _("New instrument")
        self.fields[f"{prefix}-text"] = forms.CharField(
            label=_("%(which)s: text (English)") % {"which": which},
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
        # A new row posted without its kind asks for text, as a plan file's instrument does.
        self.fields[f"{prefix}-kind"] = forms.ChoiceField(
            label=_("%(which)s: kind of answer") % {"which": which},
            choices=Instrument.Kind.choices,
            initial=Instrument.Kind.QUALITATIVE,
            required=n is not None,
        )
        self.fields[f"{prefix}-unit"] = forms.CharField(
            label=_("%(which)s: unit") % {"which": which}, required=False, max_length=UNIT_MAX
        )
        self.fields[f"{prefix}-by_sex"] = forms.BooleanField(
            label=_("%(which)s: counted by sex") % {"which": which}, required=False
        )

    def instrument_rows(self) -> list[tuple[int, Instrument, list[forms.BoundField]]]:
        return [
            (n, instrument, [self[f"i{n}-{name}"] for name in (*INSTRUMENT_FIELDS, "retire")])
            for n, instrument in enumerate(self.instruments, start=1)
        ]

    def new_row(self) -> list[forms.BoundField]:
        return [self[f"new-{name}"] for name in INSTRUMENT_FIELDS]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("seen") is not None and data["seen"] != self.version:
            raise forms.ValidationError(
                _("The plan was amended meanwhile: open the line again to see it as it is now, then make your changes.")
            )
        coordinator = data.get("coordinator")
        if coordinator and coordinator not in data.get("departments", []):
            self.add_error("coordinator", _("The coordinating department must be one of the responsible departments."))
        for n in range(1, len(self.instruments) + 1):
            if not data.get(f"i{n}-retire") and not (data.get(f"i{n}-text") or "").strip():
                self.add_error(f"i{n}-text", _("Give the instrument's text, or retire the instrument."))
        if not (data.get("new-text") or "").strip() and (data.get("new-unit") or data.get("new-by_sex")):
            self.add_error("new-text", _("Give the new instrument's text, or leave its row empty."))
        if data.get("retire") and self._edits(data):
            self.add_error(
                "retire",
                _("A retired line keeps its text, departments and instruments: undo the other changes to retire it."),
            )
        return data

    def _edits(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """The changes other than retiring the line."""
        code = self.action.code
        changes: list[dict[str, Any]] = []
        text = (data.get("text") or "").strip()
        if text and text != (self.initial["text"] or "").strip():
            changes.append({"op": "line-text", "line": code, "text": text})
        chosen = data.get("departments") or []
        for department in chosen:
            if department not in self.responsible:
                changes.append({"op": "department-added", "line": code, "department": department})
        removed = [d for d in self.responsible if d not in chosen]
        for department in removed:
            changes.append({"op": "department-removed", "line": code, "department": department})
        coordinator = data.get("coordinator") or None
        # Removing the coordinating department ends its coordination already.
        if coordinator != self.coordinating and not (coordinator is None and self.coordinating in removed):
            changes.append({"op": "coordinator", "line": code, "department": coordinator})
        for n, instrument in enumerate(self.instruments, start=1):
            changes += self._instrument_changes(data, n, instrument)
        new_text = (data.get("new-text") or "").strip()
        if new_text:
            changes.append(
                {
                    "op": "instrument-added",
                    "line": code,
                    "text": new_text,
                    "kind": data.get("new-kind") or Instrument.Kind.QUALITATIVE,
                    "unit": (data.get("new-unit") or "").strip(),
                    "by_sex": bool(data.get("new-by_sex")),
                }
            )
        return changes

    def _instrument_changes(self, data: dict[str, Any], n: int, instrument: Instrument) -> list[dict[str, Any]]:
        code = self.action.code
        if data.get(f"i{n}-retire"):
            return [{"op": "instrument-retired", "line": code, "instrument": n}]
        changes: list[dict[str, Any]] = []
        text = (data.get(f"i{n}-text") or "").strip()
        if text and text != (self.initial[f"i{n}-text"] or "").strip():
            changes.append({"op": "instrument-text", "line": code, "instrument": n, "text": text})
        kind, by_sex = data.get(f"i{n}-kind"), bool(data.get(f"i{n}-by_sex"))
        unit = (data.get(f"i{n}-unit") or "").strip()
        if (kind, unit, by_sex) != (instrument.kind, (self.initial[f"i{n}-unit"] or "").strip(), instrument.by_sex):
            changes.append(
                {"op": "instrument-kind", "line": code, "instrument": n, "kind": kind, "unit": unit, "by_sex": by_sex}
            )
        return changes

    def changes(self) -> list[dict[str, Any]]:
        if self.cleaned_data.get("retire"):
            return [{"op": "line-retired", "line": self.action.code}]
        return self._edits(self.cleaned_data)


class NewLineForm(AmendmentForm):
    goal = forms.TypedChoiceField(label=gettext_lazy("Goal"), coerce=int)
    code = forms.CharField(
        label=gettext_lazy("Code of the line"),
        max_length=20,
        help_text=gettext_lazy("As the plan numbers its lines, e.g. 37.b."),
    )
    text = forms.CharField(label=gettext_lazy("Text of the line (English)"), widget=forms.Textarea(attrs={"rows": 3}))
    departments = forms.MultipleChoiceField(
        label=gettext_lazy("Responsible departments"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one responsible department.")},
    )
    coordinator = forms.ChoiceField(label=gettext_lazy("Coordinating department"), required=False)
    instrument_text = forms.CharField(
        label=gettext_lazy("First monitoring instrument (English)"), widget=forms.Textarea(attrs={"rows": 2})
    )
    instrument_kind = forms.ChoiceField(
        label=gettext_lazy("Its kind of answer"), choices=Instrument.Kind.choices, initial=Instrument.Kind.QUALITATIVE
    )
    instrument_unit = forms.CharField(label=gettext_lazy("Its unit"), required=False, max_length=UNIT_MAX)
    instrument_by_sex = forms.BooleanField(label=gettext_lazy("Counted by sex"), required=False)

    def __init__(self, *args: Any, plan: Plan, goals: list[Goal], departments: list[Department], **kwargs: Any):
        super().__init__(*args, plan=plan, **kwargs)
        self.fields["goal"].choices = [
            (g.number, _("Goal %(number)s: %(text)s") % {"number": g.number, "text": _short(g.text)}) for g in goals
        ]
        self.fields["departments"].choices = _department_choices(departments)
        self.fields["coordinator"].choices = [("", _("none")), *_department_choices(departments)]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-]*", code):
            raise forms.ValidationError(_("Use digits, letters, dots and hyphens, e.g. 37.b."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        coordinator = data.get("coordinator")
        if coordinator and coordinator not in data.get("departments", []):
            self.add_error("coordinator", _("The coordinating department must be one of the responsible departments."))
        return data

    def changes(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "op": "line-added",
                "line": data["code"],
                "goal": data["goal"],
                "text": data["text"].strip(),
                "instruments": [
                    {
                        "text": data["instrument_text"].strip(),
                        "kind": data["instrument_kind"],
                        "unit": data["instrument_unit"].strip(),
                        "by_sex": data["instrument_by_sex"],
                    }
                ],
                "departments": list(data["departments"]),
                "coordinator": data.get("coordinator") or None,
            }
        ]


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


class FocusCountriesForm(AmendmentForm):
    countries = forms.CharField(
        label=gettext_lazy("Focus countries"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Two-letter codes separated by commas, e.g. AF,CD,ML. Empty: no focus country."),
    )

    def __init__(self, *args: Any, plan: Plan, **kwargs: Any):
        kwargs.setdefault("initial", {})["countries"] = ", ".join(plan.focus_countries)
        super().__init__(*args, plan=plan, **kwargs)

    def clean_countries(self) -> list[str]:
        codes = [c.strip().upper() for c in self.cleaned_data["countries"].split(",") if c.strip()]
        if any(not re.fullmatch(r"[A-Z]{2}", c) for c in codes):
            raise forms.ValidationError(_("Give two-letter country codes separated by commas, e.g. AF,CD,ML."))
        return list(dict.fromkeys(codes))

    def changes(self) -> list[dict[str, Any]]:
        countries = self.cleaned_data["countries"]
        if countries == list(self.plan.focus_countries):
            return []
        return [{"op": "focus-countries", "countries": countries}]


class PlanFileForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Changed plan file"),
        help_text=gettext_lazy(
            "A naptrack-plan/1 JSON file of this plan, as 'Download the plan: JSON' gives it, changed where the "
            "plan changes. At most 5 MB."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["document"].widget.attrs["accept"] = ".json,application/json"
        _styled(self)

    def clean_document(self) -> Any:
        document = self.cleaned_data["document"]
        if document.size > MAX_FILE:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return document
