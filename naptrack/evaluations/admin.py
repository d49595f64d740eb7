from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from naptrack.evaluations.models import Evaluation


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    # Read only: every change goes through the services, which check permissions and audit.
    list_display = ("plan", "kind", "evaluator_name", "published_at")
    list_filter = ("kind", "plan")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
