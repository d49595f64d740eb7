"""Reads of the published reports."""

from __future__ import annotations

from django.db import models


class PublishedReportQuerySet(models.QuerySet):
    def public(self) -> PublishedReportQuerySet:
        """Only the files of published rounds leave the building."""
        return self.filter(round__state="published")

    def of_plan(self, plan) -> PublishedReportQuerySet:
        """A plan's published reports, newest round first, in one query (with their rounds)."""
        return (
            self.public()
            .filter(round__plan=plan)
            .select_related("round")
            .order_by("-round__year", "round__kind", "format", "language")
        )
