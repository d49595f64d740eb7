"""Whole numbers read from what people and programs send: hidden form fields, query strings,
command-line arguments.

`str.isdigit()` is no guard before `int()`: it is true for "²" and for digits of other scripts,
some of which `int()` refuses (ValueError, a server error) and some of which it reads. Only ASCII
digits are numbers here, and at most 18 of them, so that the number fits any database integer."""

from __future__ import annotations

import re
from decimal import Decimal

_DIGITS = re.compile(r"[0-9]{1,18}")


def whole_number(text: object) -> int | None:
    """The number `text` writes in ASCII digits, else None (empty, signs, spaces, other digits,
    more than 18 digits)."""
    if not isinstance(text, str) or _DIGITS.fullmatch(text) is None:
        return None
    return int(text)


def json_number(value: Decimal | int | float | None) -> int | float | None:
    """A number as JSON can carry it (Decimal has no JSON form): an integer when it is whole, so
    that 1000.0000 reads 1000, else a float."""
    if not isinstance(value, Decimal):
        return value
    return int(value) if value == value.to_integral_value() else float(value)
