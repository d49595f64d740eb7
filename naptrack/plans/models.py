"""The plan as structured data: plan > objective > goal > line of action > monitoring instrument,
and the departments responsible for each line."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from naptrack.core.choices import ChoiceLabels
from naptrack.plans.queries import ActionQuerySet, DepartmentQuerySet, ObjectiveQuerySet, PlanQuerySet

slug_validator = RegexValidator(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", _("Use lower-case letters, digits and hyphens."))


class Department(models.Model):
    """A federal department or one of its units (Interior > Federal Police).

    Departments are shared by all the plans of an installation, so that a focal point of Defence
    reports for Defence under successive plans. The code is the slug of the department's path.
    """

    code = models.CharField(_("code"), max_length=100, unique=True, validators=[slug_validator])
    name = models.CharField(_("name"), max_length=200)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("part of"), null=True, blank=True, on_delete=models.PROTECT, related_name="units"
    )

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Plan(ChoiceLabels, models.Model):
    slug = models.SlugField(_("slug"), max_length=100, unique=True, validators=[slug_validator])
    title = models.CharField(_("title"), max_length=300)
    country = models.CharField(
        _("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code of the country whose plan this is.")
    )
    period_start = models.PositiveSmallIntegerField(_("first year"))
    period_end = models.PositiveSmallIntegerField(_("last year"))
    languages = models.JSONField(_("languages"), default=list, help_text=_("Languages the plan is written in."))
    focus_countries = models.JSONField(
        _("focus countries"), default=list, blank=True, help_text=_("ISO 3166-1 alpha-2 codes.")
    )
    targets_published_at = models.DateTimeField(
        _("targets published"),
        null=True,
        blank=True,
        help_text=_("When the coordinator made the plan's targets and progress public; empty while they are not."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="EUR",
        help_text=_("ISO 4217 code proposed for the amounts of money reported under the plan."),
    )

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        ADOPTED = "adopted", _("adopted")

    # A plan drafted in naptrack (the successor of another) stays internal until it is adopted.
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ADOPTED)
    departments = models.ManyToManyField(
        Department, through="PlanDepartment", related_name="plans", verbose_name=_("departments")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-period_end", "slug"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="plan_period_ordered"
            )
        ]
        # The order above, read from an index: a list of rounds in their plans' order (the API's)
        # reads its first page's plans through it and their rounds on the round's plan index,
        # rather than sorting every round of the installation.
        indexes = [models.Index(fields=["-period_end", "slug"], name="plan_newest_first")]

    def __str__(self) -> str:
        return self.title

    @property
    def period(self) -> str:
        return f"{self.period_start}-{self.period_end}"

    @property
    def is_adopted(self) -> bool:
        return self.state == self.State.ADOPTED


class PlanVersion(models.Model):
    """The plan as in force from a date: version 1 as adopted, each later one an amendment.

    A round records the version it was opened under, and the version's snapshot (the structure
    and every text of the lines, instruments and departments then in force) is what that round
    shows ever after: an amendment changes the live rows, never what a past round read.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions", verbose_name=_("plan"))
    number = models.PositiveIntegerField(_("version"))
    effective_from = models.DateField(_("in force from"))
    reason = models.TextField(_("reason"), blank=True)
    # One entry per change: {"op": "line-retired", "line": "12", ...}; plans/amendments.py reads them.
    changes = models.JSONField(_("changes"), default=list, blank=True)
    snapshot = models.JSONField(_("snapshot"), default=dict, blank=True)
    # What the amendment answers, when it answers something: a consultation's recommendation or an
    # evaluation's finding. Generic because both live in apps above this one.
    basis_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("basis")
    )
    basis_id = models.PositiveBigIntegerField(null=True, blank=True)
    basis = GenericForeignKey("basis_type", "basis_id")
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="planversion_number_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id} v{self.number}"


class PlanDepartment(models.Model):
    """A department the plan names, in the order the plan lists them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_departments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["plan", "department"], name="plandepartment_unique")]

    def __str__(self) -> str:
        return f"{self.plan_id}: {self.department_id}"


class Objective(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("plan"))
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    title = models.CharField(_("title"), max_length=300)
    intro = models.TextField(_("introduction"), blank=True)

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="objective_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Goal(models.Model):
    # The plan numbers goals across the whole plan (1-37), not within each objective.
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan"))
    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="goals", verbose_name=_("objective")
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="goal_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"


class Action(models.Model):
    """A line of action ("14.a", or "9" where a goal has a single line)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name=_("plan"))
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="actions", verbose_name=_("goal"))
    code = models.CharField(_("code"), max_length=20)
    position = models.PositiveIntegerField(_("position"), help_text=_("Order of the line within its goal."))
    text = models.TextField(_("text"))
    departments = models.ManyToManyField(
        Department, through="Responsibility", related_name="actions", verbose_name=_("departments")
    )
    # An amendment adds and retires lines; a retired line keeps its row, for the rounds that
    # asked for it.
    introduced_in = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    retired_in = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("retired by")
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "goal__number", "position"]
        verbose_name = _("line of action")
        verbose_name_plural = _("lines of action")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="action_code_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:80]}"


