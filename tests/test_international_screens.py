"""The international reporting screens on the Belgian plan: the coordinator's home, question sets
and their links, requests and their answers, the answer pack's files, sending and publishing;
targeted questions in the focal points' work list; the questions a line answers on its page.
Permissions per persona, bad input, and the query count of every page."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from naptrack.international import services
from naptrack.international.files import parse_rows
from naptrack.international.models import Answer, Dispatch, Framework, Mapping, Question, Request, TargetedQuestion
from naptrack.plans.models import Department, Instrument
from tests.conftest import logged_in
from tests.portal_data import fill, publish

HOME = "/international/"
LOAD = "/international/frameworks/load/"
NEW_REQUEST = "/international/requests/new/"

# Four questions in the words of an invented questionnaire (no body's wording is copied).
ROWS = [
    ["code", "text", "group", "kind"],
    ["P1", "Number of women and men deployed in peace missions and military operations", "Participation", "by sex"],
    ["P2", "Has the government reported to the CEDAW Committee on women, peace and security?", "Prevention", "yes/no"],
    ["P3", "Training of diplomats on resolution 1325", "Prevention", "text"],
    ["R1", "Budget earmarked for the action plan", "Relief", "number"],
]
MEN_DEFENCE = "Defence deployed seven women and thirty men with the training mission in Mali."


def html_of(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(response) -> str:
    return response.content.decode()


def framework_of(coordinator, rows=ROWS, name="WPS questionnaire", version="2015") -> Framework:
    parsed = parse_rows(rows, name="questions.csv")
    return services.framework_load(actor=coordinator, parsed=parsed, body="un", name=name, version=version).framework


def instrument(code: str, number: int) -> Instrument:
    return Instrument.objects.filter(action__code=code).order_by("position")[number - 1]


def question(framework: Framework, code: str) -> Question:
    return framework.questions.get(code=code)


@pytest.fixture
def framework(coordinator) -> Framework:
    return framework_of(coordinator)


@pytest.fixture
def mapped(framework, coordinator) -> Framework:
    """P1 linked to 23.a's instrument (Defence, by sex), P2 to line 1.a; P3 and R1 not linked."""
    services.mapping_add(actor=coordinator, question=question(framework, "P1"), instrument=instrument("23.a", 1))
    line = Instrument.objects.filter(action__code="1.a").first().action
    services.mapping_add(actor=coordinator, question=question(framework, "P2"), action=line)
    return framework


@pytest.fixture
def reported(open_round, focal_defence, coordinator):
    """Defence's contribution on 23.a approved with figures by sex."""
    return fill(
        open_round,
        "23.a",
        "defence",
        focal_defence,
        coordinator,
        narrative=MEN_DEFENCE,
        answers={1: {"women": 7, "men": 30}},
    )


@pytest.fixture
def pack(mapped, reported, coordinator) -> Request:
    return services.request_create(
        actor=coordinator, framework=mapped, period_start=2014, due_on=timezone.localdate() + dt.timedelta(days=20)
    )


def answer_of(req: Request, code: str) -> Answer:
    return req.answers.select_related("question").get(question__code=code)


def req_url(req: Request) -> str:
    return f"/international/requests/{req.pk}/"


def ask(coordinator, req: Request, code: str = "R1", department: str = "defence") -> TargetedQuestion:
    return services.targeted_question_ask(
        actor=coordinator,
        answer=answer_of(req, code),
        department=Department.objects.get(code=department),
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )


# --- who sees what ---------------------------------------------------------------------------------


def test_every_page_renders_for_the_coordinator(pack, coordinator_client, coordinator):
    targeted = ask(coordinator, pack)
    for url in (
        HOME,
        LOAD,
        NEW_REQUEST,
        f"/international/frameworks/{pack.framework.code}/",
        req_url(pack),
        f"/international/requests/{pack.pk}/visibility/",
        f"/international/targeted/{targeted.pk}/",
    ):
        assert coordinator_client.get(url).status_code == 200, url


