"""The naptrack command line: exit status 0 on success, one-line reasons on stderr otherwise."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from naptrack import cli
from naptrack.accounts.models import User
from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Plan

pytestmark = pytest.mark.django_db


def run(capsys, *argv: str, stdin: str | None = None, monkeypatch=None) -> tuple[int, str, str]:
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode())))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def binary_stdout(monkeypatch):
    """Captures what the command writes to sys.stdout.buffer (capsys captures text only)."""
    buffer = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(buffer, encoding="utf-8"))
    return buffer


def test_help_lists_the_subcommands():
    result = subprocess.run([sys.executable, "-m", "naptrack.cli", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("serve", "plan", "user"):
        assert command in result.stdout


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--help"],
        ["plan", "load", "--help"],
        ["plan", "export", "--help"],
        ["user", "add", "--help"],
        ["serve", "--help"],
    ],
)
def test_every_subcommand_has_help(capsys, argv):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(argv)
    assert exit_info.value.code == 0
    assert "usage: naptrack" in capsys.readouterr().out


def test_plan_list(plan, capsys):
    code, out, _ = run(capsys, "plan", "list")
    assert code == 0
    assert "be-nap-2013-2016  2013-2016  BE       6    37     102" in out


def test_plan_load_reports_counts(plan, capsys, tmp_path, be_document):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dict(be_document, slug="be-copy")))
    code, out, err = run(capsys, "plan", "load", str(path))
    assert (code, err) == (0, "")
    assert out.startswith("plan be-copy created: 6 objectives, 37 goals, 102 lines of action, 122 instruments")
    assert AuditEvent.objects.filter(action="plans.plan.loaded", actor_name__startswith="cli:").exists()


def test_plan_load_of_an_invalid_file_fails_with_reasons_and_writes_nothing(plan, capsys, tmp_path, be_document):
    document = dict(be_document, slug="broken", country="Belgium")
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    code, out, err = run(capsys, "plan", "load", str(path))
    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        f"naptrack: {path} is not a valid naptrack-plan/1 file (1 problem(s)); nothing was loaded",
        "naptrack: $.country: unknown ISO 3166-1 alpha-2 code 'Belgium'",
    ]
    assert not Plan.objects.filter(slug="broken").exists()


def test_plan_load_check_only_validates(plan, capsys, tmp_path, be_document):
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(dict(be_document, slug="checked")))
    code, out, _ = run(capsys, "plan", "load", "--check", str(path))
    assert code == 0 and "valid" in out
    assert not Plan.objects.filter(slug="checked").exists()


def test_plan_load_of_a_missing_file(capsys, db):
    code, _, err = run(capsys, "plan", "load", "/nonexistent/plan.json")
    assert code == 1
    assert err == "naptrack: cannot read /nonexistent/plan.json: No such file or directory\n"


def test_plan_export_json_to_stdout_is_the_bundled_file(plan, capsys):
    code, out, _ = run(capsys, "plan", "export", "be-nap-2013-2016", "--format", "json")
    assert code == 0
    assert out == cli.DEFAULT_PLAN_FILE.read_text(encoding="utf-8")


def test_plan_export_round_trip_through_the_cli(plan, capsys, tmp_path):
    first = tmp_path / "first.json"
    assert cli.main(["plan", "export", "be-nap-2013-2016", "-o", str(first)]) == 0
    assert cli.main(["plan", "load", str(first)]) == 0
    second = tmp_path / "second.json"
    assert cli.main(["plan", "export", "be-nap-2013-2016", "-o", str(second)]) == 0
    assert first.read_bytes() == second.read_bytes()


def test_plan_export_csv_has_a_row_per_line_and_instrument(plan, capsys):
    code, out, _ = run(capsys, "plan", "export", "be-nap-2013-2016", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # 122 instruments, and the two lines without one are left out of a table of instruments.
    assert len(rows) == 122
    first = rows[0]
    assert (first["code"], first["instrument"]) == ("1.a", "Periodic reporting under CEDAW.")
    assert first["departments"] == "foreign-affairs;development;defence;interior;justice;equality"
    assert {r["code"] for r in rows if r["by_sex"] == "yes"} == {"13.a", "13.c", "21", "23.a", "23.b", "24.b"}
    assert list(rows[0])[9:11] == ["by_sex", "unit"]
    victims = [r for r in rows if r["code"] == "20.b" and r["kind"] == "count"]
    assert [r["unit"] for r in victims] == ["victims", "victims"]


def test_plan_export_xlsx_is_the_plans_matrix(plan, tmp_path):
    path = tmp_path / "plan.xlsx"
    assert cli.main(["plan", "export", "be-nap-2013-2016", "--format", "xlsx", "-o", str(path)]) == 0
    sheet = load_workbook(path).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = values.index(["No.", "Goal", "Line of action", "Monitoring instruments", "Departments"])
    codes = [row[0] for row in values[header + 1 :] if row[0] and not str(row[0]).startswith("OBJECTIVE")]
    assert len(codes) == 102 and codes[0] == "1.a" and codes[-1] == "37"
    row_14a = next(row for row in values if row[0] == "14.a")
    assert len(row_14a[4].split("\n")) == 6
    assert sum(1 for row in values if row[0] and str(row[0]).startswith("OBJECTIVE")) == 6


def test_plan_export_of_an_unknown_plan(plan, capsys):
    code, _, err = run(capsys, "plan", "export", "nope")
    assert code == 1
    assert err == "naptrack: no plan 'nope'; plans in this installation: be-nap-2013-2016\n"


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["plan", "export", "be-nap-2013-2016", "--format", "pdf"])
    assert exit_info.value.code == 2


@pytest.mark.argon2
def test_user_add_with_password_on_stdin(plan, capsys, monkeypatch):
    code, out, err = run(
        capsys,
        "user",
        "add",
        "alice",
        "--role",
        "focal-point",
        "--department",
        "defence",
        "--password-stdin",
        stdin="a long enough passphrase\n",
        monkeypatch=monkeypatch,
    )
    assert (code, err) == (0, "")
    assert out == "user alice added as focal-point of defence\n"
    alice = User.objects.get(username="alice")
    assert alice.check_password("a long enough passphrase")
    assert alice.password.startswith("argon2$")
    assert alice.role == "focal-point" and alice.department.code == "defence"


@pytest.mark.parametrize(
    ("argv", "stdin", "reason"),
    [
        (["bob", "--role", "focal-point"], "a long enough passphrase", "department: A focal point needs a department"),
        (
            ["bob", "--role", "focal-point", "--department", "finance"],
            "a long enough passphrase",
            "department: Unknown department finance; known departments:",
        ),
        (["bob", "--role", "reader"], "short", "This password is too short."),
        (["bob", "--role", "reader"], "", "the password is empty"),
    ],
)
def test_user_add_refuses_bad_input(plan, capsys, monkeypatch, argv, stdin, reason):
    code, _, err = run(capsys, "user", "add", *argv, "--password-stdin", stdin=stdin + "\n", monkeypatch=monkeypatch)
    assert code == 1
    assert reason in err
    assert not User.objects.filter(username="bob").exists()


def test_user_add_refuses_a_duplicate(plan, capsys, monkeypatch, reader):
    code, _, err = run(
        capsys,
        "user",
        "add",
        "Reader",
        "--role",
        "reader",
        "--password-stdin",
        stdin="a long enough passphrase\n",
        monkeypatch=monkeypatch,
    )
    assert code == 1 and "A user named Reader already exists." in err


def test_user_list(plan, capsys, coordinator, focal_defence):
    code, out, _ = run(capsys, "user", "list")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["USERNAME", "ROLE", "DEPARTMENT", "PLAN", "E-MAIL", "ACTIVE"]
    assert lines[1].split()[:3] == ["coordinator", "coordinator", "-"]
    assert lines[2].split()[:3] == ["focal-defence", "focal-point", "defence"]


def test_roles_of_the_cli_are_the_roles_of_the_model():
    from naptrack.accounts.models import Role

    # Civil-society members are invited as members of their organisation (naptrack org invite).
    assert sorted((*cli.ROLES, "civil-society")) == sorted(Role.values)
