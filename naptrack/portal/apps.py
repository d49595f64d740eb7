from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "naptrack.portal"
    label = "portal"
    verbose_name = _("Public portal")

    def ready(self) -> None:
        from naptrack.plans import changes
        from naptrack.portal import search

        # The search index holds the plan's text: it follows every change of it.
        changes.follow(search.plans_changed)