def test_anonymous_is_sent_to_the_login_page(pack, anonymous, coordinator):
    targeted = ask(coordinator, pack)
    for url in (
        HOME,
        LOAD,
        f"/international/frameworks/{pack.framework.code}/",
        req_url(pack),
        f"/international/requests/{pack.pk}/export/?format=csv&lang=en",
        f"/international/targeted/{targeted.pk}/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    response = anonymous.post(f"/international/answers/{answer_of(pack, 'P3').pk}/", {"text": "x", "version": "1"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reader_reads_every_page_without_buttons_and_every_write_is_refused(pack, reader, coordinator):
    targeted = ask(coordinator, pack)
    client = logged_in(reader)
    assert "International reporting" in html_of(client.get("/"))
    html = html_of(client.get(HOME))
    assert "New request" not in html and pack.framework.name in html
    html = html_of(client.get(f"/international/frameworks/{pack.framework.code}/"))
    assert "Confirm" not in html and "Remove" not in html and "be-nap-2013-2016:23.a:1" in html
    html = html_of(client.get(req_url(pack)))
    assert "Save answer" not in html and "Mark as sent" not in html and "Ask the department" not in html
    assert client.get(f"/international/requests/{pack.pk}/export/?format=xlsx&lang=en").status_code == 200
    html = html_of(client.get(f"/international/targeted/{targeted.pk}/"))
    assert "Save draft" not in html
    p3 = answer_of(pack, "P3")
    mapping = Mapping.objects.filter(question__framework=pack.framework).first()
    for url, data in (
        (LOAD, {}),
        ("/international/frameworks/new/", {"new-body": "un", "new-name": "X"}),
        (f"/international/frameworks/{pack.framework.code}/", {"code": "Z", "text": "Z?", "kind": "text"}),
        (f"/international/questions/{p3.question_id}/links/", {"target": "be-nap-2013-2016:14.a"}),
        (f"/international/links/{mapping.pk}/remove/", {}),
        (NEW_REQUEST, {}),
        (f"/international/answers/{p3.pk}/", {"text": "Mine", "version": "1"}),
        (f"/international/answers/{p3.pk}/ask/", {}),
        (f"/international/targeted/{targeted.pk}/review/approve/", {}),
        (f"/international/targeted/{targeted.pk}/", {"reply": "x", "version": "1"}),
        (f"/international/requests/{pack.pk}/redraft/", {}),
        (f"/international/requests/{pack.pk}/sent/", {"sent_on": "2015-01-01", "sent_to": "UN"}),
        (f"/international/requests/{pack.pk}/visibility/", {"public": "1"}),
    ):
        assert client.post(url, data).status_code == 403, url
    assert client.get(f"/international/requests/{pack.pk}/visibility/").status_code == 403
    assert Mapping.objects.filter(pk=mapping.pk).exists() and answer_of(pack, "P3").version == 1
    assert Request.objects.get(pk=pack.pk).visibility == "internal" and not Dispatch.objects.exists()


def test_focal_points_see_no_coordinator_screen(pack, focal_defence, focal_justice):
    client = logged_in(focal_defence)
    assert "International reporting" not in html_of(client.get("/"))
    for url in (HOME, LOAD, f"/international/frameworks/{pack.framework.code}/", req_url(pack)):
        assert client.get(url).status_code == 403, url


def test_focal_point_reaches_only_the_questions_put_to_their_department(
    pack, coordinator, focal_defence, focal_justice
):
    defence = ask(coordinator, pack, "R1", "defence")
    justice = ask(coordinator, pack, "P3", "justice")
    defence_client, justice_client = logged_in(focal_defence), logged_in(focal_justice)
    work = html_of(defence_client.get("/work/"))
    assert f"/international/targeted/{defence.pk}/" in work and f"/international/targeted/{justice.pk}/" not in work
    assert "Questions from international reporting" in work
    work = html_of(justice_client.get("/work/"))
    assert f"/international/targeted/{justice.pk}/" in work and f"/international/targeted/{defence.pk}/" not in work
    assert defence_client.get(f"/international/targeted/{justice.pk}/").status_code == 403
    assert (
        defence_client.post(f"/international/targeted/{justice.pk}/", {"reply": "Ours", "version": "1"}).status_code
        == 403
    )
    assert defence_client.get("/international/targeted/999999/").status_code == 404
    assert TargetedQuestion.objects.get(pk=justice.pk).reply == ""


def test_a_focal_point_without_targeted_questions_sees_no_section(open_round, focal_defence_client):
    assert "Questions from international reporting" not in html_of(focal_defence_client.get("/work/"))


# --- question sets -----------------------------------------------------------------------------------


def upload(rows, name="questions.csv") -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = io.BytesIO(out.getvalue().encode())
    data.name = name
    return data


def test_coordinator_loads_a_question_set_from_a_csv_file(coordinator_client):
    response = coordinator_client.post(
        LOAD,
        {"document": upload(ROWS), "body": "eu", "name": "EU indicators", "version": "2016", "source": "Council doc"},
    )
    framework = Framework.objects.get(name="EU indicators")
    assert response.status_code == 302 and response["Location"] == f"/international/frameworks/{framework.code}/"
    assert list(framework.questions.values_list("code", flat=True)) == ["P1", "P2", "P3", "R1"]
    assert (framework.body, framework.version, framework.source) == ("eu", "2016", "Council doc")
    html = html_of(coordinator_client.get(response["Location"]))
    assert "4 questions added, 0 changed, 0 removed." in html
    assert html.index("Participation") < html.index("Prevention") < html.index("Relief")


def test_a_dry_run_shows_what_would_change_and_keeps_nothing(coordinator_client):
    response = coordinator_client.post(
        LOAD, {"document": upload(ROWS), "body": "eu", "name": "EU indicators", "dry_run": "on"}
    )
    html = html_of(response)
    assert "The file is fine: 4 questions." in html and "4 to add, 0 to change, 0 to remove." in html
    assert not Framework.objects.exists()


def test_a_file_with_problems_shows_each_row_and_loads_nothing(coordinator_client):
    rows = [*ROWS, ["P1", "Again", "", ""], ["", "No code", "", ""], ["X9", "Odd kind", "", "colour"]]
    response = coordinator_client.post(LOAD, {"document": upload(rows), "body": "un", "name": "Bad"})
    assert response.status_code == 400
    html = text_of(response)
    assert html.count('<li class="problem">') == 3
    assert "Row 6: the code P1 is already used on row 2" in html
    assert "Row 7: the question has no code." in html
    assert "Row 8: the kind colour is not one of" in html
    assert not Framework.objects.exists() and not Question.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "This field is required."),
        ({"document": upload([["code", "text"]], "empty.csv")}, "holds a header row but no question"),
        ({"document": upload([["number", "wording"], ["1", "x"]])}, "has no text column"),
        ({"document": upload(ROWS, "questions.pdf")}, "is neither a CSV nor an XLSX file"),
    ],
)
def test_bad_files_get_a_message_and_nothing_is_created(coordinator_client, data, message):
    response = coordinator_client.post(LOAD, {"body": "un", "name": "Bad", **data})
    assert response.status_code == 400
    assert message in text_of(response)
    assert not Framework.objects.exists()


