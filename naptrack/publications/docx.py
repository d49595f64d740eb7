"""The report as a Word document the coordinator can edit: docxtpl fills the template's cover,
running header and footer (report-template.docx, written by make_template.py), then the body is
written in the template's own styles — Heading 1 to 4, so that Word's navigation pane shows the
plan's structure, real Word tables, a table of contents field Word fills in on opening.

Same tree, same order as the HTML and PDF. Tables are written as WordprocessingML directly: the
python-docx table API costs a few milliseconds a table, and the report has hundreds.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import lxml.html
from django.utils import translation
from django.utils.translation import gettext as _
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu
from docxtpl import DocxTemplate

from naptrack.core.markdown import render as markdown
from naptrack.publications import charts
from naptrack.publications.content import (
    DASH,
    SOURCE_LANGUAGE,
    Chart,
    DepartmentRef,
    Figures,
    InstrumentBlock,
    Line,
    Report,
    Text,
    number,
    percent,
)
from naptrack.publications.html import summary_tables
from naptrack.publications.templatetags.publications import mark_labels

TEMPLATE = Path(__file__).with_name("report-template.docx")
MAX_IMAGE_WIDTH = Cm(17.4)
LOCALES = {"en": "en-GB", "fr": "fr-BE", "nl": "nl-BE", "de": "de-BE"}
W = nsdecls("w")


def render_docx(report: Report) -> bytes:
    with translation.override(report.language):
        template = DocxTemplate(TEMPLATE)
        template.render(_cover(report), autoescape=True)
        document = template.docx
        _language(document, report.language)
        document.core_properties.title = report.title
        document.core_properties.subject = report.plan_title.text
        document.core_properties.language = LOCALES.get(report.language, report.language)
        _Body(document, report).write()
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()


def _cover(report: Report) -> dict:
    return {
        "draft": report.draft,
        "watermark": _("DRAFT"),
        "running_header": f"{report.title} · {report.plan_title.text}",
        "page_word": _("Page"),
        "of_word": _("of"),
        "plan_title": report.plan_title.text,
        "report_title": _("Report to parliament"),
        "round_label": report.round_label,
        "kind_caption": _("Kind of round"),
        "kind_label": report.kind_label,
        "year_caption": _("Year covered"),
        "year": report.year,
        "date_caption": _("Date"),
        "date_label": report.date_label,
        "version_caption": _("Version"),
        "version_label": _("Draft for internal review: not for publication") if report.draft else _("Final"),
        "draft_note": _(
            "This draft also shows contributions that are submitted but not yet approved, and contributions "
            "marked internal. Each is marked; none of them appears in the published report."
        ),
    }


def _language(document, lang: str) -> None:
    """The text's language, for spelling and for screen readers."""
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), LOCALES.get(lang, lang))
    rpr.append(element)


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: str) -> str:
    return escape(_INVALID_XML.sub("", text))


def _department_name(ref: DepartmentRef) -> str:
    """The department's name in the report's language, marked when it falls back to English."""
    return ref.name.text + (f" [{SOURCE_LANGUAGE.upper()}]" if ref.name.fallback else "")


def _by_sex_head() -> list[str]:
    return [_("Women"), _("Men"), _("Other or not recorded"), _("Total"), _("Share of women")]


def _by_sex_cells(figures: Figures) -> list[str]:
    """Women, men, other, total and the share of women, as _by_sex_head() names them."""
    return [
        number(figures.women),
        number(figures.men),
        number(figures.other),
        number(figures.total),
        percent(figures.share),
    ]


