"""Department workbooks: a round's contributions of one department exported to Excel, filled in
offline and imported back, all or nothing.

On the real plan, in the 2014 annual round opened for every responsible department. Defence reports
on 37 lines: 23.a has one instrument counted by sex, 16.a two quantitative instruments not by sex,
7.c three qualitative instruments; Foreign Affairs' 20.e has no instrument at all.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from naptrack import cli
from naptrack.audit.models import AuditEvent
from naptrack.jobs.services import job_run
from naptrack.plans.models import Department, Instrument
from naptrack.reporting import services, workbook
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.services import WorkflowError
from naptrack.reporting.services.workbooks import (
    WorkbookInvalid,
    WorkbookRefused,
    workbook_export,
    workbook_import,
)
from tests.conftest import _user, contribution_of, logged_in
from tests.job_results import job_of, keep_jobs_queued

HOME = "/work/"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    # Uploaded workbooks wait for confirmation in the data directory; each test gets its own.
    settings.DATA_DIR = tmp_path


@pytest.fixture(autouse=True)
def _kinds(request):
    # The tests below rely on these kinds, whatever the bundled plan says of them now.
    if "plan" not in request.fixturenames and "open_round" not in request.fixturenames:
        return
    request.getfixturevalue("plan")
    Instrument.objects.filter(action__code="16.a").update(kind="quantitative", by_sex=False, unit="")
    Instrument.objects.filter(action__code="7.c").update(kind="qualitative", by_sex=False, unit="")


def department(code: str) -> Department:
    return Department.objects.get(code=code)


def export(actor, round_, code: str = "defence", language: str | None = None) -> bytes:
    return workbook_export(actor=actor, round=round_, department=department(code), language=language)


def run_import(data: bytes, actor, round_, code: str = "defence", *, dry_run: bool = False, name: str = "w.xlsx"):
    changes = workbook.parse(data, file_name=name)
    return workbook_import(actor=actor, round=round_, department=department(code), changes=changes, dry_run=dry_run)


def instrument(code: str, position: int = 1) -> Instrument:
    return Instrument.objects.get(action__code=code, position=position)


class Sheet:
    """The sheet "Contributions" of a workbook, its cells named by line code, instrument position and column."""

    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data))
        self.ws = self.book[workbook.CONTRIBUTIONS]
        with translation.override("en"):
            headers = {str(header): key for key, header in workbook._columns()}
        self.columns = {headers[c.value]: c.column for c in self.ws[1] if c.value in headers}

    def row_of(self, code: str, position: int | None = 1) -> int:
        wanted = instrument(code, position).pk if position is not None else None
        for r in range(2, self.ws.max_row + 1):
            here = (self.ws.cell(r, self.columns["code"]).value, self.ws.cell(r, self.columns["instrument_id"]).value)
            if here == (code, wanted):
                return r
        raise KeyError((code, position))

    def cell(self, code: str, key: str, position: int | None = 1):
        return self.ws.cell(self.row_of(code, position), self.columns[key])

    def get(self, code: str, key: str, position: int | None = 1):
        return self.cell(code, key, position).value

    def set(self, code: str, key: str, value, position: int | None = 1) -> Sheet:
        cell = self.cell(code, key, position)
        cell.value = value
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # typed as text ('=...), not as a formula
        return self

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[key])

    def data(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def fill(data: bytes, answers: dict[tuple[str, int | None], dict]) -> bytes:
    sheet = Sheet(data)
    for (code, position), values in answers.items():
        for key, value in values.items():
            sheet.set(code, key, value, position)
    return sheet.data()


def errors_of(excinfo) -> list[str]:
    return [str(e) for e in excinfo.value.errors]


# --- the exported workbook ---------------------------------------------------------------------------


def test_export_has_one_row_per_line_of_action_and_instrument_of_the_department(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    contributions = Contribution.objects.filter(round=open_round, department__code="defence")
    expected = sum(max(1, c.action.instruments.count()) for c in contributions)
    assert sheet.ws.max_row - 1 == expected == 46
    assert [c.value for c in sheet.ws[1]][:22] == [
        "Code",
        "Line of action",
        "Instrument no.",
        "Instrument",
        "Kind",
        "Status",
        "Narrative",
        "Text",
        "Women",
        "Men",
        "Other",
        "Value",
        "Unit",
        "Currency",
        "Gender marker",
        "Channel",
        "Numerator",
        "Denominator",
        "Yes/no",
        "Note",
        "Countries",
        "Visibility",
    ]
    assert sheet.get("7.c", "instrument", 3) == instrument("7.c", 3).text
    assert sheet.get("23.a", "kind") == "quantitative, by sex"
    assert sheet.get("16.a", "kind", 2) == "quantitative"


def test_export_locks_what_describes_the_row_and_unlocks_the_answers(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    assert sheet.ws.protection.sheet
    for key in ("code", "action", "instrument", "kind"):
        assert sheet.cell("23.a", key).protection.locked
    for key in ("status", "narrative", "women", "men", "other", "value", "countries", "visibility"):
        assert not sheet.cell("23.a", key).protection.locked, key
    # Only what applies to the instrument is open: no text for figures, no figures for a text.
    assert sheet.cell("23.a", "text").protection.locked
    assert sheet.cell("23.a", "unit").protection.locked
    assert not sheet.cell("7.c", "text", 2).protection.locked
    assert sheet.cell("7.c", "women", 2).protection.locked
    # The line's status and narrative on its first row only.
    assert not sheet.cell("7.c", "status", 1).protection.locked
    assert sheet.cell("7.c", "status", 2).protection.locked
    assert sheet.cell("7.c", "narrative", 3).protection.locked
    assert sheet.ws.column_dimensions[sheet.letter("contribution_id")].hidden


def test_export_offers_drop_down_lists_for_status_visibility_and_countries(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    validations = {str(v.sqref): v for v in sheet.ws.data_validations.dataValidation}
    status = validations[f"{sheet.letter('status')}2:{sheet.letter('status')}47"]
    visibility = validations[f"{sheet.letter('visibility')}2:{sheet.letter('visibility')}47"]
    countries = validations[f"{sheet.letter('countries')}2:{sheet.letter('countries')}47"]
    assert status.type == visibility.type == countries.type == "list"
    lists = sheet.book[workbook.LISTS]
    assert [lists[f"A{r}"].value for r in range(2, 7)] == [
        "not started",
        "in progress",
        "completed",
        "continuous",
        "not applicable",
    ]
    assert countries.formula1 == "=Lists!$C$2:$C$4"
    assert [lists[f"C{r}"].value for r in range(2, 5)] == ["AF", "CD", "ML"]
    # Other codes may be typed: the list informs, it does not stop.
    assert countries.errorStyle == "information"
    assert "other" not in (status.errorStyle or "") and "comma" in countries.prompt


def test_export_has_instructions_and_a_hidden_signed_sheet(open_round, focal_defence):
    book = load_workbook(io.BytesIO(export(focal_defence, open_round)))
    assert book.sheetnames == ["Instructions", "Contributions", "Figures by country", "Lists", "naptrack"]
    assert book["naptrack"].sheet_state == "hidden" and book["Lists"].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in book["naptrack"].iter_rows(max_row=8, values_only=True)}
    assert meta["round"] == open_round.pk and meta["department"] == "defence"
    assert re.fullmatch(r"[0-9a-f]{64}", meta["checksum"])
    text = "\n".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "Department: Defence" in text and "first row" in text


def test_instructions_are_in_the_users_language(open_round, plan):
    french = _user("focal-defence-fr", "focal-point", "defence")
    french.language = "fr"
    french.save()
    book = load_workbook(io.BytesIO(export(french, open_round)))
    text = "\n".join(str(c.value) for c in book["Instructions"]["A"] if c.value)
    assert "31 janvier 2015" in text
    meta = {row[0]: row[1] for row in book["naptrack"].iter_rows(max_row=8, values_only=True)}
    assert meta["language"] == "fr"


def test_a_focal_point_cannot_export_another_departments_workbook(open_round, focal_defence):
    with pytest.raises(PermissionDenied):
        export(focal_defence, open_round, "justice")


def test_a_draft_round_has_no_workbook(annual_round, coordinator):
    with pytest.raises(WorkflowError):
        export(coordinator, annual_round)


# --- round trip ------------------------------------------------------------------------------------


def test_round_trip_the_database_holds_exactly_the_values_typed(open_round, focal_defence):
    data = fill(
        export(focal_defence, open_round),
        {
            ("23.a", 1): {
                "status": "in progress",
                "narrative": "Recruitment campaign aimed at women.\n\n- two fairs\n- one video",
                "women": 12,
                "men": 30,
                "other": 1,
                "value": 50,
                "countries": "af, CD",
                "visibility": "internal",
            },
            ("16.a", 1): {"status": "completed", "value": 12.5, "unit": "%"},
            ("16.a", 2): {"value": "0.1234", "unit": "cases"},
            ("7.c", 1): {"status": "continuous", "text": "Module taught at the Royal Military Academy."},
            ("7.c", 3): {"text": "=not a formula"},
        },
    )
    result = run_import(data, focal_defence, open_round)
    assert result.counts == {"new": 5, "changed": 0, "unchanged": 41, "conflict": 0, "skipped": 0}
    assert result.saved == 3

    c = contribution_of(open_round, "23.a", "defence")
    assert (c.status, c.visibility, c.countries) == ("in-progress", "internal", ["AF", "CD"])
    assert c.narrative == "Recruitment campaign aimed at women.\n\n- two fairs\n- one video"
    m = Measurement.objects.get(contribution=c)
    assert (m.women, m.men, m.other, m.value) == (12, 30, 1, Decimal("50"))
    c = contribution_of(open_round, "16.a", "defence")
    assert c.status == "completed"
    first, second = Measurement.objects.filter(contribution=c).order_by("instrument__position")
    assert (first.value, first.unit, second.value, second.unit) == (Decimal("12.5"), "%", Decimal("0.1234"), "cases")
    c = contribution_of(open_round, "7.c", "defence")
    texts = [m.text for m in Measurement.objects.filter(contribution=c).order_by("instrument__position")]
    assert texts == ["Module taught at the Royal Military Academy.", "", "=not a formula"]
    assert (c.version, c.updated_by, c.on_behalf) == (2, focal_defence, False)

    # Exported again, the workbook shows what was typed, and importing it again changes nothing.
    again = Sheet(export(focal_defence, open_round))
    assert again.get("23.a", "women") == 12 and again.get("23.a", "countries") == "AF, CD"
    assert again.get("7.c", "text", 3) == "=not a formula"
    assert run_import(again.data(), focal_defence, open_round).counts["unchanged"] == 46


def test_an_emptied_cell_clears_the_saved_answer(open_round, focal_defence):
    c = contribution_of(open_round, "16.a", "defence")
    services.contribution_save(
        actor=focal_defence,
        contribution=c,
        version=c.version,
        data={
            "status": "completed",
            "measurements": [{"instrument": instrument("16.a").pk, "value": "7", "unit": "%"}],
        },
    )
    data = fill(export(focal_defence, open_round), {("16.a", 1): {"status": None, "value": None, "unit": ""}})
    result = run_import(data, focal_defence, open_round)
    assert [(r.code, r.outcome) for r in result.rows if r.outcome != "unchanged"] == [("16.a", "changed")]
    c = contribution_of(open_round, "16.a", "defence")
    m = Measurement.objects.get(contribution=c, instrument__position=1)
    assert (c.status, m.value, m.unit) == ("", None, "")


def test_labels_and_codes_are_both_understood_for_status_and_visibility(open_round, focal_defence):
    data = fill(
        export(focal_defence, open_round),
        {("6.d", 1): {"status": "NOT-APPLICABLE", "visibility": "Internal"}, ("7.b", 1): {"status": "in-progress"}},
    )
    run_import(data, focal_defence, open_round)
    assert contribution_of(open_round, "6.d", "defence").status == "not-applicable"
    assert contribution_of(open_round, "6.d", "defence").visibility == "internal"
    assert contribution_of(open_round, "7.b", "defence").status == "in-progress"


def test_a_line_without_instrument_has_one_row_for_its_status_and_narrative(open_round, coordinator):
    sheet = Sheet(export(coordinator, open_round, "foreign-affairs"))
    assert sheet.get("20.e", "instrument", None) is None
    sheet.set("20.e", "status", "completed", None).set("20.e", "narrative", "Done.", None)
    run_import(sheet.data(), coordinator, open_round, "foreign-affairs")
    c = contribution_of(open_round, "20.e", "foreign-affairs")
    assert (c.status, c.narrative, c.on_behalf) == ("completed", "Done.", True)


def test_dry_run_says_what_would_change_and_writes_nothing(open_round, focal_defence):
    data = fill(export(focal_defence, open_round), {("23.a", 1): {"women": 3, "status": "completed"}})
    before = AuditEvent.objects.count()
    result = run_import(data, focal_defence, open_round, dry_run=True)
    assert result.dry_run and result.counts["new"] == 1
    row = next(r for r in result.rows if r.outcome == "new")
    assert (row.code, row.changes) == ("23.a", [("Status", "—", "completed"), ("Women", "—", "3")])
    c = contribution_of(open_round, "23.a", "defence")
    assert (c.version, c.status, Measurement.objects.get(contribution=c).women) == (1, "", None)
    assert AuditEvent.objects.count() == before


def test_the_import_is_one_audited_action(open_round, focal_defence):
    data = fill(
        export(focal_defence, open_round),
        {("23.a", 1): {"women": 3}, ("6.d", 1): {"status": "completed"}},
    )
    run_import(data, focal_defence, open_round, name="defence-2014.xlsx")
    event = AuditEvent.objects.get(action="reporting.workbook.imported")
    assert event.actor == focal_defence and event.target_id == str(open_round.pk)
    assert event.data["file"] == "defence-2014.xlsx" and event.data["department"] == "defence"
    assert event.data["counts"] == {"new": 2, "changed": 0, "unchanged": 44, "conflict": 0, "skipped": 0}
    assert event.data["contributions_saved"] == 2
    # Each contribution saved keeps its own history, as when saved from its page.
    assert AuditEvent.objects.filter(action="reporting.contribution.saved").count() == 2


# --- refused files ------------------------------------------------------------------------------------


def test_a_workbook_for_another_round_is_refused(open_round, coordinator, focal_defence):
    import datetime as dt

    other = services.round_create(
        actor=coordinator, plan=open_round.plan, kind="annual", year=2015, deadline=dt.date(2016, 1, 31)
    )
    other = services.round_open(actor=coordinator, round=other)
    data = fill(export(focal_defence, other), {("23.a", 1): {"women": 3}})
    with pytest.raises(WorkbookRefused, match="another reporting round"):
        run_import(data, focal_defence, open_round)


def test_a_workbook_for_another_department_is_refused(open_round, coordinator):
    data = fill(export(coordinator, open_round, "justice"), {("22", 1): {"status": "completed"}})
    with pytest.raises(WorkbookRefused, match="another department"):
        run_import(data, coordinator, open_round, "defence")


def test_a_focal_point_cannot_import_another_departments_workbook(open_round, coordinator, focal_defence):
    data = fill(export(coordinator, open_round, "justice"), {("22", 1): {"status": "completed"}})
    with pytest.raises(PermissionDenied):
        run_import(data, focal_defence, open_round, "justice")
    assert contribution_of(open_round, "22", "justice").status == ""


@pytest.mark.parametrize("tamper", ["version", "department", "digest", "checksum"])
def test_a_workbook_whose_hidden_sheet_was_changed_is_refused(open_round, focal_defence, tamper):
    book = load_workbook(io.BytesIO(export(focal_defence, open_round)))
    meta = book["naptrack"]
    if tamper == "version":
        meta["B11"] = meta["B11"].value + 1
    elif tamper == "department":
        meta["B3"] = "justice"
    elif tamper == "digest":
        meta["E11"] = "0" * 24
    else:
        meta["B8"] = "f" * 64
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(WorkbookRefused, match="hidden sheet was changed"):
        workbook.parse(out.getvalue())


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(WorkbookRefused, match=r"answers.csv is not a readable Excel workbook \(.xlsx\)"):
        workbook.parse(b"Code;Status\n23.a;completed\n", file_name="answers.csv")
    from openpyxl import Workbook

    out = io.BytesIO()
    Workbook().save(out)
    with pytest.raises(WorkbookRefused, match="not a department workbook"):
        workbook.parse(out.getvalue(), file_name="mine.xlsx")


def test_an_import_is_refused_once_the_round_is_closed(open_round, coordinator, focal_defence):
    data = fill(export(focal_defence, open_round), {("23.a", 1): {"women": 3}})
    services.round_close(actor=coordinator, round=open_round)
    open_round.refresh_from_db()
    with pytest.raises(WorkflowError, match="closed"):
        run_import(data, focal_defence, open_round)


# --- errors in cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "key", "value", "reason"),
    [
        ("6.d", "status", "nearly done", "“nearly done” is not a status"),
        ("6.d", "visibility", "secret", "“secret” is not a visibility"),
        ("6.d", "visibility", None, "Choose public or internal"),
        ("6.d", "countries", "AF, XX, Congo", "Unknown country code(s): XX, CONGO"),
        ("23.a", "women", -2, "Enter zero or more"),
        ("23.a", "men", 2.5, "Enter a whole number: people are counted without fractions"),
        ("23.a", "other", "a few", "Enter a number"),
        ("16.a", "value", "1.23456", "Give at most 4 decimals"),
        ("23.a", "women", "1,000", "without a thousands separator"),
        ("6.d", "narrative", "x" * (services.narrative_max() + 1), "Keep the narrative under"),
    ],
)
def test_an_invalid_cell_is_an_error_naming_sheet_row_column_and_reason(
    open_round, focal_defence, code, key, value, reason
):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set(code, key, value)
    where = f"Contributions!{sheet.letter(key)}{sheet.row_of(code)}"
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    (error,) = errors_of(excinfo)
    assert error.startswith(f"{where} (") and reason in error


def test_a_total_smaller_than_its_parts_is_an_error_on_the_total(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("23.a", "women", 10).set("23.a", "men", 20).set("23.a", "value", 25)
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    assert errors_of(excinfo) == [
        f"Contributions!{sheet.letter('value')}{sheet.row_of('23.a')} (Value): "
        "The total (25) is smaller than women, men and other together (30)."
    ]


def test_answers_in_cells_that_do_not_apply_are_errors(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("7.c", "women", 3, 2).set("16.a", "text", "Twelve", 1).set("7.c", "status", "completed", 2)
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    errors = "\n".join(errors_of(excinfo))
    assert "This instrument is qualitative" in errors
    assert "This instrument is quantitative" in errors
    assert "on its first row" in errors


def test_one_invalid_row_and_nothing_is_written_every_error_listed(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("6.d", "status", "completed")  # valid
    sheet.set("7.c", "text", "Taught.", 1)  # valid
    sheet.set("23.a", "women", -1)  # invalid
    sheet.set("16.a", "status", "finished")  # invalid
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    assert len(excinfo.value.errors) == 2
    assert [e.row for e in excinfo.value.errors] == sorted([sheet.row_of("16.a"), sheet.row_of("23.a")])
    assert contribution_of(open_round, "6.d", "defence").version == 1
    assert not AuditEvent.objects.filter(action__startswith="reporting.workbook").exists()


def test_rows_added_or_copied_by_hand_are_errors(open_round, focal_defence):
    sheet = Sheet(export(focal_defence, open_round))
    last = sheet.ws.max_row
    sheet.ws.cell(last + 1, sheet.columns["code"]).value = "99.z"
    sheet.ws.cell(last + 1, sheet.columns["status"]).value = "completed"
    for column in range(1, sheet.ws.max_column + 1):
        sheet.ws.cell(last + 2, column).value = sheet.ws.cell(2, column).value
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    errors = errors_of(excinfo)
    assert errors[0].startswith(f"Contributions!{last + 1}: This row was not exported")
    assert errors[1] == f"Contributions!{last + 2}: This row repeats row 2: remove the copy."


# --- conflicts and locked contributions -------------------------------------------------------------


def test_a_contribution_changed_in_the_app_since_the_export_is_a_conflict_not_overwritten(
    open_round, focal_defence, coordinator
):
    data = fill(
        export(focal_defence, open_round),
        {("23.a", 1): {"women": 3, "status": "in progress"}, ("6.d", 1): {"status": "completed"}},
    )
    c = contribution_of(open_round, "23.a", "defence")
    services.contribution_save(actor=coordinator, contribution=c, version=1, data={"status": "completed"})
    result = run_import(data, focal_defence, open_round)
    conflict = next(r for r in result.rows if r.outcome == "conflict")
    assert conflict.code == "23.a" and "last by coordinator" in conflict.note
    assert result.counts["conflict"] == 1 and result.counts["new"] == 1
    c = contribution_of(open_round, "23.a", "defence")
    assert (c.status, Measurement.objects.get(contribution=c).women) == ("completed", None)
    assert contribution_of(open_round, "6.d", "defence").status == "completed"


def test_a_contribution_changed_in_the_app_but_left_alone_in_the_workbook_is_no_conflict(
    open_round, focal_defence, coordinator
):
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    c = contribution_of(open_round, "23.a", "defence")
    services.contribution_save(actor=coordinator, contribution=c, version=1, data={"status": "completed"})
    result = run_import(data, focal_defence, open_round)
    assert result.counts["conflict"] == 0
    assert contribution_of(open_round, "23.a", "defence").status == "completed"


@pytest.mark.parametrize("state", ["submitted", "approved"])
def test_submitted_and_approved_contributions_are_skipped_not_changed(open_round, focal_defence, coordinator, state):
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed", "narrative": "Changed."}})
    c = contribution_of(open_round, "6.d", "defence")
    c = services.contribution_save(actor=focal_defence, contribution=c, version=1, data={"narrative": "Original."})
    c = services.contribution_submit(actor=focal_defence, contribution=c)
    if state == "approved":
        services.contribution_approve(actor=coordinator, contribution=c)
    result = run_import(data, focal_defence, open_round)
    (skipped,) = [r for r in result.rows if r.outcome != "unchanged"]
    assert skipped.outcome == "skipped" and state.capitalize() in skipped.note
    c = contribution_of(open_round, "6.d", "defence")
    assert (c.state, c.narrative, c.status) == (state, "Original.", "")


def test_the_coordinator_imports_for_any_department_on_its_behalf(open_round, coordinator):
    data = fill(export(coordinator, open_round, "justice"), {("22", 1): {"status": "completed"}})
    run_import(data, coordinator, open_round, "justice")
    c = contribution_of(open_round, "22", "justice")
    assert (c.status, c.on_behalf, c.updated_by) == ("completed", True, coordinator)


# --- property: export, fill, import, export is the identity on what was typed ----------------------

_ANSWER_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="\x00"),
    max_size=40,
).map(lambda s: " ".join(s.split()))
_COUNT = st.one_of(st.none(), st.integers(min_value=0, max_value=10**6))
_VALUE = st.one_of(
    st.none(),
    st.decimals(min_value=-(10**9), max_value=10**9, places=4, allow_nan=False, allow_infinity=False),
)
_STATUS = st.sampled_from(["", *Contribution.Status.values])
_COUNTRIES = st.lists(st.sampled_from(["AF", "CD", "ML", "BE", "FR", "SY"]), unique=True, max_size=3)


@st.composite
def answers(draw) -> dict:
    women, men, other = draw(_COUNT), draw(_COUNT), draw(_COUNT)
    parts = sum(n for n in (women, men, other) if n is not None)
    total = draw(st.one_of(st.none(), st.integers(min_value=parts, max_value=parts + 1000)))
    return {
        "23.a": {
            "status": draw(_STATUS),
            "narrative": draw(_ANSWER_TEXT),
            "countries": draw(_COUNTRIES),
            "visibility": draw(st.sampled_from(Contribution.Visibility.values)),
            "women": women,
            "men": men,
            "other": other,
            "value": total,
        },
        "16.a": {"status": draw(_STATUS), "value": draw(_VALUE), "unit": draw(_ANSWER_TEXT.map(lambda s: s[:40]))},
        "7.c": {"text": draw(_ANSWER_TEXT)},
    }


def _canonical(code: str, sheet: Sheet) -> dict:
    keys = {"23.a": ("status", "narrative", "countries", "visibility", "women", "men", "other", "value")}
    keys["16.a"] = ("status", "value", "unit")
    keys["7.c"] = ("text",)
    out = {}
    for key in keys[code]:
        value = sheet.get(code, key)
        out[key] = "" if value is None else str(value)
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=answers())
def test_export_fill_import_export_gives_back_the_values_typed(open_round, focal_defence, typed):
    sheet = Sheet(export(focal_defence, open_round))
    labels = {"status": dict(Contribution.Status.choices), "visibility": dict(Contribution.Visibility.choices)}
    for code, values in typed.items():
        for key, value in values.items():
            if key in labels:
                value = str(labels[key][value]) if value else None
            elif key == "countries":
                value = ", ".join(value) or None
            elif isinstance(value, Decimal):
                value = format(value, "f")  # typed as text, as a person types it
            sheet.set(code, key, value if value != "" else None)
    run_import(sheet.data(), focal_defence, open_round)
    again = Sheet(export(focal_defence, open_round))
    for code, values in typed.items():
        got = _canonical(code, again)
        for key, value in values.items():
            if key in labels:
                expected = str(labels[key][value]) if value else ""
            elif key == "countries":
                expected = ", ".join(value)
            elif isinstance(value, Decimal):
                expected = workbook.decimal_text(value)
            else:
                expected = "" if value is None else str(value)
            if key == "value" and got[key]:
                got[key] = workbook.decimal_text(Decimal(got[key]))
            assert got[key] == expected, (code, key)


# --- command line -----------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_then_import_with_dry_run(open_round, tmp_path, capsys):
    path = tmp_path / "defence.xlsx"
    code, out, err = run(
        capsys, "workbook", "export", "--round", str(open_round.pk), "--department", "defence", "-o", str(path)
    )
    assert code == 0, err
    assert "wrote" in out and "37 contribution(s)" in out
    path.write_bytes(fill(path.read_bytes(), {("23.a", 1): {"women": 4, "status": "completed"}}))

    code, out, err = run(capsys, "workbook", "import", str(path), "--dry-run")
    assert code == 0, err
    assert re.search(r"row \d+\s+23\.a\s+new\s+Status: — -> completed; Women: — -> 4", out)
    assert "dry run: 1 new, 0 changed, 45 unchanged, 0 in conflict, 0 skipped; nothing was written" in out
    assert contribution_of(open_round, "23.a", "defence").version == 1

    code, out, err = run(capsys, "workbook", "import", str(path))
    assert code == 0, err
    assert "imported: 1 new" in out and "1 contribution(s) saved" in out
    c = contribution_of(open_round, "23.a", "defence")
    assert (c.status, c.on_behalf, c.updated_by) == ("completed", True, None)
    assert AuditEvent.objects.get(action="reporting.workbook.imported").actor_name.startswith("cli:")


def test_cli_import_lists_every_error_and_exits_1(open_round, focal_defence, tmp_path, capsys):
    path = tmp_path / "defence.xlsx"
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("23.a", "women", -1).set("6.d", "status", "nearly")
    path.write_bytes(sheet.data())
    code, _out, err = run(capsys, "workbook", "import", str(path), "--as", "focal-defence")
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "naptrack: 2 error(s) in defence.xlsx; nothing was imported"
    assert lines[1].startswith(f"naptrack: Contributions!{sheet.letter('status')}{sheet.row_of('6.d')} (Status):")
    assert lines[2].startswith(f"naptrack: Contributions!{sheet.letter('women')}{sheet.row_of('23.a')} (Women):")


def test_cli_refuses_a_focal_point_acting_for_another_department(
    open_round, coordinator, focal_defence, tmp_path, capsys
):
    path = tmp_path / "justice.xlsx"
    path.write_bytes(export(coordinator, open_round, "justice"))
    code, _out, err = run(capsys, "workbook", "import", str(path), "--as", "focal-defence")
    assert code == 1 and "only for your own department" in err
    code, _out, err = run(capsys, "workbook", "import", str(path), "--department", "defence")
    assert code == 1 and "is the workbook of justice, not of defence" in err


# --- web --------------------------------------------------------------------------------------------


def download_url(round_, code: str = "defence") -> str:
    return f"{reverse('reporting:workbook-download', args=[round_.pk])}?department={code}"


def upload_url(round_, code: str = "defence") -> str:
    return f"{reverse('reporting:workbook-upload', args=[round_.pk])}?department={code}"


def upload(client, round_, data: bytes, code: str = "defence", name: str = "defence.xlsx"):
    return client.post(upload_url(round_, code), {"department": code, "workbook": SimpleUploadedFile(name, data)})


def test_the_focal_points_home_offers_the_workbook_of_their_department(open_round, focal_defence_client):
    html = focal_defence_client.get(HOME).content.decode()
    assert f'href="{download_url(open_round)}"' in html
    assert f'href="{upload_url(open_round)}"' in html


def test_download_is_an_xlsx_attachment(open_round, focal_defence_client, django_assert_num_queries):
    with django_assert_num_queries(10):
        response = focal_defence_client.get(download_url(open_round))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="be-nap-2013-2016-annual-2014-defence.xlsx"' in response["Content-Disposition"]
    assert Sheet(response.content).ws.max_row == 47


def test_download_query_count_does_not_grow_with_the_department(
    open_round, coordinator_client, django_assert_num_queries
):
    # Defence reports on 37 lines, Foreign Affairs on more.
    with django_assert_num_queries(9):
        small = coordinator_client.get(download_url(open_round, "justice"))
    with django_assert_num_queries(9):
        large = coordinator_client.get(download_url(open_round, "foreign-affairs"))
    assert Sheet(large.content).ws.max_row > Sheet(small.content).ws.max_row


def test_the_buttons_for_the_coordinators_dashboard_offer_a_choice_of_department(open_round, coordinator):
    from django.template.loader import render_to_string

    departments = Department.objects.filter(code__in=["defence", "justice"]).order_by("code")
    html = render_to_string("reporting/workbook/_buttons.html", {"round": open_round, "departments": departments})
    assert f'action="{reverse("reporting:workbook-download", args=[open_round.pk])}"' in html
    assert f'formaction="{reverse("reporting:workbook-upload", args=[open_round.pk])}"' in html
    assert '<option value="defence">Defence</option>' in html and '<option value="justice">Justice</option>' in html
    assert f'<label class="form-label mb-1" for="workbook-department-{open_round.pk}">' in html


def test_a_coordinator_downloads_and_uploads_through_the_choice_of_department(open_round, coordinator_client):
    response = coordinator_client.get(download_url(open_round, "justice"))
    assert Sheet(response.content).get("22", "code") == "22"
    data = fill(response.content, {("22", 1): {"status": "completed"}})
    preview = upload(coordinator_client, open_round, data, code="justice")
    job = job_of(coordinator_client.post(preview["Location"], {"confirm": "1"}))
    assert (job.state, job.result_url) == ("succeeded", reverse("reporting:round-dashboard", args=[open_round.pk]))
    assert contribution_of(open_round, "22", "justice").status == "completed"


def test_a_focal_point_cannot_download_or_upload_another_departments_workbook(open_round, focal_defence_client):
    assert focal_defence_client.get(download_url(open_round, "justice")).status_code == 403
    assert focal_defence_client.get(upload_url(open_round, "justice")).status_code == 403


def test_upload_shows_what_changes_and_writes_only_on_confirm(
    open_round, focal_defence, focal_defence_client, django_assert_num_queries
):
    data = fill(export(focal_defence, open_round), {("23.a", 1): {"women": 3}, ("6.d", 1): {"status": "completed"}})
    with django_assert_num_queries(10):
        response = upload(focal_defence_client, open_round, data)
    assert response.status_code == 302
    preview_url = response["Location"]
    assert contribution_of(open_round, "6.d", "defence").version == 1

    with django_assert_num_queries(10):
        page = focal_defence_client.get(preview_url)
    html = page.content.decode()
    assert html.count('class="workbook-row" data-outcome="new"') == 2
    assert "44 rows unchanged" in html
    assert contribution_of(open_round, "6.d", "defence").version == 1

    job = job_of(focal_defence_client.post(preview_url, {"confirm": "1"}))
    assert (job.state, job.result_url, job.key) == ("succeeded", HOME, f"workbook-import:{preview_url.split('/')[-2]}")
    assert job.result_note == ("Workbook imported: 2 new, 0 changed, 44 unchanged, 0 in conflict, 0 skipped.")
    assert contribution_of(open_round, "6.d", "defence").status == "completed"
    assert Measurement.objects.get(contribution=contribution_of(open_round, "23.a", "defence")).women == 3
    # The upload is gone once imported.
    assert focal_defence_client.get(preview_url).status_code == 404


def test_preview_query_count_does_not_grow_with_the_rows_changed(
    open_round, focal_defence, focal_defence_client, django_assert_num_queries
):
    exported = export(focal_defence, open_round)
    few = upload(focal_defence_client, open_round, fill(exported, {("6.d", 1): {"status": "completed"}}))
    codes = ["6.d", "7.a", "7.b", "10.c", "15", "16.b", "16.c", "19.a", "20.d", "24.a"]
    many = upload(
        focal_defence_client, open_round, fill(exported, {(code, 1): {"status": "completed"} for code in codes})
    )
    with django_assert_num_queries(10):
        focal_defence_client.get(few["Location"])
    with django_assert_num_queries(10):
        html = focal_defence_client.get(many["Location"]).content.decode()
    assert html.count('data-outcome="new"') == 10


def test_confirm_query_count_is_pinned(
    open_round, focal_defence, focal_defence_client, django_assert_num_queries, settings
):
    data = fill(export(focal_defence, open_round), {("23.a", 1): {"women": 3}})
    preview_url = upload(focal_defence_client, open_round, data)["Location"]
    keep_jobs_queued(settings)
    # The view: the upload's round and department, the permission, then the job queued (a look
    # for the same job, the job, its queue entry).
    with django_assert_num_queries(11):
        response = focal_defence_client.post(preview_url, {"confirm": "1"})
    job = job_of(response)
    # The job: the check again, then one contribution saved through the service (lock, history, audit).
    # Taken (claim, job), the person, the import as before, the job marked done inside the import's
    # transaction (a savepoint, the update, its release), the job found finished.
    with django_assert_num_queries(31):
        assert job_run(job.pk).state == "succeeded"


def test_upload_with_errors_lists_them_and_keeps_nothing(open_round, focal_defence, focal_defence_client, settings):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("23.a", "women", -1).set("6.d", "countries", "ZZ")
    response = upload(focal_defence_client, open_round, sheet.data())
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="workbook-error"') == 2
    assert "Unknown country code(s): ZZ" in html and "Enter zero or more." in html
    kept = settings.DATA_DIR / "workbooks"
    assert not kept.exists() or not any(kept.iterdir())


def test_upload_of_another_departments_workbook_is_refused_with_the_reason(open_round, coordinator, coordinator_client):
    data = export(coordinator, open_round, "justice")
    response = upload(coordinator_client, open_round, data, code="defence")
    assert response.status_code == 400
    assert "another department" in response.content.decode()


def test_someone_else_cannot_see_or_confirm_an_upload(open_round, focal_defence, focal_defence_client, coordinator):
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    preview_url = upload(focal_defence_client, open_round, data)["Location"]
    other = logged_in(coordinator)
    assert other.get(preview_url).status_code == 404
    assert other.post(preview_url, {"confirm": "1"}).status_code == 404
    assert contribution_of(open_round, "6.d", "defence").version == 1


def test_discarding_an_upload_writes_nothing(open_round, focal_defence, focal_defence_client):
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    preview_url = upload(focal_defence_client, open_round, data)["Location"]
    response = focal_defence_client.post(preview_url, {"discard": "1"})
    assert response.status_code == 302
    assert focal_defence_client.get(preview_url).status_code == 404
    assert contribution_of(open_round, "6.d", "defence").version == 1


def test_confirm_checks_again_and_a_change_made_meanwhile_is_a_conflict(
    open_round, focal_defence, focal_defence_client, coordinator
):
    data = fill(export(focal_defence, open_round), {("6.d", 1): {"status": "completed"}})
    preview_url = upload(focal_defence_client, open_round, data)["Location"]
    c = contribution_of(open_round, "6.d", "defence")
    services.contribution_save(actor=coordinator, contribution=c, version=1, data={"status": "in-progress"})
    response = focal_defence_client.post(preview_url, {"confirm": "1"}, follow=True)
    assert "1 in conflict" in response.content.decode()
    assert contribution_of(open_round, "6.d", "defence").status == "in-progress"
