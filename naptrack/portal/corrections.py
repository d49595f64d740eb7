"""Correcting what was published: a published contribution or synthesis corrected or withdrawn by
the coordinator, with a public note, as one use case across apps.

It changes the row (naptrack.reporting.services.corrections), stores again the round's report to
parliament and those of later published rounds, which show its figures beside theirs as earlier
years (publications), rebuilds the plan's search documents (portal), and lets every server's page
cache see the change: the corrections' audit events are public actions (portal/caching.py). All
in one transaction, as publishing a round does: a failure anywhere leaves the correction unmade
and the stored files as they were.

Laying out the PDFs takes seconds, too long to hold SQLite's write lock, yet they must show a
correction not committed yet. So the correction is rehearsed first: made in a transaction that
reads the affected rounds' content and is then rolled back. The files are built from that content
outside any transaction; then the correction is made for good and the files stored with it
(reports_store builds them again, inside, only if the content differs from the rehearsal's: a
change in between, or midnight passing between the two dates of correction).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import transaction

from naptrack.portal.search import search_reindex
from naptrack.publications import content
from naptrack.publications import services as publications
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution, Round, Synthesis

T = TypeVar("T")


class _Rehearsed(Exception):
    """Rolls the rehearsal's transaction back once the corrected content is read."""


def _with_later_rounds(round_: Round) -> list[Round]:
    """The round, and the later published rounds whose report shows its figures as earlier years
    (a few rounds a plan: one small query each)."""
    later = [
        r
        for r in Round.objects.filter(plan_id=round_.plan_id, state=Round.State.PUBLISHED).exclude(pk=round_.pk)
        if content.earlier_rounds(r, draft=False).filter(pk=round_.pk).exists()
    ]
    return [round_, *later]


def _republished(*, actor, rounds: list[Round], change: Callable[[], T]) -> T:
    """Run `change` (a reporting correction service) with the reports of `rounds` stored again and
    the search index rebuilt, in one transaction; the reports built beforehand from a rehearsal."""
    sources: dict[int, content.Source] = {}
    try:
        with transaction.atomic():
            change()  # refused (permission, state, version, validation) before anything is built
            sources = {r.pk: content.load(r, draft=False) for r in rounds}
            raise _Rehearsed
    except _Rehearsed:
        pass
    built = {pk: publications.reports_build(source.round, source=source) for pk, source in sources.items()}
    with transaction.atomic():
        result = change()
        for r in rounds:
            publications.reports_store(actor=actor, round=r, built=built.get(r.pk))
        # search_reindex also tells this process's page cache; the other servers see the new
        # public stamp (the correction's audit event) within seconds.
        search_reindex(rounds[0].plan)
    return result


def _round_of(obj: Contribution | Synthesis) -> Round:
    return Round.objects.select_related("plan").get(pk=obj.round_id)


def contribution_correct(
    *, actor, contribution: Contribution, version: int | None, data: dict, note: str
) -> Contribution:
    """Correct a published contribution (see reporting.services.contribution_correct) and
    republish what shows it."""
    return _republished(
        actor=actor,
        rounds=_with_later_rounds(_round_of(contribution)),
        change=lambda: reporting.contribution_correct(
            actor=actor, contribution=contribution, version=version, data=data, note=note
        ),
    )


def contribution_withdraw(*, actor, contribution: Contribution, note: str, version: int | None = None) -> Contribution:
    """Withdraw a published contribution from every public place, its note shown in its place."""
    return _republished(
        actor=actor,
        rounds=_with_later_rounds(_round_of(contribution)),
        change=lambda: reporting.contribution_withdraw(
            actor=actor, contribution=contribution, note=note, version=version
        ),
    )


def synthesis_correct(*, actor, synthesis: Synthesis, text: str, note: str, version: int | None = None) -> Synthesis:
    # A synthesis shows in its own round's report only.
    return _republished(
        actor=actor,
        rounds=[_round_of(synthesis)],
        change=lambda: reporting.synthesis_correct(
            actor=actor, synthesis=synthesis, text=text, note=note, version=version
        ),
    )


def synthesis_withdraw(*, actor, synthesis: Synthesis, note: str, version: int | None = None) -> Synthesis:
    return _republished(
        actor=actor,
        rounds=[_round_of(synthesis)],
        change=lambda: reporting.synthesis_withdraw(actor=actor, synthesis=synthesis, note=note, version=version),
    )
