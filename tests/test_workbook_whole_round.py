"""The coordinator's workbook of a whole round: every department's contributions in one workbook,
with a Department column, exported, filled in and imported back all at once, on the departments'
behalf, all or nothing.

On the real plan, in the 2014 annual round opened for its ten responsible departments (195
contributions). Defence alone reports on 6.d and 23.a (one instrument counted by sex); line 22 is
Defence's, Development's, Foreign Affairs', the Interior's and Justice's; Foreign Affairs' 20.e has
no instrument at all.
"""

from __future__ import annotations

import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from naptrack import cli
from naptrack.audit.models import AuditEvent
from naptrack.jobs.services import job_run
from naptrack.plans.models import Instrument
from naptrack.reporting import services, workbook
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.services import WorkflowError
from naptrack.reporting.services.workbooks import WorkbookInvalid, WorkbookRefused, workbook_export, workbook_import
from tests.conftest import contribution_of
from tests.job_results import job_of, keep_jobs_queued
from tests.test_workbook import Sheet as DepartmentSheet
from tests.test_workbook import department, export

DEPARTMENTS = 10  # responsible for a line of the bundled plan, units included


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def export_round(actor, round_, language: str | None = None) -> bytes:
    return workbook_export(actor=actor, round=round_, department=None, language=language)


def import_round(data: bytes, actor, round_, *, dry_run: bool = False, name: str = "round.xlsx"):
    changes = workbook.parse(data, file_name=name)
    return workbook_import(actor=actor, round=round_, department=None, changes=changes, dry_run=dry_run)


class RoundSheet:
    """The sheet "Contributions" of a whole round's workbook, its cells named by department code,
    line code, instrument position and column."""

    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data))
        self.ws = self.book[workbook.CONTRIBUTIONS]
        with translation.override("en"):
            headers = {str(header): key for key, header in workbook._columns(whole_round=True)}
        self.columns = {headers[c.value]: c.column for c in self.ws[1] if c.value in headers}

    def department_of(self, r: int) -> str:
        return re.fullmatch(r".*\((.+)\)", self.ws.cell(r, self.columns["department"]).value).group(1)

    def row_of(self, owner: str, code: str, position: int | None = 1) -> int:
        wanted = Instrument.objects.get(action__code=code, position=position).pk if position is not None else None
        for r in range(2, self.ws.max_row + 1):
            here = (self.ws.cell(r, self.columns["code"]).value, self.ws.cell(r, self.columns["instrument_id"]).value)
            if here == (code, wanted) and self.department_of(r) == owner:
                return r
        raise KeyError((owner, code, position))

    def cell(self, owner: str, code: str, key: str, position: int | None = 1):
        return self.ws.cell(self.row_of(owner, code, position), self.columns[key])

    def set(self, owner: str, code: str, key: str, value, position: int | None = 1) -> RoundSheet:
        self.cell(owner, code, key, position).value = value
        return self

    def letter(self, key: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns[key])

    def data(self) -> bytes:
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def three_departments(sheet: RoundSheet) -> RoundSheet:
    """Answers for Defence, Justice and Foreign Affairs, typed in one workbook."""
    return (
        sheet.set("defence", "23.a", "women", 12)
        .set("defence", "23.a", "status", "completed")
        .set("justice", "22", "status", "in progress")
        .set("justice", "22", "narrative", "Training of magistrates on resolution 1325.")
        .set("foreign-affairs", "20.e", "narrative", "Démarches at the UN Security Council.", None)
    )


# --- the exported workbook ---------------------------------------------------------------------------