class _P:
    """A paragraph as WordprocessingML text: python-docx's object API looks styles up by name on
    every call, which costs seconds over a report's thousands of paragraphs."""

    def __init__(self, style: str | None = None, keep_next: bool = False):
        self.style, self.keep_next, self.runs = style, keep_next, []

    def add(self, text: str, bold: bool = False, italic: bool = False, style: str | None = None, size: int = 0) -> _P:
        if not text:
            return self
        props = (
            (f'<w:rStyle w:val="{style}"/>' if style else "")
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + (f'<w:sz w:val="{size}"/>' if size else "")
        )
        self.runs.append(
            f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{_t(text)}</w:t></w:r>'
        )
        return self

    def br(self) -> _P:
        self.runs.append("<w:r><w:br/></w:r>")
        return self

    def raw(self, xml: str) -> _P:
        self.runs.append(xml)
        return self

    def xml(self) -> str:
        props = (f'<w:pStyle w:val="{self.style}"/>' if self.style else "") + (
            "<w:keepNext/>" if self.keep_next else ""
        )
        return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{''.join(self.runs)}</w:p>"


class _Body:
    def __init__(self, document, report: Report):
        self.doc = document
        self.report = report
        self.body = document.element.body
        self.marks = mark_labels()
        self.styles = {style.name: style.style_id for style in document.styles}
        self.out: list[str] = []

    # --- primitives -------------------------------------------------------------------------------

    def sid(self, name: str | None) -> str | None:
        return self.styles.get(name) if name else None

    def p(self, style: str | None = None, keep_next: bool = False) -> _P:
        paragraph = _P(self.sid(style), keep_next)
        self.out.append(paragraph)  # type: ignore[arg-type]
        return paragraph

    def heading(self, text: str, level: int, fallback: bool = False) -> _P:
        p = self.p(f"Heading {level}")
        p.add(text)
        if fallback:
            self.fallback(p)
        return p

    def para(self, text: str = "", style: str | None = None) -> _P:
        return self.p(style).add(text)

    def fallback(self, p: _P) -> None:
        p.add(f" [{SOURCE_LANGUAGE.upper()}]", size=15)

    def text(self, p: _P, text: Text, bold: bool = False) -> None:
        p.add(text.text, bold=bold)
        if text.fallback:
            self.fallback(p)

    def add_marks(self, p: _P, codes: Iterable[str]) -> None:
        for code in codes:
            p.add(f" [{self.marks[code]}]", style=self.sid("Mark"))

    def department(self, p: _P, ref: DepartmentRef, bold: bool = False) -> None:
        self.text(p, ref.name, bold=bold)

    def table(self, caption: str, head: list[str], rows: list[list[str]], row_headers: bool = True) -> None:
        """A Word table with a caption, a header row repeated on each page and the caption as its
        accessible description."""
        if caption:
            self.p("Caption", keep_next=True).add(caption)
        cols = len(head)
        width = 9900 // max(cols, 1)
        text_style = self.sid("Table Text")

        def cell(value: str, header: bool) -> str:
            lines = value.split("\n")
            runs = "<w:r><w:br/></w:r>".join(
                f'<w:r>{"<w:rPr><w:b/></w:rPr>" if header else ""}<w:t xml:space="preserve">{_t(part)}</w:t></w:r>'
                for part in lines
            )
            return (
                f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>'
                f'<w:p><w:pPr><w:pStyle w:val="{text_style}"/></w:pPr>{runs}</w:p></w:tc>'
            )

        xml = [
            '<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
            f'<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="{int(row_headers)}" '
            'w:lastColumn="0" w:noHBand="0" w:noVBand="1"/>'
            f"<w:tblCaption w:val={quoteattr(_INVALID_XML.sub('', caption))}/></w:tblPr><w:tblGrid>"
            + "".join(f'<w:gridCol w:w="{width}"/>' for _ in range(cols))
            + "</w:tblGrid>",
            "<w:tr><w:trPr><w:tblHeader/></w:trPr>" + "".join(cell(h, True) for h in head) + "</w:tr>",
        ]
        for row in rows:
            xml.append(
                "<w:tr><w:trPr><w:cantSplit/></w:trPr>"
                + "".join(cell(v, row_headers and n == 0) for n, v in enumerate(row))
                + "</w:tr>"
            )
        xml.append("</w:tbl>")
        self.out.append("".join(xml))  # type: ignore[arg-type]
        self.p()  # Word needs a paragraph between two tables, and it gives air

    def flush(self) -> None:
        """Parse what was written so far, in one go, into the document's body."""
        if not self.out:
            return
        xml = "".join(item if isinstance(item, str) else item.xml() for item in self.out)
        self.out = []
        container = parse_xml(f"<w:body {W}>{xml}</w:body>")
        sect = self.body.find(qn("w:sectPr"))
        for element in list(container):
            if sect is not None:
                sect.addprevious(element)
            else:
                self.body.append(element)

    def chart(self, chart: Chart) -> None:
        data = charts.png(chart)
        px_width, px_height = _png_size(data)
        # vl-convert renders at scale 2: half the pixels are CSS pixels, 9525 EMU each.
        width = min(Emu(px_width // 2 * 9525), MAX_IMAGE_WIDTH)
        height = Emu(int(width * px_height / px_width))
        self.flush()
        inline = self.doc.part.new_pic_inline(io.BytesIO(data), width, height)
        inline.docPr.set("descr", chart.alt)
        inline.docPr.set("title", chart.title)
        paragraph = parse_xml(f"<w:p {W}><w:pPr><w:keepNext/></w:pPr><w:r><w:drawing/></w:r></w:p>")
        paragraph[-1][-1].append(inline)
        sect = self.body.find(qn("w:sectPr"))
        sect.addprevious(paragraph) if sect is not None else self.body.append(paragraph)
        self.p("Caption").add(chart.title)

    def markdown(self, source: str, style: str | None = None) -> None:
        """Markdown as the departments wrote it, through the same sanitiser as the web, into
        paragraphs, lists and bold or italic runs."""
        if not source.strip():
            return
        for element in lxml.html.fragments_fromstring(str(markdown(source))):
            if isinstance(element, str):
                if element.strip():
                    self.para(element.strip(), style=style)
                continue
            self._block(element, style)

    def _block(self, element, style: str | None, level: int = 0) -> None:
        tag = element.tag
        if tag in ("ul", "ol"):
            list_style = "List Bullet" if tag == "ul" else "List Number"
            if level:
                list_style += " 2"
            for item in element:
                if item.tag != "li":
                    continue
                p = self.p(list_style)
                nested = [child for child in item if child.tag in ("ul", "ol")]
                self._inline(p, item, skip=("ul", "ol"))
                for child in nested:
                    self._block(child, style, level + 1)
        elif tag == "table":
            rows = [[cell.text_content().strip() for cell in tr] for tr in element.iter("tr")]
            if rows:
                width = max(len(r) for r in rows)
                rows = [r + [""] * (width - len(r)) for r in rows]
                self.table("", rows[0], rows[1:], row_headers=False)
        elif tag == "hr":
            return
        elif tag == "blockquote":
            for child in element:
                self._block(child, "Quote", level)
        else:
            p = self.p(style)
            if tag in ("h3", "h4", "h5", "h6"):
                p.add(element.text_content(), bold=True)
            else:
                self._inline(p, element)

    def _inline(self, p: _P, element, bold=False, italic=False, skip=()) -> None:
        p.add(element.text or "", bold, italic)
        for child in element:
            if child.tag in skip:
                continue
            b = bold or child.tag in ("strong", "b")
            i = italic or child.tag in ("em", "i")
            if child.tag == "br":
                p.br()
            elif child.tag == "a":
                self._inline(p, child, b, i)
                href = child.get("href", "")
                if href and href != child.text_content():
                    p.add(f" ({href})", b, i)
            else:
                self._inline(p, child, b, i)
            p.add(child.tail or "", bold, italic)

    def toc(self) -> None:
        """A table of contents field, pre-filled with the headings (without page numbers) so that
        it reads before Word updates it; Word fills in the page numbers on opening."""
        self.para(_("Contents"), style="TOC Heading")
        entries: list[tuple[int, str]] = []
        if self._show_intro:
            entries.append((1, _("Introduction")))
        entries.append((1, _("Summary")))
        for o in self.report.objectives:
            entries.append((1, f"{_('Objective %(number)s') % {'number': o.number}}. {o.title.text}"))
            for g in o.goals:
                entries.append((2, f"{_('Goal %(number)s') % {'number': g.number}}. {g.text.text}"))
        entries += [(1, t) for t in self._annex_titles()]
        for n, (level, text) in enumerate(entries):
            p = self.p(f"toc {level}")
            if n == 0:
                p.raw('<w:r><w:fldChar w:fldCharType="begin"/></w:r>')
                p.raw('<w:r><w:instrText xml:space="preserve"> TOC \\o "1-2" \\h \\z \\u </w:instrText></w:r>')
                p.raw('<w:r><w:fldChar w:fldCharType="separate"/></w:r>')
            p.add(text)
            if n == len(entries) - 1:
                p.raw('<w:r><w:fldChar w:fldCharType="end"/></w:r>')

    @property
    def _show_intro(self) -> bool:
        return bool(self.report.intro.text) or self.report.draft

    def _annex_titles(self) -> list[str]:
        return [
            _("Annex 1. Departments and abbreviations"),
            _("Annex 2. Status scale"),
            _("Annex 3. How this report was produced"),
        ]

    # --- the report -------------------------------------------------------------------------------

    def write(self) -> None:
        report = self.report
        self.toc()
        if self._show_intro:
            self.heading(_("Introduction"), 1)
            if report.intro.text:
                self.markdown(report.intro.text)
                if report.intro.fallback:
                    self.para(f"[EN] {_('not yet translated, shown in English')}", style="Line Meta")
            else:
                self.p().add(
                    f"[{_('Draft only: the coordinator has not written the introduction yet.')}]",
                    style=self.sid("Mark"),
                )
        self.summary()
        for objective in report.objectives:
            self.heading(
                f"{_('Objective %(number)s') % {'number': objective.number}}. {objective.title.text}",
                1,
                objective.title.fallback,
            )
            for goal in objective.goals:
                title = f"{_('Goal %(number)s') % {'number': goal.number}}. {goal.text.text}"
                self.heading(title, 2, goal.text.fallback)
                for line in goal.lines:
                    self.line(line)
        self.annexes()
        self.flush()

    def summary(self) -> None:
        report = self.report
        s = report.summary
        self.heading(_("Summary"), 1)
        self.para(
            _("%(received)s of %(expected)s expected contributions are included in this report.")
            % {"received": s.received, "expected": s.expected}
        )
        for table in summary_tables(report):
            self.heading(table["title"], 2)
            head = [table["head"], *(label for _k, label in s.columns), _("Total")]
            rows = [[r["label"], *map(str, r["values"]), str(r["total"])] for r in table["rows"]]
            self.table(table["caption"], head, rows)
            if table["chart"]:
                self.chart(table["chart"])
        self.heading(_("Missing contributions"), 2)
        if s.missing:
            self.para(_("Lines of action on which a department's report was not received:"))
            for ref, codes in s.missing:
                p = self.p("List Bullet")
                self.department(p, ref, bold=True)
                p.add(": " + ", ".join(codes))
        else:
            self.para(_("Every expected contribution was received."))

    def line(self, line: Line) -> None:
        self.heading(_("Line of action %(code)s") % {"code": line.code}, 3)
        self.text(self.p(), line.text)
        meta = self.p("Line Meta")
        meta.add(_("Departments:") + " ", bold=True)
        for n, ref in enumerate(line.departments):
            self.department(meta, ref)
            if ref == line.coordinator:
                meta.add(f" ({_('coordinates')})")
            if n < len(line.departments) - 1:
                meta.add(", ")
        if line.countries:
            meta.br()
            meta.add(_("Focus countries:") + " ", bold=True)
            meta.add(", ".join(line.countries))
        if line.synthesis:
            self.p("Synthesis").add(_("Synthesis by the coordinator"), bold=True)
            self.markdown(line.synthesis, style="Synthesis")
        for ref in line.absent:
            self.para(_("No report received from %(name)s.") % {"name": ref.name.text}, style="Absent")
        for ref in line.withheld:
            self.para(
                _("The report of %(name)s on this line is for internal use and is not published.")
                % {"name": ref.name.text},
                style="Absent",
            )
        for instrument in line.instruments:
            self.instrument(instrument)
        for n in line.narratives:
            h = self.heading(n.department.name.text, 4, n.department.name.fallback)
            h.keep_next = True
            meta = self.p("Line Meta")
            if n.status:
                meta.add(_("Status:") + " ", bold=True)
                meta.add(n.status_label)
            if n.countries:
                meta.add((" · " if n.status else "") + _("Focus countries:") + " ", bold=True)
                meta.add(", ".join(n.countries))
            self.add_marks(meta, n.marks)
            if n.narrative:
                self.markdown(n.narrative)
            else:
                self.para(_("No narrative given."), style="Absent")

    def instrument(self, block: InstrumentBlock) -> None:
        report = self.report
        h = self.heading(
            f"{_('Monitoring instrument %(number)s') % {'number': block.number}}: {block.text.text}",
            4,
            block.text.fallback,
        )
        h.keep_next = True
        marks = self.marks

        def who(ref: DepartmentRef, codes) -> str:
            return _department_name(ref) + "".join(f"\n[{marks[c]}]" for c in codes)

        if not block.answers:
            self.para(_("No answer in this report."), style="Absent")
        else:
            caption = _("Figures reported for %(year)s") % {"year": report.year}
            if block.by_sex:
                head = [_("Department"), *_by_sex_head()]
                rows = [
                    [who(a.department, a.marks), *_by_sex_cells(a.figures)]
                    if a.figures is not None and not a.figures.empty
                    else [who(a.department, a.marks), *[DASH] * (len(head) - 1)]
                    for a in block.answers
                ]
                self.table(caption, head, rows)
            elif block.quantitative:
                head = [_("Department"), _("Value"), _("Unit")]
                rows = [
                    [
                        who(a.department, a.marks),
                        number(a.figures.value if a.figures else None),
                        a.figures.unit if a.figures else "",
                    ]
                    for a in block.answers
                ]
                self.table(caption, head, rows)
            for a in block.answers:
                if not (a.text or a.note or not block.quantitative):
                    continue
                p = self.p()
                self.department(p, a.department, bold=True)
                p.add(":", bold=True)
                self.add_marks(p, a.marks)
                if a.text:
                    for n, part in enumerate(a.text.split("\n")):
                        if n:
                            p.br()
                        p.add(part if n else " " + part)
                elif not block.quantitative:
                    p.add(" " + _("No answer given."), italic=True)
                if a.note:
                    p.br()
                    p.add(_("Note:") + " ", bold=True)
                    p.add(a.note)
        if block.history:
            if block.by_sex:
                head = [_("Year"), _("Department"), *_by_sex_head()]
                rows = [[r.round_label, who(r.department, r.marks), *_by_sex_cells(r.figures)] for r in block.history]
            else:
                head = [_("Year"), _("Department"), _("Value"), _("Unit")]
                rows = [
                    [r.round_label, who(r.department, r.marks), number(r.figures.value), r.figures.unit]
                    for r in block.history
                ]
            self.table(_("Earlier years beside this year"), head, rows)
        if block.chart:
            self.chart(block.chart)

    def annexes(self) -> None:
        report = self.report
        titles = self._annex_titles()
        self.heading(titles[0], 1)
        self.table(
            _("The departments responsible for the plan's lines of action"),
            [_("Department"), _("Abbreviation"), _("Part of")],
            [[_department_name(ref), ref.abbreviation or DASH, ref.parent or DASH] for ref in report.departments],
        )
        self.heading(titles[1], 1)
        self.para(_("Each department gives the state of implementation of each of its lines of action on this scale."))
        for status in report.statuses:
            self.p().add(status.label, bold=True).add(f": {status.definition}")
        self.heading(titles[2], 1)
        for paragraph in report.method:
            self.para(paragraph)
