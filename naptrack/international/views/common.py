"""What the international screens share."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

PAGE_SIZE = 25
LANGUAGES = ("en", "fr", "nl", "de")


def require(user: Any, perm: str, obj: Any = None) -> None:
    if not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


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
