"""Laying the report's HTML out into a tagged PDF with WeasyPrint.

Nothing here touches Django: worker processes run `layout` on an HTML string without settings,
a database or templates. That is how publishing a round lays out its three languages' PDFs side
by side, one per processor (NAPTRACK_REPORT_WORKERS).
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

logger = logging.getLogger(__name__)


@contextmanager
def _without_cycle_collection() -> Iterator[None]:
    # WeasyPrint makes millions of small objects while it lays out a report, and each time
    # Python's cycle collector wakes up it walks the whole heap, Django's included: about a tenth
    # of the build of the full Belgian report. The layout's boxes live until the PDF is written
    # anyway, so nothing is gained by looking for garbage before then; the collector runs as
    # usual once it is re-enabled.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def layout(html: str, base_url: str) -> bytes:
    """One tagged PDF (structure, language and title for screen readers) from one HTML document."""
    from weasyprint import HTML

    with _without_cycle_collection():
        return HTML(string=html, base_url=base_url).write_pdf(pdf_tags=True)


def workers() -> int:
    """How many PDFs are laid out at once: NAPTRACK_REPORT_WORKERS, by default one per
    processor. WeasyPrint holds Python's lock while it works, so only processes run side by side."""
    value = os.environ.get("NAPTRACK_REPORT_WORKERS", "")
    try:
        return max(1, int(value))
    except ValueError:
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    # Not fork: the caller may be a threaded server holding database connections. The fork
    # server starts once per process, with WeasyPrint imported, and forks each worker from it.
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["weasyprint"])
        return context
    return multiprocessing.get_context("spawn")


def layout_many(documents: Sequence[str], base_url: str, *, processes: int | None = None) -> list[bytes]:
    """The PDFs of several HTML documents, in their order, laid out in up to `processes` worker
    processes (default: `workers()`). Where worker processes cannot be started (a sandbox, no
    shared memory), they are laid out here, one after the other: slower, the same files."""
    processes = min(processes or workers(), len(documents))
    if processes <= 1:
        return [layout(html, base_url) for html in documents]
    pool = None
    try:
        pool = ProcessPoolExecutor(max_workers=processes, mp_context=_context())
        # Workers start on the first task: a no-op tells "cannot start" apart from an error in a
        # layout, which is raised to the caller as it would be here, not retried.
        pool.submit(_ready).result()
    except (BrokenProcessPool, OSError) as error:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        logger.warning("laying out %d PDFs in this process: worker processes failed (%s)", len(documents), error)
        return [layout(html, base_url) for html in documents]
    with pool:
        return list(pool.map(layout, documents, [base_url] * len(documents)))


def _ready() -> bool:
    return True
