"""The totals of the figures in the report to parliament (content/figures.py) on the shared
fixture (tests/figures_data.py): the 2015 report's money per currency, people by sex and counts,
each focus country's part, in its content, HTML, DOCX and PDF; currencies never summed, an
internal figure never public, numbers in the report's language."""

from __future__ import annotations

import io

import docx
import pytest

from naptrack.publications import content, services
from naptrack.publications.content import FigureTable, FigureTotals, Text

from .figures_data import EXPECTED, build
from .test_report import REPORT_QUERIES, text_of
from .test_report_pdf import flat, pages_text, reader_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def rounds(plan, coordinator, monkeypatch):
    return build(plan, coordinator, monkeypatch)


def report_of(round_, lang: str = "en", draft: bool = False) -> content.Report:
    return content.build(content.load(round_, draft=draft), lang)


def cells(table: FigureTable) -> list[list[str]]:
    return [[str(c) for c in row] for row in table.rows]


def table(totals: FigureTotals, starts: str) -> FigureTable:
    return next(t for t in totals.tables if t.caption.startswith(starts))


def test_the_2015_report_totals_money_per_currency_people_by_sex_and_earlier_years(rounds):
    _r2014, r2015 = rounds
    figures = report_of(r2015).figures
    assert figures.title == "Figures in 2015"
    money = table(figures, "Money reported in 2015")
    assert money.head == [
        "Currency",
        "Amount",
        "of which bilateral",
        "of which multilateral",
        "of which civil society",
        "Marked 1 or 2 on the gender marker",
        "Share marked 1 or 2",
    ]
    rows = {row[0]: row for row in cells(money)}
    assert sorted(rows) == ["EUR", "USD"]  # one row per currency: never one sum of both
    eur, usd = EXPECTED["money"][2015]["EUR"], EXPECTED["money"][2015]["USD"]
    assert rows["EUR"][1] == content.number(eur["amount"]) == "145,000"
    assert rows["EUR"][-2:] == ["145,000", "100.0%"]
    assert rows["USD"][1] == content.number(usd["amount"]) == "10,000" and rows["USD"][-2:] == ["0", "0.0%"]
    channels = dict(zip(money.head, rows["EUR"], strict=True))
    assert channels["of which civil society"] == "120,000" and channels["of which multilateral"] == "25,000"
    assert channels["of which bilateral"] == content.DASH
    people = table(figures, "People counted by sex in 2015")
    (row,) = people.rows
    assert isinstance(row[0], Text) and row[0].text == "people trained"
    assert [str(c) for c in row[1:]] == ["12", "8", "0", "20", "60.0%"]
    assert not [t for t in figures.tables if t.caption.startswith("Counts reported in 2015")]  # submitted only
    # 2014 beside 2015: the comparison the report already makes with earlier rounds.
    history = cells(table(figures, "Money by year"))
    assert ["2014", "EUR", "300,000", "33.3%"] in history and ["2015", "USD", "10,000", "0.0%"] in history
    assert ["2014", "experts", "4"] in cells(table(figures, "Counts by year"))


def test_each_focus_country_chapter_has_its_part_of_the_round(rounds):
    _r2014, r2015 = rounds
    chapters = {c.code: c for c in report_of(r2015).countries.focus}
    assert sorted(chapters) == ["AF", "CD", "ML"]
    af, cd, ml = chapters["AF"].totals, chapters["CD"].totals, chapters["ML"].totals
    assert cells(table(af, "Money reported in Afghanistan"))[0][:2] == ["EUR", "70,000"]
    assert [t.caption.split(" in ")[0] for t in af.tables] == ["Money reported"]
    assert cells(table(ml, "Money reported in Mali"))[0][:2] == ["EUR", "50,000"]
    assert cells(table(cd, "People counted by sex in"))[0][:3] == ["people trained", "12", "8"]
    assert not [t for t in cd.tables if t.caption.startswith("Money")]
    # 2014's country figures are 2014's report's, not 2015's.
    chapters_2014 = {c.code: c for c in report_of(_r2014).countries.focus}
    assert cells(table(chapters_2014["AF"].totals, "Money reported"))[0][:2] == ["EUR", "60,000"]


