"""Reads of evaluations. Each method owns its prefetching, so that a page or a file makes the same
number of queries whatever the number of findings, recommendations and lines."""

from __future__ import annotations

from django.db import models


class EvaluationQuerySet(models.QuerySet):
    def published(self) -> EvaluationQuerySet:
        return self.filter(published_at__isnull=False)

    def of_plan(self, plan) -> EvaluationQuerySet:
        return self.filter(plan=plan).order_by("-created_at", "-pk")

    def with_entries(self) -> EvaluationQuerySet:
        """With the plan, the assessments, findings, and recommendations with their lines (four
        queries more, whatever their number)."""
        from naptrack.evaluations.models import Recommendation, RecommendationLine

        lines = RecommendationLine.objects.select_related("action").order_by("action__goal__number", "action__position")
        recommendations = Recommendation.objects.order_by("number").prefetch_related(
            models.Prefetch("lines", queryset=lines)
        )
        return self.select_related("plan").prefetch_related(
            "assessments",
            models.Prefetch("findings"),
            models.Prefetch("recommendations", queryset=recommendations),
        )


def plan_outline(plan) -> list:
    """The plan's objectives with their goals and lines of action, in the plan's order (three
    queries): what the assessment form and the report walk."""
    from naptrack.plans.models import Action, Goal, Objective

    actions = Action.objects.order_by("position")
    goals = Goal.objects.order_by("number").prefetch_related(models.Prefetch("actions", queryset=actions))
    return list(
        Objective.objects.filter(plan=plan)
        .order_by("number")
        .prefetch_related(models.Prefetch("goals", queryset=goals))
    )


def outline_lines(objectives: list) -> list:
    """The lines of action of plan_outline's objectives, in order."""
    return [action for objective in objectives for goal in objective.goals.all() for action in goal.actions.all()]


def assessments_by_subject(evaluation) -> tuple[dict, dict]:
    """The evaluation's assessments by objective id and by line id (from its prefetched rows)."""
    objectives, lines = {}, {}
    for assessment in evaluation.assessments.all():
        if assessment.objective_id:
            objectives[assessment.objective_id] = assessment
        else:
            lines[assessment.action_id] = assessment
    return objectives, lines
