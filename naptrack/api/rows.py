"""The rows of the API's longest lists, written out.

A DRF serializer walks its declared fields for every row: each source is read through a generic
getter that tests it for a callable, and each date-time is put into the current time zone, found
again in the request's locals. On a page of fifty rounds that walk cost three times the rest of
the request (bench/scale.py: the public rounds took 5 ms for one round and 22 ms for fifty). The
serializers built on WrittenRows keep their declared fields, which the OpenAPI schema reads, and
write each row in `row()`; tests/test_api_rows.py checks every written row against DRF's own walk
on the same objects, key by key and in order.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_EVEN, Context, Decimal
from functools import cached_property
from typing import Any

from django.utils import timezone
from rest_framework import serializers

# api/serializers.py's DecimalField(max_digits=16, decimal_places=4): DRF quantizes to four places
# with the precision of max_digits and the default rounding, half to even.
FOUR_PLACES = Decimal("0.0001")
DECIMALS = Context(prec=16, rounding=ROUND_HALF_EVEN)


class WrittenRows(serializers.Serializer):
    def row(self, instance: Any) -> dict[str, Any]:
        raise NotImplementedError

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return self.row(instance)

    def walked(self, instance: Any) -> dict[str, Any]:
        """The row as DRF's field-by-field walk writes it: what row() must equal."""
        return super().to_representation(instance)

    @cached_property
    def zone(self) -> datetime.tzinfo:
        return timezone.get_current_timezone()

    def moment(self, value: datetime.datetime | None) -> str | None:
        """A date-time as DRF's DateTimeField writes it (ISO 8601, in the current time zone)."""
        if value is None:
            return None
        text = value.astimezone(self.zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    def label_of(self, instance: Any) -> str:
        """str(instance), once per distinct label: a round's is two translations, the same for
        every round of a kind and year."""
        labels = self.__dict__.setdefault("_labels", {})
        key = (type(instance), instance.kind, instance.year)
        if key not in labels:
            labels[key] = str(instance)
        return labels[key]

    def decimal(self, value: Decimal | None) -> Decimal | None:
        """A decimal as the serializers' DecimalFields write it: four places, as a number."""
        if value is None:
            return None
        return value.quantize(FOUR_PLACES, context=DECIMALS)

    @staticmethod
    def day(value: datetime.date | None) -> str | None:
        return value.isoformat() if value is not None else None
