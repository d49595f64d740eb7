from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.utils.translation import gettext_lazy as _

from naptrack.accounts import changes
from naptrack.accounts.models import Invitation, User


class PasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> User:
        user = super().save(commit)
        changes.account_changed(user, what=changes.PASSWORD)
        return user


class InvitationInline(admin.TabularInline):
    model = Invitation
    fk_name = "user"
    fields = readonly_fields = ["created", "expires", "accepted", "invited_by"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """For administrators (superusers); coordinators manage people on /accounts/people/. A
    password, role, department, evaluated plan or activity changed here revokes the person's API tokens too, as
    the account services do (accounts/changes.py)."""

    list_display = ["username", "email", "first_name", "last_name", "department", "is_active"]
    list_filter = ["groups", "department", "is_active"]
    list_select_related = ["department"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("naptrack"), {"fields": ("department", "plan", "language")}))
    change_password_form = PasswordChangeForm
    inlines = [InvitationInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # After the groups are saved, so that the followers see the new role.
        if change and {"groups", "department", "plan", "is_active"} & set(form.changed_data):
            what = changes.DEACTIVATED if "is_active" in form.changed_data else changes.ROLE
            changes.account_changed(form.instance, what=what)
