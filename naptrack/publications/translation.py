"""The report's own texts are written by the coordinator in each language; the signatory's name
is not translated, their title is."""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from naptrack.publications.models import ReportTexts


@register(ReportTexts)
class ReportTextsTranslation(TranslationOptions):
    fields = ("foreword", "signatory_title", "introduction", "achievements", "conclusions")


register_history(ReportTexts, app="naptrack.publications")
