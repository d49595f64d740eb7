from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "naptrack.plans"
    label = "plans"
    verbose_name = _("Plans")

    def ready(self) -> None:
        from naptrack.plans import audit_links

        # The audit trail links its events to this app's pages without importing it.
        audit_links.register_links()
