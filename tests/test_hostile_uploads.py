"""Office files made to exhaust the server are refused before any cell or paragraph is parsed
(issue 12, findings 2 and 5): a workbook of a million cells, an entity bomb, an undefined entity,
a ZIP bomb, merged cells over a whole sheet. Each is a 400 with the reason on the web forms and
one line with exit status 1 on the command line, within a bounded memory (tracemalloc: a bound,
not a timing). Workbooks and plans of the real size still import.
"""

from __future__ import annotations

import json
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from naptrack import cli
from naptrack.core import ooxml
from naptrack.plans import exports
from naptrack.plans.models import Department
from naptrack.reporting.services.workbooks import workbook_export
from tests import hostile_files

PEAK_MB = 50  # what refusing may allocate; reading the million cells took about 850 MB

DECLARED = "declares 100000 rows and 10 columns (A1:J100000)"
DTD = "declares a DTD (<!DOCTYPE or <!ENTITY)"
UNDEFINED = "uses the entity &nbsp;, which is not defined"


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "uploads"  # uploads waiting for confirmation go there


def peak_mb(action: Callable[[], Any], warm_up: Callable[[], Any] | None = None) -> tuple[Any, float]:
    """What `action` returns, and the most memory it held at once; `warm_up` first, unmeasured,
    so that the modules a first request imports do not count."""
    if warm_up is not None:
        warm_up()
    tracemalloc.start()
    try:
        result = action()
        return result, tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    finally:
        tracemalloc.stop()


def upload_workbook(client, round_, data: bytes, name: str = "defence.xlsx"):
    url = f"{reverse('reporting:workbook-upload', args=[round_.pk])}?department=defence"
    return client.post(url, {"department": "defence", "workbook": SimpleUploadedFile(name, data)})


def upload_plan(client, data: bytes, name: str):
    fields = {"slug": "be-next", "title": "Next plan", "country": "BE"}
    return client.post(reverse("plan-import"), {**fields, "document": SimpleUploadedFile(name, data)})


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_million_cell_workbook_is_refused_by_its_declared_size_in_bounded_memory(open_round, focal_defence_client):
    data = hostile_files.million_cells()
    assert len(data) < 100 * 1024  # some tens of kilobytes packed
    response, peak = peak_mb(
        lambda: upload_workbook(focal_defence_client, open_round, data),
        warm_up=lambda: upload_workbook(focal_defence_client, open_round, b"warm up"),
    )
    assert response.status_code == 400
    assert f"defence.xlsx is refused: the sheet “Contributions” {DECLARED}" in response.content.decode()
    assert peak < PEAK_MB, f"refusing took {peak:.0f} MB"


def test_a_million_cell_workbook_that_hides_its_size_is_refused_by_its_rows(open_round, focal_defence_client):
    data = hostile_files.million_cells(dimension=None)
    response, peak = peak_mb(
        lambda: upload_workbook(focal_defence_client, open_round, data),
        warm_up=lambda: upload_workbook(focal_defence_client, open_round, b"warm up"),
    )
    assert response.status_code == 400
    assert "the sheet “Contributions” holds more than 5000 rows" in response.content.decode()
    assert peak < PEAK_MB, f"refusing took {peak:.0f} MB"


def test_the_million_cell_workbook_is_refused_as_a_plan_on_the_web_and_the_command_line(
    plan, coordinator_client, capsys, tmp_path
):
    data = hostile_files.million_cells()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(data)
    code, out, err = run(capsys, "plan", "import", str(path), "--slug", "be-next", "--title", "Next", "--dry-run")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and DECLARED in err

    response, peak = peak_mb(
        lambda: upload_plan(coordinator_client, data, "plan.xlsx"),
        warm_up=lambda: upload_plan(coordinator_client, b"warm up", "plan.xlsx"),
    )
    assert response.status_code == 400
    assert f"plan.xlsx is refused: the sheet “Contributions” {DECLARED}" in response.content.decode()
    assert peak < PEAK_MB, f"refusing took {peak:.0f} MB"


def test_the_million_cell_workbook_is_refused_by_the_workbook_command(open_round, capsys, tmp_path):
    path = tmp_path / "defence.xlsx"
    path.write_bytes(hostile_files.million_cells())
    code, _out, err = run(capsys, "workbook", "import", str(path), "--dry-run")
    assert code == 1
    assert len(err.strip().splitlines()) == 1 and DECLARED in err


