"""A plan's evaluation (mid-term or final): who evaluated, the assessment of each objective and line
of action on the plan's status scale, numbered findings and recommendations (each tied to lines of
action), and the government's response to each recommendation and overall.

The evaluation stays internal until the coordinator publishes it (published_at)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from naptrack.core.choices import ChoiceLabels
from naptrack.evaluations.queries import EvaluationQuerySet
from naptrack.plans.models import Action, Objective, Plan
from naptrack.reporting.models import Contribution

Status = Contribution.Status


class Evaluation(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        MID_TERM = "mid-term", _("mid-term evaluation")
        FINAL = "final", _("final evaluation")

    class Evaluator(models.TextChoices):
        INTERNAL = "internal", _("internal")
        EXTERNAL = "external", _("external")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="evaluations", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.FINAL)
    evaluator_kind = models.CharField(
        _("evaluation carried out"), max_length=10, choices=Evaluator.choices, default=Evaluator.EXTERNAL
    )
    evaluator_name = models.CharField(_("evaluator"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Markdown."))
    response = models.TextField(_("the government's overall response"), blank=True, help_text=_("Markdown."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-created_at", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.evaluator_name})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Assessment(ChoiceLabels, models.Model):
    """The evaluation's verdict on one objective or one line of action (exactly one of them)."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("evaluation")
    )
    objective = models.ForeignKey(
        Objective, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("objective")
    )
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.CASCADE, related_name="+", verbose_name=_("line of action")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    text = models.TextField(_("assessment"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objective__isnull=True, action__isnull=False)
                | models.Q(objective__isnull=False, action__isnull=True),
                name="evaluation_assessment_one_subject",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "objective"],
                condition=models.Q(objective__isnull=False),
                name="evaluation_assessment_objective_unique",
            ),
            models.UniqueConstraint(
                fields=["evaluation", "action"],
                condition=models.Q(action__isnull=False),
                name="evaluation_assessment_action_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}: {self.objective_id or ''}{self.action_id or ''} {self.status}"


class Finding(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="findings", verbose_name=_("evaluation")
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("finding"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "number"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [models.UniqueConstraint(fields=["evaluation", "number"], name="evaluation_finding_number")]

    def __str__(self) -> str:
        # What an amendment citing it as its basis shows (plans.PlanVersion.basis).
        return _("Finding %(number)s: %(text)s") % {"number": self.number, "text": _short(self.text)}


class Recommendation(ChoiceLabels, models.Model):
    class Response(models.TextChoices):
        ACCEPTED = "accepted", _("accepted")
        PARTLY = "partly-accepted", _("partly accepted")
        NOT_ACCEPTED = "not-accepted", _("not accepted")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="recommendations", verbose_name=_("evaluation")
    )
    number = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    actions = models.ManyToManyField(
        Action, through="RecommendationLine", related_name="+", verbose_name=_("lines of action")
    )
    response = models.CharField(_("the government's response"), max_length=20, choices=Response.choices, blank=True)
    response_text = models.TextField(_("explanation of the response"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluation", "number"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "number"], name="evaluation_recommendation_number")
        ]

    def __str__(self) -> str:
        return _("Recommendation %(number)s: %(text)s") % {"number": self.number, "text": _short(self.text)}


class RecommendationLine(models.Model):
    """A line of action a recommendation is about; a row of its own so that history keeps the links."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="lines")
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation", "action__goal__number", "action__position"]
        constraints = [
            models.UniqueConstraint(fields=["recommendation", "action"], name="evaluation_recommendation_line")
        ]

    def __str__(self) -> str:
        return f"{self.recommendation_id}: {self.action_id}"


def _short(text: str, size: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "\u2026"
