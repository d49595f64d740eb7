"""The coordinator amends the Belgian plan through its screens (plans/views_amendments.py): a
line's form makes only the changes typed, a new line, the focus countries, a changed plan file
previewed then confirmed; the change log lists the versions. Bad input writes nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from naptrack.accounts.services import user_create
from naptrack.audit.models import AuditEvent
from naptrack.civilsociety.services import events as civil_society
from naptrack.plans import amendments
from naptrack.plans.exports import plan_document
from naptrack.plans.models import Action, Department, Instrument, PlanVersion
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db
REASON = "Mid-term review: the council of ministers adjusted the plan."
NEW_TEXT = "Support the adoption of resolutions on women, peace and security in every UN forum."

# Queries of a page, the session, the user and their groups included: the plan, its versions, the audit events naming
# who recorded them, the lines in force (the change log); the line, its departments and
# instruments, the plan's departments, its latest version, the recommendations an amendment may
# answer (the forms).
LOG_QUERIES = 7
LINE_QUERIES = 10


def url(name: str, plan, *args) -> str:
    return reverse(name, args=[plan.slug, *args])


def line_data(plan, code: str, **changes) -> dict:
    """What the line's form posts when nothing is touched, with `changes` typed over it."""
    action = Action.objects.get(plan=plan, code=code)
    responsible = list(action.responsibilities.select_related("department").order_by("position"))
    data = {
        "text": action.text_en,
        "departments": [r.department.code for r in responsible],
        "coordinator": next((r.department.code for r in responsible if r.is_coordinator), ""),
        "new-kind": "qualitative",
        "effective_from": "2015-03-01",
        "reason": REASON,
    }
    instruments = action.instruments.filter(retired_in__isnull=True).order_by("position")
    for n, instrument in enumerate(instruments, start=1):
        data.update({f"i{n}-text": instrument.text_en, f"i{n}-kind": instrument.kind, f"i{n}-unit": instrument.unit_en})
        if instrument.by_sex:
            data[f"i{n}-by_sex"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def versions(plan) -> list[int]:
    return list(PlanVersion.objects.filter(plan=plan).order_by("number").values_list("number", flat=True))


def amended(plan) -> PlanVersion:
    return PlanVersion.objects.filter(plan=plan).latest("number")


def recommendation(plan, coordinator):
    event = civil_society.event_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation",
        date=dt.date(2015, 2, 10),
        organiser=Department.objects.get(code="equality"),
    )
    return civil_society.recommendation_add(
        actor=coordinator, event=event, text="Ask the UN for resolutions in every forum."
    )


# The change log


def test_a_plan_never_amended_says_so(plan, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(LOG_QUERIES - 1):  # no amendment: no audit event to read
        response = coordinator_client.get(url("plan-amendments", plan))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="never-amended"' in html
    assert '<option value="14.a">14.a</option>' in html
    assert url("plan-amend-new-line", plan) in html and url("plan-amend-file", plan) in html


def test_the_change_log_lists_versions_newest_first_with_who_and_why(
    plan, coordinator, coordinator_client, open_round, django_assert_num_queries
):
    basis = recommendation(plan, coordinator)
    amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=[{"op": "line-retired", "line": "12"}],
        effective_from=dt.date(2015, 1, 1),
        reason="Line 12 is done.",
    )
    amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=[{"op": "line-text", "line": "14.a", "text": NEW_TEXT}],
        effective_from=dt.date(2015, 6, 1),
        reason="Answers the <consultation>.",
        basis=basis,
    )
    with django_assert_num_queries(LOG_QUERIES + 1):  # the plan's recommendations, named as the forms do
        response = coordinator_client.get(url("plan-amendments", plan))
    html = response.content.decode()
    assert 'id="never-amended"' not in html
    assert html.index('id="version-3"') < html.index('id="version-2"') < html.index('id="version-1"')
    three = html.split('id="version-3"')[1].split("</section>")[0]
    assert "line 14.a: text changed" in three and "2015-06-01" in three and "by coordinator" in three
    assert "Answers the &lt;consultation&gt;." in three and "Mid-term consultation" in three
    two = html.split('id="version-2"')[1].split('id="version-1"')[0]
    assert "line 12: retired" in two and "Line 12 is done." in two
    # The retired line is no longer offered to amend.
    assert '<option value="12">' not in html and '<option value="14.a">' in html


