"""Civil society's records in the admin, for coordinators: read only (every write goes through the
services, which keep history and audit), with a person's data exported or erased from a listing
or an organisation's member, as the screens and `naptrack org person-export|person-erase` do."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Event, Expert, Member, Organisation
from naptrack.core.roles import is_coordinator


class ReadOnly(SimpleHistoryAdmin):
    def has_module_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _emails(queryset) -> list[str]:
    model = queryset.model
    if model is Member:
        return sorted({m.user.email for m in queryset.select_related("user") if m.user.email})
    return sorted({e.email or (e.user.email if e.user_id else "") for e in queryset.select_related("user")} - {""})


@admin.action(description=gettext_lazy("Export these people's data (JSON)"))
def export_people(modeladmin, request, queryset) -> HttpResponse:
    data = [services.person_export(actor=request.user, email=email) for email in _emails(queryset)]
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    response["Content-Disposition"] = 'attachment; filename="people.json"'
    return response


@admin.action(description=gettext_lazy("Erase these people from civil society's records"))
def erase_people(modeladmin, request, queryset) -> None:
    for email in _emails(queryset):
        try:
            services.person_erase(actor=request.user, email=email)
        except ValidationError as refused:
            modeladmin.message_user(request, " ".join(refused.messages), messages.ERROR)
            return
    modeladmin.message_user(request, _("Erased."), messages.SUCCESS)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnly):
    list_display = ("name", "country", "kind", "network")
    list_filter = ("kind", "country")
    search_fields = ("name",)


@admin.register(Member)
class MemberAdmin(ReadOnly):
    list_display = ("user", "organisation", "joined_at")
    search_fields = ("user__username", "user__email", "organisation__name")
    actions = [export_people, erase_people]


@admin.register(Expert)
class ExpertAdmin(ReadOnly):
    list_display = ("name", "organisation", "consent_at")
    search_fields = ("name", "email")
    actions = [export_people, erase_people]


@admin.register(Event)
class EventAdmin(ReadOnly):
    list_display = ("title", "plan", "kind", "date", "public")
    list_filter = ("kind", "public")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnly):
    list_display = ("organisation", "round", "action", "objective", "state")
    list_filter = ("state",)
