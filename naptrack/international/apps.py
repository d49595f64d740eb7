from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InternationalConfig(AppConfig):
    name = "naptrack.international"
    label = "international"
    verbose_name = _("International reporting")