def test_the_line_picker_leads_to_the_lines_form(plan, coordinator_client):
    response = coordinator_client.get(url("plan-amend-line-pick", plan), {"line": "23.a"})
    assert response.status_code == 302 and response["Location"] == url("plan-amend-line", plan, "23.a")
    response = coordinator_client.get(url("plan-amend-line-pick", plan), {"line": "99.z"}, follow=True)
    assert "Choose a line of action in force." in response.content.decode()


# A line's form


def test_the_lines_form_shows_the_line_as_it_stands(plan, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(LINE_QUERIES):
        response = coordinator_client.get(url("plan-amend-line", plan, "4.d"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="i3-text"' in html and 'name="i4-text"' not in html and 'name="new-text"' in html
    assert '<label class="form-check-label" for="id_departments_0">Foreign Affairs</label>' in html
    assert 'value="development" class="form-check-input" id="id_departments_1" checked' in html
    assert f'value="{dt.date.today().isoformat()}"' in html  # today, unless another day is given
    assert 'name="csrfmiddlewaretoken"' in html


def test_one_form_rewords_adds_an_instrument_changes_a_kind_and_removes_a_department(
    plan, coordinator_client, open_round
):
    data = line_data(
        plan,
        "14.a",
        text=NEW_TEXT,
        departments=["foreign-affairs", "development", "defence", "interior", "justice"],
        **{
            "i2-kind": "count",
            "i2-unit": "resolutions",
            "new-text": "Women among the delegates.",
            "new-kind": "quantitative",
            "new-by_sex": "on",
        },
    )
    response = coordinator_client.post(url("plan-amend-line", plan, "14.a"), data)
    version = amended(plan)
    assert response.status_code == 302
    assert response["Location"] == url("plan-amendments", plan) + f"#version-{version.number}"
    assert [c["op"] for c in version.changes] == [
        "line-text",
        "instrument-added",
        "instrument-kind",
        "department-removed",
    ]
    assert (version.effective_from, version.reason) == (dt.date(2015, 3, 1), REASON)
    action = Action.objects.get(plan=plan, code="14.a")
    assert action.text_en == NEW_TEXT
    assert set(action.responsibilities.values_list("department__code", flat=True)) == {
        "foreign-affairs",
        "development",
        "defence",
        "interior",
        "justice",
    }
    # A round has opened: the second instrument's new question is a new instrument, the old one retired.
    kinds = list(action.instruments.filter(retired_in=None).order_by("position").values_list("kind", "by_sex"))
    assert kinds == [("qualitative", False), ("quantitative", True), ("count", False)]
    assert Instrument.objects.get(action=action, position=2).retired_in == version
    assert Instrument.objects.get(action=action, position=4).unit_en == "resolutions"
    event = AuditEvent.objects.get(action="plans.plan.amended")
    assert event.actor_name == "coordinator" and event.data["version"] == version.number
    followed = coordinator_client.get(response["Location"]).content.decode()
    assert f"Version {version.number} of the plan is recorded, in force from 2015-03-01." in followed


def test_retiring_a_line_from_its_form(plan, coordinator_client, open_round):
    response = coordinator_client.post(url("plan-amend-line", plan, "12"), line_data(plan, "12", retire="on"))
    assert response.status_code == 302
    version = amended(plan)
    assert version.changes == [{"op": "line-retired", "line": "12", "done": "retired"}]
    assert Action.objects.get(plan=plan, code="12").retired_in == version
    assert coordinator_client.get(url("plan-amend-line", plan, "12")).status_code == 404


def test_retiring_an_instrument_and_naming_a_coordinator(plan, coordinator_client, open_round):
    data = line_data(plan, "4.d", coordinator="development", **{"i2-retire": "on"})
    assert coordinator_client.post(url("plan-amend-line", plan, "4.d"), data).status_code == 302
    assert amended(plan).changes == [
        {"op": "instrument-retired", "line": "4.d", "instrument": 2, "done": "retired"},
        {"op": "coordinator", "line": "4.d", "department": "development"},
    ]
    action = Action.objects.get(plan=plan, code="4.d")
    assert action.responsibilities.get(is_coordinator=True).department.code == "development"
    assert Instrument.objects.get(action=action, position=2).retired_in is not None


def test_a_department_added_to_a_line_may_coordinate_it_at_once(plan, coordinator_client):
    data = line_data(plan, "4.d", departments=["foreign-affairs", "development", "equality"], coordinator="equality")
    assert coordinator_client.post(url("plan-amend-line", plan, "4.d"), data).status_code == 302
    assert amended(plan).changes == [
        {"op": "department-added", "line": "4.d", "department": "equality"},
        {"op": "coordinator", "line": "4.d", "department": "equality"},
    ]
    action = Action.objects.get(plan=plan, code="4.d")
    assert action.responsibilities.get(is_coordinator=True).department.code == "equality"


def test_the_service_lets_a_department_added_to_a_line_coordinate_it_in_the_same_amendment(plan, coordinator):
    change_list = [
        {"op": "coordinator", "line": "12", "department": "defence"},
        {"op": "department-added", "line": "12", "department": "defence"},
    ]
    amendments.plan_amend(
        actor=coordinator, plan=plan, change_list=change_list, effective_from=dt.date(2015, 1, 1), reason=REASON
    )
    assert Action.objects.get(plan=plan, code="12").responsibilities.get(is_coordinator=True).department.code == (
        "defence"
    )
    # Added to another line, it coordinates this one no more than before.
    with pytest.raises(amendments.AmendmentError, match="is not responsible for it"):
        amendments.plan_amend(
            actor=coordinator,
            plan=plan,
            change_list=[
                {"op": "department-added", "line": "37", "department": "justice"},
                {"op": "coordinator", "line": "12", "department": "justice"},
            ],
            effective_from=dt.date(2015, 1, 1),
            reason=REASON,
        )


def test_removing_the_coordinating_department_ends_its_coordination_in_one_change(plan, coordinator_client):
    data = line_data(
        plan, "33", departments=["foreign-affairs", "development", "defence", "interior", "justice"], coordinator=""
    )
    assert coordinator_client.post(url("plan-amend-line", plan, "33"), data).status_code == 302
    assert amended(plan).changes == [{"op": "department-removed", "line": "33", "department": "equality"}]
    assert not Action.objects.get(plan=plan, code="33").responsibilities.filter(is_coordinator=True).exists()


def test_a_form_that_changes_nothing_says_so(plan, coordinator_client):
    response = coordinator_client.post(url("plan-amend-line", plan, "14.a"), line_data(plan, "14.a"))
    assert response.status_code == 200
    assert "The form changes nothing: no version of the plan was made." in response.content.decode()
    assert versions(plan) == []


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reason": "  ", "text": NEW_TEXT}, "reason", "Say why the plan is amended."),
        ({"departments": ["defence", "ministry-of-magic"]}, "departments", "Select a valid choice."),
        ({"effective_from": "2015-02-31", "text": NEW_TEXT}, "effective_from", "Give a date as YYYY-MM-DD."),
        ({"coordinator": "defence", "departments": ["justice"]}, "coordinator", "must be one of the responsible"),
        ({"i1-text": ""}, "i1-text", "Give the instrument's text, or retire the instrument."),
        ({"new-unit": "delegates"}, "new-text", "Give the new instrument's text"),
        ({"retire": "on", "text": NEW_TEXT}, "retire", "undo the other changes to retire it"),
        ({"seen": "7", "text": NEW_TEXT}, None, "The plan was amended meanwhile"),
    ],
)
def test_bad_input_on_a_lines_form_shows_its_errors_and_writes_nothing(
    plan, coordinator_client, changes, field, message
):
    before = Action.objects.get(plan=plan, code="14.a").text_en
    response = coordinator_client.post(url("plan-amend-line", plan, "14.a"), line_data(plan, "14.a", **changes))
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert 'class="alert alert-danger"' in html and message in html
    if field:
        assert f'<a href="#id_{field}">' in html
    assert versions(plan) == [] and Action.objects.get(plan=plan, code="14.a").text_en == before


def test_what_the_service_refuses_shows_in_the_error_summary(plan, coordinator_client):
    # Only a number can be counted by sex; and a date outside the plan's period.
    data = line_data(plan, "14.a", effective_from="2005-01-01", **{"i1-by_sex": "on"})
    response = coordinator_client.post(url("plan-amend-line", plan, "14.a"), data)
    html = response.content.decode()
    assert response.status_code == 400
    assert "line 14.a: only a number can be counted by sex" in html
    assert "cannot take effect before the plan&#x27;s period" in html
    assert versions(plan) == [] and not Instrument.objects.filter(action__code="14.a", by_sex=True).exists()


def test_an_amendment_answers_a_recommendation_chosen_in_the_form(plan, coordinator, coordinator_client):
    basis = recommendation(plan, coordinator)
    page = coordinator_client.get(url("plan-amend-line", plan, "14.a")).content.decode()
    key = f"civilsociety.recommendation:{basis.pk}"
    assert f'<option value="{key}">Mid-term consultation (2015-02-10), recommendation 1: Ask the UN' in page
    data = line_data(plan, "14.a", text=NEW_TEXT, basis=key)
    assert coordinator_client.post(url("plan-amend-line", plan, "14.a"), data).status_code == 302
    assert amended(plan).basis == basis
    refused = coordinator_client.post(url("plan-amend-line", plan, "14.a"), line_data(plan, "14.a", basis="x:1"))
    assert refused.status_code == 400 and "Select a valid choice" in refused.content.decode()


# Adding a line; the focus countries


def new_line(**changes) -> dict:
    data = {
        "goal": "37",
        "code": "37.b",
        "text": "Report each year to the federal parliament committee.",
        "departments": ["foreign-affairs", "equality"],
        "coordinator": "equality",
        "instrument_text": "Committee hearings held.",
        "instrument_kind": "count",
        "instrument_unit": "hearings",
        "effective_from": "2015-03-01",
        "reason": REASON,
    }
    data.update(changes)
    return data


def test_adding_a_line(plan, coordinator_client, open_round, django_assert_num_queries):
    with django_assert_num_queries(7):  # the plan, its goals, its departments, the recommendations
        page = coordinator_client.get(url("plan-amend-new-line", plan)).content.decode()
    assert '<option value="37">Goal 37: ' in page
    response = coordinator_client.post(url("plan-amend-new-line", plan), new_line())
    assert response.status_code == 302
    (change,) = amended(plan).changes
    assert change["op"] == "line-added" and change["line"] == "37.b" and change["coordinator"] == "equality"
    action = Action.objects.get(plan=plan, code="37.b")
    assert action.goal.number == 37 and action.introduced_in == amended(plan)
    assert list(action.instruments.values_list("text_en", "kind", "unit_en")) == [
        ("Committee hearings held.", "count", "hearings")
    ]
    assert action.responsibilities.get(is_coordinator=True).department.code == "equality"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "14.a"}, "line 14.a: the plan already has a line with this code"),
        ({"code": "37 b; drop"}, "Use digits, letters, dots and hyphens"),
        ({"departments": []}, "Tick at least one responsible department."),
        ({"goal": "99"}, "Select a valid choice."),
        ({"reason": ""}, "Say why the plan is amended."),
        ({"instrument_text": ""}, "This field is required."),
    ],
)
def test_a_line_that_cannot_be_added_writes_nothing(plan, coordinator_client, changes, message):
    response = coordinator_client.post(url("plan-amend-new-line", plan), new_line(**changes))
    assert response.status_code == 400 and message in response.content.decode()
    assert versions(plan) == [] and not Action.objects.filter(plan=plan, code="37.b").exists()


