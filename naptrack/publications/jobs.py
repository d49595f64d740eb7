"""Building a round's report to parliament as PDF or Word for download, as a background job.

A PDF takes one to two and a half seconds to lay out, a Word document about as long on a large
round: the dashboard's buttons queue a job (publications.views.round_report) and the person
follows it on the job's page, which ends with the file's download (jobs:job-file). The web page
(HTML) is still built in the request: it takes well under a second.

The handler asks again, as the person who queued it, whether they may read the report: a role
taken away meanwhile refuses the job. It writes nothing but the file, which the jobs app stores
when the job succeeds, so an attempt that dies leaves nothing behind and may simply run again.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _

from naptrack.jobs.models import Job
from naptrack.jobs.services import (
    JobRefused,
    Outcome,
    handler,
    job_enqueue,
    job_file_url,
    job_person,
    job_progress,
)
from naptrack.publications import services
from naptrack.reporting.models import Round

FORMAT_NAMES = {"pdf": "PDF", "docx": "Word"}


def report_title(round_: Round, format: str, lang: str, draft: bool) -> str:
    values = {"round": round_, "format": FORMAT_NAMES[format], "lang": lang}
    if draft:
        return _("Draft report of %(round)s (%(format)s, %(lang)s)") % values
    return _("Report of %(round)s (%(format)s, %(lang)s)") % values


@handler
def report_build_job(job: Job, *, round: int, format: str, lang: str, draft: bool) -> Outcome:
    round_ = Round.objects.select_related("plan").filter(pk=round).first()
    if round_ is None:
        raise JobRefused(_("This round no longer exists."))
    # PermissionDenied and a ValidationError (an unknown format) fail the job at once.
    services.report_access_check(job_person(job), round_, draft)
    job_progress(job, 0, 1, _("Building the report"))
    data = services.report_build(round_, format, lang, draft)
    name = services.filename(round_, format, lang, draft)
    return Outcome(
        url=job_file_url(job),
        note=_("%(report)s is ready.") % {"report": report_title(round_, format, lang, draft)},
        file=ContentFile(data, name=name),
    )


def report_build_enqueue(*, actor, round: Round, format: str, lang: str, draft: bool) -> Job:
    """Queue the report's build for `actor`, who was checked (report_access_check). Keyed by the
    person too: the job's page and file are theirs alone, while they may read that report, and a
    second press finds their job."""
    kind = "draft" if draft else "final"
    return job_enqueue(
        actor=actor,
        function=report_build_job,
        title=report_title(round, format, lang, draft),
        arguments={"round": round.pk, "format": format, "lang": lang, "draft": draft},
        key=f"report-build:{round.pk}:{format}:{lang}:{kind}:{actor.pk}",
        # Re-checked at every view of the page and file: someone who lost the right to read the
        # draft since the build no longer downloads it.
        permission=("reporting.view_all_contributions" if draft else "reporting.view_round", round),
    )
