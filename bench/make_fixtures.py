"""Renderings of a naptrack-plan/1 document as the documents a coordinator receives, to measure
and test the plan importers (naptrack.plans.importing) on layouts that differ from each other.

    python bench/make_fixtures.py OUTDIR      # writes every rendering of the bundled plan

DOCX (python-docx):
  docx-merged  one table per objective after its heading and introduction; goal cells merged
               vertically; footnote marks in superscript and the notes under the table.
  docx-single  one table for the whole plan, its header row repeated on every page; objectives as
               full-width rows; columns in another order; instruments and departments one per
               paragraph; goal text only on a goal's first row.
PDF (WeasyPrint, from HTML tables):
  pdf-portrait   A4 portrait, running header and page numbers, goal cells spanning rows, tables
                 running over pages with their header repeated, rows broken across pages.
  pdf-landscape  A4 landscape, another column order, "Objective n - Title" headings, instruments
                 as separate paragraphs, "Page n of N" footers.
  pdf-borderless A4 portrait, a table without ruling lines (a rule under its header only), yet
                 another column order, "- n -" page numbers.
"""

from __future__ import annotations

import html
import io
import json
import sys
from pathlib import Path

DOCX_LAYOUTS = {
    "docx-merged": "one table per objective, goal cells merged vertically",
    "docx-single": "one table, repeated header row, objectives as rows, other column order, a paragraph per instrument",
}
PDF_LAYOUTS = {
    "pdf-portrait": "portrait, running header, page numbers, rowspan goals, tables over pages",
    "pdf-landscape": "landscape, other column order and headings, a paragraph per instrument",
    "pdf-borderless": "no ruling lines but under the header, columns found from the header's words",
}
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _english(text: str | dict | None) -> str:
    """A naptrack-plan/1 text in English: a matrix prints the plan's own language."""
    return (text.get("en") if isinstance(text, dict) else text) or ""


def department_labels(document: dict, *, with_parent: bool) -> dict[str, str]:
    """What a matrix prints for each department: its name, a unit as "Parent-Unit" or alone
    (its abbreviation when it has one)."""
    by_code = {d["code"]: d for d in document["departments"]}
    labels = {}
    for d in document["departments"]:
        own = _english(d.get("abbreviation")) or _english(d["name"])
        if d["parent"] and with_parent:
            labels[d["code"]] = f"{_english(by_code[d['parent']]['name'])}-{own}"
        else:
            labels[d["code"]] = own
    return labels


def _departments(action: dict, labels: dict[str, str]) -> list[str]:
    out = []
    for code in action["departments"]:
        label = labels[code]
        if action.get("coordinator") == code:
            label += " (coordination)"
        out.append(label)
    return out


def _notes(document: dict) -> dict[str, list[int]]:
    """Footnote numbers of each line, numbered through the plan."""
    numbers: dict[str, list[int]] = {}
    n = 0
    for objective in document["objectives"]:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                for _ in action.get("notes", []):
                    n += 1
                    numbers.setdefault(action["code"], []).append(n)
    return numbers


# --- DOCX ---------------------------------------------------------------------------------------


def render_docx(document: dict, layout: str) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading(document["title"], level=0)
    doc.add_paragraph("Unofficial translation")
    if layout == "docx-merged":
        _docx_merged(doc, document)
    elif layout == "docx-single":
        _docx_single(doc, document)
    else:
        raise ValueError(f"unknown layout {layout}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _mark(paragraph, numbers: list[int]) -> None:
    for i, number in enumerate(numbers):
        run = paragraph.add_run(("," if i else "") + str(number))
        run.font.superscript = True


def _repeat_header(row) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _docx_merged(doc, document: dict) -> None:
    labels = department_labels(document, with_parent=True)
    notes = _notes(document)
    for objective in document["objectives"]:
        doc.add_heading(f"OBJECTIVE {objective['number']}. {objective['title']}", level=1)
        for paragraph in (objective.get("intro") or "").split("\n\n"):
            if paragraph:
                doc.add_paragraph(paragraph)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells,
            ["No.", "GOAL", "LINES OF ACTION", "MONITORING INSTRUMENTS", "DEPARTMENTS"],
            strict=True,
        ):
            cell.text = text
        _repeat_header(table.rows[0])
        footnotes: list[tuple[int, str]] = []
        for goal in objective["goals"]:
            first = None
            for i, action in enumerate(goal["actions"]):
                cells = table.add_row().cells
                cells[0].text = action["code"] if "." in action["code"] else action["code"] + "."
                if i == 0:
                    cells[1].text = goal["text"]
                    first = cells[1]
                paragraph = cells[2].paragraphs[0]
                paragraph.add_run(action["text"])
                _mark(paragraph, notes.get(action["code"], []))
                footnotes += list(zip(notes.get(action["code"], []), action.get("notes", []), strict=True))
                cells[3].text = " ".join(i["text"] for i in action["instruments"])
                cells[4].text = " ".join(_departments(action, labels))
            if len(goal["actions"]) > 1:
                first.merge(table.rows[-1].cells[1])
        for number, text in footnotes:
            paragraph = doc.add_paragraph()
            run = paragraph.add_run(str(number))
            run.font.superscript = True
            paragraph.add_run(" " + text)


