"""The totals (naptrack.reporting.totals) on figures across three departments, two years and three
countries: the arithmetic every reader shows (portal, report, open data, API) is checked here."""

from __future__ import annotations

from decimal import Decimal

import pytest

from naptrack.reporting import totals
from naptrack.reporting.models import Contribution, Measurement
from tests.figures_data import EXPECTED, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def figures(plan, coordinator, monkeypatch):
    build(plan, coordinator, monkeypatch)
    return totals.figure_rows(totals.measurements_in(Contribution.objects.public().filter(round__plan=plan)))


def _money(t: totals.Totals) -> dict[str, Decimal]:
    return {m.currency: m.amount for m in t.money}


def test_money_by_year_and_currency_never_adds_currencies(figures):
    by_year = totals.by_year(figures)
    for year in (2014, 2015):
        for money in by_year[year].money:
            expected = EXPECTED["money"][year][money.currency]
            assert money.amount == expected["amount"]
            assert money.marked == expected["marked"]
            for channel in ("bilateral", "multilateral", "civil-society"):
                assert money.by_channel.get(channel, Decimal(0)) == expected.get(channel, Decimal(0))
        assert sorted(m.currency for m in by_year[year].money) == ["EUR", "USD"]
    assert _money(totals.totals(totals.wholes(figures))) == EXPECTED["money"]["all"]
    assert by_year[2014].money[0].marked_share == pytest.approx(1 / 3)


def test_people_by_sex_and_counts(figures):
    by_year = totals.by_year(figures)
    for year, expected in EXPECTED["people"].items():
        (people,) = by_year[year].people
        assert people.unit == "people trained"
        assert (people.women, people.men, people.total) == (expected["women"], expected["men"], expected["total"])
    assert [(c.unit, c.value) for c in by_year[2014].counts] == [("experts", EXPECTED["experts"][2014])]
    assert by_year[2015].counts == []  # the submitted count is in no total


def test_per_country_department_and_objective(figures):
    by_country = totals.by(figures, "country")
    assert sorted(by_country) == ["AF", "CD", "ML"]
    for code, expected in EXPECTED["countries"].items():
        t = by_country[code]
        assert _money(t) == {k: v for k, v in expected.items() if k in ("EUR", "USD")}
        people = t.people[0] if t.people else None
        assert (people.women, people.men) == (expected["women"], expected["men"])
    by_department = totals.by(figures, "department")
    fa = by_department["foreign-affairs"]
    assert _money(fa) == {"EUR": EXPECTED["departments"]["foreign-affairs"]["EUR"]}
    assert (fa.people[0].women, fa.people[0].men) == (30, 20)
    by_objective = totals.by(figures, "objective")
    assert _money(by_objective[1]) == EXPECTED["objectives"][1]
    assert _money(by_objective[2]) == EXPECTED["objectives"][2]


def test_blank_totals_are_derived_from_the_countries(figures):
    m = Measurement.objects.get(
        contribution__round__year=2015, contribution__action__code="6.a", contribution__department__code="development"
    )
    assert (m.women, m.men, m.derived) == (12, 8, ["women", "men"])


def test_internal_figures_count_for_the_coordinator_only(plan, coordinator, monkeypatch, django_assert_num_queries):
    build(plan, coordinator, monkeypatch)
    everything = Contribution.objects.filter(round__plan=plan)
    with django_assert_num_queries(2):
        rows = totals.figure_rows(totals.measurements_in(everything))
    assert _money(totals.totals(totals.wholes(rows)))["EUR"] == EXPECTED["money"]["all"]["EUR"] + 999
