"""Loading naptrack-plan/1 files: validation that names the problem, all-or-nothing writes, and
updates in place that keep every row's identity."""

from __future__ import annotations

import copy
import json

import pytest

from naptrack.audit.models import AuditEvent
from naptrack.plans import exports, interchange
from naptrack.plans.models import Action, Department, Goal, Instrument, Objective, Plan, Responsibility
from naptrack.plans.services import plan_load

pytestmark = pytest.mark.django_db


def other_plan(be_document: dict, slug: str = "be-nap-test") -> dict:
    document = copy.deepcopy(be_document)
    document["slug"] = slug
    return document


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Plan, Objective, Goal, Action, Instrument, Department, Responsibility))


def problems(document) -> list[str]:
    with pytest.raises(interchange.PlanFormatError) as info:
        interchange.validate(document)
    return info.value.problems


def test_malformed_json_is_refused_with_its_position():
    with pytest.raises(interchange.PlanFormatError) as info:
        interchange.parse('{"format": "naptrack-plan/1", "slug": }')
    assert info.value.problems[0].startswith("$: not valid JSON: Expecting value at line 1 column 39")


def test_unknown_department_is_named_with_its_path(be_document):
    document = other_plan(be_document)
    document["objectives"][2]["goals"][0]["actions"][1]["departments"].append("finance")
    code = document["objectives"][2]["goals"][0]["actions"][1]["code"]
    n = len(document["objectives"][2]["goals"][0]["actions"][1]["departments"]) - 1
    assert problems(document) == [
        f"$.objectives[2].goals[0].actions[1].departments[{n}]: unknown department 'finance'; "
        "it must be listed in $.departments"
    ], code


def test_duplicate_line_code_is_refused(be_document):
    document = other_plan(be_document)
    document["objectives"][0]["goals"][0]["actions"][1]["code"] = "1.a"
    assert problems(document) == ["$.objectives[0].goals[0].actions[1].code: duplicate line of action code '1.a'"]


def test_missing_field_is_refused(be_document):
    document = other_plan(be_document)
    del document["objectives"][1]["goals"][3]["text"]
    del document["period"]
    assert problems(document) == ["$.period: missing", "$.objectives[1].goals[3].text: missing"]


def test_every_problem_is_listed_at_once(be_document):
    document = other_plan(be_document)
    document["format"] = "naptrack-plan/2"
    document["country"] = "XX"
    document["focus_countries"].append("ZZ")
    document["objectives"][0]["goals"][0]["actions"][0]["instruments"][0]["kind"] = "numeric"
    document["objectives"][0]["goals"][0]["actions"][0]["coordinator"] = "justice-x"
    document["objectives"][0]["goals"][0]["actions"][0]["instrument"] = []
    found = problems(document)
    assert found == [
        '$.format: must be "naptrack-plan/1", got "naptrack-plan/2"',
        "$.country: unknown ISO 3166-1 alpha-2 code 'XX'",
        "$.focus_countries[3]: unknown ISO 3166-1 alpha-2 code 'ZZ'",
        "$.objectives[0].goals[0].actions[0].instrument: unknown field",
        "$.objectives[0].goals[0].actions[0].instruments[0].kind: must be one of qualitative, quantitative, "
        'count, money, share, yes-no, got "numeric"',
        "$.objectives[0].goals[0].actions[0].coordinator: 'justice-x' must be one of the line's departments",
    ]


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d.__setitem__("slug", "Not A Slug"), "$.slug: use lower-case letters"),
        (lambda d: d["period"].__setitem__("end", 2010), "$.period.end: must not come before the start"),
        (lambda d: d["departments"].append(dict(d["departments"][0])), "duplicate department code 'foreign-affairs'"),
        (lambda d: d["departments"][4].__setitem__("parent", "nowhere"), "unknown department 'nowhere'"),
        (lambda d: d["objectives"][1].__setitem__("number", 1), "duplicate objective number 1"),
        (lambda d: d["objectives"][1]["goals"][0].__setitem__("number", 1), "duplicate goal number 1"),
        (
            lambda d: d["objectives"][0]["goals"][0]["actions"][0]["instruments"][0].__setitem__("by_sex", True),
            "only a quantitative instrument can be reported by sex",
        ),
        (lambda d: d["objectives"][0]["goals"][0]["actions"][0].__setitem__("departments", []), "must not be empty"),
        (lambda d: d["objectives"][0]["goals"][0].__setitem__("text", "  "), "must not be empty"),
        (lambda d: d.__setitem__("objectives", {}), "$.objectives: expected a list, got an object"),
    ],
)
def test_invalid_documents_name_the_problem(be_document, mutate, expected):
    document = other_plan(be_document)
    mutate(document)
    assert any(expected in p for p in problems(document)), problems(document)


