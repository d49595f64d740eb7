"""Reads of civil society's records, each owning its prefetching."""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Prefetch, Q


class OrganisationQuerySet(models.QuerySet):
    def with_counts(self) -> OrganisationQuerySet:
        return self.select_related("network").annotate(
            n_members=Count("members", distinct=True),
            n_assessments=Count("assessments", distinct=True),
        )


class ExpertQuerySet(models.QuerySet):
    def public(self) -> ExpertQuerySet:
        """The public directory: only listings whose consent stands."""
        return self.filter(consent_at__isnull=False).select_related("organisation").prefetch_related("fields")


class EventQuerySet(models.QuerySet):
    def public(self) -> EventQuerySet:
        """Public events of adopted plans: a draft plan (the successor being prepared) and its
        consultations stay internal until it is adopted."""
        return self.filter(public=True, plan__state="adopted")

    def with_detail(self) -> EventQuerySet:
        from naptrack.civilsociety.models import FollowUp, Recommendation

        return self.select_related("plan", "organiser").prefetch_related(
            "invited",
            "attending",
            "files",
            Prefetch(
                "recommendations",
                queryset=Recommendation.objects.prefetch_related(
                    "organisations",
                    "actions",
                    Prefetch("follow_ups", queryset=FollowUp.objects.select_related("round").order_by("at", "pk")),
                ).order_by("position"),
            ),
        )


class AssessmentQuerySet(models.QuerySet):
    def published(self) -> AssessmentQuerySet:
        return self.filter(state="accepted")

    def readable_by(self, user) -> AssessmentQuerySet:
        """Coordinators and readers read every assessment; an evaluator their plan's; a member of
        an organisation its own organisation's in any state; everyone else (focal points included)
        only published ones."""
        from naptrack.core.roles import is_civil_society, is_coordinator, is_evaluator, is_reader

        if is_coordinator(user) or is_reader(user):
            return self
        if is_evaluator(user):
            return self.filter(Q(round__plan_id=user.plan_id) | Q(state="accepted"))
        if is_civil_society(user):
            membership = getattr(user, "membership", None) if user.is_authenticated else None
            if membership is not None:
                return self.filter(Q(organisation_id=membership.organisation_id) | Q(state="accepted"))
        return self.published()

    def for_list(self) -> AssessmentQuerySet:
        return self.select_related("round", "organisation", "action", "objective")

    def counts_by_state(self) -> dict[str, int]:
        return dict(self.values_list("state").annotate(n=Count("pk")).order_by())
