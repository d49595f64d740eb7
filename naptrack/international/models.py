"""Question sets from international bodies, their links to the plan, requests and their answers.

A framework (the EU's indicators, a UN questionnaire) is kept from one request to the next, with
its questions' codes, so that the links a coordinator confirmed once serve the next request from
the same body. A request drafts an answer per question from approved contributions; what was sent
is frozen in a dispatch, which later edits never touch.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from naptrack.core.choices import ChoiceLabels
from naptrack.international.queries import (
    AnswerQuerySet,
    FrameworkQuerySet,
    RequestQuerySet,
    TargetedQuestionQuerySet,
)


class Body(models.TextChoices):
    UN = "un", _("UN Secretariat")
    EU = "eu", _("EU / EEAS")
    CEDAW = "cedaw", _("CEDAW Committee")
    OSCE = "osce", _("OSCE")
    NATO = "nato", _("NATO")
    OTHER = "other", _("other")


class Framework(ChoiceLabels, models.Model):
    """A question set: ordered questions or indicators from one body."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    body = models.CharField(_("body"), max_length=10, choices=Body.choices)
    name = models.CharField(_("name"), max_length=300)
    version = models.CharField(_("version or year"), max_length=50, blank=True)
    source = models.CharField(
        _("source reference"), max_length=500, blank=True, help_text=_("The document the questions come from.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["body", "name", "version"]
        verbose_name = _("question set")
        verbose_name_plural = _("question sets")

    def __str__(self) -> str:
        return f"{self.name} {self.version}".strip()


class Question(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("text")
        NUMBER = "number", _("a number")
        BY_SEX = "by-sex", _("figures by sex")
        YES_NO = "yes-no", _("yes or no")

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=40)
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("question"))
    group = models.CharField(_("group"), max_length=200, blank=True, help_text=_("A pillar or chapter."))
    kind = models.CharField(_("kind of answer"), max_length=10, choices=Kind.choices, default=Kind.TEXT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "position"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="question_unique_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class Mapping(ChoiceLabels, models.Model):
    """A question answered (in part) by a monitoring instrument or by a whole line of action, of
    any plan: confirmed by the coordinator, suggested or typed."""

    class Origin(models.TextChoices):
        SUGGESTED = "suggested", _("suggestion confirmed")
        MANUAL = "manual", _("linked by hand")

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="mappings")
    instrument = models.ForeignKey(
        "plans.Instrument", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.ForeignKey("plans.Action", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.MANUAL)
    score = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["question", "pk"]
        verbose_name = _("link to the plan")
        verbose_name_plural = _("links to the plan")
        constraints = [
            models.CheckConstraint(
                condition=Q(instrument__isnull=False, action__isnull=True)
                | Q(instrument__isnull=True, action__isnull=False),
                name="mapping_one_target",
            ),
            models.UniqueConstraint(
                fields=["question", "instrument"],
                condition=Q(instrument__isnull=False),
                name="mapping_unique_instrument",
            ),
            models.UniqueConstraint(
                fields=["question", "action"], condition=Q(action__isnull=False), name="mapping_unique_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code} -> {self.instrument or self.action}"


class Request(ChoiceLabels, models.Model):
    """A body's request for answers to a framework's questions over a period."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", _("internal")
        PUBLIC = "public", _("published")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="requests")
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    received_on = models.DateField(_("received"), null=True, blank=True)
    due_on = models.DateField(_("due"))
    period_start = models.PositiveSmallIntegerField(_("first year covered"))
    period_end = models.PositiveSmallIntegerField(_("last year covered"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
    )
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The version being edited: one more than the dispatches sent so far.
    version = models.PositiveIntegerField(_("version"), default=1)

    history = HistoricalRecords()
    objects = RequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=models.F("period_start")), name="request_period"),
        ]

    def __str__(self) -> str:
        return f"{self.framework} · {self.period}"

    @property
    def period(self) -> str:
        if self.period_start == self.period_end:
            return str(self.period_start)
        return f"{self.period_start}-{self.period_end}"


class Answer(models.Model):
    """The answer to one question of a request: the draft naptrack made from the data and the
    coordinator's final text and figures."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # What the data said when the answer was drafted: figures, quotes and their sources (drafting.py).
    draft = models.JSONField(default=dict, blank=True)
    flagged = models.BooleanField(_("nothing reported behind it"), default=False)
    text = models.TextField(_("answer"), blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other = models.PositiveIntegerField(_("other or not recorded"), null=True, blank=True)
    total = models.DecimalField(_("total or value"), max_digits=16, decimal_places=4, null=True, blank=True)
    yes = models.BooleanField(_("yes or no"), null=True, blank=True)
    # Until the coordinator edits it, the final answer follows the draft when the data changes.
    edited = models.BooleanField(default=False)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    history = HistoricalRecords()
    objects = AnswerQuerySet.as_manager()

    class Meta:
        ordering = ["request", "question__position"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["request", "question"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.request_id}/{self.question.code}"


class Dispatch(models.Model):
    """A version of the answer pack as it was sent: frozen, never edited."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="dispatches")
    version = models.PositiveIntegerField(_("version"))
    sent_on = models.DateField(_("sent on"))
    sent_to = models.CharField(_("sent to"), max_length=300)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    # The pack as sent (exports.pack_snapshot): questions, answers and sources in the request's order.
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["request", "version"]
        verbose_name = _("sent version")
        verbose_name_plural = _("sent versions")
        constraints = [models.UniqueConstraint(fields=["request", "version"], name="dispatch_unique_version")]

    def __str__(self) -> str:
        return f"{self.request} v{self.version}"


class TargetedQuestion(ChoiceLabels, models.Model):
    """A question put to one department about a request's question that the data does not answer;
    it follows the contributions' workflow (draft, submitted, returned, approved)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for revision")
        APPROVED = "approved", _("approved")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="targeted_questions")
    department = models.ForeignKey("plans.Department", on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("question to the department"))
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    reply = models.TextField(_("reply"), blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other = models.PositiveIntegerField(_("other or not recorded"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("last change"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    history = HistoricalRecords()
    objects = TargetedQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("targeted question")
        verbose_name_plural = _("targeted questions")
        constraints = [
            models.UniqueConstraint(fields=["answer", "department"], name="targeted_question_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.answer} · {self.department.code}"

    @property
    def is_editable_state(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)
