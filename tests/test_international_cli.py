"""`naptrack framework ...` and `naptrack request ...`: international reporting from the command line.

Every command exits 0 on success, 1 with a one-line reason on stderr (one line per problem when a
file has several) and nothing written when the input or the state does not allow it, 2 for a
usage error. The services are tested in tests/test_international.py; these tests check what the
commands add: how objects are named, what is printed, and that refusals write nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from openpyxl import Workbook, load_workbook

from naptrack import cli
from naptrack.audit.models import AuditEvent
from naptrack.international import services
from naptrack.international.models import Body, Dispatch, Framework, Mapping, Question, Request, TargetedQuestion
from naptrack.plans.models import Department, Instrument
from tests.conftest import BE
from tests.portal_data import fill

pytestmark = pytest.mark.django_db

CODE = "eu-eu-indicators-2014"
QUESTIONS = [
    ("Q1", "Proportion of women and men among diplomats and consuls.", "Participation", "by sex"),
    ("Q2", "Percentage of women in peace missions.", "Participation", "by sex"),
    ("Q3", "Periodic reporting to the CEDAW Committee.", "Prevention", "text"),
    ("Q4", "Number of training courses on resolution 1325 for the military.", "Prevention", "number"),
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(list(argv))
    assert exit_info.value.code == 2
    return capsys.readouterr().err


def write_csv(path, rows, header=("code", "text", "group", "kind")):
    out = io.StringIO()
    writer = csv.writer(out)
    if header:
        writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


@pytest.fixture
def framework_file(tmp_path):
    return write_csv(tmp_path / "eu.csv", QUESTIONS)


@pytest.fixture
def framework(capsys, plan, framework_file):
    code, _out, err = run(
        capsys, "framework", "load", str(framework_file), "--body", "eu", "--name", "EU indicators", "--version", "2014"
    )
    assert code == 0, err
    return Framework.objects.get(code=CODE)


def instrument(code: str, number: int) -> Instrument:
    return Instrument.objects.filter(action__plan__slug=BE, action__code=code).order_by("position")[number - 1]


@pytest.fixture
def mapped(capsys, framework):
    """Q1 to line 21's by-sex instrument, Q2 to line 23.a's, Q3 to line 1.a as a whole."""
    for question, target in (("Q1", f"{BE}:21:2"), ("Q2", f"{BE}:23.a")):
        assert cli.main(["framework", "map", CODE, "--question", question, "--instrument", target]) == 0
    assert cli.main(["framework", "map", CODE, "--question", "Q3", "--line", f"{BE}:1.a"]) == 0
    capsys.readouterr()
    return framework


@pytest.fixture
def reported(mapped, open_round, coordinator, focal_defence, focal_justice):
    """Approved, public figures by sex on 21 (Foreign Affairs, Defence) and 23.a (Defence)."""
    fill(open_round, "21", "foreign-affairs", coordinator, coordinator, answers={2: {"women": 30, "men": 40}})
    fill(open_round, "21", "defence", focal_defence, coordinator, answers={2: {"women": 12, "men": 88}})
    fill(open_round, "23.a", "defence", focal_defence, coordinator, answers={1: {"women": 7, "men": 93}})
    fill(open_round, "1.a", "justice", focal_justice, coordinator, narrative="Justice reported to CEDAW.")
    return mapped


def create_request(capsys, *extra: str) -> tuple[int, str, str]:
    return run(capsys, "request", "create", "--framework", CODE, "--period", "2014", "--due", "2015-03-31", *extra)


@pytest.fixture
def request_(capsys, reported) -> Request:
    code, out, err = create_request(capsys, "--reference", "EEAS/2015/12")
    assert code == 0, err
    return Request.objects.get(pk=int(out.splitlines()[0]))


# --- help -----------------------------------------------------------------------------------------


def test_framework_and_request_are_commands_of_naptrack(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert "framework" in out and "request" in out


@pytest.mark.parametrize(
    ("argv", "explains"),
    [
        (["framework"], ["load", "list", "map", "suggest", "--as USERNAME"]),
        (
            ["framework", "load"],
            ["--body", "--name TEXT", "--version TEXT", "--source", "--dry-run", "header row", "row"],
        ),
        (["framework", "list"], ["questions", "LINKED", "requests"]),
        (
            ["framework", "map"],
            ["--question Q", "--instrument PLAN:LINE[:N]", "--line PLAN:LINE", "--remove", "from 1"],
        ),
        (["framework", "suggest"], ["--top N", "--question Q", "score"]),
        (["request"], ["create", "list", "show", "export", "sent", "remind"]),
        (
            ["request", "create"],
            ["--framework CODE", "--period", "--due YYYY-MM-DD", "--reference", "--received", "flagged"],
        ),
        (["request", "export"], ["--format", "--lang", "--version N", "-o FILE", "as it was sent"]),
        (["request", "sent"], ["--date YYYY-MM-DD", "--to TEXT", "--reference", "frozen", "--as USERNAME"]),
        (["request", "remind"], ["--date", "cron", "once a day"]),
    ],
)
def test_every_command_has_help_that_explains_it(capsys, argv, explains):
    with pytest.raises(SystemExit) as exit_info:
        cli.main([*argv, "--help"])
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith(f"usage: naptrack {' '.join(argv)}")
    for words in explains:
        assert words in out


def test_the_bodies_offered_are_the_models():
    from naptrack.cli.framework import BODIES

    assert tuple(Body.values) == BODIES


# --- framework load -------------------------------------------------------------------------------


def test_load_prints_the_code_and_the_counts(capsys, plan, coordinator, framework_file):
    code, out, err = run(
        capsys,
        "framework",
        "load",
        str(framework_file),
        "--body",
        "eu",
        "--name",
        "EU indicators",
        "--version",
        "2014",
        "--source",
        "Council doc 15671/1/08",
        "--as",
        "coordinator",
    )
    assert (code, err) == (0, "")
    assert out == f"framework {CODE} created: 4 questions (4 added, 0 changed, 0 removed; 0 links carried over)\n"
    framework = Framework.objects.get(code=CODE)
    assert framework.source == "Council doc 15671/1/08"
    assert list(framework.questions.values_list("code", "kind")) == [
        ("Q1", "by-sex"),
        ("Q2", "by-sex"),
        ("Q3", "text"),
        ("Q4", "number"),
    ]
    assert AuditEvent.objects.get(action="international.framework.loaded").actor == coordinator


def test_loading_again_counts_what_changed(capsys, framework, tmp_path):
    rows = [
        QUESTIONS[0],
        (QUESTIONS[1][0], "Share of women in peace missions.", "Participation", "by sex"),
        QUESTIONS[2],
    ]
    path = write_csv(tmp_path / "eu2.csv", rows)
    code, out, _ = run(
        capsys, "framework", "load", str(path), "--body", "eu", "--name", "EU indicators", "--version", "2014"
    )
    assert code == 0
    assert out.startswith(f"framework {CODE} updated: 3 questions (0 added, 1 changed, 1 removed;")


def test_a_new_version_carries_the_links_over(capsys, mapped, tmp_path):
    path = write_csv(tmp_path / "eu2015.csv", QUESTIONS)
    code, out, _ = run(
        capsys, "framework", "load", str(path), "--body", "eu", "--name", "EU indicators", "--version", "2015"
    )
    assert code == 0
    assert "3 links carried over" in out
    assert Mapping.objects.filter(question__framework__code="eu-eu-indicators-2015").count() == 3


def test_load_reads_xlsx_with_french_headers(capsys, plan, tmp_path):
    wb = Workbook()
    wb.active.append(["Numéro", "Question", "Pilier", "Type de réponse"])
    wb.active.append(["A1", "Nombre de femmes diplomates.", "Participation", "par sexe"])
    path = tmp_path / "onu.xlsx"
    wb.save(path)
    code, out, _ = run(capsys, "framework", "load", str(path), "--body", "un", "--name", "Questionnaire")
    assert code == 0
    assert out.startswith("framework un-questionnaire created: 1 questions")
    assert Question.objects.get(code="A1").kind == "by-sex"


def test_dry_run_writes_nothing(capsys, plan, framework_file):
    code, out, _ = run(capsys, "framework", "load", str(framework_file), "--body", "eu", "--name", "EU", "--dry-run")
    assert code == 0
    assert "would be created: 4 questions" in out and "dry run, nothing written" in out
    assert not Framework.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="international.").exists()


@pytest.mark.parametrize(
    ("header", "missing"),
    [(("code", "group"), "text"), (("question", "group"), "code"), (("group", "kind"), "code and text")],
)
def test_a_file_without_a_code_or_text_column_is_refused(capsys, plan, tmp_path, header, missing):
    path = write_csv(tmp_path / "bad.csv", [("Q1", "x")], header=header)
    code, out, err = run(capsys, "framework", "load", str(path), "--body", "eu", "--name", "EU")
    assert (code, out) == (1, "")
    assert f"the header row (row 1) has no {missing} column" in err
    assert "Nothing was loaded" in err
    assert not Framework.objects.exists()


def test_every_problem_is_listed_with_its_row_and_nothing_is_loaded(capsys, plan, tmp_path):
    rows = [
        ("Q1", "First.", "", ""),
        ("Q1", "Again.", "", ""),
        ("", "No code.", "", ""),
        ("Q3", "", "", ""),
        ("Q4", "Odd kind.", "", "colour"),
    ]
    path = write_csv(tmp_path / "dup.csv", rows)
    code, out, err = run(capsys, "framework", "load", str(path), "--body", "eu", "--name", "EU")
    assert (code, out) == (1, "")
    lines = err.splitlines()
    assert lines[0] == f"naptrack: {path}: 4 problem(s); nothing was loaded"
    assert lines[1] == "naptrack: Row 3: the code Q1 is already used on row 2; each question needs its own code."
    assert lines[2] == "naptrack: Row 4: the question has no code."
    assert lines[3] == "naptrack: Row 5: question Q3 has no text."
    assert lines[4].startswith("naptrack: Row 6: the kind colour is not one of")
    assert not Framework.objects.exists() and not Question.objects.exists()


def test_an_empty_file_is_refused(capsys, plan, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("\n\n", encoding="utf-8")
    code, _, err = run(capsys, "framework", "load", str(path), "--body", "eu", "--name", "EU")
    assert code == 1
    assert "empty.csv is empty: it holds no header row and no question" in err
    header_only = write_csv(tmp_path / "header.csv", [])
    code, _, err = run(capsys, "framework", "load", str(header_only), "--body", "eu", "--name", "EU")
    assert code == 1
    assert "header.csv holds a header row but no question" in err
    assert not Framework.objects.exists()


def test_a_missing_or_unreadable_file_is_refused(capsys, plan, tmp_path):
    code, _, err = run(capsys, "framework", "load", str(tmp_path / "nope.csv"), "--body", "eu", "--name", "EU")
    assert code == 1 and "cannot read" in err and "no such file" in err
    odd = tmp_path / "questions.pdf"
    odd.write_bytes(b"%PDF-1.4")
    code, _, err = run(capsys, "framework", "load", str(odd), "--body", "eu", "--name", "EU")
    assert code == 1 and "neither a CSV nor an XLSX file" in err


def test_load_needs_a_known_body_and_a_name(capsys, plan, framework_file):
    assert "invalid choice: 'eeas'" in usage_error(
        capsys, "framework", "load", str(framework_file), "--body", "eeas", "--name", "EU"
    )
    code, _, err = run(capsys, "framework", "load", str(framework_file), "--body", "eu", "--name", "  ")
    assert code == 1 and "name: Give the framework a name." in err


def test_only_a_coordinator_may_act_with_as(capsys, plan, reader, framework_file):
    code, _, err = run(
        capsys, "framework", "load", str(framework_file), "--body", "eu", "--name", "EU", "--as", "reader"
    )
    assert code == 1
    assert err == "naptrack: reader may not manage international reporting: --as must name a coordinator\n"
    code, _, err = run(
        capsys, "framework", "load", str(framework_file), "--body", "eu", "--name", "EU", "--as", "ghost"
    )
    assert code == 1 and "no active user 'ghost'" in err
    assert not Framework.objects.exists()


# --- framework list -------------------------------------------------------------------------------


def test_list_says_when_there_is_nothing(capsys, plan):
    code, out, _ = run(capsys, "framework", "list")
    assert code == 0 and out.startswith("no framework yet")


def test_list_shows_counts(capsys, request_):
    code, out, _ = run(capsys, "framework", "list")
    assert code == 0
    header, row = out.splitlines()
    assert header.split() == ["CODE", "BODY", "NAME", "VERSION", "QUESTIONS", "LINKED", "REQUESTS"]
    assert row.split() == [CODE, "eu", "EU", "indicators", "2014", "4", "3", "1"]


# --- framework map --------------------------------------------------------------------------------


def test_map_links_an_instrument_and_a_line(capsys, framework):
    code, out, _ = run(capsys, "framework", "map", CODE, "--question", "Q1", "--instrument", f"{BE}:21:2")
    assert code == 0
    assert out == f"{CODE} question Q1 linked to {BE}:21:2: {instrument('21', 2).text}\n"
    # A line with one instrument needs no N; the label printed names it.
    code, out, _ = run(capsys, "framework", "map", CODE, "--question", "Q2", "--instrument", f"{BE}:23.a")
    assert code == 0 and f"linked to {BE}:23.a:1:" in out
    code, out, _ = run(capsys, "framework", "map", CODE, "--question", "Q3", "--line", f"{BE}:1.a")
    assert code == 0 and f"linked to {BE}:1.a:" in out
    links = Mapping.objects.filter(question__framework=framework).order_by("pk")
    assert [(m.question.code, m.instrument, m.action and m.action.code) for m in links] == [
        ("Q1", instrument("21", 2), None),
        ("Q2", instrument("23.a", 1), None),
        ("Q3", None, "1.a"),
    ]


def test_map_remove_unlinks(capsys, mapped):
    code, out, _ = run(capsys, "framework", "map", CODE, "--question", "Q3", "--line", f"{BE}:1.a", "--remove")
    assert code == 0 and out.startswith(f"{CODE} question Q3 unlinked from {BE}:1.a")
    assert not Mapping.objects.filter(question__code="Q3").exists()
    code, _, err = run(capsys, "framework", "map", CODE, "--question", "Q3", "--line", f"{BE}:1.a", "--remove")
    assert code == 1 and err == f"naptrack: question Q3 of {CODE} is not linked to {BE}:1.a\n"


def test_a_line_with_several_instruments_needs_n(capsys, framework):
    code, _, err = run(capsys, "framework", "map", CODE, "--question", "Q1", "--instrument", f"{BE}:21")
    assert code == 1
    lines = err.splitlines()
    assert lines[0] == f"naptrack: line {BE}:21 has 2 instruments: name one as {BE}:21:N"
    assert lines[2] == f"naptrack:   {BE}:21:2  {instrument('21', 2).text}"
    assert not Mapping.objects.exists()


@pytest.mark.parametrize(
    ("option", "target", "reason"),
    [
        ("--instrument", f"{BE}:21:3", f"line {BE}:21 has no instrument '3': it has 2, numbered from 1"),
        ("--instrument", f"{BE}:21:0", f"line {BE}:21 has no instrument '0'"),
        ("--instrument", f"{BE}:99.z:1", f"plan {BE} has no line of action '99.z'"),
        ("--instrument", "no-plan:21:1", "no plan 'no-plan'; plans in this installation:"),
        ("--instrument", "21", "--instrument '21': give PLAN:LINE[:N]"),
        ("--line", f"{BE}:21:2", "give PLAN:LINE; name an instrument with --instrument PLAN:LINE:N"),
    ],
)
def test_a_target_that_does_not_exist_is_refused(capsys, framework, option, target, reason):
    code, out, err = run(capsys, "framework", "map", CODE, "--question", "Q1", option, target)
    assert (code, out) == (1, "")
    assert reason in err.splitlines()[0]
    assert not Mapping.objects.exists()


def test_an_unknown_framework_or_question_is_refused(capsys, framework):
    code, _, err = run(capsys, "framework", "map", "nope", "--question", "Q1", "--line", f"{BE}:21")
    assert code == 1 and err == f"naptrack: no framework 'nope'; frameworks in this installation: {CODE}\n"
    code, _, err = run(capsys, "framework", "map", CODE, "--question", "Q9", "--line", f"{BE}:21")
    assert code == 1 and err == f"naptrack: framework {CODE} has no question 'Q9'; its questions: Q1, Q2, Q3, Q4\n"


def test_a_duplicate_link_is_refused(capsys, mapped):
    code, _, err = run(capsys, "framework", "map", CODE, "--question", "Q1", "--instrument", f"{BE}:21:2")
    assert code == 1 and err.startswith("naptrack: target: Question Q1 is already linked to")
    assert Mapping.objects.filter(question__code="Q1").count() == 1


def test_map_needs_exactly_one_target(capsys, framework):
    assert "one of the arguments --instrument --line is required" in usage_error(
        capsys, "framework", "map", CODE, "--question", "Q1"
    )
    assert "not allowed with argument" in usage_error(
        capsys, "framework", "map", CODE, "--question", "Q1", "--line", f"{BE}:21", "--instrument", f"{BE}:21:1"
    )


# --- framework suggest ----------------------------------------------------------------------------


def test_suggest_prints_links_and_scored_suggestions(capsys, framework):
    code, out, _ = run(capsys, "framework", "suggest", CODE, "--question", "Q1", "--top", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"Q1  {QUESTIONS[0][1]}"
    assert len(lines) == 3
    score, label, *_ = lines[1].split()
    assert 0 < float(score) <= 1
    assert label == f"{BE}:21:2"  # diplomats and consuls, by sex
    assert lines[1].endswith(instrument("21", 2).text)


def test_suggest_leaves_out_what_is_linked_and_says_so(capsys, mapped):
    code, out, _ = run(capsys, "framework", "suggest", CODE, "--top", "1")
    assert code == 0
    assert f"    linked  {BE}:21:2" in out
    assert f"    linked  {BE}:1.a" in out
    block = out.split("Q2  ")[0]
    assert block.count(f"{BE}:21:2") == 1  # linked, not suggested again
    assert sum(line.startswith(("Q1 ", "Q2 ", "Q3 ", "Q4 ")) for line in out.splitlines()) == 4


def test_suggest_refuses_a_bad_top(capsys, framework):
    assert "give a number from 1 to 50" in usage_error(capsys, "framework", "suggest", CODE, "--top", "0")


# --- request create -------------------------------------------------------------------------------


def test_create_prints_the_id_first_and_the_flags_on_stderr(capsys, reported):
    code, out, err = create_request(capsys, "--reference", "EEAS/2015/12", "--received", "2015-01-15")
    assert code == 0
    request = Request.objects.get()
    assert out == f"{request.pk}\n"
    assert (
        err == f"request {request.pk} ({CODE}, 2014) created, due 2015-03-31; "
        "1 of 4 questions flagged: nothing reported behind them\n"
    )
    assert (request.reference, request.received_on, request.period_start, request.period_end) == (
        "EEAS/2015/12",
        dt.date(2015, 1, 15),
        2014,
        2014,
    )
    q1 = request.answers.get(question__code="Q1")
    assert (q1.women, q1.men, q1.total) == (42, 128, 170)


def test_a_period_no_round_covers_flags_every_question(capsys, reported):
    code, out, err = run(
        capsys, "request", "create", "--framework", CODE, "--period", "2010-2011", "--due", "2015-03-31"
    )
    assert code == 0
    request = Request.objects.get(pk=int(out.splitlines()[0]))
    assert request.period == "2010-2011"
    assert "4 of 4 questions flagged" in err and "does a round cover the period" in err
    assert all(request.answers.values_list("flagged", flat=True))


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--period", "14"], "not a period: '14'"),
        (["--period", "2015-2014"], "the period '2015-2014' ends before it starts"),
        (["--period", "2014", "--due", "31/03/2015"], "not a date in the form YYYY-MM-DD: '31/03/2015'"),
        (["--period", "2014", "--due", "2015-02-30"], "not a date in the form YYYY-MM-DD: '2015-02-30'"),
    ],
)
def test_create_checks_periods_and_dates(capsys, framework, argv, reason):
    base = ["request", "create", "--framework", CODE]
    if "--due" not in argv:
        argv = [*argv, "--due", "2015-03-31"]
    assert reason in usage_error(capsys, *base, *argv)
    assert not Request.objects.exists()


def test_create_refuses_received_after_due_and_an_unknown_framework(capsys, framework):
    code, _, err = create_request(capsys, "--received", "2015-04-01")
    assert code == 1 and err == "naptrack: due_on: The due date is before the date the request was received.\n"
    code, _, err = run(capsys, "request", "create", "--framework", "nope", "--period", "2014", "--due", "2015-03-31")
    assert code == 1 and "no framework 'nope'" in err
    assert not Request.objects.exists()


# --- request list and show ------------------------------------------------------------------------


def test_request_list(capsys, request_):
    code, out, _ = run(capsys, "request", "list")
    assert code == 0
    header, row = out.splitlines()
    assert header.split()[:3] == ["ID", "FRAMEWORK", "PERIOD"]
    assert row.split() == [str(request_.pk), CODE, "2014", "2015-03-31", "EEAS/2015/12", "4", "3", "1", "0", "internal"]


def test_request_list_when_empty(capsys, plan):
    code, out, _ = run(capsys, "request", "list")
    assert code == 0 and out.startswith("no request yet")


def test_request_show_lists_answers_with_flags(capsys, request_, coordinator):
    q3 = request_.answers.get(question__code="Q3")
    services.answer_save(actor=coordinator, answer=q3, version=q3.version, data={"text": "Reported in 2014."})
    q4 = request_.answers.get(question__code="Q4")
    services.targeted_question_ask(
        actor=coordinator, answer=q4, department=Department.objects.get(code="defence"), due_on=dt.date.today()
    )
    code, out, _ = run(capsys, "request", "show", str(request_.pk))
    assert code == 0
    assert out.startswith(
        f"request {request_.pk} ({CODE}, 2014): EU indicators 2014\n"
        "reference EEAS/2015/12, due 2015-03-31, version 1, internal\n"
    )
    assert f"Q1  {QUESTIONS[0][1]}\n" in out
    assert "    women 42, men 128, total 170\n" in out
    assert f"Q3  {QUESTIONS[2][1]}  [EDITED]\n    Reported in 2014.\n" in out
    assert f"Q4  {QUESTIONS[3][1]}  [FLAGGED]\n    (no answer)\n    asked defence: draft, due" in out
    assert out.endswith("not sent yet\n")


def test_an_unknown_request_is_refused(capsys, plan):
    code, _, err = run(capsys, "request", "show", "999")
    assert code == 1 and err == "naptrack: no request 999; 'naptrack request list' shows the requests and their ids\n"
    assert "not a request id: 'x'" in usage_error(capsys, "request", "show", "x")


# --- request export -------------------------------------------------------------------------------


def test_export_xlsx_in_the_questions_order(capsys, request_, tmp_path):
    path = tmp_path / "pack.xlsx"
    code, out, _ = run(capsys, "request", "export", str(request_.pk), "--format", "xlsx", "-o", str(path))
    assert code == 0 and out.startswith(f"wrote {path} (") and "as they are now (version 1, not sent), in en" in out
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0] == ("Code", "Question", "Answer", "Women", "Men", "Other", "Total", "Sources")
    assert [r[0] for r in rows[1:]] == ["Q1", "Q2", "Q3", "Q4"]
    assert rows[1][3:7] == (42, 128, None, 170)


def test_export_csv_in_french_and_docx(capsys, request_, tmp_path):
    path = tmp_path / "pack.csv"
    assert cli.main(["request", "export", str(request_.pk), "--format", "csv", "--lang", "fr", "-o", str(path)]) == 0
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Code,")
    assert len(list(csv.reader(io.StringIO(text)))) == 5
    docx = tmp_path / "pack.docx"
    assert cli.main(["request", "export", str(request_.pk), "--format", "docx", "-o", str(docx)]) == 0
    from docx import Document

    assert any(QUESTIONS[0][1] in p.text for p in Document(str(docx)).paragraphs)


def test_export_of_a_version_sent_is_what_was_sent(capsys, request_, coordinator, tmp_path):
    assert cli.main(["request", "sent", str(request_.pk), "--date", "2015-03-30", "--to", "EEAS"]) == 0
    q1 = request_.answers.get(question__code="Q1")
    services.answer_save(actor=coordinator, answer=q1, version=q1.version, data={"women": 50})
    sent, now = tmp_path / "sent.xlsx", tmp_path / "now.xlsx"
    capsys.readouterr()
    code, out, _ = run(
        capsys, "request", "export", str(request_.pk), "--format", "xlsx", "--version", "1", "-o", str(sent)
    )
    assert code == 0 and "version 1 as sent on 2015-03-30" in out
    assert cli.main(["request", "export", str(request_.pk), "--format", "xlsx", "-o", str(now)]) == 0
    assert list(load_workbook(sent).active.iter_rows(values_only=True))[1][3] == 42
    assert list(load_workbook(now).active.iter_rows(values_only=True))[1][3] == 50


def test_export_refuses_a_version_not_sent_and_writes_nothing(capsys, request_, tmp_path):
    path = tmp_path / "pack.xlsx"
    code, _, err = run(
        capsys, "request", "export", str(request_.pk), "--format", "xlsx", "--version", "2", "-o", str(path)
    )
    assert code == 1
    assert err == (
        f"naptrack: request {request_.pk} ({CODE}, 2014) has no version 2 sent; versions sent: none "
        "(leave out --version for the answers as they are now)\n"
    )
    assert not path.exists()
    code, _, err = run(
        capsys, "request", "export", str(request_.pk), "--format", "xlsx", "-o", str(tmp_path / "no" / "p.xlsx")
    )
    assert code == 1 and "no directory" in err
    assert "invalid choice: 'pdf'" in usage_error(
        capsys, "request", "export", str(request_.pk), "--format", "pdf", "-o", "x"
    )


def test_export_to_standard_output(capsys, request_):
    code, out, _ = run(capsys, "request", "export", str(request_.pk), "--format", "csv", "-o", "-")
    assert code == 0 and "Code,Question,Answer" in out


def test_a_failed_write_leaves_no_half_file(capsys, request_, tmp_path, monkeypatch):
    from pathlib import Path

    path = tmp_path / "pack.xlsx"
    path.write_bytes(b"before")

    def refuse(self, target):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", refuse)
    code, _, err = run(capsys, "request", "export", str(request_.pk), "--format", "xlsx", "-o", str(path))
    assert code == 1 and "No space left on device" in err
    assert path.read_bytes() == b"before"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# --- request sent ---------------------------------------------------------------------------------


def test_sent_freezes_the_version(capsys, request_, coordinator):
    code, out, err = run(
        capsys,
        "request",
        "sent",
        str(request_.pk),
        "--date",
        "2015-03-30",
        "--to",
        "EEAS",
        "--reference",
        "Note 12",
        "--as",
        "coordinator",
    )
    assert (code, err) == (0, "")
    assert (
        out == f"request {request_.pk} ({CODE}, 2014): version 1 sent on 2015-03-30 to EEAS, frozen; "
        "later edits make version 2\n"
    )
    dispatch = Dispatch.objects.get()
    assert (dispatch.version, dispatch.sent_to, dispatch.reference, dispatch.created_by) == (
        1,
        "EEAS",
        "Note 12",
        coordinator,
    )
    request_.refresh_from_db()
    assert request_.version == 2


def test_sending_twice_is_refused(capsys, request_):
    assert run(capsys, "request", "sent", str(request_.pk), "--date", "2015-03-30", "--to", "EEAS")[0] == 0
    code, out, err = run(capsys, "request", "sent", str(request_.pk), "--date", "2015-03-31", "--to", "EEAS")
    assert (code, out) == (1, "")
    assert err == (
        "naptrack: Version 1 was already sent on 2015-03-30 with these answers; edit an answer to make a new version.\n"
    )
    assert Dispatch.objects.count() == 1


def test_sent_checks_its_input(capsys, request_):
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    code, _, err = run(capsys, "request", "sent", str(request_.pk), "--date", future, "--to", "EEAS")
    assert code == 1 and err == "naptrack: sent_on: The date sent is in the future.\n"
    code, _, err = run(capsys, "request", "sent", str(request_.pk), "--date", "2015-03-30", "--to", " ")
    assert code == 1 and err == "naptrack: sent_to: Say to whom the answers were sent.\n"
    assert "not a date" in usage_error(
        capsys, "request", "sent", str(request_.pk), "--date", "yesterday", "--to", "EEAS"
    )
    assert "--to" in usage_error(capsys, "request", "sent", str(request_.pk), "--date", "2015-03-30")
    assert not Dispatch.objects.exists()


def test_a_reader_may_not_mark_sent(capsys, request_, reader):
    code, _, err = run(
        capsys, "request", "sent", str(request_.pk), "--date", "2015-03-30", "--to", "EEAS", "--as", "reader"
    )
    assert code == 1 and "--as must name a coordinator" in err
    assert not Dispatch.objects.exists()


# --- request remind -------------------------------------------------------------------------------


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPConnectError(421, "mail.example.org is not answering")


@pytest.fixture
def asked(request_, coordinator, focal_defence):
    answer = request_.answers.get(question__code="Q4")
    return services.targeted_question_ask(
        actor=coordinator,
        answer=answer,
        department=Department.objects.get(code="defence"),
        due_on=dt.date.today() + dt.timedelta(days=2),
    )


def test_remind_emails_focal_points_once_a_day(capsys, asked, mailoutbox):
    mailoutbox.clear()
    today = dt.date.today().isoformat()
    code, out, _ = run(capsys, "request", "remind")
    assert code == 0 and out == f"{today}: reminded focal points of 1 targeted question(s)\n"
    assert [m.to for m in mailoutbox] == [["focal-defence@example.org"]]
    code, out, _ = run(capsys, "request", "remind")
    assert code == 0 and out == f"{today}: no targeted question to remind about\n"
    assert len(mailoutbox) == 1
    assert TargetedQuestion.objects.get().reminded_on == dt.date.today()


def test_remind_with_nothing_due(capsys, asked, mailoutbox):
    code, out, _ = run(capsys, "request", "remind", "--date", (dt.date.today() - dt.timedelta(days=10)).isoformat())
    assert code == 0 and out.endswith("no targeted question to remind about\n")


def test_remind_says_when_the_mail_server_refuses(capsys, asked, settings):
    settings.EMAIL_BACKEND = "tests.test_international_cli.RefusingBackend"
    code, _, err = run(capsys, "request", "remind")
    assert code == 1 and "sending the reminders failed" in err and "run again to retry" in err
