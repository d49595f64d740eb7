"""Report documents as a coordinator receives them, rendered from a made-up round (bench/report_truth.py),
to measure and test the round importer (naptrack.reporting.importing) on layouts that differ.

    python bench/report_documents.py OUTDIR [--seed N]   # the bundled plan's truth in every layout

  docx-objective  a Word matrix, one table per objective after an "Objective N. title" heading:
                  No. | Line of action | Department | Status | Achievements, one row per line and
                  department (departments that answered together share a row naming both), the
                  line's two cells merged vertically (vMerge) over its rows; departments by name or
                  abbreviation, a unit sometimes after its department ("Interior - Fedasil");
                  statuses in words and synonyms ("Done"); some lines without their number, their
                  text lightly reworded; figures by sex only in the text.
  pdf-pages       the same matrix as a PDF (WeasyPrint) in French headers and status words, a table
                  per objective running over pages with its header repeated, rows broken across
                  pages, line cells spanning their rows, a running header, footer and page numbers.
  xlsx-rows       a workbook with a title above a header row Code | Line of action | Department |
                  Status | Report | Women | Men, one row per line and department, some codes blank,
                  figures in the Women and Men columns (and in the text, as the department wrote it).
  csv-dutch       the same rows as a semicolon CSV in Dutch: headers, status words and department
                  names (the plan's Dutch names).

The choices a layout makes (which codes to leave out, names or abbreviations, which synonym) are
seeded by the truth's seed and the layout's name: the same truth renders the same documents.
"""

from __future__ import annotations

import html
import io
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from report_truth import Contribution, Truth, truth_from_document

LAYOUTS = {
    "docx-objective": ".docx",
    "pdf-pages": ".pdf",
    "xlsx-rows": ".xlsx",
    "csv-dutch": ".csv",
}
_NO_CODE = 0.12  # share of lines printed without their number
_ABBREVIATED = 0.3  # share of rows naming the department by its abbreviation
_REWORDED = 0.6  # share of the lines without a number whose text is also reworded
_UNDER_PARENT = 0.3  # share of rows naming a unit after its department ("Interior - Fedasil")
# How a matrix row names the departments that answered together.
_JOINERS = (", ", " / ", "\n")

# Status words a report prints, by status code: the first is the usual one.
STATUS_WORDS = {
    "en": {
        "completed": ("Completed", "Done", "Achieved", "completed"),
        "in-progress": ("In progress", "Ongoing", "Under way", "in progress"),
        "continuous": ("Continuous", "Permanent", "Recurrent"),
        "not-started": ("Not started", "Not yet started", "Pending"),
        "not-applicable": ("Not applicable", "N/A", "n.a."),
    },
    "nl": {
        "completed": ("Afgerond", "Uitgevoerd", "Gerealiseerd"),
        "in-progress": ("Lopend", "In uitvoering"),
        "continuous": ("Doorlopend", "Permanent"),
        "not-started": ("Niet gestart", "Nog niet begonnen"),
        "not-applicable": ("Niet van toepassing", "Nvt"),
    },
    "fr": {
        "completed": ("Réalisé", "Terminé", "Achevé"),
        "in-progress": ("En cours", "En cours de réalisation"),
        "continuous": ("Continu", "Permanent"),
        "not-started": ("Non commencé", "Pas encore entamé"),
        "not-applicable": ("Sans objet", "Non applicable"),
    },
}
# Rewordings of a line's text where a report leaves out its number: light, as a person retyping it.
_REWORDINGS = (
    (r"^Continue to ", "Continuing to "),
    (r"^Ensure ", "Make sure "),
    (r"^Support ", "Supporting "),
    (r"^Promote ", "Promoting "),
    (r"^Encourage ", "Encouraging "),
    (r" \([^)]*\)", ""),
    (r"\bthe national action plan\b", "the NAP"),
    (r"\bresolution 1325\b", "UNSCR 1325"),
    (r"\bBelgium\b", "our country"),
    (r" and ", " & "),
)


