"""Amending the Belgian plan between two rounds: the earlier round keeps the plan of its time,
byte for byte in its report; the later one follows the plan as amended."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import escape

from naptrack.audit.models import AuditEvent
from naptrack.plans import amendments
from naptrack.plans.amendment_files import plan_amend_document, read_changes
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Action, Instrument, Plan, PlanVersion
from naptrack.plans.services import plan_load
from naptrack.publications import services as publications
from naptrack.reporting.models import Contribution, Measurement
from tests.portal_data import DEFENCE_2014, fill, new_round, publish

NEW_TEXT_23B = "Train every Federal Police officer deployed abroad on sexual violence in conflict."
NEW_LINE = "Report each year on the women, peace and security agenda to the federal parliament committee."

CHANGES = [
    {"op": "line-retired", "line": "12"},
    {"op": "line-text", "line": "23.b", "text": NEW_TEXT_23B},
    {
        "op": "line-added",
        "line": "37.b",
        "goal": 37,
        "text": NEW_LINE,
        "instruments": [{"text": "Committee hearings held.", "kind": "count", "unit": "hearings"}],
        "departments": ["foreign-affairs", "equality"],
        "coordinator": "equality",
    },
    {"op": "instrument-retired", "line": "4.d", "instrument": 2},
    {"op": "instrument-added", "line": "15", "text": "Women among the officers trained.", "kind": "share"},
    {"op": "department-added", "line": "12.x", "department": "defence"},
]


def amend(plan, coordinator, change_list=None, **kwargs):
    return amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=change_list if change_list is not None else [c for c in CHANGES if c["line"] != "12.x"],
        effective_from=kwargs.pop("effective_from", dt.date(2015, 1, 1)),
        reason=kwargs.pop("reason", "Mid-term review: the council of ministers adjusted the plan."),
        **kwargs,
    )


@pytest.fixture
def round_2014(plan, coordinator, focal_defence, monkeypatch):
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "23.a", "defence", focal_defence, coordinator, narrative=DEFENCE_2014)
    return publish(round_, coordinator, monkeypatch)


def test_an_earlier_rounds_report_is_unchanged_byte_for_byte_after_an_amendment(plan, coordinator, round_2014):
    before = {
        (fmt, lang): publications.report_build(round_2014, fmt, lang) for fmt in ("html",) for lang in ("en", "fr")
    }
    version = amend(plan, coordinator)
    assert version.number == 2
    after = {key: publications.report_build(round_2014, *key) for key in before}
    assert after == before
    html = before[("html", "en")].decode()
    assert "37.b" not in html and NEW_LINE not in html
    # The text of 2014 still reads as it did.
    assert Action.objects.get(plan=plan, code="23.b").text != NEW_TEXT_23B or NEW_TEXT_23B not in html


def test_a_round_opened_after_the_amendment_follows_the_plan_as_amended(plan, coordinator, round_2014):
    amend(plan, coordinator)
    later = new_round(plan, coordinator, "annual", 2015)
    asked = set(Contribution.objects.filter(round=later).values_list("action__code", "department__code"))
    assert ("37.b", "equality") in asked and ("37.b", "foreign-affairs") in asked
    assert not any(code == "12" for code, _ in asked)
    retired = Instrument.objects.get(action__plan=plan, action__code="4.d", position=2)
    assert retired.retired_in.number == 2
    assert not Measurement.objects.filter(contribution__round=later, instrument=retired).exists()
    assert Measurement.objects.filter(contribution__round=round_2014, instrument=retired).exists()
    html = publications.report_build(later, "html", "en", draft=True).decode()
    assert NEW_LINE in html and NEW_TEXT_23B in html
    assert later.plan_version.number == 2
    # The earlier round was opened under version 1.
    round_2014.refresh_from_db()
    assert round_2014.plan_version.number == 1


def test_an_amendment_is_kept_with_its_date_reason_changes_and_audit_event(plan, coordinator, round_2014):
    version = amend(plan, coordinator)
    assert version.effective_from == dt.date(2015, 1, 1)
    assert [c["op"] for c in version.changes] == [
        "line-added",
        "line-retired",
        "line-text",
        "instrument-added",
        "instrument-retired",
    ]
    assert version.history.count() >= 1
    event = AuditEvent.objects.get(action="plans.plan.amended")
    assert event.data["version"] == 2 and event.data["changes"][0]["line"] == "37.b"
    assert [amendments.describe(c) for c in version.changes][:3] == [
        "line 37.b: added",
        "line 12: retired",
        "line 23.b: text changed",
    ]


def test_an_amendment_with_a_bad_change_writes_nothing(plan, coordinator, round_2014):
    with pytest.raises(amendments.AmendmentError) as caught:
        amend(plan, coordinator, CHANGES)  # the last change names a line that does not exist
    assert "line 12.x: the plan has no such line" in caught.value.messages
    assert PlanVersion.objects.filter(plan=plan).count() == 1  # the version the round opened under
    assert not Action.objects.filter(plan=plan, code="37.b").exists()
    assert Action.objects.get(plan=plan, code="12").retired_in is None


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"op": "line-retired", "line": "99"}, "line 99: the plan has no such line"),
        ({"op": "line-text", "line": "3.a", "text": " "}, "line 3.a: give a text"),
        ({"op": "instrument-retired", "line": "3.a", "instrument": 2}, "line 3.a: no instrument 2 in force"),
        ({"op": "department-removed", "line": "3.a", "department": "defence"}, None),
        ({"op": "focus-countries", "countries": ["XX"]}, "focus countries: unknown codes XX"),
        ({"op": "line-added", "line": "1.a", "goal": 1, "text": "x"}, None),
        ({"op": "instrument-kind", "line": "3.a", "instrument": 1, "kind": "count", "by_sex": True}, None),
    ],
)
def test_impossible_changes_are_named(plan, coordinator, change, message):
    with pytest.raises(amendments.AmendmentError) as caught:
        amend(plan, coordinator, [change])
    assert caught.value.messages
    if message:
        assert message in caught.value.messages


def test_only_the_coordinator_amends(plan, focal_defence, reader):
    for person in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            amend(plan, person)


def test_an_amendment_needs_a_reason_and_a_date_from_the_plans_period(plan, coordinator):
    with pytest.raises(amendments.AmendmentError) as caught:
        amend(plan, coordinator, reason=" ", effective_from=dt.date(2005, 1, 1))
    assert "Say why the plan is amended." in caught.value.messages
    assert "The amendment cannot take effect before the plan's period." in caught.value.messages


def test_a_draft_plans_amendment_deletes_what_it_takes_out(plan, coordinator):
    Plan.objects.filter(pk=plan.pk).update(state=Plan.State.DRAFT)
    plan.refresh_from_db()
    amend(plan, coordinator, [{"op": "line-retired", "line": "12"}])
    assert not Action.objects.filter(plan=plan, code="12").exists()


@pytest.mark.parametrize("effective_from", [dt.date(2013, 1, 1), dt.date(2015, 1, 1)])
def test_an_adopted_plan_keeps_what_it_takes_out_even_before_any_round(plan, coordinator, effective_from):
    # No round in naptrack yet, but any year of the plan may have been reported on elsewhere: its
    # report may still be imported, on the lines of its time.
    version = amend(plan, coordinator, [{"op": "line-retired", "line": "12"}], effective_from=effective_from)
    assert Action.objects.get(plan=plan, code="12").retired_in == version


def test_once_amended_loading_the_plans_file_is_an_amendment_too(plan, coordinator):
    document = copy.deepcopy(plan_document(plan))
    amend(plan, coordinator, [{"op": "line-retired", "line": "12"}])
    # The file is read as an amendment: bringing line 12 back under its retired code is refused by
    # name, where an edit in place would have left it retired while saying nothing.
    with pytest.raises(amendments.AmendmentError, match="line 12: the plan already has a line with this code"):
        plan_load(actor=coordinator, document=document, effective_from=dt.date(2016, 1, 1), reason="Back.")
    assert Action.objects.get(plan=plan, code="12").retired_in is not None
    assert PlanVersion.objects.filter(plan=plan).count() == 2


def test_an_instrument_answered_with_figures_is_replaced_when_its_kind_changes(
    plan, coordinator, focal_defence, round_2014
):
    instrument = Instrument.objects.get(action__plan=plan, action__code="16.a", position=1)
    later = new_round(plan, coordinator, "annual", 2015)
    contribution = Contribution.objects.get(round=later, action__code="16.a", department__code="defence")
    Measurement.objects.filter(contribution=contribution, instrument=instrument).update(value=12)
    version = amend(plan, coordinator, [{"op": "instrument-kind", "line": "16.a", "instrument": 1, "kind": "count"}])
    instrument.refresh_from_db()
    assert instrument.retired_in == version and instrument.kind != "count"
    replacement = Instrument.objects.get(action=instrument.action, introduced_in=version)
    assert replacement.kind == "count" and replacement.text == instrument.text
    assert amendments.describe(version.changes[0]) == "line 16.a: instrument 1 replaced by a new one asking for count"


def test_a_changed_plan_file_reads_as_its_changes(plan, coordinator, round_2014):
    document = copy.deepcopy(plan_document(plan))
    lines = {a["code"]: a for o in document["objectives"] for g in o["goals"] for a in g["actions"]}
    lines["23.b"]["text"] = NEW_TEXT_23B
    for objective in document["objectives"]:  # goal 12 has line 12 alone: the file leaves both out
        objective["goals"] = [g for g in objective["goals"] if g["number"] != 12]
    lines["4.d"]["instruments"].pop(1)
    lines["3.a"]["departments"].append("defence")
    document["focus_countries"] = ["AF", "CD", "ML", "PS"]
    reading = read_changes(plan, document)
    assert [amendments.describe(c) for c in reading.changes] == [
        "line 3.a: department defence added",
        "line 4.d: instrument 2 retired",
        "line 23.b: text changed",
        "line 12: retired",
        "focus countries: AF, CD, ML, PS",
    ]
    assert reading.left_alone == []
    version, _ = plan_amend_document(
        actor=coordinator, plan=plan, document=document, effective_from=dt.date(2015, 6, 1), reason="Review."
    )
    assert version.number == 2
    plan.refresh_from_db()
    assert read_changes(plan, document).changes == []  # the plan now says what the file says


def test_an_earlier_rounds_open_data_is_unchanged_after_an_amendment(plan, coordinator, round_2014, anonymous):
    from naptrack.portal.caching import pages

    urls = [f"/open-data/{plan.slug}/annual-2014.{fmt}" for fmt in ("csv", "json")]
    before = [anonymous.get(url).content for url in urls]
    amend(
        plan,
        coordinator,
        [
            *[c for c in CHANGES if c["line"] != "12.x"],
            {"op": "instrument-text", "line": "23.a", "instrument": 1, "text": "Reworded instrument."},
        ],
    )
    pages.clear()
    assert [anonymous.get(url).content for url in urls] == before
    assert b"Reworded instrument." not in before[0]


def test_each_rounds_form_asks_for_the_instruments_of_its_version(plan, coordinator, focal_defence):
    from naptrack.reporting import services as reporting
    from naptrack.reporting.forms import ContributionForm
    from naptrack.reporting.queries import instruments_asked

    earlier = new_round(plan, coordinator, "annual", 2014)
    amend(
        plan,
        coordinator,
        [
            {"op": "instrument-retired", "line": "16.a", "instrument": 2},
            {"op": "instrument-added", "line": "16.a", "text": "Women among the officers trained.", "kind": "share"},
        ],
    )
    later = new_round(plan, coordinator, "annual", 2015)
    retired = Instrument.objects.get(action__plan=plan, action__code="16.a", position=2)
    added = Instrument.objects.get(action__plan=plan, action__code="16.a", position=3)

    def asked(round_):
        contribution = Contribution.objects.with_detail().get(round=round_, action__code="16.a")
        return contribution, [i.pk for i in instruments_asked(contribution)]

    old, old_asked = asked(earlier)
    assert retired.pk in old_asked and added.pk not in old_asked
    new, new_asked = asked(later)
    assert retired.pk not in new_asked and added.pk in new_asked
    assert [i.pk for i in ContributionForm(new, narrative_max=10_000).instruments] == new_asked
    with pytest.raises(ValidationError) as caught:
        reporting.contribution_save(
            actor=focal_defence,
            contribution=old,
            version=old.version,
            data={"measurements": [{"instrument": added.pk, "value": "0.5", "numerator": 1, "denominator": 2}]},
        )
    assert "Not a monitoring instrument of this line of action." in str(caught.value)


def test_a_round_opened_before_a_rewording_shows_its_own_texts(plan, coordinator, focal_defence):
    from tests.conftest import logged_in

    earlier = new_round(plan, coordinator, "annual", 2014)
    before = Action.objects.get(plan=plan, code="23.a")
    old_line, old_instrument = before.text, before.instruments.get(position=1).text
    amend(
        plan,
        coordinator,
        [
            {"op": "line-text", "line": "23.a", "text": "A reworded line 23.a."},
            {"op": "instrument-text", "line": "23.a", "instrument": 1, "text": "A reworded instrument."},
        ],
    )
    later = new_round(plan, coordinator, "annual", 2015)
    client = logged_in(focal_defence)

    def page(round_) -> str:
        contribution = Contribution.objects.get(round=round_, action__code="23.a", department__code="defence")
        return client.get(f"/work/contributions/{contribution.pk}/").content.decode()

    old, new = page(earlier), page(later)
    assert "A reworded line 23.a." not in old and "A reworded instrument." not in old
    assert escape(old_line) in old and escape(old_instrument) in old
    assert "A reworded line 23.a." in new and "A reworded instrument." in new


def test_the_line_review_shows_what_its_round_asked(plan, coordinator, coordinator_client):
    earlier = new_round(plan, coordinator, "annual", 2014)
    retired_text = Instrument.objects.get(action__plan=plan, action__code="4.d", position=2).text
    amend(plan, coordinator)
    later = new_round(plan, coordinator, "annual", 2015)
    assert coordinator_client.get(f"/rounds/{earlier.pk}/lines/37.b/").status_code == 404
    assert coordinator_client.get(f"/rounds/{later.pk}/lines/12/").status_code == 404
    assert coordinator_client.get(f"/rounds/{later.pk}/lines/37.b/").status_code == 200
    assert escape(retired_text) in coordinator_client.get(f"/rounds/{earlier.pk}/lines/4.d/").content.decode()
    assert escape(retired_text) not in coordinator_client.get(f"/rounds/{later.pk}/lines/4.d/").content.decode()
    # The older rounds are links to their own review of the line, for the rounds that asked for it.
    latest = new_round(plan, coordinator, "annual", 2016)
    html = coordinator_client.get(f"/rounds/{latest.pk}/lines/37.b/").content.decode()
    assert f'id="earlier-{later.pk}"' in html and f"/rounds/{earlier.pk}/lines/37.b/" not in html
    html = coordinator_client.get(f"/rounds/{latest.pk}/lines/4.d/").content.decode()
    assert f'href="/rounds/{earlier.pk}/lines/4.d/"' in html


def test_the_plan_api_lists_the_instruments_in_force_after_a_retirement(plan, coordinator, anonymous):
    new_round(plan, coordinator, "annual", 2014)
    amend(plan, coordinator, [{"op": "instrument-retired", "line": "4.d", "instrument": 2}])
    body = anonymous.get(f"/api/v1/plans/{plan.slug}/").json()
    line = next(a for o in body["objectives"] for g in o["goals"] for a in g["actions"] if a["code"] == "4.d")
    assert len(line["instruments"]) == 2 and all("id" in i for i in line["instruments"])


def test_the_kinds_screen_refuses_a_retired_instrument(plan, coordinator, coordinator_client):
    new_round(plan, coordinator, "annual", 2014)
    amend(plan, coordinator, [{"op": "instrument-retired", "line": "4.d", "instrument": 2}])
    retired = Instrument.objects.get(action__plan=plan, action__code="4.d", position=2)
    assert coordinator_client.get(f"/plans/{plan.slug}/instruments/{retired.pk}/").status_code == 404


@pytest.mark.parametrize(
    "change",
    [
        {"op": "goal-added", "goal": 38, "text": "x"},
        {"op": "objective-added", "title": "x"},
        {"op": "department-added", "line": "3.a"},
        {"op": "instrument-kind", "line": "3.a", "instrument": 1},
        {"op": "line-added", "line": "38", "goal": 37, "text": "x", "instruments": "abc"},
        "line-retired 12",
        {"op": "focus-countries", "countries": None},
        {"op": "line-text", "line": "3.a", "text": {"en": ["x"]}},
        {"op": "line-retired", "line": ["12"]},
        {"op": "line-added", "line": "a/b", "goal": 37, "text": "x"},
        {"op": "goal-text", "goal": True, "text": "x"},
    ],
)
def test_a_misshapen_change_is_refused_by_name_and_writes_nothing(plan, coordinator, change):
    with pytest.raises(amendments.AmendmentError) as caught:
        amend(plan, coordinator, [change])
    assert caught.value.messages
    assert not PlanVersion.objects.filter(plan=plan).exists()
