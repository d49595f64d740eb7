"""The figures of an answer, checked by the kind of its instrument: which fields it may hold, what
each accepts, how they agree with each other, and its breakdown by country.

One place for every way figures come in (the form, the workbook, the API), so that each names the
same field with the same reason. Derived figures are computed here, never typed twice: a share's
percentage from its numerator and denominator, and any figure a department leaves blank while
breaking it down by country, from the countries' rows (the field is then named in
`Measurement.derived` and computed again at every save).
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from naptrack.core.currencies import is_currency
from naptrack.plans.models import Instrument
from naptrack.reporting.models import CountryFigure, Measurement
from naptrack.reporting.services.common import COUNT_MAX

TEXT_FIELDS = ("text", "unit", "note")
# What an answer may hold besides its text and note, by kind of instrument.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "qualitative": (),
    "quantitative": ("value", "unit"),
    "by-sex": ("women", "men", "other", "value", "unit"),
    "count": ("value", "unit"),
    "money": ("value", "currency", "marker", "channel"),
    "share": ("value", "numerator", "denominator"),
    "yes-no": ("yes",),
}
# What a country's row may hold; every one of them sums into the measurement's field of that name.
COUNTRY_FIELDS: dict[str, tuple[str, ...]] = {
    "quantitative": ("value",),
    "by-sex": ("women", "men", "other", "value"),
    "count": ("value",),
    "money": ("value",),
    "share": ("numerator", "denominator"),
}
MEASUREMENT_FIELDS = (
    "text",
    "women",
    "men",
    "other",
    "value",
    "unit",
    "currency",
    "marker",
    "channel",
    "numerator",
    "denominator",
    "yes",
    "note",
)
HUNDRED = Decimal(100)
# The figures' columns hold 16 digits, 4 of them decimals.
DECIMAL_LIMIT = Decimal(10) ** 12
# A percentage given beside its numerator and denominator may differ by rounding, not more.
SHARE_TOLERANCE = Decimal("0.05")


def kind_of(instrument: Instrument) -> str:
    """The kind an answer follows: the instrument's, with a count of people by sex apart."""
    return "by-sex" if instrument.by_sex else instrument.kind


def whole(value: Any, key: str, errors: dict, *, people: bool = True) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[key] = [_("Enter a whole number.")]
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[key] = [_("Enter a whole number.")]
        return None
    if not number.is_finite() or number != number.to_integral_value():
        errors[key] = [
            _("Enter a whole number: people are counted without fractions.")
            if people
            else _("Enter a whole number: a count has no fractions.")
        ]
    elif number < 0:
        errors[key] = [_("Enter zero or more.")]
    elif number > COUNT_MAX:
        errors[key] = [_("This number is too large.")]
    else:
        return int(number)
    return None


def decimal(value: Any, key: str, errors: dict, *, minimum: Decimal | None = None) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        errors[key] = [_("Enter a number.")]
        return None
    try:
        number = Decimal(str(value).strip().replace(" ", "").replace("\u00a0", ""))
    except (InvalidOperation, ValueError):
        errors[key] = [_("Enter a number.")]
        return None
    if not number.is_finite() or abs(number) >= DECIMAL_LIMIT:
        errors[key] = [_("Enter a number.")]
        return None
    # Rounded first: 999999999999.99999 rounds to a number the column cannot hold.
    number = number.quantize(Decimal("0.0001"))
    if abs(number) >= DECIMAL_LIMIT:
        errors[key] = [_("This number is too large.")]
        return None
    if minimum is not None and number < minimum:
        errors[key] = [_("Enter zero or more.")]
        return None
    return number


def _yes_no(value: Any, key: str, errors: dict) -> bool | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in ("yes", "true", "1", "oui", "ja"):
        return True
    if word in ("no", "false", "0", "non", "nee", "nein"):
        return False
    errors[key] = [_("Answer yes or no.")]
    return None


def _field(kind: str, name: str, value: Any, key: str, errors: dict) -> Any:
    """One figure of an answer of `kind`, cleaned, or None with the reason in `errors`."""
    if name in ("women", "men", "other"):
        return whole(value, key, errors)
    if name == "value":
        if kind == "by-sex":
            return _as_decimal(whole(value, key, errors))
        if kind == "count":
            return _as_decimal(whole(value, key, errors, people=False))
        if kind == "money":
            return decimal(value, key, errors, minimum=Decimal(0))
        number = decimal(value, key, errors, minimum=Decimal(0) if kind == "share" else None)
        if kind == "share" and number is not None and number > HUNDRED:
            errors[key] = [_("A percentage is at most 100.")]
            return None
        return number
    if name in ("numerator", "denominator"):
        return decimal(value, key, errors, minimum=Decimal(0))
    if name == "currency":
        code = (value or "").strip().upper() if isinstance(value, str) or value is None else None
        if code is None or (code and not is_currency(code)):
            errors[key] = [_("Unknown currency %(code)s: use an ISO 4217 code such as EUR or USD.") % {"code": value}]
            return ""
        return code
    if name == "marker":
        if value is None or value == "":
            return None
        if str(value).strip() not in ("0", "1", "2"):
            errors[key] = [_("The gender equality policy marker is 0, 1 or 2.")]
            return None
        return int(str(value).strip())
    if name == "channel":
        channel = value or ""
        if channel not in ("", *Measurement.Channel.values):
            errors[key] = [_("Choose one of: %(values)s.") % {"values": ", ".join(Measurement.Channel.values)}]
            return ""
        return channel
    if name == "yes":
        return _yes_no(value, key, errors)
    raise KeyError(name)