class Note(models.Model):
    """A footnote of the plan attached to a line of action."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="notes", verbose_name=_("line of action"))
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [models.UniqueConstraint(fields=["action", "position"], name="note_position_unique")]

    def __str__(self) -> str:
        return self.text[:80]


class Instrument(ChoiceLabels, models.Model):
    """A monitoring instrument: what is reported to show progress on a line of action.

    Its kind says what an answer holds (every kind may also carry text): "quantitative" is a
    number with a unit, or, `by_sex`, a count of people by sex; "count" a whole number of
    something (the unit says what: "trainings"); "money" an amount in a currency; "share" a
    percentage with its numerator and denominator; "yes-no" a yes or a no with its explanation.
    """

    class Kind(models.TextChoices):
        QUALITATIVE = "qualitative", _("text")
        QUANTITATIVE = "quantitative", _("number")
        COUNT = "count", _("count")
        MONEY = "money", _("amount of money")
        SHARE = "share", _("share")
        YES_NO = "yes-no", _("yes or no")

    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="instruments", verbose_name=_("line of action")
    )
    position = models.PositiveIntegerField(_("position"))
    text = models.TextField(_("text"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.QUALITATIVE)
    by_sex = models.BooleanField(
        _("by sex"), default=False, help_text=_("Quantitative figures are reported for women and men separately.")
    )
    unit = models.CharField(
        _("unit"), max_length=40, blank=True, help_text=_("What is counted or measured, e.g. trainings.")
    )
    introduced_in = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("added by")
    )
    retired_in = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("retired by")
    )

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("monitoring instrument")
        verbose_name_plural = _("monitoring instruments")
        constraints = [
            models.UniqueConstraint(fields=["action", "position"], name="instrument_position_unique"),
            models.CheckConstraint(
                condition=models.Q(by_sex=False) | models.Q(kind="quantitative"), name="instrument_by_sex_quantitative"
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def is_numeric(self) -> bool:
        """Answered with figures, which can be broken down by country and totalled."""
        return self.kind in NUMERIC_KINDS


NUMERIC_KINDS = frozenset({"quantitative", "count", "money", "share"})


class Target(ChoiceLabels, models.Model):
    """What the plan promises for an instrument: from a baseline, through milestones, to a target
    by a year. For a count by sex the values are shares of women (0 to 1); for a text instrument,
    the target is a text, assessed each round on the plan's status scale.

    Changing a target once rounds have opened is an amendment with its reason and date; row
    history keeps each version, so that a past round is read against the target of its time."""

    class Direction(models.TextChoices):
        UP = "up", _("up")
        DOWN = "down", _("down")

    class Source(models.TextChoices):
        PLAN = "plan", _("the plan")
        AGREEMENT = "agreement", _("a later agreement")
        AMENDMENT = "amendment", _("an amendment")

    instrument = models.OneToOneField(
        Instrument, on_delete=models.CASCADE, related_name="target", verbose_name=_("monitoring instrument")
    )
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=16, decimal_places=4, null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("target year"))
    value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("target"), blank=True)
    direction = models.CharField(_("progress is"), max_length=4, choices=Direction.choices, default=Direction.UP)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PLAN)
    # A change once rounds have opened is an amendment: the day it takes effect and why. A round
    # is read against the target in force when it closed (row history).
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(condition=~models.Q(value=None) | ~models.Q(text=""), name="target_value_or_text")
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id}: {self.value if self.value is not None else self.text[:40]} ({self.year})"


class Milestone(models.Model):
    """Where the figure should stand by a year on the way to the target."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=4)

    class Meta:
        ordering = ["target", "year"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [models.UniqueConstraint(fields=["target", "year"], name="milestone_year_unique")]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class LineLink(ChoiceLabels, models.Model):
    """A line of a later plan continuing a line of an earlier one. A line may continue several
    (two merged) and several may continue one (one split); a line without a link is new."""

    class Source(models.TextChoices):
        SUCCESSOR = "successor", _("carried over to the successor plan")
        CONFIRMED = "confirmed", _("proposed by text similarity and confirmed")
        MANUAL = "manual", _("set by the coordinator")

    line = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="continues_links", verbose_name=_("line of action")
    )
    continues = models.ForeignKey(
        Action, on_delete=models.CASCADE, related_name="continued_by_links", verbose_name=_("continues")
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["line", "continues"]
        verbose_name = _("line continued")
        verbose_name_plural = _("lines continued")
        constraints = [models.UniqueConstraint(fields=["line", "continues"], name="linelink_unique")]

    def __str__(self) -> str:
        return f"{self.line_id} continues {self.continues_id}"


class Responsibility(models.Model):
    """A department responsible for a line of action, possibly as its coordinator."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="responsibilities")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="responsibilities")
    position = models.PositiveIntegerField()
    is_coordinator = models.BooleanField(_("coordinates"), default=False)

    class Meta:
        ordering = ["action", "position"]
        verbose_name = _("responsible department")
        verbose_name_plural = _("responsible departments")
        constraints = [models.UniqueConstraint(fields=["action", "department"], name="responsibility_unique")]

    def __str__(self) -> str:
        return f"{self.action.code}: {self.department.code}"


class TranslationState(ChoiceLabels, models.Model):
    """The state of one translation of one plan text: "official" (the government's own
    translation) or "draft". The translation itself sits in the text's column for its language
    (modeltranslation: text_fr, name_nl, ...); a text without one has no row here, it is missing.

    Keyed by kind of content, id, field and language rather than by foreign keys to the seven
    kinds of content: one flat table that a plan's coverage reads in one query.
    """

    class Kind(models.TextChoices):
        PLAN = "plan", _("plan")
        DEPARTMENT = "department", _("department")
        OBJECTIVE = "objective", _("objective")
        GOAL = "goal", _("goal")
        ACTION = "action", _("line of action")
        NOTE = "note", _("note")
        INSTRUMENT = "instrument", _("monitoring instrument")

    class State(models.TextChoices):
        OFFICIAL = "official", _("official")
        DRAFT = "draft", _("draft")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    field = models.CharField(_("field"), max_length=30)
    language = models.CharField(_("language"), max_length=8)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["kind", "object_id", "field", "language"]
        verbose_name = _("translation state")
        verbose_name_plural = _("translation states")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id", "field", "language"], name="translationstate_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}:{self.field} [{self.language}] {self.state}"
