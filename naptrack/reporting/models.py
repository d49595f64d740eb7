"""Reporting rounds: every responsible department reports on its lines of action, the coordinator
reviews, returns and approves, and writes a synthesis per line."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from naptrack.core.choices import ChoiceLabels
from naptrack.reporting.queries import ContributionQuerySet, RoundQuerySet


class Round(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        BASELINE = "baseline", _("baseline")
        ANNUAL = "annual", _("annual report")
        MID_TERM = "mid-term", _("mid-term review")
        FINAL = "final", _("final review")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        PUBLISHED = "published", _("published")

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="rounds", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year covered"), help_text=_("The year the round reports on."))
    deadline = models.DateField(_("submission deadline"))
    intro = models.TextField(_("introduction"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # The version of the plan in force when the round opened: what it asks for and shows, whatever
    # the plan's later amendments (plans.PlanVersion).
    plan_version = models.ForeignKey(
        "plans.PlanVersion",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("plan version"),
    )

    # Row history is registered in translation.py, after the translated intro columns exist.
    objects = RoundQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "-year", "kind"]
        verbose_name = _("reporting round")
        verbose_name_plural = _("reporting rounds")
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "year"], name="round_unique_kind_year")]

    def __str__(self) -> str:
        return capfirst(_("%(kind)s %(year)s") % {"kind": self.get_kind_display(), "year": self.year})


class Contribution(ChoiceLabels, models.Model):
    """What one department reports on one line of action in one round."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for revision")
        APPROVED = "approved", _("approved")

    class Status(models.TextChoices):
        NOT_STARTED = "not-started", _("not started")
        IN_PROGRESS = "in-progress", _("in progress")
        COMPLETED = "completed", _("completed")
        CONTINUOUS = "continuous", _("continuous")
        NOT_APPLICABLE = "not-applicable", _("not applicable")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("public")
        INTERNAL = "internal", _("internal")

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="contributions", verbose_name=_("round"))
    action = models.ForeignKey(
        "plans.Action", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("line of action")
    )
    department = models.ForeignKey(
        "plans.Department", on_delete=models.PROTECT, related_name="contributions", verbose_name=_("department")
    )
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, blank=True)
    narrative = models.TextField(_("narrative"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC)
    countries = models.JSONField(_("focus countries"), default=list, blank=True)
    # Optimistic locking: every save carries the version it edits; a stale one is a conflict.
    version = models.PositiveIntegerField(_("version"), default=1)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    on_behalf = models.BooleanField(
        _("entered by the coordinator"),
        default=False,
        help_text=_("The coordinator entered this on the department's behalf."),
    )
    # A contribution read from a past report's document (services.imports): the file and the
    # place in it, so that a person can check it against its source.
    imported_from = models.CharField(
        _("imported from"),
        max_length=300,
        blank=True,
        help_text=_("The document and the row this contribution was read from."),
    )
    # When `updated_by` last changed the answers: set by the services that change them (saving,
    # correcting, withdrawing), never by a review decision, so that "last saved by" names the
    # person and the time of the same act (auto_now stamped the coordinator's approval instead).
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Once published, only the coordinator changes a contribution, through a correction or a
    # withdrawal (services/corrections.py), each with a note that the public reads where the
    # contribution shows; row history keeps what was published before.
    correction_note = models.TextField(
        _("public note of correction"),
        blank=True,
        help_text=_("Why the published contribution was corrected or withdrawn; shown to the public."),
    )
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()
    objects = ContributionQuerySet.as_manager()

    class Meta:
        ordering = ["round", "action__goal__number", "action__position", "department__code"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.UniqueConstraint(fields=["round", "action", "department"], name="contribution_unique"),
        ]
        indexes = [models.Index(fields=["round", "state"]), models.Index(fields=["round", "department"])]

    def __str__(self) -> str:
        return f"{self.round} · {self.action.code} · {self.department.code}"

    @property
    def is_editable_state(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


class Measurement(ChoiceLabels, models.Model):
    """A department's answer to one monitoring instrument of its line.

    Which fields hold the answer depends on the instrument's kind (plans.Instrument): `value` is
    the number, the count, the amount, the percentage or the total of people counted by sex.
    Figures a department leaves blank while breaking them down by country are the sums of the
    rows (CountryFigure), recomputed at every save and named in `derived`.
    """

    class Channel(models.TextChoices):
        BILATERAL = "bilateral", _("bilateral")
        MULTILATERAL = "multilateral", _("multilateral")
        CIVIL_SOCIETY = "civil-society", _("civil society")
        OTHER = "other", _("other")

    class Marker(models.IntegerChoices):
        NOT_TARGETED = 0, _("0: not targeted")
        SIGNIFICANT = 1, _("1: significant")
        PRINCIPAL = 2, _("2: principal")

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="measurements")
    instrument = models.ForeignKey("plans.Instrument", on_delete=models.PROTECT, related_name="measurements")
    text = models.TextField(_("answer"), blank=True)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other = models.PositiveIntegerField(_("other or not recorded"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    marker = models.PositiveSmallIntegerField(
        _("gender equality policy marker"),
        choices=Marker.choices,
        null=True,
        blank=True,
        help_text=_("The OECD-DAC marker: 0 not targeted, 1 significant, 2 principal objective."),
    )
    channel = models.CharField(_("funding channel"), max_length=20, choices=Channel.choices, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)
    yes = models.BooleanField(_("yes or no"), null=True, blank=True)
    derived = models.JSONField(_("figures derived from the countries"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()

    class Meta:
        # By the contribution's column: "contribution" would sort by the contribution's own ordering,
        # joining round, plan, line, goal and department to every read of measurements, prefetches
        # included (PostgreSQL then spent ten times longer planning than running them).
        ordering = ["contribution_id", "instrument__position"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(fields=["contribution", "instrument"], name="measurement_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.contribution_id}/{self.instrument_id}"

    @property
    def total(self) -> int | Decimal | None:
        """The whole population counted: the given total when there is one (a breakdown can be
        partial), else the sum of the parts. Never stored twice."""
        parts = [n for n in (self.women, self.men, self.other) if n is not None]
        if self.value is not None and self.instrument.by_sex:
            return self.value
        return sum(parts) if parts else None

    @property
    def share_of_women(self) -> float | None:
        total = self.total
        if self.women is None or not total:
            return None
        return float(self.women) / float(total)

    @property
    def is_empty(self) -> bool:
        figures = (self.women, self.men, self.other, self.value, self.numerator, self.denominator, self.yes)
        return not (self.text or self.note or self.unit) and all(v is None for v in figures)


class CountryFigure(models.Model):
    """The part of a measurement's figures that concerns one country."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="countries")
    country = models.CharField(_("country"), max_length=2)
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other = models.PositiveIntegerField(_("other or not recorded"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=16, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=16, decimal_places=4, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]  # not by measurement: that would join up to the plan to sort
        verbose_name = _("figures for a country")
        verbose_name_plural = _("figures by country")
        constraints = [
            models.UniqueConstraint(fields=["measurement", "country"], name="countryfigure_unique"),
        ]
        indexes = [models.Index(fields=["country"])]

    def __str__(self) -> str:
        return f"{self.measurement_id}/{self.country}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.contribution.round_id}/{instance.contribution_id}/{filename}"


class Evidence(models.Model):
    """A link or an uploaded file that backs a contribution; served only to who may see it."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=evidence_path, blank=True, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["contribution_id", "added_at", "id"]  # the column: see Measurement's
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(url="") & ~models.Q(file="")) | (~models.Q(url="") & models.Q(file="")),
                name="evidence_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Synthesis(models.Model):
    """The coordinator's text that heads a line of action in the round's report."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="syntheses")
    action = models.ForeignKey("plans.Action", on_delete=models.PROTECT, related_name="syntheses")
    text = models.TextField(_("synthesis"), blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # As on Contribution: a published synthesis is corrected or withdrawn with a public note.
    correction_note = models.TextField(
        _("public note of correction"),
        blank=True,
        help_text=_("Why the published synthesis was corrected or withdrawn; shown to the public."),
    )
    corrected_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("synthesis")
        verbose_name_plural = _("syntheses")
        constraints = [models.UniqueConstraint(fields=["round", "action"], name="synthesis_unique")]

    def __str__(self) -> str:
        return f"{self.round} · {self.action.code}"


class Reminder(models.Model):
    """A reminder e-mail sent to a person about a round: at most one a day for each round, so that
    someone reporting in two rounds due the same day hears of both."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="reminders")
    sent_on = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "round", "sent_on"], name="reminder_once_a_day_per_round")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.sent_on}"