def test_coordinator_creates_a_question_set_in_the_app_and_adds_questions(coordinator_client):
    response = coordinator_client.post(
        "/international/frameworks/new/", {"new-body": "osce", "new-name": "Code of Conduct", "new-version": "2016"}
    )
    framework = Framework.objects.get(name="Code of Conduct")
    url = f"/international/frameworks/{framework.code}/"
    assert response["Location"] == url
    response = coordinator_client.post(url, {"code": "WPS-1", "text": "What does the army do?", "kind": "text"})
    added = framework.questions.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{added.pk}")
    response = coordinator_client.post(url, {"code": "WPS-1", "text": "Again?", "kind": "text"})
    assert response.status_code == 400 and "Code WPS-1 is already used in this framework." in text_of(response)
    assert framework.questions.count() == 1
    response = coordinator_client.post(
        "/international/frameworks/new/", {"new-body": "osce", "new-name": "Code of Conduct", "new-version": "2016"}
    )
    assert response.status_code == 400 and "already exists" in text_of(response)


def test_framework_page_shows_links_and_suggestions_and_the_coordinator_confirms_one(
    mapped, coordinator_client, coordinator
):
    url = f"/international/frameworks/{mapped.code}/"
    html = html_of(coordinator_client.get(url))
    p1, p3 = question(mapped, "P1"), question(mapped, "P3")
    card = between(html, f'id="question-{p1.pk}"', "</section>")
    assert "be-nap-2013-2016:23.a:1" in card and "Remove" in card
    # The linked instrument is never suggested again.
    suggested = between(card, '<ul class="list-unstyled suggestions">', "</ul>") if "suggestions" in card else ""
    assert f'name="instrument" value="{instrument("23.a", 1).pk}"' not in suggested
    card = between(html, f'id="question-{p3.pk}"', "</section>")
    assert card.count('class="suggestion ') == 3
    first = re.search(r'name="instrument" value="(\d+)">\s*<input type="hidden" name="score" value="([\d.]+)"', card)
    response = coordinator_client.post(
        f"/international/questions/{p3.pk}/links/", {"instrument": first[1], "score": first[2]}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#question-{p3.pk}"
    mapping = Mapping.objects.get(question=p3)
    assert (mapping.instrument_id, mapping.origin, mapping.score) == (int(first[1]), "suggested", float(first[2]))
    html = html_of(coordinator_client.get(url))
    assert "linked to" in html and "suggestion confirmed" in html
    # Removing it.
    response = coordinator_client.post(f"/international/links/{mapping.pk}/remove/")
    assert response.status_code == 302 and not Mapping.objects.filter(question=p3).exists()


def test_coordinator_links_by_typing_plan_line_and_instrument(mapped, coordinator_client):
    r1 = question(mapped, "R1")
    links = f"/international/questions/{r1.pk}/links/"
    coordinator_client.post(links, {"target": "be-nap-2013-2016:14.a"})
    coordinator_client.post(links, {"target": "be-nap-2013-2016:21:2"})
    targets = {
        (m.action.code if m.action else f"{m.instrument.action.code}:{m.instrument.position}")
        for m in r1.mappings.all()
    }
    assert targets == {"14.a", f"21:{instrument('21', 2).position}"}
    for target, message in (
        ("be-nap-2013-2016:99.z", "There is no line 99.z in a plan be-nap-2013-2016."),
        ("be-nap-2013-2016:21:9", "Line 21 has no monitoring instrument 9."),
        ("14.a", "Write the link as PLAN:LINE or PLAN:LINE:N"),
        ("be-nap-2013-2016:14.a", "is already linked to"),
    ):
        response = coordinator_client.post(links, {"target": target}, follow=True)
        assert message in html_of(response), target
    assert r1.mappings.count() == 2


# --- requests -----------------------------------------------------------------------------------------


def test_request_creation_form_creates_a_request_and_drafts_its_answers(mapped, reported, coordinator_client):
    html = html_of(coordinator_client.get(f"{NEW_REQUEST}?framework={mapped.code}"))
    assert f'<option value="{mapped.code}" selected>' in html
    response = coordinator_client.post(
        NEW_REQUEST,
        {
            "framework": mapped.code,
            "period": "2013-2014",
            "due_on": "2031-03-01",
            "received_on": "2031-01-10",
            "reference": "UN/WPS/2031/7",
        },
    )
    created = Request.objects.get()
    assert response.status_code == 302 and response["Location"] == req_url(created)
    assert (created.period_start, created.period_end, created.reference) == (2013, 2014, "UN/WPS/2031/7")
    html = html_of(coordinator_client.get(response["Location"]))
    assert "Request created: 4 answers drafted, 3 with nothing reported behind them." in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"period": "last year"}, "period", "Give the period as years"),
        ({"period": "2015-2013"}, "period", "The period ends before it starts."),
        ({"received_on": "2031-04-01"}, "due_on", "The due date is before the date the request was received."),
        ({"due_on": ""}, "due_on", "This field is required."),
    ],
)
def test_request_form_names_the_field_of_each_mistake(mapped, coordinator_client, data, field, message):
    base = {"framework": mapped.code, "period": "2014", "due_on": "2031-03-01"}
    response = coordinator_client.post(NEW_REQUEST, {**base, **data})
    assert response.status_code == 400
    html = text_of(response)
    assert f'id="id_{field}_error"' in html and message in between(html, f'id="id_{field}_error"', "</div>")
    assert not Request.objects.exists()