def _as_decimal(number: int | None) -> Decimal | None:
    return None if number is None else Decimal(number).quantize(Decimal("0.0001"))


def clean_row(instrument: Instrument, row: dict, key: str, errors: dict) -> dict[str, Any]:
    """The answer `row` gives to `instrument`, cleaned: only the fields it gives, plus "countries"
    (a list of cleaned rows) when it gives a breakdown. Errors go to `errors` under `key.field`."""
    kind = kind_of(instrument)
    allowed = KIND_FIELDS[kind]
    values: dict[str, Any] = {}
    for name in sorted(set(row) - {"instrument", "countries", *MEASUREMENT_FIELDS}):
        errors[f"{key}.{name}"] = [_("Unknown field.")]
    for name in ("text", "unit", "note"):
        if name in row and (name != "unit" or "unit" in allowed):
            raw = row[name] if row[name] is not None else ""
            if not isinstance(raw, str):
                errors[f"{key}.{name}"] = [_("Enter text.")]
                continue
            values[name] = raw.strip()
    if len(values.get("unit") or "") > 40:
        errors[f"{key}.unit"] = [_("Keep the unit under 40 characters.")]
    for name in MEASUREMENT_FIELDS:
        if name in TEXT_FIELDS or name not in row:
            continue
        given = row[name] not in (None, "")
        if name not in allowed:
            if given:
                errors[f"{key}.{name}"] = [_not_of_kind(instrument, name)]
            continue
        values[name] = _field(kind, name, row[name], f"{key}.{name}", errors)
    if "countries" in row:
        values["countries"] = _clean_countries(instrument, row["countries"], f"{key}.countries", errors)
    return values


def _not_of_kind(instrument: Instrument, name: str) -> str:
    if name in ("women", "men", "other"):
        return _("This instrument is not reported by sex.")
    if instrument.kind == "qualitative":
        return _("This instrument is qualitative: answer in text.")
    return _("An answer of this kind (%(kind)s) has no such figure.") % {"kind": instrument.get_kind_display()}


def _clean_countries(instrument: Instrument, rows: Any, key: str, errors: dict) -> list[dict[str, Any]]:
    kind = kind_of(instrument)
    fields = COUNTRY_FIELDS.get(kind)
    if fields is None:
        if rows:
            errors[key] = [_("Only figures can be broken down by country; this instrument has none.")]
        return []
    if not isinstance(rows, list | tuple):
        errors[key] = [_("Give a list of countries with their figures.")]
        return []
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, row in enumerate(rows):
        at = f"{key}.{n}"
        if not isinstance(row, dict):
            errors[at] = [_("Give each country as an object with its figures.")]
            continue
        for name in sorted(set(row) - {"country", *fields}):
            if row[name] not in (None, ""):
                errors[f"{at}.{name}"] = [_("A country's row has no such figure for this instrument.")]
        code = row.get("country")
        code = code.strip().upper() if isinstance(code, str) else code
        if not isinstance(code, str) or code not in all_countries:
            errors[f"{at}.country"] = [
                _("Unknown country code %(code)s. Use ISO 3166-1 codes such as AF, CD, ML.") % {"code": code}
            ]
            continue
        if code in seen:
            errors[f"{at}.country"] = [_("%(country)s is listed twice.") % {"country": all_countries.name(code)}]
            continue
        seen.add(code)
        figures = {name: _field(kind, name, row.get(name), f"{at}.{name}", errors) for name in fields}
        if all(v is None for v in figures.values()) and not any(f"{at}.{name}" in errors for name in fields):
            errors[f"{at}.country"] = [
                _("Give a figure for %(country)s or remove the row.") % {"country": all_countries.name(code)}
            ]
        if kind == "share":
            _check_share_parts(figures.get("numerator"), figures.get("denominator"), at, errors)
        cleaned.append({"country": code, **figures})
    return cleaned


def _check_share_parts(numerator: Decimal | None, denominator: Decimal | None, key: str, errors: dict) -> None:
    if denominator is not None and denominator == 0:
        errors[f"{key}.denominator"] = [_("The denominator must be more than zero.")]
    elif numerator is not None and denominator is not None and numerator > denominator:
        errors[f"{key}.numerator"] = [
            _("The numerator (%(numerator)s) is larger than the denominator (%(denominator)s).")
            % {"numerator": _plain(numerator), "denominator": _plain(denominator)}
        ]


