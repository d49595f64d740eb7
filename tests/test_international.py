"""International reporting, the whole path on the Belgian plan through the services: a framework
of ten questions loaded from CSV, four of them linked (two by confirming suggestions), a round's
approved figures drafted into answers, a targeted question answered by Defence, the pack exported
and read back, sent and frozen."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from naptrack.audit.models import AuditEvent
from naptrack.international import exports, services
from naptrack.international.files import FrameworkFileError, read_framework_file
from naptrack.international.models import Answer, Framework, Mapping, Request
from naptrack.international.suggestions import suggester_for_plans
from naptrack.plans.models import Action, Department, Instrument
from tests.portal_data import fill

DUE = dt.date(2027, 3, 31)

TEN_QUESTIONS = """code,text,group,kind
UN-1,"Proportion of women and men among diplomats, consuls and cooperation attachés",Participation,by sex
UN-2,Periodic reporting to the CEDAW Committee on women's rights,Prevention,text
UN-3,Share of women among personnel deployed in peace missions,Participation,by sex
UN-4,Support to the International Criminal Court's trust fund for victims,Relief and recovery,text
UN-5,Has a national coordination mechanism for the plan been set up?,Governance,yes-no
UN-6,Budget allocated to the national action plan,Governance,number
UN-7,Number of women's organisations consulted in the reporting period,Participation,number
UN-8,Measures against sexual violence in conflict,Protection,text
UN-9,Training on gender for military personnel before deployment,Prevention,text
UN-10,Women among candidates to senior posts in international organisations,Participation,by sex
"""


@pytest.fixture
def framework_file(tmp_path):
    path = tmp_path / "un-questionnaire.csv"
    path.write_text(TEN_QUESTIONS, encoding="utf-8")
    return path


@pytest.fixture
def framework(plan, coordinator, framework_file) -> Framework:
    parsed = read_framework_file(framework_file)
    return services.framework_load(
        actor=coordinator, parsed=parsed, body="un", name="UN questionnaire", version="2015"
    ).framework


def instrument(code: str, n: int = 1) -> Instrument:
    return Instrument.objects.get(action__code=code, position=n)


def link_four(framework, coordinator) -> None:
    """UN-1 and UN-2 linked by confirming suggestions; UN-3 and UN-8 by hand."""
    suggester = suggester_for_plans()
    for code, expected in (("UN-1", instrument("21", 2)), ("UN-2", instrument("1.a", 1))):
        question = framework.questions.get(code=code)
        suggestion = next(s for s in suggester.suggest(question.text, top=3) if s.instrument == expected)
        services.mapping_add(
            actor=coordinator,
            question=question,
            instrument=suggestion.instrument,
            origin=Mapping.Origin.SUGGESTED,
            score=suggestion.score,
        )
    services.mapping_add(
        actor=coordinator, question=framework.questions.get(code="UN-3"), instrument=instrument("23.a")
    )
    services.mapping_add(
        actor=coordinator, question=framework.questions.get(code="UN-8"), action=Action.objects.get(code="17.a")
    )


@pytest.fixture
def reported(open_round, coordinator, focal_defence):
    """Approved, public figures on line 21 from Foreign Affairs and Defence, and on 23.a; beside
    them what must never be drafted: a submitted (unapproved) and an internal contribution."""
    fill(
        open_round,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        narrative="Diplomats counted by sex.",
        countries=["AF"],
        answers={2: {"women": 40, "men": 60}},
    )
    fill(open_round, "21", "defence", focal_defence, coordinator, answers={2: {"women": 12, "men": 30, "other": 1}})
    fill(
        open_round,
        "21",
        "development",
        coordinator,
        coordinator,
        then="submitted",
        narrative="UNAPPROVED-SECRET",
        answers={2: {"women": 999, "men": 999}},
    )
    fill(
        open_round,
        "21",
        "interior-federal-police",
        coordinator,
        coordinator,
        visibility="internal",
        narrative="INTERNAL-ONLY",
        answers={2: {"women": 777, "men": 777}},
    )
    fill(
        open_round,
        "23.a",
        "defence",
        focal_defence,
        coordinator,
        narrative="Women deployed in Mali and Lebanon.",
        countries=["ML"],
        answers={1: {"women": 5, "men": 95}},
    )
    return open_round


def answer(request: Request, code: str) -> Answer:
    return request.answers.get(question__code=code)


def test_a_framework_loads_ten_questions_in_order_with_their_kinds(framework):
    questions = list(framework.questions.order_by("position"))
    assert [q.code for q in questions] == [f"UN-{n}" for n in range(1, 11)]
    assert questions[0].kind == "by-sex" and questions[4].kind == "yes-no" and questions[5].kind == "number"
    assert questions[0].group == "Participation"
    assert AuditEvent.objects.filter(action="international.framework.loaded", target_id=str(framework.pk)).exists()


def test_suggestions_put_the_obvious_instruments_in_the_top_three(framework):
    suggester = suggester_for_plans()
    top = [s.instrument for s in suggester.suggest(framework.questions.get(code="UN-2").text)]
    assert instrument("1.a") in top
    top = [s.instrument for s in suggester.suggest(framework.questions.get(code="UN-1").text)]
    assert instrument("21", 2) in top


def test_drafted_answers_sum_approved_public_figures_across_departments(framework, coordinator, reported):
    link_four(framework, coordinator)
    request = services.request_create(
        actor=coordinator, framework=framework, period_start=2014, due_on=DUE, reference="UN/2015/17"
    )
    un1 = answer(request, "UN-1")
    assert (un1.women, un1.men, un1.other) == (52, 90, 1)
    assert un1.total == 143
    shares = {row["department"]: row["share"] for row in un1.draft["by_department"]}
    assert shares == {"Foreign Affairs": round(100 / 143, 4), "Defence": round(43 / 143, 4)}
    assert "Diplomats counted by sex. (Foreign Affairs, 21)" in un1.text
    assert un1.draft["countries"] == ["AF"]
    assert un1.draft["internal"] == 1  # the federal police's internal contribution, counted, not drafted
    drafted = str(un1.draft) + un1.text
    for secret in ("UNAPPROVED-SECRET", "INTERNAL-ONLY", "999", "777"):
        assert secret not in drafted
    un3 = answer(request, "UN-3")
    assert (un3.women, un3.men, un3.total) == (5, 95, 100)
    assert {"line": "23.a", "department": "Defence", "round": str(reported), "round_id": reported.pk} in un3.draft[
        "sources"
    ]
    # Nothing reported behind unlinked questions, nor behind 17.a (no approved contribution).
    assert {a.question.code for a in request.answers.select_related("question") if a.flagged} == {
        "UN-2",
        "UN-4",
        "UN-5",
        "UN-6",
        "UN-7",
        "UN-8",
        "UN-9",
        "UN-10",
    }


def test_a_request_for_a_period_no_round_covers_is_created_with_every_question_flagged(
    framework, coordinator, reported
):
    link_four(framework, coordinator)
    request = services.request_create(
        actor=coordinator, framework=framework, period_start=2019, period_end=2020, due_on=DUE
    )
    assert request.period == "2019-2020"
    assert request.answers.filter(flagged=False).count() == 0


def test_a_targeted_question_follows_the_contribution_workflow_and_joins_the_draft(
    framework, coordinator, focal_defence, focal_justice, reported, mailoutbox, django_capture_on_commit_callbacks
):
    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    un9 = answer(request, "UN-9")
    assert un9.flagged
    defence = Department.objects.get(code="defence")
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.targeted_question_ask(
            actor=coordinator, answer=un9, department=defence, due_on=dt.date.today() + dt.timedelta(days=10)
        )
    assert [m.to for m in mailoutbox] == [[focal_defence.email]]
    with pytest.raises(PermissionDenied):
        services.targeted_question_save(actor=focal_justice, targeted=asked, version=asked.version, data={"reply": "x"})
    with pytest.raises(ValidationError):
        services.targeted_question_submit(actor=focal_defence, targeted=asked)
    asked = services.targeted_question_save(
        actor=focal_defence,
        targeted=asked,
        version=asked.version,
        data={"reply": "Pre-deployment gender training.", "women": "3", "men": "40"},
    )
    asked = services.targeted_question_submit(actor=focal_defence, targeted=asked, version=asked.version)
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.targeted_question_return(actor=coordinator, targeted=asked, note="Say which mission.")
    assert asked.state == "returned" and "Say which mission." in mailoutbox[-1].body
    asked = services.targeted_question_save(
        actor=focal_defence,
        targeted=asked,
        version=asked.version,
        data={"reply": "Pre-deployment gender training for the Mali mission."},
    )
    asked = services.targeted_question_submit(actor=focal_defence, targeted=asked, version=asked.version)
    with pytest.raises(services.StaleVersion):
        services.targeted_question_approve(actor=coordinator, targeted=asked, version=asked.version - 1)
    asked = services.targeted_question_approve(actor=coordinator, targeted=asked, version=asked.version)
    assert asked.reviewed_by == coordinator
    un9.refresh_from_db()
    assert not un9.flagged
    assert "Pre-deployment gender training for the Mali mission. (Defence)" in un9.text
    assert (un9.women, un9.men) == (3, 40)
    with pytest.raises(services.InternationalError):
        services.targeted_question_approve(actor=coordinator, targeted=asked)
    actions = set(
        AuditEvent.objects.filter(target_id=str(asked.pk), action__startswith="international.targeted").values_list(
            "action", flat=True
        )
    )
    assert actions == {f"international.targeted.{a}" for a in ("asked", "saved", "submitted", "returned", "approved")}


def test_the_pack_exports_in_question_order_and_reads_back(framework, coordinator, reported):
    from docx import Document
    from openpyxl import load_workbook

    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    content = exports.pack_snapshot(request)
    sheet = load_workbook(io.BytesIO(exports.render(content, "xlsx", "en"))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Question", "Answer", "Women", "Men", "Other", "Total", "Sources")
    assert [r[0] for r in rows[1:]] == [f"UN-{n}" for n in range(1, 11)]
    assert rows[1][3:7] == (52, 90, 1, 143)
    assert rows[1][7] == "21 Defence; 21 Foreign Affairs"
    french = load_workbook(io.BytesIO(exports.render(content, "xlsx", "fr"))).active
    assert next(french.iter_rows(values_only=True))[1] == "Question" and french.cell(1, 3).value != "Answer"
    document = Document(io.BytesIO(exports.render(content, "docx", "nl")))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Diplomats counted by sex. (Foreign Affairs, 21)" in text
    assert text.index("UN-1") < text.index("UN-2") < text.index("UN-10")
    csv_text = exports.render(content, "csv", "en").decode("utf-8-sig")
    assert csv_text.splitlines()[0] == "Code,Question,Answer,Women,Men,Other,Total,Sources"


def test_a_sent_version_is_frozen_and_later_edits_make_the_next(framework, coordinator, reported):
    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    sent = services.request_mark_sent(
        actor=coordinator,
        request=request,
        sent_on=dt.date(2026, 12, 1),
        sent_to="UN Secretariat",
        reference="NV-2015-17",
    )
    assert sent.version == 1
    with pytest.raises(services.InternationalError, match="already sent"):
        services.request_mark_sent(actor=coordinator, request=request, sent_on=dt.date(2026, 12, 2), sent_to="again")
    un1 = answer(request, "UN-1")
    with pytest.raises(services.StaleVersion):
        services.answer_save(actor=coordinator, answer=un1, version=un1.version + 1, data={"text": "lost"})
    services.answer_save(actor=coordinator, answer=un1, version=un1.version, data={"text": "Edited after sending."})
    sent.refresh_from_db()
    frozen = next(a for a in sent.content["answers"] if a["code"] == "UN-1")
    assert frozen["text"].startswith("Diplomats counted by sex.")
    second = services.request_mark_sent(
        actor=coordinator, request=request, sent_on=dt.date(2026, 12, 3), sent_to="UN Secretariat"
    )
    assert second.version == 2
    assert next(a for a in second.content["answers"] if a["code"] == "UN-1")["text"] == "Edited after sending."
    # The first version still downloads as it was sent.
    assert b"Edited after sending." not in exports.render(sent.content, "csv", "en")
    un1.refresh_from_db()
    assert un1.edited and un1.history.count() >= 2


def test_an_edited_answer_keeps_its_text_when_the_draft_is_made_again(framework, coordinator, reported):
    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    un1, un3 = answer(request, "UN-1"), answer(request, "UN-3")
    services.answer_save(actor=coordinator, answer=un1, version=un1.version, data={"text": "Our own words."})
    services.mapping_add(actor=coordinator, question=un3.question, instrument=instrument("21", 2))
    services.request_redraft(actor=coordinator, request=request)
    un1.refresh_from_db()
    un3.refresh_from_db()
    assert un1.text == "Our own words."
    assert un3.women == 5 + 52  # the new link's figures join the draft of an answer nobody edited


def test_bad_answer_input_is_refused_with_field_messages(framework, coordinator, reported):
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    un1 = answer(request, "UN-1")
    with pytest.raises(ValidationError) as refused:
        services.answer_save(
            actor=coordinator,
            answer=un1,
            version=un1.version,
            data={"women": "-3", "men": "many", "total": "1e999", "yes": "perhaps"},
        )
    assert set(refused.value.message_dict) == {"women", "men", "total", "yes"}
    with pytest.raises(ValidationError, match="total"):
        services.answer_save(
            actor=coordinator, answer=un1, version=un1.version, data={"women": "10", "men": "10", "total": "5"}
        )
    un1.refresh_from_db()
    assert un1.version == 1


def test_only_the_coordinator_writes(framework, coordinator, focal_defence, reader):
    for actor in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            services.request_create(actor=actor, framework=framework, period_start=2014, due_on=DUE)
        with pytest.raises(PermissionDenied):
            services.mapping_add(actor=actor, question=framework.questions.first(), instrument=instrument("1.a"))
    assert reader.has_perm("international.read") and not focal_defence.has_perm("international.read")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("question,group\nWhat?,A\n", "no code column"),
        ("code,group\nQ1,A\n", "no text column"),
        ("", "is empty"),
        ("code,text\n", "no question"),
        ("code,text,kind\nQ1,What?,colour\n", "Row 2: the kind colour"),
    ],
)
def test_framework_files_with_problems_are_refused_whole(plan, coordinator, tmp_path, content, message):
    path = tmp_path / "questions.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises((FrameworkFileError, services.FrameworkRefused), match=message):
        parsed = read_framework_file(path)
        services.framework_load(actor=coordinator, parsed=parsed, body="eu", name="EU indicators")
    assert not Framework.objects.exists()


def test_duplicate_codes_are_named_with_their_rows_and_nothing_loads(plan, coordinator, tmp_path):
    path = tmp_path / "questions.csv"
    path.write_text("Code;Texte;Groupe\nA1;Première;X\nA2;Deuxième;X\nA1;Troisième;Y\n;Sans code;Y\n", encoding="utf-8")
    parsed = read_framework_file(path)
    assert parsed.problems == [
        "Row 4: the code A1 is already used on row 2; each question needs its own code.",
        "Row 5: the question has no code.",
    ]
    with pytest.raises(services.FrameworkRefused):
        services.framework_load(actor=coordinator, parsed=parsed, body="eu", name="EU indicators")
    assert not Framework.objects.exists()


def test_an_xlsx_framework_with_dutch_headers_loads(plan, coordinator, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Nummer", "Vraag", "Pijler", "Soort"])
    wb.active.append(["EU-1", "Aantal vrouwen in vredesmissies", "Participatie", "per geslacht"])
    wb.active.append(["EU-2", "Bestaat er een coördinatiemechanisme?", "", "ja/nee"])
    wb.active.append(["EU-3", '=HYPERLINK("http://evil")', "", "tekst"])
    path = tmp_path / "eu.xlsx"
    wb.save(path)
    parsed = read_framework_file(path)
    # A formula is no question: its text is not read, and the row is named.
    assert parsed.problems == ["Row 4: question EU-3 has no text."]
    wb.active.delete_rows(4)
    wb.save(path)
    parsed = read_framework_file(path)
    loaded = services.framework_load(actor=coordinator, parsed=parsed, body="eu", name="EU indicators")
    assert [(q.code, q.kind) for q in loaded.framework.questions.all()] == [("EU-1", "by-sex"), ("EU-2", "yes-no")]


def test_a_framework_loaded_again_keeps_codes_and_links_and_the_next_version_takes_them_over(
    framework, coordinator, framework_file, reported
):
    link_four(framework, coordinator)
    again = framework_file.read_text().replace("Budget allocated", "Money allocated")
    framework_file.write_text(again)
    loaded = services.framework_load(
        actor=coordinator,
        parsed=read_framework_file(framework_file),
        body="un",
        name="UN questionnaire",
        version="2015",
    )
    assert loaded.framework == framework and not loaded.created
    assert loaded.changed == ["UN-6"] and loaded.added == [] and loaded.removed == []
    assert Mapping.objects.filter(question__framework=framework).count() == 4
    # Next year's questionnaire from the same body: the links come along, code by code.
    following = services.framework_load(
        actor=coordinator,
        parsed=read_framework_file(framework_file),
        body="un",
        name="UN questionnaire",
        version="2016",
    )
    assert following.created and following.carried == 4
    request = services.request_create(actor=coordinator, framework=following.framework, period_start=2014, due_on=DUE)
    assert answer(request, "UN-1").women == 52


def test_a_dry_run_checks_everything_and_keeps_nothing(plan, coordinator, framework_file):
    result = services.framework_load(
        actor=coordinator, parsed=read_framework_file(framework_file), body="un", name="UN questionnaire", dry_run=True
    )
    assert len(result.added) == 10
    assert not Framework.objects.exists() and not AuditEvent.objects.filter(action__startswith="international").exists()


def test_a_duplicate_link_is_refused_with_a_message(framework, coordinator):
    question = framework.questions.get(code="UN-2")
    services.mapping_add(actor=coordinator, question=question, instrument=instrument("1.a"))
    with pytest.raises(ValidationError, match="already linked"):
        services.mapping_add(actor=coordinator, question=question, instrument=instrument("1.a"))
    assert question.mappings.count() == 1


def test_requests_answered_in_a_year_are_listed_for_the_report(framework, coordinator, reported):
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    assert not Request.objects.answered_in(2026).exists()
    services.request_mark_sent(actor=coordinator, request=request, sent_on=dt.date(2026, 11, 30), sent_to="UN")
    assert list(Request.objects.answered_in(2026)) == [request]
    assert not Request.objects.overdue(dt.date(2027, 5, 1)).exists()


def test_a_pack_is_published_only_once_the_rounds_it_draws_on_are(framework, coordinator, reported, monkeypatch):
    from tests.portal_data import publish

    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    with pytest.raises(services.InternationalError, match="Annual report 2014, not published yet"):
        services.request_set_visibility(actor=coordinator, request=request, public=True)
    assert Request.objects.get(pk=request.pk).visibility == "internal"
    reporting_round = publish(reported, coordinator, monkeypatch)
    assert reporting_round.state == "published"
    services.request_set_visibility(actor=coordinator, request=request, public=True)
    assert Request.objects.get(pk=request.pk).visibility == "public"


def test_a_published_pack_redrafted_never_takes_in_an_unpublished_round(framework, coordinator, reported, monkeypatch):
    from tests.portal_data import new_round, publish

    link_four(framework, coordinator)
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    publish(reported, coordinator, monkeypatch)
    services.request_set_visibility(actor=coordinator, request=request, public=True)
    mid_term = new_round(reported.plan, coordinator, "mid-term", 2014)
    fill(
        mid_term,
        "23.a",
        "defence",
        coordinator,
        coordinator,
        narrative="NOT-YET-PUBLISHED mid-term.",
        answers={1: {"women": 1, "men": 1}},
    )
    services.request_redraft(actor=coordinator, request=Request.objects.get(pk=request.pk))
    un3 = answer(request, "UN-3")
    assert "NOT-YET-PUBLISHED" not in un3.text + str(un3.draft) and (un3.women, un3.men) == (5, 95)


def test_an_amount_with_more_than_four_decimals_is_refused(framework, coordinator, reported):
    request = services.request_create(actor=coordinator, framework=framework, period_start=2014, due_on=DUE)
    un6 = answer(request, "UN-6")
    with pytest.raises(ValidationError, match="four decimals"):
        services.answer_save(actor=coordinator, answer=un6, version=un6.version, data={"total": "999999999999.99999"})
    services.answer_save(actor=coordinator, answer=un6, version=un6.version, data={"total": "1250,5"})
    assert answer(request, "UN-6").total == Decimal("1250.5")


def test_amounts_are_drafted_per_currency_and_shares_and_yes_no_as_said(framework, coordinator, reported):
    """Amounts never join the people counted nor each other across currencies, counts are summed
    per unit apart; a share and a yes or no are quoted as the department gave them."""
    money, share, yes_no, count = instrument("8.a"), instrument("16.a", 1), instrument("26.a"), instrument("16.a", 2)
    Instrument.objects.filter(pk=count.pk).update(kind="count", by_sex=False, unit="trainings", unit_en="trainings")
    Instrument.objects.filter(pk=money.pk).update(kind="money", by_sex=False)
    Instrument.objects.filter(pk=share.pk).update(kind="share", by_sex=False)
    Instrument.objects.filter(pk=yes_no.pk).update(kind="yes-no", by_sex=False)
    for code, department, answers in (
        ("8.a", "foreign-affairs", {1: {"value": 1000, "currency": "EUR", "marker": 2}}),
        ("8.a", "development", {1: {"value": 300, "currency": "USD", "marker": 0}}),
        ("16.a", "defence", {1: {"numerator": 5, "denominator": 40}, 2: {"value": 12}}),
        (
            "26.a",
            next(iter(Action.objects.get(code="26.a").responsibilities.values_list("department__code", flat=True))),
            {1: {"yes": True, "text": "Adopted by the Council of Ministers."}},
        ),
    ):
        fill(reported, code, department, coordinator, coordinator, answers=answers)
    question = framework.questions.get(code="UN-6")
    for target in (money, share, yes_no, count):
        services.mapping_add(actor=coordinator, question=question, instrument=target)
    request = services.request_create(
        actor=coordinator, framework=framework, period_start=2014, due_on=DUE, reference="UN/2015/18"
    )
    drafted = answer(request, "UN-6")
    assert drafted.draft["money"] == [
        {"currency": "EUR", "amount": 1000, "marked": 1.0},
        {"currency": "USD", "amount": 300, "marked": 0.0},
    ]
    assert drafted.draft["counts"] == [{"unit": "trainings", "value": 12}]
    # Neither 1,300 in two currencies nor 12 trainings is a number of people.
    assert drafted.draft["figures"]["total"] is None
    assert "12.5 % (5 of 40). (Defence, 16.a)" in drafted.text
    assert "Yes. Adopted by the Council of Ministers." in drafted.text