def test_an_invalid_file_writes_nothing(be_document):
    before = counts()
    events = AuditEvent.objects.count()
    document = other_plan(be_document)
    document["objectives"][5]["goals"][-1]["actions"][-1]["departments"] = ["nobody"]
    with pytest.raises(interchange.PlanFormatError):
        plan_load(actor="tests", document=document)
    assert counts() == before
    assert AuditEvent.objects.count() == events


def test_a_failure_midway_rolls_back_everything(be_document, monkeypatch):
    """Even past validation, a failure halfway through the load leaves nothing behind."""
    from naptrack.plans import services

    before = counts()
    calls = {"n": 0}
    original = services._load_responsibilities

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 50:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "_load_responsibilities", failing)
    with pytest.raises(RuntimeError):
        plan_load(actor="tests", document=other_plan(be_document))
    assert counts() == before


def test_loading_a_new_plan_creates_it_and_audits_it(be_document):
    summary = plan_load(actor="tests", document=other_plan(be_document))
    assert summary.created
    assert summary.counts == {"objectives": 6, "goals": 37, "actions": 102, "instruments": 122, "departments": 10}
    event = AuditEvent.objects.get(action="plans.plan.loaded", target_id=str(summary.plan.pk))
    assert event.actor_name == "tests"
    assert event.data["counts"]["actions"] == 102


def test_reloading_the_same_plan_changes_nothing_and_duplicates_nothing(plan, be_document):
    ids = sorted(Action.objects.filter(plan=plan).values_list("pk", flat=True))
    before = counts()
    summary = plan_load(actor="tests", document=be_document)
    assert not summary.created
    assert summary.changes == {"created": 0, "updated": 0, "deleted": 0}
    assert counts() == before
    assert sorted(Action.objects.filter(plan=plan).values_list("pk", flat=True)) == ids


def test_reloading_an_edited_plan_updates_in_place(plan, be_document):
    line = Action.objects.get(plan=plan, code="14.a")
    instrument_ids = list(line.instruments.values_list("pk", flat=True))
    document = copy.deepcopy(be_document)
    goal = document["objectives"][2]["goals"][0]
    assert goal["number"] == 14
    goal["actions"][0]["text"] = "A reworded line."
    goal["actions"][0]["instruments"].append({"text": "Number of cases.", "kind": "quantitative"})
    goal["actions"][0]["departments"] = ["justice", "defence"]
    removed = goal["actions"].pop()
    summary = plan_load(actor="tests", document=document)

    line.refresh_from_db()
    assert line.text == "A reworded line."
    assert list(line.instruments.values_list("pk", flat=True))[: len(instrument_ids)] == instrument_ids
    assert line.instruments.count() == len(instrument_ids) + 1
    assert [r.department.code for r in line.responsibilities.select_related("department")] == ["justice", "defence"]
    assert not Action.objects.filter(plan=plan, code=removed["code"]).exists()
    assert summary.changes["deleted"] >= 1
    assert line.history.count() == 2, "the edit is kept in the line's history"


def test_export_json_load_export_json_is_byte_identical(plan, be_document):
    first = exports.plan_json(plan)
    assert first == interchange.dumps(be_document), "the bundled file is in canonical form"
    copy_document = json.loads(first)
    copy_document["slug"] = "copy"
    copied = plan_load(actor="tests", document=copy_document).plan
    second = exports.plan_json(copied)
    assert second.replace('"slug": "copy"', '"slug": "be-nap-2013-2016"', 1) == first


def test_departments_are_shared_between_plans(plan, be_document):
    plan_load(actor="tests", document=other_plan(be_document))
    assert Department.objects.filter(code="defence").count() == 1
    assert Plan.objects.get(slug="be-nap-test").departments.count() == 10


def test_export_query_count_does_not_grow_with_the_plan(plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        exports.plan_document(plan)