def _plain(number: Decimal | int | None) -> str:
    if number is None:
        return ""
    if isinstance(number, Decimal):
        number = number.normalize()
        return f"{number:f}"
    return str(number)


def breakdown_of(m: Measurement) -> list[dict[str, Any]]:
    """The measurement's rows by country as dicts, from the breakdown being checked if any."""
    pending = getattr(m, "_pending_countries", None)
    if pending is not None:
        return pending
    if m.pk is None:
        return []
    return [
        {"country": r.country, **{name: getattr(r, name) for name in COUNTRY_FIELDS.get(kind_of(m.instrument), ())}}
        for r in m.countries.all()
    ]


def settle(m: Measurement, given: dict[str, Any], key: str, errors: dict, default_currency: Callable[[], str]) -> None:
    """Make the measurement's figures agree: blank totals filled from the countries, given totals
    checked against them, a share's percentage computed, a currency for an amount (the plan's,
    asked of `default_currency` only then). `given` is what the input set on it (cleaned); the
    measurement already holds it."""
    kind = kind_of(m.instrument)
    if "countries" in given:
        m._pending_countries = given["countries"]  # type: ignore[attr-defined]
    rows = breakdown_of(m)
    derived_before = set(m.derived or [])
    derived: list[str] = []
    for name in COUNTRY_FIELDS.get(kind, ()):
        if name in derived_before and name not in given:
            setattr(m, name, None)  # computed last time: computed again from today's rows
        parts = [r[name] for r in rows if r.get(name) is not None]
        if not parts:
            continue
        total = sum(parts)
        current = getattr(m, name)
        limit = DECIMAL_LIMIT if name in ("value", "numerator", "denominator") else COUNT_MAX + 1
        if total >= limit:
            errors[f"{key}.countries"] = [
                _("The countries add up to more than a figure can hold for %(field)s.") % {"field": figure_label(name)}
            ]
            continue
        if current is None:
            setattr(m, name, _as_decimal(total) if name in ("value", "numerator", "denominator") else total)
            derived.append(name)
        elif total > current:
            errors[f"{key}.countries"] = [
                _("The countries add up to %(sum)s for %(field)s, more than the total given (%(total)s).")
                % {"sum": _plain(total), "field": figure_label(name), "total": _plain(current)}
            ]
    if kind == "share":
        _check_share_parts(m.numerator, m.denominator, key, errors)
        if m.numerator is not None and m.denominator:
            computed = (m.numerator * HUNDRED / m.denominator).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
            typed = given.get("value") if "value" in given else (None if "value" in derived_before else m.value)
            if typed is not None and abs(typed - computed) > SHARE_TOLERANCE:
                errors[f"{key}.value"] = [
                    _(
                        "The percentage is computed from the numerator and the denominator "
                        "(%(percent)s %%): leave it empty."
                    )
                    % {"percent": _plain(computed.quantize(Decimal("0.01")))}
                ]
            m.value = computed
            derived.append("value")
        elif "value" in derived_before and "value" not in given:
            m.value = None
    if kind == "money" and m.value is not None and not m.currency:
        m.currency = default_currency()
    if kind == "by-sex" and m.value is not None:
        parts_sum = sum(n for n in (m.women, m.men, m.other) if n is not None)
        if m.value < parts_sum:
            errors[f"{key}.value"] = [
                _("The total (%(total)s) is smaller than women, men and other together (%(parts)s).")
                % {"total": int(m.value), "parts": parts_sum}
            ]
    m.derived = derived


def figure_label(name: str) -> str:
    """A figure that a breakdown by country sums, named in a sentence."""
    return {
        "women": _("women"),
        "men": _("men"),
        "other": _("other or not recorded"),
        "value": _("the total"),
        "numerator": _("the numerator"),
        "denominator": _("the denominator"),
    }[name]


def snapshot_countries(m: Measurement) -> list[dict[str, Any]]:
    """The breakdown as the change record keeps it: plain values, countries in their order."""
    return [{k: (_plain(v) if isinstance(v, Decimal) else v) for k, v in r.items()} for r in breakdown_of(m)]


def save_countries(m: Measurement) -> None:
    """Replace the measurement's rows by the breakdown just checked, when the input gave one."""
    pending = getattr(m, "_pending_countries", None)
    if pending is None:
        return
    current = {r.country: r for r in m.countries.all()}
    for row in pending:
        figure = current.pop(row["country"], None) or CountryFigure(measurement=m, country=row["country"])
        changed = figure.pk is None
        for name, value in row.items():
            if name != "country" and getattr(figure, name) != value:
                setattr(figure, name, value)
                changed = True
        if changed:
            figure.save()
    for figure in current.values():
        figure.delete()
    del m._pending_countries  # type: ignore[attr-defined]