def test_export_has_every_departments_rows_with_the_department_column(open_round, coordinator):
    sheet = RoundSheet(export_round(coordinator, open_round))
    contributions = Contribution.objects.filter(round=open_round).prefetch_related("action__instruments")
    assert sum(max(1, len(c.action.instruments.all())) for c in contributions) == sheet.ws.max_row - 1
    header = [c.value for c in sheet.ws[1]]
    assert header[:3] == ["Department", "Code", "Line of action"]
    assert header[3:] == [str(h) for _k, h in workbook._columns()][2:]
    owners = [sheet.department_of(r) for r in range(2, sheet.ws.max_row + 1)]
    assert len(set(owners)) == DEPARTMENTS
    # One department after the other, each with all its rows.
    assert owners.count("defence") == 46 and owners.count("justice") >= 15
    assert [owner for n, owner in enumerate(owners) if n == 0 or owners[n - 1] != owner] == sorted(
        set(owners), key=lambda code: (department(code).name, code)
    )
    assert sheet.ws.cell(sheet.row_of("justice", "22"), sheet.columns["department"]).value == "Justice (justice)"
    assert sheet.cell("justice", "22", "department").protection.locked
    assert not sheet.cell("justice", "22", "status").protection.locked
    meta = {row[0].value: row[1].value for row in sheet.book[workbook.META].iter_rows(max_row=30) if row[0].value}
    assert meta["department"] == "*" and meta["round"] == open_round.pk
    assert meta["department:justice"] == "Justice"
    by_country = sheet.book[workbook.BY_COUNTRY]
    assert [c.value for c in by_country[1]][:2] == ["Department", "Code"]


def test_the_same_rows_read_back_unchanged(open_round, coordinator):
    result = import_round(export_round(coordinator, open_round), coordinator, open_round, dry_run=True)
    assert result.counts["unchanged"] == len(result.rows) > 195
    assert result.to_write == 0


# --- importing -------------------------------------------------------------------------------------------


def test_answers_of_three_departments_go_in_at_once_on_their_behalf(open_round, coordinator):
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    preview = import_round(data, coordinator, open_round, dry_run=True)
    assert preview.counts["new"] == 3 and preview.department is None
    assert {row.department.code for row in preview.rows if row.outcome == "new"} == {
        "defence",
        "justice",
        "foreign-affairs",
    }
    assert contribution_of(open_round, "22", "justice").version == 1

    result = import_round(data, coordinator, open_round)
    assert result.saved == 3
    defence = contribution_of(open_round, "23.a", "defence")
    assert (defence.status, defence.on_behalf, defence.updated_by) == ("completed", True, coordinator)
    assert Measurement.objects.get(contribution=defence).women == 12
    justice = contribution_of(open_round, "22", "justice")
    assert (justice.status, justice.narrative, justice.on_behalf) == (
        "in-progress",
        "Training of magistrates on resolution 1325.",
        True,
    )
    assert contribution_of(open_round, "20.e", "foreign-affairs").narrative == "Démarches at the UN Security Council."
    # The other departments' contributions to line 22 are untouched.
    assert contribution_of(open_round, "22", "defence").version == 1
    saved = AuditEvent.objects.filter(action="reporting.contribution.saved")
    assert saved.count() == 3 and all(event.data["on_behalf"] for event in saved)
    event = AuditEvent.objects.get(action="reporting.workbook.imported")
    assert event.data["department"] == "*"
    assert event.data["departments_saved"] == ["defence", "foreign-affairs", "justice"]
    assert event.data["contributions_saved"] == 3


def test_an_error_in_one_departments_row_writes_nothing_for_any(open_round, coordinator):
    sheet = three_departments(RoundSheet(export_round(coordinator, open_round)))
    sheet.set("justice", "22", "status", "nearly").set("defence", "6.d", "countries", "ZZ")
    with pytest.raises(WorkbookInvalid) as excinfo:
        import_round(sheet.data(), coordinator, open_round)
    errors = [str(e) for e in excinfo.value.errors]
    assert len(errors) == 2
    assert errors[0].startswith(
        f"Contributions!{sheet.letter('countries')}{sheet.row_of('defence', '6.d')} (Countries)"
    )
    assert errors[1].startswith(f"Contributions!{sheet.letter('status')}{sheet.row_of('justice', '22')} (Status)")
    assert not Contribution.objects.filter(round=open_round, version__gt=1).exists()
    assert not Measurement.objects.filter(contribution__round=open_round, women__isnull=False).exists()
    assert not AuditEvent.objects.filter(action__startswith="reporting.workbook").exists()


