"""The REST API of international reporting under /api/v1/: frameworks, questions, links, requests,
answers, versions sent and targeted questions, for each persona.

Writes go through the international services (tested in tests/test_international.py); these tests
check what the API adds: who may call what (401/403), how errors read (400 per field, 409 for a
stale version, a state that does not allow it or a frozen version sent), and that each endpoint
makes a fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from naptrack.api.services import token_issue
from naptrack.international import services
from naptrack.international.files import parse_rows
from naptrack.international.models import Answer, Dispatch, Framework, Mapping, Request, TargetedQuestion
from naptrack.plans.models import Action, Department, Instrument
from tests.conftest import BE
from tests.portal_data import fill

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("Q1", "Proportion of women and men among diplomats and consuls.", "Participation", "by sex"),
    ("Q2", "Percentage of women in peace missions.", "Participation", "by sex"),
    ("Q3", "Periodic reporting to the CEDAW Committee.", "Prevention", "text"),
    ("Q4", "Number of training courses on resolution 1325 for the military.", "Prevention", "number"),
]
READERS = ["coordinator", "reader"]
NOT_READERS = ["focal_defence", "focal_justice"]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_issue(user=user)[0]}")
        client.get("/api/v1/plans/")  # the token's first use records last_used (once a minute)
    return client


def instrument(code: str, number: int) -> Instrument:
    return Instrument.objects.filter(action__plan__slug=BE, action__code=code).order_by("position")[number - 1]


def load_framework(coordinator, questions=QUESTIONS, name="EU indicators", version="2014") -> Framework:
    parsed = parse_rows([["code", "text", "group", "kind"], *map(list, questions)], name="eu.csv")
    return services.framework_load(actor=coordinator, parsed=parsed, body="eu", name=name, version=version).framework


@pytest.fixture
def framework(coordinator) -> Framework:
    framework = load_framework(coordinator)
    q = {q.code: q for q in framework.questions.all()}
    services.mapping_add(actor=coordinator, question=q["Q1"], instrument=instrument("21", 2))
    services.mapping_add(actor=coordinator, question=q["Q2"], instrument=instrument("23.a", 1))
    services.mapping_add(actor=coordinator, question=q["Q3"], action=Action.objects.get(plan__slug=BE, code="1.a"))
    return framework


@pytest.fixture
def request_(framework, open_round, coordinator, focal_defence, focal_justice) -> Request:
    fill(open_round, "21", "foreign-affairs", coordinator, coordinator, answers={2: {"women": 30, "men": 40}})
    fill(open_round, "21", "defence", focal_defence, coordinator, answers={2: {"women": 12, "men": 88}})
    fill(open_round, "23.a", "defence", focal_defence, coordinator, answers={1: {"women": 7, "men": 93}})
    fill(open_round, "1.a", "justice", focal_justice, coordinator, narrative="Justice reported to CEDAW.")
    return services.request_create(
        actor=coordinator, framework=framework, period_start=2014, due_on=dt.date(2015, 3, 31), reference="EEAS/12"
    )


def answer_of(request: Request, code: str) -> Answer:
    return request.answers.get(question__code=code)


@pytest.fixture
def sent(request_, coordinator) -> Dispatch:
    return services.request_mark_sent(actor=coordinator, request=request_, sent_on=dt.date(2015, 3, 30), sent_to="EEAS")


@pytest.fixture
def asked(request_, coordinator) -> TargetedQuestion:
    return services.targeted_question_ask(
        actor=coordinator,
        answer=answer_of(request_, "Q4"),
        department=Department.objects.get(code="defence"),
        due_on=dt.date.today() + dt.timedelta(days=7),
    )


def reply(focal, targeted: TargetedQuestion, **data) -> TargetedQuestion:
    targeted = services.targeted_question_save(
        actor=focal, targeted=targeted, version=targeted.version, data=data or {"reply": "Twelve courses.", "value": 12}
    )
    return targeted


# --- who reads ------------------------------------------------------------------------------------


def _read_urls(request_: Request, dispatch: Dispatch) -> list[str]:
    framework = request_.framework
    question = framework.questions.get(code="Q1")
    mapping = Mapping.objects.filter(question=question).first()
    return [
        "/api/v1/frameworks/",
        f"/api/v1/frameworks/{framework.pk}/",
        "/api/v1/questions/",
        f"/api/v1/questions/{question.pk}/",
        "/api/v1/mappings/",
        f"/api/v1/mappings/{mapping.pk}/",
        "/api/v1/requests/",
        f"/api/v1/requests/{request_.pk}/",
        f"/api/v1/requests/{request_.pk}/answers/",
        f"/api/v1/answers/{answer_of(request_, 'Q1').pk}/",
        f"/api/v1/requests/{request_.pk}/dispatches/",
        f"/api/v1/dispatches/{dispatch.pk}/",
    ]


@pytest.mark.parametrize("persona", READERS)
def test_coordinators_and_readers_read_everything(request, persona, sent, request_):
    client = api(request.getfixturevalue(persona))
    for url in _read_urls(request_, sent):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", NOT_READERS)
def test_focal_points_read_none_of_it(request, persona, sent, request_):
    client = api(request.getfixturevalue(persona))
    for url in _read_urls(request_, sent):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json() == {"detail": "You do not have permission to perform this action."}


def test_anonymous_callers_are_asked_for_credentials(sent, request_):
    for url in [*_read_urls(request_, sent), "/api/v1/targeted-questions/"]:
        response = APIClient().get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"].startswith("Bearer")


# --- frameworks and questions ---------------------------------------------------------------------


def test_framework_list_and_detail(coordinator, request_):
    framework = request_.framework
    [row] = api(coordinator).get("/api/v1/frameworks/").json()["results"]
    assert row["code"] == "eu-eu-indicators-2014" and row["body"] == "eu" and row["version"] == "2014"
    assert row["counts"] == {"questions": 4, "linked": 3, "requests": 1}
    detail = api(coordinator).get(f"/api/v1/frameworks/{framework.pk}/").json()
    assert [q["code"] for q in detail["questions"]] == ["Q1", "Q2", "Q3", "Q4"]
    q1, _, q3, q4 = detail["questions"]
    assert q1["kind"] == "by-sex" and q1["group"] == "Participation"
    [link] = q1["mappings"]
    assert link["instrument"] == instrument("21", 2).pk and link["action"] is None
    assert (link["plan"], link["line"], link["text"]) == (BE, "21", instrument("21", 2).text)
    assert q3["mappings"][0]["instrument"] is None and q3["mappings"][0]["line"] == "1.a"
    assert q4["mappings"] == []


def test_questions_filter_by_framework(coordinator, framework):
    other = load_framework(coordinator, QUESTIONS[:2], name="UN questionnaire")
    client = api(coordinator)
    assert client.get("/api/v1/questions/").json()["count"] == 6
    response = client.get(f"/api/v1/questions/?framework={other.pk}").json()
    assert [q["code"] for q in response["results"]] == ["Q1", "Q2"]
    assert all(q["framework"] == other.pk for q in response["results"])
    assert client.get("/api/v1/questions/?framework=x").status_code == 400


# --- links ----------------------------------------------------------------------------------------


def test_coordinator_links_and_unlinks(coordinator, framework):
    q4 = framework.questions.get(code="Q4")
    client = api(coordinator)
    target = instrument("7.c", 3)
    response = client.post("/api/v1/mappings/", {"question": q4.pk, "instrument": target.pk}, format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["question"], body["instrument"], body["line"], body["origin"]) == (q4.pk, target.pk, "7.c", "manual")
    line = Action.objects.get(plan__slug=BE, code="16.a")
    response = client.post("/api/v1/mappings/", {"question": q4.pk, "action": line.pk}, format="json")
    assert response.status_code == 201 and response.json()["action"] == line.pk
    listed = client.get(f"/api/v1/mappings/?question={q4.pk}").json()["results"]
    assert [m["line"] for m in listed] == ["7.c", "16.a"]
    assert client.delete(f"/api/v1/mappings/{body['id']}/").status_code == 204
    assert list(Mapping.objects.filter(question=q4).values_list("action__code", flat=True)) == ["16.a"]
    assert client.delete(f"/api/v1/mappings/{body['id']}/").status_code == 404


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"instrument": 10**12}, "instrument", "No such monitoring instrument."),
        ({"action": 10**12}, "action", "No such line of action."),
        ({}, "non_field_errors", "Give either an instrument or a line of action."),
        ({"instrument": "x"}, "instrument", "A valid integer is required."),
    ],
)
def test_a_link_to_what_does_not_exist_is_refused(coordinator, framework, body, field, message):
    q4 = framework.questions.get(code="Q4")
    response = api(coordinator).post("/api/v1/mappings/", {"question": q4.pk, **body}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert not Mapping.objects.filter(question=q4).exists()


def test_a_duplicate_link_is_refused(coordinator, framework):
    q1 = framework.questions.get(code="Q1")
    response = api(coordinator).post(
        "/api/v1/mappings/", {"question": q1.pk, "instrument": instrument("21", 2).pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["target"][0].startswith("Question Q1 is already linked to")
    assert Mapping.objects.filter(question=q1).count() == 1


@pytest.mark.parametrize("persona", ["reader", "focal_defence"])
def test_only_the_coordinator_changes_links(request, persona, framework):
    client = api(request.getfixturevalue(persona))
    q4 = framework.questions.get(code="Q4")
    response = client.post(
        "/api/v1/mappings/", {"question": q4.pk, "instrument": instrument("7.c", 1).pk}, format="json"
    )
    assert response.status_code == 403
    mapping = Mapping.objects.first()
    assert client.delete(f"/api/v1/mappings/{mapping.pk}/").status_code == 403
    assert Mapping.objects.count() == 3


# --- requests -------------------------------------------------------------------------------------


def test_create_a_request(coordinator, framework, open_round, focal_defence):
    fill(open_round, "23.a", "defence", focal_defence, coordinator, answers={1: {"women": 7, "men": 93}})
    body = {"framework": framework.pk, "period_start": 2014, "due_on": "2015-03-31", "reference": "UN/7"}
    response = api(coordinator).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201
    created = response.json()
    assert (created["period"], created["reference"], created["handler"]) == ("2014", "UN/7", "coordinator")
    assert created["completeness"] == {"questions": 4, "answered": 1, "flagged": 3, "sent": 0}
    assert created["dispatches"] == [] and created["visibility"] == "internal" and created["version"] == 1


def test_a_period_no_round_covers_flags_every_question(coordinator, framework):
    body = {"framework": framework.pk, "period_start": 2009, "period_end": 2010, "due_on": "2015-03-31"}
    response = api(coordinator).post("/api/v1/requests/", body, format="json")
    assert response.status_code == 201
    assert response.json()["period"] == "2009-2010"
    assert response.json()["completeness"]["flagged"] == 4


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"period_start": 2015, "period_end": 2014}, "period"),
        ({"period_start": 14}, "period"),
        ({"received_on": "2015-04-01"}, "due_on"),
        ({"due_on": "31/03/2015"}, "due_on"),
        ({"framework": 10**12}, "framework"),
    ],
)
def test_a_bad_request_is_refused_with_its_field(coordinator, framework, body, field):
    data = {"framework": framework.pk, "period_start": 2014, "due_on": "2015-03-31", **body}
    response = api(coordinator).post("/api/v1/requests/", data, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Request.objects.exists()


def test_request_list_and_detail_show_completeness(reader, sent, request_):
    client = api(reader)
    [row] = client.get("/api/v1/requests/").json()["results"]
    assert row["id"] == request_.pk and row["framework_code"] == "eu-eu-indicators-2014"
    assert row["completeness"] == {"questions": 4, "answered": 3, "flagged": 1, "sent": 1}
    detail = client.get(f"/api/v1/requests/{request_.pk}/").json()
    assert [(d["version"], d["sent_to"], d["created_by"]) for d in detail["dispatches"]] == [(1, "EEAS", "coordinator")]
    assert detail["version"] == 2


@pytest.mark.parametrize("persona", ["reader", "focal_defence"])
def test_only_the_coordinator_creates_requests(request, persona, framework):
    body = {"framework": framework.pk, "period_start": 2014, "due_on": "2015-03-31"}
    assert api(request.getfixturevalue(persona)).post("/api/v1/requests/", body, format="json").status_code == 403
    assert not Request.objects.exists()


# --- answers --------------------------------------------------------------------------------------


def test_answers_come_in_the_questions_order_with_their_drafts(reader, request_):
    results = api(reader).get(f"/api/v1/requests/{request_.pk}/answers/").json()["results"]
    assert [a["question"]["code"] for a in results] == ["Q1", "Q2", "Q3", "Q4"]
    q1 = results[0]
    assert (q1["women"], q1["men"], q1["total"], q1["flagged"], q1["edited"]) == (42, 128, 170, False, False)
    assert {d["department"] for d in q1["draft"]["by_department"]} == {"Foreign Affairs", "Defence"}
    assert results[3]["flagged"] is True


def test_coordinator_edits_an_answer_with_its_version(coordinator, request_):
    answer = answer_of(request_, "Q1")
    client = api(coordinator)
    body = {"version": answer.version, "text": "Forty-two women.", "women": 42, "total": "170"}
    response = client.patch(f"/api/v1/answers/{answer.pk}/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert (data["text"], data["version"], data["edited"], data["updated_by"]) == (
        "Forty-two women.",
        answer.version + 1,
        True,
        "coordinator",
    )


def test_a_stale_version_gets_409_with_the_current_answer(coordinator, request_):
    answer = answer_of(request_, "Q3")
    services.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "First."})
    response = api(coordinator).patch(
        f"/api/v1/answers/{answer.pk}/", {"version": answer.version, "text": "Second."}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == answer.version + 1
    assert body["current"]["text"] == "First." and body["current"]["id"] == answer.pk
    assert "changed by someone else" in body["detail"]
    assert Answer.objects.get(pk=answer.pk).text == "First."


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"women": -1}, "women", "Ensure this value is greater than or equal to 0."),
        ({"women": 100, "men": 100, "total": 50}, "total", "The total is smaller than women, men and other together."),
        ({"yes": "perhaps"}, "yes", "Must be a valid boolean."),
        ({"total": "lots"}, "total", "A valid number is required."),
        ({"text": "x" * 20_001}, "text", "An answer has at most 20,000 characters."),
    ],
)
def test_bad_answers_get_400_with_field_messages(coordinator, request_, body, field, message):
    answer = answer_of(request_, "Q1")
    response = api(coordinator).patch(
        f"/api/v1/answers/{answer.pk}/", {"version": answer.version, **body}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["errors"][field] == [message]
    assert Answer.objects.get(pk=answer.pk).version == answer.version


def test_an_answer_needs_its_version(coordinator, request_):
    answer = answer_of(request_, "Q1")
    response = api(coordinator).patch(f"/api/v1/answers/{answer.pk}/", {"text": "No version."}, format="json")
    assert response.status_code == 400 and "version" in response.json()["errors"]


@pytest.mark.parametrize("persona", ["reader", "focal_defence"])
def test_only_the_coordinator_edits_answers(request, persona, request_):
    answer = answer_of(request_, "Q1")
    response = api(request.getfixturevalue(persona)).patch(
        f"/api/v1/answers/{answer.pk}/", {"version": answer.version, "text": "Mine."}, format="json"
    )
    assert response.status_code == 403
    assert Answer.objects.get(pk=answer.pk).text != "Mine."


# --- versions sent --------------------------------------------------------------------------------


def test_a_version_sent_is_frozen(coordinator, sent, request_):
    client = api(coordinator)
    answer = answer_of(request_, "Q1")
    assert (
        client.patch(
            f"/api/v1/answers/{answer.pk}/", {"version": answer.version, "women": 50}, format="json"
        ).status_code
        == 200
    )
    for method in (client.patch, client.put):
        response = method(f"/api/v1/dispatches/{sent.pk}/", {"content": {}}, format="json")
        assert response.status_code == 409
        assert response.json()["detail"].startswith("Version 1 was sent and is frozen")
    detail = client.get(f"/api/v1/dispatches/{sent.pk}/").json()
    assert detail["content"]["answers"][0]["women"] == 42
    assert detail["content"] == Dispatch.objects.get(pk=sent.pk).content
    [listed] = client.get(f"/api/v1/requests/{request_.pk}/dispatches/").json()["results"]
    assert listed["version"] == 1 and "content" not in listed


def test_a_reader_may_not_even_try_to_change_a_version_sent(reader, sent):
    assert api(reader).patch(f"/api/v1/dispatches/{sent.pk}/", {}, format="json").status_code == 403


# --- targeted questions ---------------------------------------------------------------------------


def test_a_focal_point_sees_only_their_departments_questions(
    focal_defence, focal_justice, reader, asked, request_, coordinator
):
    services.targeted_question_ask(
        actor=coordinator,
        answer=answer_of(request_, "Q3"),
        department=Department.objects.get(code="justice"),
        due_on=dt.date.today() + dt.timedelta(days=7),
    )
    mine = api(focal_defence).get("/api/v1/targeted-questions/").json()["results"]
    assert [(t["id"], t["department"], t["question_code"]) for t in mine] == [(asked.pk, "defence", "Q4")]
    theirs = api(focal_justice).get("/api/v1/targeted-questions/").json()["results"]
    assert [t["department"] for t in theirs] == ["justice"]
    assert api(focal_justice).get(f"/api/v1/targeted-questions/{asked.pk}/").status_code == 403
    assert api(focal_defence).get(f"/api/v1/targeted-questions/{asked.pk}/").status_code == 200
    assert api(reader).get("/api/v1/targeted-questions/").json()["count"] == 2
    assert api(reader).get("/api/v1/targeted-questions/?department=justice").json()["count"] == 1


def test_a_person_without_a_role_reads_no_targeted_question(asked, plan):
    from naptrack.accounts.models import User

    nobody = User.objects.create_user("nobody", password="correct horse battery staple")
    assert api(nobody).get("/api/v1/targeted-questions/").status_code == 403


def test_the_department_replies_submits_and_the_coordinator_approves(focal_defence, coordinator, asked, request_):
    client = api(focal_defence)
    url = f"/api/v1/targeted-questions/{asked.pk}/"
    response = client.patch(url, {"version": asked.version, "reply": "Twelve courses.", "value": 12}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["reply"], body["value"], body["state"]) == ("Twelve courses.", 12, "draft")
    response = client.post(f"{url}submit/", {"version": body["version"]}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    # Submitted: no longer the department's to change (a state, 409), nor theirs to approve (403).
    response = client.patch(url, {"version": response.json()["version"], "reply": "More."}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "This reply is submitted: it can be changed only while it is a draft or returned for revision."
    )
    assert client.post(f"{url}approve/", {}, format="json").status_code == 403
    response = api(coordinator).post(f"{url}approve/", {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "approved"
    assert "Twelve courses." in answer_of(request_, "Q4").text


def test_the_coordinator_returns_a_reply_with_a_note(focal_defence, coordinator, asked):
    services.targeted_question_submit(actor=focal_defence, targeted=reply(focal_defence, asked))
    url = f"/api/v1/targeted-questions/{asked.pk}/"
    client = api(coordinator)
    response = client.post(f"{url}return/", {}, format="json")
    assert response.status_code == 400 and "note" in response.json()["errors"]
    response = client.post(f"{url}return/", {"note": "Which courses?"}, format="json")
    assert response.status_code == 200
    assert (response.json()["state"], response.json()["review_note"]) == ("returned", "Which courses?")
    # Returned: the department may change it again; approving it now is a matter of state.
    assert client.post(f"{url}approve/", {}, format="json").status_code == 409
    again = api(focal_defence).patch(
        url, {"version": response.json()["version"], "reply": "Twelve, listed."}, format="json"
    )
    assert again.status_code == 200


def test_a_stale_reply_gets_409_with_the_current_question(focal_defence, asked):
    reply(focal_defence, asked)
    response = api(focal_defence).patch(
        f"/api/v1/targeted-questions/{asked.pk}/", {"version": asked.version, "reply": "Old."}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["version"] == asked.version + 1 and body["current"]["reply"] == "Twelve courses."


def test_replies_are_checked_per_field(focal_defence, asked):
    url = f"/api/v1/targeted-questions/{asked.pk}/"
    response = api(focal_defence).patch(url, {"version": asked.version, "women": -3}, format="json")
    assert response.status_code == 400 and "women" in response.json()["errors"]
    response = api(focal_defence).post(f"{url}submit/", {}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["reply"] == ["Nothing to submit yet: write a reply or give figures."]


@pytest.mark.parametrize("persona", ["focal_justice", "coordinator", "reader"])
def test_only_the_department_replies(request, persona, asked):
    client = api(request.getfixturevalue(persona))
    url = f"/api/v1/targeted-questions/{asked.pk}/"
    assert client.patch(url, {"version": asked.version, "reply": "Not mine."}, format="json").status_code == 403
    assert client.post(f"{url}submit/", {}, format="json").status_code == 403
    assert TargetedQuestion.objects.get(pk=asked.pk).reply == ""


def test_the_coordinator_asks_a_department(coordinator, focal_defence, request_):
    body = {"answer": answer_of(request_, "Q4").pk, "department": "defence", "due_on": "2099-01-31"}
    response = api(coordinator).post("/api/v1/targeted-questions/", body, format="json")
    assert response.status_code == 201
    assert (response.json()["department"], response.json()["text"]) == ("defence", QUESTIONS[3][1])
    response = api(coordinator).post("/api/v1/targeted-questions/", body, format="json")
    assert response.status_code == 400 and "department" in response.json()["errors"]
    body = {**body, "department": "nowhere"}
    assert api(coordinator).post("/api/v1/targeted-questions/", body, format="json").json()["errors"] == {
        "department": ["Unknown department."]
    }
    assert api(focal_defence).post("/api/v1/targeted-questions/", body, format="json").status_code == 403


# --- query counts ---------------------------------------------------------------------------------


def _grow(coordinator, request_, focal_defence):
    """More of everything: a second framework with its own links and request, more targeted
    questions, a second version sent."""
    other = load_framework(coordinator, [*QUESTIONS, ("Q5", "Women among police officers.", "", "by sex")], name="UN")
    for question in other.questions.all():
        services.mapping_add(actor=coordinator, question=question, instrument=instrument("21", 2))
        services.mapping_add(actor=coordinator, question=question, instrument=instrument("7.c", 1))
    more = services.request_create(actor=coordinator, framework=other, period_start=2014, due_on=dt.date(2015, 6, 1))
    for answer in more.answers.all()[:3]:
        for code in ("defence", "justice"):
            services.targeted_question_ask(
                actor=coordinator,
                answer=answer,
                department=Department.objects.get(code=code),
                due_on=dt.date(2099, 1, 1),
            )
    answer = answer_of(request_, "Q3")
    services.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "Changed."})
    services.request_mark_sent(actor=coordinator, request=request_, sent_on=dt.date(2015, 4, 2), sent_to="EEAS")


def _counted(request_, sent, asked) -> list[tuple[str, int]]:
    framework = request_.framework
    question = framework.questions.get(code="Q1")
    return [
        ("/api/v1/frameworks/", 4),  # token+user, groups, count, page
        (f"/api/v1/frameworks/{framework.pk}/", 5),  # + framework, questions, links
        ("/api/v1/questions/", 5),  # + count, page, links
        (f"/api/v1/questions/{question.pk}/", 4),  # + question, links
        ("/api/v1/mappings/", 4),  # + count, page
        (f"/api/v1/mappings/{Mapping.objects.filter(question=question).first().pk}/", 3),
        ("/api/v1/requests/", 4),
        (f"/api/v1/requests/{request_.pk}/", 4),  # + request with counts, versions sent
        (f"/api/v1/requests/{request_.pk}/answers/", 6),  # + request, count, page, targeted questions
        (f"/api/v1/answers/{answer_of(request_, 'Q4').pk}/", 4),  # + answer, targeted questions
        (f"/api/v1/requests/{request_.pk}/dispatches/", 5),  # + request, count, page
        (f"/api/v1/dispatches/{sent.pk}/", 3),
        ("/api/v1/targeted-questions/", 4),
        (f"/api/v1/targeted-questions/{asked.pk}/", 3),
    ]


def test_every_endpoint_makes_a_fixed_number_of_queries(
    coordinator, focal_defence, sent, request_, asked, django_assert_num_queries
):
    client = api(coordinator)
    for url, queries in _counted(request_, sent, asked):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url
    _grow(coordinator, request_, focal_defence)
    for url, queries in _counted(request_, sent, asked):
        with django_assert_num_queries(queries):
            assert client.get(url).status_code == 200, url


def test_a_focal_points_list_makes_a_fixed_number_of_queries(
    coordinator, focal_defence, sent, request_, asked, django_assert_num_queries
):
    client = api(focal_defence)
    # token+user, groups, the user's units, count, page; the detail: + question (no count, page)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/targeted-questions/").json()["count"] == 1
    with django_assert_num_queries(4):
        client.get(f"/api/v1/targeted-questions/{asked.pk}/")
    _grow(coordinator, request_, focal_defence)
    with django_assert_num_queries(5):
        assert client.get("/api/v1/targeted-questions/").json()["count"] == 4
