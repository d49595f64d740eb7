"""The staff REST API of civil society under /api/v1/: organisations, assessments, events and
recommendations, for each persona (coordinator, reader, focal point of Defence, a member of a
Belgian NGO, a member of a DR Congo women's organisation, anonymous).

Writes go through the civil-society services (tested in tests/test_civil_society.py); these tests
check what the API adds: who may call what (401/403), what each persona is shown (no contact
details to focal points, no other organisation's drafts, no moderator's note to outsiders), how
errors read (400 per field, 409 for a stale version or a state that does not allow it), and that
each endpoint makes a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from naptrack.api.services import token_issue
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Event, FollowUp, Recommendation
from naptrack.plans.models import Action, Department
from naptrack.reporting import services as reporting
from tests.civil_society_data import member, organisations
from tests.conftest import BE

pytestmark = pytest.mark.django_db

STAFF = ["coordinator", "reader", "focal_defence"]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
        client.get("/api/v1/plans/")  # the token's first use records last_used (once a minute)
    return client


def line(code: str) -> Action:
    return Action.objects.get(plan__slug=BE, code=code)


@pytest.fixture
def orgs(plan, coordinator):
    return organisations(coordinator)


@pytest.fixture
def ngo_member(orgs, coordinator):
    return member(coordinator, orgs[0], "an@vrouwenvoorvrede.example")


@pytest.fixture
def kivu_member(orgs, coordinator):
    return member(coordinator, orgs[1], "marie@kivu.example")


def draft(user, round_, code="17.a", **data) -> Assessment:
    return services.assessment_create(
        actor=user, round=round_, action=line(code), data=data or {"status": "in-progress", "narrative": "Some."}
    )


@pytest.fixture
def assessments(open_round, coordinator, ngo_member, kivu_member):
    """The NGO's draft on 17.a; Kivu's accepted assessment on 23.a and its draft on 17.a."""
    ngo_draft = draft(ngo_member, open_round, "17.a")
    published = services.assessment_submit(actor=kivu_member, assessment=draft(kivu_member, open_round, "23.a"))
    published = services.assessment_moderate(
        actor=coordinator, assessment=published, decision="accept", note="Thank you."
    )
    kivu_draft = draft(kivu_member, open_round, "17.a")
    return {"ngo_draft": ngo_draft, "published": published, "kivu_draft": kivu_draft}


@pytest.fixture
def event(plan, coordinator, orgs) -> Event:
    ngo, kivu = orgs
    event = services.event_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation on NAP 1325",
        date=dt.date(2014, 11, 20),
        place="Egmont Palace, Brussels",
        organiser=Department.objects.get(code="foreign-affairs"),
        invited=[ngo, kivu],
        attending=[ngo],
        women=31,
        men=9,
        other=1,
        public=True,
    )
    services.recommendation_add(
        actor=coordinator, event=event, text="Train all judges.", organisations=[ngo], actions=[line("17.a")]
    )
    return event


@pytest.fixture
def recommendation(event) -> Recommendation:
    return event.recommendations.get(position=1)


# --- organisations --------------------------------------------------------------------------------


def test_the_coordinator_reads_organisations_with_their_contact_details(coordinator, orgs, assessments):
    ngo, kivu = orgs
    services.organisation_update(actor=coordinator, organisation=ngo, data={"follows": [line("17.a"), line("35")]})
    results = api(coordinator).get("/api/v1/organisations/").json()["results"]
    assert [o["name"] for o in results] == ["Femmes Solidaires du Kivu", "Vrouwen voor Vrede"]
    kivu_row, ngo_row = results
    assert ngo_row["contact_email"] == "info@vrouwenvoorvrede.example"
    assert (ngo_row["kind"], ngo_row["country"], ngo_row["languages"]) == ("ngo", "BE", ["nl", "fr"])
    assert ngo_row["follows"] == [{"plan": BE, "line": "17.a"}, {"plan": BE, "line": "35"}]
    assert (kivu_row["network"], kivu_row["network_name"]) == (ngo.pk, "Vrouwen voor Vrede")
    assert kivu_row["counts"] == {"members": 1, "assessments": 2, "published": 1}
    detail = api(coordinator).get(f"/api/v1/organisations/{kivu.pk}/").json()
    assert detail == kivu_row


def test_a_reader_reads_them_too(reader, orgs):
    row = api(reader).get(f"/api/v1/organisations/{orgs[0].pk}/").json()
    assert row["contact_email"] == "info@vrouwenvoorvrede.example"


def test_a_focal_point_reads_no_contact_details_and_no_count_of_drafts(focal_defence, orgs, assessments):
    client = api(focal_defence)
    results = client.get("/api/v1/organisations/").json()["results"]
    assert [o["contact_email"] for o in results] == [None, None]
    assert results[0]["counts"] == {"members": 1, "assessments": None, "published": 1}
    assert "vrouwenvoorvrede.example" not in client.get(f"/api/v1/organisations/{orgs[0].pk}/").content.decode()


def test_organisations_filter_by_country_and_kind(reader, orgs):
    client = api(reader)
    assert [o["name"] for o in client.get("/api/v1/organisations/?country=cd").json()["results"]] == [
        "Femmes Solidaires du Kivu"
    ]
    assert client.get("/api/v1/organisations/?kind=ngo").json()["count"] == 1
    assert client.get("/api/v1/organisations/?kind=club").status_code == 400


def test_organisations_are_not_for_civil_society_nor_anonymous(ngo_member, orgs):
    for url in ("/api/v1/organisations/", f"/api/v1/organisations/{orgs[0].pk}/"):
        assert api(ngo_member).get(url).status_code == 403, url
        response = APIClient().get(url)
        assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")


# --- reading assessments --------------------------------------------------------------------------


def ids(response) -> set[int]:
    return {a["id"] for a in response.json()["results"]}


@pytest.mark.parametrize("persona", ["coordinator", "reader"])
def test_coordinators_and_readers_read_every_assessment(request, persona, assessments):
    client = api(request.getfixturevalue(persona))
    assert ids(client.get("/api/v1/assessments/")) == {a.pk for a in assessments.values()}
    for assessment in assessments.values():
        assert client.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 200


def test_a_member_reads_their_organisations_and_the_published_ones(ngo_member, kivu_member, assessments):
    client = api(ngo_member)
    assert ids(client.get("/api/v1/assessments/")) == {assessments["ngo_draft"].pk, assessments["published"].pk}
    assert client.get(f"/api/v1/assessments/{assessments['kivu_draft'].pk}/").status_code == 403
    published = client.get(f"/api/v1/assessments/{assessments['published'].pk}/").json()
    # Another organisation's published assessment: without the moderator's note and name.
    assert (published["moderation_note"], published["moderated_by"]) == ("", None)
    own = api(kivu_member).get(f"/api/v1/assessments/{assessments['published'].pk}/").json()
    assert (own["moderation_note"], own["moderated_by"], own["state"]) == ("Thank you.", "coordinator", "accepted")
    assert (own["line"], own["objective"], own["plan"], own["organisation"]["country"]) == ("23.a", None, BE, "CD")


def test_a_focal_point_reads_only_the_published_ones(focal_defence, assessments):
    client = api(focal_defence)
    assert ids(client.get("/api/v1/assessments/")) == {assessments["published"].pk}
    assert client.get(f"/api/v1/assessments/{assessments['ngo_draft'].pk}/").status_code == 403
    assert client.get(f"/api/v1/assessments/{assessments['published'].pk}/").json()["moderation_note"] == ""


def test_anonymous_callers_are_asked_for_credentials(assessments):
    for url in ("/api/v1/assessments/", f"/api/v1/assessments/{assessments['published'].pk}/"):
        assert APIClient().get(url).status_code == 401


def test_assessments_filter_by_state_line_and_organisation(coordinator, assessments, orgs):
    client = api(coordinator)
    assert ids(client.get("/api/v1/assessments/?state=accepted")) == {assessments["published"].pk}
    assert ids(client.get("/api/v1/assessments/?line=17.a")) == {
        assessments["ngo_draft"].pk,
        assessments["kivu_draft"].pk,
    }
    assert ids(client.get(f"/api/v1/assessments/?organisation={orgs[0].pk}")) == {assessments["ngo_draft"].pk}
    assert client.get("/api/v1/assessments/?state=lost").status_code == 400


# --- writing assessments --------------------------------------------------------------------------


def test_a_member_writes_an_assessment_of_a_line_or_an_objective(ngo_member, open_round, orgs):
    client = api(ngo_member)
    body = {
        "round": open_round.pk,
        "line": "17.a",
        "status": "in-progress",
        "narrative": "Training reached few judges.",
        "countries": ["cd"],
        "partner_name": "Femmes Solidaires du Kivu",
        "partner_country": "CD",
    }
    response = client.post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["line"], created["state"], created["version"], created["countries"]) == ("17.a", "draft", 1, ["CD"])
    assert created["organisation"] == {"id": orgs[0].pk, "name": "Vrouwen voor Vrede", "country": "BE"}
    response = client.post("/api/v1/assessments/", {"round": open_round.pk, "objective": 3}, format="json")
    assert response.status_code == 201
    assert (response.json()["objective"], response.json()["line"]) == (3, None)


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"line": "99.z"}, "line", f"Plan {BE} has no line of action 99.z."),
        ({"objective": 42}, "objective", f"Plan {BE} has no objective 42."),
        ({"line": "17.a", "objective": 1}, "non_field_errors", "Give either a line of action or an objective."),
        ({}, "non_field_errors", "Give either a line of action or an objective."),
        (
            {"line": "17.a", "countries": ["XX"]},
            "countries",
            "XX is not an ISO 3166-1 country code (such as BE or CD).",
        ),
        ({"line": "17.a", "status": "done"}, "status", '"done" is not a valid choice.'),
        ({"line": "17.a", "partner_name": "Kivu"}, "partner_country", "Give the partner organisation's country."),
        ({"line": "17.a", "round": 10**12}, "round", "No such round."),
    ],
)
def test_a_bad_assessment_is_refused_with_its_field(ngo_member, open_round, body, field, message):
    response = api(ngo_member).post("/api/v1/assessments/", {"round": open_round.pk, **body}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert not Assessment.objects.exists()


def test_an_assessment_in_a_round_that_is_not_open_is_a_conflict(ngo_member, annual_round):
    response = api(ngo_member).post("/api/v1/assessments/", {"round": annual_round.pk, "line": "17.a"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("The round Annual report 2014 is not open")
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "reader", "focal_defence"])
def test_staff_write_no_assessment(request, persona, open_round, assessments):
    client = api(request.getfixturevalue(persona))
    response = client.post("/api/v1/assessments/", {"round": open_round.pk, "line": "17.a"}, format="json")
    assert response.status_code == 403
    target = assessments["ngo_draft"]
    url = f"/api/v1/assessments/{target.pk}/"
    assert client.patch(url, {"version": target.version, "narrative": "Mine."}, format="json").status_code == 403
    assert client.post(f"{url}submit/", {}, format="json").status_code == 403
    assert Assessment.objects.get(pk=target.pk).narrative == "Some."


def test_a_member_edits_submits_and_the_coordinator_moderates(ngo_member, coordinator, assessments, mailoutbox):
    target = assessments["ngo_draft"]
    client, url = api(ngo_member), f"/api/v1/assessments/{target.pk}/"
    response = client.patch(url, {"version": target.version, "narrative": "Few judges in Bukavu."}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["narrative"], body["version"]) == ("Few judges in Bukavu.", target.version + 1)
    response = client.post(f"{url}submit/", {"version": body["version"]}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    # Submitted: no longer the organisation's to change (a state: 409), nor theirs to moderate (403).
    response = client.patch(url, {"version": response.json()["version"], "narrative": "More."}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This assessment is submitted: it can be changed only while it is a draft or returned for revision."
    )
    assert client.post(f"{url}moderate/", {"decision": "accept"}, format="json").status_code == 403
    moderator = api(coordinator)
    response = moderator.post(f"{url}moderate/", {"decision": "return"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {"note": ["Tell the organisation why."]}
    response = moderator.post(f"{url}moderate/", {"decision": "return", "note": "Name the courts."}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["moderated_by"]) == ("returned", "coordinator")
    # Returned: the organisation may change it again; moderating it now is a matter of state.
    response = moderator.post(f"{url}moderate/", {"decision": "accept"}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "Only a submitted assessment is moderated; this one is returned for revision."
    again = client.patch(
        url, {"version": Assessment.objects.get(pk=target.pk).version, "narrative": "Bukavu, Goma."}, format="json"
    )
    assert again.status_code == 200 and again.json()["moderation_note"] == "Name the courts."


def test_a_stale_version_gets_409_with_the_current_assessment(ngo_member, coordinator, orgs, assessments):
    colleague = member(coordinator, orgs[0], "jan@vrouwenvoorvrede.example")
    target = assessments["ngo_draft"]
    services.assessment_save(actor=colleague, assessment=target, version=target.version, data={"narrative": "First."})
    response = api(ngo_member).patch(
        f"/api/v1/assessments/{target.pk}/", {"version": target.version, "narrative": "Second."}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == target.version + 1
    assert (body["current"]["narrative"], body["current"]["id"]) == ("First.", target.pk)
    assert "changed since you opened it" in body["detail"]
    assert Assessment.objects.get(pk=target.pk).narrative == "First."
    response = api(ngo_member).post(
        f"/api/v1/assessments/{target.pk}/submit/", {"version": target.version}, format="json"
    )
    assert response.status_code == 409 and response.json()["current"]["state"] == "draft"


def test_an_assessment_needs_its_version_and_valid_fields(ngo_member, assessments):
    target = assessments["ngo_draft"]
    url = f"/api/v1/assessments/{target.pk}/"
    response = api(ngo_member).patch(url, {"narrative": "No version."}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]
    response = api(ngo_member).patch(url, {"version": target.version, "narrative": "x" * 20_001}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["narrative"] == ["An assessment has at most 20,000 characters."]
    assert Assessment.objects.get(pk=target.pk).version == target.version


def test_another_organisations_draft_is_refused(kivu_member, assessments):
    target = assessments["ngo_draft"]
    client = api(kivu_member)
    url = f"/api/v1/assessments/{target.pk}/"
    assert client.patch(url, {"version": target.version, "narrative": "Theirs."}, format="json").status_code == 403
    assert client.post(f"{url}submit/", {}, format="json").status_code == 403


def test_submitting_without_the_partners_consent_or_content_is_refused(ngo_member, open_round):
    target = draft(ngo_member, open_round, "17.a", narrative="For Kivu.", partner_name="Kivu", partner_country="CD")
    response = api(ngo_member).post(f"/api/v1/assessments/{target.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"partner_consent": ["Reporting for Kivu needs that organisation's consent."]}
    empty = draft(ngo_member, open_round, "23.a", narrative="")
    response = api(ngo_member).post(f"/api/v1/assessments/{empty.pk}/submit/", {}, format="json")
    assert response.status_code == 400 and "Nothing to submit yet" in response.json()["errors"]["non_field_errors"][0]


def test_after_the_round_closed_a_draft_is_a_conflict(ngo_member, coordinator, open_round, assessments):
    reporting.round_close(actor=coordinator, round=open_round)
    target = assessments["ngo_draft"]
    url = f"/api/v1/assessments/{target.pk}/"
    response = api(ngo_member).patch(url, {"version": target.version, "narrative": "Late."}, format="json")
    assert response.status_code == 409 and "is not open" in response.json()["detail"]
    assert api(ngo_member).post(f"{url}submit/", {}, format="json").status_code == 409
    assert Assessment.objects.get(pk=target.pk).state == "draft"


@pytest.mark.parametrize("persona", ["reader", "focal_defence"])
def test_only_the_coordinator_moderates(request, persona, ngo_member, assessments):
    target = services.assessment_submit(actor=ngo_member, assessment=assessments["ngo_draft"])
    response = api(request.getfixturevalue(persona)).post(
        f"/api/v1/assessments/{target.pk}/moderate/", {"decision": "accept"}, format="json"
    )
    assert response.status_code == 403
    assert Assessment.objects.get(pk=target.pk).state == "submitted"


def test_a_moderation_decision_must_be_one_of_three(coordinator, assessments):
    url = f"/api/v1/assessments/{assessments['kivu_draft'].pk}/moderate/"
    response = api(coordinator).post(url, {"decision": "maybe"}, format="json")
    assert response.status_code == 400 and "decision" in response.json()["errors"]


# --- events and recommendations -------------------------------------------------------------------


def test_a_focal_point_reads_events_only_through_the_public_api(focal_defence, event, recommendation):
    """Focal points read the published record, as the public does; the whole record (internal
    events, invited organisations, follow-up notes) is for coordinators and readers."""
    client = api(focal_defence)
    for url in ("/api/v1/events/", f"/api/v1/events/{event.pk}/", "/api/v1/recommendations/"):
        assert client.get(url).status_code == 403
    assert client.get("/api/v1/public/events/").status_code == 200


@pytest.mark.parametrize("persona", ["coordinator", "reader"])
def test_staff_read_events_and_recommendations(request, persona, event, recommendation):
    client = api(request.getfixturevalue(persona))
    [row] = client.get("/api/v1/events/").json()["results"]
    assert (row["kind"], row["organiser"], row["recommendation_count"], row["public"]) == (
        "mid-term",
        "foreign-affairs",
        1,
        True,
    )
    assert row["participants"] == {"women": 31, "men": 9, "other": 1, "total": 41}
    assert [o["name"] for o in row["attending"]] == ["Vrouwen voor Vrede"]
    detail = client.get(f"/api/v1/events/{event.pk}/").json()
    [rec] = detail["recommendations"]
    assert (rec["text"], rec["lines"], rec["response"], rec["status"]) == (
        "Train all judges.",
        ["17.a"],
        "pending",
        "open",
    )
    assert client.get("/api/v1/recommendations/").json()["results"] == [rec]
    assert client.get(f"/api/v1/recommendations/{recommendation.pk}/").json() == rec


def test_events_and_recommendations_are_not_for_civil_society_nor_anonymous(ngo_member, event, recommendation):
    urls = [
        "/api/v1/events/",
        f"/api/v1/events/{event.pk}/",
        "/api/v1/recommendations/",
        f"/api/v1/recommendations/{recommendation.pk}/",
    ]
    for url in urls:
        assert api(ngo_member).get(url).status_code == 403, url
        assert APIClient().get(url).status_code == 401, url


def test_a_non_public_event_is_read_by_staff(reader, plan, coordinator):
    services.event_create(
        actor=coordinator,
        plan=plan,
        kind="other",
        title="Preparatory meeting",
        date=dt.date(2014, 9, 1),
        organiser=Department.objects.get(code="equality"),
    )
    [row] = api(reader).get("/api/v1/events/?public=false").json()["results"]
    assert row["title"] == "Preparatory meeting" and row["participants"]["total"] is None


def test_the_coordinator_records_an_event(coordinator, plan, orgs):
    body = {
        "plan": BE,
        "kind": "final",
        "title": "Final consultation",
        "date": "2016-12-05",
        "organiser": "foreign-affairs",
        "invited": [orgs[0].pk, orgs[1].pk],
        "attending": [orgs[1].pk],
        "women": 20,
        "men": 5,
        "public": True,
    }
    response = api(coordinator).post("/api/v1/events/", body, format="json")
    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["title"], created["recommendations"], created["participants"]["total"]) == (
        "Final consultation",
        [],
        25,
    )
    assert [o["name"] for o in created["invited"]] == ["Femmes Solidaires du Kivu", "Vrouwen voor Vrede"]
    assert [o["id"] for o in created["attending"]] == [orgs[1].pk]
    assert Event.objects.get(pk=created["id"]).women == 20


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"plan": "fr-nap"}, "plan", "No such plan."),
        ({"organiser": "nowhere"}, "organiser", "Unknown department."),
        ({"invited": [10**12]}, "invited", f"No such organisation: {10**12}."),
        ({"kind": "party"}, "kind", '"party" is not a valid choice.'),
        ({"date": "20/11/2014"}, "date", None),
        ({"women": -1}, "women", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_a_bad_event_is_refused_with_its_field(coordinator, plan, body, field, message):
    data = {"plan": BE, "kind": "mid-term", "title": "X", "date": "2014-11-20", "organiser": "foreign-affairs", **body}
    response = api(coordinator).post("/api/v1/events/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    if message:
        assert response.json()["errors"][field] == [message]
    assert not Event.objects.exists()


def test_the_coordinator_adds_responds_and_follows_up(coordinator, event, orgs, open_round):
    client = api(coordinator)
    body = {"event": event.pk, "text": "Fund Kivu shelters.", "organisations": [orgs[1].pk], "lines": ["17.a", "10.e"]}
    response = client.post("/api/v1/recommendations/", body, format="json")
    assert response.status_code == 201
    rec = response.json()
    assert (rec["position"], rec["lines"], rec["organisations"][0]["name"]) == (
        2,
        ["10.e", "17.a"],
        "Femmes Solidaires du Kivu",
    )
    url = f"/api/v1/recommendations/{rec['id']}/"
    response = client.post(f"{url}respond/", {"response": "not-accepted"}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {
        "reason": ["Give the reason for this response."]
    }
    response = client.post(f"{url}respond/", {"response": "partly", "reason": "Multilateral funds."}, format="json")
    assert response.status_code == 200
    assert (response.json()["response"], response.json()["response_reason"]) == ("partly", "Multilateral funds.")
    response = client.post(
        f"{url}follow-up/",
        {"status": "in-progress", "note": "Two shelters funded.", "round": open_round.pk},
        format="json",
    )
    assert response.status_code == 200
    [follow_up] = response.json()["follow_ups"]
    assert (follow_up["round"], follow_up["round_name"], follow_up["by"], follow_up["status"]) == (
        open_round.pk,
        "Annual report 2014",
        "coordinator",
        "in-progress",
    )
    assert response.json()["status"] == "in-progress"
    client.post(f"{url}follow-up/", {"status": "closed", "note": "Done."}, format="json")
    response = client.post(f"{url}follow-up/", {"status": "open", "note": "Again."}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "This recommendation is closed; its follow-up ended."}
    assert FollowUp.objects.count() == 2


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"lines": ["99.z"]}, "lines", f"Plan {BE} has no line of action 99.z."),
        ({"organisations": [10**12]}, "organisations", f"No such organisation: {10**12}."),
        ({"event": 10**12}, "event", "No such event."),
        ({"text": "  "}, "text", "This field may not be blank."),
    ],
)
def test_a_bad_recommendation_is_refused_with_its_field(coordinator, event, body, field, message):
    data = {"event": event.pk, "text": "Something.", **body}
    response = api(coordinator).post("/api/v1/recommendations/", data, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert event.recommendations.count() == 1


@pytest.mark.parametrize("persona", ["reader", "focal_defence", "ngo_member"])
def test_only_the_coordinator_writes_events_and_recommendations(request, persona, event, recommendation):
    client = api(request.getfixturevalue(persona))
    body = {"plan": BE, "kind": "other", "title": "X", "date": "2015-01-01", "organiser": "equality"}
    assert client.post("/api/v1/events/", body, format="json").status_code == 403
    assert client.post("/api/v1/recommendations/", {"event": event.pk, "text": "X"}, format="json").status_code == 403
    url = f"/api/v1/recommendations/{recommendation.pk}/"
    assert client.post(f"{url}respond/", {"response": "accepted"}, format="json").status_code == 403
    assert client.post(f"{url}follow-up/", {"status": "open", "note": "X"}, format="json").status_code == 403
    assert Event.objects.count() == 1 and Recommendation.objects.get().response == "pending"


def test_recommendations_filter_by_line_and_status(reader, event, coordinator):
    services.recommendation_add(
        actor=coordinator, event=event, text="Count women.", actions=[line("23.a"), line("17.a")]
    )
    client = api(reader)
    assert client.get("/api/v1/recommendations/?line=17.a").json()["count"] == 2
    assert [r["text"] for r in client.get("/api/v1/recommendations/?line=23.a").json()["results"]] == ["Count women."]
    assert client.get("/api/v1/recommendations/?status=closed").json()["count"] == 0


# --- query counts ---------------------------------------------------------------------------------


def _grow(coordinator, orgs, open_round, ngo_member, kivu_member, event):
    """More of everything: organisations in a network following lines, more members, assessments
    in every state, a second event with recommendations on several lines and their follow-ups."""
    ngo = orgs[0]
    for n in range(3):
        extra = services.organisation_add(
            actor=coordinator, name=f"Partner {n}", country="CD", kind="network", network=ngo, languages=["fr"]
        )
        services.organisation_update(
            actor=coordinator, organisation=extra, data={"follows": [line("17.a"), line("35")]}
        )
        member(coordinator, extra, f"member{n}@partner.example")
    member(coordinator, ngo, "jan@vrouwenvoorvrede.example")
    for code in ("7.c", "21", "35"):
        done = services.assessment_submit(actor=ngo_member, assessment=draft(ngo_member, open_round, code))
        services.assessment_moderate(actor=coordinator, assessment=done, decision="accept")
        draft(kivu_member, open_round, code)
    second = services.event_create(
        actor=coordinator,
        plan=event.plan,
        kind="final",
        title="Final consultation",
        date=dt.date(2016, 12, 5),
        organiser=Department.objects.get(code="equality"),
        invited=list(orgs),
        attending=list(orgs),
        women=12,
    )
    for target in (event, second):
        for n in range(3):
            rec = services.recommendation_add(
                actor=coordinator,
                event=target,
                text=f"Recommendation {n}.",
                organisations=list(orgs),
                actions=[line("17.a"), line("23.a")],
            )
            services.recommendation_follow_up(
                actor=coordinator, recommendation=rec, status="in-progress", note="Under way.", round=open_round
            )


def _counted(orgs, assessments, event, recommendation) -> list[tuple[str, int]]:
    return [
        ("/api/v1/organisations/", 5),  # token+user, groups, count, page, lines followed
        (f"/api/v1/organisations/{orgs[0].pk}/", 4),  # token+user, groups, organisation, lines followed
        ("/api/v1/assessments/", 5),  # token+user, groups, count, page, evidence
        (f"/api/v1/assessments/{assessments['published'].pk}/", 5),  # + the one checked, the one shown, evidence
        ("/api/v1/events/", 7),  # token+user, groups, count, page, invited, attending, files
        # + event, invited, attending, files, recommendations, their organisations, lines, follow-ups
        (f"/api/v1/events/{event.pk}/", 10),
        ("/api/v1/recommendations/", 7),  # token+user, groups, count, page, organisations, lines, follow-ups
        (f"/api/v1/recommendations/{recommendation.pk}/", 6),
    ]


def test_every_endpoint_makes_a_fixed_number_of_queries(
    coordinator,
    orgs,
    open_round,
    ngo_member,
    kivu_member,
    assessments,
    event,
    recommendation,
    django_assert_num_queries,
):
    client = api(coordinator)
    for url, queries in _counted(orgs, assessments, event, recommendation):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url
    _grow(coordinator, orgs, open_round, ngo_member, kivu_member, event)
    for url, queries in _counted(orgs, assessments, event, recommendation):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_a_members_and_a_focal_points_lists_make_a_fixed_number_of_queries(
    coordinator,
    focal_defence,
    orgs,
    open_round,
    ngo_member,
    kivu_member,
    assessments,
    event,
    django_assert_num_queries,
):
    member_client, focal_client = api(ngo_member), api(focal_defence)
    # token+user, groups, the member's organisation, count, page, evidence
    with django_assert_num_queries(6):
        assert member_client.get("/api/v1/assessments/").json()["count"] == 2
    with django_assert_num_queries(5):
        assert focal_client.get("/api/v1/assessments/").json()["count"] == 1
    with django_assert_num_queries(5):
        assert focal_client.get("/api/v1/organisations/").json()["count"] == 2
    _grow(coordinator, orgs, open_round, ngo_member, kivu_member, event)
    with django_assert_num_queries(6):
        assert member_client.get("/api/v1/assessments/").json()["count"] == 5
    with django_assert_num_queries(5):
        assert focal_client.get("/api/v1/assessments/").json()["count"] == 4
    with django_assert_num_queries(5):
        assert focal_client.get("/api/v1/organisations/").json()["count"] == 5
