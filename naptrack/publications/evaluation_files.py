"""An evaluation's report as a file: HTML, PDF or DOCX in English, French or Dutch, by the same
writers as the report to parliament (publications.html, .pdf, .docx) from its content tree
(content/evaluation.py)."""

from __future__ import annotations

from naptrack.publications.content.evaluation import build_evaluation, load_evaluation
from naptrack.publications.docx import render_docx
from naptrack.publications.html import render_html
from naptrack.publications.pdf import render_pdf

LANGUAGES = ("en", "fr", "nl")
FORMATS = ("html", "pdf", "docx")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def evaluation_file(evaluation_id: int, lang: str, fmt: str) -> bytes:
    """The report of the evaluation, a draft until it is published (eight queries)."""
    report = build_evaluation(load_evaluation(evaluation_id), lang)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "pdf":
        return render_pdf(report)
    return render_docx(report)