def _docx_single(doc, document: dict) -> None:
    labels = department_labels(document, with_parent=False)
    notes = _notes(document)
    headers = ["Ref.", "Line of action", "Monitoring instruments", "Responsible", "Goal"]
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    _repeat_header(table.rows[0])
    footnotes: list[tuple[int, str]] = []
    for objective in document["objectives"]:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[-1])
        merged.text = f"Objective {objective['number']}: {objective['title']}"
        for goal in objective["goals"]:
            for i, action in enumerate(goal["actions"]):
                cells = table.add_row().cells
                cells[0].text = action["code"]
                paragraph = cells[1].paragraphs[0]
                paragraph.add_run(action["text"])
                _mark(paragraph, notes.get(action["code"], []))
                footnotes += list(zip(notes.get(action["code"], []), action.get("notes", []), strict=True))
                for n, instrument in enumerate(action["instruments"]):
                    target = cells[2].paragraphs[0] if n == 0 else cells[2].add_paragraph()
                    target.add_run(instrument["text"])
                for n, label in enumerate(_departments(action, labels)):
                    target = cells[3].paragraphs[0] if n == 0 else cells[3].add_paragraph()
                    target.add_run(label)
                if i == 0:
                    cells[4].text = goal["text"]
    doc.add_paragraph("Notes")
    for number, text in footnotes:
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(str(number))
        run.font.superscript = True
        paragraph.add_run(" " + text)


# --- PDF ----------------------------------------------------------------------------------------

_PORTRAIT_CSS = """
@page { size: A4; margin: 22mm 16mm 20mm 16mm;
  @top-center { content: "Belgian National Action Plan 1325 - unofficial translation"; font-size: 8pt; color: #555 }
  @bottom-center { content: counter(page); font-size: 8pt } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; line-height: 1.25 }
h1 { font-size: 15pt } h2 { font-size: 12pt; margin-top: 16pt; break-after: avoid }
table { border-collapse: collapse; width: 100% }
th, td { border: 0.6pt solid #000; padding: 3pt; vertical-align: top; text-align: left }
th { background: #ddd } td p { margin: 0 }
.fn { font-size: 7.5pt; margin: 2pt 0 }
"""
_LANDSCAPE_CSS = """
@page { size: A4 landscape; margin: 18mm 14mm 18mm 14mm;
  @top-left { content: "NAP 1325 (2013-2016)"; font-size: 8pt }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt } }
body { font-family: "DejaVu Serif", serif; font-size: 10pt; line-height: 1.3 }
h2 { font-size: 13pt; margin-top: 14pt; break-after: avoid }
table { border-collapse: collapse; width: 100% }
th, td { border: 0.8pt solid #333; padding: 4pt; vertical-align: top; text-align: left }
th { background: #eee; font-weight: bold } td p { margin: 0 0 3pt 0 }
.fn { font-size: 8pt; margin: 2pt 0 }
"""


_BORDERLESS_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 15mm;
  @bottom-center { content: "- " counter(page) " -"; font-size: 8pt } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; line-height: 1.3 }