@pytest.mark.parametrize(
    ("name", "make", "reason"),
    [
        ("laughs.docx", hostile_files.laughs_docx, DTD),
        ("laughs.xlsx", hostile_files.laughs_xlsx, DTD),
        ("undefined.docx", hostile_files.undefined_entity_docx, UNDEFINED),
        ("bomb.docx", hostile_files.zip_bomb_docx, "unpacks to more than 100 MB"),
    ],
)
def test_entity_and_zip_bombs_are_refused_as_plans(plan, coordinator_client, capsys, tmp_path, name, make, reason):
    data = make()
    path = tmp_path / name
    path.write_bytes(data)
    code, out, err = run(capsys, "plan", "import", str(path), "--slug", "be-next", "--title", "Next", "--dry-run")
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and reason in err

    response, peak = peak_mb(
        lambda: upload_plan(coordinator_client, data, name),
        warm_up=lambda: upload_plan(coordinator_client, b"warm up", name),
    )
    assert response.status_code == 400
    assert escape(reason) in response.content.decode()
    assert peak < PEAK_MB, f"refusing took {peak:.0f} MB"


def test_an_entity_bomb_is_refused_as_a_workbook(open_round, focal_defence_client, capsys, tmp_path):
    path = tmp_path / "laughs.xlsx"
    path.write_bytes(hostile_files.laughs_xlsx())
    code, _out, err = run(capsys, "workbook", "import", str(path))
    assert code == 1 and len(err.strip().splitlines()) == 1 and DTD in err
    response = upload_workbook(focal_defence_client, open_round, hostile_files.laughs_xlsx())
    assert response.status_code == 400
    assert escape(DTD) in response.content.decode()


def test_merged_cells_over_a_whole_sheet_are_refused(plan, coordinator_client):
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>No.</t></is></c></row>'
    merged = '<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    sheet = hostile_files.sheet(rows, "A1").replace("</worksheet>", f"{merged}</worksheet>")
    response = upload_plan(coordinator_client, hostile_files.xlsx({"Plan": sheet}), "merged.xlsx")
    assert response.status_code == 400
    assert "its merged cells cover more than 100000 cells" in response.content.decode()


def test_a_row_numbered_a_million_is_read_no_further_than_the_caps(plan, capsys, tmp_path, settings):
    """A sheet may skip rows; a reader that filled the gap up to row 1,048,576 would spend minutes."""
    settings.NAPTRACK_SHEET_MAX_ROWS = 1000  # the same bound, quicker to reach under tracemalloc
    rows = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>No.</t></is></c></row>'
    path = tmp_path / "sparse.xlsx"
    path.write_bytes(hostile_files.xlsx({"Plan": hostile_files.sheet(rows)}))
    (code, _out, err), peak = peak_mb(
        lambda: run(capsys, "plan", "import", str(path), "--slug", "be-next", "--title", "Next", "--dry-run")
    )
    assert code == 1 and "header row" in err
    assert peak < PEAK_MB, f"reading took {peak:.0f} MB"


def test_the_caps_are_settings(plan, coordinator_client, settings):
    settings.NAPTRACK_SHEET_MAX_ROWS = 100_000
    settings.NAPTRACK_SHEET_MAX_CELLS = 2_000_000
    limits = ooxml.limits()
    assert (limits.rows, limits.columns, limits.cells) == (100_000, 50, 2_000_000)
    data = hostile_files.xlsx({"Contributions": hostile_files.sheet(hostile_files.numbers(20_000), "A1:J20000")})
    assert ooxml.check(data, kind="xlsx", name="big.xlsx").sheet("Contributions").cells == 200_000


def test_workbooks_and_plans_of_the_real_size_pass_the_caps_and_import(
    open_round, focal_defence, focal_defence_client, plan, capsys, tmp_path
):
    defence = workbook_export(actor=focal_defence, round=open_round, department=Department.objects.get(code="defence"))
    contributions = ooxml.check(defence, kind="xlsx", name="defence.xlsx").sheet("Contributions")
    assert contributions.rows < 300 and contributions.formulas == 0
    assert upload_workbook(focal_defence_client, open_round, defence).status_code == 302  # to the preview

    path = tmp_path / "plan.xlsx"
    path.write_bytes(exports.plan_xlsx(plan))
    assert ooxml.check(path, kind="xlsx", name="plan.xlsx").sheet("Plan").rows < 200
    code, out, err = run(capsys, "plan", "import", str(path), "--slug", "be-copy", "--title", "Copy", "--dry-run")
    assert code == 0, err
    assert json.loads(out)["slug"] == "be-copy"


def test_gunicorn_workers_are_recycled_after_some_requests():
    """Memory a large request made a worker keep goes back to the system when the worker is replaced."""
    import argparse

    from gunicorn.config import Config

    from naptrack.cli.serve import gunicorn_options

    options = gunicorn_options(argparse.Namespace(host="127.0.0.1", port=8000, workers=2))
    assert (options["max_requests"], options["max_requests_jitter"]) == (1000, 100)
    config = Config()
    for key, value in options.items():
        config.set(key, value)  # every option is one gunicorn knows
    assert config.max_requests == 1000