class Choices:
    """What a layout leaves out or words its own way, drawn once per line and per row."""

    def __init__(self, truth: Truth, layout: str, language: str = "en", names: str = "en"):
        """`language`: of the status words; `names`: of the departments' names."""
        rng = random.Random(f"{truth.seed}-{layout}")
        self.language = language
        self.no_code = {code for code in sorted(truth.by_line()) if rng.random() < _NO_CODE}
        self.line_text = {}
        for code in truth.by_line():
            text = truth.line(code).text
            if code in self.no_code and rng.random() < _REWORDED:
                text = reword(rng, text)
            self.line_text[code] = text
        self.department = {}
        self.status = {}
        for c in truth.contributions:
            department = truth.departments[c.department]
            name, abbreviation = department.named(names)
            label = abbreviation if rng.random() < _ABBREVIATED else name
            if department.parent and rng.random() < _UNDER_PARENT:
                label = f"{truth.departments[department.parent].named(names)[0]} - {label}"
            self.department[c.key] = label
            words = STATUS_WORDS[language].get(c.status, ("",))
            self.status[c.key] = words[0] if rng.random() < 0.6 else rng.choice(words)
        self.joiner = rng.choice(_JOINERS)

    def code(self, line: str) -> str:
        return "" if line in self.no_code else line

    def rows(self, contributions: list[Contribution]) -> list[tuple[list[Contribution], str]]:
        """A line's rows in a matrix: departments that answered together share one, their names
        joined as the row prints them (paragraphs when joined by a new line)."""
        groups: list[list[Contribution]] = []
        for c in contributions:
            if groups and (groups[-1][0].status, groups[-1][0].text) == (c.status, c.text):
                groups[-1].append(c)
            else:
                groups.append([c])
        return [(group, self.joiner.join(self.department[c.key] for c in group)) for group in groups]


def reword(rng: random.Random, text: str) -> str:
    """The line's text as a person might retype it: one or two light changes, never none."""
    changed = text.rstrip(".")
    for pattern, replacement in rng.sample(_REWORDINGS, len(_REWORDINGS)):
        new = re.sub(pattern, replacement, changed, count=1)
        if new != changed:
            changed = new
            if rng.random() < 0.5:
                break
    return changed


def paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _heading(truth: Truth, number: int) -> str:
    return f"Objective {number}. {truth.objectives[number]}"


def _by_objective(truth: Truth) -> dict[int, list[tuple[str, list[Contribution]]]]:
    out: dict[int, list[tuple[str, list[Contribution]]]] = {}
    for code, contributions in truth.by_line().items():
        out.setdefault(truth.line(code).objective, []).append((code, contributions))
    return out


# --- DOCX -----------------------------------------------------------------------------------------


def render_docx(truth: Truth) -> bytes:
    from docx import Document
    from docx.shared import Pt

    choices = Choices(truth, "docx-objective")
    doc = Document()
    doc.styles["Normal"].font.size = Pt(9)
    doc.add_heading(f"Implementation of the {truth.title}: report {truth.seed}", level=0)
    doc.add_paragraph(
        "This report brings together the contributions of the departments concerned, line of action by line "
        "of action. Lines on which no department reported are left out."
    )
    for number, lines in _by_objective(truth).items():
        doc.add_heading(_heading(truth, number), level=1)
        table = doc.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        for cell, text in zip(
            table.rows[0].cells, ("No.", "Line of action", "Department", "Status", "Achievements"), strict=True
        ):
            cell.text = text
        for code, contributions in lines:
            first = len(table.rows)
            for i, (group, departments) in enumerate(choices.rows(contributions)):
                c = group[0]
                cells = table.add_row().cells
                if i == 0:
                    cells[0].text = choices.code(code)
                    cells[1].text = choices.line_text[code]
                for n, name in enumerate(departments.split("\n")):
                    (cells[2].paragraphs[0] if n == 0 else cells[2].add_paragraph()).add_run(name)
                cells[3].text = choices.status[c.key]
                for n, paragraph in enumerate(paragraphs(c.text)):
                    (cells[4].paragraphs[0] if n == 0 else cells[4].add_paragraph()).add_run(paragraph)
            if len(table.rows) - first > 1:
                # python-docx writes vMerge restart/continue; the text stays in the first cell.
                for column in (0, 1):
                    table.cell(first, column).merge(table.cell(len(table.rows) - 1, column))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------

