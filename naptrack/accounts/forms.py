"""Forms of the account screens. They only parse and display: the rules (which roles need a
department, who may be deactivated) live in the services, whose ValidationError is put back on
the form's fields (`add_service_errors`)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from naptrack.accounts.models import User
from naptrack.accounts.queries import STATUSES
from naptrack.core.roles import Role
from naptrack.plans.models import Department, Plan


class Bootstrap:
    """Bootstrap's classes on every widget, so that templates render fields one way."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs.setdefault("class", css)


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: {field: [messages]} onto the matching field
    (the services call the department `department`, as the forms do), the rest onto the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


def _departments() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.order_by("code"),
        to_field_name="code",
        required=False,
        help_text=_("Required for focal points: the department (or unit) they report for."),
    )


def _plans() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("Plan evaluated"),
        queryset=Plan.objects.order_by("slug"),
        to_field_name="slug",
        required=False,
        help_text=_("Required for evaluators, and only for them: the one plan they read and evaluate."),
    )


class PeopleFilterForm(Bootstrap, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("All roles")), *Role.choices], required=False)
    # A code to type rather than a list of every department: an installation serving many
    # countries has a thousand of them, and the page would grow with the list.
    department = forms.CharField(
        label=_("Department code"), max_length=100, required=False, help_text=_("Empty: all departments.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=[("", _("All")), *STATUSES], required=False)

    def clean_department(self) -> Department | None:
        code = self.cleaned_data["department"].strip()
        if not code:
            return None
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise forms.ValidationError(_("No department has this code."))
        return department


# Civil-society members are invited from their organisation's page, as its members.
STAFF_ROLES = [(value, label) for value, label in Role.choices if value != Role.CIVIL_SOCIETY]


class RoleForm(Bootstrap, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=STAFF_ROLES)
    department = _departments()
    plan = _plans()


class InviteForm(RoleForm):
    email = forms.EmailField(label=_("E-mail address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        required=False,
        help_text=_("What the person logs in with. Leave it empty to use the e-mail address."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[(code, name) for code, name in settings.LANGUAGES if code in settings.UI_LANGUAGES],
        help_text=_("The language of the invitation and of later e-mails."),
    )

    field_order = ["email", "first_name", "last_name", "username", "role", "department", "plan", "language"]


class SetPasswordForm(Bootstrap, auth_forms.SetPasswordForm):
    """Choosing a password: on an invitation's page and through a reset link."""

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs["autocomplete"] = "new-password"


class PasswordChangeForm(Bootstrap, auth_forms.PasswordChangeForm):
    pass


class PasswordResetForm(Bootstrap, auth_forms.PasswordResetForm):
    pass
