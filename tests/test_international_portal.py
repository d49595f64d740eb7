"""Published answer packs on the portal and in open data.

On the real plan, the 2014 annual round is published; a UN questionnaire's questions are linked to
line 1.a's CEDAW instrument and to line 21's diplomats by sex; the coordinator answers a yes/no
question by hand. Anonymous visitors read a pack once it is published, never before or after it is
taken back; they download it as DOCX, XLSX and CSV in three languages and find its answers in the
open data; the page cache follows every change to a published pack, and no page's query count
grows with the number of questions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import localdate

from naptrack.international import services as intl
from naptrack.international.models import Answer, Request
from naptrack.plans.models import Action, Instrument
from naptrack.portal import caching
from naptrack.portal.caching import pages

from .portal_data import annual_2014

pytestmark = pytest.mark.django_db

YES_TEXT = "The plan's budget is set each year by every department."
CEDAW_ANSWER = "Periodic report submitted to CEDAW."


@pytest.fixture
def published_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch):
    return annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch)


def make_pack(plan, coordinator, *, name: str = "Questionnaire on women, peace and security", extra: int = 0):
    """A UN question set of 3 + `extra` questions, two linked to the plan, answered for 2014."""
    framework = intl.framework_create(actor=coordinator, body="un", name=name, version="2015")
    cedaw = intl.question_add(
        actor=coordinator,
        framework=framework,
        code="P1",
        text="Has the State reported to the CEDAW Committee?",
        group="Participation",
    )
    diplomats = intl.question_add(
        actor=coordinator,
        framework=framework,
        code="P2",
        text="How many women and men serve as diplomats?",
        group="Participation",
        kind="by-sex",
    )
    intl.question_add(
        actor=coordinator,
        framework=framework,
        code="R1",
        text="Does the national action plan have a budget?",
        group="Relief and recovery",
        kind="yes-no",
    )
    for n in range(extra):
        intl.question_add(actor=coordinator, framework=framework, code=f"X{n}", text=f"Further question {n}?")
    line_1a = Action.objects.get(plan=plan, code="1.a")
    intl.mapping_add(actor=coordinator, question=cedaw, instrument=Instrument.objects.get(action=line_1a, position=1))
    intl.mapping_add(
        actor=coordinator,
        question=diplomats,
        instrument=Instrument.objects.get(action__plan=plan, action__code="21", position=2),
    )
    request = intl.request_create(
        actor=coordinator, framework=framework, period_start=2014, due_on=dt.date(2015, 6, 30), reference="UN-2015-7"
    )
    budget = request.answers.get(question__code="R1")
    intl.answer_save(actor=coordinator, answer=budget, version=budget.version, data={"yes": "yes", "text": YES_TEXT})
    return request


def publish_pack(request, coordinator) -> Request:
    return intl.request_set_visibility(actor=coordinator, request=request, public=True)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --- pages ---------------------------------------------------------------------------------------


def test_list_says_so_when_nothing_is_published(plan, anonymous, coordinator, published_2014):
    make_pack(plan, coordinator)  # internal
    html = page(anonymous, "/answers/")
    assert "No answer pack has been published yet." in html
    assert "Questionnaire on women" not in html


def test_navigation_links_the_published_answers(plan, anonymous):
    assert 'href="/answers/"' in page(anonymous, "/")
    assert 'href="/fr/answers/"' in page(anonymous, "/fr/")


def test_published_pack_is_listed_and_shows_each_question_with_its_final_answer(
    plan, anonymous, coordinator, published_2014
):
    request = publish_pack(make_pack(plan, coordinator), coordinator)
    listing = page(anonymous, "/answers/")
    assert f'href="/answers/{request.pk}/"' in listing
    assert "Questionnaire on women, peace and security 2015" in listing
    assert "UN Secretariat" in listing and "2014" in listing

    html = page(anonymous, f"/answers/{request.pk}/")
    order = [html.index(code) for code in ("P1", "P2", "R1")]
    assert order == sorted(order), "in the questions' order"
    assert "Has the State reported to the CEDAW Committee?" in html and "Participation" in html
    assert CEDAW_ANSWER in html
    # Line 21's diplomats: Foreign Affairs 30 women, 40 men, 0 other; Defence 12 women, 88 men.
    diplomats = html.split("How many women and men serve as diplomats?", 1)[1].split("</article>", 1)[0]
    assert "42" in diplomats and "128" in diplomats and "170" in diplomats
    assert "21 Foreign Affairs" in diplomats and "21 Defence" in diplomats
    budget = html.split("Does the national action plan have a budget?", 1)[1].split("</article>", 1)[0]
    assert "Yes" in budget and YES_TEXT.replace("'", "&#x27;") in budget
    # Nothing of the coordinator's own: the draft's quotes' rounds, the handler, the reference.
    assert "coordinator</" not in html and "UN-2015-7" not in html and "Annual report 2014" not in html


def test_user_text_is_escaped(plan, anonymous, coordinator, published_2014):
    request = publish_pack(make_pack(plan, coordinator), coordinator)
    answer = request.answers.get(question__code="P1")
    intl.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "<script>x()</script>"})
    html = page(anonymous, f"/answers/{request.pk}/")
    assert "<script>x()" not in html and "&lt;script&gt;x()" in html


def test_internal_pack_is_404_everywhere_and_absent_from_the_list(plan, anonymous, coordinator, published_2014):
    request = make_pack(plan, coordinator)
    page(anonymous, f"/answers/{request.pk}/", 404)
    page(anonymous, f"/answers/{request.pk}/answers-en.docx", 404)
    page(anonymous, f"/fr/answers/{request.pk}/answers-fr.csv", 404)
    page(logged_in_coordinator(coordinator), f"/answers/{request.pk}/", 404)
    assert f"/answers/{request.pk}/" not in page(anonymous, "/answers/")
    rows = list(csv.DictReader(io.StringIO(page(anonymous, "/open-data/answers.csv"))))
    assert rows == []


def logged_in_coordinator(coordinator):
    from .conftest import logged_in

    return logged_in(coordinator)


def test_unknown_format_or_language_is_404(plan, anonymous, coordinator, published_2014):
    request = publish_pack(make_pack(plan, coordinator), coordinator)
    page(anonymous, f"/answers/{request.pk}/answers-es.docx", 404)
    page(anonymous, f"/answers/{request.pk}/answers-en.pdf", 404)
    page(anonymous, "/open-data/answers.pdf", 404)
    page(anonymous, "/answers/999999/", 404)


# --- downloads -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "fr", "nl"])
def test_pack_downloads_open_in_every_language(plan, anonymous, coordinator, published_2014, lang):
    from docx import Document
    from openpyxl import load_workbook

    request = publish_pack(make_pack(plan, coordinator), coordinator)
    html = page(anonymous, f"/answers/{request.pk}/")
    for fmt in ("docx", "xlsx", "csv"):
        url = f"/answers/{request.pk}/answers-{lang}.{fmt}"
        assert f'href="{url}"' in html
        response = anonymous.get(url)
        assert response.status_code == 200, url
        assert "attachment" in response["Content-Disposition"] and f"-{lang}.{fmt}" in response["Content-Disposition"]
        if fmt == "docx":
            text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
            assert CEDAW_ANSWER in text and YES_TEXT in text
        elif fmt == "xlsx":
            sheet = load_workbook(io.BytesIO(response.content)).active
            rows = list(sheet.iter_rows(values_only=True))
            assert [r[0] for r in rows[1:]] == ["P1", "P2", "R1"]
            assert rows[2][3:7] == (42, 128, 0, 170)
        else:
            rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
            assert [r[0] for r in rows[1:]] == ["P1", "P2", "R1"]
    # The headings follow the language asked for.
    first = anonymous.get(f"/answers/{request.pk}/answers-{lang}.csv").content.decode("utf-8-sig").splitlines()[0]
    assert first.startswith({"en": "Code,Question", "fr": "Code", "nl": "Code"}[lang])


# --- open data -----------------------------------------------------------------------------------


def test_open_data_holds_every_answer_of_published_packs_only(plan, anonymous, coordinator, published_2014):
    from openpyxl import load_workbook

    published = publish_pack(make_pack(plan, coordinator), coordinator)
    make_pack(plan, coordinator, name="Internal questionnaire")  # never published
    html = page(anonymous, "/open-data/")
    for fmt in ("csv", "xlsx", "json"):
        assert f'href="/open-data/answers.{fmt}"' in html
    assert "request_id" in page(anonymous, "/open-data/dictionary/")

    rows = list(csv.DictReader(io.StringIO(page(anonymous, "/open-data/answers.csv"))))
    assert [r["question_code"] for r in rows] == ["P1", "P2", "R1"]
    assert {r["request_id"] for r in rows} == {str(published.pk)}
    p2 = rows[1]
    assert (p2["women"], p2["men"], p2["other"], p2["total"]) == ("42", "128", "0", "170")
    assert p2["body"] == "un" and p2["framework"] == "Questionnaire on women, peace and security"
    assert p2["version"] == "2015" and p2["period"] == "2014" and p2["group"] == "Participation"
    assert p2["sources"] == "21 Defence; 21 Foreign Affairs"
    assert rows[2]["yes_no"] == "true" and rows[2]["answer"] == YES_TEXT
    assert (
        CEDAW_ANSWER in rows[0]["answer"] and rows[0]["published_on"] == localdate(published.published_at).isoformat()
    )

    document = json.loads(page(anonymous, "/open-data/answers.json"))
    assert document["format"] == "naptrack-answers/1" and len(document["rows"]) == 3
    assert document["rows"][1]["women"] == 42 and document["rows"][2]["yes_no"] is True

    book = load_workbook(io.BytesIO(anonymous.get("/open-data/answers.xlsx").content))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "request_id" and len(values) == 4
    assert book.worksheets[1].cell(2, 1).value == "request_id", "the dictionary"


def test_open_data_answers_are_text_never_formulas(plan, anonymous, coordinator, published_2014):
    from openpyxl import load_workbook

    request = publish_pack(make_pack(plan, coordinator), coordinator)
    answer = request.answers.get(question__code="P1")
    intl.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "=HYPERLINK(1)"})
    rows = list(csv.DictReader(io.StringIO(page(anonymous, "/open-data/answers.csv"))))
    assert rows[0]["answer"] == "'=HYPERLINK(1)"
    cell = load_workbook(io.BytesIO(anonymous.get("/open-data/answers.xlsx").content)).active.cell(2, 12)
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


# --- the page cache ------------------------------------------------------------------------------


def test_publishing_editing_redrafting_and_unpublishing_reach_the_cached_pages(
    plan, anonymous, coordinator, published_2014
):
    request = make_pack(plan, coordinator)
    assert "No answer pack" in page(anonymous, "/answers/")  # kept in the page cache
    request = publish_pack(request, coordinator)
    assert f"/answers/{request.pk}/" in page(anonymous, "/answers/")
    assert "Edited by the coordinator." not in page(anonymous, f"/answers/{request.pk}/")

    answer = request.answers.get(question__code="P1")
    intl.answer_save(
        actor=coordinator, answer=answer, version=answer.version, data={"text": "Edited by the coordinator."}
    )
    assert "Edited by the coordinator." in page(anonymous, f"/answers/{request.pk}/")
    assert "Edited by the coordinator." in page(anonymous, "/open-data/answers.csv")

    # The draft follows new data: an answer not edited by hand takes the new figures on redraft.
    before = caching.public_stamp()
    intl.request_redraft(actor=coordinator, request=request)
    assert caching.public_stamp() != before

    intl.request_set_visibility(actor=coordinator, request=request, public=False)
    page(anonymous, f"/answers/{request.pk}/", 404)
    assert "No answer pack" in page(anonymous, "/answers/")
    assert "Edited by the coordinator." not in page(anonymous, "/open-data/answers.csv")


def test_work_on_an_internal_pack_leaves_the_public_stamp_alone(plan, coordinator, published_2014):
    request = make_pack(plan, coordinator)
    before = caching.public_stamp()
    answer = request.answers.get(question__code="P1")
    intl.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "Internal draft."})
    intl.request_redraft(actor=coordinator, request=request)
    intl.request_update(actor=coordinator, request=request, data={"reference": "UN-2015-8"})
    assert caching.public_stamp() == before


def test_a_published_pack_changes_under_its_own_audit_actions(plan, coordinator, published_2014):
    from naptrack.audit.models import AuditEvent

    request = publish_pack(make_pack(plan, coordinator), coordinator)
    answer = request.answers.get(question__code="P1")
    intl.answer_save(actor=coordinator, answer=answer, version=answer.version, data={"text": "Public edit."})
    intl.request_redraft(actor=coordinator, request=request)
    actions = list(AuditEvent.objects.order_by("-pk").values_list("action", flat=True)[:3])
    assert actions == [
        "international.published_request.redrafted",
        "international.published_answer.saved",
        "international.request.published",
    ]
    assert set(actions) <= set(caching.public_actions())


# --- query counts --------------------------------------------------------------------------------

# Rendered afresh (the page cache emptied); each count includes the public stamp's query.
PAGES = [
    ("/answers/", 2),
    ("/answers/PK/", 3),
    ("/answers/PK/answers-en.docx", 4),
    ("/answers/PK/answers-fr.xlsx", 4),
    ("/answers/PK/answers-nl.csv", 4),
    ("/open-data/answers.csv", 2),
    ("/open-data/answers.xlsx", 2),
    ("/open-data/answers.json", 2),
    ("/open-data/", 4),  # the plans listed by pages (a count and a page), the first one's rounds
    ("/open-data/dictionary/", 1),
]


def _counts(client, pk: int) -> list[tuple[str, int]]:
    measured = []
    for url, _count in PAGES:
        pages.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url.replace("PK", str(pk)))
        assert response.status_code == 200, url
        measured.append((url, len(captured)))
    return measured


def test_query_counts_are_pinned_and_do_not_grow_with_questions_answers_or_packs(
    plan, anonymous, coordinator, published_2014
):
    request = publish_pack(make_pack(plan, coordinator), coordinator)
    assert _counts(anonymous, request.pk) == PAGES
    bigger = publish_pack(make_pack(plan, coordinator, name="A longer questionnaire", extra=25), coordinator)
    assert Answer.objects.filter(request=bigger).count() == 28
    assert _counts(anonymous, bigger.pk) == PAGES