_PDF_CSS = """
@page { size: A4; margin: 24mm 15mm 20mm 15mm;
  @top-left { content: "Rapport de mise en oeuvre - PAN 1325"; font-size: 8pt; color: #444 }
  @top-right { content: "Version provisoire"; font-size: 8pt; color: #444 }
  @bottom-center { content: "Page " counter(page) " / " counter(pages); font-size: 8pt } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9pt; line-height: 1.3 }
h1 { font-size: 15pt } h2 { font-size: 12pt; margin-top: 14pt; break-after: avoid }
table { border-collapse: collapse; width: 100% }
th, td { border: 0.6pt solid #000; padding: 3pt; vertical-align: top; text-align: left }
th { background: #ddd } td p { margin: 0 0 4pt 0 }
"""
_PDF_HEADERS = ("N°", "Ligne d'action", "Département", "État d'avancement", "Réalisations")
_PDF_WIDTHS = (6, 26, 15, 12, 41)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def report_html(truth: Truth) -> str:
    choices = Choices(truth, "pdf-pages", "fr")
    head = "".join(f'<th style="width:{w}%">{_e(h)}</th>' for h, w in zip(_PDF_HEADERS, _PDF_WIDTHS, strict=True))
    parts = [
        f"<h1>Rapport {truth.seed} : mise en oeuvre du plan d'action national</h1>",
        "<p>Contributions des départements, par ligne d'action.</p>",
    ]
    for number, lines in _by_objective(truth).items():
        parts.append(f"<h2>Objectif {number}. {_e(truth.objectives[number])}</h2>")
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
        for code, contributions in lines:
            rows = choices.rows(contributions)
            for i, (group, departments) in enumerate(rows):
                c = group[0]
                line_cells = ""
                if i == 0:
                    span = f' rowspan="{len(rows)}"' if len(rows) > 1 else ""
                    line_cells = f"<td{span}>{_e(choices.code(code))}</td><td{span}>{_e(choices.line_text[code])}</td>"
                names = "<br>".join(_e(name) for name in departments.split("\n"))
                text = "".join(f"<p>{_e(p)}</p>" for p in paragraphs(c.text))
                parts.append(
                    f"<tr>{line_cells}<td>{names}</td><td>{_e(choices.status[c.key])}</td><td>{text}</td></tr>"
                )
        parts.append("</tbody></table>")
    return (
        f"<!doctype html><html lang=fr><head><meta charset=utf-8><style>{_PDF_CSS}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )


def render_pdf(truth: Truth) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(truth)).write_pdf()


# --- XLSX -----------------------------------------------------------------------------------------

XLSX_HEADERS = ("Code", "Line of action", "Department", "Status", "Report", "Women", "Men")


def render_xlsx(truth: Truth) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    choices = Choices(truth, "xlsx-rows")
    wb = Workbook()
    ws = wb.active
    ws.title = "Report"
    ws.append([f"Report {truth.seed}: contributions by line of action and department"])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([])
    ws.append(list(XLSX_HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for code, contributions in truth.by_line().items():
        for c in contributions:
            figure = c.figures[0] if c.figures else {}
            ws.append(
                [
                    choices.code(code),
                    choices.line_text[code],
                    choices.department[c.key],
                    choices.status[c.key],
                    c.text,
                    figure.get("women"),
                    figure.get("men"),
                ]
            )
    for letter, width in zip("ABCDEFG", (8, 50, 24, 14, 80, 8, 8), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- CSV ------------------------------------------------------------------------------------------

CSV_HEADERS = ("Nr.", "Actielijn", "Departement", "Stand van zaken", "Verwezenlijkingen", "Vrouwen", "Mannen")


def render_csv(truth: Truth) -> bytes:
    """The rows of xlsx-rows as a Dutch-speaking department exports them: semicolons, a byte order
    mark, Dutch headers, status words and department names."""
    import csv

    choices = Choices(truth, "csv-dutch", "nl", names="nl")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for code, contributions in truth.by_line().items():
        for c in contributions:
            figure = c.figures[0] if c.figures else {}
            writer.writerow(
                [
                    choices.code(code),
                    choices.line_text[code],
                    choices.department[c.key],
                    choices.status[c.key],
                    c.text,
                    figure.get("women", ""),
                    figure.get("men", ""),
                ]
            )
    return out.getvalue().encode("utf-8-sig")


# --- all ------------------------------------------------------------------------------------------


def render(layout: str, truth: Truth, path: str | Path | None = None) -> bytes:
    """The document of `layout` for `truth`, written to `path` when given."""
    renderers = {
        "docx-objective": render_docx,
        "pdf-pages": render_pdf,
        "xlsx-rows": render_xlsx,
        "csv-dutch": render_csv,
    }
    if layout not in renderers:
        raise ValueError(f"unknown layout {layout}: one of {', '.join(LAYOUTS)}")
    data = renderers[layout](truth)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def main(argv: list[str]) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=2012)
    args = parser.parse_args(argv)
    bundled = Path(__file__).resolve().parent.parent / "naptrack" / "data" / "plans" / "be-nap-2013-2016.json"
    truth = truth_from_document(json.loads(bundled.read_text(encoding="utf-8")), args.seed)
    out = Path(args.outdir)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth.json").write_text(truth.as_json(), encoding="utf-8")
    for layout, suffix in LAYOUTS.items():
        render(layout, truth, out / f"report-{layout}{suffix}")
        print(out / f"report-{layout}{suffix}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