def test_a_row_moved_to_a_department_not_responsible_for_the_line_is_refused(open_round, coordinator):
    sheet = RoundSheet(export_round(coordinator, open_round))
    row = sheet.row_of("defence", "6.d")
    sheet.set("defence", "6.d", "status", "completed").set("defence", "6.d", "department", "Justice (justice)")
    with pytest.raises(WorkbookInvalid) as excinfo:
        import_round(sheet.data(), coordinator, open_round)
    (error,) = excinfo.value.errors
    assert (error.column, error.row) == (sheet.letter("department"), row)
    assert "Justice is not responsible for line 6.d in this round" in error.reason
    assert "This row is Defence's" in error.reason
    assert contribution_of(open_round, "6.d", "defence").version == 1


def test_a_row_moved_to_another_department_of_the_line_is_refused_too(open_round, coordinator):
    sheet = RoundSheet(export_round(coordinator, open_round))
    rows = {code: sheet.row_of("defence", code) for code in ("22", "6.d")}
    # By its code alone: read as Justice, which has its own row of line 22.
    sheet.set("defence", "22", "status", "completed").set("defence", "22", "department", "justice")
    sheet.set("defence", "6.d", "department", "Nobody")
    with pytest.raises(WorkbookInvalid) as excinfo:
        import_round(sheet.data(), coordinator, open_round)
    reasons = {e.row: e.reason for e in excinfo.value.errors}
    assert (
        "a row cannot move to another department. Answer for Justice on its own row of line 22" in reasons[rows["22"]]
    )
    assert "“Nobody” is not one of the round's departments" in reasons[rows["6.d"]]
    assert not Contribution.objects.filter(round=open_round, version__gt=1).exists()


def test_figures_by_country_are_keyed_by_department_too(open_round, coordinator):
    sheet = RoundSheet(export_round(coordinator, open_round))
    countries = sheet.book[workbook.BY_COUNTRY]
    headers = {c.value: c.column for c in countries[1]}
    rows = [
        r
        for r in range(2, countries.max_row + 1)
        if countries.cell(r, headers["Code"]).value == "23.a" and countries.cell(r, headers["Country"]).value is None
    ]
    (r,) = rows
    assert countries.cell(r, headers["Department"]).value == "Defence (defence)"
    countries.cell(r, headers["Country"]).value = "AF"
    countries.cell(r, headers["Women"]).value = 4
    result = import_round(sheet.data(), coordinator, open_round)
    assert result.saved == 1
    figure = Measurement.objects.get(contribution=contribution_of(open_round, "23.a", "defence")).countries.get()
    assert (figure.country, figure.women) == ("AF", 4)

    countries.cell(r, headers["Department"]).value = "Justice (justice)"
    countries.cell(r, headers["Women"]).value = 5
    with pytest.raises(WorkbookInvalid) as excinfo:
        import_round(sheet.data(), coordinator, open_round)
    (error,) = excinfo.value.errors
    assert (error.sheet, error.row) == (workbook.BY_COUNTRY, r)
    assert "Justice is not responsible for line 23.a in this round" in error.reason


def test_a_department_workbook_and_a_whole_rounds_are_not_taken_for_each_other(open_round, coordinator):
    whole = workbook.parse(export_round(coordinator, open_round), file_name="round.xlsx")
    with pytest.raises(WorkbookRefused, match="workbook of a whole round"):
        workbook_import(actor=coordinator, round=open_round, department=department("defence"), changes=whole)
    one = workbook.parse(export(coordinator, open_round, "defence"), file_name="defence.xlsx")
    with pytest.raises(WorkbookRefused, match=r"workbook of one department \(defence\)"):
        workbook_import(actor=coordinator, round=open_round, department=None, changes=one)