def test_a_country_without_figures_says_so(plan, coordinator, monkeypatch):
    from .portal_data import new_round

    round_ = new_round(plan, coordinator, "annual", 2016)
    report = report_of(round_, draft=True)
    af = report.countries.focus[0].totals
    assert af.tables == [] and af.none == "No figures reported in Afghanistan in 2016."
    assert report.figures.none == "No figures were reported for 2016."
    html = text_of(services.report_build(round_, "html", "en", draft=True).decode())
    assert "No figures reported in Afghanistan in 2016." in html and "No figures were reported for 2016." in html


def test_html_shows_the_totals_with_headers_and_an_internal_figure_never_public(rounds):
    r2014, r2015 = rounds
    html = services.report_build(r2015, "html", "en").decode()
    assert '<section id="figures"' in html and '<section id="country-af-figures"' in html
    summary = html.split('<section id="figures"')[1].split("</section>")[0]
    assert '<th scope="col">Currency</th>' in summary and '<th scope="row">EUR</th><td>145,000</td>' in summary
    assert '<th scope="row">USD</th><td>10,000</td>' in summary and "155,000" not in html
    people = text_of(summary)
    assert "people trained 12 8 0 20 60.0%" in people
    af = text_of(html.split('<section id="country-af-figures"')[1].split("</section>")[0])
    assert "EUR 70,000" in af
    cd = text_of(html.split('<section id="country-cd-figures"')[1].split("</section>")[0])
    assert "people trained 12 8" in cd
    # 2014's 999 EUR are approved but internal: counted in the draft only.
    public = text_of(services.report_build(r2014, "html", "en").decode())
    draft = services.report_build(r2014, "html", "en", draft=True).decode()
    draft_summary = text_of(draft.split('<section id="figures"')[1].split("</section>")[0])
    assert "EUR 300,000" in public and "300,999" not in public and "999" not in public.split("Figures in 2014")[1]
    assert "EUR 300,999" in draft_summary


def test_numbers_follow_the_report_language(rounds):
    _r2014, r2015 = rounds
    money = table(report_of(r2015, "fr").figures, "")
    rows = {row[0]: row for row in cells(money)}
    assert rows["EUR"][1] == "145\u202f000" and rows["EUR"][-1].startswith("100,0")


def test_docx_and_pdf_hold_the_same_figures(rounds):
    _r2014, r2015 = rounds
    document = docx.Document(io.BytesIO(services.report_build(r2015, "docx", "en")))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    eur = next(row for t in tables for row in t if row[:2] == ["EUR", "145,000"])
    assert eur[-2:] == ["145,000", "100.0%"]
    assert any(row[:2] == ["USD", "10,000"] for t in tables for row in t)
    assert any(row == ["people trained", "12", "8", "0", "20", "60.0%"] for t in tables for row in t)
    assert any(row[:2] == ["EUR", "70,000"] for t in tables for row in t)  # Afghanistan's chapter
    assert not any("155,000" in cell for t in tables for row in t for cell in row)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Figures in 2015" in headings and "Figures in Afghanistan in 2015" in headings

    text = flat(" ".join(pages_text(reader_of(services.report_build(r2015, "pdf", "en")))))
    assert "Figures in 2015" in text and "EUR 145,000" in text and "100.0%" in text
    assert "USD 10,000" in text and "people trained 12 8 0 20 60.0%" in text
    assert "Figures in Afghanistan in 2015" in text and "EUR 70,000" in text
    assert "155,000" not in text


def test_the_totals_cost_a_fixed_number_of_queries(rounds, plan, coordinator, django_assert_num_queries):
    _r2014, r2015 = rounds
    with django_assert_num_queries(REPORT_QUERIES):
        services.report_build(r2015, "html", "en")
