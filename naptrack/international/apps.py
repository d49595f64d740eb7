from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternationalConfig(AppConfig):
    name = "naptrack.international"
    label = "international"
    verbose_name = _("International reporting")

    def ready(self) -> None:
        from naptrack.international.views import sections
        from naptrack.reporting import worklist

        # Reporting's pages show this app's work without importing it: the targeted questions in
        # a focal point's work list, the questions a line answers on its review page.
        worklist.section_add(sections.worklist_section)
        worklist.line_section_add(sections.line_section)
