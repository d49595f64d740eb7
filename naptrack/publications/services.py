"""Building the report to parliament, and storing it when a round is published."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.audit.services import audit_record
from naptrack.publications import content
from naptrack.publications.models import PublishedReport
from naptrack.reporting.models import Round
from naptrack.reporting.services import WorkflowError

FORMATS = ("html", "pdf", "docx")
LANGUAGES = content.REPORT_LANGUAGES  # the languages a report is built and downloaded in
# The languages whose PDF and DOCX publishing a round stores: parliament's working languages and
# English. Each stored language adds about a third to publishing's time (bench/report.py), so the
# German report is built when asked for (the round's download links, `naptrack report build`).
PUBLISHED_LANGUAGES = ("en", "fr", "nl")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _check(format: str, lang: str) -> None:
    errors = {}
    if format not in FORMATS:
        errors["format"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(FORMATS)}]
    if lang not in LANGUAGES:
        errors["lang"] = [_("Choose one of: %(values)s.") % {"values": ", ".join(LANGUAGES)}]
    if errors:
        raise ValidationError(errors)


def write(report: content.Report, format: str, *, back_url: str | None = None, cache: bool = True) -> bytes:
    if format == "html":
        from naptrack.publications.html import render_html

        return render_html(report, back_url=back_url).encode("utf-8")
    if format == "pdf":
        from naptrack.publications.pdf import render_pdf

        return render_pdf(report, cache=cache)
    from naptrack.publications.docx import render_docx

    return render_docx(report)


def report_build(
    round: Round, format: str, lang: str, draft: bool = False, *, back_url: str | None = None, cache: bool = True
) -> bytes:
    """The report of a round in one format and language: the final one (approved, public content
    only) or the draft for internal review. Reads the database in a fixed number of queries.
    cache=False lays the PDF out even when the same one was made before (see publications/pdf.py)."""
    _check(format, lang)
    source = content.load(round, draft=draft)
    return write(content.build(source, lang), format, back_url=back_url, cache=cache)


def report_access_check(user, round: Round, draft: bool) -> None:
    """May `user` build the round's report (the draft, with `draft`)? Staff only, like the round
    itself (an evaluator, their own plan's). Raises PermissionDenied. Asked by the download's
    view and again by the job that builds it, as the person who asked, when it runs."""
    from naptrack.core.roles import evaluates, is_evaluator

    if is_evaluator(user) and not evaluates(user, round.plan_id):
        raise PermissionDenied(_("You may not do this."))
    if not user.has_perm("reporting.view_round", round):
        raise PermissionDenied(_("You may not do this."))
    # The draft holds every department's submitted and internal items: for those who read every
    # department's work in any state (coordinator, readers), not for a department's focal point,
    # who reads their own work on their own pages and gets the final report like everyone else.
    if draft and not user.has_perm("reporting.view_all_contributions", round):
        raise PermissionDenied(_("The draft report is for the coordinator and readers."))


def filename(round: Round, format: str, lang: str, draft: bool = False) -> str:
    stem = f"{round.plan.slug}-{round.kind}-{round.year}-{lang}"
    return f"{stem}-draft.{format}" if draft else f"{stem}.{format}"


@dataclass
class Built:
    """The published report's files, and a digest of what they were built from."""

    digest: str
    files: list[tuple[str, str, bytes]] = field(default_factory=list)  # (language, format, content)


def _digest(documents: list[str]) -> str:
    # The PDF's data in each language holds every field of the content tree the files are written
    # from (content, translations, order, figures, charts): if it is the same, so are the files.
    digest = hashlib.sha256()
    for document in documents:
        digest.update(document.encode("utf-8"))
    return digest.hexdigest()


def _documents(source: content.Source) -> tuple[list[content.Report], list[str]]:
    from naptrack.publications import typst

    reports = [content.build(source, lang) for lang in PUBLISHED_LANGUAGES]
    return reports, [typst.document(report) for report in reports]


def _build(reports: list[content.Report], documents: list[str], *, cache: bool = True) -> Built:
    """The files of the reports in every language, from the reports and their PDF's data
    (`documents`, see _documents), which make the digest."""
    from naptrack.publications.docx import render_docx
    from naptrack.publications.pdf import render_pdfs

    # Typst lays the PDFs out side by side without Python's lock, while this thread writes the
    # Word documents: on two processors, the three PDFs take about the time of the DOCX.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="naptrack-pdfs") as pool:
        pdfs = pool.submit(render_pdfs, reports, cache=cache, documents=documents)
        docx = [render_docx(report) for report in reports]
        laid_out = pdfs.result()
    built = Built(_digest(documents))
    for lang, pdf, word in zip(PUBLISHED_LANGUAGES, laid_out, docx, strict=True):
        built.files.append((lang, PublishedReport.Format.PDF, pdf))
        built.files.append((lang, PublishedReport.Format.DOCX, word))
    return built


def reports_build(round: Round, *, cache: bool = True, source: content.Source | None = None) -> Built:
    """Build the final report in every language as PDF and DOCX. Reads only: run it before the
    transaction that stores the files, since it takes seconds and a write transaction holds
    SQLite's lock for everyone. cache=False lays the PDFs out even when they were made before.
    `source`, when given, is the round's content as the caller read it (content.load), so that
    the report of a change not yet committed can be built outside the transaction."""
    return _build(*_documents(source or content.load(round, draft=False)), cache=cache)


def reports_store(*, actor, round: Round, built: Built | None = None) -> list[PublishedReport]:
    """Store the files of `built` as the round's published report, replacing earlier ones; build
    them again first when the round changed since (a late approval). Runs inside the caller's
    transaction: if anything fails, no row is written and the files written so far are removed."""
    source = content.load(round, draft=False)
    reports, documents = _documents(source)
    if built is None or built.digest != _digest(documents):
        built = _build(reports, documents)
    old = list(PublishedReport.objects.filter(round_id=round.pk))
    written: list[PublishedReport] = []
    try:
        for lang, format, data in built.files:
            published = PublishedReport(round_id=round.pk, language=lang, format=format, size=len(data))
            published.file.save(filename(source.round, format, lang), ContentFile(data), save=False)
            written.append(published)
        PublishedReport.objects.filter(pk__in=[p.pk for p in old]).delete()
        PublishedReport.objects.bulk_create(written)
    except BaseException:
        for published in written:
            published.file.storage.delete(published.file.name)
        raise
    audit_record(
        actor=actor,
        action="publications.reports.published",
        target=source.round,
        data={"files": [p.file.name for p in written], "sizes": [p.size for p in written]},
    )
    kept = {p.file.name for p in written}
    stale = [p.file for p in old if p.file.name not in kept]
    transaction.on_commit(lambda: [f.storage.delete(f.name) for f in stale])
    return written


def reports_publish(*, actor, round: Round) -> list[PublishedReport]:
    """Build and store again the report of a published round (after a correction of the plan's
    translations, say). Publishing a round does this by itself."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm("reporting.manage_round"):
        raise PermissionDenied(_("You may not do this."))
    not_published = WorkflowError(_("Only a published round has a published report."))
    if not Round.objects.filter(pk=round.pk, state=Round.State.PUBLISHED).exists():
        raise not_published
    built = reports_build(round)
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round.pk)
        if round_.state != Round.State.PUBLISHED:
            raise not_published
        return reports_store(actor=actor, round=round_, built=built)
