"""Write the Word template of the report to parliament: report-template.docx beside this file.

    python -m naptrack.publications.make_template

The template carries what a coordinator would otherwise set up by hand in Word: A4 pages, the
styles (Title, Heading 1-5 in one colour scheme, TOC 1-2, Caption, a red "Mark" for draft-only
items), the running header, page numbers in the footer, a DRAFT watermark shown only in drafts,
and the cover's placeholders. docxtpl fills the placeholders ({{ ... }}, Jinja); docx.py writes
the body into the same styles. Run it again after changing this file, and commit both.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

TEMPLATE = Path(__file__).with_name("report-template.docx")
FONT = "Arial"  # fontconfig maps it to Liberation Sans (same metrics) on Debian
BLUE = RGBColor(0x1F, 0x38, 0x64)
RED = RGBColor(0xA0, 0x00, 0x00)

# A text watermark as Word draws it (a VML WordArt shape behind the text in the header), inside
# Jinja tags so that docxtpl keeps it only for drafts.
WATERMARK = (
    "<w:r %s><w:pict>"
    '<v:shapetype id="_x0000_t136" coordsize="21600,21600" o:spt="136" adj="10800" '
    'path="m@7,l@8,m@5,21600l@6,21600e">'
    '<v:formulas><v:f eqn="sum #0 0 10800"/><v:f eqn="prod #0 2 1"/><v:f eqn="sum 21600 0 @1"/>'
    '<v:f eqn="sum 0 0 @2"/><v:f eqn="sum 21600 0 @3"/><v:f eqn="if @0 @3 0"/><v:f eqn="if @0 21600 @1"/>'
    '<v:f eqn="if @0 0 @2"/><v:f eqn="if @0 @4 21600"/><v:f eqn="mid @5 @6"/><v:f eqn="mid @8 @5"/>'
    '<v:f eqn="mid @7 @8"/><v:f eqn="mid @6 @7"/><v:f eqn="sum @6 0 @5"/></v:formulas>'
    '<v:path textpathok="t" o:connecttype="custom" o:connectlocs="@9,0;@10,10800;@11,21600;@12,10800" '
    'o:connectangles="270,180,90,0"/><v:textpath on="t" fitshape="t"/>'
    '<v:handles><v:h position="#0,bottomRight" xrange="6629,14971"/></v:handles>'
    '<o:lock v:ext="edit" text="t" shapetype="t"/></v:shapetype>'
    '<v:shape id="naptrackWatermark" o:spid="_x0000_s2049" type="#_x0000_t136" '
    'style="position:absolute;margin-left:0;margin-top:0;width:470pt;height:120pt;rotation:315;'
    "z-index:-251654144;mso-position-horizontal:center;mso-position-horizontal-relative:margin;"
    'mso-position-vertical:center;mso-position-vertical-relative:margin" o:allowincell="f" '
    'fillcolor="#c00000" stroked="f"><v:fill opacity=".18"/>'
    '<v:textpath style="font-family:&quot;Arial&quot;;font-size:1pt;font-weight:bold" string="{{ watermark }}"/>'
    "</v:shape></w:pict></w:r>"
) % (nsdecls("w") + ' xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"')


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice compute when they lay out the page."""
    run = paragraph.add_run()
    run.font.size = Pt(8)
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, text, separate, shown, end):
        run._r.append(element)


