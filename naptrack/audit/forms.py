"""The audit screen's filters: who, what, when, which object. Read from the query string, so that a
filtered list (and its CSV) has an address one can bookmark or send."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from naptrack.audit.links import action_label, type_label
from naptrack.audit.models import AuditEvent


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight of that day in the site's time zone: a coordinator in Brussels who asks for the
    events of 3 March means Brussels' 3 March, not UTC's."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


class EventFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=150,
        help_text=_("A username or part of one; the command line acts as cli:<login>."),
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    until = forms.DateField(
        label=_("To (inclusive)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    target_type = forms.ChoiceField(label=_("Type of object"), required=False)
    target_id = forms.CharField(label=_("Object id"), required=False, max_length=64)
    target = forms.CharField(
        label=_("Object name contains"),
        required=False,
        max_length=300,
        help_text=_("Part of the object's name as it was at the time, e.g. a line's code or a department."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        present_actions, present_types = AuditEvent.objects.kinds()
        actions = sorted(((a, action_label(a)) for a in present_actions), key=lambda c: c[1])
        types = sorted(((t, type_label(t)) for t in present_types), key=lambda c: c[1])
        self.fields["action"].choices = [("", _("Any action")), *actions]
        self.fields["target_type"].choices = [("", _("Any type")), *types]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", css)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def _valid(self) -> dict[str, Any]:
        # Filters that are valid still apply when another one is not: the page shows the error
        # next to its field and a list that is as close as it can be to what was asked.
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}

    def filters(self) -> dict[str, Any]:
        """The keyword arguments of AuditEventQuerySet.matching."""
        data = self._valid()
        return {
            "actor": data.get("actor", "").strip(),
            "action": data.get("action", ""),
            "since": _day_start(data["since"]) if "since" in data else None,
            "before": _day_start(data["until"] + dt.timedelta(days=1)) if "until" in data else None,
            "target_type": data.get("target_type", ""),
            "target_id": data.get("target_id", "").strip(),
            "target_text": data.get("target", "").strip(),
        }

    def query_string(self) -> str:
        """The valid filters as a query string, for the pages' links and the CSV."""
        data = self._valid()
        return urlencode({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()})