def test_changing_the_focus_countries(plan, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(5):
        page = coordinator_client.get(url("plan-amend-focus-countries", plan)).content.decode()
    assert 'value="AF, CD, ML"' in page
    unchanged = coordinator_client.post(
        url("plan-amend-focus-countries", plan),
        {"countries": "af,cd, ML", "effective_from": "2015-03-01", "reason": REASON},
    )
    assert "The form changes nothing" in unchanged.content.decode() and versions(plan) == []
    refused = coordinator_client.post(
        url("plan-amend-focus-countries", plan),
        {"countries": "AF, XX", "effective_from": "2015-03-01", "reason": REASON},
    )
    assert refused.status_code == 400 and "focus countries: unknown codes XX" in refused.content.decode()
    assert versions(plan) == []
    response = coordinator_client.post(
        url("plan-amend-focus-countries", plan),
        {"countries": "AF, CD, ML, SS", "effective_from": "2015-03-01", "reason": REASON},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.focus_countries == ["AF", "CD", "ML", "SS"]
    assert amended(plan).changes == [
        {"op": "focus-countries", "countries": ["AF", "CD", "ML", "SS"], "before": ["AF", "CD", "ML"]}
    ]


# From a plan file


def changed_file(plan) -> dict:
    document = copy.deepcopy(plan_document(plan))
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                if action["code"] == "14.a":
                    action["text"] = NEW_TEXT
            goal["actions"] = [a for a in goal["actions"] if a["code"] != "4.d"]
    document["title"] = "Another title"
    return document


def upload(document, name: str = "plan.json") -> SimpleUploadedFile:
    content = document if isinstance(document, bytes) else json.dumps(document).encode()
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_a_changed_file_is_previewed_then_confirmed(plan, coordinator_client, open_round, django_assert_num_queries):
    assert versions(plan) == [1]  # the version the round opened under
    response = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(changed_file(plan))})
    assert response.status_code == 302
    preview = response["Location"]
    assert versions(plan) == [1]  # nothing written before confirmation
    page = coordinator_client.get(preview)
    html = page.content.decode()
    assert "line 14.a: text changed" in html and "line 4.d: retired" in html
    assert "the plan&#x27;s title: an amendment does not change it" in html
    refused = coordinator_client.post(preview, {"effective_from": "2015-03-01", "reason": ""})
    assert refused.status_code == 400 and versions(plan) == [1]
    confirmed = coordinator_client.post(preview, {"effective_from": "2015-03-01", "reason": REASON, "confirm": "1"})
    assert confirmed.status_code == 302
    version = amended(plan)
    assert [c["op"] for c in version.changes] == ["line-retired", "line-text"]
    assert Action.objects.get(plan=plan, code="14.a").text_en == NEW_TEXT
    assert coordinator_client.get(preview).status_code == 404  # the upload is gone once used


