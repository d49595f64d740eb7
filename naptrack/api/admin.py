from django.contrib import admin
from django.http import HttpRequest

from naptrack.api.models import ApiToken
from naptrack.api.services import token_revoke
from naptrack.core.roles import is_coordinator


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens can be seen and revoked here by coordinators, never created or read: only their
    hash is stored."""

    list_display = ["user", "created", "last_used", "expires"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    readonly_fields = ["user", "created", "last_used", "expires"]
    fields = ["user", "created", "last_used", "expires"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_coordinator(request.user)

    def has_view_permission(self, request: HttpRequest, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return request.user.has_perm("api.revoke_token")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: ApiToken) -> None:
        token_revoke(actor=request.user, token=obj)

    def delete_queryset(self, request: HttpRequest, queryset) -> None:
        for token in queryset.select_related("user"):
            token_revoke(actor=request.user, token=token)
