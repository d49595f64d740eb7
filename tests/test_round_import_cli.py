"""`naptrack round import FILE`: a past report read into a round from the command line. --dry-run
prints the round as the issue's JSON and writes nothing, the checks on stderr; a real run prints
what it made; --state published publishes; a refusal exits 1, says why and writes nothing; a
malformed command line exits 2. The reading itself is tests/test_round_import.py's."""

from __future__ import annotations

import json

import pytest

from naptrack.audit.models import AuditEvent
from naptrack.reporting.models import Contribution, Round
from tests.conftest import BE
from tests.portal_data import fill, new_round, reports_not_written
from tests.round_import_small import SMALL_EXPECTED, SMALL_ROWS, counts, write_bad, write_small
from tests.test_round_cli import cli_actor, run, usage_error

pytestmark = pytest.mark.django_db

BASELINE_2012 = ("--plan", BE, "--kind", "baseline", "--year", "2012")


def import_(capsys, path, *options: str) -> tuple[int, str, str]:
    return run(capsys, "round", "import", str(path), *BASELINE_2012, *options)


def test_round_import_has_help_that_explains_it(capsys):
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, "round", "import", "--help")
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    assert out.startswith("usage: naptrack round import")
    for words in ("FILE", "--plan SLUG", "--kind", "--year YEAR", "--state", "--replace", "--dry-run", "--as"):
        assert words in out
    with pytest.raises(SystemExit):
        run(capsys, "round", "--help")
    assert "import" in capsys.readouterr().out


def test_dry_run_prints_the_round_as_json_with_the_checks_on_stderr_and_writes_nothing(plan, tmp_path, capsys):
    path = write_small(tmp_path)
    before = counts()

    code, out, err = import_(capsys, path, "--dry-run")

    assert code == 0
    assert counts() == before
    assert not AuditEvent.objects.filter(action="reporting.round.imported").exists()
    assert json.loads(out) == {
        "round": {"plan": BE, "kind": "baseline", "year": 2012},
        "contributions": [
            {
                "line": line,
                "department": department,
                "status": status,
                "text": text,
                "figures": figures,
                "source": f"row {row}",
            }
            for (line, department), (status, text, figures, row) in SMALL_EXPECTED.items()
        ],
    }
    lines = err.splitlines()
    assert lines[0].startswith("statuses read: 'Completed' -> completed, ")
    assert "'Réalisé' -> completed" in lines[0] and "'Top priority' -> (not on the scale)" in lines[0]
    assert lines[1:] == [
        "4 thing(s) to check in the document:",
        "  [line-by-text] row 3: line 3.a matched by its text (score 0.65): 'Financially support the "
        "International Criminal Court trust \u2026'",
        "  [status-unknown] row 6: status 'Top priority' is not on the plan's scale: left empty",
        "  [figures-from-text] row 9: figures read from the text for line 23.a: 12 women, 30 men",
        "  [row-unplaced] row 11: defence is not responsible for line 3.c in the plan: left out",
    ]


def test_dry_run_of_a_report_with_nothing_to_check_says_so(plan, tmp_path, capsys):
    code, out, err = import_(capsys, write_small(tmp_path, rows=SMALL_ROWS[:1]), "--dry-run")
    assert code == 0
    assert [c["line"] for c in json.loads(out)["contributions"]] == ["1.a"]
    assert err == ("statuses read: 'Completed' -> completed\nnothing to check: every row was placed as it stands\n")


def test_a_real_run_makes_the_closed_round_and_says_what_it_made(plan, tmp_path, capsys, mailoutbox):
    code, out, err = import_(capsys, write_small(tmp_path))

    assert code == 0
    round_ = Round.objects.get(plan=plan, kind="baseline", year=2012)
    assert round_.state == Round.State.CLOSED
    assert out == (
        f"round {round_.pk} ({BE} baseline 2012) closed from small.csv: 9 of 195 contributions filled and "
        "approved, the others 'No report received'; 4 thing(s) to check (listed above)\n"
    )
    assert "4 thing(s) to check in the document:" in err
    approved = Contribution.objects.filter(round=round_, state=Contribution.State.APPROVED)
    assert set(approved.values_list("action__code", "department__code")) == set(SMALL_EXPECTED)
    event = AuditEvent.objects.for_target(round_).get(action="reporting.round.imported")
    assert (event.actor, event.actor_name) == (None, cli_actor())
    assert mailoutbox == []


def test_state_published_publishes_the_round_as_the_coordinator(plan, coordinator, tmp_path, capsys, monkeypatch):
    with reports_not_written(monkeypatch):
        code, out, err = import_(capsys, write_small(tmp_path), "--state", "published", "--as", "coordinator")

    assert code == 0, err
    round_ = Round.objects.get(plan=plan, kind="baseline", year=2012)
    assert round_.state == Round.State.PUBLISHED and round_.published_at
    assert f"round {round_.pk} ({BE} baseline 2012) published from small.csv: 9 of 195" in out
    actions = AuditEvent.objects.for_target(round_).order_by("pk").values_list("action", "actor")
    assert list(actions) == [
        ("reporting.round.imported", coordinator.pk),
        ("reporting.round.published", coordinator.pk),
    ]


