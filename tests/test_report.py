"""The report to parliament: built from a round's approved contributions on the real Belgian plan,
in the plan's order, as HTML, PDF and DOCX, in English, French and Dutch; the draft for internal
review; the downloads; publishing; the command line; and what it costs in SQL queries."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from naptrack import cli
from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Action
from naptrack.portal import publishing
from naptrack.publications import content, services
from naptrack.publications.models import PublishedReport
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Round

from .conftest import BE, logged_in
from .portal_data import as_numbers, fill, publish

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    # Stored reports and the PDF cache of each test in its own folder: no test reuses another's PDF.
    settings.MEDIA_ROOT = tmp_path / "media"


# What the departments wrote: each phrase appears once in the data, so that a test can tell
# whether the report shows it.
FA_NARRATIVE = "Foreign Affairs trained seventy diplomats on resolution 1325."
JUSTICE_NARRATIVE = "Justice reported to the CEDAW committee in **October**."
JUSTICE_ANSWER = "Periodic report submitted to CEDAW."
DEFENCE_INTERNAL = "Defence internal assessment not for publication."
FA_UNAPPROVED = "Foreign Affairs text awaiting review."
SYNTHESIS = "Women's share among diplomats rose since the baseline."
# The round's instructions to focal points: never printed in the report (test_report_content.py).
INTRO = "This is the report on 2014, the second year of the plan."


def plan_codes(plan) -> list[str]:
    return list(Action.objects.filter(plan=plan).in_plan_order().values_list("code", flat=True))


@pytest.fixture
def baseline(plan, coordinator, monkeypatch):
    """The 2012 baseline, published, with Foreign Affairs' figures on line 21. Its own stored
    reports are not what these tests look at: publishing it skips writing them."""
    round_ = reporting.round_create(
        actor=coordinator, plan=plan, kind="baseline", year=2012, deadline=dt.date(2013, 3, 1)
    )
    round_ = reporting.round_open(actor=coordinator, round=round_, notify=False)
    fill(round_, "21", "foreign-affairs", coordinator, coordinator, answers={2: {"women": 20, "men": 50}})
    fill(round_, "21", "defence", coordinator, coordinator, answers={2: {"women": 9, "men": 91}})
    return publish(round_, coordinator, monkeypatch)


@pytest.fixture
def report_round(baseline, open_round, coordinator, focal_defence, focal_justice):
    """The 2014 annual round, open: approved public input on lines 1.a and 21, an internal
    contribution of Defence and an unapproved one of Foreign Affairs on 1.a, a synthesis on 21;
    most lines, 23.a (Defence only) among them, without input."""
    reporting.round_update(actor=coordinator, round=open_round, intro={"en": INTRO})
    fill(
        open_round,
        "1.a",
        "justice",
        focal_justice,
        coordinator,
        status="completed",
        narrative=JUSTICE_NARRATIVE,
        countries=["CD"],
        answers={1: {"text": JUSTICE_ANSWER}},
    )
    fill(open_round, "1.a", "defence", focal_defence, coordinator, narrative=DEFENCE_INTERNAL, visibility="internal")
    fill(open_round, "1.a", "foreign-affairs", coordinator, coordinator, narrative=FA_UNAPPROVED, then="submitted")
    fill(
        open_round,
        "21",
        "foreign-affairs",
        coordinator,
        coordinator,
        status="continuous",
        narrative=FA_NARRATIVE,
        answers={2: {"women": 30, "men": 40, "other": 0}},
    )
    fill(open_round, "21", "defence", focal_defence, coordinator, answers={2: {"women": 12, "men": 88}})
    as_numbers(open_round.plan, "16.a")
    fill(open_round, "16.a", "defence", focal_defence, coordinator, answers={1: {"value": "0.25", "unit": "ratio"}})
    line_21 = Action.objects.get(plan=open_round.plan, code="21")
    reporting.synthesis_save(actor=coordinator, round=open_round, action=line_21, text=SYNTHESIS, version=None)
    return Round.objects.get(pk=open_round.pk)


def html_of(round_, lang: str = "en", draft: bool = False) -> str:
    return services.report_build(round_, "html", lang, draft).decode()


class Headings(HTMLParser):
    """The report's headings in document order, with their level, id and text."""

    def __init__(self):
        super().__init__()
        self.headings: list[tuple[str, str, str]] = []
        self._open: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            self._open = [tag, dict(attrs).get("id", ""), ""]

    def handle_data(self, data):
        if self._open:
            self._open[2] += data

    def handle_endtag(self, tag):
        if self._open and tag == self._open[0]:
            self.headings.append((self._open[0], self._open[1], " ".join(self._open[2].split())))
            self._open = None


