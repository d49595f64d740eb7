from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def recommendation_plan(recommendation: Any) -> int | None:
    return recommendation.event.plan_id


def recommendations_offered(plan: Any) -> Iterator[tuple[Any, str]]:
    """A plan's recommendations as an amendment form offers them: one query."""
    from naptrack.civilsociety.models import Recommendation

    recommendations = (
        Recommendation.objects.filter(event__plan=plan).select_related("event").order_by("event__date", "position")
    )
    for r in recommendations:
        words = gettext("%(event)s (%(date)s), recommendation %(number)s: %(text)s") % {
            "event": r.event.title,
            "date": r.event.date.isoformat(),
            "number": r.position,
            "text": r.text if len(r.text) <= 90 else r.text[:89] + "…",
        }
        yield r, words


class CivilSocietyConfig(AppConfig):
    name = "naptrack.civilsociety"
    label = "civilsociety"
    verbose_name = _("Civil society")

    def ready(self) -> None:
        # Reporting's pages show civil society's work through its registry (it may not import us).
        from naptrack.civilsociety import sections
        from naptrack.reporting import worklist

        worklist.round_section_add(sections.round_section)
        worklist.contribution_section_add(sections.contribution_section)
        # A plan's amendment may answer a consultation's recommendation (plans may not import us).
        from naptrack.plans.amendments import basis_register

        basis_register("civilsociety.recommendation", recommendation_plan, recommendations_offered)