def test_the_file_preview_pins_its_queries(plan, coordinator_client, django_assert_num_queries):
    preview = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(changed_file(plan))})
    # The plan in force read whole to compare (plan_document: a fixed number, whatever its size)
    # with every objective and goal, those left without lines included (two queries), and the
    # recommendations the amendment may answer.
    with django_assert_num_queries(15):
        coordinator_client.get(preview["Location"])


def test_the_upload_page_pins_its_queries(plan, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(4):  # the session, the user, their groups, the plan
        html = coordinator_client.get(url("plan-amend-file", plan)).content.decode()
    assert 'enctype="multipart/form-data"' in html and url("plan-export", plan, "json") in html


def test_a_discarded_file_writes_nothing(plan, coordinator_client):
    preview = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(changed_file(plan))})
    response = coordinator_client.post(preview["Location"], {"discard": "1"})
    assert response.status_code == 302 and versions(plan) == []
    assert coordinator_client.get(preview["Location"]).status_code == 404


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "The file is not JSON"),
        (b"\xff\xfe", "The file is not JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "The file is not JSON"),
        (json.dumps({"format": "naptrack-plan/1"}).encode(), "The file is not a valid plan file:"),
    ],
)
def test_a_file_that_is_not_a_plan_gives_its_problems(plan, coordinator_client, content, message):
    response = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(content)})
    assert response.status_code == 400 and message in response.content.decode()
    assert versions(plan) == []


