"""The report's PDF laid out by Typst (the `typst` package ships the compiler; nothing is
downloaded at run time).

`document(report)` is the report as JSON data (data.py, blocks.py); `compile(document, ...)`
lays it out with the template publications/report.typ, which reads that JSON from
`sys.inputs`: user text is data, never Typst markup. The PDF is tagged (structure tree, the
document's language and the language of passages in another one, bookmarks, artifacts for page
furniture) and conforms to PDF/UA-1, which Typst checks as it writes the file.

Fonts: DejaVu Sans from Debian's fonts-dejavu-core and fonts-dejavu-extra (scripts/test and the
README install them), read from their folder only; the computer's other fonts are ignored, so the
same PDF comes out on every machine. Without those packages Typst falls back to the fonts it
embeds (Libertinus Serif) and says so in a warning, logged here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path

import typst as typst_compiler

from naptrack.publications.content import Report
from naptrack.publications.typst.data import report_data

logger = logging.getLogger(__name__)

TEMPLATE = Path(__file__).resolve().parent.parent / "report.typ"
# DejaVu Sans ships with the package (publications/fonts/, its licence beside it), so that the same
# PDF comes out on every machine whatever fonts it has; NAPTRACK_REPORT_FONTS names other folders.
BUNDLED_FONTS = Path(__file__).resolve().parent.parent / "fonts"
FONT_DIRS = [Path(p) for p in os.environ.get("NAPTRACK_REPORT_FONTS", str(BUNDLED_FONTS)).split(os.pathsep) if p]
# PDF/UA-1: Typst refuses to write a file that breaks its rules (an image without a text
# alternative, a missing title...), so a PDF that claims it was checked; see compile().
PDF_STANDARDS = ["ua-1"]
VERSION = typst_compiler.__version__

_local = threading.local()


def document(report: Report) -> str:
    """The report as the JSON text the template reads."""
    return json.dumps(report_data(report), ensure_ascii=False, separators=(",", ":"))


def _compiler() -> typst_compiler.Compiler:
    """One compiler per thread: it keeps the fonts it loaded and what it laid out before (Typst
    reuses unchanged parts of a layout), which makes every report after the first faster."""
    compiler = getattr(_local, "compiler", None)
    if compiler is None:
        fonts = [str(p) for p in FONT_DIRS if p.is_dir()]
        compiler = _local.compiler = typst_compiler.Compiler(
            input=TEMPLATE, root=TEMPLATE.parent, font_paths=fonts, ignore_system_fonts=True
        )
    return compiler


def compile(data: str, date: dt.date | None = None) -> bytes:
    """The PDF of a report's JSON data (see document). `date`, the report's date, is the PDF's
    creation date, so that the same report gives the same bytes whenever it is built."""
    moment = dt.datetime.combine(date or dt.date(2000, 1, 1), dt.time(12), tzinfo=dt.UTC)
    compiler = _compiler()
    try:
        pdf, warnings = compiler.compile_with_warnings(
            format="pdf", sys_inputs={"report": data}, pdf_standards=PDF_STANDARDS, timestamp=moment
        )
    except typst_compiler.TypstError as error:
        message = getattr(error, "message", "") or (str(error.args[0]) if error.args else str(error))
        if "PDF/UA" not in message:
            raise
        # Something people wrote broke a PDF/UA rule that the template cannot foresee: the report
        # still comes out, as a tagged PDF that does not claim PDF/UA, and the log says why.
        logger.warning("report PDF written without PDF/UA-1: %s", message)
        pdf, warnings = compiler.compile_with_warnings(
            format="pdf", sys_inputs={"report": data}, pdf_standards=[], timestamp=moment
        )
    for warning in warnings:
        logger.warning("typst: %s", warning.message)
    assert isinstance(pdf, bytes)
    return pdf


def render(report: Report) -> bytes:
    """The report's tagged PDF."""
    return compile(document(report), report.date)
