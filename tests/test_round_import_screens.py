"""The coordinator's screens for importing a past report into a round (issue #20): upload, preview
(the round to be created, the statuses as read, what to check, the contributions), confirm or
discard; on the real Belgian plan, with report documents from the bench (tests/round_import_data.py)
and small spreadsheets built here."""

from __future__ import annotations

import html
import io
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from naptrack.accounts.services import user_create
from naptrack.jobs.services import job_run
from naptrack.publications.models import PublishedReport as Report
from naptrack.reporting.models import Contribution, Round

from .conftest import logged_in
from .job_results import job_of, keep_jobs_queued
from .round_import_data import render, truth_for

HEADER = ["Code", "Line of action", "Department", "Status", "Report"]


@pytest.fixture
def data_dir(settings, tmp_path):
    """Where uploads wait for confirmation: the file storage's pending/ folder (core/pending.py)."""
    settings.MEDIA_ROOT = tmp_path / "data"
    return settings.MEDIA_ROOT / "pending"


@pytest.fixture(scope="module")
def bench_files(tmp_path_factory, django_db_blocker):
    """The bench's made-up 2012 round of the Belgian plan as a workbook of rows and a Word matrix."""
    from naptrack.plans.models import Plan

    folder = tmp_path_factory.mktemp("reports")
    with django_db_blocker.unblock():
        truth = truth_for(Plan.objects.get(slug="be-nap-2013-2016"), seed=2012)
    paths = {}
    for layout, suffix in (("xlsx-rows", ".xlsx"), ("docx-objective", ".docx")):
        paths[layout] = folder / f"baseline-2012{suffix}"
        render(layout, truth, paths[layout])
    return truth, paths


