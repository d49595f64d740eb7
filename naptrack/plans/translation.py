"""Translatable plan content (English source; French, Dutch, German), and row history.

History is registered here, after translation, because django-simple-history copies a model's
fields when it builds the historical model: registered earlier, it would not keep the
translated columns.
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from naptrack.plans.models import (
    Action,
    Department,
    Goal,
    Instrument,
    LineLink,
    Milestone,
    Note,
    Objective,
    Plan,
    PlanVersion,
    Target,
    TranslationState,
)


@register(Plan)
class PlanTranslation(TranslationOptions):
    fields = ("title",)


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name", "abbreviation")


@register(Objective)
class ObjectiveTranslation(TranslationOptions):
    fields = ("title", "intro")


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("text",)


@register(Action)
class ActionTranslation(TranslationOptions):
    fields = ("text",)


@register(Note)
class NoteTranslation(TranslationOptions):
    fields = ("text",)


@register(Instrument)
class InstrumentTranslation(TranslationOptions):
    fields = ("text", "unit")


# A translation's state keeps its history too: who made a text official, and when.
for model in (
    Plan,
    Department,
    Objective,
    Goal,
    Action,
    Note,
    Instrument,
    Target,
    Milestone,
    TranslationState,
    PlanVersion,
    LineLink,
):
    register_history(model, app="naptrack.plans")
