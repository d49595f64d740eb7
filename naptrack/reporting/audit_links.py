"""Links from the audit trail (naptrack.audit.links) to the reporting screens: a contribution and a
synthesis are seen on their line's review page and have history pages; a round has its dashboard.
Registered by ReportingConfig.ready; each resolver reads what it needs in one query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.urls import reverse

from naptrack.audit.links import Links, int_ids, register
from naptrack.reporting.models import Contribution, Round, Synthesis


def contribution_links(ids: Sequence[str]) -> Mapping[str, Links]:
    found = Contribution.objects.filter(pk__in=int_ids(ids)).values_list("pk", "round_id", "action__code")
    return {
        str(pk): Links(
            object_url=reverse("reporting:line-review", args=[round_id, code]) + f"#contribution-{pk}",
            history_url=reverse("reporting:contribution-history", args=[pk]),
        )
        for pk, round_id, code in found
    }


def synthesis_links(ids: Sequence[str]) -> Mapping[str, Links]:
    found = Synthesis.objects.filter(pk__in=int_ids(ids)).values_list("pk", "round_id", "action__code")
    return {
        str(pk): Links(
            object_url=reverse("reporting:line-review", args=[round_id, code]) + "#synthesis",
            history_url=reverse("reporting:line-history", args=[round_id, code]),
        )
        for pk, round_id, code in found
    }


def round_links(ids: Sequence[str]) -> Mapping[str, Links]:
    # A round has no history page of its own: the audit trail's events on it are its history.
    found = Round.objects.filter(pk__in=int_ids(ids)).values_list("pk", flat=True)
    return {str(pk): Links(object_url=reverse("reporting:round-dashboard", args=[pk])) for pk in found}


def register_links() -> None:
    register("reporting.contribution", contribution_links)
    register("reporting.synthesis", synthesis_links)
    register("reporting.round", round_links)