def test_a_changed_signature_is_refused(open_round, coordinator):
    sheet = RoundSheet(export_round(coordinator, open_round))
    meta = sheet.book[workbook.META]
    for row in meta.iter_rows():
        if row[0].value == "contribution":
            break
    # The first contribution's department, as signed, rewritten.
    row = next(r for r in meta.iter_rows(min_row=row[0].row + 1) if r[0].value is not None)
    row[7].value = "justice"
    with pytest.raises(WorkbookRefused, match="hidden sheet was changed"):
        workbook.parse(sheet.data())


def test_import_only_while_open_and_export_after(open_round, coordinator):
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    services.round_close(actor=coordinator, round=open_round)
    with pytest.raises(WorkflowError, match="only while it is open"):
        import_round(data, coordinator, open_round)
    assert RoundSheet(export_round(coordinator, open_round)).ws.max_row > 200


def test_a_conflict_is_reported_and_the_other_departments_still_go_in(open_round, coordinator):
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    c = contribution_of(open_round, "22", "justice")
    services.contribution_save(actor=coordinator, contribution=c, version=1, data={"status": "completed"})
    result = import_round(data, coordinator, open_round)
    assert result.counts["conflict"] == 1 and result.saved == 2
    assert contribution_of(open_round, "22", "justice").status == "completed"


def test_a_focal_point_may_neither_export_nor_import_the_whole_round(open_round, coordinator, focal_defence):
    with pytest.raises(PermissionDenied, match="Only the coordinator"):
        export_round(focal_defence, open_round)
    data = export_round(coordinator, open_round)
    with pytest.raises(PermissionDenied, match="Only the coordinator"):
        import_round(data, focal_defence, open_round, dry_run=True)


# --- web ------------------------------------------------------------------------------------------------


def download_url(round_) -> str:
    return reverse("reporting:round-workbook-download", args=[round_.pk])


def upload_url(round_) -> str:
    return reverse("reporting:round-workbook-upload", args=[round_.pk])


def upload(client, round_, data: bytes, name: str = "round.xlsx"):
    return client.post(upload_url(round_), {"workbook": SimpleUploadedFile(name, data)})


def keep_departments(round_, *codes: str) -> None:
    """The round as if only these departments reported in it."""
    Contribution.objects.filter(round=round_).exclude(department__code__in=codes).delete()


def test_the_dashboard_offers_the_whole_rounds_workbook_to_the_coordinator_only(
    open_round, coordinator_client, focal_defence_client
):
    dashboard = reverse("reporting:round-dashboard", args=[open_round.pk])
    html = coordinator_client.get(dashboard).content.decode()
    assert f'href="{download_url(open_round)}"' in html
    assert f'action="{upload_url(open_round)}"' in html
    assert f'<label class="form-label mb-1" for="round-workbook-file-{open_round.pk}">' in html
    other = focal_defence_client.get(dashboard).content.decode()
    assert download_url(open_round) not in other and upload_url(open_round) not in other


def test_the_dashboard_of_a_closed_round_offers_the_download_without_the_upload(
    open_round, coordinator, coordinator_client
):
    services.round_close(actor=coordinator, round=open_round)
    html = coordinator_client.get(reverse("reporting:round-dashboard", args=[open_round.pk])).content.decode()
    assert f'href="{download_url(open_round)}"' in html
    assert upload_url(open_round) not in html


def test_download_query_count_does_not_grow_with_the_departments(
    open_round, coordinator_client, django_assert_num_queries
):
    # One query fewer than a department's workbook: no department to find.
    with django_assert_num_queries(8):
        every = coordinator_client.get(download_url(open_round))
    assert every.status_code == 200
    assert 'filename="be-nap-2013-2016-annual-2014-all-departments.xlsx"' in every["Content-Disposition"]
    keep_departments(open_round, "defence", "justice")
    with django_assert_num_queries(8):
        two = coordinator_client.get(download_url(open_round))
    owners = {RoundSheet(two.content).department_of(r) for r in range(2, RoundSheet(two.content).ws.max_row + 1)}
    assert owners == {"defence", "justice"}
    assert RoundSheet(every.content).ws.max_row > RoundSheet(two.content).ws.max_row