def test_a_failure_while_publishing_says_the_round_is_in_and_how_to_publish_it(plan, tmp_path, capsys, monkeypatch):
    from naptrack.publications import services as publications

    def failing(**kwargs):
        raise RuntimeError("the disk is full")

    with reports_not_written(monkeypatch), monkeypatch.context() as patched:
        patched.setattr(publications, "reports_store", failing)
        code, _out, err = import_(capsys, write_small(tmp_path), "--state", "published")
    round_ = Round.objects.get(plan=plan, kind="baseline", year=2012)
    assert code == 1 and round_.state == Round.State.CLOSED
    assert [line for line in err.splitlines() if line.startswith("naptrack: ")] == [
        f"naptrack: Round {round_} was imported and is closed, but publishing it failed (the disk is full). "
        "Publish it from the round's dashboard.",
        f"naptrack: publish it with: naptrack round publish {round_.pk}",
    ]


def refused(capsys, path, *options: str) -> list[str]:
    before = counts()
    code, out, err = import_(capsys, path, *options)
    assert (code, out) == (1, "")
    assert counts() == before
    return [line for line in err.splitlines() if line.startswith("naptrack: ")]


def test_a_second_import_of_the_same_round_fails_and_replace_takes_its_place(plan, tmp_path, capsys):
    assert import_(capsys, write_small(tmp_path))[0] == 0
    first = Round.objects.get(plan=plan, kind="baseline", year=2012)

    assert refused(capsys, write_small(tmp_path)) == [
        "naptrack: This plan already has a round of this kind (baseline) for 2012. Import with Replace "
        "(--replace on the command line) to replace it, if no department has reported in it.",
        "naptrack: nothing was written",
    ]

    code, out, _err = import_(capsys, write_small(tmp_path, rows=SMALL_ROWS[:1]), "--replace")
    assert code == 0 and "1 of 195 contributions filled" in out
    assert Round.objects.get(plan=plan, kind="baseline", year=2012).pk != first.pk
    assert not Round.objects.filter(pk=first.pk).exists()


def test_replace_fails_once_a_focal_point_saved_a_contribution(plan, coordinator, focal_defence, tmp_path, capsys):
    opened = new_round(plan, coordinator, "baseline", 2012)
    fill(opened, "7.b", "defence", focal_defence, coordinator, then="saved", status="in-progress")
    assert refused(capsys, write_small(tmp_path), "--replace") == [
        "naptrack: Departments have reported in the existing round: it cannot be replaced.",
        "naptrack: nothing was written",
    ]


def test_a_department_the_plan_does_not_have_fails_and_names_it(plan, tmp_path, capsys):
    rows = [*SMALL_ROWS, ["26.a", "", "Ministry of Magic", "Completed", "Spells were cast.", "", ""]]
    path = write_small(tmp_path, rows=rows)
    before = counts()
    code, out, err = import_(capsys, path)
    assert (code, out) == (1, "")
    assert counts() == before
    assert "  [department-unmatched] row 12: 'Ministry of Magic' is not a department of the plan" in err
    assert err.endswith(
        "naptrack: The document names departments the plan does not have: “Ministry of Magic”. Correct the "
        "document, or add them to the plan, then import again.\nnaptrack: nothing was written\n"
    )


@pytest.mark.parametrize("name", ["plan.docx", "seating.docx", "prose.txt", "empty.csv", "broken.pdf", "report.doc"])
def test_a_document_that_is_not_a_report_fails_and_says_why(name, plan, tmp_path, capsys, be_document):
    path, says = write_bad(tmp_path, name, be_document)
    (line,) = refused(capsys, path)
    assert says in line or (name == "report.doc" and "expected a .pdf, .docx, .txt, .xlsx, .csv file" in line)
    assert line.startswith(f"naptrack: {'cannot import ' if name == 'report.doc' else ''}{name}")
    assert line.endswith("; nothing was written")


def test_a_missing_file_or_an_unknown_plan_fails(plan, tmp_path, capsys):
    assert refused(capsys, tmp_path / "absent.csv") == [
        f"naptrack: cannot read {tmp_path / 'absent.csv'}: no such file"
    ]
    before = counts()
    code, _out, err = run(
        capsys, "round", "import", str(write_small(tmp_path)), "--plan", "nope", "--kind", "baseline", "--year", "2012"
    )
    assert code == 1 and counts() == before
    assert err == f"naptrack: no plan 'nope'; plans in this installation: {BE}\n"


def test_a_focal_point_may_not_import(plan, focal_defence, tmp_path, capsys):
    assert refused(capsys, write_small(tmp_path), "--as", "focal-defence") == [
        "naptrack: focal-defence may not manage rounds: --as must name a coordinator"
    ]


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["--kind", "yearly", "--year", "2012"], "invalid choice: 'yearly'"),
        (["--kind", "baseline"], "the following arguments are required: --year"),
        (["--kind", "baseline", "--year", "twenty"], "invalid int value: 'twenty'"),
        (["--kind", "baseline", "--year", "2012", "--state", "open"], "invalid choice: 'open'"),
    ],
)
def test_a_malformed_command_line_is_a_usage_error(argv, reason, plan, tmp_path, capsys):
    path = write_small(tmp_path)
    assert reason in usage_error(capsys, "round", "import", str(path), "--plan", BE, *argv)
    assert not Round.objects.exists()
