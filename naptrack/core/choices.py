"""Choice labels read at the cost of one translation.

Django's get_FOO_display() builds a dictionary of the field's choices by hashing each one, and
hashing a lazy label translates it: a field of seven choices costs seven translation lookups for
every row of a list that shows its label (a fifth of a round list's rendering, measured with
bench/scale.py). Models whose choices are shown in lists mix this in first.
"""

from __future__ import annotations

from django.db import models
from django.utils.encoding import force_str


class ChoiceLabels:
    def _get_FIELD_display(self, field: models.Field) -> str:
        value = getattr(self, field.attname)
        for choice, label in field.flatchoices:
            if choice == value:
                return force_str(label, strings_only=True)
        return force_str(value, strings_only=True)
