"""What the international screens share."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError

from naptrack.reporting.views.common import error_text as error_text
from naptrack.reporting.views.common import require as require

PAGE_SIZE = 25
LANGUAGES = ("en", "fr", "nl", "de")


def error_dict(error: ValidationError) -> dict[str, list[str]]:
    """A service's errors by field; errors of the whole under "__all__"."""
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def plain(value: Decimal | int | None) -> str:
    """A number as a person typed it: 12, 12.5, never 12.0000."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}"
    return str(value)
