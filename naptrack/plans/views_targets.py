"""The coordinator's screens for the plan's targets: every instrument with its baseline, milestones
and target (or a link to add one), a form per instrument, and removing a target
(naptrack/plans/targets.py does the checking and the saving)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.forms import mark_errors
from naptrack.plans.instruments import rounds_opened
from naptrack.plans.models import Action, Instrument, Plan, Target
from naptrack.plans.targets import is_textual, plain, target_remove, target_set
from naptrack.plans.views_instruments import read_or_change

HUNDRED = Decimal(100)
BLANK_ROWS = 3


class TargetForm(forms.Form):
    baseline_year = forms.IntegerField(label=gettext_lazy("Baseline year"), required=False)
    baseline_value = forms.DecimalField(label=gettext_lazy("Baseline value"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Target year"))
    value = forms.DecimalField(label=gettext_lazy("Target value"), required=False)
    text = forms.CharField(label=gettext_lazy("Target"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    direction = forms.ChoiceField(
        label=gettext_lazy("Progress is"), choices=Target.Direction.choices, widget=forms.RadioSelect
    )
    source = forms.ChoiceField(label=gettext_lazy("Source of the target"), choices=Target.Source.choices)
    effective_from = forms.DateField(
        label=gettext_lazy("In force from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, instrument: Instrument, amendment: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if is_textual(instrument):
            for name in ("baseline_year", "baseline_value", "value", "direction"):
                del self.fields[name]
            self.fields["text"].help_text = gettext_lazy("What the plan should have achieved by the target year.")
        else:
            del self.fields["text"]
            if instrument.by_sex:
                self.fields["value"].label = gettext_lazy("Target share of women (%)")
                self.fields["baseline_value"].label = gettext_lazy("Baseline share of women (%)")
                self.fields["value"].help_text = gettext_lazy("A percentage, e.g. 30 for 30 % women.")
        if amendment:
            self.fields["reason"].help_text = gettext_lazy(
                "Required: rounds have already been opened under this plan. Kept in the target's history."
            )
            self.fields["effective_from"].help_text = gettext_lazy("Today unless you give another day.")
        else:
            del self.fields["reason"]
            del self.fields["effective_from"]
        for name, field in self.fields.items():
            if name != "direction":
                field.widget.attrs.update({"class": "form-select" if name == "source" else "form-control"})
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"


class MilestoneForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), required=False)
    value = forms.DecimalField(label=gettext_lazy("Value"), required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=BLANK_ROWS)


def _require(request: HttpRequest) -> None:
    # The rule itself, not user.has_perm: that would also admit Django's model permission.
    if not rules.has_perm("plans.change_target", request.user):
        raise PermissionDenied(_("Only a coordinator can set the plan's targets."))


def _shown(value: Decimal | None, by_sex: bool) -> Decimal | None:
    """A figure as the form shows it: a share of women as a percentage."""
    if value is None:
        return None
    return plain(value * HUNDRED if by_sex else value)


def _stored(value: Decimal | None) -> Decimal | None:
    """A percentage typed for a share of women, as the target holds it (0 to 1)."""
    return None if value is None else value / HUNDRED


@login_required
def target_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    can_change = read_or_change(request, plan, "plans.change_target")
    instruments = Instrument.objects.select_related("target").prefetch_related("target__milestones")
    actions = Action.objects.filter(plan=plan).in_plan_order().prefetch_related(Prefetch("instruments", instruments))
    rows = [_row(action, instrument) for action in actions for instrument in action.instruments.all()]
    opened = plan.rounds.exclude(opened_at=None).exists()
    return render(
        request, "plans/targets/list.html", {"plan": plan, "rows": rows, "opened": opened, "can_change": can_change}
    )


def _row(action: Action, instrument: Instrument) -> dict[str, Any]:
    """What the list shows of an instrument: figures as the form takes them (percentages of women)."""
    target = getattr(instrument, "target", None)
    row: dict[str, Any] = {"action": action, "instrument": instrument, "target": target}
    if target is not None:
        by_sex = instrument.by_sex
        row["baseline"] = _shown(target.baseline_value, by_sex)
        row["value"] = _shown(target.value, by_sex)
        row["milestones"] = [(m.year, _shown(m.value, by_sex)) for m in target.milestones.all()]
    return row


def _target_of(instrument: Instrument) -> Target | None:
    return Target.objects.filter(instrument=instrument).prefetch_related("milestones").first()


def _initial(instrument: Instrument, target: Target | None, amendment: bool) -> tuple[dict, list[dict]]:
    if target is None:
        source = Target.Source.AMENDMENT if amendment else Target.Source.PLAN
        return {"direction": Target.Direction.UP, "source": source}, []
    by_sex = instrument.by_sex
    initial = {
        "baseline_year": target.baseline_year,
        "baseline_value": _shown(target.baseline_value, by_sex),
        "year": target.year,
        "value": _shown(target.value, by_sex),
        "text": target.text,
        "direction": target.direction,
        "source": Target.Source.AMENDMENT if amendment else target.source,
    }
    return initial, [{"year": m.year, "value": _shown(m.value, by_sex)} for m in target.milestones.all()]


@login_required
def target_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request)
    instrument = get_object_or_404(Instrument.objects.select_related("action__plan"), pk=pk, action__plan__slug=slug)
    plan = instrument.action.plan
    amendment = rounds_opened(instrument)
    target = _target_of(instrument)
    initial, milestones = _initial(instrument, target, amendment)
    data = request.POST if request.method == "POST" else None
    form = TargetForm(data, initial=initial, instrument=instrument, amendment=amendment)
    textual = is_textual(instrument)
    # A text target has no milestones: no rows to post.
    rows = MilestoneFormSet(None if textual else data, initial=milestones, prefix="milestones")
    posted = request.method == "POST" and form.is_valid() and (textual or rows.is_valid())
    if posted and _save(request, instrument, form, rows):
        return redirect(f"{reverse('plan-target-list', args=[plan.slug])}#instrument-{instrument.pk}")
    mark_errors(form)
    context = {
        "plan": plan,
        "instrument": instrument,
        "target": target,
        "form": form,
        "rows": rows,
        "amendment": amendment,
        "textual": textual,
    }
    failed = request.method == "POST" and (form.errors or (not textual and rows.total_error_count()))
    return render(request, "plans/targets/edit.html", context, status=400 if failed else 200)


def _save(request: HttpRequest, instrument: Instrument, form: TargetForm, rows: Any) -> bool:
    by_sex = instrument.by_sex
    data = form.cleaned_data
    kept = [] if is_textual(instrument) else [(n, row.cleaned_data) for n, row in enumerate(rows) if row.cleaned_data]
    kept = [(n, d) for n, d in kept if d.get("year") is not None or d.get("value") is not None]
    values = {name: data.get(name) for name in ("baseline_value", "value")}
    if by_sex:
        values = {name: _stored(v) for name, v in values.items()}
    try:
        target_set(
            actor=request.user,
            instrument=instrument,
            year=data["year"],
            text=data.get("text", ""),
            baseline_year=data.get("baseline_year"),
            milestones=[(d.get("year"), _stored(d.get("value")) if by_sex else d.get("value")) for _n, d in kept],
            direction=data.get("direction", Target.Direction.UP),
            source=data["source"],
            reason=data.get("reason", ""),
            effective_from=data.get("effective_from"),
            **values,
        )
    except ValidationError as exc:
        for key, errors in exc.message_dict.items():
            if key.startswith("milestones."):
                _n, position, field = key.split(".")
                row = rows.forms[kept[int(position)][0]]
                row.add_error(field, errors)
            elif key in form.fields:
                form.add_error(key, errors)
            else:
                form.add_error(None, errors)
        return False
    messages.success(
        request,
        _("Line %(code)s, instrument %(position)s: the target is saved.")
        % {"code": instrument.action.code, "position": instrument.position},
    )
    return True


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for removing the target"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )


@login_required
def target_remove_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request)
    instrument = get_object_or_404(Instrument.objects.select_related("action__plan"), pk=pk, action__plan__slug=slug)
    plan = instrument.action.plan
    target = get_object_or_404(Target.objects.prefetch_related("milestones"), instrument=instrument)
    amendment = rounds_opened(instrument)
    form = RemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            target_remove(actor=request.user, instrument=instrument, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error("reason", exc.message_dict.get("reason", exc.messages))
        else:
            messages.success(
                request,
                _("Line %(code)s, instrument %(position)s: the target is removed.")
                % {"code": instrument.action.code, "position": instrument.position},
            )
            return redirect(f"{reverse('plan-target-list', args=[plan.slug])}#instrument-{instrument.pk}")
    mark_errors(form)
    context = {"plan": plan, "instrument": instrument, "target": target, "form": form, "amendment": amendment}
    return render(request, "plans/targets/remove.html", context, status=400 if form.errors else 200)
