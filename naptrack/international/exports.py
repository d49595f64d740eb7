"""The answer pack: a snapshot of a request's answers in its questions' order, and that snapshot
written as DOCX, XLSX or CSV in English, French or Dutch.

The files are always written from a snapshot (pack_snapshot), the same one that a dispatch
freezes when the pack is sent, so that a sent version downloads as it was sent, whatever was
edited since. User text goes into the files as data: string cells in XLSX, neutralised cells in
CSV, runs of text in DOCX.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from naptrack.core.spreadsheets import csv_row, xlsx_append
from naptrack.international.models import Request

FORMATS = ("docx", "xlsx", "csv")
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def _plain(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def sources_text(sources: list[dict[str, str]]) -> str:
    """The lines of action and departments an answer draws on, as one line of text."""
    seen: list[str] = []
    for source in sources:
        label = f"{source['line']} {source['department']}".strip()
        if label not in seen:
            seen.append(label)
    return "; ".join(seen)


def pack_snapshot(request: Request) -> dict[str, Any]:
    """What the pack says now: the request's details and each answer, in the questions' order."""
    framework = request.framework
    answers = []
    for answer in request.answers.for_pack():
        question = answer.question
        answers.append(
            {
                "code": question.code,
                "group": question.group,
                "question": question.text,
                "kind": question.kind,
                "text": answer.text,
                "women": answer.women,
                "men": answer.men,
                "other": answer.other,
                "total": _plain(answer.total),
                "yes": answer.yes,
                "flagged": answer.flagged,
                "sources": sources_text(answer.draft.get("sources", [])),
            }
        )
    return {
        "framework": {
            "code": framework.code,
            "body": framework.body,
            "name": framework.name,
            "version": framework.version,
            "source": framework.source,
        },
        "request": {
            "id": request.pk,
            "reference": request.reference,
            "period": request.period,
            "due_on": request.due_on.isoformat(),
        },
        "version": request.version,
        "answers": answers,
    }


def _columns() -> list[str]:
    return [_("Code"), _("Question"), _("Answer"), _("Women"), _("Men"), _("Other"), _("Total"), _("Sources")]


def _answer_text(row: dict[str, Any]) -> str:
    text = row["text"]
    if row["yes"] is not None:
        yes = _("Yes") if row["yes"] else _("No")
        text = f"{yes}. {text}" if text else yes
    return text


def _cells(row: dict[str, Any]) -> list[Any]:
    return [
        row["code"],
        row["question"],
        _answer_text(row),
        row["women"],
        row["men"],
        row["other"],
        row["total"],
        row["sources"],
    ]


def _title(content: dict[str, Any]) -> str:
    framework = content["framework"]
    return f"{framework['name']} {framework['version']}".strip()


def render(content: dict[str, Any], fmt: str, language: str = "en") -> bytes:
    if fmt not in FORMATS:
        raise ValueError(fmt)
    with translation.override(language):
        return {"docx": _docx, "xlsx": _xlsx, "csv": _csv}[fmt](content)


def _csv(content: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_columns())
    for row in content["answers"]:
        writer.writerow(csv_row("" if v is None else v for v in _cells(row)))
    # A BOM, so that spreadsheet programs read the file as UTF-8.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _xlsx(content: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Answers")[:31]
    xlsx_append(ws, _columns())
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in content["answers"]:
        xlsx_append(ws, _cells(row))
    for letter, width in zip("ABCDEFGH", (10, 50, 70, 9, 9, 9, 10, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _docx(content: dict[str, Any]) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = _title(content)
    document.core_properties.language = translation.get_language()
    document.add_heading(_title(content), level=1)
    request = content["request"]
    facts = [
        _("Period: %(period)s") % {"period": request["period"]},
        _("Version %(version)s") % {"version": content["version"]},
    ]
    if request["reference"]:
        facts.insert(0, _("Reference: %(reference)s") % {"reference": request["reference"]})
    document.add_paragraph(" · ".join(facts))
    group = None
    labels = _columns()
    for row in content["answers"]:
        if row["group"] and row["group"] != group:
            group = row["group"]
            document.add_heading(group, level=2)
        document.add_heading(f"{row['code']}  {row['question']}", level=3)
        document.add_paragraph(_answer_text(row) or _("No answer."))
        figures = [
            (label, row[key])
            for label, key in zip(labels[3:7], ("women", "men", "other", "total"), strict=True)
            if row[key] is not None
        ]
        if figures:
            table = document.add_table(rows=2, cols=len(figures))
            table.style = "Table Grid"
            for i, (label, value) in enumerate(figures):
                table.cell(0, i).text = label
                # Grouped as the pack's language writes numbers (naptrack/formats): "1,250", "1\u202f250".
                table.cell(1, i).text = (
                    number_format(value, force_grouping=True) if isinstance(value, int) else str(value)
                )
        if row["sources"]:
            paragraph = document.add_paragraph()
            paragraph.add_run(_("Sources: %(sources)s") % {"sources": row["sources"]}).italic = True
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def filename(content: dict[str, Any], fmt: str, language: str) -> str:
    return f"{content['framework']['code']}-request-{content['request']['id']}-v{content['version']}-{language}.{fmt}"
