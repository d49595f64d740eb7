from django.contrib import admin

from naptrack.jobs.models import Job


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ("title", "state", "attempts", "created_by", "created_at", "finished_at")
    list_filter = ("state",)
    search_fields = ("title", "handler", "key")
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