def headings(html: str) -> list[tuple[str, str, str]]:
    parser = Headings()
    parser.feed(html)
    return parser.headings


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- content --------------------------------------------------------------------------------------


def test_every_line_of_action_appears_once_in_plan_order(report_round, plan):
    found = [id_.removeprefix("line-") for tag, id_, _t in headings(html_of(report_round)) if tag == "h4"]
    assert found == plan_codes(plan)
    assert len(found) == 102


def test_objectives_and_goals_follow_the_plan_under_the_cover_and_summary(report_round):
    tree = headings(html_of(report_round))
    assert tree[0] == ("h1", "", "Report to parliament")
    parts = [text for tag, _id, text in tree if tag == "h2"]
    # No introduction written for the report: none printed (the round's instructions are not one).
    assert parts[:2] == ["Contents", "Summary"]
    assert [p.split(".")[0] for p in parts[2:8]] == [f"Objective {n}" for n in range(1, 7)]
    # A chapter per focus country, then the annexes that have data (no earlier qualitative answers,
    # no international request, no civil-society record: those are left out).
    assert parts[8:] == [
        "Afghanistan",
        "Democratic Republic of the Congo",
        "Mali",
        "Annex 1. Departments and abbreviations",
        "Annex 2. Status scale",
        "Annex 3. Baseline values",
        "Annex 4. How this report was produced",
    ]
    goals = [id_ for tag, id_, _t in tree if tag == "h3" and id_.startswith("goal-")]
    assert goals == [f"goal-{n}" for n in range(1, 38)]


