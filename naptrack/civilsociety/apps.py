from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CivilSocietyConfig(AppConfig):
    name = "naptrack.civilsociety"
    label = "civilsociety"
    verbose_name = _("Civil society")
