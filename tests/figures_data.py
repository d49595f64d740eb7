"""Figures of every summed kind on the real Belgian plan, across three departments, two published
years and three countries, made through the services; shared by the tests of the totals (the
portal, the report to parliament, open data, the API). EXPECTED holds the totals worked out by
hand from the answers below, so that every reader is checked against the same arithmetic."""

from __future__ import annotations

from decimal import Decimal

from naptrack.plans.models import Instrument
from naptrack.reporting.models import Round
from tests.portal_data import fill, new_round, publish

# Line -> (kind, by_sex, unit) given to its first instrument for these tests.
KINDS = {
    "3.a": ("money", False, ""),
    "4.a": ("money", False, ""),
    "8.a": ("money", False, ""),
    "6.a": ("quantitative", True, "people trained"),
    "7.a": ("count", False, "experts"),
}


def _kinds() -> None:
    for code, (kind, by_sex, unit) in KINDS.items():
        Instrument.objects.filter(action__code=code, position=1).update(
            kind=kind, by_sex=by_sex, unit=unit, unit_en=unit
        )


def money(value, currency, marker, channel, countries=()):
    return {
        "value": value,
        "currency": currency,
        "marker": marker,
        "channel": channel,
        "countries": [{"country": c, "value": v} for c, v in countries],
    }


def build(plan, coordinator, monkeypatch) -> tuple[Round, Round]:
    """The 2014 and 2015 annual rounds, published, with the figures below approved."""
    _kinds()
    r2014 = new_round(plan, coordinator, "annual", 2014)
    c = coordinator
    fill(
        r2014,
        "8.a",
        "foreign-affairs",
        c,
        c,
        answers={1: money(100000, "EUR", 2, "civil-society", [("AF", 60000), ("CD", 40000)])},
    )
    fill(r2014, "8.a", "development", c, c, answers={1: money(50000, "USD", 1, "multilateral", [("ML", 50000)])})
    fill(r2014, "4.a", "development", c, c, answers={1: money(200000, "EUR", 0, "bilateral", [("CD", 150000)])})
    fill(
        r2014,
        "6.a",
        "foreign-affairs",
        c,
        c,
        answers={1: {"women": 30, "men": 20, "countries": [{"country": "AF", "women": 10, "men": 5}]}},
    )
    fill(
        r2014,
        "6.a",
        "defence",
        c,
        c,
        answers={1: {"women": 5, "men": 45, "countries": [{"country": "ML", "women": 2, "men": 18}]}},
    )
    fill(r2014, "7.a", "justice", c, c, answers={1: {"value": 4, "countries": [{"country": "CD", "value": 2}]}})
    # Approved but internal: counted for the coordinator, never for the public.
    fill(r2014, "3.a", "justice", c, c, visibility="internal", answers={1: money(999, "EUR", 2, "other")})
    publish(r2014, coordinator, monkeypatch)

    r2015 = new_round(plan, coordinator, "annual", 2015)
    fill(r2015, "3.a", "justice", c, c, answers={1: money(25000, "EUR", 2, "multilateral")})
    fill(
        r2015,
        "8.a",
        "foreign-affairs",
        c,
        c,
        answers={1: money(120000, "EUR", 1, "civil-society", [("AF", 70000), ("ML", 50000)])},
    )
    fill(r2015, "8.a", "development", c, c, answers={1: money(10000, "USD", 0, "bilateral")})
    # Totals left blank: derived from the country's row.
    fill(r2015, "6.a", "development", c, c, answers={1: {"countries": [{"country": "CD", "women": 12, "men": 8}]}})
    # Submitted, not approved: in no total.
    fill(r2015, "7.a", "justice", c, c, then="submitted", answers={1: {"value": 50}})
    r2015 = Round.objects.get(pk=r2015.pk)
    # Publishing needs every contribution handed in or not; the submitted one stays out of totals.
    publish(r2015, coordinator, monkeypatch)
    return Round.objects.get(pk=r2014.pk), Round.objects.get(pk=r2015.pk)


D = Decimal
# The public's totals (the internal 999 EUR and the submitted 50 experts are in none of them).
EXPECTED = {
    "money": {
        2014: {
            "EUR": {"amount": D(300000), "marked": D(100000), "bilateral": D(200000), "civil-society": D(100000)},
            "USD": {"amount": D(50000), "marked": D(50000), "multilateral": D(50000)},
        },
        2015: {
            "EUR": {"amount": D(145000), "marked": D(145000), "multilateral": D(25000), "civil-society": D(120000)},
            "USD": {"amount": D(10000), "marked": D(0), "bilateral": D(10000)},
        },
        "all": {"EUR": D(445000), "USD": D(60000)},
    },
    "people": {2014: {"women": 35, "men": 65, "total": 100}, 2015: {"women": 12, "men": 8, "total": 20}},
    "experts": {2014: D(4)},
    "countries": {
        "AF": {"EUR": D(130000), "women": 10, "men": 5},
        "CD": {"EUR": D(190000), "women": 12, "men": 8, "experts": D(2)},
        "ML": {"EUR": D(50000), "USD": D(50000), "women": 2, "men": 18},
    },
    "departments": {"foreign-affairs": {"EUR": D(220000), "women": 30, "men": 20}},
    "objectives": {1: {"EUR": D(225000)}, 2: {"EUR": D(220000), "USD": D(60000)}},
}