def test_report_shows_narratives_figures_share_of_women_and_earlier_years(report_round):
    html = html_of(report_round)
    text = text_of(html)
    assert INTRO not in text, "the round's instructions to focal points are not the report's introduction"
    assert FA_NARRATIVE in text
    assert "Justice reported to the CEDAW committee in <strong>October</strong>." in html, "Markdown is rendered"
    assert JUSTICE_ANSWER in text
    assert SYNTHESIS in text
    assert "Democratic Republic of the Congo" in text, "focus-country tags"
    line_21 = html[html.index('id="line-21"') : html.index('id="line-22"')]
    # Foreign Affairs: 30 women, 40 men, 0 other, 70 in all, 42.9 % women; Defence: 12 %.
    row = re.search(r"<tr><th scope=\"row\">Foreign Affairs.*?</tr>", line_21, re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["30", "40", "0", "70", "42.9%"]
    assert "12.0%" in line_21
    # The baseline's figures beside this year's, and a chart of both with its text alternative.
    history = line_21[line_21.index("Earlier years beside this year") :]
    assert "2012 (baseline)" in history and "28.6%" in history and "2014" in history
    assert '<img src="data:image/svg+xml;base64,' in line_21
    assert 'alt="Bar chart. Line of action 21, instrument 2: women and men, by year.' in line_21
    assert "2012 (baseline): 20 women, 50 men" in line_21
    assert "0.25" in text_of(html[html.index('id="line-16.a"') :])


def test_line_without_input_says_no_report_was_received(report_round):
    html = html_of(report_round)
    line_23a = html[html.index('id="line-23.a"') : html.index('id="line-23.b"')]
    assert "No report received from Defence." in line_23a
    line_21 = html[html.index('id="line-21"') : html.index('id="line-22"')]
    assert "No report received from Foreign Affairs." not in line_21
    assert "No report received from Defence." not in line_21
    assert "No report received from Federal Police." in line_21, "who did not report on 21"
    summary = html[html.index('id="summary"') : html.index('id="objective-1"')]
    assert re.search(r"Defence</strong>: [^<]*\b23\.a\b", summary), "the summary lists what is missing"


def test_final_report_leaves_out_internal_and_unapproved_content(report_round):
    html = html_of(report_round)
    assert DEFENCE_INTERNAL not in html
    assert FA_UNAPPROVED not in html
    assert "DRAFT" not in html and "Draft only" not in html
    line_1a = html[html.index('id="line-1.a"') : html.index('id="line-1.b"')]
    assert "No report received from Foreign Affairs." in line_1a
    assert "The report of Defence on this line is for internal use and is not published." in line_1a


def test_draft_shows_internal_and_unapproved_content_marked_under_a_watermark(report_round):
    html = html_of(report_round, draft=True)
    assert '<div class="watermark" aria-hidden="true">DRAFT</div>' in html
    internal = html[html.index(DEFENCE_INTERNAL) - 600 : html.index(DEFENCE_INTERNAL)]
    assert "[Draft only: internal, not for publication]" in internal
    unapproved = html[html.index(FA_UNAPPROVED) - 600 : html.index(FA_UNAPPROVED)]
    assert "[Draft only: submitted, not yet approved]" in unapproved
    assert FA_NARRATIVE in html


def test_final_report_compares_only_with_published_rounds(report_round, plan, coordinator):
    earlier = reporting.round_create(
        actor=coordinator, plan=plan, kind="annual", year=2013, deadline=dt.date(2014, 1, 31)
    )
    reporting.round_open(actor=coordinator, round=earlier, notify=False)
    fill(earlier, "21", "foreign-affairs", coordinator, coordinator, answers={2: {"women": 4321, "men": 1}})
    assert "<td>4,321</td>" not in html_of(report_round), "a round still open is no source of published figures"
    assert "<td>4,321</td>" in html_of(report_round, draft=True)


def test_summary_counts_contributions_by_status_per_objective_and_department(report_round):
    report = content.build(content.load(report_round, draft=False), "en")
    by_objective = {row.label: row for row in report.summary.by_objective}
    # Objective 1 holds 1.a; objective 4 holds 21 and 23.a.
    assert by_objective["Objective 1"].counts["completed"] == 1
    assert by_objective["Objective 4"].counts["continuous"] == 1
    assert by_objective["Objective 4"].counts["in-progress"] == 1
    assert by_objective["Objective 1"].counts["withheld"] == 1
    assert report.summary.received == 4
    assert report.summary.expected == 195
    assert sum(row.total for row in report.summary.by_department) == 195


# --- formats --------------------------------------------------------------------------------------


def test_docx_has_word_headings_for_objectives_goals_and_lines_and_word_tables(report_round, plan):
    import docx

    document = docx.Document(io.BytesIO(services.report_build(report_round, "docx", "en")))
    by_style: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        by_style.setdefault(paragraph.style.name, []).append(paragraph.text)
    objectives = [t for t in by_style["Heading 1"] if t.startswith("Objective")]
    assert [t.split(".")[0] for t in objectives] == [f"Objective {n}" for n in range(1, 7)]
    assert [t.split(".")[0] for t in by_style["Heading 2"] if t.startswith("Goal")] == [
        f"Goal {n}" for n in range(1, 38)
    ]
    assert by_style["Heading 3"] == [f"Line of action {code}" for code in plan_codes(plan)]
    assert "No report received from Defence." in by_style["Absent"]
    body = "\n".join(p.text for p in document.paragraphs)
    assert FA_NARRATIVE in body and DEFENCE_INTERNAL not in body and FA_UNAPPROVED not in body
    figures = [t for t in document.tables if t.rows[0].cells[0].text == "Department" and len(t.columns) == 6]
    assert ["Foreign Affairs", "30", "40", "0", "70", "42.9%"] in [
        [c.text for c in r.cells] for t in figures for r in t.rows
    ]
    assert len(document.inline_shapes) >= 3, "the status charts and line 21's chart"
    assert "Report to parliament" in document.sections[0].header.paragraphs[-1].text


def test_draft_docx_is_watermarked_and_marks_draft_only_items(report_round):
    import docx

    document = docx.Document(io.BytesIO(services.report_build(report_round, "docx", "en", draft=True)))
    header = document.sections[0].header._element.xml
    assert 'string="DRAFT"' in header
    body = "\n".join(p.text for p in document.paragraphs)
    assert DEFENCE_INTERNAL in body and "[Draft only: internal, not for publication]" in body


def test_pdf_is_tagged_and_its_text_has_the_report_structure(report_round, plan):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(services.report_build(report_round, "pdf", "en")))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root, "a tagged PDF"
    assert root["/Lang"] == "en"
    assert reader.metadata.title.startswith("Report to parliament: Annual report 2014")
    text = "\n".join(page.extract_text() for page in reader.pages)
    codes = re.findall(r"Line of action (\d+(?:\.[a-z])?)\n", text)
    assert codes == plan_codes(plan)
    assert re.search(r"Objective 1\. International normative framework", text)
    assert "No report received from Defence." in text
    assert FA_NARRATIVE in " ".join(text.split())
    assert "42.9%" in text
    assert f"Page 2 of {len(reader.pages)}" in text
    assert DEFENCE_INTERNAL not in text


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_french_and_dutch_reports_build_with_translated_fixed_texts(report_round, lang):
    html = html_of(report_round, lang)
    assert f'<html lang="{lang}">' in html
    with translation.override(lang):
        assert gettext("Line of action %(code)s") % {"code": "21"} in text_of(html)
        defence = {"fr": "Défense", "nl": "Defensie"}[lang]  # the department's official name
        assert gettext("No report received from %(name)s.") % {"name": defence} in text_of(html)
        summary = gettext("Summary")
    assert f"<h2>{summary}</h2>" in html
    # The plan is only in English: its texts are shown in English with their language, and each
    # chapter that holds them says so once (no mark on every text).
    assert '<span lang="en">International normative framework</span>' in html
    assert "[EN]" not in html
    with translation.override(lang):
        # As the HTML writes it: escaped (the French note has apostrophes).
        note = escape(gettext("Part of this chapter is only available in English."))
    objective = html[html.index('id="objective-1"') :]
    assert objective[: objective.index("<h3")].count(note) == 1
    assert FA_NARRATIVE in html, "narratives as the departments wrote them"
    import docx

    document = docx.Document(io.BytesIO(services.report_build(report_round, "docx", lang)))
    assert document.core_properties.language.startswith(lang)