def test_a_file_of_another_plan_or_changing_nothing_is_refused(plan, coordinator_client):
    other = {**plan_document(plan), "slug": "be-nap-2017-2021"}
    response = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(other)})
    assert response.status_code == 400 and "describes plan be-nap-2017-2021" in response.content.decode()
    same = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(plan_document(plan))})
    assert same.status_code == 200 and "The file changes nothing" in same.content.decode()
    assert versions(plan) == []


def test_only_the_uploader_sees_the_preview(plan, coordinator_client):
    preview = coordinator_client.post(url("plan-amend-file", plan), {"document": upload(changed_file(plan))})
    other = user_create(
        actor="tests", username="coordinator-2", role="coordinator", password="x" * 12, check_password=False
    )
    assert logged_in(other).get(preview["Location"]).status_code == 404
    assert coordinator_client.get(url("plan-amend-file-preview", plan, "x" * 32)).status_code == 404


# Who may


def test_only_a_coordinator_reaches_the_amendment_screens(plan, focal_defence_client, anonymous, coordinator_client):
    pages = [
        url("plan-amendments", plan),
        url("plan-amend-line-pick", plan) + "?line=14.a",
        url("plan-amend-line", plan, "14.a"),
        url("plan-amend-new-line", plan),
        url("plan-amend-focus-countries", plan),
        url("plan-amend-file", plan),
        url("plan-amend-file-preview", plan, "x" * 32),
    ]
    for page in pages:
        assert focal_defence_client.get(page).status_code == 403, page
        assert focal_defence_client.post(page, line_data(plan, "14.a", text=NEW_TEXT)).status_code == 403, page
        response = anonymous.get(page)
        assert response.status_code == 302 and "/login/" in response["Location"], page
    assert versions(plan) == []
    assert url("plan-amendments", plan) in coordinator_client.get(url("plan-detail", plan)).content.decode()
    assert url("plan-amendments", plan) not in focal_defence_client.get(url("plan-detail", plan)).content.decode()
