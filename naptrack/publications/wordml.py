"""The Word report's body written as WordprocessingML text: paragraphs, tables, images and the
departments' Markdown, in the template's own styles.

Tables are written as WordprocessingML directly: the python-docx table API costs a few
milliseconds a table, and the report has hundreds.
"""

from __future__ import annotations

import io
import re
import struct
from collections.abc import Iterable
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

import lxml.html
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu

from naptrack.core.markdown import render as markdown
from naptrack.publications import charts
from naptrack.publications.content import SOURCE_LANGUAGE, Chart, DepartmentRef, Text, foreign
from naptrack.publications.templatetags.publications import foreign_phrase, mark_labels

if TYPE_CHECKING:
    from docx.document import Document

MAX_IMAGE_WIDTH = Cm(17.4)
W = nsdecls("w")
# Word's name of the plan's source language, on runs of English shown for want of a translation.
SOURCE_LOCALE = {"en": "en-GB", "fr": "fr-BE", "nl": "nl-BE", "de": "de-BE"}.get(SOURCE_LANGUAGE, SOURCE_LANGUAGE)


def _png_size(data: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", data[16:24])
    return width, height


_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _t(text: str) -> str:
    return escape(_INVALID_XML.sub("", text))


class _P:
    """A paragraph as WordprocessingML text: python-docx's object API looks styles up by name on
    every call, which costs seconds over a report's thousands of paragraphs."""

    def __init__(self, style: str | None = None, keep_next: bool = False):
        self.style, self.keep_next, self.runs = style, keep_next, []

    def add(
        self,
        text: str,
        bold: bool = False,
        italic: bool = False,
        style: str | None = None,
        size: int = 0,
        lang: str = "",
    ) -> _P:
        if not text:
            return self
        props = (
            (f'<w:rStyle w:val="{style}"/>' if style else "")
            + ("<w:b/>" if bold else "")
            + ("<w:i/>" if italic else "")
            + (f'<w:sz w:val="{size}"/>' if size else "")
            + (f'<w:lang w:val="{lang}"/>' if lang else "")
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


class Writer:
    """Writes into a python-docx document's body; `flush()` parses what was written in one go."""

    def __init__(self, document: Document):
        self.doc = document
        self.body = document.element.body
        self.marks = mark_labels()
        self.styles = {style.name: style.style_id for style in document.styles}
        self.out: list[str] = []

    def sid(self, name: str | None) -> str | None:
        return self.styles.get(name) if name else None

    def p(self, style: str | None = None, keep_next: bool = False) -> _P:
        paragraph = _P(self.sid(style), keep_next)
        self.out.append(paragraph)  # type: ignore[arg-type]
        return paragraph

    def heading(self, text: str, level: int, plan: Text | None = None) -> _P:
        """A heading: `text`, then the plan's own `plan` text, in English when untranslated."""
        p = self.p(f"Heading {level}")
        p.add(text)
        if plan is not None:
            self.text(p, plan)
        return p

    def para(self, text: str = "", style: str | None = None) -> _P:
        return self.p(style).add(text)

    def text(self, p: _P, text: Text, bold: bool = False) -> None:
        """Plan text; English shown for want of a translation carries its language (for spelling
        and screen readers), the chapter saying once that part of it is in English."""
        p.add(text.text, bold=bold, lang=SOURCE_LOCALE if text.fallback else "")

    def foreign_note(self, node: object) -> None:
        """One note under a chapter's heading when the chapter holds plan text in English."""
        if foreign(node):
            self.p("Line Meta").add(foreign_phrase(), italic=True)

    def add_marks(self, p: _P, codes: Iterable[str]) -> None:
        for code in codes:
            p.add(f" [{self.marks[code]}]", style=self.sid("Mark"))

    def department(self, p: _P, ref: DepartmentRef, bold: bool = False) -> None:
        self.text(p, ref.name, bold=bold)

    def table(self, caption: str, head: list[str], rows: list[list[str | Text]], row_headers: bool = True) -> None:
        """A Word table with a caption, a header row repeated on each page and the caption as its
        accessible description."""
        if caption:
            self.p("Caption", keep_next=True).add(caption)
        cols = len(head)
        width = 9900 // max(cols, 1)
        text_style = self.sid("Table Text")

        def cell(value: str | Text, header: bool) -> str:
            lang = f'<w:lang w:val="{SOURCE_LOCALE}"/>' if isinstance(value, Text) and value.fallback else ""
            props = ("<w:b/>" if header else "") + lang
            lines = str(value).split("\n")
            runs = "<w:r><w:br/></w:r>".join(
                f'<w:r>{f"<w:rPr>{props}</w:rPr>" if props else ""}<w:t xml:space="preserve">{_t(part)}</w:t></w:r>'
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

    def _block(self, element: lxml.html.HtmlElement, style: str | None, level: int = 0) -> None:
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

    def _inline(
        self,
        p: _P,
        element: lxml.html.HtmlElement,
        bold: bool = False,
        italic: bool = False,
        skip: tuple[str, ...] = (),
    ) -> None:
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
