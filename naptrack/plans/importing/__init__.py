"""Importing a plan from its document: a PDF, a Word document, or text extracted from a PDF.

    document, checks = import_plan_document(path, slug=..., title=..., known_departments=[...])

returns a valid naptrack-plan/1 document and the list of what a person should check in it (a
number inferred from the sequence, text dropped as noise, a department not matched, a row not
placed). A file that holds no readable matrix raises DocumentImportError with a message saying
what was expected. Nothing here writes to the database: loading is plan_load's job.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils.translation import gettext

from naptrack.plans.importing.departments import KnownDepartment
from naptrack.plans.importing.headers import PLAN, Vocabulary
from naptrack.plans.importing.model import (
    DEPARTMENT_UNMATCHED,
    Check,
    DocumentImportError,
    Heading,
    Matrix,
    Prose,
    Row,
)

SUFFIXES = (".pdf", ".docx", ".txt", ".xlsx", ".csv")
# For messages: "a .pdf, .docx, .txt, .xlsx or .csv file".
SUFFIXES_TEXT = ", ".join(SUFFIXES[:-1]) + " or " + SUFFIXES[-1]

__all__ = [
    "SUFFIXES",
    "SUFFIXES_TEXT",
    "Check",
    "DocumentImportError",
    "KnownDepartment",
    "import_plan_document",
    "known_departments_from_db",
    "read_departments_file",
    "unmatched_departments",
]


def read_matrix(path: str | Path, vocabulary: Vocabulary = PLAN, *, no_table: str = "") -> Matrix:
    """The matrix of a document, its columns told by `vocabulary` (a plan's by default)."""
    suffix = Path(path).suffix.lower()
    if suffix == ".txt":
        from naptrack.plans.importing.txt import read_txt

        return read_txt(path, vocabulary)
    if suffix == ".docx":
        from naptrack.plans.importing.docx import read_docx

        return read_docx(path, vocabulary, no_table=no_table)
    if suffix == ".pdf":
        from naptrack.plans.importing.pdf import read_pdf

        return read_pdf(path, vocabulary)
    if suffix in (".xlsx", ".csv") and vocabulary is PLAN:
        from naptrack.plans.importing.spreadsheet import read_spreadsheet

        return read_spreadsheet(path)
    raise DocumentImportError(f"cannot read {suffix or 'a file without extension'}: expected a {SUFFIXES_TEXT} file")


def import_plan_document(
    path: str | Path,
    *,
    slug: str,
    title: str,
    known_departments: Iterable[KnownDepartment | dict],
    country: str | None = None,
    period: tuple[int, int] | None = None,
    languages: list[str] | None = None,
    focus_countries: list[str] | None = None,
) -> tuple[dict, list[Check]]:
    """Read the plan in the file at path: (naptrack-plan/1 document, checks)."""
    from naptrack.plans.importing.finishing import plan_from_matrix

    if Path(path).suffix.lower() in (".xlsx", ".csv"):
        # Spreadsheets: merged and blank cells inherit, and a workbook naptrack exported carries its plan data.
        from naptrack.plans.importing.spreadsheet import import_plan_spreadsheet

        return import_plan_spreadsheet(
            path,
            slug=slug,
            title=title,
            known_departments=known_departments,
            country=country,
            period=period,
            languages=languages,
            focus_countries=focus_countries,
        )
    matrix = read_matrix(path)
    body = "\n".join(b.text for b in matrix.blocks if isinstance(b, Prose | Heading))
    # The table's words tell the language too, when the document has little text around it.
    cells = "\n".join(p for b in matrix.blocks if isinstance(b, Row) for ps in b.cells.values() for p in ps)
    return plan_from_matrix(
        matrix,
        name=Path(path).name,
        slug=slug,
        title=title,
        known_departments=known_departments,
        body_text=body,
        table_text=cells,
        country=country,
        period=period,
        languages=languages,
        focus_countries=focus_countries,
        not_said=lambda missing: (
            gettext("the document does not say %(what)s: give it as an option") % {"what": " / ".join(missing)}
        ),
        incomplete=gettext("the plan read from the document is not complete: "),
    )


def unmatched_departments(checks: Iterable[Check]) -> list[Check]:
    return [c for c in checks if c.kind == DEPARTMENT_UNMATCHED]


def known_departments_from_db() -> list[KnownDepartment]:
    from naptrack.plans.models import Department

    rows = Department.objects.select_related("parent").order_by("pk")
    return [
        KnownDepartment(
            d.code, d.name_en or d.name or d.code, d.parent.code if d.parent else None, d.abbreviation_en or ""
        )
        for d in rows
    ]


def read_departments_file(path: str | Path) -> list[KnownDepartment]:
    """Departments from a JSON list of {code, name, parent} (as in naptrack-plan/1, or a whole
    naptrack-plan/1 document) or a CSV file of code,name,parent rows (a header row is optional)."""
    raw = Path(path).read_bytes().decode("utf-8-sig")
    rows: list[dict[str, Any]]
    if raw.lstrip().startswith(("[", "{")):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise DocumentImportError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
        rows = data.get("departments", []) if isinstance(data, dict) else data
    else:
        reader = csv.reader(io.StringIO(raw))
        rows = []
        for record in reader:
            if not record or not record[0].strip() or record[0].strip().lower() == "code":
                continue
            rows.append(
                {
                    "code": record[0].strip(),
                    "name": (record[1] if len(record) > 1 else "").strip(),
                    "parent": (record[2] if len(record) > 2 else "").strip() or None,
                }
            )
    known = []
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict) or not row.get("code") or not row.get("name"):
            raise DocumentImportError(f"{path}: department {i} needs a code and a name")
        known.append(KnownDepartment.from_document(row))
    return known
