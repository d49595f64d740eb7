from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from naptrack.international.models import Framework, Question, Request


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ("position", "code", "text", "group", "kind")


@admin.register(Framework)
class FrameworkAdmin(SimpleHistoryAdmin):
    list_display = ("code", "body", "name", "version")
    list_filter = ("body",)
    search_fields = ("code", "name")
    inlines = [QuestionInline]


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ("pk", "framework", "period_start", "period_end", "due_on", "visibility")
    list_filter = ("visibility", "framework__body")
    # Answers and sent versions change only through the services, which keep their history and audit.
    readonly_fields = ("version", "published_at", "visibility")
