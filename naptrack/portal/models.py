"""The search index of the public portal: one document per piece of plan content or published
contribution and language, rebuilt by search.search_reindex(plan) when a plan is loaded or a
round published. Only published content is ever written here."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from naptrack.core.choices import ChoiceLabels


class SearchDocument(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        OBJECTIVE = "objective", _("objective")
        GOAL = "goal", _("goal")
        ACTION = "action", _("line of action")
        CONTRIBUTION = "contribution", _("contribution")

    # No index of its own: the (plan, lang) index below serves every lookup by plan. With both,
    # PostgreSQL read a plan's documents in every language through this one and filtered out
    # three in four (counting a common word's hits at 100 plans x 10 rounds: 8.2 ms; now 2.0).
    plan = models.ForeignKey("plans.Plan", on_delete=models.CASCADE, related_name="+", db_index=False)
    lang = models.CharField(max_length=8)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    position = models.PositiveIntegerField(default=0, help_text="Plan order, to break ties in ranking.")
    objective_number = models.PositiveSmallIntegerField(null=True, blank=True)
    goal_number = models.PositiveSmallIntegerField(null=True, blank=True)
    action_code = models.CharField(max_length=20, blank=True)
    round = models.ForeignKey("reporting.Round", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Indexed below for its contributions only (migration 0006): most documents have none.
    contribution = models.ForeignKey(
        "reporting.Contribution", null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Several values each, kept as "|a|b|" so that one LIKE '%|a|%' filters on any database.
    departments = models.CharField(max_length=2000, blank=True)
    countries = models.CharField(max_length=1000, blank=True)
    title = models.TextField()
    context = models.TextField(blank=True, help_text="Shown under the title: the round and the department.")
    body = models.TextField(blank=True)
    # SQLite only (empty on PostgreSQL): the title's and the body's words, each prefixed with the
    # plan and the language (portal.search_engines.scoped), which its FTS5 table matches and ranks.
    scoped_title = models.TextField(blank=True, default="")
    scoped_body = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["plan", "lang"]),
            models.Index(
                fields=["contribution"], condition=Q(contribution__isnull=False), name="search_document_contribution"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lang} {self.kind} {self.title[:60]}"
