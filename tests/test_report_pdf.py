"""The report to parliament as a PDF laid out by Typst: tagged for screen readers (PDF/UA-1, the
document's language and the language of passages in another one), its draft watermarked, user
text printed as text whatever Typst would make of it as markup, the same bytes for the same
report, several laid out side by side."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from naptrack.plans.models import Action, Objective, Plan
from naptrack.publications import content, pdf, services
from naptrack.reporting import services as reporting

from . import test_report
from .portal_data import fill
from .test_report import DEFENCE_INTERNAL, FA_NARRATIVE, FA_UNAPPROVED, SYNTHESIS, plan_codes

pytestmark = pytest.mark.django_db

# The round the report tests share (test_report.py), and each test's own media folder.
_own_media = test_report._own_media
baseline = test_report.baseline
report_round = test_report.report_round


def reader_of(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


def pdf_of(round_, lang: str = "en", draft: bool = False) -> PdfReader:
    return reader_of(services.report_build(round_, "pdf", lang, draft))


def pages_text(reader: PdfReader) -> list[str]:
    return [page.extract_text() for page in reader.pages]


def flat(text: str) -> str:
    """The text with its line ends (where the PDF wraps lines) as spaces."""
    return " ".join(text.split())


def structure_languages(reader: PdfReader) -> set[str]:
    """The languages set on the elements of the PDF's structure tree."""
    found: set[str] = set()

    def walk(node) -> None:
        node = node.get_object()
        if isinstance(node, ArrayObject):
            for child in node:
                walk(child)
        elif isinstance(node, DictionaryObject):
            if "/Lang" in node:
                found.add(str(node["/Lang"]))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def test_pdf_is_tagged_pdf_ua_with_its_title_language_and_fonts_embedded(report_round):
    reader = pdf_of(report_round)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"], "readers show the title, not the file name"
    metadata = root["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata, "declared PDF/UA-1, which Typst checked"
    assert reader.outline, "bookmarks"
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"].get("/Font", {}).values()
    }
    assert fonts <= {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique", "DejaVuSansMono"}


def test_pdf_has_every_line_once_in_plan_order_a_contents_with_page_numbers_and_page_x_of_y(report_round, plan):
    reader = pdf_of(report_round)
    pages = pages_text(reader)
    text = "\n".join(pages)
    assert re.findall(r"Line of action (\d+(?:\.[a-z])?)\n", text) == plan_codes(plan)
    contents = flat(pages[1])
    assert contents.startswith("Annual report 2014 Contents Contents")
    assert re.search(r"Summary \.+ \d+", contents)
    assert re.search(r"Objective 1\. International normative framework \.+ \d+", contents)
    assert re.search(r"Goal 1\. .+? \.+ \d+", contents)
    total = len(reader.pages)
    for n, page in enumerate(pages[1:], start=2):
        assert f"Page {n} of {total}" in page
    assert "Page 1 of" not in pages[0], "no page furniture on the cover"
    assert "42.9%" in text and "No report received from Defence." in text
    assert FA_NARRATIVE in flat(text) and SYNTHESIS in flat(text)


def test_final_pdf_leaves_out_internal_and_unapproved_content_and_has_no_watermark(report_round):
    text = flat("\n".join(pages_text(pdf_of(report_round))))
    assert DEFENCE_INTERNAL not in text and FA_UNAPPROVED not in text
    assert "DRAFT" not in text and "Draft only" not in text


def test_draft_pdf_is_watermarked_on_every_page_and_marks_draft_only_items(report_round):
    reader = pdf_of(report_round, draft=True)
    pages = pages_text(reader)
    assert all("DRAFT" in page for page in pages)
    text = flat("\n".join(pages))
    assert reader.metadata.title.startswith("Draft: Report to parliament")
    before_internal = text[: text.index(DEFENCE_INTERNAL)][-400:]
    assert "[Draft only: internal, not for publication]" in before_internal
    before_unapproved = text[: text.index(FA_UNAPPROVED)][-400:]
    assert "[Draft only: submitted, not yet approved]" in before_unapproved


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_pdf_in_another_language_says_so_and_tags_english_passages(report_round, lang):
    from django.utils import translation
    from django.utils.translation import gettext

    reader = pdf_of(report_round, lang)
    assert reader.trailer["/Root"]["/Lang"] == lang
    assert "en" in structure_languages(reader), "the plan's English text, shown for want of a translation"
    text = flat("\n".join(pages_text(reader)))
    with translation.override(lang):
        assert gettext("Line of action %(code)s") % {"code": "21"} in text
        assert gettext("Page %(page)s of %(pages)s") % {"page": 2, "pages": len(reader.pages)} in text
        note = gettext("Part of this chapter is only available in English.")
    # One note per chapter that holds English text, never a mark on each text.
    assert "International normative framework" in text
    assert "[EN]" not in text
    assert text.count(note) <= 1 + 6 + 4 + 7 + 3  # cover, contents, objectives, texts, annexes, ...
    assert note in text


# --- user text is data, never Typst ---------------------------------------------------------------

# Typst's markup and code: as markup, these would read a file, import, typeset mathematics, refer
# to a label, make text strong or emphasised, or break the template's brackets.
TYPST = '#read("/etc/passwd") #import "x": * $x^2$ @ref <label> ] [ { } \\ ` ~ -- ... '
PLAN_TYPST = TYPST + "*strong* _emph_ `raw`"
# In Markdown, `*x*` and `_x_` are Markdown's own emphasis, and a backslash escapes punctuation:
# the narrative keeps what Markdown keeps literal (as the HTML report shows it).
MARKDOWN_TYPST = '#read("/etc/passwd") then #import "x": * and $x^2$ @ref a < b > c ] [ { } C:\\temp a_b_c'


def test_typst_markup_in_user_text_is_printed_literally_and_reads_nothing(report_round, plan, be_document, coordinator):

    # The texts typed into the plan's rows (a plan file loaded now would be an amendment, which
    # the round, opened before it, would not show).
    Plan.objects.filter(pk=plan.pk).update(title_en="Plan " + PLAN_TYPST)
    Objective.objects.filter(plan=plan, number=1).update(title_en="Objective title " + PLAN_TYPST)
    Action.objects.filter(plan=plan, code="1.a").update(text_en="Line text " + PLAN_TYPST)
    assert Objective.objects.get(plan=plan, number=1).title.startswith("Objective title #read")
    fill(
        report_round,
        "1.b",
        "foreign-affairs",
        coordinator,
        coordinator,
        narrative="Narrative " + MARKDOWN_TYPST,
        answers={1: {"text": "Answer " + PLAN_TYPST}},
    )
    line = Action.objects.get(plan=plan, code="1.c")
    reporting.synthesis_save(
        actor=coordinator, round=report_round, action=line, text="Synthesis " + MARKDOWN_TYPST, version=None
    )

    reader = pdf_of(report_round)
    text = flat("\n".join(pages_text(reader)))
    for printed in (
        "Plan " + PLAN_TYPST,
        "Objective title " + PLAN_TYPST,
        "Line text " + PLAN_TYPST,
        "Answer " + PLAN_TYPST,
        "Narrative " + MARKDOWN_TYPST,
        "Synthesis " + MARKDOWN_TYPST,
    ):
        assert flat(printed) in text
    assert "root:" not in text, "no file was read"
    assert reader.metadata.title.startswith("Report to parliament")
    assert Plan.objects.get(pk=plan.pk).title in flat(text)


def test_markdown_becomes_blocks_of_plain_strings():
    from naptrack.publications.typst.blocks import markdown_blocks

    blocks = markdown_blocks(
        "In **2014**, *two* things: [a link](https://example.org) and `#code`.  \nNext line.\n\n"
        "- one #read\n- two\n\n1. first\n2. second\n\n> quoted\n\n<script>alert(1)</script>"
    )
    assert blocks == [
        {
            "t": "p",
            "c": [
                "In ",
                {"t": "strong", "c": ["2014"]},
                ", ",
                {"t": "em", "c": ["two"]},
                " things: ",
                {"t": "link", "url": "https://example.org", "c": ["a link"]},
                " and ",
                {"t": "code", "text": "#code"},
                ".",
                {"t": "br"},
                "Next line.",
            ],
        },
        {"t": "ul", "start": 1, "items": [[{"t": "p", "c": ["one #read"]}], [{"t": "p", "c": ["two"]}]]},
        {"t": "ol", "start": 1, "items": [[{"t": "p", "c": ["first"]}], [{"t": "p", "c": ["second"]}]]},
        {"t": "quote", "c": [{"t": "p", "c": ["quoted"]}]},
    ], "the sanitiser drops the script, as in the HTML report"


# --- building ---------------------------------------------------------------------------------------


def test_the_same_report_gives_the_same_bytes(report_round):
    first = services.report_build(report_round, "pdf", "en", cache=False)
    assert services.report_build(report_round, "pdf", "en", cache=False) == first


def test_pdfs_laid_out_side_by_side_are_those_laid_out_one_after_the_other(report_round):
    source = content.load(report_round, draft=False)
    reports = [content.build(source, lang) for lang in ("en", "fr")]
    side_by_side = pdf.render_pdfs(reports, cache=False, processes=2)
    assert side_by_side == pdf.render_pdfs(reports, cache=False, processes=1)
    assert [reader_of(data).trailer["/Root"]["/Lang"] for data in side_by_side] == ["en", "fr"]


def test_an_error_in_a_layout_reaches_the_caller():
    import typst as compiler

    with pytest.raises(compiler.TypstError):
        pdf.layout_many([("not the report's data", None), ("nor this", None)], processes=2)


def test_cover_shows_the_institution_and_its_logo_and_a_missing_logo_is_left_out(report_round, settings, tmp_path):
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="20">'
        '<text x="0" y="15" font-family="DejaVu Sans">LOGOTYPE</text></svg>'
    )
    settings.NAPTRACK_REPORT_INSTITUTION = "Institute for the Equality of Women and Men"
    settings.NAPTRACK_REPORT_LOGO = str(logo)
    cover = pdf_of(report_round).pages[0].extract_text()
    assert "Institute for the Equality of Women and Men" in cover
    assert "LOGOTYPE" in cover, "the logo, read by naptrack and given to Typst as bytes"
    settings.NAPTRACK_REPORT_LOGO = str(tmp_path / "gone.png")
    cover = pdf_of(report_round).pages[0].extract_text()
    assert "Institute for the Equality of Women and Men" in cover and "LOGOTYPE" not in cover


