"""The report to parliament's own content on the real Belgian plan: its texts (never the round's
instructions to focal points), what changed since the previous round, the focus-country chapters,
the annexes chosen per report, the transmission to parliament, the cover and the numbers, in
HTML, DOCX and PDF, in English, French and Dutch; and what it costs in SQL queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied

from naptrack.audit.models import AuditEvent
from naptrack.publications import content, editorial, services
from naptrack.publications.models import PublishedReport, ReportTexts
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError

from .conftest import BE, logged_in
from .portal_data import fill, new_round, publish
from .test_report import REPORT_QUERIES, text_of

pytestmark = pytest.mark.django_db

INSTRUCTIONS = "Please report on what your department did in 2014. Deadline is firm."
INSTRUCTIONS_FR = "Veuillez faire rapport sur 2014. La date limite est ferme."
FOREWORD = "Belgium renews its commitment to resolution 1325."
FOREWORD_FR = "La Belgique renouvelle son engagement envers la résolution 1325."
SIGNATORY = "Jan Jambon"
SIGNATORY_TITLE = "Minister of Foreign Affairs"
INTRODUCTION = "This report covers the second year of the plan."
ACHIEVEMENTS = "Seventy diplomats were trained on gender and conflict."
CONCLUSIONS = "Next year the plan turns to the Sahel."

JUSTICE_2013 = "Justice began its report to the CEDAW committee."
JUSTICE_2013_ANSWER = "Report in preparation."
FA_AF = "Foreign Affairs funded women mediators in Kabul."
DEFENCE_ML = "Defence deployed gender advisers in Mali."
DEFENCE_AF_INTERNAL = "Defence's internal note on Afghanistan."
FA_AF_UNAPPROVED = "Foreign Affairs draft on Afghanistan."
JUSTICE_FR = "Justice worked with French prosecutors."


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rounds(plan, coordinator, focal_defence, focal_justice, monkeypatch, mailoutbox):
    """The 2013 round published, then 2014 open, with statuses that move both ways between them
    (1.a Justice forward, 21 Foreign Affairs back, 23.a Defence the same, 3.a Justice not compared)
    and contributions tagged with focus countries, another country, internal and unapproved ones."""
    r2013 = new_round(plan, coordinator, "annual", 2013)
    fill(
        r2013,
        "1.a",
        "justice",
        focal_justice,
        coordinator,
        status="in-progress",
        narrative=JUSTICE_2013,
        answers={1: {"text": JUSTICE_2013_ANSWER}},
    )
    fill(r2013, "21", "foreign-affairs", coordinator, coordinator, status="completed")
    fill(r2013, "23.a", "defence", focal_defence, coordinator, status="not-started")
    fill(r2013, "3.a", "justice", focal_justice, coordinator, status="not-applicable")
    r2013 = publish(r2013, coordinator, monkeypatch)

    r2014 = new_round(plan, coordinator, "annual", 2014)
    reporting.round_update(actor=coordinator, round=r2014, intro={"en": INSTRUCTIONS, "fr": INSTRUCTIONS_FR})
    fill(r2014, "1.a", "justice", focal_justice, coordinator, status="completed")
    fill(
        r2014,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        status="in-progress",
        narrative=FA_AF,
        countries=["AF"],
        answers={2: {"women": 28300, "men": 40}},
    )
    fill(
        r2014,
        "23.a",
        "defence",
        focal_defence,
        coordinator,
        status="not-started",
        narrative=DEFENCE_ML,
        countries=["ML"],
        answers={1: {"women": 7, "men": 93}},
    )
    fill(
        r2014,
        "3.a",
        "justice",
        focal_justice,
        coordinator,
        status="in-progress",
        narrative=JUSTICE_FR,
        countries=["FR"],
    )
    fill(
        r2014,
        "1.a",
        "defence",
        focal_defence,
        coordinator,
        narrative=DEFENCE_AF_INTERNAL,
        countries=["AF"],
        visibility="internal",
    )
    fill(
        r2014,
        "1.a",
        "foreign-affairs",
        coordinator,
        coordinator,
        narrative=FA_AF_UNAPPROVED,
        countries=["AF"],
        then="submitted",
    )
    return r2013, Round.objects.get(pk=r2014.pk)


@pytest.fixture
def written(rounds, coordinator):
    """The 2014 report's texts: all in English, the foreword also in French."""
    _r2013, r2014 = rounds
    editorial.report_texts_save(
        actor=coordinator,
        round=r2014,
        texts={
            "foreword": {"en": FOREWORD, "fr": FOREWORD_FR},
            "signatory_title": {"en": SIGNATORY_TITLE},
            "introduction": {"en": INTRODUCTION},
            "achievements": {"en": ACHIEVEMENTS},
            "conclusions": {"en": CONCLUSIONS},
        },
        signatory=SIGNATORY,
    )
    return r2014