h2 { font-size: 12pt; margin-top: 14pt; break-after: avoid }
table { border-collapse: collapse; width: 100% }
th, td { border: none; padding: 2pt 5pt 4pt 5pt; vertical-align: top; text-align: left }
th { border-bottom: 1pt solid #000; font-weight: bold }
.fn { font-size: 7pt; margin: 2pt 0 }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _sup(numbers: list[int]) -> str:
    return f"<sup>{','.join(str(n) for n in numbers)}</sup>" if numbers else ""


def plan_html(document: dict, layout: str) -> str:
    notes = _notes(document)
    parts = [f"<h1>{_e(document['title'])}</h1>"]
    if layout == "pdf-portrait":
        labels = department_labels(document, with_parent=True)
        for objective in document["objectives"]:
            parts.append(f"<h2>OBJECTIVE {objective['number']}. {_e(objective['title'])}</h2>")
            parts += [f"<p>{_e(p)}</p>" for p in (objective.get("intro") or "").split("\n\n") if p]
            parts.append(
                '<table><thead><tr><th style="width:7%">No.</th><th style="width:20%">GOAL</th>'
                '<th style="width:30%">LINES OF ACTION</th><th style="width:25%">MONITORING INSTRUMENTS</th>'
                '<th style="width:18%">DEPARTMENTS</th></tr></thead><tbody>'
            )
            footnotes = []
            for goal in objective["goals"]:
                for i, action in enumerate(goal["actions"]):
                    code = action["code"] if "." in action["code"] else action["code"] + "."
                    goal_cell = f'<td rowspan="{len(goal["actions"])}">{_e(goal["text"])}</td>' if i == 0 else ""
                    marks = notes.get(action["code"], [])
                    footnotes += list(zip(marks, action.get("notes", []), strict=True))
                    parts.append(
                        f"<tr><td>{_e(code)}</td>{goal_cell}<td>{_e(action['text'])}{_sup(marks)}</td>"
                        f"<td>{_e(' '.join(i['text'] for i in action['instruments']))}</td>"
                        f"<td>{'<br>'.join(_e(d) for d in _departments(action, labels))}</td></tr>"
                    )
            parts.append("</tbody></table>")
            parts += [f'<p class="fn"><sup>{n}</sup> {_e(t)}</p>' for n, t in footnotes]
        css = _PORTRAIT_CSS
    elif layout == "pdf-landscape":
        labels = department_labels(document, with_parent=False)
        for objective in document["objectives"]:
            parts.append(f"<h2>Objective {objective['number']} - {_e(objective['title'])}</h2>")
            parts += [f"<p>{_e(p)}</p>" for p in (objective.get("intro") or "").split("\n\n") if p]
            parts.append(
                '<table><thead><tr><th style="width:6%">Code</th><th style="width:30%">Action</th>'
                '<th style="width:14%">Responsible</th><th style="width:27%">Indicators</th>'
                '<th style="width:23%">Goal</th></tr></thead><tbody>'
            )
            footnotes = []
            for goal in objective["goals"]:
                for i, action in enumerate(goal["actions"]):
                    goal_cell = f'<td rowspan="{len(goal["actions"])}">{_e(goal["text"])}</td>' if i == 0 else ""
                    marks = notes.get(action["code"], [])
                    footnotes += list(zip(marks, action.get("notes", []), strict=True))
                    instruments = "".join(f"<p>{_e(i['text'])}</p>" for i in action["instruments"])
                    parts.append(
                        f"<tr><td>{_e(action['code'])}</td><td>{_e(action['text'])}{_sup(marks)}</td>"
                        f"<td>{_e(', '.join(_departments(action, labels)))}</td><td>{instruments}</td>{goal_cell}</tr>"
                    )
            parts.append("</tbody></table>")
            parts += [f'<p class="fn"><sup>{n}</sup> {_e(t)}</p>' for n, t in footnotes]
        css = _LANDSCAPE_CSS
    elif layout == "pdf-borderless":
        labels = department_labels(document, with_parent=True)
        for objective in document["objectives"]:
            parts.append(f"<h2>Objective {objective['number']}: {_e(objective['title'])}</h2>")
            parts += [f"<p>{_e(p)}</p>" for p in (objective.get("intro") or "").split("\n\n") if p]
            parts.append(
                '<table><thead><tr><th style="width:7%">Ref.</th><th style="width:31%">Line of action</th>'
                '<th style="width:22%">Goal</th><th style="width:16%">Responsible</th>'
                '<th style="width:24%">Indicators</th></tr></thead><tbody>'
            )
            footnotes = []
            for goal in objective["goals"]:
                for i, action in enumerate(goal["actions"]):
                    goal_cell = f"<td>{_e(goal['text'])}</td>" if i == 0 else "<td></td>"
                    marks = notes.get(action["code"], [])
                    footnotes += list(zip(marks, action.get("notes", []), strict=True))
                    parts.append(
                        f"<tr><td>{_e(action['code'])}</td><td>{_e(action['text'])}{_sup(marks)}</td>{goal_cell}"
                        f"<td>{'<br>'.join(_e(d) for d in _departments(action, labels))}</td>"
                        f"<td>{_e(' '.join(i['text'] for i in action['instruments']))}</td></tr>"
                    )
            parts.append("</tbody></table>")
            parts += [f'<p class="fn"><sup>{n}</sup> {_e(t)}</p>' for n, t in footnotes]
        css = _BORDERLESS_CSS
    else:
        raise ValueError(f"unknown layout {layout}")
    head = f"<!doctype html><html lang=en><head><meta charset=utf-8><style>{css}</style></head>"
    return f"{head}<body>{''.join(parts)}</body></html>"


def render_pdf(document: dict, layout: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=plan_html(document, layout)).write_pdf()


# --- sizes --------------------------------------------------------------------------------------

CHARS_PER_PAGE = 3000  # a page of a plan in 10-point type, for documents that have no pages


def page_count(path: Path) -> str:
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        return str(len(PdfReader(str(path)).pages))
    if path.suffix == ".docx":
        from docx import Document

        doc = Document(str(path))
        chars = sum(len(p.text) for p in doc.paragraphs) + sum(
            len(c.text) for t in doc.tables for r in t.rows for c in r.cells
        )
    else:
        chars = len(path.read_text(encoding="utf-8"))
    return f"~{chars / CHARS_PER_PAGE:.0f}"


def doubled(document: dict) -> dict:
    """The plan followed by a renumbered copy of itself: a document twice as long."""
    copy = json.loads(json.dumps(document))
    n_objectives = len(document["objectives"])
    n_goals = sum(len(o["goals"]) for o in document["objectives"])
    for objective in copy["objectives"]:
        objective["number"] += n_objectives
        for goal in objective["goals"]:
            goal["number"] += n_goals
            for action in goal["actions"]:
                head, _, tail = action["code"].partition(".")
                action["code"] = f"{int(head) + n_goals}" + (f".{tail}" if tail else "")
    return {**document, "objectives": document["objectives"] + copy["objectives"]}


def render_txt(document: dict, width: int = 38) -> str:
    """The plan as text extracted from a PDF: tab-separated columns, each cell wrapped over
    several lines, footnotes under each table."""
    import textwrap

    from naptrack.plans.importing.model import superscript

    labels = department_labels(document, with_parent=True)
    notes = _notes(document)
    out = [document["title"], ""]
    for objective in document["objectives"]:
        out += [f"OBJECTIVE {objective['number']}. {objective['title']}", ""]
        for paragraph in (objective.get("intro") or "").split("\n\n"):
            if paragraph:
                out += [paragraph, ""]
        out.append("No.\tGOAL\tLINES OF ACTION\tMONITORING INSTRUMENTS\tDEPARTMENTS")
        footnotes = []
        for goal in objective["goals"]:
            for i, action in enumerate(goal["actions"]):
                marks = notes.get(action["code"], [])
                footnotes += list(zip(marks, action.get("notes", []), strict=True))
                text = action["text"] + "".join(f" {superscript(m)}" for m in marks)
                cells = [
                    [action["code"] if "." in action["code"] else action["code"] + "."],
                    textwrap.wrap(goal["text"], width) if i == 0 else [],
                    textwrap.wrap(text, width),
                    textwrap.wrap(" ".join(i["text"] for i in action["instruments"]), width),
                    _departments(action, labels),
                ]
                for row in range(max(len(c) for c in cells)):
                    out.append("\t".join(c[row] if row < len(c) else "" for c in cells))
        out.append("")
        out += [f"{superscript(n)} {t}" for n, t in footnotes]
        out.append("")
    return "\n".join(out)


def twenty_pages(document: dict, work: Path) -> dict[str, Path]:
    """A document of well over 20 pages in each format: the plan and a renumbered copy of it
    (12 objectives, 74 goals, 204 lines of action), each with its introductions."""
    long = doubled(document)
    out = {}
    path = work / "twenty-pages.txt"
    path.write_text(render_txt(long), encoding="utf-8")
    out["txt"] = path
    path = work / "twenty-pages.docx"
    path.write_bytes(render_docx(long, "docx-merged"))
    out["docx"] = path
    path = work / "twenty-pages.pdf"
    path.write_bytes(render_pdf(long, "pdf-portrait"))
    out["pdf"] = path
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    target = Path(argv[0])
    target.mkdir(parents=True, exist_ok=True)
    bundled = Path(__file__).resolve().parent.parent / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
    document = json.loads(bundled.read_text(encoding="utf-8"))
    for layout in DOCX_LAYOUTS:
        (target / f"be-nap-{layout}.docx").write_bytes(render_docx(document, layout))
    for layout in PDF_LAYOUTS:
        (target / f"be-nap-{layout}.pdf").write_bytes(render_pdf(document, layout))
    print(f"wrote {len(DOCX_LAYOUTS) + len(PDF_LAYOUTS)} renderings to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