def test_upload_and_preview_query_counts_do_not_grow_with_the_departments(
    open_round, coordinator, coordinator_client, django_assert_num_queries
):
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    with django_assert_num_queries(8):
        response = upload(coordinator_client, open_round, data)
    assert response.status_code == 302
    with django_assert_num_queries(8):
        page = coordinator_client.get(response["Location"])
    assert page.content.decode().count('data-outcome="new"') == 3

    keep_departments(open_round, "defence", "justice", "foreign-affairs")
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    with django_assert_num_queries(8):
        response = upload(coordinator_client, open_round, data)
    with django_assert_num_queries(8):
        coordinator_client.get(response["Location"])


def test_upload_preview_and_confirm_write_every_department_at_once(
    open_round, coordinator, coordinator_client, django_assert_num_queries, settings
):
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    preview_url = upload(coordinator_client, open_round, data)["Location"]
    html = coordinator_client.get(preview_url).content.decode()
    # Grouped by department, in the sheet's order.
    groups = re.findall(r'<th scope="rowgroup" colspan="5" class="table-light">([^<]+)</th>', html)
    assert groups == ["Defence", "Foreign Affairs", "Justice"]
    assert "every department" in html
    assert contribution_of(open_round, "22", "justice").version == 1
    keep_jobs_queued(settings)
    # The view queues a job (tests/test_workbook.py pins its queries)...
    job = job_of(coordinator_client.post(preview_url, {"confirm": "1"}))
    assert contribution_of(open_round, "23.a", "defence").status != "completed" and job.state == "queued"
    # ... which checks again, then saves three contributions through the service (lock, history, audit).
    # The job marked done in the import's own transaction adds a savepoint, an update, a release.
    with django_assert_num_queries(46):
        job = job_run(job.pk)
    assert (job.state, job.result_url) == ("succeeded", reverse("reporting:round-dashboard", args=[open_round.pk]))
    assert job.result_note.startswith("Workbook imported: ")
    assert contribution_of(open_round, "22", "justice").status == "in-progress"
    assert contribution_of(open_round, "23.a", "defence").status == "completed"
    assert coordinator_client.get(preview_url).status_code == 404


def test_upload_with_errors_lists_them_for_every_department_and_keeps_nothing(
    open_round, coordinator, coordinator_client, settings
):
    sheet = three_departments(RoundSheet(export_round(coordinator, open_round)))
    sheet.set("justice", "22", "status", "nearly").set("defence", "22", "department", "Justice (justice)")
    response = upload(coordinator_client, open_round, sheet.data())
    assert response.status_code == 400
    html = response.content.decode()
    assert html.count('class="workbook-error"') == 2
    assert "a row cannot move to another department" in html
    assert not Contribution.objects.filter(round=open_round, version__gt=1).exists()
    kept = settings.DATA_DIR / "workbooks"
    assert not kept.exists() or not any(kept.iterdir())


def test_a_focal_point_cannot_download_or_upload_the_whole_rounds_workbook(
    open_round, coordinator, focal_defence_client
):
    assert focal_defence_client.get(download_url(open_round)).status_code == 403
    assert focal_defence_client.get(upload_url(open_round)).status_code == 403
    data = export_round(coordinator, open_round)
    assert upload(focal_defence_client, open_round, data).status_code == 403


def test_a_whole_rounds_workbook_uploaded_as_a_departments_is_refused(open_round, coordinator, coordinator_client):
    data = export_round(coordinator, open_round)
    url = f"{reverse('reporting:workbook-upload', args=[open_round.pk])}?department=defence"
    response = coordinator_client.post(url, {"department": "defence", "workbook": SimpleUploadedFile("r.xlsx", data)})
    assert response.status_code == 400
    assert "workbook of a whole round" in response.content.decode()