def test_odd_markdown_still_gives_a_pdf_ua_report(report_round, coordinator):
    odd = (
        "[](https://example.org) [refused](javascript:alert(1)) ![a picture](picture.png)\n\n"
        '| | b |\n|---|---|\n| | |\n\n# A heading\n\n1.\n\n-\n\n    indented code #read("x")\n\n---'
    )
    fill(report_round, "2.a", "development", coordinator, coordinator, narrative=odd)
    reader = pdf_of(report_round)
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfuaid:part>1</pdfuaid:part>" in metadata
    text = flat("\n".join(pages_text(reader)))
    assert "https://example.org refused" in text and 'indented code #read("x")' in text


def test_a_report_typst_finds_not_pdf_ua_still_comes_out_tagged_and_the_log_says_so(report_round, monkeypatch, caplog):
    import typst as compiler

    from naptrack.publications import typst as engine

    real = engine._compiler()
    standards = []

    class Strict:
        def compile_with_warnings(self, **kwargs):
            standards.append(kwargs["pdf_standards"])
            if kwargs["pdf_standards"]:
                raise compiler.TypstError("PDF/UA-1 error: invalid structure", "")
            return real.compile_with_warnings(**kwargs)

    monkeypatch.setattr(engine, "_compiler", Strict)
    reader = pdf_of(report_round)
    assert standards == [["ua-1"], []]
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "report PDF written without PDF/UA-1: PDF/UA-1 error: invalid structure" in caplog.text
