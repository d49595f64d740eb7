"""Targets in the plan file and progress toward them (naptrack.reporting.progress), on the
Belgian plan with targets added to five instruments and four rounds of figures."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from naptrack import cli
from naptrack.plans import interchange
from naptrack.plans.exports import plan_json
from naptrack.plans.models import Plan, Target
from naptrack.plans.services import plan_load
from naptrack.reporting.progress import RULES, progress, shares_on_track
from tests.portal_data import fill, new_round
from tests.targets_data import EXPECTED, four_rounds, load_targets, with_targets

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(plan, coordinator, be_document):
    load_targets(be_document, coordinator)
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def rounds(targets, coordinator):
    return four_rounds(targets, coordinator)


def test_a_plan_file_with_targets_round_trips_byte_identically(targets, coordinator, be_document):
    first = plan_json(targets)
    document = json.loads(first)
    instruments = {
        a["code"]: a["instruments"] for o in document["objectives"] for g in o["goals"] for a in g["actions"]
    }
    assert instruments["23.a"][0]["target"] == {"year": 2016, "share_of_women": 0.1}
    assert instruments["23.a"][0]["milestones"] == [{"year": 2014, "share_of_women": 0.07}]
    assert instruments["21"][1]["target"] == {"year": 2016, "share_of_women": 0.4, "source": "agreement"}
    assert instruments["16.a"][0]["direction"] == "down"
    assert instruments["16.a"][0]["baseline"] == {"year": 2012, "value": 50}
    assert instruments["26.a"][0]["target"] == {"year": 2014, "text": "The NAP is adopted and presented to parliament."}
    assert "direction" not in instruments["26.a"][0]
    plan_load(actor=coordinator, document=document)
    assert plan_json(targets) == first
    assert Target.objects.filter(instrument__action__plan=targets).count() == 5


def test_a_plan_without_targets_loses_them_on_reload_and_keeps_their_history(targets, coordinator, be_document):
    target = Target.objects.get(instrument__action__code="16.a")
    plan_load(actor=coordinator, document=be_document)
    assert not Target.objects.filter(instrument__action__plan=targets).exists()
    assert Target.history.filter(id=target.pk).count() == 2  # created, deleted


@pytest.mark.parametrize(
    ("code", "position", "fields", "problem"),
    [
        ("23.a", 1, {"target": {"year": 2016, "value": 10}}, "target.value: use share_of_women"),
        ("20.b", 2, {"target": {"year": 2016, "share_of_women": 0.5}}, "target.share_of_women: use value"),
        ("20.b", 2, {"target": {"year": 2016, "text": "More."}}, "target: give its value"),
        ("26.a", 1, {"target": {"year": 2016, "value": 1}}, "a target of a text or yes/no instrument is a text"),
        ("20.b", 2, {"baseline": {"year": 2012, "value": 1}}, "baseline: is given only with a target"),
        (
            "20.b",
            2,
            {"target": {"year": 2015, "value": 9}, "milestones": [{"year": 2016, "value": 5}]},
            "milestones[0].year: comes after the target's year",
        ),
        (
            "20.b",
            2,
            {
                "target": {"year": 2016, "value": 9},
                "milestones": [{"year": 2014, "value": 5}, {"year": 2014, "value": 6}],
            },
            "milestones[1].year: 2014 has a milestone already",
        ),
        ("23.a", 1, {"target": {"year": 2016, "share_of_women": 1.5}}, "share_of_women"),
    ],
)
def test_targets_that_do_not_fit_their_instrument_are_named(be_document, code, position, fields, problem):
    document = with_targets(be_document)
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                if action["code"] == code:
                    instrument = action["instruments"][position - 1]
                    for key in ("baseline", "target", "milestones", "direction"):
                        instrument.pop(key, None)
                    instrument.update(fields)
    with pytest.raises(interchange.PlanFormatError) as error:
        interchange.validate(document)
    assert any(problem in p for p in error.value.problems), error.value.problems


def _statuses(plan, round_) -> dict[str, str]:
    return {p.target.instrument.action.code: p.status for p in progress(plan, round_)}


def test_progress_goes_up_down_misses_a_milestone_and_reaches_the_target(targets, rounds):
    for (code, year), status in EXPECTED.items():
        assert _statuses(targets, rounds[year])[code] == status, (code, year)


def test_progress_reads_values_shares_of_women_and_distances(targets, rounds, django_assert_num_queries):
    # Targets, their milestones, the lines' departments (2), the answers, the text lines' statuses.
    with django_assert_num_queries(6):
        items = {p.target.instrument.action.code: p for p in progress(targets, rounds[2014])}
    women = items["23.a"]
    assert women.baseline == (2012, Decimal("0.0500"))  # from the baseline round
    assert women.values == {2013: Decimal("0.0700"), 2014: Decimal("0.0600")}
    assert (women.milestone, women.to_milestone, women.to_target) == (
        Decimal("0.0700"),
        Decimal("-0.0100"),
        Decimal("-0.0400"),
    )
    assert items["20.b"].latest == 150  # two departments summed
    assert items["16.a"].latest == Decimal("35.0000") and items["16.a"].to_milestone == Decimal("5.0000")
    assert items["21"].latest is None and items["21"].rule == str(RULES["no-data"])


def test_the_baseline_is_dated_by_the_latest_baseline_round(targets, rounds, coordinator):
    # A baseline of a later year, recorded after the first (its contributions have the higher ids).
    later = new_round(targets, coordinator, "baseline", 2013)
    fill(later, "23.a", "defence", coordinator, coordinator, answers={1: {"women": 15, "men": 85}})
    women = next(p for p in progress(targets, rounds[2014]) if p.target.instrument.action.code == "23.a")
    assert women.baseline == (2013, Decimal("0.1000"))  # both baselines' people: 20 women of 200


def test_the_share_on_track_per_objective_and_department(targets, rounds):
    items = progress(targets, rounds[2014])
    by_objective = shares_on_track(items, "objective")
    assert by_objective[3] == (2, 2)  # 16.a and 20.b
    assert by_objective[4] == (0, 2)  # 23.a behind, 21 without data
    assert by_objective[5] == (1, 1)
    assert shares_on_track(items, "department")["defence"] == (2, 4)  # 16.a, 26.a on track; 21, 23.a not


def test_the_cli_prints_one_line_per_target(targets, rounds, capsys):
    assert cli.main(["plan", "targets", targets.slug, "--round", "2014"]) == 0
    out = capsys.readouterr().out.splitlines()
    lines = {line.split()[0]: line.split() for line in out[2:]}
    assert lines["23.a"] == ["23.a", "1", "0.06", "0.07", "0.1", "behind"]
    assert lines["20.b"] == ["20.b", "2", "150", "-", "200", "on-track"]
    assert lines["21"][-1] == "no-data"
    assert cli.main(["plan", "targets", targets.slug]) == 0  # the latest round: 2015
    assert "achieved" in capsys.readouterr().out


def test_the_cli_explains_what_it_cannot_find(targets, capsys):
    assert cli.main(["plan", "targets", targets.slug, "--round", "1999"]) != 0
    assert "no such round" in capsys.readouterr().err
    assert cli.main(["plan", "targets", "nope"]) != 0


def test_several_rounds_at_once_are_each_read_against_the_targets_of_their_time(
    targets, rounds, coordinator, django_assert_num_queries
):
    from naptrack.plans.models import Instrument
    from naptrack.plans.targets import target_set
    from naptrack.reporting import services as reporting
    from naptrack.reporting.progress import progress_rounds

    closed_2013 = reporting.round_close(actor=coordinator, round=rounds[2013])
    share = Instrument.objects.get(action__code="16.a", position=1)
    target_set(
        actor=coordinator,
        instrument=share,
        year=2016,
        value=Decimal(30),
        baseline_year=2012,
        baseline_value=Decimal(50),
        milestones=[(2014, Decimal(45))],
        direction="down",
        reason="Agreed with Justice in 2014.",
    )
    closed_2014 = reporting.round_close(actor=coordinator, round=rounds[2014])
    chosen = [closed_2013, closed_2014, rounds[2015]]
    # One history read for both closed rounds (five), the targets of now for the open one (four),
    # the answers and the text lines' statuses once.
    with django_assert_num_queries(11):
        together = progress_rounds(targets, chosen)
    for round_ in chosen:
        alone = progress(targets, round_)
        assert [(p.target.instrument_id, p.target.value, p.status, p.latest) for p in together[round_.pk]] == [
            (p.target.instrument_id, p.target.value, p.status, p.latest) for p in alone
        ]
    by_round = {r.year: {p.target.instrument.action.code: p for p in together[r.pk]} for r in chosen}
    assert by_round[2013]["16.a"].target.value == 20  # closed before the change
    assert by_round[2014]["16.a"].target.value == 30
    assert by_round[2014]["16.a"].milestone == 45 and by_round[2014]["16.a"].status == "on-track"


@pytest.mark.parametrize("value", [1e13, float("nan"), float("inf")])
def test_a_target_figure_the_column_cannot_hold_is_named(be_document, value):
    document = with_targets(be_document)
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                if action["code"] == "20.b":
                    action["instruments"][1]["target"]["value"] = value
    with pytest.raises(interchange.PlanFormatError) as error:
        interchange.validate(document)
    assert any("target.value: must be a finite number" in p for p in error.value.problems)


def test_withdrawn_figures_count_in_no_progress(targets, rounds, coordinator):
    from naptrack.reporting.models import Contribution

    Contribution.objects.filter(round=rounds[2015], action__code="23.a").update(withdrawn_at=rounds[2015].created_at)
    items = {p.target.instrument.action.code: p for p in progress(targets, rounds[2015])}
    assert 2015 not in items["23.a"].values and items["23.a"].status == "behind"


def test_unpublished_targets_stay_out_of_public_plan_files(targets, anonymous, coordinator, coordinator_client):
    from tests.conftest import BE

    def has_targets(client, url: str) -> bool:
        return '"target"' in client.get(url).content.decode()

    assert not has_targets(anonymous, f"/plans/{BE}/export.json")
    assert not has_targets(anonymous, f"/api/v1/plans/{BE}/")
    assert has_targets(coordinator_client, f"/plans/{BE}/export.json")
    from naptrack.portal.targets import plan_targets_publish

    plan_targets_publish(actor=coordinator, plan=targets)  # which also empties the page cache
    assert has_targets(anonymous, f"/plans/{BE}/export.json")
