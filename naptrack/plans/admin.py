"""The coordinator edits the plan here. Every edit is kept (row history) and audited."""

from __future__ import annotations

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from naptrack.core.roles import is_coordinator
from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    Note,
    Objective,
    Plan,
    PlanDepartment,
    Responsibility,
)
from naptrack.plans.services import plan_content_deleted, plan_content_saved


class CoordinatorAdmin(SimpleHistoryAdmin, TranslationAdmin):
    """Coordinators (and superusers) edit plan content; nobody else sees it in the admin."""

    def has_module_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_add_permission(self, request) -> bool:
        return is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def save_model(self, request, obj, form, change) -> None:
        plan_content_saved(actor=request.user, obj=obj, changed=list(form.changed_data), created=not change)

    def delete_model(self, request, obj) -> None:
        plan_content_deleted(actor=request.user, obj=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset:
            plan_content_deleted(actor=request.user, obj=obj)


class CoordinatorInline:
    def has_view_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_add_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_coordinator(request.user)


class PlanDepartmentInline(CoordinatorInline, admin.TabularInline):
    model = PlanDepartment
    extra = 0
    autocomplete_fields = ["department"]


class InstrumentInline(CoordinatorInline, TranslationTabularInline):
    model = Instrument
    extra = 0
    # The kind of answer changes through the instruments screen (plans/instruments.py), which asks
    # for a reason once rounds have opened; here it is read, not edited.
    readonly_fields = ["kind", "by_sex", "unit"]


class NoteInline(CoordinatorInline, TranslationTabularInline):
    model = Note
    extra = 0


class ResponsibilityInline(CoordinatorInline, admin.TabularInline):
    model = Responsibility
    extra = 0
    autocomplete_fields = ["department"]


@admin.register(Plan)
class PlanAdmin(CoordinatorAdmin):
    list_display = ["title", "slug", "country", "period_start", "period_end"]
    # Adopting a draft is plan_adopt's, with its checks and audit event; never a field to edit.
    readonly_fields = ["state"]
    search_fields = ["slug", "title"]
    inlines = [PlanDepartmentInline]


@admin.register(Objective)
class ObjectiveAdmin(CoordinatorAdmin):
    list_display = ["number", "title", "plan"]
    list_filter = ["plan"]
    list_select_related = ["plan"]
    search_fields = ["title"]


@admin.register(Goal)
class GoalAdmin(CoordinatorAdmin):
    list_display = ["number", "text", "objective"]
    list_filter = ["plan"]
    list_select_related = ["objective"]
    search_fields = ["text"]


@admin.register(Action)
class ActionAdmin(CoordinatorAdmin):
    list_display = ["code", "text", "goal"]
    list_filter = ["plan", "departments"]
    list_select_related = ["goal"]
    search_fields = ["code", "text"]
    inlines = [InstrumentInline, ResponsibilityInline, NoteInline]
    raw_id_fields = ["goal"]


@admin.register(Department)
class DepartmentAdmin(CoordinatorAdmin):
    list_display = ["name", "code", "parent"]
    list_select_related = ["parent"]
    search_fields = ["code", "name"]
