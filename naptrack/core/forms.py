"""What every form screen shares."""

from __future__ import annotations

from django import forms


def mark_errors(form: forms.Form) -> None:
    """Tie each field to its error for screen readers: the field says it is invalid and points
    to its help text (when it has one) and its error message."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            helps = f"id_{name}_helptext " if form.fields[name].help_text else ""
            attrs["aria-describedby"] = f"{helps}id_{name}_error"
