"""The round's introduction is written by the coordinator in each report language."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from naptrack.reporting.models import Round


@register(Round)
class RoundTranslation(TranslationOptions):
    fields = ("intro",)


register_history(Round, app="naptrack.reporting")