# --- queries --------------------------------------------------------------------------------------

# The plan's tree, the round (with its report texts), earlier rounds, contributions, measurements,
# syntheses, and the annexes' sources: international requests, civil society's events and
# assessments. The previous round's statuses and answers come with the earlier rounds' rows.
# The totals of the figures: the approved numeric measurements, then their countries (two more).
# The plan's targets (one more; test_report_targets.py pins what targets cost).
REPORT_QUERIES = 14 + 2 + 1


def test_building_the_report_makes_a_fixed_number_of_queries(report_round, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(report_round, "html", "en")
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(report_round, "docx", "fr", draft=True)


def test_query_count_does_not_grow_with_more_rounds_and_contributions(
    report_round, plan, coordinator, django_assert_num_queries
):
    more = reporting.round_create(actor=coordinator, plan=plan, kind="annual", year=2013, deadline=dt.date(2014, 1, 31))
    reporting.round_open(actor=coordinator, round=more, notify=False)
    for code, department in (("21", "foreign-affairs"), ("1.b", "foreign-affairs"), ("2.a", "development")):
        fill(more, code, department, coordinator, coordinator, narrative=f"More on {code}.")
    for code, department in (("2.a", "development"), ("3.a", "justice"), ("14.a", "defence")):
        fill(report_round, code, department, coordinator, coordinator, narrative=f"Also on {code}.")
    with django_assert_num_queries(REPORT_QUERIES):
        html = services.report_build(report_round, "html", "en", draft=True).decode()
    # 2013's narrative is the previous round's answer (collapsed, and in its annex), not this year's.
    this_year = re.sub(
        r"<details class=\"previous\">.*?</details>", "", html.split('<section id="annex-')[0], flags=re.S
    )
    assert "More on 21." not in this_year and "More on 21." in html and "Also on 14.a." in this_year


def test_query_count_does_not_grow_with_more_lines_of_action(
    report_round, plan, coordinator, be_document, django_assert_num_queries
):
    from naptrack.plans.services import plan_load
    from tests.portal_data import new_round, with_current_kinds

    # The kinds the round was answered under (the fixture turned some into numbers).
    document = with_current_kinds(be_document)
    goal_1 = document["objectives"][0]["goals"][0]
    for letter in "xyz":
        goal_1["actions"].append(
            {
                "code": f"1.{letter}",
                "text": f"An extra line {letter}.",
                "instruments": [{"text": "Women and men trained.", "kind": "quantitative", "by_sex": True}],
                "departments": ["defence", "justice"],
                "coordinator": None,
            }
        )
    # Rounds have opened: the file is an amendment, and the round opened after it asks for the new lines.
    plan_load(actor="tests", document=document)
    later = new_round(plan, coordinator, "annual", 2015)
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(report_round, "html", "en")
    with django_assert_num_queries(REPORT_QUERIES):
        html = services.report_build(later, "html", "en").decode()
    lines = [id_ for tag, id_, _t in headings(html) if tag == "h4"]
    assert len(lines) == 105
    assert lines[:7] == ["line-1.a", "line-1.b", "line-1.c", "line-1.x", "line-1.y", "line-1.z", "line-2.a"]


# --- downloads ------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in_for_a_round_report(report_round, anonymous):
    for query in ("", "?draft=1"):
        response = anonymous.get(f"/rounds/{report_round.pk}/report.pdf{query}")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_focal_points_and_readers_download_the_report(report_round, focal_defence_client, reader):
    response = focal_defence_client.get(f"/rounds/{report_round.pk}/report.html?lang=fr")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="fr">' in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    # A Word file is built by a job (tests/test_report_jobs.py), which ends with its download.
    client = logged_in(reader)
    job_page = client.post(f"/rounds/{report_round.pk}/report.docx")["Location"]
    response = client.get(f"{job_page}file/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{BE}-annual-2014-en.docx"'


def test_coordinator_downloads_the_draft(report_round, coordinator_client):
    response = coordinator_client.get(f"/rounds/{report_round.pk}/report.html?draft=1")
    assert response.status_code == 200
    assert DEFENCE_INTERNAL in response.content.decode()
    assert f"/rounds/{report_round.pk}/" in response.content.decode(), "a way back to the round"


def test_unknown_format_or_language_is_not_found(report_round, coordinator_client):
    assert coordinator_client.get(f"/rounds/{report_round.pk}/report.odt").status_code == 404
    assert coordinator_client.get(f"/rounds/{report_round.pk}/report.pdf?lang=xx").status_code == 404
    assert coordinator_client.get("/rounds/99999/report.pdf").status_code == 404


def test_downloads_include_offers_every_language_and_format(report_round):
    from django.template.loader import render_to_string

    html = render_to_string("publications/_downloads.html", {"round": report_round, "draft": True})
    final = render_to_string("publications/_downloads.html", {"round": report_round})
    for lang in ("en", "fr", "nl", "de"):
        for fmt in ("html", "pdf", "docx"):
            assert f"/rounds/{report_round.pk}/report.{fmt}?lang={lang}&amp;draft=1" in html
            assert f'/rounds/{report_round.pk}/report.{fmt}?lang={lang}"' in html
            assert f'/rounds/{report_round.pk}/report.{fmt}?lang={lang}"' in final
    assert "draft=1" not in final, "the draft is offered only to who may read it"


# --- publishing -----------------------------------------------------------------------------------


def test_publishing_a_round_stores_its_report_in_three_languages_and_lists_it_publicly(
    report_round, coordinator, anonymous, settings, tmp_path, django_assert_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    reporting.round_close(actor=coordinator, round=report_round)
    published = publishing.round_publish(actor=coordinator, round=report_round)
    files = PublishedReport.objects.filter(round=published)
    assert sorted((f.language, f.format) for f in files) == sorted(
        (lang, fmt) for lang in ("en", "fr", "nl") for fmt in ("pdf", "docx")
    )
    for stored in files:
        path = tmp_path / stored.file.name
        assert stored.file.name.startswith(f"reports/{published.pk}/")
        assert path.stat().st_size == stored.size > 1000
    assert AuditEvent.objects.filter(action="publications.reports.published", target_id=str(published.pk)).count() == 1

    # The plan page with the state of implementation of the published round (naptrack.portal);
    # one query more than before any report, for the reports' transmissions to parliament; one for
    # the plan's published evaluations; one for the share of women in the round's figures
    # (naptrack.portal.glance).
    with django_assert_num_queries(13):
        page = anonymous.get(f"/plans/{BE}/").content.decode()
    assert "Published reports" in page
    pdf_fr = files.get(language="fr", format="pdf")
    assert f'href="/reports/{pdf_fr.pk}/"' in page
    response = anonymous.get(f"/reports/{pdf_fr.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Disposition"] == f'attachment; filename="{BE}-annual-2014-fr.pdf"'


def test_a_failed_report_leaves_the_round_unpublished_and_no_file_behind(
    report_round, coordinator, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    reporting.round_close(actor=coordinator, round=report_round)
    calls = []

    def failing(report):
        calls.append(report.language)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return b"PK stand-in"

    from naptrack.publications import docx, pdf

    monkeypatch.setattr(pdf, "layout_many", lambda documents, **kwargs: [b"%PDF-1.7 stand-in"] * len(documents))
    monkeypatch.setattr(docx, "render_docx", failing)
    with pytest.raises(RuntimeError):
        publishing.round_publish(actor=coordinator, round=report_round)
    assert Round.objects.get(pk=report_round.pk).state == "closed"
    assert not PublishedReport.objects.exists()
    # The PDF cache may keep what was laid out (a second attempt is faster); no report is stored.
    stored = [f for f in tmp_path.rglob("*") if f.is_file() and "report-cache" not in f.parts]
    assert not stored


def test_a_failure_while_storing_removes_the_files_already_written(
    report_round, coordinator, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    reporting.round_close(actor=coordinator, round=report_round)
    monkeypatch.setattr(services, "reports_build", lambda round: None)
    monkeypatch.setattr(
        services, "_build", lambda reports, documents: services.Built("x", [("en", "pdf", b"%PDF-1.7 stand-in")] * 3)
    )

    def refuse(objs, **kwargs):
        raise OSError("the database went away")

    monkeypatch.setattr(PublishedReport.objects, "bulk_create", refuse)
    with pytest.raises(OSError):
        publishing.round_publish(actor=coordinator, round=report_round)
    assert Round.objects.get(pk=report_round.pk).state == "closed"
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_round_changed_while_its_report_was_built_gets_a_fresh_report(
    report_round, coordinator, settings, tmp_path, monkeypatch
):
    settings.MEDIA_ROOT = tmp_path
    reporting.round_close(actor=coordinator, round=report_round)
    stale = services.Built("built before the last approval", [("en", "pdf", b"%PDF-1.7 stale")])
    monkeypatch.setattr(services, "reports_build", lambda round: stale)
    publishing.round_publish(actor=coordinator, round=report_round)
    stored = PublishedReport.objects.filter(round=report_round)
    assert stored.count() == 6
    assert b"stale" not in stored.get(language="en", format="pdf").file.read()


def test_the_same_pdf_asked_for_again_comes_from_the_cache_and_a_change_makes_a_new_one(
    report_round, coordinator, settings
):
    cache = settings.MEDIA_ROOT / "report-cache"
    first = services.report_build(report_round, "pdf", "en")
    assert len(list(cache.iterdir())) == 1
    assert services.report_build(report_round, "pdf", "en") == first
    assert len(list(cache.iterdir())) == 1
    fill(report_round, "3.a", "justice", coordinator, coordinator, narrative="A late approval.")
    second = services.report_build(report_round, "pdf", "en")
    assert second != first
    assert len(list(cache.iterdir())) == 2
    assert services.report_build(report_round, "pdf", "en", cache=False) != first


def test_only_the_coordinator_publishes_reports_and_only_of_published_rounds(report_round, focal_defence, coordinator):
    from django.core.exceptions import PermissionDenied

    from naptrack.reporting.services import WorkflowError

    with pytest.raises(PermissionDenied):
        services.reports_publish(actor=focal_defence, round=report_round)
    with pytest.raises(WorkflowError):
        services.reports_publish(actor=coordinator, round=report_round)


# --- command line ---------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_builds_the_report_by_year_or_id(report_round, capsys, tmp_path):
    target = tmp_path / "report.docx"
    code, _out, err = run(
        capsys,
        "report",
        "build",
        "--plan",
        BE,
        "--round",
        "2014",
        "--format",
        "docx",
        "--lang",
        "nl",
        "-o",
        str(target),
    )
    assert code == 0, err
    assert target.read_bytes().startswith(b"PK")
    assert err.startswith(f"wrote {target}")
    target = tmp_path / "draft.html"
    code, _out, err = run(
        capsys,
        "report",
        "build",
        "--plan",
        BE,
        "--round",
        str(report_round.pk),
        "--format",
        "html",
        "--draft",
        "-o",
        str(target),
    )
    assert code == 0, err
    assert DEFENCE_INTERNAL in target.read_text()


def test_cli_picks_the_annual_round_of_a_year_and_the_only_round_otherwise(report_round, baseline, plan, coordinator):
    from naptrack.cli.report import find_round

    reporting.round_create(actor=coordinator, plan=plan, kind="mid-term", year=2014, deadline=dt.date(2015, 6, 1))
    assert find_round(BE, "2014") == report_round
    assert find_round(BE, "2012") == baseline
    assert find_round(BE, str(baseline.pk)) == baseline


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--plan", "nope", "--round", "2014"],
            "naptrack: no plan 'nope'; plans in this installation: be-nap-2013-2016\n",
        ),
        (
            ["--plan", BE, "--round", "2019"],
            f"naptrack: plan {BE} has no round covering 2019; years with rounds: 2012, 2014\n",
        ),
        (["--plan", BE, "--round", "1899"], f"naptrack: plan {BE} has no round with id 1899\n"),
        (["--plan", BE, "--round", "last"], "naptrack: --round must be a year or a round id, not 'last'\n"),
    ],
)
def test_cli_explains_a_round_it_cannot_find_in_one_line(report_round, capsys, tmp_path, argv, message):
    target = tmp_path / "r.pdf"
    code, out, err = run(capsys, "report", "build", *argv, "--format", "pdf", "-o", str(target))
    assert (code, out, err) == (1, "", message)
    assert not target.exists()


def test_cli_says_when_a_year_has_several_rounds_but_no_annual_one(report_round, plan, coordinator, capsys, tmp_path):
    reporting.round_create(actor=coordinator, plan=plan, kind="mid-term", year=2015, deadline=dt.date(2016, 6, 1))
    final = reporting.round_create(actor=coordinator, plan=plan, kind="final", year=2015, deadline=dt.date(2016, 6, 1))
    code, _out, err = run(capsys, "report", "build", "--plan", BE, "--round", "2015", "--format", "html", "-o", "-")
    assert code == 1
    assert err.startswith(f"naptrack: plan {BE} has several rounds covering 2015: final (id {final.pk})")
    assert err.endswith("give the round's id\n")


def test_cli_rejects_an_unknown_format_as_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["report", "build", "--plan", BE, "--round", "2014", "--format", "odt", "-o", "x.odt"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'odt'" in capsys.readouterr().err
