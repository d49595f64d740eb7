"""The plan's pages, reports, workbooks and e-mails in English, French, Dutch and German: numbers
and dates as Belgians write them in each language (en-GB, fr-BE, nl-BE, de-BE), page titles in
plain text, one notice per page or chapter where plan text is only in English, and German
wherever the interface's fixed texts go."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from openpyxl import load_workbook
from pypdf import PdfReader

from naptrack.plans.models import Action, Department, Goal, Instrument, Note, Objective, Plan
from naptrack.publications import services
from naptrack.reporting import notifications
from naptrack.reporting.services.workbooks import workbook_export

from .conftest import BE
from .portal_data import as_numbers, fill, new_round, publish

pytestmark = pytest.mark.django_db
PLAN = f"/plans/{BE}"
LANGS = ("en", "fr", "nl", "de")
NNBSP = "\u202f"  # the narrow no-break space that groups thousands in French, Dutch and German
PUBLISHED = dt.datetime(2026, 12, 5, 10, 30, tzinfo=dt.UTC)

# What each language writes for 29 550 people, 1 234.5 cases and 5 December 2026.
EXPECTED = {
    "en": {"total": "29,550", "value": "1,234.5", "date": "5 December 2026", "deadline": "1 March 2015"},
    "fr": {"total": f"29{NNBSP}550", "value": f"1{NNBSP}234,5", "date": "5 décembre 2026", "deadline": "1 mars 2015"},
    "nl": {"total": f"29{NNBSP}550", "value": f"1{NNBSP}234,5", "date": "5 december 2026", "deadline": "1 maart 2015"},
    "de": {"total": f"29{NNBSP}550", "value": f"1{NNBSP}234,5", "date": "5. Dezember 2026", "deadline": "1. März 2015"},
}
AMBIGUOUS = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def prefix(lang: str) -> str:
    return "" if lang == "en" else f"/{lang}"


@pytest.fixture
def figures_round(plan, coordinator, monkeypatch):
    """The 2014 round with large figures: 1 250 women and 28 300 men among diplomats (line 21)
    and 1 234.5 cases on line 16.a; published on 5 December 2026 (reports not written)."""
    from naptrack.reporting.models import Round

    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "21", "foreign-affairs", coordinator, coordinator, answers={2: {"women": 1250, "men": 28300}})
    as_numbers(plan, "16.a")
    fill(round_, "16.a", "defence", coordinator, coordinator, answers={1: {"value": "1234.5", "unit": "cases"}})
    round_ = publish(round_, coordinator, monkeypatch)
    Round.objects.filter(pk=round_.pk).update(published_at=PUBLISHED)
    return Round.objects.get(pk=round_.pk)


# --- numbers and dates per locale -----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_a_page_writes_numbers_and_dates_as_its_language_does(figures_round, anonymous, lang):
    expected = EXPECTED[lang]
    line_21 = page(anonymous, f"{prefix(lang)}/plans/be-nap-2013-2016/lines/21/")
    assert expected["total"] in line_21
    assert expected["date"] in line_21
    line_16 = page(anonymous, f"{prefix(lang)}/plans/be-nap-2013-2016/lines/16.a/")
    assert expected["value"] in line_16
    for html in (line_21, line_16):
        assert not AMBIGUOUS.search(html), "never 12/05/2026"


def test_format_modules_give_belgian_formats_and_24_hour_times():
    from django.utils.formats import date_format, number_format, time_format

    at = dt.datetime(2026, 12, 5, 14, 30)
    expected_times = {"en": "14:30", "fr": "14:30", "nl": "14:30", "de": "14:30"}
    for lang in LANGS:
        with translation.override(lang):
            assert date_format(at.date(), "DATE_FORMAT") == EXPECTED[lang]["date"]
            assert date_format(at.date(), "SHORT_DATE_FORMAT") == "2026-12-05", "ISO 8601 in tables"
            assert time_format(at.time(), "TIME_FORMAT") == expected_times[lang]
            assert number_format(1234.5, decimal_pos=1, force_grouping=True) == EXPECTED[lang]["value"]


def pdf_text(round_, lang: str) -> str:
    reader = PdfReader(io.BytesIO(services.report_build(round_, "pdf", lang)))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def same_spaces(text: str) -> str:
    # The PDF's text extraction may give a narrow no-break space as a plain one.
    return text.replace(NNBSP, " ").replace("\xa0", " ")


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_pdf_writes_numbers_and_dates_as_its_language_does(figures_round, lang):
    text = same_spaces(pdf_text(figures_round, lang))
    expected = EXPECTED[lang]
    for key in ("total", "value", "date"):
        assert same_spaces(expected[key]) in text, key
    assert not AMBIGUOUS.search(text)


def test_chart_axes_group_thousands_as_the_report_language_does(figures_round):
    from naptrack.publications import charts, content

    source = content.load(figures_round, draft=False)
    for lang, thousands in (("en", ","), ("fr", NNBSP), ("de", NNBSP)):
        report = content.build(source, lang)
        chart = next(c for c in report.charts if c.key == "21-2")  # line 21's figures by sex
        assert chart.spec["config"]["locale"]["number"]["thousands"] == thousands
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", charts.svg(chart))
        assert any(re.fullmatch(rf"\d{{1,3}}(?:{re.escape(thousands)}\d{{3}})+", label) for label in labels), labels


@pytest.mark.parametrize("lang", LANGS)
def test_a_workbook_writes_dates_and_numbers_in_its_person_s_language(plan, focal_defence, coordinator, lang):
    round_ = new_round(plan, coordinator, "annual", 2014)
    focal_defence.language = lang
    focal_defence.save()
    data = workbook_export(actor=focal_defence, round=round_, department=focal_defence.department)
    wb = load_workbook(io.BytesIO(data))
    instructions = "\n".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    with translation.override(lang):
        assert gettext("How to fill in this workbook") in instructions
        assert EXPECTED[lang]["deadline"] in instructions
    grouped = "20,000" if lang == "en" else f"20{NNBSP}000"
    assert grouped in instructions, "the narrative's limit, thousands grouped"
    sheet = wb.worksheets[1]
    headers = [c.value for c in sheet[1]]
    with translation.override(lang):
        women = headers.index(gettext("Women")) + 1
    formats = {sheet.cell(r, women).number_format for r in range(2, sheet.max_row + 1)}
    assert "#,##0" in formats, "counts grouped by the reader's spreadsheet in its own locale"


def test_the_workbook_instructions_come_in_german(plan, focal_defence, coordinator):
    round_ = new_round(plan, coordinator, "annual", 2014)
    focal_defence.language = "de"
    focal_defence.save()
    wb = load_workbook(
        io.BytesIO(workbook_export(actor=focal_defence, round=round_, department=focal_defence.department))
    )
    text = "\n".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    with translation.override("de"):
        heading = gettext("How to fill in this workbook")
    assert heading != "How to fill in this workbook" and heading in text


# --- titles and the notice of English text ---------------------------------------------------------

MAIN_PAGES = [
    "/",
    "/plans/",
    f"{PLAN}/",
    f"{PLAN}/objectives/1/",
    f"{PLAN}/objectives/3/",
    f"{PLAN}/lines/14.a/",
    f"{PLAN}/lines/21/",
    f"{PLAN}/departments/",
    f"{PLAN}/departments/defence/",
    f"{PLAN}/departments/interior-federal-police/",
    f"{PLAN}/compare/",
    f"{PLAN}/search/?q=women",
    "/search/?q=women",
    "/open-data/",
    "/answers/",
    "/consultations/",
    "/recommendations/",
    "/network/",
]
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def main_pages(client, lang: str) -> dict[str, str]:
    pages = {}
    for url in MAIN_PAGES:
        response = client.get(f"{prefix(lang)}{url}")
        if response.status_code == 404 and "departments/interior-federal-police" in url:
            continue  # a unit's page where the plan has it
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    return pages


@pytest.mark.parametrize("lang", LANGS)
def test_page_titles_are_plain_text_in_every_language(figures_round, anonymous, lang):
    for url, html in main_pages(anonymous, lang).items():
        titles = TITLE.findall(html)
        assert len(titles) == 1, url
        assert "<" not in titles[0] and "&lt;" not in titles[0], f"markup in the title of {url}: {titles[0]}"
        assert "badge" not in titles[0] and "lang=" not in titles[0], url


@pytest.mark.parametrize("lang", ("fr", "nl", "de"))
def test_one_notice_per_page_instead_of_a_badge_on_every_text(figures_round, anonymous, lang):
    with translation.override(lang):
        notice = escape(gettext("Part of this page is only available in English."))
    seen = 0
    for url, html in main_pages(anonymous, lang).items():
        assert "fallback-note" not in html and 'aria-hidden="true">EN<' not in html, url
        assert html.count(notice) <= 1, url
        main = html[html.index('id="main"') :]
        if '<span lang="en">' in main or '<div lang="en">' in main:
            assert html.count(notice) == 1, f"English text without the notice on {url}"
            seen += 1
    assert seen, "the plan is English only: some pages show English text"


def test_a_page_with_every_text_translated_has_no_notice(plan, anonymous):
    translate_plan(plan, "nl")
    html = page(anonymous, f"/nl{PLAN}/lines/14.a/")
    with translation.override("nl"):
        assert gettext("Part of this page is only available in English.") not in html
    assert 'lang="en"' not in html[html.index('id="main"') :]


# --- a fully translated Dutch report ---------------------------------------------------------------

TRANSLATED = {
    Plan: ("title",),
    Department: ("name", "abbreviation"),
    Objective: ("title", "intro"),
    Goal: ("text",),
    Action: ("text",),
    Note: ("text",),
    Instrument: ("text",),
}


def translate_plan(plan, lang: str) -> None:
    """Every text of the plan given a translation in `lang` ("NL: " and the English text), as a
    translator's import would leave it in the text's column for the language."""
    for model, fields in TRANSLATED.items():
        rows = list(model.objects.all())
        for row in rows:
            for name in fields:
                source = getattr(row, f"{name}_en")
                if source:
                    setattr(row, f"{name}_{lang}", f"{lang.upper()}: {source}")
        model.objects.bulk_update(rows, [f"{name}_{lang}" for name in fields])


def test_the_dutch_report_of_a_fully_translated_plan_has_no_fallback_marker(plan, figures_round):
    translate_plan(plan, "nl")
    with translation.override("nl"):
        note = gettext("Part of this chapter is only available in English.")
    html = services.report_build(figures_round, "html", "nl").decode()
    assert "NL: International normative framework" in html
    assert 'lang="en"' not in html and "[EN]" not in html and note not in html

    document = zipfile.ZipFile(io.BytesIO(services.report_build(figures_round, "docx", "nl")))
    body = document.read("word/document.xml").decode()
    assert "NL: International normative framework" in body
    assert 'w:val="en-GB"' not in body and "[EN]" not in body and note not in body

    text = pdf_text(figures_round, "nl")
    assert "NL: International normative framework" in text
    assert "[EN]" not in text and note not in text


def test_the_dutch_report_of_a_part_translated_plan_notes_english_once_per_chapter(plan, figures_round):
    objective = Objective.objects.get(plan=plan, number=1)
    objective.title_nl = "Internationaal normatief kader"
    objective.save()
    with translation.override("nl"):
        note = gettext("Part of this chapter is only available in English.")
    html = services.report_build(figures_round, "html", "nl").decode()
    assert "[EN]" not in html
    chapter = html[html.index('id="objective-1"') : html.index('id="objective-2"')]
    assert chapter.count(note) == 1, "its goals and lines are still in English"
    assert '<span lang="en">' in chapter


# --- German: e-mails, the report, its downloads ---------------------------------------------------


def test_a_german_speaking_focal_point_gets_the_round_s_e_mail_in_german(plan, coordinator, focal_defence):
    focal_defence.language = "de"
    focal_defence.email = "defence@example.org"
    focal_defence.save()
    round_ = new_round(plan, coordinator, "annual", 2014)
    mail.outbox.clear()
    notifications.round_opened(round_)
    message = next(m for m in mail.outbox if m.to == ["defence@example.org"])
    assert message.extra_headers["Content-Language"] == "de"
    assert "1. März 2015" in message.subject and "1. März 2015" in message.body
    with translation.override("de"):
        assert gettext("Thank you.") in message.body
        assert gettext("Thank you.") != "Thank you."


def test_the_report_is_built_in_german_with_its_fixed_texts_in_german(figures_round):
    html = services.report_build(figures_round, "html", "de").decode()
    assert '<html lang="de">' in html
    with translation.override("de"):
        for message in ("Summary", "Report to parliament", "Contents"):
            assert gettext(message) != message, "the German catalog has it"
            assert escape(gettext(message)) in html
        line = gettext("Line of action %(code)s") % {"code": "21"}
    assert line in pdf_text(figures_round, "de")
    document = zipfile.ZipFile(io.BytesIO(services.report_build(figures_round, "docx", "de")))
    assert "de-BE" in document.read("docProps/core.xml").decode()


def test_the_german_report_is_offered_for_download_and_built_by_the_cli(figures_round, tmp_path):
    from django.template.loader import render_to_string

    from naptrack.cli.main import main

    html = render_to_string("publications/_downloads.html", {"round": figures_round})
    assert f"/rounds/{figures_round.pk}/report.pdf?lang=de" in html
    assert 'lang="de">Deutsch<' in html
    out = tmp_path / "bericht.html"
    status = main(
        [
            "report",
            "build",
            "--plan",
            "be-nap-2013-2016",
            "--round",
            "2014",
            "--format",
            "html",
            "--lang",
            "de",
            "-o",
            str(out),
        ]
    )
    assert status in (0, None)
    assert '<html lang="de">' in out.read_text(encoding="utf-8")


def test_timezone_is_brussels_and_times_are_24_hour_on_pages(figures_round):
    with translation.override("en"):
        from django.utils.formats import date_format

        assert date_format(timezone.localtime(PUBLISHED), "DATETIME_FORMAT") == "5 December 2026, 11:30"
