"""A plan's evaluation in public once published: its page linked from the plan's page, the open
data's evaluations table (and the plan's ZIP), the public API, and its report as HTML, PDF and
DOCX in English, French and Dutch; none of it before publication. Query counts pinned."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest

from naptrack.evaluations import services
from tests.conftest import BE, logged_in
from tests.evaluations_data import FINDING, RECOMMENDATION, evaluation_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluation(plan, coordinator):
    return evaluation_of(plan, coordinator)


@pytest.fixture
def published(evaluation, coordinator):
    return services.evaluation_publish(actor=coordinator, evaluation=evaluation)


def _urls(evaluation) -> list[str]:
    page = f"/plans/{BE}/evaluations/{evaluation.pk}/"
    return [
        page,
        f"{page}report-en.html",
        f"{page}report-fr.pdf",
        f"{page}report-nl.docx",
    ]


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def _docx_text(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("word/document.xml").decode()


def test_nothing_is_public_before_the_coordinator_publishes(evaluation, anonymous, focal_defence):
    for url in _urls(evaluation):
        assert anonymous.get(url).status_code == 404, url
    assert FINDING.encode() not in anonymous.get("/open-data/evaluations.csv").content
    assert anonymous.get(f"/api/v1/public/plans/{BE}/evaluations/").json()["evaluations"] == []
    assert b"evaluations.csv" not in anonymous.get(f"/open-data/{BE}.zip").content
    assert f"/evaluations/{evaluation.pk}/".encode() not in anonymous.get(f"/plans/{BE}/").content


def test_staff_preview_the_page_and_a_draft_report(evaluation, reader):
    client = logged_in(reader)
    page = client.get(f"/plans/{BE}/evaluations/{evaluation.pk}/").content.decode()
    assert "Preview: this evaluation is not published." in page
    report = client.get(f"/plans/{BE}/evaluations/{evaluation.pk}/report-en.html")
    assert report.status_code == 200 and "-draft-en.html" in report["Content-Disposition"]
    assert "Draft: Final evaluation of the plan" in report.content.decode()


def test_the_published_evaluation_is_on_the_plan_page_and_its_own(published, anonymous):
    plan_page = anonymous.get(f"/plans/{BE}/").content.decode()
    assert f"/plans/{BE}/evaluations/{published.pk}/" in plan_page
    page = anonymous.get(f"/plans/{BE}/evaluations/{published.pk}/").content.decode()
    for text in (
        FINDING,
        RECOMMENDATION,
        "partly accepted. From 2018.",
        "The CEDAW report was sent.",
        "Gent Evaluation Bureau",
    ):
        assert text in page, text
    assert "<strong>advanced</strong>" in page


def test_open_data_and_api_hold_every_entry(published, anonymous):
    rows = list(csv.DictReader(io.StringIO(anonymous.get("/open-data/evaluations.csv").content.decode())))
    assert [(r["entry"], r["number"] or r["action_codes"] or r["objective_number"]) for r in rows] == [
        ("assessment", "1"),
        ("assessment", "1.a"),
        ("assessment", "21"),
        ("finding", "1"),
        ("finding", "2"),
        ("recommendation", "1"),
        ("recommendation", "2"),
    ]
    first = rows[5]
    assert (first["action_codes"], first["response"], first["response_text"]) == (
        "21 22",
        "partly-accepted",
        "From 2018.",
    )
    document = json.loads(anonymous.get("/open-data/evaluations.json").content)
    assert document["format"] == "naptrack-evaluations/1" and len(document["rows"]) == 7
    assert anonymous.get("/open-data/evaluations.xlsx").status_code == 200
    api = anonymous.get(f"/api/v1/public/plans/{BE}/evaluations/").json()
    [evaluation] = api["evaluations"]
    assert evaluation["evaluator"] == "Annelies Peeters"
    assert next(e["text"] for e in evaluation["entries"] if e["entry"] == "finding") == FINDING
    with zipfile.ZipFile(io.BytesIO(anonymous.get(f"/open-data/{BE}.zip").content)) as archive:
        assert FINDING in archive.read(f"{BE}-open-data/evaluations.csv").decode()


def test_the_report_in_html_pdf_and_docx_holds_the_findings_and_recommendations(published, anonymous):
    base = f"/plans/{BE}/evaluations/{published.pk}/report"
    html = anonymous.get(f"{base}-en.html").content.decode()
    assert "Evaluation of the plan" in html and FINDING in html and RECOMMENDATION in html
    assert "Draft" not in html and "Summary of contributions" not in html
    pdf = _pdf_text(anonymous.get(f"{base}-fr.pdf").content)
    # Words may be hyphenated across lines in the PDF: compare without spaces and hyphens.
    flat = re.sub(r"[\s\-\u00ad\u2010]", "", pdf)
    assert "Quorndalesurvey" in flat and "Pembertonmediators" in flat and "Partiellementacceptée" in flat
    docx = _docx_text(anonymous.get(f"{base}-nl.docx").content)
    assert "Quorndale" in docx and "Pemberton" in docx
    assert anonymous.get(f"{base}-de.pdf").status_code == 404
    assert anonymous.get(f"{base}-en.exe").status_code == 404


def test_user_text_is_escaped_in_the_page_and_the_report(plan, coordinator, anonymous):
    evaluation = evaluation_of(plan, coordinator, entries=False)
    services.finding_add(
        actor=coordinator, evaluation=evaluation, text="<script>alert(1)</script> #set page(width: 1pt)"
    )
    services.finding_add(actor=coordinator, evaluation=evaluation, text='=HYPERLINK("http://x.example")')
    services.evaluation_publish(actor=coordinator, evaluation=evaluation)
    page = anonymous.get(f"/plans/{BE}/evaluations/{evaluation.pk}/").content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    html = anonymous.get(f"/plans/{BE}/evaluations/{evaluation.pk}/report-en.html").content.decode()
    assert "<script>alert(1)" not in html
    assert "#set page(width: 1pt)" in _pdf_text(
        anonymous.get(f"/plans/{BE}/evaluations/{evaluation.pk}/report-en.pdf").content
    )
    rows = list(csv.DictReader(io.StringIO(anonymous.get("/open-data/evaluations.csv").content.decode())))
    assert not rows[1]["text"].startswith("=") and "HYPERLINK" in rows[1]["text"]


def test_withdrawn_it_is_gone_again(published, coordinator, anonymous):
    services.evaluation_withdraw(actor=coordinator, evaluation=published)
    for url in _urls(published):
        assert anonymous.get(url).status_code == 404, url


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/plans/{slug}/evaluations/{pk}/", 9),
        ("/open-data/evaluations.csv", 8),
        ("/api/v1/public/plans/{slug}/evaluations/", 8),
        ("/plans/{slug}/evaluations/{pk}/report-en.html", 10),
        ("/plans/{slug}/evaluations/{pk}/report-en.docx", 10),
    ],
)
def test_public_pages_files_and_api_make_a_fixed_number_of_queries(
    published, anonymous, path, queries, django_assert_num_queries, settings
):
    settings.NAPTRACK_PUBLIC_STAMP_SECONDS = 0
    url = path.format(slug=BE, pk=published.pk)
    with django_assert_num_queries(queries):
        assert anonymous.get(url).status_code == 200


def test_an_evaluation_published_without_entries_is_in_the_api_with_none(plan, coordinator, anonymous):
    evaluation = evaluation_of(plan, coordinator, entries=False)
    services.evaluation_publish(actor=coordinator, evaluation=evaluation)
    [shown] = anonymous.get(f"/api/v1/public/plans/{BE}/evaluations/").json()["evaluations"]
    assert (shown["id"], shown["entries"], shown["completed_on"]) == (evaluation.pk, [], "2017-03-31")
