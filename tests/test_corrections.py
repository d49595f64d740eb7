"""Correcting what was published: the coordinator corrects or withdraws a published contribution or
synthesis with a public note, and every public place follows at once (the line's and the
department's pages, search, open data, the public API, the stored report to parliament, the
page cache's stamp), while the original stays in history and, once withdrawn, for staff."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format
from openpyxl import load_workbook

from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Action, Instrument
from naptrack.portal import corrections
from naptrack.portal.caching import pages, public_actions
from naptrack.portal.opendata import NAMES
from naptrack.publications import services as publications
from naptrack.publications.models import PublishedReport
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution, Synthesis

from .conftest import BE, logged_in
from .portal_data import annual_2014, baseline_2012, fill, new_round, publish, reports_not_written
from .test_never_leaks import _pdf_text, _zip_text, crawl
from .test_portal import PAGES

pytestmark = pytest.mark.django_db
PLAN = f"/plans/{BE}"

# What Defence first published on line 21, and what the correction says instead: each phrase
# occurs once in the data, so that a test can tell where it shows.
OLD = "Defence counted twelve women officers among the observers."
NEW = "Defence counted fourteen women officers among the observers."
NOTE = "two officers deployed in December had been left out."
SYNTHESIS = "Women remain a minority among observers."
# Withdrawn: found nowhere else, it must then be found nowhere public.
SECRET = "Quorblesquian"
SECRET_FIGURES = (7780101, 7780102)


def _round_with_line_21(plan, coordinator, focal_defence, *, narrative: str = OLD, figures=(12, 88), monkeypatch=None):
    """The 2014 annual round, published: Defence on line 21 with a narrative and figures by sex
    (instrument 2), Foreign Affairs beside it, and the coordinator's synthesis."""
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(
        round_,
        "21",
        "defence",
        focal_defence,
        coordinator,
        status="in-progress",
        narrative=narrative,
        countries=["ML"],
        answers={2: {"women": figures[0], "men": figures[1]}},
    )
    fill(round_, "21", "foreign-affairs", coordinator, coordinator, narrative="Foreign Affairs trained diplomats.")
    line_21 = Action.objects.get(plan=plan, code="21")
    reporting.synthesis_save(actor=coordinator, round=round_, action=line_21, text=SYNTHESIS, version=None)
    return publish(round_, coordinator, monkeypatch)


def _defence(round_) -> Contribution:
    return Contribution.objects.with_detail().get(round=round_, action__code="21", department__code="defence")


def _form_data(client: Client, url: str) -> dict:
    """What the correction form holds when opened, as the browser would send it back."""
    form = client.get(url).context["form"]
    data = {name: ("" if value is None else value) for name, value in form.initial.items()}
    data.pop("visibility", None)
    return data


def _by_sex(round_) -> Instrument:
    return Instrument.objects.get(action__plan=round_.plan, action__code="21", position=2)


def _today(lang: str = "en") -> str:
    with translation.override(lang):
        return date_format(timezone.localdate(), "DATE_FORMAT")


def _text(response) -> str:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return data.decode("utf-8")


def _stored_reports(round_) -> dict[str, str]:
    """The text of the round's stored report to parliament, per file."""
    texts = {}
    for report in PublishedReport.objects.filter(round=round_):
        with report.file.open("rb") as handle:
            data = handle.read()
        text = _pdf_text(data) if report.format == "pdf" else _zip_text(data)
        texts[report.filename] = " ".join(text.split())
    return texts


# --- correcting ----------------------------------------------------------------------------------


