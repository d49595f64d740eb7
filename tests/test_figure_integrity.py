"""What a change of figures must never do: leave a breakdown the department emptied, overflow a
column with a sum of countries, or let an instrument answered with figures change its kind (its
figures would then be read as another kind's in every total)."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from naptrack.plans import instruments
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Instrument
from naptrack.plans.services import plan_load
from naptrack.reporting.models import Contribution, CountryFigure
from tests.conftest import logged_in
from tests.test_figure_kinds import contribution, instrument, kinds, save  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_a_breakdown_emptied_is_removed_and_the_version_moves(kinds, focal_defence):  # noqa: F811
    c = save(
        focal_defence,
        contribution(kinds, "money"),
        "money",
        value="100",
        countries=[{"country": "AF", "value": "60"}, {"country": "CD", "value": "40"}],
    )
    assert CountryFigure.objects.filter(measurement__contribution=c).count() == 2
    c = save(focal_defence, c, "money", countries=[])
    assert c.version == 3
    assert not CountryFigure.objects.filter(measurement__contribution=c).exists()
    assert c.measurements.get(instrument=instrument(c, "money")).value == 100


@pytest.mark.parametrize(
    ("kind", "rows"),
    [
        ("money", [{"country": "VN", "value": "900000000000"}, {"country": "ID", "value": "900000000000"}]),
        ("by-sex", [{"country": "AF", "women": 1_000_000_000}, {"country": "ML", "women": 1_000_000_000}]),
    ],
)
def test_countries_adding_up_beyond_a_column_are_refused(kinds, focal_defence, kind, rows):  # noqa: F811
    c = contribution(kinds, kind)
    with pytest.raises(ValidationError) as error:
        save(focal_defence, c, kind, countries=rows)
    assert f"measurements.{instrument(c, kind).pk}.countries" in error.value.message_dict
    assert Contribution.objects.get(pk=c.pk).version == 1
    assert not CountryFigure.objects.filter(measurement__contribution=c).exists()


def test_an_amount_that_rounds_beyond_the_column_is_refused(kinds, focal_defence):  # noqa: F811
    c = contribution(kinds, "money")
    with pytest.raises(ValidationError) as error:
        save(focal_defence, c, "money", value="999999999999.99999")
    key = f"measurements.{instrument(c, 'money').pk}.value"
    assert error.value.message_dict[key] == ["This number is too large."]


def test_an_instrument_answered_with_figures_keeps_its_kind(kinds, focal_defence, coordinator):  # noqa: F811
    c = save(focal_defence, contribution(kinds, "share"), "share", numerator="5", denominator="40")
    share = instrument(c, "share")
    with pytest.raises(ValidationError) as error:
        instruments.instrument_kind_set(actor=coordinator, instrument=share, kind="count", reason="Counted now.")
    assert "already answered this instrument with figures" in error.value.message_dict["kind"][0]
    assert Instrument.objects.get(pk=share.pk).kind == "share"
    # Its unit may still change; an instrument without figures may change its kind.
    assert instruments.instrument_kind_set(
        actor=coordinator, instrument=share, kind="share", unit="of staff", reason="Named."
    )
    money = instrument(c, "money")
    assert instruments.instrument_kind_set(actor=coordinator, instrument=money, kind="count", reason="Not money.")


def test_a_plan_file_cannot_change_the_kind_of_an_answered_instrument(kinds, focal_defence, coordinator, be_document):  # noqa: F811
    answered = contribution(kinds, "share")
    save(focal_defence, answered, "share", numerator="5", denominator="40")
    old = Instrument.objects.get(action__plan=kinds.plan, action__code="7.c", position=2)
    document = copy.deepcopy(plan_document(kinds.plan))
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                if action["code"] == "7.c":
                    action["instruments"][1]["kind"] = "count"
    # A round has opened: the file is an amendment, and the answered question stays what it was,
    # retired with its figures; a new instrument asks the new one.
    summary = plan_load(actor=coordinator, document=document, reason="Count the sessions instead.")
    old.refresh_from_db()
    assert old.kind == "share" and old.retired_in == summary.amendment
    assert answered.measurements.get(instrument=old).numerator == 5
    new = Instrument.objects.get(action=old.action, introduced_in=summary.amendment)
    assert new.kind == "count" and new.text == old.text


def test_the_instruments_screen_answers_the_rule_not_the_model_permission(plan, reader):
    from django.contrib.auth.models import Permission

    reader.user_permissions.add(Permission.objects.get(codename="change_instrument"))
    response = logged_in(reader).get(f"/plans/{plan.slug}/instruments/")
    assert response.status_code == 403
