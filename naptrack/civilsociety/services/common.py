"""What civil society's services share."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries


class CivilSocietyError(Exception):
    """An action the object's state does not allow (submitting after the round closed, moderating
    twice): the API answers 409, the CLI exits 1, the screens show the message."""


class StaleVersion(Exception):
    def __init__(self, current: Any):
        self.current = current
        super().__init__(
            _("This assessment was changed since you opened it (version %(version)s is the current one).")
            % {"version": current.version}
        )


def country_code(value: str, field: str, errors: dict, *, required: bool = True) -> str:
    code = (value or "").strip().upper()
    if not code:
        if required:
            errors[field] = [_("Give a country as its ISO 3166-1 code, such as BE or CD.")]
        return ""
    if code not in dict(countries):
        errors[field] = [_("%(code)s is not an ISO 3166-1 country code (such as BE or CD).") % {"code": code}]
    return code


def country_codes(values, field: str, errors: dict) -> list[str]:
    out = []
    for value in values or []:
        code = country_code(str(value), field, errors)
        if code and code not in out:
            out.append(code)
    return out


LANGUAGES = ("en", "fr", "nl", "de")


def language_codes(values, field: str, errors: dict) -> list[str]:
    out = []
    for value in values or []:
        code = str(value).strip().lower()
        if code not in LANGUAGES and len(code) != 2:
            errors[field] = [_("Give languages as two-letter codes, such as fr or nl.")]
            continue
        if code not in out:
            out.append(code)
    return out
