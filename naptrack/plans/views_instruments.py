"""The coordinator's screens for the kinds of answer: every instrument of a plan with the kind of
answer it asks for, and a form per instrument to change it (naptrack/plans/instruments.py)."""

from __future__ import annotations

from dataclasses import dataclass

import rules
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from naptrack.core.forms import mark_errors
from naptrack.core.roles import evaluates, is_evaluator
from naptrack.plans.instruments import UNIT_MAX, instrument_kind_set, rounds_opened
from naptrack.plans.interchange import SOURCE
from naptrack.plans.models import Action, Instrument, Plan


class InstrumentKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of answer"),
        choices=Instrument.Kind.choices,
        help_text=gettext_lazy(
            "Text only; a number with its unit; a count (a whole number of the unit); an amount of money; "
            "a share (a percentage); or yes or no. Every kind may also carry text."
        ),
    )
    by_sex = forms.BooleanField(
        label=gettext_lazy("Counted by sex"),
        required=False,
        help_text=gettext_lazy("Women, men and other counted apart: only for the kind “number”."),
    )
    unit = forms.CharField(
        label=gettext_lazy("Unit (in English)"),
        required=False,
        max_length=UNIT_MAX,
        help_text=gettext_lazy("What is counted or measured, e.g. trainings or people trained."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the audit trail with the change."),
    )

    def __init__(self, *args, amendment: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if amendment:
            self.fields["reason"].help_text = gettext_lazy(
                "Required: rounds have already been opened under this plan. Kept in the audit trail with the change."
            )
        for name, field in self.fields.items():
            css = "form-check-input" if name == "by_sex" else ("form-select" if name == "kind" else "form-control")
            field.widget.attrs.update({"class": css, "aria-describedby": f"id_{name}_helptext"})


def _require(request: HttpRequest) -> None:
    # The rule itself, not user.has_perm: that would also admit anyone given Django's model
    # permission of the same name in the admin.
    if not rules.has_perm("plans.change_instrument", request.user):
        raise PermissionDenied(_("Only a coordinator can change what an instrument asks for."))


def read_or_change(request: HttpRequest, plan: Plan, change_perm: str) -> bool:
    """Whether the person may change what the plan's internal screen shows (the coordinator); if
    not, that they may read it (the plan's evaluator), else PermissionDenied. Another plan's
    evaluator gets 404: whether it exists is none of their business."""
    user = request.user
    if rules.has_perm(change_perm, user):
        return True
    if is_evaluator(user) and not evaluates(user, plan.pk):
        raise Http404
    if not rules.has_perm("plans.view_internals", user, plan):
        raise PermissionDenied(_("You may not do this."))
    return False


@login_required
def instrument_list(request: HttpRequest, slug: str) -> HttpResponse:
    plan = get_object_or_404(Plan, slug=slug)
    can_change = read_or_change(request, plan, "plans.change_instrument")
    actions = Action.objects.filter(plan=plan).in_plan_order().with_instruments()
    opened = plan.rounds.exclude(opened_at=None).exists()
    # Each row's link and its words made here: a {% url %} and a {% blocktranslate %} in the
    # template's loop were half of the page's time for a plan's hundred and twenty instruments.
    rows = [
        InstrumentRow(
            action.code,
            instrument,
            reverse("plan-instrument-edit", args=[plan.slug, instrument.pk]) if can_change else "",
            _("line %(code)s, instrument %(position)s") % {"code": action.code, "position": instrument.position},
        )
        for action in actions
        for instrument in action.tree_instruments
    ]
    return render(
        request,
        "plans/instruments/list.html",
        {"plan": plan, "rows": rows, "opened": opened, "can_change": can_change},
    )


@dataclass(frozen=True)
class InstrumentRow:
    code: str
    instrument: Instrument
    edit_url: str
    edit_label: str


@login_required
def instrument_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    _require(request)
    # Only an instrument in force has a kind to change: a retired one keeps the question it asked.
    instrument = get_object_or_404(
        Instrument.objects.select_related("action__plan"),
        pk=pk,
        action__plan__slug=slug,
        retired_in__isnull=True,
        action__retired_in__isnull=True,
    )
    plan = instrument.action.plan
    amendment = rounds_opened(instrument)
    initial = {"kind": instrument.kind, "by_sex": instrument.by_sex, "unit": getattr(instrument, f"unit_{SOURCE}")}
    form = InstrumentKindForm(request.POST or None, initial=initial, amendment=amendment)
    if request.method == "POST" and form.is_valid():
        try:
            changed = instrument_kind_set(actor=request.user, instrument=instrument, **form.cleaned_data)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:  # an amendment's refusals, each in words
                form.add_error(None, exc.messages)
        else:
            if changed:
                messages.success(
                    request,
                    _("Line %(code)s, instrument %(position)s: the kind of answer is saved.")
                    % {"code": instrument.action.code, "position": instrument.position},
                )
            else:
                messages.info(request, _("Nothing changed."))
            return redirect(f"{reverse('plan-instruments', args=[plan.slug])}#instrument-{instrument.pk}")
    mark_errors(form)
    return render(
        request,
        "plans/instruments/edit.html",
        {"plan": plan, "instrument": instrument, "form": form, "amendment": amendment},
        status=400 if form.errors else 200,
    )
