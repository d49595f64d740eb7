from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "naptrack.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from naptrack.accounts import changes, profile
        from naptrack.api import pages, services

        # A token must not outlive its holder's password, role or account (accounts/changes.py).
        changes.follow(services.tokens_revoke_all)
        # Each person lists and revokes their own tokens on their profile page.
        profile.section_add(pages.tokens_section)