def test_a_correction_shows_with_its_note_wherever_the_contribution_shows_and_the_original_stays_in_history(
    plan, coordinator, focal_defence, settings, tmp_path, anonymous, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    round_ = _round_with_line_21(plan, coordinator, focal_defence)  # with its report, PDF and DOCX
    defence = _defence(round_)
    line_page = f"{PLAN}/lines/21/"
    before = anonymous.get(line_page)
    assert OLD in before.content.decode()

    client = logged_in(coordinator)
    url = f"/contributions/{defence.pk}/correct/"
    data = _form_data(client, url)
    women = f"m-{_by_sex(round_).pk}-women"
    data.update({"narrative": NEW, women: "14", "note": NOTE})
    # First the confirmation, which shows what changes and what readers will read: nothing yet.
    check = client.post(url, data)
    assert check.status_code == 200 and check.context["confirm"]
    page = check.content.decode()
    assert "Check the correction before it is published" in page
    assert f"Corrected on {_today()}: {NOTE}" in page
    assert [(row["before"], row["after"]) for row in check.context["changes"]] == [(OLD, NEW), ("12", "14")]
    assert _defence(round_).narrative == OLD
    # The files are built once, from the rehearsal, outside the transaction that stores them.
    builds = []
    build = publications._build
    monkeypatch.setattr(publications, "_build", lambda *args, **kwargs: builds.append(1) or build(*args, **kwargs))
    confirmed = client.post(url, {**data, "confirm": "1"})
    assert confirmed.status_code == 302 and len(builds) == 1
    assert confirmed["Location"] == f"/rounds/{round_.pk}/lines/21/#contribution-{defence.pk}"
    assert (
        "The correction of the contribution of Defence is published"
        in client.get(confirmed["Location"]).content.decode()
    )

    note = f"Corrected on {_today()}: {NOTE}"
    defence = _defence(round_)
    assert (defence.narrative, defence.correction_note, defence.withdrawn_at) == (NEW, NOTE, None)
    assert AuditEvent.objects.filter(action="reporting.contribution.corrected", target_id=str(defence.pk)).count() == 1

    # The public pages: the new text and the note, the old text nowhere; the page cache's stamp moved.
    after = anonymous.get(line_page, HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    for url in (line_page, f"{PLAN}/departments/defence/", f"{PLAN}/countries/ml/"):
        text = anonymous.get(url).content.decode()
        assert NEW in text and note in text and OLD not in text, url
        assert "14 women" in text, url
    french = anonymous.get(f"/fr{line_page}").content.decode()
    assert f"Correction du {_today('fr')}\xa0: {NOTE}" in french, "in the page's language and date format"

    # Search finds the new text and the note, not the old one.
    assert "fourteen" in anonymous.get(f"{PLAN}/search/?q=fourteen").content.decode()
    # The note's words find the contribution; how much of the note the snippet shows differs by database.
    found = anonymous.get(f"{PLAN}/search/?q=officers+deployed").content.decode().split("</form>", 1)[-1]
    assert "in December" in found and "Line of action 21: Defence" in found
    assert "twelve" not in anonymous.get(f"{PLAN}/search/?q=twelve").content.decode().split("</form>", 1)[-1]

    # Open data: the new columns at the end, in CSV, XLSX and JSON.
    assert NAMES[-2:] == ["correction_note", "corrected_on"]
    rows = list(csv.DictReader(io.StringIO(_text(anonymous.get(f"/open-data/{BE}/annual-2014.csv")))))
    mine = [r for r in rows if r["contribution_id"] == str(defence.pk)]
    assert {r["narrative"] for r in mine} == {NEW}
    assert {(r["correction_note"], r["corrected_on"]) for r in mine} == {(NOTE, timezone.localdate().isoformat())}
    assert {r["women"] for r in mine if r["instrument_number"] == "2"} == {"14"}
    others = [r for r in rows if r["contribution_id"] != str(defence.pk)]
    assert others and {(r["correction_note"], r["corrected_on"]) for r in others} == {("", "")}
    document = json.loads(_text(anonymous.get(f"/open-data/{BE}/annual-2014.json")))
    assert document["columns"] == NAMES
    assert {(r["narrative"], r["correction_note"]) for r in document["rows"] if r["contribution_id"] == defence.pk} == {
        (NEW, NOTE)
    }
    sheet = load_workbook(io.BytesIO(anonymous.get(f"/open-data/{BE}/annual-2014.xlsx").content)).active
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert NEW in cells and NOTE in cells and OLD not in cells
    assert [c.value for c in sheet[1]][-2:] == ["correction_note", "corrected_on"]
    dictionary = anonymous.get("/open-data/dictionary/").content.decode()
    assert "correction_note" in dictionary and "corrected_on" in dictionary

    # The public API.
    answer = anonymous.get(f"/api/v1/public/rounds/{round_.pk}/contributions/?action=21&department=defence").json()
    (item,) = answer["results"]
    assert (item["narrative"], item["correction_note"]) == (NEW, NOTE) and item["corrected_at"]

    # The stored report to parliament, stored again: PDF and DOCX in every language.
    reports = _stored_reports(round_)
    assert len(reports) == 6
    for name, text in reports.items():
        assert NEW in text and OLD not in text, name
        assert NOTE in text, name
    html = publications.report_build(round_, "html", "en").decode()
    assert NEW in html and note in html and OLD not in html

    # History keeps what was published before, for staff.
    assert OLD in set(defence.history.values_list("narrative", flat=True))
    history = client.get(f"/contributions/{defence.pk}/history/").content.decode()
    assert OLD in history and NEW in history and "Corrected after publication" in history


def test_the_confirmation_leads_back_to_the_form_with_what_was_typed_and_errors_stay_on_the_form(
    plan, coordinator, focal_defence, monkeypatch, coordinator_client
):
    round_ = _round_with_line_21(plan, coordinator, focal_defence, monkeypatch=monkeypatch)
    defence = _defence(round_)
    url = f"/contributions/{defence.pk}/correct/"
    data = _form_data(coordinator_client, url)
    women = f"m-{_by_sex(round_).pk}-women"

    edit = coordinator_client.post(url, {**data, "narrative": NEW, "note": NOTE, "edit": "1"})
    assert edit.status_code == 200 and not edit.context["confirm"]
    assert NEW in edit.content.decode() and NOTE in edit.content.decode()

    no_note = coordinator_client.post(url, {**data, "narrative": NEW, "note": " "})
    assert no_note.status_code == 400 and "note" in no_note.context["form"].errors
    nothing = coordinator_client.post(url, {**data, "note": NOTE})
    assert nothing.status_code == 400 and "Nothing was changed" in nothing.content.decode()
    # The same checks as a department's save: a total smaller than its parts is refused.
    total = f"m-{_by_sex(round_).pk}-value"
    bad = coordinator_client.post(url, {**data, women: "14", total: "10", "note": NOTE, "confirm": "1"})
    assert bad.status_code == 400 and total in bad.context["form"].errors
    assert _defence(round_).narrative == OLD and not AuditEvent.objects.filter(action__endswith=".corrected").exists()


# --- withdrawing ---------------------------------------------------------------------------------


def test_a_withdrawn_contribution_leaves_every_public_place_and_staff_still_see_it_marked(
    plan, coordinator, focal_defence, reader, settings, tmp_path, anonymous
):
    settings.MEDIA_ROOT = tmp_path
    round_ = _round_with_line_21(
        plan, coordinator, focal_defence, narrative=f"{SECRET} observers were counted.", figures=SECRET_FIGURES
    )
    defence = _defence(round_)
    assert SECRET in anonymous.get(f"{PLAN}/lines/21/").content.decode()

    client = logged_in(coordinator)
    url = f"/contributions/{defence.pk}/withdraw/"
    form = client.get(url)
    assert form.status_code == 200
    data = {"version": defence.version, "note": "The figures were counted twice."}
    check = client.post(url, data)
    assert check.status_code == 200 and check.context["confirm"]
    assert f"Withdrawn on {_today()}: The figures were counted twice." in check.content.decode()
    assert client.post(url, {**data, "confirm": "1"}).status_code == 302
    assert _defence(round_).withdrawn_at is not None

    # As in test_never_leaks: the public pages, downloads, API answers, search and stored report.
    statuses: dict[str, int] = {}
    texts = crawl(anonymous, [(f"{PLAN}/", 2), ("/open-data/", 1), (f"{PLAN}/departments/defence/", 1)], statuses)
    extra = [
        f"{PLAN}/countries/ml/",
        f"{PLAN}/compare/?instrument={_by_sex(round_).pk}",
        f"/api/v1/public/rounds/{round_.pk}/contributions/?page_size=200",
        f"/open-data/{BE}/annual-2014.csv",
        f"/open-data/{BE}/annual-2014.json",
        f"/open-data/{BE}/annual-2014.xlsx",
        f"/open-data/{BE}.zip",
        f"{PLAN}/search/?q={SECRET}",
        f"/fr{PLAN}/search/?q={SECRET}",
        f"{PLAN}/search/?q=observers",
    ]
    texts.update(crawl(anonymous, [(u, 0) for u in extra], statuses))
    assert len([u for u in texts if u.startswith("/reports/")]) == 6
    tokens = [SECRET, *(str(n) for n in SECRET_FIGURES), *(f"{n:,}" for n in SECRET_FIGURES)]
    assert {
        url: [t for t in tokens if t in text] for url, text in texts.items() if any(t in text for t in tokens)
    } == {}
    # Its note shows in its place, on the line's page and in the report.
    note = f"Withdrawn on {_today()}: The figures were counted twice."
    assert note in texts[f"{PLAN}/lines/21/"]
    assert all("counted twice" in " ".join(texts[u].split()) for u in texts if u.startswith("/reports/"))
    assert "Foreign Affairs trained diplomats." in texts[f"{PLAN}/lines/21/"]
    assert SECRET not in publications.report_build(round_, "html", "en", draft=True).decode()

    # Staff still read it, marked withdrawn.
    for person in (coordinator, reader):
        page = logged_in(person).get(f"/rounds/{round_.pk}/lines/21/").content.decode()
        assert SECRET in page and "withdrawn from the public" in page and note in page
        assert f"/contributions/{defence.pk}/correct/" not in page  # nothing left to correct
    listing = client.get(f"/rounds/{round_.pk}/contributions/?department=defence").content.decode()
    assert "withdrawn from the public" in listing
    # Neither correction nor a second withdrawal: the coordinator is told why.
    again = client.post(url, {**data, "confirm": "1"}, follow=True)
    assert "not withdrawn since" in again.content.decode()
    assert AuditEvent.objects.filter(action="reporting.contribution.withdrawn").count() == 1


# --- the synthesis -------------------------------------------------------------------------------


def test_a_synthesis_corrected_then_withdrawn_shows_its_note_on_the_line_and_in_the_report(
    plan, coordinator, focal_defence, monkeypatch, coordinator_client, anonymous
):
    round_ = _round_with_line_21(plan, coordinator, focal_defence, monkeypatch=monkeypatch)
    with reports_not_written(monkeypatch):
        url = f"/rounds/{round_.pk}/lines/21/synthesis/correct/"
        form = coordinator_client.get(url)
        assert form.status_code == 200 and SYNTHESIS in form.content.decode()
        version = form.context["form"].initial["version"]
        data = {
            "text": "Women are a growing minority among observers.",
            "note": "The trend was misread.",
            "version": version,
        }
        check = coordinator_client.post(url, data)
        assert check.status_code == 200 and check.context["confirm"]
        assert coordinator_client.post(url, {**data, "confirm": "1"}).status_code == 302

        line = anonymous.get(f"{PLAN}/lines/21/").content.decode()
        assert "growing minority" in line and f"Corrected on {_today()}: The trend was misread." in line
        assert SYNTHESIS not in line
        html = publications.report_build(round_, "html", "en").decode()
        assert "growing minority" in html and "The trend was misread." in html and SYNTHESIS not in html
        docx = _zip_text(publications.report_build(round_, "docx", "en"))
        assert "The trend was misread." in docx

        url = f"/rounds/{round_.pk}/lines/21/synthesis/withdraw/"
        version = Synthesis.objects.get(round=round_, action__code="21").version
        data = {"note": "The synthesis is being rewritten.", "version": version}
        assert coordinator_client.post(url, {**data, "confirm": "1"}).status_code == 302
    line = anonymous.get(f"{PLAN}/lines/21/").content.decode()
    assert "growing minority" not in line and f"Withdrawn on {_today()}: The synthesis is being rewritten." in line
    html = publications.report_build(round_, "html", "en").decode()
    assert "growing minority" not in html and "being rewritten" in html
    synthesis = Synthesis.objects.get(round=round_, action__code="21")
    assert {SYNTHESIS, "Women are a growing minority among observers."} <= set(
        synthesis.history.values_list("text", flat=True)
    )
    review = coordinator_client.get(f"/rounds/{round_.pk}/lines/21/").content.decode()
    assert "growing minority" in review and "withdrawn from the public" in review
    assert [e.action for e in AuditEvent.objects.filter(action__startswith="reporting.synthesis.").order_by("pk")][
        -2:
    ] == ["reporting.synthesis.corrected", "reporting.synthesis.withdrawn"]


# --- who may --------------------------------------------------------------------------------------


def test_only_the_coordinator_corrects_or_withdraws(plan, coordinator, focal_defence, reader, monkeypatch, anonymous):
    round_ = _round_with_line_21(plan, coordinator, focal_defence, monkeypatch=monkeypatch)
    defence = _defence(round_)
    urls = [
        f"/contributions/{defence.pk}/correct/",
        f"/contributions/{defence.pk}/withdraw/",
        f"/rounds/{round_.pk}/lines/21/synthesis/correct/",
        f"/rounds/{round_.pk}/lines/21/synthesis/withdraw/",
    ]
    for person in (focal_defence, reader):
        client = logged_in(person)
        for url in urls:
            assert client.get(url).status_code == 403, (person, url)
            assert client.post(url, {"note": "x", "version": 9, "confirm": "1"}).status_code == 403, (person, url)
        assert "/correct/" not in client.get(f"/rounds/{round_.pk}/lines/21/").content.decode()
    for url in urls:
        assert anonymous.get(url).status_code == 302  # to the login page
    from django.core.exceptions import PermissionDenied

    with reports_not_written(monkeypatch):
        for person in (focal_defence, reader):
            with pytest.raises(PermissionDenied):
                corrections.contribution_withdraw(actor=person, contribution=defence, note="No.")
            with pytest.raises(PermissionDenied):
                corrections.contribution_correct(
                    actor=person, contribution=defence, version=defence.version, data={"narrative": "No."}, note="No."
                )
    assert _defence(round_).narrative == OLD and _defence(round_).withdrawn_at is None


def test_what_was_not_published_cannot_be_corrected(plan, coordinator, focal_defence, monkeypatch, coordinator_client):
    round_ = new_round(plan, coordinator, "annual", 2014)
    approved = fill(round_, "21", "defence", focal_defence, coordinator, narrative=OLD)
    with pytest.raises(reporting.WorkflowError):
        reporting.contribution_correct(
            actor=coordinator, contribution=approved, version=approved.version, data={"narrative": NEW}, note=NOTE
        )
    response = coordinator_client.get(f"/contributions/{approved.pk}/correct/", follow=True)
    assert "can be corrected or withdrawn" in response.content.decode()
    internal = fill(round_, "1.a", "justice", coordinator, coordinator, visibility="internal", narrative="Inside.")
    reporting.round_close(actor=coordinator, round=round_)
    from naptrack.portal.publishing import round_publish

    with reports_not_written(monkeypatch):
        round_publish(actor=coordinator, round=round_)
        with pytest.raises(reporting.WorkflowError):
            corrections.contribution_withdraw(actor=coordinator, contribution=internal, note="Not public anyway.")


# --- queries and the page cache -------------------------------------------------------------------


def test_the_form_pages_query_counts_are_pinned(
    plan, coordinator, focal_defence, monkeypatch, coordinator_client, django_assert_num_queries
):
    round_ = _round_with_line_21(plan, coordinator, focal_defence, monkeypatch=monkeypatch)
    defence = _defence(round_)
    counts = {
        # session, user, the contribution, its answers and their figures by country, evidence and the
        # line's instruments, roles
        f"/contributions/{defence.pk}/correct/": 8,
        f"/contributions/{defence.pk}/withdraw/": 4,
        f"/rounds/{round_.pk}/lines/21/synthesis/correct/": 4,
        f"/rounds/{round_.pk}/lines/21/synthesis/withdraw/": 4,
    }
    for url, count in counts.items():
        with django_assert_num_queries(count):
            assert coordinator_client.get(url).status_code == 200, url


def test_corrections_are_public_actions_and_leave_the_public_pages_query_counts_as_they_were(
    plan, coordinator, focal_defence, focal_justice, monkeypatch, anonymous
):
    assert {
        "reporting.contribution.corrected",
        "reporting.contribution.withdrawn",
        "reporting.synthesis.corrected",
        "reporting.synthesis.withdrawn",
    } <= set(public_actions())
    baseline_2012(plan, coordinator, monkeypatch)
    annual = annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch)
    by_sex = _by_sex(annual)
    defence = _defence(annual)
    justice = Contribution.objects.get(round=annual, action__code="1.a", department__code="justice")
    synthesis = Synthesis.objects.get(round=annual, action__code="21")
    with reports_not_written(monkeypatch):
        corrections.contribution_correct(
            actor=coordinator,
            contribution=defence,
            version=defence.version,
            data={"measurements": [{"instrument": by_sex.pk, "women": 14}]},
            note=NOTE,
        )
        corrections.contribution_withdraw(actor=coordinator, contribution=justice, note="Reported twice.")
        corrections.synthesis_correct(
            actor=coordinator, synthesis=synthesis, text="A corrected synthesis.", note="Typo."
        )

    from django.db import connection

    measured = []
    for url, _count in PAGES:
        pages.clear()
        with CaptureQueriesContext(connection) as captured:
            response = anonymous.get(url.replace("BY_SEX", str(by_sex.pk)))
        assert response.status_code == 200, url
        measured.append((url, len(captured)))
    assert measured == PAGES
    assert re.search(r"Withdrawn on [^:]+: Reported twice\.", anonymous.get(f"{PLAN}/lines/1.a/").content.decode())
