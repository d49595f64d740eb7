"""The report as a Word document the coordinator can edit: docxtpl fills the template's cover,
running header and footer (report-template.docx, written by make_template.py), then the body is
written in the template's own styles — Heading 1 to 4, so that Word's navigation pane shows the
plan's structure, real Word tables, a table of contents field Word fills in on opening.

Same tree, same order as the HTML and PDF; wordml.py writes the paragraphs and tables.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.translation import gettext as _
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from naptrack.publications.content import (
    DASH,
    NOT_COMPARED,
    CountryEntry,
    DepartmentRef,
    Figures,
    FigureTotals,
    InstrumentBlock,
    Line,
    Report,
    TargetProgress,
    TextPart,
    number,
    percent,
)
from naptrack.publications.content.annexes import numbered
from naptrack.publications.content.changes import movement_labels
from naptrack.publications.html import summary_tables
from naptrack.publications.wordml import Writer

if TYPE_CHECKING:
    from docx.document import Document

TEMPLATE = Path(__file__).with_name("report-template.docx")
LOCALES = {"en": "en-GB", "fr": "fr-BE", "nl": "nl-BE", "de": "de-BE"}


def render_docx(report: Report) -> bytes:
    with translation.override(report.language):
        template = DocxTemplate(TEMPLATE)
        template.render(_cover(report, template), autoescape=True)
        document = template.docx
        _language(document, report.language)
        document.core_properties.title = report.title
        document.core_properties.subject = report.plan_title.text
        document.core_properties.language = LOCALES.get(report.language, report.language)
        _Body(document, report).write()
        out = io.BytesIO()
        template.save(out)
        return out.getvalue()


def _logo(template: DocxTemplate, path: str) -> InlineImage | str:
    """The institution's logo for the cover; "" (no logo) when unset, unreadable or not a PNG or
    JPEG, which Word shows everywhere."""
    if not path or Path(path).suffix.lower() not in (".png", ".jpg", ".jpeg") or not Path(path).is_file():
        return ""
    return InlineImage(template, path, height=Mm(25))


def _cover(report: Report, template: DocxTemplate) -> dict:
    cover = report.cover
    return {
        "logo": _logo(template, cover.logo) if cover else "",
        "institution": cover.institution if cover else "",
        "country_caption": _("Country"),
        "country": cover.country if cover else "",
        "draft": report.draft,
        "watermark": _("DRAFT"),
        "running_header": f"{report.title} · {report.plan_title.text}",
        "page_word": _("Page"),
        "of_word": _("of"),
        "plan_title": report.plan_title.text,
        "report_title": cover.title if cover and cover.title else _("Report to parliament"),
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
        )
        if report.summary
        else "",
    }


def _language(document: Document, lang: str) -> None:
    """The text's language, for spelling and for screen readers."""
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    element = OxmlElement("w:lang")
    element.set(qn("w:val"), LOCALES.get(lang, lang))
    rpr.append(element)


def _department_name(ref: DepartmentRef) -> str:
    """The department's name in the report's language, or in English (the chapter says so)."""
    return ref.name.text


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


