from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilSocietyConfig(AppConfig):
    name = "naptrack.civilsociety"
    label = "civilsociety"
    verbose_name = _("Civil society")

    def ready(self) -> None:
        # Reporting's pages show civil society's work through its registry (it may not import us).
        from naptrack.civilsociety import sections
        from naptrack.reporting import worklist

        worklist.round_section_add(sections.round_section)
        worklist.contribution_section_add(sections.contribution_section)
