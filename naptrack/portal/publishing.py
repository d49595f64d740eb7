"""Publishing a round: the one use case that changes what the public sees in several apps at once.

It moves the round to published (reporting), stores its report to parliament in every language
and format (publications), rebuilds the plan's search documents and lets every server's page
cache see the change (portal), all in one transaction: a failure anywhere leaves no stored file
and the round unpublished. It lives here, above the apps it combines, so that none of them
imports a higher one (docs/architecture.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.portal.search import search_reindex
from naptrack.publications import services as publications
from naptrack.reporting.models import Round
from naptrack.reporting.services import round_import, round_mark_published


def round_publish(*, actor, round: Round) -> Round:
    if not getattr(actor, "has_perm", None) or not actor.has_perm("reporting.manage_round"):
        raise PermissionDenied(_("You may not do this."))
    # Building the files takes seconds, so it is done before the transaction, which holds
    # SQLite's write lock for everyone; reports_store builds them again only if the round
    # changed meanwhile. A round in the wrong state is refused by the state change below.
    built = (
        publications.reports_build(round)
        if Round.objects.filter(pk=round.pk, state=Round.State.CLOSED).exists()
        else None
    )
    with transaction.atomic():
        round_ = round_mark_published(actor=actor, round=round)
        publications.reports_store(actor=actor, round=round_, built=built)
        # search_reindex also tells this process's page cache; the others see the new public
        # stamp (the audit event above) within seconds.
        search_reindex(round_.plan)
    return round_


def round_import_published(*, actor, **kwargs) -> Round:
    """A past report imported and published at once (reporting.services.round_import, then
    round_publish): the history an installation starts with, public from its first report. In
    one transaction, so that a failure while publishing leaves no imported round behind; the
    report is built inside it, which holds the database's write lock for those seconds."""
    with transaction.atomic():
        round_ = round_import(actor=actor, **kwargs)
        return round_publish(actor=actor, round=round_)