def _styles(document) -> None:
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    # East Asian and complex-script fonts too, so that Word does not fall back to its theme font.
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    for name, size in (("Title", 26), ("Subtitle", 13), ("Heading 1", 16), ("Heading 2", 12.5), ("Heading 3", 11)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.color.rgb = BLUE
    for name, size in (("Heading 4", 10), ("Heading 5", 10)):
        style = styles[name]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.italic = False
        style.font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    styles["Heading 1"].paragraph_format.page_break_before = True
    # The default template's headings name theme fonts, which win over w:ascii: drop them so
    # that every style uses FONT.
    for element in styles.element.iter(qn("w:rFonts")):
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            element.attrib.pop(qn(attr), None)
    styles["Caption"].font.size = Pt(9)
    styles["Caption"].font.bold = True
    styles["Caption"].font.italic = False
    styles["Caption"].font.color.rgb = RGBColor(0x11, 0x11, 0x11)
    styles["Caption"].paragraph_format.keep_with_next = True
    for level in (1, 2):
        toc = styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        # Word's own name for its table-of-contents styles, so that its TOC field uses these.
        toc.element.name_val = f"toc {level}"
        toc.element.attrib.pop(qn("w:customStyle"), None)
        toc.base_style = styles["Normal"]
        toc.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        toc.paragraph_format.space_after = Pt(2)
        toc.font.size = Pt(10 if level == 1 else 9)
    mark = styles.add_style("Mark", WD_STYLE_TYPE.CHARACTER)
    mark.font.bold = True
    mark.font.color.rgb = RED
    mark.font.size = Pt(8.5)
    absent = styles.add_style("Absent", WD_STYLE_TYPE.PARAGRAPH)
    absent.base_style = styles["Normal"]
    absent.font.italic = True
    absent.font.color.rgb = RGBColor(0x7A, 0x1F, 0x1F)
    meta = styles.add_style("Line Meta", WD_STYLE_TYPE.PARAGRAPH)
    meta.base_style = styles["Normal"]
    meta.font.size = Pt(9)
    synthesis = styles.add_style("Synthesis", WD_STYLE_TYPE.PARAGRAPH)
    synthesis.base_style = styles["Normal"]
    # The shading first: the schema wants w:shd before w:ind, which python-docx then places after.
    shading = parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="EEF2F8"/>')
    synthesis.element.get_or_add_pPr().append(shading)
    synthesis.paragraph_format.left_indent = Cm(0.4)
    table_text = styles.add_style("Table Text", WD_STYLE_TYPE.PARAGRAPH)
    table_text.base_style = styles["Normal"]
    table_text.font.size = Pt(9)
    table_text.paragraph_format.space_after = Pt(0)


def build() -> Path:
    document = Document()
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(1.8)
    section.top_margin, section.bottom_margin = Cm(2.2), Cm(2)
    section.different_first_page_header_footer = True  # the cover has neither

    header = section.header
    header.paragraphs[0].text = "{%p if draft %}"
    watermark = header.add_paragraph()
    watermark._p.append(parse_xml(WATERMARK))
    header.add_paragraph("{%p endif %}")
    running = header.add_paragraph("{{ running_header }}")
    running.style = document.styles["Header"]
    for run in running.runs:
        run.font.size = Pt(8)
        run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("{{ page_word }} ")
    _field(footer, "PAGE")
    footer.add_run(" {{ of_word }} ")
    _field(footer, "NUMPAGES")
    for run in footer.runs:
        run.font.size = Pt(8)

    # The issuing institution's logo and name (NAPTRACK_REPORT_LOGO, NAPTRACK_REPORT_INSTITUTION),
    # each left out when not set.
    first = document.paragraphs[0] if document.paragraphs else document.add_paragraph()
    first.text = "{%p if logo %}"
    document.add_paragraph("{{ logo }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p if institution %}")
    document.add_paragraph("{{ institution }}", style="Subtitle")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{{ plan_title }}", style="Subtitle")
    document.add_paragraph("{{ report_title }}", style="Title")
    document.add_paragraph("{{ round_label }}", style="Subtitle")
    for label, value in (
        ("country_caption", "country"),
        ("kind_caption", "kind_label"),
        ("year_caption", "year"),
        ("date_caption", "date_label"),
        ("version_caption", "version_label"),
    ):
        p = document.add_paragraph()
        p.add_run("{{ " + label + " }}: ").bold = True
        p.add_run("{{ " + value + " }}")
    document.add_paragraph("{%p if draft %}")
    note = document.add_paragraph()
    note.add_run("{{ draft_note }}", style="Mark")
    document.add_paragraph("{%p endif %}")

    # Word recomputes fields (the table of contents, page numbers) when it opens the file.
    # (In the schema's order: before w:compat, or Word calls the file damaged.)
    settings = document.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.find(qn("w:compat")).addprevious(update)
    document.core_properties.author = "naptrack"
    document.save(TEMPLATE)
    return TEMPLATE


if __name__ == "__main__":
    print(build())
