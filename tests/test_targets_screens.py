"""The coordinator sets, amends and removes targets (plans/targets.py and its screens); a closed
round keeps the target of its time; the round's dashboard and the line page show progress."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Instrument, Plan, Target
from naptrack.plans.targets import target_remove, target_set
from naptrack.reporting.progress import progress
from naptrack.reporting.services import round_close
from tests.conftest import logged_in
from tests.portal_data import new_round
from tests.targets_data import EXPECTED, four_rounds, load_targets

pytestmark = pytest.mark.django_db
# The dashboard's 16 (tests/test_coordination_screens.py, with progress's first) and progress's 5 others.
DASHBOARD_QUERIES = 16 + 5
# The line page's 18 (tests/test_coordination_screens.py) without whether its line has a target.
LINE_QUERIES = 17


def instrument(plan, code: str, position: int = 1) -> Instrument:
    return Instrument.objects.select_related("action__plan").get(
        action__plan=plan, action__code=code, position=position
    )


@pytest.fixture
def targets(plan, coordinator, be_document):
    load_targets(be_document, coordinator)
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def rounds(targets, coordinator):
    return four_rounds(targets, coordinator)


def errors_of(**kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        target_set(**kwargs)
    return error.value.message_dict


# The service


def test_the_coordinator_sets_a_target_with_milestones_kept_in_history(plan, coordinator):
    item = instrument(plan, "20.b", 2)  # a count
    target = target_set(
        actor=coordinator,
        instrument=item,
        year=2016,
        value=Decimal(200),
        baseline_year=2012,
        baseline_value=Decimal(100),
        milestones=[(2014, Decimal(150))],
    )
    assert (target.value, target.source, target.effective_from) == (200, "plan", None)
    assert [(m.year, m.value) for m in target.milestones.all()] == [(2014, 150)]
    event = AuditEvent.objects.get(action="plans.target.set")
    assert event.data["before"] is None and event.data["after"]["milestones"] == [[2014, "150"]]
    assert target.history.first().history_user == coordinator
    target_set(actor=coordinator, instrument=item, year=2016, value=Decimal(220), milestones=[(2015, Decimal(190))])
    target = Target.objects.get(instrument=item)
    assert [(m.year, m.value) for m in target.milestones.all()] == [(2015, 190)]
    assert target.history.count() == 2
    assert AuditEvent.objects.filter(action="plans.target.set").count() == 2


def test_only_a_coordinator_sets_a_target(plan, focal_defence, reader):
    for actor in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            target_set(actor=actor, instrument=instrument(plan, "20.b", 2), year=2016, value=Decimal(1))
        with pytest.raises(PermissionDenied):
            target_remove(actor=actor, instrument=instrument(plan, "20.b", 2))


@pytest.mark.parametrize(
    ("code", "position", "fields", "field", "message"),
    [
        ("23.a", 1, {"year": 2016, "value": Decimal(30)}, "value", "between 0 % and 100 %"),
        ("16.a", 1, {"year": 2016, "value": Decimal(130)}, "value", "between 0 and 100"),
        ("20.b", 2, {"year": 2016, "value": Decimal("2.5")}, "value", "whole number"),
        ("20.b", 2, {"year": 2016}, "value", "Give the target's figure"),
        ("20.b", 2, {"year": 2016, "value": Decimal(5), "text": "More"}, "text", "give its target as a figure"),
        ("26.a", 1, {"year": 2016, "value": Decimal(1)}, "value", "its target is a text"),
        ("26.a", 1, {"year": 2016}, "text", "Say the target in words"),
        ("20.b", 2, {"year": 1900, "value": Decimal(5)}, "year", "Give a year from"),
        ("20.b", 2, {"year": 2016, "value": Decimal(5), "baseline_year": 2012}, "baseline_value", "year and value"),
        (
            "20.b",
            2,
            {"year": 2015, "value": Decimal(5), "milestones": [(2016, Decimal(3))]},
            "milestones.0.year",
            "no later than the target's year",
        ),
        (
            "20.b",
            2,
            {"year": 2016, "value": Decimal(5), "milestones": [(2014, Decimal(3)), (2014, Decimal(4))]},
            "milestones.1.year",
            "2014 has a milestone already",
        ),
    ],
)
def test_targets_that_do_not_fit_their_instrument_are_refused_per_field(
    plan, coordinator, code, position, fields, field, message
):
    errors = errors_of(actor=coordinator, instrument=instrument(plan, code, position), **fields)
    assert any(message in e for e in errors[field]), errors


def test_once_a_round_opened_a_change_is_an_amendment_with_its_reason(targets, coordinator):
    new_round(targets, coordinator, "annual", 2013)
    item = instrument(targets, "20.b", 2)
    errors = errors_of(actor=coordinator, instrument=item, year=2016, value=Decimal(250))
    assert "rounds have already been opened" in errors["reason"][0]
    target = target_set(actor=coordinator, instrument=item, year=2016, value=Decimal(250), reason="Agreed in 2013.")
    assert (target.source, target.effective_from, target.reason) == (
        "amendment",
        timezone.localdate(),
        "Agreed in 2013.",
    )
    event = AuditEvent.objects.get(action="plans.target.amended")
    assert (event.data["before"]["value"], event.data["after"]["value"], event.data["reason"]) == (
        "200",
        "250",
        "Agreed in 2013.",
    )
    with pytest.raises(ValidationError):
        target_remove(actor=coordinator, instrument=item)
    assert target_remove(actor=coordinator, instrument=item, reason="Dropped.")
    assert AuditEvent.objects.get(action="plans.target.removed").data["before"]["value"] == "250"
    assert Target.history.filter(id=target.pk).count() == 3  # loaded, amended, removed


def test_a_closed_round_keeps_the_target_of_its_time(targets, rounds, coordinator):
    closed = round_close(actor=coordinator, round=rounds[2014])
    item = instrument(targets, "20.b", 2)
    target_set(
        actor=coordinator,
        instrument=item,
        year=2016,
        value=Decimal(150),
        baseline_year=2012,
        baseline_value=Decimal(100),
        milestones=[(2015, Decimal(140))],
        reason="Lowered.",
        effective_from=dt.date(2015, 1, 1),
    )
    then = {p.target.instrument.action.code: p for p in progress(targets, closed)}
    assert then["20.b"].target.value == 200 and then["20.b"].status == "on-track"
    now = {p.target.instrument.action.code: p for p in progress(targets, rounds[2015])}
    assert now["20.b"].target.value == 150 and now["20.b"].status == "achieved"
    assert now["20.b"].milestone == 140 and then["20.b"].milestone is None


def test_progress_of_a_closed_round_keeps_its_query_count(targets, rounds, coordinator, django_assert_num_queries):
    closed = round_close(actor=coordinator, round=rounds[2014])
    with django_assert_num_queries(7):
        assert len(progress(targets, closed)) == 5


# The screens


def test_only_a_coordinator_sees_the_targets_screens(targets, focal_defence, reader, anonymous):
    item = instrument(targets, "20.b", 2)
    urls = [
        reverse("plan-target-list", args=[targets.slug]),
        reverse("plan-target-edit", args=[targets.slug, item.pk]),
        reverse("plan-target-remove", args=[targets.slug, item.pk]),
    ]
    for user in (focal_defence, reader):
        client = logged_in(user)
        for url in urls:
            assert client.get(url).status_code == 403
            assert client.post(url, {}).status_code == 403
    assert anonymous.get(urls[0]).status_code == 302


def test_the_list_shows_each_target_and_offers_the_others(targets, coordinator_client, django_assert_num_queries):
    url = reverse("plan-target-list", args=[targets.slug])
    with django_assert_num_queries(8):
        response = coordinator_client.get(url)
    html = response.content.decode()
    assert html.count('<tr id="instrument-') == 122
    assert html.count("Add a target") == 117
    row = html.split(f'id="instrument-{instrument(targets, "23.a").pk}"')[1].split("</tr>")[0]
    assert "2014: 7 %" in row and "10 % (2016)" in row
    row = html.split(f'id="instrument-{instrument(targets, "21", 2).pk}"')[1].split("</tr>")[0]
    assert "a later agreement" in row


def test_the_form_takes_percentages_of_women_and_milestone_rows(targets, coordinator_client, django_assert_num_queries):
    item = instrument(targets, "23.a")
    url = reverse("plan-target-edit", args=[targets.slug, item.pk])
    with django_assert_num_queries(7):
        response = coordinator_client.get(url)
    html = response.content.decode()
    assert 'name="milestones-3-year"' in html and 'name="milestones-4-year"' not in html  # one saved, three blank
    assert "Rounds have already been opened" not in html and 'name="reason"' not in html
    data = {
        "milestones-TOTAL_FORMS": "4",
        "milestones-INITIAL_FORMS": "1",
        "milestones-0-year": "2014",
        "milestones-0-value": "8",
        "milestones-1-year": "2015",
        "milestones-1-value": "9",
        "year": "2016",
        "value": "12",
        "direction": "up",
        "source": "plan",
    }
    response = coordinator_client.post(url, data, follow=True)
    assert response.redirect_chain[0][0].endswith(f"#instrument-{item.pk}")
    target = Target.objects.get(instrument=item)
    assert target.value == Decimal("0.12")
    assert [(m.year, m.value) for m in target.milestones.all()] == [(2014, Decimal("0.08")), (2015, Decimal("0.09"))]


def test_the_form_shows_errors_inline_and_keeps_what_was_typed(targets, coordinator_client):
    item = instrument(targets, "20.b", 2)
    url = reverse("plan-target-edit", args=[targets.slug, item.pk])
    data = {
        "milestones-TOTAL_FORMS": "3",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-year": "2017",
        "milestones-0-value": "190",
        "year": "2016",
        "value": "2.5",
        "direction": "up",
        "source": "plan",
    }
    response = coordinator_client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "A count is a whole number" in html and 'aria-invalid="true"' in html
    assert "A milestone comes no later than the target&#x27;s year." in html
    assert 'value="2017"' in html and 'value="2.5"' in html


def test_after_a_round_opened_the_form_asks_for_the_reason(targets, coordinator, coordinator_client):
    new_round(targets, coordinator, "annual", 2013)
    item = instrument(targets, "26.a")
    url = reverse("plan-target-edit", args=[targets.slug, item.pk])
    html = coordinator_client.get(url).content.decode()
    assert "this change amends the plan" in html and 'name="reason"' in html and 'name="value"' not in html
    data = {"year": "2015", "text": "Adopted and debated.", "source": "amendment"}
    response = coordinator_client.post(url, data)
    assert response.status_code == 400 and "Say why the target changes" in response.content.decode()
    response = coordinator_client.post(url, {**data, "reason": "A year later."})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="plans.target.amended").count() == 1
    remove = reverse("plan-target-remove", args=[targets.slug, item.pk])
    assert "needs its reason" in coordinator_client.get(remove).content.decode()
    assert coordinator_client.post(remove, {}).status_code == 400
    assert coordinator_client.post(remove, {"reason": "Done."}).status_code == 302
    assert not Target.objects.filter(instrument=item).exists()


# Where progress shows: the round's dashboard and the line's page


def test_the_dashboard_counts_statuses_and_lists_the_targets_behind(
    targets, rounds, coordinator_client, django_assert_num_queries
):
    url = reverse("reporting:round-dashboard", args=[rounds[2015].pk])
    with django_assert_num_queries(DASHBOARD_QUERIES):
        html = coordinator_client.get(url).content.decode()
    section = html.split('id="targets"')[1].split("</section>")[0]
    behind = {code for (code, year), status in EXPECTED.items() if year == 2015 and status == "behind"}
    assert {row.split("/lines/")[1].split("/")[0] for row in section.split('class="target-behind"')[1:]} == behind
    assert f'data-status="behind">Behind: <strong>{len(behind)}</strong>' in section
    assert 'data-status="achieved">Achieved: <strong>1</strong>' in section
    assert 'data-department="justice"' in section


def test_the_dashboard_says_when_the_plan_has_no_targets(plan, annual_round, coordinator_client):
    html = coordinator_client.get(reverse("reporting:round-dashboard", args=[annual_round.pk])).content.decode()
    assert "The plan states no targets." in html


def test_the_line_page_draws_each_target_with_its_table(targets, rounds, coordinator_client, django_assert_num_queries):
    url = reverse("reporting:line-review", args=[rounds[2014].pk, "23.a"])
    with django_assert_num_queries(LINE_QUERIES + 7):
        html = coordinator_client.get(url).content.decode()
    section = html.split('id="targets"')[1].split("</section>")[0]
    assert f'data-status="{EXPECTED[("23.a", 2014)]}"' in section
    assert 'src="data:image/svg+xml;base64,' in section and "Line chart. Values by year: 2013: 7.0" in section
    assert '<th scope="row">2014</th><td>6.0\u00a0%</td><td>7.0\u00a0%</td><td>behind</td>' in section
    text = coordinator_client.get(reverse("reporting:line-review", args=[rounds[2014].pk, "26.a"])).content.decode()
    assert f'data-status="{EXPECTED[("26.a", 2014)]}"' in text and "<img" not in text.split('id="targets"')[1]
    with django_assert_num_queries(LINE_QUERIES + 1):  # a line without a target: asked once
        coordinator_client.get(reverse("reporting:line-review", args=[rounds[2014].pk, "14.a"]))
