"""Choice labels (core/choices.py): get_FOO_display() as Django's, translated, at the cost of one
translation lookup rather than one per choice."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import trans_real

from naptrack.core.choices import ChoiceLabels
from naptrack.reporting.models import Contribution, Measurement, Round


@pytest.mark.parametrize("lang", ["en", "fr", "nl", "de"])
def test_every_choice_reads_its_label_in_the_active_language(lang):
    with translation.override(lang):
        for model in (Round, Contribution):
            for field in (f for f in model._meta.concrete_fields if f.choices):
                for value, label in field.choices:
                    row = model(**{field.attname: value})
                    assert getattr(row, f"get_{field.name}_display")() == str(label)
    with translation.override("fr"):
        assert Round(kind=Round.Kind.MID_TERM).get_kind_display() == "évaluation à mi-parcours"


def test_a_value_outside_the_choices_reads_as_itself():
    assert Round(kind="ad-hoc").get_kind_display() == "ad-hoc"
    assert Measurement(marker=None).get_marker_display() is None


def test_every_model_with_choices_reads_its_labels_cheaply():
    # A model added later with a choice field and without the mixin pays one lookup per choice.
    slow = [
        model.__name__
        for model in apps.get_models()
        if model.__module__.startswith("naptrack.")
        and not model.__name__.startswith("Historical")
        and any(f.choices for f in model._meta.concrete_fields)
        and not issubclass(model, ChoiceLabels)
    ]
    assert slow == []


def test_one_translation_is_looked_up_for_a_label(monkeypatch):
    looked_up = []
    real = trans_real.DjangoTranslation.gettext
    monkeypatch.setattr(
        trans_real.DjangoTranslation, "gettext", lambda self, message: looked_up.append(message) or real(self, message)
    )
    with translation.override("nl"):
        assert Contribution(state=Contribution.State.APPROVED).get_state_display() == str(
            Contribution.State.APPROVED.label
        )
    assert looked_up.count("approved") == 2  # the label read, then in the assertion
    assert len(looked_up) == 2
