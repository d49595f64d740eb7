"""Every kind of answer, through the three ways figures come in: the service, the edit form and
the staff API. Wrong figures are refused with a message on the field they concern and nothing is
written; totals left blank are computed from the countries; what was typed survives an error.

Defence's lines of the real plan, their instruments given a kind here (the bundled plan's kinds
may change): 7.c's three become money, a share and a yes-no; 16.a's two a count of trainings and a
number; 23.a stays a count of people by sex.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from naptrack.plans.models import Instrument
from naptrack.reporting import services
from naptrack.reporting.models import Contribution, CountryFigure, Measurement
from tests.conftest import contribution_of
from tests.test_api import api
from tests.test_focal_screens import assert_error_next_to, edit_url, form_data, html_of, input_value

# (line, position) -> (kind, by_sex, unit)
KINDS = {
    ("7.c", 1): ("money", False, ""),
    ("7.c", 2): ("share", False, ""),
    ("7.c", 3): ("yes-no", False, ""),
    ("16.a", 1): ("count", False, "trainings"),
    ("16.a", 2): ("quantitative", False, "%"),
    ("23.a", 1): ("quantitative", True, ""),
}
LINE_OF = {"money": "7.c", "share": "7.c", "yes-no": "7.c", "count": "16.a", "quantitative": "16.a", "by-sex": "23.a"}
POSITION_OF = {"money": 1, "share": 2, "yes-no": 3, "count": 1, "quantitative": 2, "by-sex": 1}


@pytest.fixture
def kinds(open_round):
    for (code, position), (kind, by_sex, unit) in KINDS.items():
        Instrument.objects.filter(action__plan=open_round.plan, action__code=code, position=position).update(
            kind=kind, by_sex=by_sex, unit=unit, unit_en=unit
        )
    return open_round


def contribution(round_, kind: str) -> Contribution:
    return contribution_of(round_, LINE_OF[kind], "defence")


def instrument(c: Contribution, kind: str) -> Instrument:
    return next(i for i in c.action.instruments.all() if i.position == POSITION_OF[kind])


def save(actor, c: Contribution, kind: str, **row) -> Contribution:
    return services.contribution_save(
        actor=actor,
        contribution=c,
        version=c.version,
        data={"measurements": [{"instrument": instrument(c, kind).pk, **row}]},
    )


def nothing_written(c: Contribution) -> None:
    assert Contribution.objects.get(pk=c.pk).version == 1
    # The round opened with an empty answer to every instrument; they stay empty.
    assert all(m.is_empty for m in Measurement.objects.filter(contribution=c))
    assert not CountryFigure.objects.filter(measurement__contribution=c).exists()


def form_inputs(c: Contribution, kind: str, row: dict) -> dict[str, str]:
    """The service's row as the edit form's inputs (rows by country numbered c0, c1, ...)."""
    i = instrument(c, kind).pk
    inputs = {}
    for name, value in row.items():
        if name == "countries":
            for n, country in enumerate(value):
                for field, figure in country.items():
                    inputs[f"m-{i}-c{n}-{field}"] = str(figure)
        else:
            inputs[f"m-{i}-{name}"] = str(value)
    return inputs


# kind, answer, the field that is wrong (after measurements.<id>.), words of the message
WRONG = [
    ("money", {"value": "-500"}, "value", "zero or more"),
    ("money", {"value": "500", "currency": "XYZ"}, "currency", "Unknown currency XYZ"),
    ("money", {"value": "100", "countries": [{"country": "AF", "value": "200"}]}, "countries", "more than the total"),
    ("money", {"value": "5", "countries": [{"country": "XX", "value": "1"}]}, "countries.0.country", "Unknown country"),
    (
        "money",
        {"countries": [{"country": "AF", "value": "1"}, {"country": "AF", "value": "2"}]},
        "countries.1.country",
        "listed twice",
    ),
    ("share", {"value": "120"}, "value", "at most 100"),
    ("share", {"value": "-3"}, "value", "zero or more"),
    ("share", {"numerator": "50", "denominator": "40"}, "numerator", "larger than the denominator"),
    (
        "share",
        {"countries": [{"country": "CD", "numerator": "5", "denominator": "2"}]},
        "countries.0.numerator",
        "larger than the denominator",
    ),
    ("count", {"value": "-2"}, "value", "zero or more"),
    ("count", {"value": "2.5"}, "value", "a count has no fractions"),
    ("count", {"value": "3", "countries": [{"country": "ML", "value": "4"}]}, "countries", "more than the total"),
    ("quantitative", {"value": "1", "countries": [{"country": "ZZ", "value": "1"}]}, "countries.0.country", "Unknown"),
    ("by-sex", {"women": "-1"}, "women", "zero or more"),
    ("by-sex", {"women": "5", "value": "10", "countries": [{"country": "AF", "women": "11"}]}, "countries", "more"),
    (
        "by-sex",
        {"countries": [{"country": "ML", "men": "1"}, {"country": "ML", "men": "2"}]},
        "countries.1.country",
        "listed twice",
    ),
    ("yes-no", {"yes": "maybe"}, "yes", "yes or no"),
]
IDS = [f"{kind}-{field}-{n}" for n, (kind, _row, field, _words) in enumerate(WRONG)]


@pytest.mark.parametrize(("kind", "row", "field", "words"), WRONG, ids=IDS)
def test_the_service_refuses_wrong_figures_naming_the_field(kinds, focal_defence, kind, row, field, words):
    c = contribution(kinds, kind)
    with pytest.raises(ValidationError) as raised:
        save(focal_defence, c, kind, **row)
    key = f"measurements.{instrument(c, kind).pk}.{field}"
    assert key in raised.value.message_dict, raised.value.message_dict
    assert words in " ".join(raised.value.message_dict[key])
    nothing_written(c)


@pytest.mark.parametrize(("kind", "row", "field", "words"), WRONG, ids=IDS)
def test_the_form_shows_wrong_figures_next_to_their_input_and_keeps_them(
    kinds, focal_defence_client, kind, row, field, words
):
    c = contribution(kinds, kind)
    typed = form_inputs(c, kind, row)
    data = form_data(focal_defence_client.get(edit_url(c)), **typed)
    response = focal_defence_client.post(edit_url(c), data)
    assert response.status_code == 200
    html = html_of(response)
    i = instrument(c, kind).pk
    target = f"m-{i}-rows" if field == "countries" else f"m-{i}-{field.replace('countries.', 'c').replace('.', '-')}"
    if field in ("countries", "yes"):  # a fieldset: the rows by country, the radio buttons
        assert f'id="id_{target}_error"' in html and f'href="#id_{target}"' in html
    else:
        assert_error_next_to(html, f"id_{target}")
    assert words in html
    for name, value in typed.items():
        if name.endswith("-yes"):
            continue  # radio buttons: a value none of them carries is not shown
        shown = input_value(html, name)
        if shown is not None:  # an input; selects and radios are checked below
            assert shown == value, name
        else:
            assert f'value="{value}" selected' in html or f'value="{value}" checked' in html or value in html
    nothing_written(c)


@pytest.mark.parametrize(("kind", "row", "field", "words"), WRONG, ids=IDS)
def test_the_api_refuses_wrong_figures_naming_the_field(kinds, focal_defence, kind, row, field, words):
    c = contribution(kinds, kind)
    i = instrument(c, kind).pk
    response = api(focal_defence).patch(
        f"/api/v1/contributions/{c.pk}/",
        {"version": 1, "measurements": [{"instrument": i, **row}]},
        format="json",
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    key = f"measurements.{i}.{field}"
    assert key in errors, errors
    if kind != "by-sex" or field != "women":  # a negative count of people is refused by the API's own check
        assert words in " ".join(errors[key])
    nothing_written(c)


# --- figures computed ------------------------------------------------------------------------------


def test_a_blank_total_is_computed_from_the_countries_and_again_when_a_row_changes(kinds, focal_defence):
    c = contribution(kinds, "money")
    rows = [{"country": "AF", "value": "60000"}, {"country": "CD", "value": "40000"}]
    c = save(focal_defence, c, "money", value="", countries=rows)
    m = Measurement.objects.get(contribution=c, instrument=instrument(c, "money"))
    assert m.value == Decimal("100000") and m.derived == ["value"]
    c = save(focal_defence, c, "money", countries=[rows[0], {"country": "CD", "value": "10000"}])
    m.refresh_from_db()
    assert m.value == Decimal("70000") and m.derived == ["value"]


def test_a_shares_percentage_is_computed_from_its_parts(kinds, focal_defence):
    c = save(focal_defence, contribution(kinds, "share"), "share", numerator="5", denominator="40")
    m = Measurement.objects.get(contribution=c, instrument=instrument(c, "share"))
    assert m.value == Decimal("12.5") and "value" in m.derived


def test_money_without_a_currency_is_in_the_plans(kinds, focal_defence):
    kinds.plan.__class__.objects.filter(pk=kinds.plan.pk).update(currency="USD")
    c = save(focal_defence, contribution(kinds, "money"), "money", value="500", currency="")
    assert Measurement.objects.get(contribution=c, instrument=instrument(c, "money")).currency == "USD"


def test_the_countries_of_a_breakdown_join_the_contributions_tags(kinds, focal_defence):
    c = contribution(kinds, "count")
    c = services.contribution_save(
        actor=focal_defence,
        contribution=c,
        version=1,
        data={
            "countries": ["BE"],
            "measurements": [{"instrument": instrument(c, "count").pk, "countries": [{"country": "ML", "value": "3"}]}],
        },
    )
    assert c.countries == ["BE", "ML"]


# --- the form ---------------------------------------------------------------------------------------


def test_the_form_shows_each_kinds_inputs(kinds, focal_defence_client):
    html = html_of(focal_defence_client.get(edit_url(contribution(kinds, "money"))))
    c = contribution(kinds, "money")
    money, share, yes_no = (instrument(c, k).pk for k in ("money", "share", "yes-no"))
    assert f'<select name="m-{money}-currency"' in html
    assert '<option value="EUR" selected>EUR</option>' in html
    assert f'name="m-{money}-marker"' in html and f'name="m-{money}-channel"' in html
    assert f'name="m-{share}-numerator"' in html and f'name="m-{share}-denominator"' in html
    assert "Computed when the numerator and the denominator are both given" in html
    assert f'type="radio" name="m-{yes_no}-yes" value="yes"' in html
    assert f'type="radio" name="m-{yes_no}-yes" value=""' in html
    assert ">Explanation</label>" in html
    # Three blank rows by country for each figure, none for the yes-no; the focus countries first.
    assert f'name="m-{money}-c2-country"' in html and f'name="m-{money}-c3-country"' not in html
    assert f'name="m-{yes_no}-c0-country"' not in html
    assert '<optgroup label="The plan&#x27;s focus countries">' in html
    count = contribution(kinds, "count")
    html = html_of(focal_defence_client.get(edit_url(count)))
    assert f'name="m-{instrument(count, "count").pk}-unit"' in html and 'placeholder="trainings"' in html


def test_the_form_saves_a_breakdown_and_shows_a_computed_total_as_a_hint(kinds, focal_defence_client):
    c = contribution(kinds, "money")
    i = instrument(c, "money").pk
    typed = {
        f"m-{i}-currency": "EUR",
        f"m-{i}-marker": "2",
        f"m-{i}-channel": "civil-society",
        f"m-{i}-c0-country": "AF",
        f"m-{i}-c0-value": "1234",
        f"m-{i}-c2-country": "CD",
        f"m-{i}-c2-value": "1000",
    }
    response = focal_defence_client.post(edit_url(c), form_data(focal_defence_client.get(edit_url(c)), **typed))
    assert response.status_code == 302
    m = Measurement.objects.get(contribution=c, instrument_id=i)
    assert (m.value, m.marker, m.channel, m.derived) == (Decimal("2234"), 2, "civil-society", ["value"])
    assert [(r.country, r.value) for r in m.countries.all()] == [("AF", Decimal("1234")), ("CD", Decimal("1000"))]
    assert Contribution.objects.get(pk=c.pk).countries == ["AF", "CD"]
    html = html_of(focal_defence_client.get(edit_url(c)))
    assert input_value(html, f"m-{i}-value") == ""
    assert "Computed from the countries: 2,234." in html
    # the two rows saved, then three blank ones
    assert f'name="m-{i}-c4-country"' in html and f'name="m-{i}-c5-country"' not in html


def test_more_rows_adds_blank_rows_and_saves_nothing(kinds, focal_defence_client):
    c = contribution(kinds, "count")
    i = instrument(c, "count").pk
    data = form_data(focal_defence_client.get(edit_url(c)), **{f"m-{i}-c0-country": "ML", "more_rows": str(i)})
    html = html_of(focal_defence_client.post(edit_url(c), data))
    assert f'name="m-{i}-c5-country"' in html and f'name="m-{i}-c6-country"' not in html
    assert '<option value="ML" selected>' in html
    assert Contribution.objects.get(pk=c.pk).version == 1


def test_the_edit_form_with_a_breakdown_makes_a_fixed_number_of_queries(
    kinds, focal_defence, focal_defence_client, django_assert_num_queries
):
    c = contribution(kinds, "money")
    with django_assert_num_queries(10):
        focal_defence_client.get(edit_url(c))
    rows = [{"country": code, "value": "10"} for code in ("AF", "CD", "ML", "BE")]
    save(focal_defence, c, "money", countries=rows)
    save(focal_defence, contribution(kinds, "share"), "share", countries=[{"country": "AF", "numerator": "1"}])
    with django_assert_num_queries(10):
        html = html_of(focal_defence_client.get(edit_url(c)))
    assert "Computed from the countries: 40." in html


# --- where answers are shown ------------------------------------------------------------------------


def test_answers_read_in_words_with_their_countries(kinds, focal_defence, coordinator_client):
    c = contribution(kinds, "money")
    c = save(
        focal_defence,
        c,
        "money",
        value="500000",
        currency="EUR",
        marker=2,
        channel="civil-society",
        countries=[{"country": "AF", "value": "300000"}],
    )
    c = save(focal_defence, c, "share", numerator="5", denominator="40")
    c = save(focal_defence, c, "yes-no", yes=True, text="A code was adopted.")
    services.contribution_submit(actor=focal_defence, contribution=c)
    html = html_of(coordinator_client.get(reverse("reporting:line-review", args=[kinds.pk, "7.c"])))
    assert "EUR 500,000 · marker 2 (principal) · civil society" in html
    assert "12.5 % (5 of 40)" in html
    assert ">Yes<" in html or "Yes" in html
    assert "Afghanistan" in html and "EUR 300,000" in html