class _Body(Writer):
    def __init__(self, document: Document, report: Report):
        super().__init__(document)
        self.report = report

    def toc(self) -> None:
        """A table of contents field, pre-filled with the headings (without page numbers) so that
        it reads before Word updates it; Word fills in the page numbers on opening."""
        self.para(_("Contents"), style="TOC Heading")
        report = self.report
        entries: list[tuple[int, str]] = []
        if report.foreword:
            entries.append((1, report.foreword.title))
        if self._show_intro:
            entries.append((1, report.introduction.title if report.introduction else _("Introduction")))
        if report.achievements:
            entries.append((1, report.achievements.title))
        if report.summary:
            entries.append((1, _("Summary")))
        for o in report.objectives:
            entries.append((1, f"{_('Objective %(number)s') % {'number': o.number}}. {o.title.text}"))
            for g in o.goals:
                entries.append((2, f"{_('Goal %(number)s') % {'number': g.number}}. {g.text.text}"))
        if report.countries:
            entries += [(1, chapter.name) for chapter in report.countries.focus]
            if report.countries.others:
                entries.append((1, _("Other countries")))
        if report.conclusions:
            entries.append((1, report.conclusions.title))
        entries += [(1, annex.title) for annex in report.annexes]
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
        return self.report.introduction is not None or self.report.draft

    def text_part(self, part: TextPart | None) -> None:
        """One of the coordinator's own texts, with the foreword's signature."""
        if part is None:
            return
        self.heading(part.title, 1)
        self.foreign_note(part)
        self.markdown(part.text.text)
        if part.signatory:
            p = self.p()
            p.add(part.signatory, bold=True)
            if part.signatory_title:
                p.br()
                self.text(p, part.signatory_title)

    # --- the report -------------------------------------------------------------------------------

    def write(self) -> None:
        report = self.report
        self.text_part(report.foreword)
        self.toc()
        if report.introduction:
            self.text_part(report.introduction)
        elif self._show_intro:
            self.heading(_("Introduction"), 1)
            self.p().add(
                f"[{_('Draft only: the coordinator has not written the introduction yet.')}]",
                style=self.sid("Mark"),
            )
        self.text_part(report.achievements)
        self.summary()
        for objective in report.objectives:
            self.heading(f"{_('Objective %(number)s') % {'number': objective.number}}. ", 1, objective.title)
            self.foreign_note(objective)
            for goal in objective.goals:
                self.heading(f"{_('Goal %(number)s') % {'number': goal.number}}. ", 2, goal.text)
                for line in goal.lines:
                    self.line(line)
        self.countries()
        self.text_part(report.conclusions)
        self.annexes()
        self.flush()

    def summary(self) -> None:
        report = self.report
        s = report.summary
        if s is None:
            return
        self.heading(_("Summary"), 1)
        self.foreign_note(s)
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
        movements = s.movements
        if movements is not None:
            self.heading(_("Changes since the previous round"), 2)
            self.para(
                _(
                    "Each department's status on each line of action beside its status in the previous round, "
                    "%(round)s: how many moved forward, stayed or went back (the order is explained with the "
                    "status scale)."
                )
                % {"round": movements.previous_label}
            )
            keys = [key for key, _label in movements.columns]
            self.table(
                _("Lines of action and departments by change of status since %(round)s, by objective")
                % {"round": movements.previous_label},
                [_("Objective"), *(label for _k, label in movements.columns), _("Total")],
                [
                    [row.label, *(number(row.counts.get(k, 0)) for k in keys), number(row.total)]
                    for row in [*movements.by_objective, movements.total]
                ],
            )
        if report.figures is not None:
            self.heading(report.figures.title, 2)
            self.figure_totals(report.figures)
        if report.targets is not None:
            self.heading(report.targets.title, 2)
            self.figure_totals(report.targets)

    def figure_totals(self, totals: FigureTotals | TargetProgress) -> None:
        self.para(totals.intro)
        for table in totals.tables:
            self.table(table.caption, table.head, table.rows)
            for note in table.notes:
                self.para(note)
        if not totals.tables:
            self.para(totals.none, style="Absent")

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
        if line.synthesis or line.synthesis_correction:
            self.p("Synthesis").add(_("Synthesis by the coordinator"), bold=True)
            if line.synthesis:
                self.markdown(line.synthesis, style="Synthesis")
            if line.synthesis_correction:
                self.p("Synthesis").add(line.synthesis_correction, italic=True)
        for ref in line.absent:
            self.para(_("No report received from %(name)s.") % {"name": ref.name.text}, style="Absent")
        for w in line.withdrawn:
            p = self.p("Absent")
            self.department(p, w.department, bold=True)
            p.add(": " + w.note)
        for ref in line.withheld:
            self.para(
                _("The report of %(name)s on this line is for internal use and is not published.")
                % {"name": ref.name.text},
                style="Absent",
            )
        for instrument in line.instruments:
            self.instrument(instrument)
        for n in line.narratives:
            h = self.heading("", 4, n.department.name)
            h.keep_next = True
            meta = self.p("Line Meta")
            if n.status:
                meta.add(_("Status:") + " ", bold=True)
                meta.add(n.status_label)
            if n.countries:
                meta.add((" · " if n.status else "") + _("Focus countries:") + " ", bold=True)
                meta.add(", ".join(n.countries))
            self.add_marks(meta, n.marks)
            if n.change:
                change = self.p("Line Meta")
                change.add(_("Since %(round)s:") % {"round": n.change.round_label} + " ", bold=True)
                change.add(n.change.label)
                if n.change.movement != NOT_COMPARED:
                    change.add(f" ({movement_labels()[n.change.movement].lower()})")
            if n.narrative:
                self.markdown(n.narrative)
            else:
                self.para(_("No narrative given."), style="Absent")
            if n.correction:
                self.p().add(n.correction, italic=True)

    def instrument(self, block: InstrumentBlock) -> None:
        report = self.report
        h = self.heading(f"{_('Monitoring instrument %(number)s') % {'number': block.number}}: ", 4, block.text)
        h.keep_next = True
        marks = self.marks

        def who(ref: DepartmentRef, codes: Iterable[str]) -> str:
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

    def countries(self) -> None:
        countries = self.report.countries
        if countries is None:
            return
        for chapter in countries.focus:
            self.heading(chapter.name, 1)
            self.foreign_note(chapter)
            self.para(
                _(
                    "What the departments reported on %(country)s, a focus country of the plan, in the order of "
                    "the plan."
                )
                % {"country": chapter.name}
            )
            if chapter.totals is not None:
                self.heading(chapter.totals.title, 2)
                self.figure_totals(chapter.totals)
            if not chapter.entries:
                self.para(
                    _("No contribution in this report concerns %(country)s.") % {"country": chapter.name},
                    style="Absent",
                )
            self.country_entries(chapter.entries, 2)
        if countries.others:
            self.heading(_("Other countries"), 1)
            self.foreign_note(countries.others)
            self.para(
                _("Countries that are not focus countries of the plan, as the departments tagged their contributions.")
            )
            for chapter in countries.others:
                self.heading(chapter.name, 2)
                self.country_entries(chapter.entries, 3)

    def country_entries(self, entries: list[CountryEntry], level: int) -> None:
        for e in entries:
            h = self.heading(
                _("Line of action %(code)s") % {"code": e.line_code} + " \u00b7 ", level, e.department.name
            )
            h.keep_next = True
            self.text(self.p(), e.line_text)
            if e.status_label or e.marks:
                meta = self.p("Line Meta")
                if e.status_label:
                    meta.add(_("Status:") + " ", bold=True)
                    meta.add(e.status_label)
                self.add_marks(meta, e.marks)
            if e.narrative:
                self.markdown(e.narrative)
            if e.figures:
                rows = []
                for f in e.figures:
                    what = numbered(f.instrument, f.instrument_text)
                    if f.by_sex:
                        cells = [number(f.figures.women), number(f.figures.men), number(f.figures.total)]
                        rows.append([what, *cells, percent(f.figures.share), DASH])
                    else:
                        rows.append(
                            [what, DASH, DASH, DASH, DASH, f"{number(f.figures.value)} {f.figures.unit}".strip()]
                        )
                self.table(
                    _("Figures reported on line %(code)s") % {"code": e.line_code},
                    [_("Monitoring instrument"), _("Women"), _("Men"), _("Total"), _("Share of women"), _("Value")],
                    rows,
                )

    def annexes(self) -> None:
        for annex in self.report.annexes:
            self.heading(annex.title, 1)
            self.foreign_note(annex)
            first, rest = annex.paragraphs[:1], annex.paragraphs[1:]
            for paragraph in first:
                self.para(paragraph)
            for term, meaning in annex.definitions:
                self.p().add(term, bold=True).add(f": {meaning}")
            for paragraph in rest:
                self.para(paragraph)
            for table in annex.tables:
                self.table(table.caption, table.head, table.rows)
