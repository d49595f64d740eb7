from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "naptrack.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from naptrack.reporting import audit_links

        # The audit trail links its events to this app's pages without importing it.
        audit_links.register_links()