# --- command line -------------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_export_and_import_of_the_whole_round(open_round, tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    code, out, err = run(
        capsys, "workbook", "export", "--round", str(open_round.pk), "--all-departments", "-o", str(path)
    )
    assert code == 0, err
    assert f"{DEPARTMENTS} department(s), 195 contribution(s)" in out
    path.write_bytes(three_departments(RoundSheet(path.read_bytes())).data())

    code, out, err = run(capsys, "workbook", "import", str(path), "--dry-run")
    assert code == 0, err
    assert "the workbook of the whole round" in out
    assert re.search(r"row \d+\s+justice\s+22\s+new\s+Status: — -> in progress", out)
    assert "dry run: 3 new" in out
    assert contribution_of(open_round, "22", "justice").version == 1

    code, out, err = run(capsys, "workbook", "import", str(path))
    assert code == 0, err
    assert "3 contribution(s) saved" in out
    c = contribution_of(open_round, "20.e", "foreign-affairs")
    assert (c.on_behalf, c.updated_by) == (True, None)
    assert AuditEvent.objects.get(action="reporting.workbook.imported").actor_name.startswith("cli:")


def test_cli_refuses_a_focal_point_and_a_department_filter(open_round, focal_defence, tmp_path, capsys):
    path = tmp_path / "round.xlsx"
    code, _out, err = run(
        capsys, "workbook", "export", "--round", str(open_round.pk), "--all-departments", "-o", str(path)
    )
    assert code == 0, err
    code, _out, err = run(
        capsys,
        "workbook",
        "export",
        "--round",
        str(open_round.pk),
        "--all-departments",
        "-o",
        str(tmp_path / "x.xlsx"),
        "--as",
        "focal-defence",
    )
    assert code == 1 and "Only the coordinator" in err
    code, _out, err = run(capsys, "workbook", "import", str(path), "--as", "focal-defence")
    assert code == 1 and "Only the coordinator" in err
    code, _out, err = run(capsys, "workbook", "import", str(path), "--department", "defence")
    assert code == 1 and "is the workbook of the whole round, not of defence" in err


def test_cli_import_of_the_whole_round_lists_every_error_and_exits_1(open_round, coordinator, tmp_path, capsys):
    sheet = three_departments(RoundSheet(export_round(coordinator, open_round)))
    row = sheet.row_of("defence", "6.d")
    sheet.set("defence", "6.d", "department", "Justice (justice)")
    path = tmp_path / "round.xlsx"
    path.write_bytes(sheet.data())
    code, _out, err = run(capsys, "workbook", "import", str(path))
    assert code == 1
    lines = err.strip().splitlines()
    assert lines[0] == "naptrack: 1 error(s) in round.xlsx; nothing was imported"
    assert lines[1].startswith(f"naptrack: Contributions!{sheet.letter('department')}{row} (Department):")
    assert not Contribution.objects.filter(round=open_round, version__gt=1).exists()


def test_the_department_workbook_is_as_before(open_round, coordinator):
    # No Department column, nor any department named in the hidden sheet beyond its own.
    sheet = DepartmentSheet(export(coordinator, open_round, "defence"))
    assert sheet.ws.cell(1, 1).value == "Code"
    meta = [row[0].value for row in sheet.book[workbook.META].iter_rows()]
    assert not any(str(key).startswith("department:") for key in meta if key)


def test_the_upload_page_of_the_whole_round(open_round, coordinator, coordinator_client, django_assert_num_queries):
    with django_assert_num_queries(4):
        page = coordinator_client.get(upload_url(open_round))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Every department, Annual report 2014" in html
    # The field's help speaks of the whole round's workbook, not of one department's.
    assert "The .xlsx file of the whole round, with every department&#x27;s rows, downloaded" in html
    assert "for this round and department" not in html
    assert f'href="{download_url(open_round)}"' in html
    assert 'name="department"' not in html
    # Discarding an upload comes back here, nothing written.
    data = three_departments(RoundSheet(export_round(coordinator, open_round))).data()
    preview_url = upload(coordinator_client, open_round, data)["Location"]
    response = coordinator_client.post(preview_url, {"discard": "1"})
    assert response["Location"] == upload_url(open_round)
    assert not Contribution.objects.filter(round=open_round, version__gt=1).exists()
