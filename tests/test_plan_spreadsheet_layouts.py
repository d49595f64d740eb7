"""Plan spreadsheets in the layouts real plans use (#19): the Belgian plan written in each of the
layouts of bench/spreadsheet_layouts.py comes back with every goal text, line text, instrument and
department list of the plan; and the pieces that read them: number columns told from text
columns, bullets, and department cells written every way a matrix writes them.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook

from naptrack.plans.importing import import_plan_document
from naptrack.plans.importing.columns import by_content, paragraphs, two_row_header
from naptrack.plans.importing.departments import DepartmentMatcher, KnownDepartment
from naptrack.plans.importing.headers import (
    ACTION,
    CODE,
    GOAL,
    GOAL_NUMBER,
    INSTRUMENTS,
    OBJECTIVE,
    OBJECTIVE_NUMBER,
    match_header,
)
from naptrack.plans.importing.model import CODE_INFERRED, DEPARTMENT_FUZZY, DEPARTMENT_UNMATCHED, NOISE_DROPPED
from naptrack.plans.importing.spreadsheet import load_csv
from naptrack.plans.importing.xlsx import Cell

ROOT = Path(__file__).resolve().parent.parent


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


layouts = _bench("spreadsheet_layouts")


def shown(document: dict) -> list[tuple]:
    """What a matrix shows of each line, and what the bench counts."""
    return [
        (o["number"], g["number"], g["text"], a["code"], a["text"], [i["text"] for i in a["instruments"]],
         a["departments"], a["coordinator"])
        for o in document["objectives"] for g in o["goals"] for a in g["actions"]
    ]  # fmt: skip


def test_there_are_six_layouts_at_least_csv_and_xlsx():
    assert len(layouts.LAYOUTS) >= 6
    assert {layouts.SUFFIX.get(name, ".xlsx") for name in layouts.LAYOUTS} == {".csv", ".xlsx"}


@pytest.mark.parametrize("layout", list(layouts.LAYOUTS))
def test_the_belgian_plan_in_each_layout_is_read_whole(layout, be_document, tmp_path):
    path = layouts.write(be_document, layout, tmp_path)
    document, checks = import_plan_document(
        path, slug=be_document["slug"], title=be_document["title"], known_departments=be_document["departments"]
    )
    accuracy = layouts.compare(be_document, document)
    assert accuracy.wrong == []
    assert (accuracy.ratio, accuracy.total) == (1.0, 363)
    assert shown(document) == shown(be_document)
    assert [o["title"] for o in document["objectives"]] == [o["title"] for o in be_document["objectives"]]
    # Nothing guessed or left out on the way: no department read by a near spelling, no cell as noise.
    assert not [c for c in checks if c.kind in (DEPARTMENT_UNMATCHED, DEPARTMENT_FUZZY, NOISE_DROPPED)]


# --- number columns -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Goal no.", GOAL_NUMBER),
        ("Goal", GOAL),
        ("Goal nr", GOAL_NUMBER),
        ("Number of the goal", GOAL_NUMBER),
        ("N° du but", GOAL_NUMBER),
        ("Numéro du but", GOAL_NUMBER),
        ("Doel nr.", GOAL_NUMBER),
        ("Specific objective no.", GOAL_NUMBER),
        ("Objective no.", OBJECTIVE_NUMBER),
        ("N° objectif", OBJECTIVE_NUMBER),
        ("Nr. doelstelling", OBJECTIVE_NUMBER),
        ("Line no.", CODE),
        ("N° ligne", CODE),
        ("Line of action no.", CODE),
        ("No.", CODE),
        ("N°", CODE),
        ("Lines of action", ACTION),
        ("Monitoring instrument", INSTRUMENTS),
        ("Indicator no.", None),  # an instrument's number is no field of the plan
    ],
)
def test_a_header_names_a_field_or_the_number_of_one(header, field):
    assert match_header(header) == field


def test_separate_goal_number_and_goal_columns_keep_the_goal_texts(tmp_path):
    # The layout #19 found misread: the number column was taken for the goal, the texts dropped.
    path = tmp_path / "plan.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Goal no.", "Goal", "Line no.", "Line of action", "Indicators", "Responsible"])
    ws.append([1, "Train the staff.", "1.a", "Give courses.", "Courses given.", "Defence"])
    ws.append([1, "Train the staff.", "1.b", "Write a guide.", "Guide written.", "Justice"])
    ws.append([2, "Inform the public.", "2", "Run a campaign.", "Campaign run.", "Defence"])
    wb.save(path)
    document, _ = import_plan_document(
        path, slug="p", title="Plan 2017-2021", country="BE", known_departments=_KNOWN_SMALL
    )
    goals = [(g["number"], g["text"], [a["code"] for a in g["actions"]]) for g in document["objectives"][0]["goals"]]
    assert goals == [(1, "Train the staff.", ["1.a", "1.b"]), (2, "Inform the public.", ["2"])]


def test_a_csv_file_with_excels_separator_line_and_numbered_instruments_is_read(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "sep=;\r\nLine no.;Goal;Line of action;Indicators;Responsible\r\n"
        '1.a;1. Train the staff.;Give courses.;"1. Courses given.\n2. Guide written.";Defence, Justice\r\n'
        '1.b;;Write the rules.;"Rules written. Guide updated.";Justice\r\n',
        encoding="utf-8",
    )
    # The separator line is no row of the matrix: the header is the file's second line.
    assert [(n, cells[0].text) for n, cells, _ in load_csv(path).sheets[0].rows] == [
        (2, "Line no."),
        (3, "1.a"),
        (4, "1.b"),
    ]
    document, _ = import_plan_document(
        path, slug="p", title="Plan 2017-2021", country="BE", known_departments=_KNOWN_SMALL
    )
    assert shown(document) == [
        (1, 1, "Train the staff.", "1.a", "Give courses.", ["Courses given.", "Guide written."],
         ["defence", "justice"], None),
        (1, 1, "Train the staff.", "1.b", "Write the rules.", ["Rules written. Guide updated."], ["justice"], None),
    ]  # fmt: skip


def test_without_a_number_column_a_line_repeated_on_each_of_its_instruments_rows_is_one_line(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "Goal,Line of action,Indicator,Departments\n"
        "Train the staff.,Give courses.,Courses given.,Defence\n"
        "Train the staff.,Give courses.,Guide written.,Defence\n"
        "\n"
        "Train the staff.,Write the rules.,Rules written.,Justice\n"
        "Inform the public.,Run a campaign.,Campaign run.,Defence\n",
        encoding="utf-8",
    )
    document, _ = import_plan_document(
        path, slug="p", title="Plan 2017-2021", country="BE", known_departments=_KNOWN_SMALL
    )
    assert [(g, code, text, instruments) for _, g, _, code, text, instruments, _, _ in shown(document)] == [
        (1, "1.a", "Give courses.", ["Courses given.", "Guide written."]),
        (1, "1.b", "Write the rules.", ["Rules written."]),
        (2, "2", "Run a campaign.", ["Campaign run."]),
    ]


def test_lines_lettered_within_their_goal_are_numbered_with_the_goals_number(tmp_path):
    path = tmp_path / "plan.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(["Goal no.", "Goal", "Line", "Line of action", "Indicators", "Responsible"])
    ws.append([1, "Train the staff.", "a", "Give courses.", "Courses given.", "Defence"])
    ws.append([1, "Train the staff.", "b", "Write a guide.", "Guide written.", "Justice"])
    ws.append([None, None, None, None, "Guide read.", None])
    ws.append([2, "Inform the public.", "a", "Run a campaign.", "Campaign run.", "Defence"])
    wb.save(path)
    document, checks = import_plan_document(
        path, slug="p", title="Plan 2017-2021", country="BE", known_departments=_KNOWN_SMALL
    )
    assert [(g, code, instruments) for _, g, _, code, _, instruments, _, _ in shown(document)] == [
        (1, "1.a", ["Courses given."]),
        (1, "1.b", ["Guide written.", "Guide read."]),
        (2, "2.a", ["Campaign run."]),
    ]
    assert not [c for c in checks if c.kind == CODE_INFERRED]


def test_of_two_columns_headed_alike_the_one_holding_numbers_is_the_number_column():
    texts = ["Goal", "Goal description", "Objective", "Objective", "Line of action"]
    below = [
        (2, [Cell("3", "own"), Cell("Train.", "own"), Cell("I", "own"), Cell("Prevention", "own"), Cell("x", "own")]),
        (3, [Cell("3", "above"), Cell("Train.", "above"), Cell("I", "above"), Cell("Prevention", "above")]),
        (4, [Cell("4", "own"), Cell("Inform.", "own"), Cell("II", "own"), Cell("Protection", "own")]),
    ]
    header = {0: GOAL, 2: OBJECTIVE, 4: ACTION}
    assert by_content(header, texts, [(n, cells, False) for n, cells in below]) == {
        0: GOAL_NUMBER,
        1: GOAL,
        2: OBJECTIVE_NUMBER,
        3: OBJECTIVE,
        4: ACTION,
    }
    # Two text columns headed alike: the first is the column, as before.
    words = [(2, [Cell("Train.", "own"), Cell("Teach.", "own")], False)]
    assert by_content({0: GOAL, 2: ACTION}, ["Goal", "Goal text", "Action"], words) == {0: GOAL, 2: ACTION}


def test_a_header_over_two_rows_joins_each_label_to_the_parts_named_under_it():
    first = ["Goal", "", "Line of action", "", "Indicators", "Departments"]
    own = [Cell(t, "own" if t else "") for t in ("No.", "Text", "#", "Text", "", "")]
    assert two_row_header(first, own) == [
        "Goal No.",
        "Goal Text",
        "Line of action #",
        "Line of action Text",
        "Indicators",
        "Departments",
    ]
    # A row of the matrix under the header, or a part under no label, is no second header row.
    assert two_row_header(first, [Cell("1", "own"), Cell("Train the staff.", "own")]) is None
    assert two_row_header(["", "Goal"], [Cell("No.", "own"), Cell("Text", "own")]) is None


def test_a_cell_of_instruments_is_split_at_line_breaks_and_bullets():
    assert [
        p.replace("\u2060", "")
        for p in paragraphs(INSTRUMENTS, "• Guide published.\n- Courses given. • Staff trained.")
    ] == [
        "Guide published.",
        "Courses given.",
        "Staff trained.",
    ]
    # A hyphen inside a line joins words; a goal's number before its text is left out.
    assert paragraphs(INSTRUMENTS, "Follow-up - yearly") == ["Follow-up - yearly"]
    assert paragraphs(GOAL, "Goal 12: Train the staff.") == ["Train the staff."]
    assert paragraphs(GOAL, "12 - Train the staff.") == ["Train the staff."]
    assert paragraphs(GOAL, "1325 resolutions applied.") == ["1325 resolutions applied."]


# --- departments ----------------------------------------------------------------------------------

_KNOWN_SMALL = [
    {"code": "defence", "name": "Defence", "parent": None},
    {"code": "justice", "name": "Justice", "parent": None},
]


@pytest.fixture(scope="module")
def matcher(be_document) -> DepartmentMatcher:
    return DepartmentMatcher([KnownDepartment.from_document(d) for d in be_document["departments"]])


@pytest.mark.parametrize(
    ("cell", "codes"),
    [
        ("Foreign Affairs; Defence", ["foreign-affairs", "defence"]),
        ("Foreign Affairs, Defence", ["foreign-affairs", "defence"]),
        ("Foreign Affairs\nDefence", ["foreign-affairs", "defence"]),
        ("Interior-Federal Police", ["interior-federal-police"]),
        ("Interior \u2013 Federal Police", ["interior-federal-police"]),
        ("Interior - Federal Police", ["interior-federal-police"]),
        ("Interior (Federal Police)", ["interior-federal-police"]),
        ("Interior/Federal Police", ["interior-federal-police"]),
        ("Federal Police", ["interior-federal-police"]),
        ("Interior (Federal Police, CGRS)", ["interior-federal-police", "interior-cgrs"]),
        ("Federal Police (Interior)", ["interior-federal-police"]),
        # A comma separates a department from a unit: both are named.
        ("Interior, Federal Police", ["interior", "interior-federal-police"]),
        ("Interior (IBZ), Justice", ["interior", "justice"]),
        # A known name holding a comma is read whole; names in the plan file's other languages too.
        (
            "SPF Affaires étrangères, Commerce extérieur et Coopération au Développement, Défense",
            ["foreign-affairs", "defence"],
        ),
        (
            "Institut pour l'égalité des femmes et des hommes (IEFH), Police fédérale",
            ["equality", "interior-federal-police"],
        ),
        ("FOD Justitie; Defensie", ["justice", "defence"]),
    ],
)
def test_a_departments_cell_names_the_known_departments(matcher, cell, codes):
    assert [m.code for m in matcher.parse(cell)] == codes


def test_a_unit_the_plan_does_not_know_is_reported_under_its_parent_whatever_the_dash(matcher):
    for cell in ("Interior-Regional Office", "Interior \u2013 Regional Office", "Interior \u2014 Regional Office"):
        (mention,) = matcher.parse(cell)
        assert (mention.text, mention.code, mention.parent) == ("Regional Office", None, "interior")


def test_a_translation_never_takes_a_name_another_department_has_in_the_plans_own_language():
    matcher = DepartmentMatcher(
        [
            KnownDepartment.from_document({"code": "justice", "name": "Justice", "parent": None}),
            KnownDepartment.from_document(
                {"code": "courts", "name": {"en": "Courts", "fr": "Justice"}, "parent": None}
            ),
        ]
    )
    assert [m.code for m in matcher.parse("Justice, Courts")] == ["justice", "courts"]