def html_of(round_, lang: str = "en", draft: bool = False) -> str:
    return services.report_build(round_, "html", lang, draft).decode()


def docx_text(round_, lang: str = "en") -> str:
    import docx

    document = docx.Document(io.BytesIO(services.report_build(round_, "docx", lang)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def report_of(round_, lang: str = "en", draft: bool = False) -> content.Report:
    return content.build(content.load(round_, draft=draft), lang)


# --- the report's own texts -------------------------------------------------------------------------


def test_the_rounds_instructions_never_appear_in_the_report(written):
    for lang in ("en", "fr", "nl"):
        for draft in (False, True):
            html = html_of(written, lang, draft)
            assert INSTRUCTIONS not in html and INSTRUCTIONS_FR not in html
        body = docx_text(written, lang)
        assert INSTRUCTIONS not in body and INSTRUCTIONS_FR not in body


def test_report_texts_appear_in_their_places_in_html(written):
    html = html_of(written)
    anchors = ['id="foreword"', 'id="toc-title"', 'id="introduction"', 'id="achievements"', 'id="summary"']
    positions = [html.index(a) for a in anchors]
    assert positions == sorted(positions)
    foreword = text_of(html[positions[0] : positions[1]])
    assert FOREWORD in foreword and SIGNATORY in foreword and SIGNATORY_TITLE in foreword
    assert INTRODUCTION in html[positions[2] : positions[3]] and ACHIEVEMENTS in html[positions[3] : positions[4]]
    # The conclusions after the country chapters, before the annexes.
    assert html.index('id="country-ml"') < html.index(CONCLUSIONS) < html.index('id="annex-departments"')
    text = text_of(html)
    assert text.rindex("Conclusions and next steps") > text.index("Objective 6")


def test_texts_fall_back_to_english_with_a_note_where_not_translated(written):
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    def note(lang: str) -> str:
        with translation.override(lang):
            return gettext("Part of this chapter is only available in English.")

    html = html_of(written, "fr")
    assert FOREWORD_FR in html and FOREWORD not in html, "written in French: no fallback"
    intro = html[html.index('id="introduction"') : html.index('id="achievements"')]
    assert f'<div lang="en"><p>{INTRODUCTION}</p>' in intro
    # The HTML escapes the note (the French one has apostrophes); the DOCX holds it as it is.
    assert intro.count(escape(note("fr"))) == 1 and "[EN]" not in intro
    nl = html_of(written, "nl")
    foreword = nl[nl.index('id="foreword"') : nl.index('id="toc-title"')]
    assert FOREWORD in foreword and escape(note("nl")) in foreword and "[EN]" not in foreword
    body = docx_text(written, "fr")
    assert FOREWORD_FR in body and INTRODUCTION in body and CONCLUSIONS in body and SIGNATORY in body
    assert note("fr") in body and "[EN]" not in body


def test_texts_appear_in_the_docx_in_english(written):
    body = docx_text(written)
    for t in (FOREWORD, SIGNATORY, SIGNATORY_TITLE, INTRODUCTION, ACHIEVEMENTS, CONCLUSIONS):
        assert t in body


def test_empty_texts_are_left_out(rounds):
    _r2013, r2014 = rounds
    html = html_of(r2014)
    for anchor in ("foreword", "introduction", "achievements", "conclusions"):
        assert f'id="{anchor}"' not in html
    report = report_of(r2014)
    assert report.foreword is report.introduction is report.achievements is report.conclusions is None


def test_the_pdf_holds_the_texts_and_every_new_part(written):
    from pypdf import PdfReader

    for lang, foreword in (("en", FOREWORD), ("fr", FOREWORD_FR)):
        reader = PdfReader(io.BytesIO(services.report_build(written, "pdf", lang)))
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        assert foreword in text and INTRODUCTION in text and CONCLUSIONS in text
        assert INSTRUCTIONS not in text and INSTRUCTIONS_FR not in text
        assert DEFENCE_AF_INTERNAL not in text and FA_AF_UNAPPROVED not in text
        assert JUSTICE_2013_ANSWER in text, "the previous round's answers, in an annex"
        assert "Mali" in text and "Afghanistan" in text


def test_only_the_coordinator_saves_texts_each_save_audited_and_kept_in_history(
    rounds, coordinator, focal_defence, reader
):
    _r2013, r2014 = rounds
    with pytest.raises(PermissionDenied):
        editorial.report_texts_save(actor=focal_defence, round=r2014, texts={"foreword": {"en": "x"}})
    with pytest.raises(PermissionDenied):
        editorial.report_texts_save(actor=reader, round=r2014, texts={"foreword": {"en": "x"}})
    editorial.report_texts_save(actor=coordinator, round=r2014, texts={"introduction": {"en": "First draft."}})
    row = editorial.report_texts_save(actor=coordinator, round=r2014, texts={"introduction": {"en": "Second."}})
    assert row.introduction_en == "Second."
    assert [h.introduction_en for h in row.history.order_by("history_date")] == ["First draft.", "Second."]
    assert row.history.first().history_user == coordinator
    actions = list(
        AuditEvent.objects.filter(target_id=str(r2014.pk), action__startswith="publications.report_texts")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["publications.report_texts.created", "publications.report_texts.updated"]


def test_the_coordinator_edits_the_texts_per_language_on_a_screen_linked_from_the_round(
    rounds, coordinator_client, reader, focal_defence_client
):
    _r2013, r2014 = rounds
    dashboard = coordinator_client.get(f"/rounds/{r2014.pk}/").content.decode()
    url = f"/rounds/{r2014.pk}/report/texts/"
    assert f'href="{url}"' in dashboard
    page = coordinator_client.get(url + "?lang=fr")
    assert page.status_code == 200
    response = coordinator_client.post(
        url + "?lang=fr",
        {
            "foreword": "Avant-propos.",
            "signatory": "A. Ministre",
            "introduction": "",
            "annexes": ["statuses", "method"],
        },
    )
    assert response.status_code == 302
    row = ReportTexts.objects.get(round=r2014)
    assert (row.foreword_fr, row.foreword_en, row.signatory, row.annexes) == (
        "Avant-propos.",
        None,
        "A. Ministre",
        ["statuses", "method"],
    )
    assert logged_in(reader).get(url).status_code == 403
    assert focal_defence_client.post(url, {"foreword": "x"}).status_code == 403
    assert coordinator_client.get(url + "?lang=xx").status_code == 404


def test_the_work_list_renders_the_instructions_as_markdown(rounds, focal_defence_client, coordinator):
    _r2013, r2014 = rounds
    reporting.round_update(actor=coordinator, round=r2014, intro={"en": "Report **by Friday**."})
    page = focal_defence_client.get("/work/").content.decode()
    assert "Report <strong>by Friday</strong>." in page


# --- what changed since the previous round ----------------------------------------------------------


def test_statuses_are_compared_with_the_previous_round_both_ways(rounds):
    _r2013, r2014 = rounds
    report = report_of(r2014)
    changes = {(line.code, n.department.code): n.change for line in report.lines() for n in line.narratives if n.change}
    assert changes[("1.a", "justice")].movement == content.FORWARD
    assert changes[("1.a", "justice")].label == "in progress \u2192 completed"
    assert changes[("21", "foreign-affairs")].movement == content.BACK
    assert changes[("21", "foreign-affairs")].label == "completed \u2192 in progress"
    assert changes[("23.a", "defence")].movement == content.SAME
    assert changes[("3.a", "justice")].movement == content.NOT_COMPARED, "not applicable is outside the order"
    assert all(c.round_label == "2013" for c in changes.values())
    movements = report.summary.movements
    by_objective = {row.label: row.counts for row in movements.by_objective}
    assert by_objective["Objective 1"] == {"forward": 1, "same": 0, "back": 0, "not-compared": 1}
    assert by_objective["Objective 4"] == {"forward": 0, "same": 1, "back": 1, "not-compared": 0}
    assert movements.total.counts == {"forward": 1, "same": 1, "back": 1, "not-compared": 1}

    html = html_of(r2014)
    line_1a = html[html.index('id="line-1.a"') : html.index('id="line-1.b"')]
    assert "Since 2013: in progress \u2192 completed (moved forward)" in text_of(line_1a)
    details = line_1a[line_1a.index('<details class="previous">') :]
    assert JUSTICE_2013 in details and JUSTICE_2013_ANSWER in details
    assert "Changes since the previous round" in html
    body = docx_text(r2014)
    assert "completed \u2192 in progress" in body and JUSTICE_2013_ANSWER in body
    assert "Annex 3. Answers of the previous round" in body


def test_without_a_previous_round_nothing_is_compared(open_round):
    report = report_of(open_round)
    assert report.summary.movements is None
    assert all(n.change is None for line in report.lines() for n in line.narratives)


# --- focus countries --------------------------------------------------------------------------------


def test_focus_country_chapters_hold_exactly_the_approved_public_contributions_tagged(rounds):
    _r2013, r2014 = rounds
    countries = report_of(r2014).countries
    assert [c.code for c in countries.focus] == ["AF", "CD", "ML"]
    entries = {c.code: [(e.line_code, e.department.code) for e in c.entries] for c in countries.focus}
    assert entries == {"AF": [("21", "foreign-affairs")], "CD": [], "ML": [("23.a", "defence")]}
    assert [(c.code, [(e.line_code, e.department.code) for e in c.entries]) for c in countries.others] == [
        ("FR", [("3.a", "justice")])
    ]
    afghanistan = countries.focus[0].entries[0]
    assert afghanistan.figures[0].figures.women == 28300
    html = html_of(r2014)
    chapter = html[html.index('id="country-af"') : html.index('id="country-cd"')]
    assert FA_AF in chapter and DEFENCE_AF_INTERNAL not in chapter and FA_AF_UNAPPROVED not in chapter
    assert "28,300" in chapter
    assert JUSTICE_FR in html[html.index('id="countries-other"') :]
    # The draft shows the internal and unapproved ones too, marked.
    draft = {c.code: [e.department.code for e in c.entries] for c in report_of(r2014, draft=True).countries.focus}
    assert draft["AF"] == ["foreign-affairs", "defence", "foreign-affairs"]


# --- annexes ----------------------------------------------------------------------------------------


def _titles(report: content.Report) -> list[str]:
    return [a.title for a in report.annexes]


def test_annexes_without_data_are_left_out_and_the_coordinator_chooses_them(rounds, coordinator):
    _r2013, r2014 = rounds
    assert _titles(report_of(r2014)) == [
        "Annex 1. Departments and abbreviations",
        "Annex 2. Status scale",
        "Annex 3. Answers of the previous round",
        "Annex 4. How this report was produced",
    ], "no baseline, no international request, no civil-society record"
    editorial.report_texts_save(actor=coordinator, round=r2014, annexes=["statuses", "international", "method"])
    assert _titles(report_of(r2014)) == ["Annex 1. Status scale", "Annex 2. How this report was produced"]
    html = html_of(r2014)
    assert "Departments and abbreviations" not in html and 'id="annex-international"' not in html


def test_departments_annex_lists_every_abbreviation_of_the_belgian_plan(rounds):
    _r2013, r2014 = rounds
    annex = next(a for a in report_of(r2014).annexes if a.key == "departments")
    abbreviations = [row[0] for row in annex.tables[0].rows]
    assert content.DASH not in abbreviations and len(abbreviations) == 10
    assert "CGRS" in abbreviations and "IEWM" in abbreviations


def test_international_and_civil_society_annexes_appear_with_their_data_public_only_in_the_final(
    rounds, plan, coordinator
):
    from naptrack.civilsociety.models import Assessment, Event, Organisation
    from naptrack.international.models import Dispatch, Framework, Request
    from naptrack.plans.models import Action, Department

    _r2013, r2014 = rounds
    framework = Framework.objects.create(code="eu-2015", body="eu", name="EU indicators on 1325", version="2015")
    public = Request.objects.create(
        framework=framework, due_on=dt.date(2014, 6, 1), period_start=2013, period_end=2013, visibility="public"
    )
    internal = Request.objects.create(
        framework=Framework.objects.create(code="osce-x", body="osce", name="OSCE internal survey"),
        due_on=dt.date(2014, 6, 1),
        period_start=2013,
        period_end=2013,
    )
    for request in (public, internal):
        Dispatch.objects.create(request=request, version=1, sent_on=dt.date(2014, 7, 1), sent_to="EEAS", content={})
    Event.objects.create(
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation with civil society",
        date=dt.date(2014, 10, 3),
        organiser=Department.objects.get(code="equality"),
        women=1200,
        men=300,
        public=True,
    )
    Event.objects.create(
        plan=plan,
        kind="other",
        title="A closed meeting",
        date=dt.date(2014, 11, 3),
        organiser=Department.objects.get(code="equality"),
    )
    organisation = Organisation.objects.create(name="Vrouwenraad")
    line = Action.objects.get(plan=plan, code="34")
    Assessment.objects.create(
        round=r2014, organisation=organisation, action=line, status="in-progress", state="accepted"
    )
    Assessment.objects.create(
        round=r2014, organisation=Organisation.objects.create(name="Unpublished NGO"), action=line, state="submitted"
    )

    report = report_of(r2014)
    keys = [a.key for a in report.annexes]
    assert keys == ["departments", "statuses", "previous-answers", "international", "civil-society", "method"]
    international = next(a for a in report.annexes if a.key == "international")
    assert [row[0] for row in international.tables[0].rows] == ["EU indicators on 1325 2015"]
    civil = next(a for a in report.annexes if a.key == "civil-society")
    assert [row[1] for row in civil.tables[0].rows] == ["Mid-term consultation with civil society"]
    assert civil.tables[0].rows[0][3] == "1,500"
    assert [row[0] for row in civil.tables[1].rows] == ["Vrouwenraad"]
    html = html_of(r2014, "fr")
    assert "1\u202f500" in html
    assert "OSCE internal survey" not in html and "A closed meeting" not in html and "Unpublished NGO" not in html
    draft = [
        row[0]
        for row in next(a for a in report_of(r2014, draft=True).annexes if a.key == "international").tables[0].rows
    ]
    assert "OSCE internal survey" in draft
    assert "EU indicators on 1325 2015" in docx_text(r2014)


# --- transmission -----------------------------------------------------------------------------------


def test_transmission_is_recorded_by_the_coordinator_for_a_published_round_only(rounds, coordinator, focal_defence):
    r2013, r2014 = rounds
    kwargs = {"sent_on": dt.date(2014, 6, 30), "recipient": "House of Representatives"}
    with pytest.raises(WorkflowError):
        editorial.transmission_record(actor=coordinator, round=r2014, **kwargs)
    with pytest.raises(PermissionDenied):
        editorial.transmission_record(actor=focal_defence, round=r2013, **kwargs)
    t = editorial.transmission_record(
        actor=coordinator, round=r2013, document_number="54 1234/001", url="https://www.dekamer.be/x", **kwargs
    )
    assert AuditEvent.objects.filter(action="publications.transmission.recorded", target_id=str(r2013.pk)).count() == 1
    assert t.history.count() == 1


def test_the_transmission_shows_on_the_portal_beside_the_published_report_and_in_open_data(
    rounds, coordinator, coordinator_client, anonymous
):
    import csv
    import json

    r2013, _r2014 = rounds
    PublishedReport.objects.create(round=r2013, language="en", format="pdf", file="reports/x.pdf", size=1000)
    before = anonymous.get(f"/plans/{BE}/").content.decode()
    assert "Sent to the" not in before
    response = coordinator_client.post(
        f"/rounds/{r2013.pk}/report/transmissions/",
        {
            "sent_on": "2014-06-30",
            "recipient": "House of Representatives",
            "committee": "Foreign Relations Committee",
            "document_number": "54 1234/001",
            "url": "https://www.dekamer.be/doc/54/1234",
            "next": "dashboard",
        },
    )
    assert response.status_code == 302
    assert r2013.transmissions.count() == 1, [str(m) for m in response.wsgi_request._messages]
    page = anonymous.get(f"/plans/{BE}/").content.decode()
    assert (
        "Sent to the House of Representatives on 30 June 2014 (Foreign Relations Committee), document 54 1234/001"
        in text_of(page)
    )
    assert 'href="https://www.dekamer.be/doc/54/1234"' in page
    rows = list(csv.DictReader(io.StringIO(anonymous.get("/open-data/transmissions.csv").content.decode())))
    assert [(r["round_year"], r["sent_on"], r["recipient"], r["document_number"]) for r in rows] == [
        ("2013", "2014-06-30", "House of Representatives", "54 1234/001")
    ]
    document = json.loads(anonymous.get("/open-data/transmissions.json").content)
    assert document["rows"][0]["committee"] == "Foreign Relations Committee"
    assert anonymous.get("/open-data/transmissions.xlsx").status_code == 200
    assert "/open-data/transmissions.csv" in anonymous.get("/open-data/").content.decode()


# --- cover, numbers, queries ------------------------------------------------------------------------


def tiny_png() -> bytes:
    """A one-pixel PNG, for the institution's logo."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
        + chunk(b"IEND", b"")
    )


def test_cover_names_the_country_and_institution_and_numbers_follow_the_language(rounds, settings, tmp_path):
    import docx

    _r2013, r2014 = rounds
    settings.NAPTRACK_REPORT_INSTITUTION = "Institute for the Equality of Women and Men"
    logo = tmp_path / "logo.png"
    logo.write_bytes(tiny_png())
    settings.NAPTRACK_REPORT_LOGO = str(logo)
    html = html_of(r2014)
    cover = html[html.index('<header class="cover">') : html.index("</header>")]
    assert "Institute for the Equality of Women and Men" in cover and "Belgium" in cover
    assert '<img src="data:image/png;base64,' in cover
    line_21 = html[html.index('id="line-21"') : html.index('id="line-22"')]
    assert "<td>28,300</td>" in line_21
    for lang in ("fr", "nl"):
        other = html_of(r2014, lang)
        line_21 = other[other.index('id="line-21"') : other.index('id="line-22"')]
        assert "<td>28\u202f300</td>" in line_21
    document = docx.Document(io.BytesIO(services.report_build(r2014, "docx", "fr")))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Institute for the Equality of Women and Men" in body
    assert len(document.inline_shapes) >= 1
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert "28\u202f300" in cells


def test_building_the_full_report_keeps_its_query_count(written, coordinator, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(written, "html", "en")
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(written, "docx", "fr", draft=True)
    # More of everything the new parts read: the same count.
    fill(written, "2.a", "development", coordinator, coordinator, status="completed", countries=["CD", "BI"])
    fill(written, "14.a", "defence", coordinator, coordinator, status="in-progress", countries=["ML"])
    editorial.report_texts_save(actor=coordinator, round=written, texts={"conclusions": {"nl": "Tot slot."}})
    with django_assert_num_queries(REPORT_QUERIES):
        html = services.report_build(written, "html", "nl").decode()
    assert "Tot slot." in html and 'id="country-bi"' in html


def test_markdown_in_a_table_cell_prints_as_words():
    """The previous round's narratives sit in an annex table, where Markdown marks would print."""
    from naptrack.core.markdown import plain

    text = "**Foreign Affairs** trained [70 diplomats](https://example.org) & more.\n\n- one\n- two <b>x</b>"
    assert plain(text) == "Foreign Affairs trained 70 diplomats & more.\n\u2013 one\n\u2013 two x"
