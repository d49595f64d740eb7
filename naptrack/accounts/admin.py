from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from naptrack.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "first_name", "last_name", "department", "is_active"]
    list_filter = ["groups", "department", "is_active"]
    list_select_related = ["department"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("naptrack"), {"fields": ("department",)}))
