"""The coordinator sets the kind of answer an instrument asks for; once a round has been opened
under the plan, that is an amendment with its reason."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from naptrack.audit.models import AuditEvent
from naptrack.plans.instruments import instrument_kind_set
from naptrack.plans.models import Instrument, TranslationState
from naptrack.reporting.models import Measurement
from naptrack.reporting.services import contribution_save
from tests.conftest import contribution_of, logged_in

pytestmark = pytest.mark.django_db


def instrument(plan, code: str, position: int = 1) -> Instrument:
    return Instrument.objects.select_related("action__plan").get(
        action__plan=plan, action__code=code, position=position
    )


def edit_url(plan, item: Instrument) -> str:
    return reverse("plan-instrument-edit", args=[plan.slug, item.pk])


def test_coordinator_sets_a_count_and_its_unit(plan, coordinator):
    item = instrument(plan, "5.a")  # "Methods of information used.", text today
    assert instrument_kind_set(actor=coordinator, instrument=item, kind="count", unit="information sessions")
    item.refresh_from_db()
    assert (item.kind, item.unit_en, item.by_sex) == ("count", "information sessions", False)
    event = AuditEvent.objects.get(action="plans.instrument.kind_set")
    assert event.target_id == str(item.pk)
    assert event.data == {
        "line": "5.a",
        "before": {"kind": "qualitative", "by_sex": False, "unit": ""},
        "after": {"kind": "count", "by_sex": False, "unit": "information sessions"},
    }
    latest = item.history.first()
    assert (latest.kind, latest.history_user) == ("count", coordinator), "the row's history names who changed it"
    assert item.history.count() == 2


def test_setting_the_same_kind_again_changes_nothing(plan, coordinator):
    item = instrument(plan, "6.a")
    assert not instrument_kind_set(actor=coordinator, instrument=item, kind="count", unit="trainings")
    assert not AuditEvent.objects.filter(action__startswith="plans.instrument.").exists()
    assert item.history.count() == 1


def test_a_new_unit_drops_the_translations_of_the_old_one(plan, coordinator):
    item = instrument(plan, "7.a")
    item.unit_fr = "experts"
    item.save()
    TranslationState.objects.create(kind="instrument", object_id=item.pk, field="unit", language="fr", state="official")
    instrument_kind_set(actor=coordinator, instrument=item, kind="count", unit="gender experts")
    item.refresh_from_db()
    assert (item.unit_en, item.unit_fr) == ("gender experts", None)
    assert not TranslationState.objects.filter(object_id=item.pk, field="unit").exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": "count", "by_sex": True}, "by_sex"),
        ({"kind": "quantitative", "unit": "x" * 41}, "unit"),
        ({"kind": "percentage"}, "kind"),
    ],
)
def test_values_that_do_not_fit_are_refused_by_field(plan, coordinator, values, field):
    item = instrument(plan, "5.a")
    with pytest.raises(ValidationError) as info:
        instrument_kind_set(actor=coordinator, instrument=item, **values)
    assert list(info.value.message_dict) == [field]
    item.refresh_from_db()
    assert item.kind == "qualitative"


def test_a_count_of_people_by_sex_is_a_number(plan, coordinator):
    item = instrument(plan, "6.c")
    instrument_kind_set(actor=coordinator, instrument=item, kind="quantitative", by_sex=True, unit="people trained")
    item.refresh_from_db()
    assert (item.kind, item.by_sex, item.unit_en) == ("quantitative", True, "people trained")


@pytest.mark.parametrize("persona", ["focal_defence", "reader"])
def test_only_the_coordinator_sets_a_kind(plan, persona, request):
    item = instrument(plan, "5.a")
    with pytest.raises(PermissionDenied):
        instrument_kind_set(actor=request.getfixturevalue(persona), instrument=item, kind="count")
    client = logged_in(request.getfixturevalue(persona))
    assert client.get(reverse("plan-instruments", args=[plan.slug])).status_code == 403
    assert client.get(edit_url(plan, item)).status_code == 403
    assert client.post(edit_url(plan, item), {"kind": "count"}).status_code == 403
    item.refresh_from_db()
    assert item.kind == "qualitative"


def test_after_a_round_opened_the_change_needs_its_reason(plan, coordinator, open_round):
    item = instrument(plan, "5.a")
    with pytest.raises(ValidationError) as info:
        instrument_kind_set(actor=coordinator, instrument=item, kind="count", unit="sessions")
    assert info.value.message_dict == {
        "reason": ["Say why the kind changes: rounds have already been opened under this plan."]
    }
    instrument_kind_set(
        actor=coordinator, instrument=item, kind="count", unit="sessions", reason="Departments report sessions held."
    )
    # An amendment: a new version of the plan, the rounds already opened keeping the question.
    event = AuditEvent.objects.get(action="plans.plan.amended")
    assert event.data["reason"] == "Departments report sessions held."
    assert event.data["changes"] == [
        {
            "op": "instrument-kind",
            "line": "5.a",
            "instrument": 1,
            "kind": "count",
            "by_sex": False,
            "unit": "sessions",
            "before": "qualitative",
            "replaced_by": 2,
        }
    ]
    # The open round keeps the question it asked; a new instrument asks the new one.
    item.refresh_from_db()
    assert item.kind == "qualitative" and item.retired_in.number == 2
    new = Instrument.objects.get(action=item.action, introduced_in=item.retired_in)
    assert (new.kind, new.unit, new.text) == ("count", "sessions", item.text)
    open_round.refresh_from_db()
    assert open_round.plan_version.number == 1 and plan.versions.count() == 2
    assert not AuditEvent.objects.filter(action="plans.instrument.kind_set").exists()


def test_a_draft_round_is_no_amendment(plan, coordinator, annual_round):
    instrument_kind_set(actor=coordinator, instrument=instrument(plan, "5.a"), kind="yes-no")
    assert AuditEvent.objects.filter(action="plans.instrument.kind_set").count() == 1


def test_an_instrument_answered_with_figures_keeps_its_kind_and_they_their_values(
    plan, coordinator, focal_defence, open_round
):
    item = instrument(plan, "7.b")  # "Experts provided and trained.", a count of experts
    contribution = contribution_of(open_round, "7.b", "defence")
    contribution_save(
        actor=focal_defence,
        contribution=contribution,
        version=contribution.version,
        data={"measurements": [{"instrument": item.pk, "value": "4", "text": "Four gender advisers."}]},
    )
    with pytest.raises(ValidationError) as error:
        instrument_kind_set(
            actor=coordinator, instrument=item, kind="qualitative", reason="Names matter more than numbers."
        )
    assert "kind" in error.value.message_dict
    assert Instrument.objects.get(pk=item.pk).kind == "count"
    measurement = Measurement.objects.get(instrument=item)
    assert (measurement.value, measurement.text) == (4, "Four gender advisers.")


def test_the_list_shows_every_instrument_with_its_kind(plan, coordinator_client, django_assert_num_queries):
    url = reverse("plan-instruments", args=[plan.slug])
    with django_assert_num_queries(7):
        response = coordinator_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('<tr id="instrument-') == Instrument.objects.filter(action__plan=plan).count() == 122
    assert "Rounds have already been opened" not in html
    row = html.split(f'id="instrument-{instrument(plan, "3.a").pk}"')[1].split("</tr>")[0]
    assert "Financial support." in row and "amount of money" in row


def test_the_list_states_the_consequence_once_a_round_opened(plan, coordinator_client, open_round):
    html = coordinator_client.get(reverse("plan-instruments", args=[plan.slug])).content.decode()
    assert "Rounds have already been opened under this plan" in html


def test_the_form_saves_and_goes_back_to_the_list(plan, coordinator_client, django_assert_num_queries):
    item = instrument(plan, "27")
    with django_assert_num_queries(5):
        assert coordinator_client.get(edit_url(plan, item)).status_code == 200
    response = coordinator_client.post(
        edit_url(plan, item), {"kind": "count", "unit": "awareness-raising actions"}, follow=True
    )
    assert response.redirect_chain[0][0].endswith(f"/instruments/#instrument-{item.pk}")
    assert "Line 27, instrument 1: the kind of answer is saved." in response.content.decode()
    item.refresh_from_db()
    assert (item.kind, item.unit_en) == ("count", "awareness-raising actions")


def test_the_form_shows_errors_beside_their_fields(plan, coordinator_client, open_round):
    item = instrument(plan, "27")
    response = coordinator_client.post(edit_url(plan, item), {"kind": "share", "by_sex": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="amendment"' in html
    assert 'id="id_by_sex_error"' in html and 'id="id_reason_error"' in html
    assert 'aria-invalid="true"' in html
    item.refresh_from_db()
    assert item.kind == "qualitative"


def test_an_instrument_of_another_plan_is_not_found(plan, coordinator_client):
    item = instrument(plan, "27")
    assert coordinator_client.get(reverse("plan-instrument-edit", args=["other-plan", item.pk])).status_code == 404