def test_request_page_shows_the_draft_figures_quotes_and_flags(pack, coordinator_client):
    html = html_of(coordinator_client.get(req_url(pack)))
    p1 = between(html, f'id="answer-{answer_of(pack, "P1").pk}"', "</section>")
    totals = between(p1, '<tr class="fw-semibold totals">', "</tr>")
    assert re.findall(r'<td class="text-end">([^<]+)</td>', totals) == ["7", "30", "—", "37"]
    assert "100.0%" in p1 and MEN_DEFENCE in p1 and "Defence" in p1 and "line 23.a" in p1
    assert 'name="women" value="7"' in p1 and 'name="total" value="37"' in p1
    r1 = between(html, f'id="answer-{answer_of(pack, "R1").pk}"', "</section>")
    assert "Nothing reported behind this question." in r1
    assert 'name="women"' not in r1 and 'name="total"' in r1
    p2 = between(html, f'id="answer-{answer_of(pack, "P2").pk}"', "</section>")
    assert 'type="radio" name="yes" value="yes"' in p2


def test_the_whole_screen_flow(pack, open_round, coordinator, coordinator_client, focal_defence, reader, monkeypatch):
    client = coordinator_client
    url = req_url(pack)
    r1 = answer_of(pack, "R1")

    # An answer edited, then a stale edit: a clear message, what was typed kept, the saved answer shown.
    response = client.post(
        f"/international/answers/{r1.pk}/", {"text": "Four million euros.", "total": "4000000", "version": "1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#answer-{r1.pk}"
    r1.refresh_from_db()
    assert (r1.text, r1.total, r1.version, r1.edited) == ("Four million euros.", 4000000, 2, True)
    response = client.post(f"/international/answers/{r1.pk}/", {"text": "My late words", "total": "5", "version": "1"})
    assert response.status_code == 409
    html = text_of(response)
    card = between(html, f'id="answer-{r1.pk}"', "</section>")
    assert "Someone saved answer R1 while you were editing it (version 2 is the current one)." in html
    assert "My late words</textarea>" in card and 'name="total" value="5"' in card
    assert "Four million euros." in between(card, 'class="bg-body border p-2 saved-answer"', "</div>")
    assert 'name="version" value="2"' in card
    assert Answer.objects.get(pk=r1.pk).text == "Four million euros."
    # A mistake in a number names the field and keeps the text.
    response = client.post(f"/international/answers/{r1.pk}/", {"text": "Kept", "total": "lots", "version": "2"})
    assert response.status_code == 400
    card = between(text_of(response), f'id="answer-{r1.pk}"', "</section>")
    assert "Give a number below a trillion with at most four decimals" in card and "Kept</textarea>" in card

    # Ask Defence; a second ask of the same department is refused with the field named.
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    defence = Department.objects.get(code="defence")
    response = client.post(
        f"/international/answers/{r1.pk}/ask/", {"department": defence.pk, "due_on": due, "text": "What is the budget?"}
    )
    assert response.status_code == 302
    targeted = TargetedQuestion.objects.get()
    assert (targeted.department, targeted.text, targeted.state) == (defence, "What is the budget?", "draft")
    response = client.post(
        f"/international/answers/{r1.pk}/ask/", {"department": defence.pk, "due_on": due, "text": "x"}
    )
    assert response.status_code == 400 and "Defence has already been asked this question." in text_of(response)
    past = client.post(
        f"/international/answers/{r1.pk}/ask/",
        {"department": Department.objects.get(code="justice").pk, "due_on": "2001-01-01", "text": "x"},
    )
    assert past.status_code == 400 and "The due date is in the past." in text_of(past)

    # The focal point of Defence replies, saves, submits.
    focal = logged_in(focal_defence)
    edit = f"/international/targeted/{targeted.pk}/"
    html = html_of(focal.get(edit))
    assert "What is the budget?" in html and "WPS questionnaire" in html and "Save draft" in html
    response = focal.post(edit, {"reply": "Two million.", "value": "2000000", "version": "1", "action": "save"})
    assert response.status_code == 302
    assert "Draft saved." in html_of(focal.get(edit))
    stale = focal.post(edit, {"reply": "Old tab", "version": "1", "action": "save"})
    assert stale.status_code == 409 and "Old tab</textarea>" in text_of(stale)
    response = focal.post(edit, {"reply": "Two million euros.", "value": "2000000", "version": "2", "action": "submit"})
    assert response.status_code == 302
    targeted.refresh_from_db()
    assert (targeted.state, targeted.reply) == ("submitted", "Two million euros.")
    html = html_of(focal.get(edit))
    assert "Save draft" not in html and "Two million euros." in html

    # The coordinator returns it with a note (a note is required), the focal point submits again, it is approved.
    html = html_of(client.get(url))
    assert "Approve" in between(html, f'id="targeted-{targeted.pk}"', "</li>")
    version = str(targeted.version)
    assert f'name="version" value="{version}"' in between(html, f'id="targeted-{targeted.pk}"', "</li>")
    response = client.post(
        f"/international/targeted/{targeted.pk}/review/return/", {"note": "", "version": version}, follow=True
    )
    assert "Tell the department what to revise." in html_of(response)
    response = client.post(
        f"/international/targeted/{targeted.pk}/review/return/", {"note": "Say which year.", "version": version}
    )
    assert response.status_code == 302
    targeted.refresh_from_db()
    assert targeted.state == "returned"
    html = html_of(focal.get(edit))
    assert "Say which year." in html and "Save draft" in html
    focal.post(
        edit,
        {
            "reply": "Two million euros in 2014.",
            "value": "2000000",
            "version": str(targeted.version),
            "action": "submit",
        },
    )
    targeted.refresh_from_db()
    assert targeted.state == "submitted"
    response = client.post(f"/international/targeted/{targeted.pk}/review/approve/", {"version": str(targeted.version)})
    assert response.status_code == 302
    targeted.refresh_from_db()
    assert targeted.state == "approved"
    html = html_of(client.get(url))
    card = between(html, f'id="answer-{r1.pk}"', "</section>")
    assert "Two million euros in 2014." in card and "reply to a targeted question" in card

    # Every format and language downloads as a valid file.
    for fmt in ("docx", "xlsx", "csv"):
        for lang in ("en", "fr", "nl"):
            response = client.get(f"{url}export/?format={fmt}&lang={lang}")
            assert response.status_code == 200, (fmt, lang)
            assert (
                f'filename="{pack.framework.code}-request-{pack.pk}-v1-{lang}.{fmt}"' in response["Content-Disposition"]
            )
            check_file(response.content, fmt)
    assert client.get(f"{url}export/?format=pdf&lang=en").status_code == 400
    assert client.get(f"{url}export/?format=csv&lang=es").status_code == 400
    sent_xlsx = client.get(f"{url}export/?format=xlsx&lang=en").content

    # Marked as sent; sending the same answers again is refused with a message.
    response = client.post(
        f"{url}sent/", {"sent_on": timezone.localdate().isoformat(), "sent_to": "UN DPPA", "reference": "R-1"}
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#sent"
    dispatch = Dispatch.objects.get()
    assert (dispatch.version, dispatch.sent_to) == (1, "UN DPPA")
    html = html_of(client.get(url))
    assert "Version 1 marked as sent to UN DPPA" in html and "Mark version 2 as sent" in html
    response = client.post(f"{url}sent/", {"sent_on": timezone.localdate().isoformat(), "sent_to": "UN DPPA"})
    assert response.status_code == 409 and "was already sent on" in text_of(response)
    response = client.post(f"{url}sent/", {"sent_on": timezone.localdate().isoformat(), "sent_to": ""})
    assert response.status_code == 400 and 'id="id_sent_to_error"' in text_of(response)

    # Edited again: the new version differs, the sent one downloads as it was.
    r1.refresh_from_db()
    client.post(
        f"/international/answers/{r1.pk}/",
        {"text": "Revised after sending.", "total": "4000000", "version": str(r1.version)},
    )
    sent = client.get(f"{url}sent/1/?format=xlsx&lang=en")
    assert sent.status_code == 200 and 'filename="' in sent["Content-Disposition"]
    assert xlsx_rows(sent.content) == xlsx_rows(sent_xlsx)
    now = xlsx_rows(client.get(f"{url}export/?format=xlsx&lang=en").content)
    assert "Revised after sending." in [row[2] for row in now]
    assert "Revised after sending." not in [row[2] for row in xlsx_rows(sent.content)]
    assert client.get(f"{url}sent/2/?format=xlsx&lang=en").status_code == 404
    # Readers download the sent version too.
    assert logged_in(reader).get(f"{url}sent/1/?format=csv&lang=fr").status_code == 200

    # Published after a confirmation page; taken back the same way.
    html = html_of(client.get(f"{url}visibility/"))
    assert "will appear on the public portal and in open data" in html and 'name="public" value="1"' in html
    assert Request.objects.get(pk=pack.pk).visibility == "internal"
    # Not while the round the answers draw on is unpublished: its contributions are public nowhere yet.
    response = client.post(f"{url}visibility/", {"public": "1"}, follow=True)
    assert "not published yet: publish the round first" in html_of(response)
    assert Request.objects.get(pk=pack.pk).visibility == "internal"
    publish(open_round, coordinator, monkeypatch)
    response = client.post(f"{url}visibility/", {"public": "1"})
    assert response.status_code == 302
    assert Request.objects.get(pk=pack.pk).visibility == "public"
    assert "The answer pack is published." in html_of(client.get(url))
    html = html_of(client.get(f"{url}visibility/"))
    assert 'name="public" value="0"' in html
    client.post(f"{url}visibility/", {"public": "0"})
    assert Request.objects.get(pk=pack.pk).visibility == "internal"


def test_redraft_follows_new_approved_data(pack, coordinator, coordinator_client, open_round, focal_justice):
    fill(open_round, "1.a", "justice", focal_justice, coordinator, narrative="Justice wrote to the CEDAW Committee.")
    response = coordinator_client.post(f"{req_url(pack)}redraft/", follow=True)
    html = html_of(response)
    assert "Drafted again from today&#x27;s data: 1 answers changed" in html
    assert "Justice wrote to the CEDAW Committee." in between(
        html, f'id="answer-{answer_of(pack, "P2").pk}"', "</section>"
    )


def test_user_text_is_escaped(mapped, reported, coordinator, coordinator_client):
    req = services.request_create(
        actor=coordinator,
        framework=mapped,
        period_start=2014,
        due_on=dt.date(2031, 1, 1),
        reference="<script>alert(1)</script>",
    )
    services.answer_save(
        actor=coordinator, answer=answer_of(req, "P3"), version=1, data={"text": "<img src=x onerror=alert(1)>"}
    )
    html = html_of(coordinator_client.get(req_url(req)))
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html


# --- the home page ------------------------------------------------------------------------------------


def test_home_lists_requests_by_due_date_with_completeness_and_marks_overdue(
    mapped, reported, coordinator, coordinator_client
):
    today = timezone.localdate()
    late = services.request_create(
        actor=coordinator, framework=mapped, period_start=2014, due_on=today - dt.timedelta(days=3)
    )
    soon = services.request_create(
        actor=coordinator, framework=mapped, period_start=2014, due_on=today + dt.timedelta(days=3)
    )
    sent_late = services.request_create(
        actor=coordinator, framework=mapped, period_start=2013, due_on=today - dt.timedelta(days=9)
    )
    services.request_mark_sent(actor=coordinator, request=sent_late, sent_on=today, sent_to="UN")
    html = html_of(coordinator_client.get(HOME))
    assert "1 request is overdue: due and never sent." in html
    rows = re.findall(r'<tr class="request[^"]*" data-overdue="(\w+)">.*?/requests/(\d+)/', html, re.S)
    assert rows == [("no", str(sent_late.pk)), ("yes", str(late.pk)), ("no", str(soon.pk))]
    row = between(html, f"/requests/{late.pk}/", "</tr>")
    assert re.findall(r'<td class="text-end">([^<]+)</td>', row) == ["1 of 4", "3", "0"]
    frameworks = between(html, '<table class="table table-sm align-middle frameworks">', "</table>")
    assert re.findall(r'<td class="text-end">(\d+)</td>', frameworks) == ["4", "2", "3"]


def test_home_has_an_empty_state(coordinator_client):
    html = html_of(coordinator_client.get(HOME))
    assert "No request yet" in html and "No question set yet." in html


def test_home_pages_its_requests(mapped, coordinator, coordinator_client):
    for day in range(27):
        services.request_create(
            actor=coordinator, framework=mapped, period_start=2014, due_on=dt.date(2031, 1, 1) + dt.timedelta(days=day)
        )
    first = html_of(coordinator_client.get(HOME))
    assert first.count('<tr class="request') == 25 and 'rel="next" href="?page=2"' in first
    assert html_of(coordinator_client.get(HOME + "?page=2")).count('<tr class="request') == 2


# --- the line's page ------------------------------------------------------------------------------------


def test_a_line_page_lists_the_questions_it_answers(mapped, open_round, coordinator_client, reader, focal_defence):
    html = html_of(coordinator_client.get(f"/rounds/{open_round.pk}/lines/23.a/"))
    section = between(html, 'class="mt-4 international-questions"', "</section>")
    assert "P1" in section and "Number of women and men deployed" in section and "P2" not in section
    html = html_of(coordinator_client.get(f"/rounds/{open_round.pk}/lines/1.a/"))
    assert "P2" in between(html, 'class="mt-4 international-questions"', "</section>")
    html = html_of(coordinator_client.get(f"/rounds/{open_round.pk}/lines/14.a/"))
    assert "No question of a UN, EU or other question set is linked to this line." in html
    assert "international-questions" in html_of(logged_in(reader).get(f"/rounds/{open_round.pk}/lines/23.a/"))
    focal = logged_in(focal_defence).get(f"/rounds/{open_round.pk}/lines/23.a/")
    assert focal.status_code != 200 or "international-questions" not in text_of(focal)


# --- query counts -----------------------------------------------------------------------------------------


def grow(framework: Framework, coordinator, n: int = 12) -> None:
    rows = [["code", "text", "group", "kind"]] + [
        [f"G{i}", f"Number of women trained in peacekeeping, batch {i}", f"Group {i % 3}", "by sex"] for i in range(n)
    ]
    more = framework_of(coordinator, ROWS + rows[1:], name=framework.name, version=framework.version)
    for q in more.questions.filter(code__startswith="G")[:6]:
        services.mapping_add(actor=coordinator, question=q, instrument=instrument("23.a", 1))


def test_query_counts_of_the_pages_are_pinned_and_do_not_grow_with_the_data(
    pack, coordinator, coordinator_client, reader, focal_defence, django_assert_num_queries
):
    targeted = ask(coordinator, pack)
    reader_client, focal = logged_in(reader), logged_in(focal_defence)

    def counts():
        # Session, user and roles (3) in each; a reader's refusal of "manage" asks Django's model
        # permissions too (2).
        return {
            # requests page and count, overdue count, question sets page and count
            (coordinator_client, HOME): 8,
            (reader_client, HOME): 10,
            # the set with counts, its questions page and count, their links; the coordinator's
            # suggester (every instrument at once) and the lines to pick from
            (coordinator_client, f"/international/frameworks/{pack.framework.code}/"): 9,
            (reader_client, f"/international/frameworks/{pack.framework.code}/"): 9,
            # the request, its answers, their targeted questions, sent versions; departments to ask
            (coordinator_client, req_url(pack)): 8,
            (reader_client, req_url(pack)): 9,
            (coordinator_client, NEW_REQUEST): 5,
            (coordinator_client, LOAD): 3,
            (focal, f"/international/targeted/{targeted.pk}/"): 5,
            (coordinator_client, f"/international/targeted/{targeted.pk}/"): 4,
            # reporting's work list with its rounds paged and what needs attention (10: the round is
            # overdue) and its international section (1)
            (focal, "/work/"): 11,
        }

    def check():
        for (client, url), count in counts().items():
            with django_assert_num_queries(count):
                assert client.get(url).status_code == 200, url

    check()
    # More questions, links, requests, answers, targeted questions and sent versions.
    grow(pack.framework, coordinator)
    services.request_redraft(actor=coordinator, request=pack)
    other = services.request_create(
        actor=coordinator, framework=pack.framework, period_start=2014, due_on=dt.date(2031, 1, 1)
    )
    services.request_mark_sent(actor=coordinator, request=other, sent_on=timezone.localdate(), sent_to="UN")
    ask(coordinator, pack, "P3")
    ask(coordinator, other, "R1")
    for code in ("P1", "P2"):
        ask(coordinator, other, code)
    check()


def test_export_query_counts_are_pinned(pack, coordinator, coordinator_client, django_assert_num_queries):
    services.request_mark_sent(actor=coordinator, request=pack, sent_on=timezone.localdate(), sent_to="UN")
    with django_assert_num_queries(6):
        assert coordinator_client.get(f"{req_url(pack)}export/?format=csv&lang=en").status_code == 200
    with django_assert_num_queries(4):
        assert coordinator_client.get(f"{req_url(pack)}sent/1/?format=csv&lang=en").status_code == 200


# --- helpers ----------------------------------------------------------------------------------------------


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i : text.index(end, i)]


def xlsx_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def check_file(content: bytes, fmt: str) -> None:
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        assert len(rows) == 5 and len(rows[0]) == 8
    elif fmt == "xlsx":
        rows = xlsx_rows(content)
        assert len(rows) == 5 and rows[1][0] == "P1"
    else:
        with zipfile.ZipFile(io.BytesIO(content)) as docx:
            assert "word/document.xml" in docx.namelist()


@pytest.mark.parametrize("score", ["nan", "inf", "1e999", "-2"])
def test_a_score_that_is_no_suggestions_score_is_not_kept(framework, coordinator, score):
    target = framework.questions.order_by("position").first()
    response = logged_in(coordinator).post(
        f"/international/questions/{target.pk}/links/", {"instrument": instrument("1.a", 1).pk, "score": score}
    )
    assert response.status_code == 302
    assert target.mappings.get().score is None
