"""The round importer's edge cases found in review (issue #20), one test each, on the real Belgian
plan: replacing a round someone worked in, figures in a sentence, a plan amended since the year
reported on, departments of another plan, names cited before their comma, a PDF printed with wide
line spacing, rows after an unplaced one, several report columns, a sheet without header, a figure
that is no whole number, --dry-run of a refused import, qualified statuses, a line given by its text
after another line's row, a huge or NUL-bearing cell, and two statuses for one contribution. The
ordinary reading is tests/test_round_import.py's."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from naptrack.plans import amendments
from naptrack.plans.importing.departments import DepartmentMatcher, KnownDepartment
from naptrack.plans.importing.model import DEPARTMENT_UNMATCHED, ROW_UNPLACED, STRUCTURE
from naptrack.plans.models import Action, Department, Plan, PlanDepartment
from naptrack.reporting import services as reporting
from naptrack.reporting.importing import (
    FIGURES_FROM_TEXT,
    FIGURES_UNPLACED,
    STATUS_UNKNOWN,
    DocumentImportError,
    read_round_document,
)
from naptrack.reporting.importing.statuses import status_of
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services import round_import, round_import_problems
from tests.conftest import BE
from tests.portal_data import new_round
from tests.round_import_small import SMALL_HEADER, SMALL_ROWS, counts, write_small
from tests.test_round_import_cli import import_

pytestmark = pytest.mark.django_db

REPORTED = "Departments have reported in the existing round: it cannot be replaced."


def row(code: str, department: str, status: str, text: str, women: str = "", men: str = "", line: str = ""):
    return [code, line, department, status, text, women, men]


def read(tmp_path: Path, rows: list[list[str]], *, year: int | None = 2012, name: str = "small.csv"):
    return read_round_document(write_small(tmp_path, name, rows=rows), plan=Plan.objects.get(slug=BE), year=year)


def placed(proposal) -> dict[tuple[str, str], object]:
    return {(p.line, p.department): p for p in proposal.contributions}


def problems(plan, proposal, *, kind: str = "baseline", year: int = 2012) -> list[str]:
    return round_import_problems(plan=plan, kind=kind, year=year, proposal=proposal, replace=True)


# 1 --------------------------------------------------------------------------------------------------


def test_replace_is_refused_once_an_import_was_changed_or_evidence_added_and_allowed_untouched(
    plan, coordinator, focal_defence, tmp_path
):
    proposal = read_round_document(write_small(tmp_path), plan=plan, year=2012)
    imported = round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)
    # Untouched, an imported round may be replaced by a better reading.
    assert problems(plan, proposal) == []

    reporting.round_reopen(actor=coordinator, round=imported, reason="Defence wants to correct 7.b.")
    c = Contribution.objects.get(round=imported, action__code="7.b", department__code="defence")
    assert c.imported_from
    c = reporting.contribution_reopen(actor=coordinator, contribution=c, reason="Please update.")
    reporting.contribution_save(
        actor=focal_defence, contribution=c, version=c.version, data={"status": "completed", "narrative": "Ours."}
    )
    assert problems(plan, proposal) == [REPORTED]

    # An ordinary open round where a focal point only added evidence to a draft.
    annual = new_round(plan, coordinator, "annual", 2014)
    draft = Contribution.objects.get(round=annual, action__code="7.b", department__code="defence")
    assert draft.state == Contribution.State.DRAFT
    reporting.evidence_add(actor=focal_defence, contribution=draft, title="Proof", url="https://example.org/proof")
    draft.refresh_from_db()
    assert (draft.state, draft.narrative) == (Contribution.State.DRAFT, "")
    assert problems(plan, proposal, kind="annual", year=2014) == [REPORTED]
    before = counts()
    with pytest.raises(ValidationError) as error:
        round_import(actor=coordinator, plan=plan, kind="annual", year=2014, proposal=proposal, replace=True)
    assert error.value.messages == [REPORTED]
    assert counts() == before and Round.objects.filter(pk=annual.pk).exists()


# 2 --------------------------------------------------------------------------------------------------


def test_a_resolutions_number_gives_no_figures_and_counts_in_a_sentence_are_checked(plan, tmp_path):
    resolution = read(
        tmp_path,
        [row("23.a", "Defence", "Done", "We promote the 1325 Women, Peace and Security agenda; 40 men attended.")],
    )
    assert [(p.line, p.figures) for p in resolution.contributions] == [("23.a", [])]
    assert FIGURES_FROM_TEXT not in [c.kind for c in resolution.checks]

    counted = read(tmp_path, [row("23.a", "Defence", "Done", "We deployed 12 women and 30 men.")])
    assert [(p.line, p.figures) for p in counted.contributions] == [
        ("23.a", [{"instrument": 1, "women": 12, "men": 30}])
    ]
    assert [(c.kind, c.location) for c in counted.checks] == [(FIGURES_FROM_TEXT, "row 2")]


# 3 --------------------------------------------------------------------------------------------------

NEW_LINE = "Report each year on the women, peace and security agenda to the justice committee of parliament."


def amend_1a(plan, coordinator):
    """Line 1.a retired and line 1.z added for Justice from 2015."""
    return amendments.plan_amend(
        actor=coordinator,
        plan=plan,
        change_list=[
            {"op": "line-retired", "line": "1.a"},
            {
                "op": "line-added",
                "line": "1.z",
                "goal": Action.objects.get(plan=plan, code="1.a").goal.number,
                "text": NEW_LINE,
                "instruments": [{"text": "Reports sent.", "kind": "count", "unit": "reports"}],
                "departments": ["justice"],
                "coordinator": "justice",
            },
        ],
        effective_from=dt.date(2015, 1, 1),
        reason="Mid-term review.",
    )


@pytest.mark.parametrize(
    "opened_before",
    [
        pytest.param(True, id="a round opened before the amendment"),
        pytest.param(
            False,
            id="no round before the amendment",
        ),
    ],
)
def test_a_past_round_is_placed_on_the_plan_of_its_year(opened_before, plan, coordinator, tmp_path):
    if opened_before:
        new_round(plan, coordinator, "annual", 2013)
    amend_1a(plan, coordinator)
    rows = [
        row("1.a", "Justice", "Completed", "Justice ratified the convention."),
        row("1.z", "Justice", "Ongoing", "Sent."),
    ]

    baseline = read(tmp_path, rows, year=2012)
    assert set(placed(baseline)) == {("1.a", "justice")}
    assert ROW_UNPLACED in [c.kind for c in baseline.checks]  # 1.z, not yet in the plan of 2012
    round_ = round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=baseline)
    assert round_.plan_version.number == 1
    codes = set(Contribution.objects.filter(round=round_).values_list("action__code", flat=True))
    assert "1.a" in codes and "1.z" not in codes
    c = Contribution.objects.get(round=round_, action__code="1.a", department__code="justice")
    assert (c.status, c.narrative) == ("completed", "Justice ratified the convention.")

    annual = read(tmp_path, rows, year=2016)
    assert set(placed(annual)) == {("1.z", "justice")}
    assert placed(annual)[("1.z", "justice")].text == "Sent."


# 4 --------------------------------------------------------------------------------------------------


def test_a_proposal_the_plan_no_longer_matches_is_refused_by_name(plan, coordinator, tmp_path):
    proposal = read(tmp_path, [row("1.a", "Justice", "Completed", "Ratified.")], year=2016)
    assert set(placed(proposal)) == {("1.a", "justice")}
    amend_1a(plan, coordinator)
    before = counts()
    with pytest.raises(ValidationError) as error:
        round_import(actor=coordinator, plan=plan, kind="annual", year=2016, proposal=proposal)
    (message,) = error.value.messages
    assert "1.a (justice)" in message and "read the document again" in message
    assert counts() == before


# 5 --------------------------------------------------------------------------------------------------


def test_a_department_of_another_plan_only_is_not_the_plans(plan, coordinator, tmp_path):
    other = Plan.objects.create(slug="nl-nap", title="Another plan", country="NL", period_start=2016, period_end=2019)
    magic = Department.objects.create(code="magic", name="Ministry of Magic")
    PlanDepartment.objects.create(plan=other, department=magic, position=1)
    proposal = read(tmp_path, [*SMALL_ROWS[:1], row("26.a", "Ministry of Magic", "Completed", "Spells were cast.")])
    assert [c.subject for c in proposal.checks if c.kind == DEPARTMENT_UNMATCHED] == ["Ministry of Magic"]
    assert all(p.department != "magic" for p in proposal.contributions)
    before = counts()
    with pytest.raises(ValidationError) as error:
        round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)
    assert "“Ministry of Magic”" in error.value.messages[0]
    assert counts() == before


# 6 --------------------------------------------------------------------------------------------------


def codes(matcher: DepartmentMatcher, text: str) -> list[str | None]:
    return [m.code for m in matcher.parse(text)]


def test_a_name_before_its_comma_names_its_department_only_where_no_other_is_so_named():
    both = DepartmentMatcher(
        [
            KnownDepartment("foreign", "Ministry of Foreign Affairs"),
            KnownDepartment("foreign-trade", "Ministry of Foreign Affairs, Foreign Trade and Development"),
        ]
    )
    assert codes(both, "Ministry of Foreign Affairs") == ["foreign"]
    assert codes(both, "Ministry of Foreign Affairs, Foreign Trade and Development") == ["foreign-trade"]

    fod = DepartmentMatcher(
        [
            KnownDepartment("fod", "FOD Buitenlandse Zaken, Buitenlandse Handel en Ontwikkelingssamenwerking"),
            KnownDepartment("defensie", "Defensie"),
        ]
    )
    assert codes(fod, "FOD Buitenlandse Zaken") == ["fod"]


# 7 --------------------------------------------------------------------------------------------------

LONG = (
    "Defence named gender experts in every unit deployed abroad and trained them for three weeks before "
    "their departure to Mali, where they advised the commanders on the protection of women and girls "
    "in the camps and on the way the mission reports on sexual violence."
)


def test_a_pdf_cell_printed_with_wide_line_spacing_is_one_paragraph(plan, tmp_path):
    from weasyprint import HTML

    html = (
        "<!doctype html><html lang=en><head><meta charset=utf-8><style>"
        "body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; line-height: 1.8 }"
        "table { border-collapse: collapse; width: 100% }"
        "th, td { border: 0.6pt solid #000; padding: 3pt; vertical-align: top; text-align: left }"
        "</style></head><body><table><thead><tr><th style='width:8%'>No.</th><th style='width:22%'>Line of action"
        "</th><th style='width:15%'>Department</th><th style='width:12%'>Status</th><th>Report</th></tr></thead>"
        f"<tbody><tr><td>7.a</td><td></td><td>Defence</td><td>Completed</td><td><p>{LONG}</p></td></tr>"
        "<tr><td>7.b</td><td></td><td>Defence</td><td>In progress</td><td><p>Advisers trained.</p></td></tr>"
        "</tbody></table></body></html>"
    )
    path = tmp_path / "spaced.pdf"
    path.write_bytes(HTML(string=html).write_pdf())

    got = placed(read_round_document(path, plan=plan, year=2012))
    assert got[("7.a", "defence")].text == LONG
    assert got[("7.b", "defence")].text == "Advisers trained."


# 8 --------------------------------------------------------------------------------------------------


def test_a_row_going_on_with_an_unplaced_row_is_left_out_with_a_check(plan, tmp_path):
    proposal = read(
        tmp_path,
        [
            row("99.z", "Defence", "Completed", "Nowhere in the plan."),
            row("", "Justice", "In progress", "Still nowhere."),
            row("7.b", "Defence", "In progress", "Advisers trained."),
        ],
    )
    assert set(placed(proposal)) == {("7.b", "defence")}
    assert (ROW_UNPLACED, "row 3") in [(c.kind, c.location) for c in proposal.checks]


def test_several_report_columns_are_joined_in_their_order(plan, tmp_path):
    path = tmp_path / "two-columns.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [
                ["Code", "Department", "Status", "Achievements", "Comments"],
                ["7.b", "Defence", "In progress", "Advisers trained.", "More next year."],
            ]
        )
    proposal = read_round_document(path, plan=plan, year=2012)
    assert placed(proposal)[("7.b", "defence")].text == "Advisers trained.\n\nMore next year."


def test_a_sheet_without_header_row_is_named_in_a_structure_check(plan, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    report = workbook.active
    report.title = "Report"
    for values in [SMALL_HEADER, *SMALL_ROWS[:1]]:
        report.append(values)
    notes = workbook.create_sheet("Notes 2013")
    notes.append(["7.b", "", "Defence", "Completed", "A row nobody can read without its header."])
    path = tmp_path / "sheets.xlsx"
    workbook.save(path)

    proposal = read_round_document(path, plan=plan, year=2012)
    assert set(placed(proposal)) == {("1.a", "justice")}
    structure = [c for c in proposal.checks if c.kind == STRUCTURE]
    assert [c.location for c in structure] == ["Notes 2013, row 1"]
    assert "Notes 2013" in structure[0].message


# 9 --------------------------------------------------------------------------------------------------


def test_a_figure_that_is_no_whole_number_is_left_out_with_a_check(plan, tmp_path):
    proposal = read(tmp_path, [row("23.a", "Defence", "Done", "Deployed.", women="12 (est.)", men="30")])
    (p,) = proposal.contributions
    assert all(f.get("women") is None for f in p.figures)
    unplaced = [c for c in proposal.checks if c.kind == FIGURES_UNPLACED]
    assert len(unplaced) == 1 and "12 (est.)" in unplaced[0].message


# 10 -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem", ["unknown department", "existing round"])
def test_dry_run_of_an_import_that_would_be_refused_prints_the_json_and_fails(
    problem, plan, coordinator, tmp_path, capsys
):
    rows = SMALL_ROWS[:1]
    if problem == "unknown department":
        rows = [*rows, row("26.a", "Ministry of Magic", "Completed", "Spells were cast.")]
    else:
        new_round(plan, coordinator, "baseline", 2012)
    before = counts()

    code, out, err = import_(capsys, write_small(tmp_path, rows=rows), "--dry-run")

    assert code == 1 and counts() == before
    assert [c["line"] for c in json.loads(out)["contributions"]] == ["1.a"]
    said = "departments the plan does not have" if problem == "unknown department" else "already has a round"
    assert said in err
    assert err.endswith("naptrack: a real run would be refused; nothing was written\n")


# 11 -------------------------------------------------------------------------------------------------


def test_a_qualified_status_is_not_on_the_scale_a_remark_after_one_is():
    assert [status_of(s) for s in ("Réalisé partiellement", "Afgerond: nee", "Done? no")] == [None, None, None]
    assert [status_of(s) for s in ("Completed (2014)", "En cours - voir rapport", "Completed 2014")] == [
        "completed",
        "in-progress",
        "completed",
    ]


# 12 -------------------------------------------------------------------------------------------------


def test_a_row_with_a_lines_text_but_no_number_starts_that_line(plan, tmp_path):
    text_3a = Action.objects.get(plan=plan, code="3.a").text_en
    proposal = read(tmp_path, [row("7.a", "Defence", "", "Text"), row("", "", "", "Justice paid", line=text_3a)])
    got = placed(proposal)
    assert got[("7.a", "defence")].text == "Text"
    assert [(p.line, p.text) for p in proposal.contributions if p.line == "3.a"] == [("3.a", "Justice paid")]


# 13 -------------------------------------------------------------------------------------------------


def test_a_huge_cell_reads_without_a_traceback_and_a_nul_is_not_stored(plan, coordinator, tmp_path):
    huge = "Defence trained advisers. " * 8000
    assert len(huge) > 200_000
    try:
        proposal = read(tmp_path, [row("7.b", "Defence", "Completed", huge)], name="huge.csv")
    except DocumentImportError as error:
        assert "huge.csv" in str(error)
    else:
        assert placed(proposal)[("7.b", "defence")].text == huge.strip()

    proposal = read(tmp_path, [row("7.b", "Defence", "Completed", "Advisers\x00 trained.")], name="nul.csv")
    assert "\x00" not in placed(proposal)[("7.b", "defence")].text
    round_ = round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)
    c = Contribution.objects.get(round=round_, action__code="7.b", department__code="defence")
    assert c.narrative == "Advisers trained."


# 14 -------------------------------------------------------------------------------------------------


def test_two_rows_with_different_statuses_for_one_contribution_keep_the_first_with_a_check(plan, tmp_path):
    proposal = read(
        tmp_path,
        [row("7.b", "Defence", "Completed", "Advisers trained."), row("7.b", "Defence", "In progress", "More.")],
    )
    assert placed(proposal)[("7.b", "defence")].status == "completed"
    conflict = [c for c in proposal.checks if c.kind == STATUS_UNKNOWN and c.location == "row 3"]
    assert len(conflict) == 1 and "the first is kept" in conflict[0].message
