"""The expertise network's fields are a list the coordinator keeps in each language."""

from modeltranslation.translator import TranslationOptions, register

from naptrack.civilsociety.models import ExpertiseField


@register(ExpertiseField)
class ExpertiseFieldTranslation(TranslationOptions):
    fields = ("name",)