def workbook(tmp_path: Path, rows: list[list], name: str = "report.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def small_report(tmp_path: Path, name: str = "report.xlsx") -> Path:
    return workbook(
        tmp_path,
        [
            ["14.a", "", "Defence", "Done", "Sexual violence training given to 120 officers."],
            ["14.a", "", "Justice", "Lopend", "Circular on prosecution in preparation."],
            ["1.a", "", "Foreign Affairs", "Stalled somewhat", "The <b>policy</b> note was delayed."],
        ],
        name,
    )


def upload(client, path: Path, **fields):
    data = {"kind": "baseline", "year": "2012", "state": "closed", **fields}
    with path.open("rb") as f:
        return client.post(reverse("round-import"), {**data, "plan": fields.get("plan", plan_pk()), "document": f})


def plan_pk() -> int:
    from naptrack.plans.models import Plan

    return Plan.objects.get(slug="be-nap-2013-2016").pk


def pending(data_dir: Path) -> list[Path]:
    root = data_dir / "round-imports"
    return list(root.iterdir()) if root.exists() else []


def text_of(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


# --- upload, preview, confirm ------------------------------------------------------------------------


def test_the_bench_workbook_goes_in_as_a_closed_baseline(plan, coordinator_client, data_dir, bench_files):
    truth, paths = bench_files
    response = upload(coordinator_client, paths["xlsx-rows"])
    assert response.status_code == 302, text_of(response)
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    # Stored under a fixed name; the upload's own is the one shown and recorded.
    assert [p.name for p in (data_dir / "round-imports" / token).iterdir() if p.suffix == ".xlsx"] == ["report.xlsx"]
    assert not Round.objects.exists()

    page = text_of(coordinator_client.get(response["Location"]))
    assert "Check the imported report" in page
    assert "Read from <strong>baseline-2012.xlsx</strong>." in page
    filled = len(truth.contributions)
    pairs = sum(len(line.departments) for line in truth.lines)
    silent = len({line.code for line in truth.lines} - {c.line for c in truth.contributions})
    assert f"{filled} filled from the document, of the {pairs} the round will have" in page
    assert f"{silent} lines of action the document does not mention" in page
    assert "cannot be imported" not in page
    figure = next(c for c in truth.contributions if c.figures).figures[0]
    assert f"Instrument {figure['instrument']}: {figure['women']} women, {figure['men']} men" in page
    assert 'name="confirm" value="1" class="btn btn-primary">' in response_html(coordinator_client, response)

    job = job_of(coordinator_client.post(response["Location"], {"confirm": "1"}))
    round_ = Round.objects.get()
    assert (job.state, job.result_url) == ("succeeded", reverse("reporting:round-dashboard", args=[round_.pk]))
    assert job.title == "Importing baseline 2012 from baseline-2012.xlsx"
    assert job.result_note.startswith(f"Round {round_} imported: {filled} contributions of {pairs} filled")
    page = text_of(coordinator_client.get(f"/jobs/{job.pk}/"))
    assert job.result_note in page and f'href="/rounds/{round_.pk}/">See the result' in page
    assert (round_.plan, round_.kind, round_.year, round_.state) == (plan, "baseline", 2012, "closed")
    assert not pending(data_dir)
    imported = Contribution.objects.filter(round=round_).exclude(imported_from="")
    assert imported.count() == filled
    assert set(imported.values_list("state", flat=True)) == {"approved"}
    assert Contribution.objects.filter(round=round_).count() == pairs
    # As the document says, line by line (the bench measures the rest).
    for expected in truth.contributions[:20]:
        c = imported.get(action__code=expected.line, department__code=expected.department)
        assert (c.status, c.on_behalf, c.approved_by.username) == (expected.status, True, "coordinator")
        assert re.fullmatch(r"baseline-2012\.xlsx, Report, row \d+", c.imported_from), c.imported_from
    assert not Report.objects.exists()
    assert f"Round {round_} imported: {filled} contributions of {pairs} filled from the document and approved" in page


def response_html(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def test_the_word_matrix_shows_its_statuses_checks_and_rows(plan, coordinator_client, data_dir, bench_files):
    truth, paths = bench_files
    location = upload(coordinator_client, paths["docx-objective"])["Location"]
    page = text_of(coordinator_client.get(location))
    # The statuses as written, each with the scale's label; the bench writes synonyms ("Done").
    assert "Statuses read" in page
    assert "<td>Done</td><td>Completed</td>" in page.replace("> <", "><")
    # Lines printed without their number are matched by text, and listed to check, with the label.
    assert "Line matched by its text (" in page
    assert "by its text" in page
    assert "The contributions as read" in page
    first = truth.contributions[0]
    assert f'<th scope="row">{first.line}' in page


def test_publishing_at_once_builds_the_report(plan, coordinator_client, data_dir, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    location = upload(coordinator_client, small_report(tmp_path), state="published")["Location"]
    assert "Published" in text_of(coordinator_client.get(location))
    response = coordinator_client.post(location, {"confirm": "1"}, follow=True)
    round_ = Round.objects.get()
    assert round_.state == "published"
    assert Report.objects.filter(round=round_).exists()
    assert f"Round {round_} imported and published: 3 contributions" in text_of(response)


def test_the_small_report_maps_its_statuses_and_lists_what_it_could_not(plan, coordinator_client, data_dir, tmp_path):
    location = upload(coordinator_client, small_report(tmp_path))["Location"]
    page = text_of(coordinator_client.get(location)).replace("> <", "><")
    assert "<td>Done</td><td>Completed</td>" in page
    assert "<td>Lopend</td><td>In progress</td>" in page
    assert '<td>Stalled somewhat</td><td><span class="text-danger">not on the scale: left empty</span></td>' in page
    assert "Status not on the scale (1)" in page
    # The document's text is shown escaped.
    assert "The &lt;b&gt;policy&lt;/b&gt; note was delayed." in coordinator_client.get(location).content.decode()
    coordinator_client.post(location, {"confirm": "1"})
    c = Contribution.objects.get(round__kind="baseline", action__code="1.a", department__code="foreign-affairs")
    assert (c.status, c.state) == ("", "approved")
    assert c.imported_from == "report.xlsx, Sheet, row 4"


def test_an_unknown_department_is_a_problem_and_confirming_writes_nothing(plan, coordinator_client, data_dir, tmp_path):
    path = workbook(tmp_path, [["14.a", "", "Ministry of Peace", "Done", "Peace was made."]])
    location = upload(coordinator_client, path)["Location"]
    response = coordinator_client.get(location)
    page = text_of(response)
    assert "The round cannot be imported as it stands:" in page
    assert "The document names departments the plan does not have: “Ministry of Peace”." in page
    assert 'name="confirm" value="1" class="btn btn-primary" disabled' in response.content.decode()
    response = coordinator_client.post(location, {"confirm": "1"})
    assert response.status_code == 400
    assert "The round was not imported; nothing was written:" in text_of(response)
    assert not Round.objects.exists() and not Contribution.objects.exists()
    assert pending(data_dir)  # kept: the coordinator may still read it, then discard
    response = coordinator_client.post(location, {"discard": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("round-import")
    assert not pending(data_dir)
    assert coordinator_client.get(location).status_code == 404


def test_an_existing_round_is_replaced_only_when_asked(plan, coordinator, coordinator_client, data_dir, tmp_path):
    import datetime as dt

    from naptrack.reporting.services import round_create

    existing = round_create(actor=coordinator, plan=plan, kind="baseline", year=2012, deadline=dt.date(2013, 1, 31))
    location = upload(coordinator_client, small_report(tmp_path))["Location"]
    assert "This plan already has a round of this kind (baseline) for 2012." in text_of(
        coordinator_client.get(location)
    )
    assert coordinator_client.post(location, {"confirm": "1"}).status_code == 400
    assert list(Round.objects.all()) == [existing]

    location = upload(coordinator_client, small_report(tmp_path), replace="on")["Location"]
    assert "cannot be imported" not in text_of(coordinator_client.get(location))
    assert coordinator_client.post(location, {"confirm": "1"}).status_code == 302
    replaced = Round.objects.get()
    assert replaced.pk != existing.pk and replaced.state == "closed"


def test_a_baselines_year_defaults_to_the_year_before_the_plan(plan, coordinator_client, data_dir, tmp_path):
    form = coordinator_client.get(reverse("round-import")).content.decode()
    assert 'name="year" value="2012"' in form
    assert f'<option value="{plan.pk}" selected>' in form
    assert 'accept=".pdf,.docx,.txt,.xlsx,.csv"' in form
    assert 'value="closed" id="id_state_0" checked>' in form and 'value="baseline" selected' in form
    location = upload(coordinator_client, small_report(tmp_path), year="")["Location"]
    assert '<dd class="col-sm-9">2012</dd>' in coordinator_client.get(location).content.decode()
    response = upload(coordinator_client, small_report(tmp_path), kind="annual", year="")
    assert response.status_code == 400
    assert "Give the year the report covers." in text_of(response)


def test_a_post_without_the_confirm_button_imports_nothing(plan, coordinator_client, data_dir, tmp_path):
    location = upload(coordinator_client, small_report(tmp_path))["Location"]
    for data in ({}, {"import": "1"}, {"confirmed": "yes"}):
        response = coordinator_client.post(location, data)
        assert response.status_code == 400
        assert "Check the imported report" in text_of(response)
        assert not Round.objects.exists() and not Contribution.objects.exists()
    assert pending(data_dir)  # still there to confirm or discard
    assert coordinator_client.post(location, {"confirm": "1"}).status_code == 302
    assert Round.objects.count() == 1


def test_the_message_counts_the_contributions_written(plan, coordinator_client, data_dir, tmp_path):
    import json

    location = upload(coordinator_client, small_report(tmp_path))["Location"]
    # The proposal naming a pair twice (as an upload kept from an older reader might): the round
    # holds one contribution for it, and the message says what the round holds.
    result = data_dir / "round-imports" / location.rstrip("/").rsplit("/", 1)[-1] / "result.json"
    stored = json.loads(result.read_text(encoding="utf-8"))
    stored["proposal"]["contributions"].append(stored["proposal"]["contributions"][0])
    result.write_text(json.dumps(stored), encoding="utf-8")
    response = coordinator_client.post(location, {"confirm": "1"}, follow=True)
    round_ = Round.objects.get()
    assert round_.contributions.exclude(imported_from="").count() == 3
    total = round_.contributions.count()
    assert f"Round {round_} imported: 3 contributions of {total} filled from the document" in text_of(response)


def test_a_failure_while_publishing_leaves_the_round_imported_and_says_so(
    plan, coordinator_client, data_dir, tmp_path, settings, monkeypatch
):
    from naptrack.publications import services as publications

    def failing(**kwargs):
        raise OSError("No space left on device.")

    settings.MEDIA_ROOT = tmp_path / "media"
    location = upload(coordinator_client, small_report(tmp_path), state="published")["Location"]
    monkeypatch.setattr(publications, "reports_store", failing)
    job = job_of(coordinator_client.post(location, {"confirm": "1"}))
    round_ = Round.objects.get()
    assert round_.state == "closed" and round_.contributions.exclude(imported_from="").count() == 3
    assert not Report.objects.exists()
    assert not pending(data_dir)
    # The job failed at once (another attempt would import nothing more), its error on its page.
    message = (
        f"Round {round_} was imported and is closed, but publishing it failed (No space left on device). "
        "Publish it from the round's dashboard."
    )
    assert (job.state, job.attempts, job.error) == ("failed", 1, message)
    assert message in text_of(coordinator_client.get(f"/jobs/{job.pk}/"))


# --- bad files ---------------------------------------------------------------------------------------


def test_a_long_accented_file_name_is_stored_under_a_fixed_one(plan, coordinator_client, data_dir, tmp_path):
    name = "é" * 200 + ".xlsx"  # 405 bytes: more than a file system's name takes
    document = SimpleUploadedFile(name, small_report(tmp_path).read_bytes())
    data = {"plan": plan_pk(), "kind": "baseline", "year": "2012", "state": "closed", "document": document}
    response = coordinator_client.post(reverse("round-import"), data)
    assert response.status_code == 302
    [folder] = pending(data_dir)
    assert sorted(p.name for p in folder.iterdir()) == ["report.xlsx", "result.json"]
    assert f"Read from <strong>{name}</strong>." in text_of(coordinator_client.get(response["Location"]))
    coordinator_client.post(response["Location"], {"confirm": "1"})
    c = Contribution.objects.get(action__code="1.a", department__code="foreign-affairs")
    assert c.imported_from.startswith("é" * 100)


def test_an_unreadable_file_is_named_as_uploaded_in_one_sentence(plan, coordinator_client, data_dir, tmp_path):
    name = "é" * 200 + ".docx"
    data = {"plan": plan_pk(), "kind": "baseline", "year": "2012", "state": "closed"}
    response = coordinator_client.post(
        reverse("round-import"), {**data, "document": SimpleUploadedFile(name, b"not a zip")}
    )
    assert response.status_code == 400
    page = text_of(response)
    # The reader's own sentence ends with a full stop: the form's adds none.
    assert f"The document could not be read: {name} is not a readable Word document (.docx): it is not the " in page
    assert "ZIP package such a file is. </div>" in page
    assert "report.docx" not in page
    assert not pending(data_dir)


def test_a_file_of_another_type_is_refused_on_the_form(plan, coordinator_client, data_dir, tmp_path):
    odt = tmp_path / "report.odt"
    odt.write_bytes(b"PK")
    response = upload(coordinator_client, odt)
    assert response.status_code == 400
    page = text_of(response)
    assert "Please correct the errors below." in page
    assert "Choose a file of one of these types: .pdf, .docx, .txt, .xlsx, .csv." in page
    assert 'aria-invalid="true"' in response.content.decode()
    assert not pending(data_dir)


def test_a_spreadsheet_without_a_report_matrix_is_refused_on_the_form(plan, coordinator_client, data_dir, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Shopping", "Price"])
    book.active.append(["Bread", "2"])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "shopping.xlsx"
    path.write_bytes(buffer.getvalue())
    response = upload(coordinator_client, path)
    assert response.status_code == 400
    assert "The document could not be read: " in text_of(response)
    assert 'id="id_document_error"' in response.content.decode()
    assert not pending(data_dir)
    assert not Round.objects.exists()


# --- who may ---------------------------------------------------------------------------------------


def test_only_coordinators_import(plan, focal_defence_client, reader, anonymous, data_dir, tmp_path):
    assert focal_defence_client.get(reverse("round-import")).status_code == 403
    assert logged_in(reader).get(reverse("round-import")).status_code == 403
    assert upload(focal_defence_client, small_report(tmp_path)).status_code == 403
    assert not pending(data_dir)
    response = anonymous.get(reverse("round-import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_upload_belongs_to_the_coordinator_who_made_it(plan, coordinator_client, data_dir, tmp_path):
    location = upload(coordinator_client, small_report(tmp_path))["Location"]
    other = logged_in(
        user_create(actor="tests", username="coordinator-2", role="coordinator", password="x", check_password=False)
    )
    assert other.get(location).status_code == 404
    assert other.post(location, {"confirm": "1"}).status_code == 404
    assert other.post(location, {"discard": "1"}).status_code == 404
    assert not Round.objects.exists() and pending(data_dir)
    assert coordinator_client.get(reverse("round-import-preview", args=["x" * 32])).status_code == 404


def test_the_round_list_offers_the_import_to_coordinators_only(plan, coordinator_client, focal_defence_client):
    assert reverse("round-import") in coordinator_client.get(reverse("reporting:round-list")).content.decode()
    assert reverse("round-import") not in focal_defence_client.get(reverse("reporting:round-list")).content.decode()


# --- the imported mark on the staff's pages ------------------------------------------------------------


def test_the_line_review_says_where_a_contribution_was_imported_from(
    plan, coordinator_client, focal_defence_client, data_dir, tmp_path
):
    path = small_report(tmp_path, name="<i>baseline<i>.xlsx")
    coordinator_client.post(upload(coordinator_client, path)["Location"], {"confirm": "1"})
    round_ = Round.objects.get()
    c = Contribution.objects.get(round=round_, action__code="14.a", department__code="defence")
    page = coordinator_client.get(reverse("reporting:line-review", args=[round_.pk, "14.a"])).content.decode()
    listing = coordinator_client.get(reverse("reporting:round-contributions", args=[round_.pk])).content.decode()
    assert f"Imported from {html.escape(c.imported_from)}" in page.replace("&#x27;", "'")
    assert "<i>baseline" not in page and "<i>baseline" not in listing
    assert "Imported from &lt;i&gt;baseline&lt;i&gt;.xlsx" in listing
    # The department's own page of the contribution says it too, to its focal point as to the coordinator.
    for client in (coordinator_client, focal_defence_client):
        own = client.get(reverse("reporting:contribution-edit", args=[c.pk]))
        assert own.status_code == 200
        assert "Imported from &lt;i&gt;baseline&lt;i&gt;.xlsx, Sheet, row 2" in own.content.decode()


# --- queries ---------------------------------------------------------------------------------------


def test_the_screens_make_a_fixed_number_of_queries(
    plan, coordinator_client, data_dir, tmp_path, bench_files, django_assert_num_queries
):
    _truth, paths = bench_files
    with django_assert_num_queries(5):  # session, user, its groups; the adopted plans (the default, the options)
        assert coordinator_client.get(reverse("round-import")).status_code == 200
    small = upload(coordinator_client, small_report(tmp_path))["Location"]
    whole = upload(coordinator_client, paths["xlsx-rows"])["Location"]
    # Session, user, groups; the plan; the plan as it stood that year (its versions, its departments,
    # lines, instruments, pairs and the departments they name: six), once, for the problems and for
    # the pairs the round will have; the round of that kind and year (a problem when it exists). Three
    # rows or three hundred: the same.
    for location in (small, whole):
        with django_assert_num_queries(12):
            assert coordinator_client.get(location).status_code == 200
    # Confirming the whole Belgian round: see the note on test_confirming_the_belgian_round_is_pinned.


def test_confirming_the_belgian_round_is_pinned(
    plan, coordinator_client, data_dir, bench_files, django_assert_num_queries, settings
):
    _truth, paths = bench_files
    location = upload(coordinator_client, paths["xlsx-rows"])["Location"]
    # The job (after the view, pinned apart): the job claimed and read with its person, the plan
    # (a later attempt also looks for the round an earlier one imported); in the transaction the plan locked, the
    # plan as it stood that year (six queries) for the problems and again for the round, the round
    # looked for twice (the problems, the one replaced), the plan's version (read whole, then
    # recorded as none exists), the round and its history, the audit event and its count; after
    # the transaction, the counts for the message (one query), the job finished. The round's 195
    # contributions and 239 answers, and the history of both, go in by bulk inserts, which Django
    # splits into batches by the database's limit on parameters (SQLite's 999; PostgreSQL's is
    # higher): the count grows with the plan's size, in steps, not row by row. Pinned for the
    # Belgian plan.
    keep_jobs_queued(settings)
    # The view checks what the import would refuse (the plan of the year, the round looked for)
    # and queues the job; the job does the import.
    with django_assert_num_queries(PINNED_CONFIRM_VIEW):
        response = coordinator_client.post(location, {"confirm": "1"})
    job = job_of(response)
    with django_assert_num_queries(PINNED_CONFIRM[connection.vendor]):
        assert job_run(job.pk).state == "succeeded"


PINNED_CONFIRM_VIEW = 18
PINNED_CONFIRM = {"sqlite": 58, "postgresql": 41}
