"""Published reporting rounds on the real Belgian plan, made through the services, shared by the
portal's tests (test_portal.py, test_never_leaks.py, test_portal_browser.py)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from naptrack.plans.models import Instrument
from naptrack.portal import publishing
from naptrack.publications import services as publications
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution, Round

# What the departments wrote: each phrase occurs once in the data, so a test can tell where it shows.
FA_2014 = "Foreign Affairs trained seventy diplomats on resolution 1325 in Kabul."
DEFENCE_2014 = "Defence deployed gender advisers with the training mission in Mali."
JUSTICE_2014 = "Justice reported to the CEDAW committee in October."
FA_2012 = "Foreign Affairs counted its diplomats by sex for the baseline."
SYNTHESIS_21 = "The share of women among diplomats rose since the baseline."


def as_numbers(plan, code: str) -> None:
    """Line `code`'s instruments ask for a number with its unit, not by sex: the tests that show
    such a figure use line 16.a, whose ratios the bundled plan asks as shares."""
    Instrument.objects.filter(action__plan=plan, action__code=code).update(kind="quantitative", by_sex=False)


def as_text(plan, code: str) -> None:
    """Line `code`'s instruments ask for text only."""
    Instrument.objects.filter(action__plan=plan, action__code=code).update(kind="qualitative", by_sex=False)


def fill(round_, code: str, department: str, actor, coordinator, *, then: str = "approved", **data):
    """A department's contribution saved, then submitted and approved when `then` says so.
    `answers` maps an instrument's number in its line to its answer."""
    contribution = Contribution.objects.get(round=round_, action__code=code, department__code=department)
    instruments = list(Instrument.objects.filter(action_id=contribution.action_id).order_by("position"))
    measurements = [
        {"instrument": instruments[number - 1].pk, **value} for number, value in data.pop("answers", {}).items()
    ]
    payload = {"status": data.pop("status", "in-progress"), **data}
    if measurements:
        payload["measurements"] = measurements
    contribution = reporting.contribution_save(
        actor=actor, contribution=contribution, version=contribution.version, data=payload
    )
    if then in ("submitted", "approved"):
        contribution = reporting.contribution_submit(actor=actor, contribution=contribution)
    if then == "approved":
        contribution = reporting.contribution_approve(actor=coordinator, contribution=contribution)
    return contribution


@contextmanager
def reports_not_written(monkeypatch):
    """Publishing stores the report to parliament as PDF and DOCX in three languages, which takes
    seconds; tests that are not about those files skip writing them."""
    with monkeypatch.context() as patched:
        patched.setattr(publications, "reports_build", lambda round, **kwargs: None)
        patched.setattr(publications, "reports_store", lambda **kwargs: [])
        yield


def publish(round_, coordinator, monkeypatch=None) -> Round:
    round_ = reporting.round_close(actor=coordinator, round=round_)
    if monkeypatch is None:
        return publishing.round_publish(actor=coordinator, round=round_)
    with reports_not_written(monkeypatch):
        return publishing.round_publish(actor=coordinator, round=round_)


def new_round(plan, coordinator, kind: str, year: int) -> Round:
    round_ = reporting.round_create(
        actor=coordinator, plan=plan, kind=kind, year=year, deadline=dt.date(year + 1, 3, 1)
    )
    return reporting.round_open(actor=coordinator, round=round_, notify=False)


def baseline_2012(plan, coordinator, monkeypatch=None) -> Round:
    """The 2012 baseline, published: Foreign Affairs' and Defence's figures on line 21."""
    round_ = new_round(plan, coordinator, "baseline", 2012)
    fill(
        round_,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        status="in-progress",
        narrative=FA_2012,
        answers={2: {"women": 20, "men": 50}},
    )
    fill(round_, "21", "defence", coordinator, coordinator, answers={2: {"women": 9, "men": 91}})
    return publish(round_, coordinator, monkeypatch)


def annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch=None, *, publish_it: bool = True) -> Round:
    """The 2014 annual round: public approved input on lines 1.a, 21, 23.a and 16.a; a synthesis on 21."""
    from naptrack.plans.models import Action

    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(
        round_,
        "1.a",
        "justice",
        focal_justice,
        coordinator,
        status="completed",
        narrative=JUSTICE_2014,
        countries=["CD"],
        answers={1: {"text": "Periodic report submitted to CEDAW."}},
    )
    fill(
        round_,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        status="continuous",
        narrative=FA_2014,
        countries=["AF"],
        answers={2: {"women": 30, "men": 40, "other": 0}},
    )
    fill(round_, "21", "defence", focal_defence, coordinator, answers={2: {"women": 12, "men": 88}})
    fill(
        round_,
        "23.a",
        "defence",
        focal_defence,
        coordinator,
        status="in-progress",
        narrative=DEFENCE_2014,
        countries=["ML"],
        answers={1: {"women": 7, "men": 93}},
    )
    as_numbers(plan, "16.a")
    fill(round_, "16.a", "defence", focal_defence, coordinator, answers={1: {"value": "0.25", "unit": "ratio"}})
    line_21 = Action.objects.get(plan=plan, code="21")
    reporting.synthesis_save(actor=coordinator, round=round_, action=line_21, text=SYNTHESIS_21, version=None)
    if not publish_it:
        return round_
    return publish(round_, coordinator, monkeypatch)


def with_current_kinds(document: dict) -> dict:
    """`document` (a plan file) with each instrument's kind as the database holds it now: a test
    that turned instruments into numbers and answered them reloads the plan without changing the
    kinds of answered instruments, which plan_load refuses."""
    import copy

    document = copy.deepcopy(document)
    kinds = {(i.action.code, i.position): (i.kind, i.by_sex) for i in Instrument.objects.select_related("action")}
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                for position, instrument in enumerate(action["instruments"], start=1):
                    kind, by_sex = kinds.get((action["code"], position), (instrument["kind"], False))
                    instrument["kind"] = kind
                    instrument.pop("by_sex", None)
                    if by_sex:
                        instrument["by_sex"] = True
    return document
