"""Publishing a round: the one use case that changes what the public sees in several apps at once.

It moves the round to published (reporting), stores its report to parliament in every language
and format (publications), rebuilds the plan's search documents and lets every server's page
cache see the change (portal), all in one transaction: a failure anywhere leaves no stored file
and the round unpublished. It lives here, above the apps it combines, so that none of them
imports a higher one (docs/architecture.md).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.portal.search import search_reindex
from naptrack.publications import services as publications
from naptrack.reporting.models import Round
from naptrack.reporting.services import round_import, round_mark_published


def round_publish(*, actor, round: Round, progress: Callable[[int, int, str], None] | None = None) -> Round:
    """`progress(done, total, note)` hears of each step (a job's progress page shows them)."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm("reporting.manage_round"):
        raise PermissionDenied(_("You may not do this."))
    say = progress or (lambda done, total, note: None)
    say(0, 2, _("Building the report to parliament in every language and format"))
    # Building the files takes seconds, so it is done before the transaction, which holds
    # SQLite's write lock for everyone; reports_store builds them again only if the round
    # changed meanwhile. A round in the wrong state is refused by the state change below.
    built = (
        publications.reports_build(round)
        if Round.objects.filter(pk=round.pk, state=Round.State.CLOSED).exists()
        else None
    )
    say(1, 2, _("Publishing the round: storing the report and updating the search index"))
    with transaction.atomic():
        round_ = round_mark_published(actor=actor, round=round)
        publications.reports_store(actor=actor, round=round_, built=built)
        # search_reindex also tells this process's page cache; the others see the new public
        # stamp (the audit event above) within seconds.
        search_reindex(round_.plan)
    return round_


class RoundNotPublished(Exception):
    """A round imported (and committed) whose publishing then failed: it stays closed, and the
    message says so, for the screen and the command line alike."""

    def __init__(self, round_: Round, error: Exception):
        self.round = round_
        reason = str(error).removesuffix(".") or type(error).__name__
        super().__init__(
            _(
                "Round %(round)s was imported and is closed, but publishing it failed (%(reason)s). "
                "Publish it from the round's dashboard."
            )
            % {"round": round_, "reason": reason}
        )


def round_import_published(*, actor, **kwargs) -> Round:
    """A past report imported and published at once (reporting.services.round_import, then
    round_publish): the history an installation starts with, public from its first report.

    The import is committed first, in its own transaction, and round_publish builds the report
    outside its own: one transaction around both would hold the database's write lock for the
    seconds the report takes. So a failure while publishing leaves the round imported and closed,
    as the coordinator could have imported it: RoundNotPublished says so, and it is published
    from its dashboard."""
    round_ = round_import(actor=actor, **kwargs)
    try:
        return round_publish(actor=actor, round=round_)
    except Exception as exc:
        raise RoundNotPublished(round_, exc) from exc
