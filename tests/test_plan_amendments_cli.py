"""`naptrack plan amend`, `plan history`, and `plan load` of a changed file once rounds have opened."""

from __future__ import annotations

import copy
import json

import pytest

from naptrack.plans.exports import plan_document
from naptrack.plans.models import Action, PlanVersion
from tests.portal_data import new_round
from tests.test_cli import run

NEW_TEXT = "Train every Federal Police officer deployed abroad on sexual violence in conflict."


def changed_file(plan, tmp_path):
    document = copy.deepcopy(plan_document(plan))
    lines = {a["code"]: a for o in document["objectives"] for g in o["goals"] for a in g["actions"]}
    lines["23.b"]["text"] = NEW_TEXT
    lines["3.a"]["departments"].append("defence")
    goal_37 = next(g for o in document["objectives"] for g in o["goals"] if g["number"] == 37)
    goal_37["actions"].append(
        {
            "code": "38",
            "text": "A new line.",
            "instruments": [{"text": "Done.", "kind": "yes-no"}],
            "departments": ["equality"],
            "coordinator": None,
            "notes": [],
        }
    )
    for objective in document["objectives"]:
        objective["goals"] = [g for g in objective["goals"] if g["number"] != 12]
    document["title"] = "Another title"
    path = tmp_path / "changed.json"
    path.write_text(json.dumps(document))
    return path


@pytest.fixture
def opened(plan, coordinator):
    return new_round(plan, coordinator, "annual", 2014)


def test_plan_load_of_a_changed_file_on_a_plan_with_rounds_is_an_amendment(plan, opened, capsys, tmp_path):
    path = changed_file(plan, tmp_path)
    code, out, err = run(capsys, "plan", "load", str(path), "--dry-run")
    assert code == 0, err
    assert out.splitlines() == [
        "line 3.a: department defence added",
        "line 23.b: text changed",
        "line 38: added",
        "line 12: retired",
    ]
    assert "left alone: the plan's title" in err
    assert not PlanVersion.objects.filter(plan=plan, number=2).exists()

    code, out, err = run(capsys, "plan", "load", str(path), "--effective", "2015-01-01", "--reason", "Review")
    assert code == 0, err
    assert "plan be-nap-2013-2016 amended: version 2" in out
    retired = Action.objects.get(plan=plan, code="12")
    assert retired.retired_in.number == 2  # kept for the round that asked for it, not deleted
    assert Action.objects.get(plan=plan, code="23.b").text == NEW_TEXT
    opened.refresh_from_db()
    assert opened.plan_version.number == 1


def test_plan_amend_and_history(plan, opened, capsys, tmp_path):
    path = changed_file(plan, tmp_path)
    code, out, err = run(
        capsys, "plan", "amend", plan.slug, str(path), "--effective", "2015-03-01", "--reason", "Mid-term review"
    )
    assert code == 0, err
    assert "line 38: added" in out and out.endswith("plan be-nap-2013-2016: version 2, in force from 2015-03-01\n")
    code, out, err = run(capsys, "plan", "history", plan.slug)
    assert code == 0
    assert "version 2, in force from 2015-03-01" in out
    assert "  reason: Mid-term review" in out
    assert "  line 12: retired" in out
    # Loading the same file again changes nothing.
    code, out, err = run(capsys, "plan", "amend", plan.slug, str(path), "--effective", "2015-04-01", "--reason", "x")
    assert code == 0 and "the file changes nothing" in out


def test_plan_amend_refuses_an_impossible_change_and_writes_nothing(plan, opened, capsys, tmp_path):
    document = copy.deepcopy(plan_document(plan))
    document["objectives"][0]["goals"][0]["actions"][0]["departments"].append("nowhere")
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document))
    code, out, err = run(capsys, "plan", "amend", plan.slug, str(path), "--effective", "2015-03-01", "--reason", "x")
    assert code != 0 and out == ""
    assert "nowhere" in err
    assert PlanVersion.objects.filter(plan=plan).count() == 1


def test_plan_amend_needs_its_date_and_reason(plan, capsys, tmp_path):
    path = changed_file(plan, tmp_path)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "plan", "amend", plan.slug, str(path))
    assert exit_info.value.code == 2
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "plan", "amend", plan.slug, str(path), "--effective", "2015-13-01", "--reason", "x")
    assert exit_info.value.code == 2
    assert "not a date in the form YYYY-MM-DD: '2015-13-01'" in capsys.readouterr().err


def test_plan_history_of_a_plan_never_amended(plan, capsys):
    code, out, _err = run(capsys, "plan", "history", plan.slug)
    assert code == 0 and "not amended" in out
