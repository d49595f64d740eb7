"""The report's PDF: laid out by Typst (publications/typst), kept in a cache, several side by side.

Typst releases Python's lock while it lays a document out, so publishing a round lays out its
three languages' PDFs in threads, one per processor (NAPTRACK_REPORT_WORKERS): no worker process
to start, nothing to pickle, and each thread keeps its compiler (fonts loaded, earlier layouts
reused) for the next report.

The PDF of given report data is also kept in private storage (the last CACHE_KEEP), so that the
same report downloaded again, or published after its preview, comes at once. The key is the whole
JSON data with the template and Typst's version: any change of content, language, variant or date
makes a new PDF.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from naptrack.publications import typst
from naptrack.publications.content import Report

CACHE_DIR = "report-cache"
CACHE_KEEP = 64


def workers() -> int:
    """How many PDFs are laid out at once: NAPTRACK_REPORT_WORKERS, by default one per processor."""
    value = os.environ.get("NAPTRACK_REPORT_WORKERS", "")
    try:
        return max(1, int(value))
    except ValueError:
        return max(1, os.cpu_count() or 1)


def render_pdf(report: Report, *, cache: bool = True) -> bytes:
    """The report's tagged PDF (PDF/UA-1): cover, contents with page numbers, running header,
    "page x of y", the draft's watermark."""
    return render_pdfs([report], cache=cache)[0]


def render_pdfs(
    reports: Sequence[Report],
    *,
    cache: bool = True,
    processes: int | None = None,
    documents: Sequence[str] | None = None,
) -> list[bytes]:
    """The PDFs of several reports, in their order; those not in the cache are laid out side by
    side in up to `processes` threads (default: workers()). cache=False lays them all out anew.
    `documents`, when given, are the reports' data made already (typst.document)."""
    if documents is None:
        documents = [typst.document(report) for report in reports]
    dated = list(zip(documents, [report.date for report in reports], strict=True))
    found: dict[int, bytes] = {}
    if cache:
        for n, (data, _date) in enumerate(dated):
            stored = _cached(data)
            if stored is not None:
                found[n] = stored
    missing = [n for n in range(len(dated)) if n not in found]
    for n, laid_out in zip(missing, layout_many([dated[n] for n in missing], processes=processes), strict=True):
        found[n] = laid_out
        if cache:
            _remember(dated[n][0], laid_out)
    return [found[n] for n in range(len(dated))]


def layout_many(documents: Sequence[tuple[str, dt.date | None]], *, processes: int | None = None) -> list[bytes]:
    """The PDFs of report data (typst.document, with the report's date), in their order."""
    threads = min(processes or workers(), len(documents))
    if threads <= 1:
        return [typst.compile(data, date) for data, date in documents]
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="naptrack-pdf") as pool:
        return list(pool.map(lambda document: typst.compile(*document), documents))


@cache
def _template_key() -> str:
    return hashlib.sha256(f"{typst.VERSION}\n".encode() + typst.TEMPLATE.read_bytes()).hexdigest()


def _cache_name(data: str) -> str:
    key = hashlib.sha256(f"{_template_key()}\n{data}".encode()).hexdigest()
    return f"{CACHE_DIR}/{key}.pdf"


def _cached(data: str) -> bytes | None:
    try:
        with default_storage.open(_cache_name(data), "rb") as stored:
            return stored.read()
    except OSError:
        return None


def _remember(data: str, pdf: bytes) -> None:
    try:
        default_storage.save(_cache_name(data), ContentFile(pdf))
        _prune()
    except OSError:  # a full or read-only disk costs the next download its time, nothing else
        pass


def _prune() -> None:
    _dirs, files = default_storage.listdir(CACHE_DIR)
    if len(files) <= CACHE_KEEP:
        return
    names = sorted(files, key=lambda f: default_storage.get_modified_time(f"{CACHE_DIR}/{f}"))
    for old in names[: len(files) - CACHE_KEEP]:
        default_storage.delete(f"{CACHE_DIR}/{old}")
