"""Civil society in the plan's cycle (lines 34 and 35 of the Belgian plan).

Organisations in Belgium and in partner countries take part through their members' accounts;
their assessments of lines of action are moderated and then published beside, never mixed with,
the government's contributions. Consultation events keep their recommendations, the government's
response and its follow-up round after round. The expertise network lists people and
organisations only with their recorded consent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from naptrack.civilsociety.queries import AssessmentQuerySet, EventQuerySet, ExpertQuerySet, OrganisationQuerySet
from naptrack.core.choices import ChoiceLabels


class Organisation(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        WOMENS = "womens-organisation", _("women's organisation")
        RESEARCH = "research", _("research")
        NETWORK = "network", _("network")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=300)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2 code."))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.NGO)
    website = models.URLField(_("website"), max_length=500, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    network = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="network_members",
        verbose_name=_("network"),
        help_text=_("The network this organisation belongs to, such as a Belgian NGO's partner-country network."),
    )
    follows = models.ManyToManyField(
        "plans.Action", blank=True, related_name="+", verbose_name=_("lines of action it follows")
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [models.UniqueConstraint(fields=["name", "country"], name="organisation_unique_name")]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person's account belongs to one organisation: that is what the civil-society role means."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="members")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class ExpertiseField(models.Model):
    """A field of expertise of the network, from the list the coordinator keeps (translatable)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("field of expertise")
        verbose_name_plural = _("fields of expertise")

    def __str__(self) -> str:
        return self.name


class Expert(models.Model):
    """A person or an organisation in the expertise network (line 34). Public only while consent
    is given; the e-mail address is never public."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="experts"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="expert_listings"
    )
    fields = models.ManyToManyField(ExpertiseField, blank=True, related_name="experts", verbose_name=_("fields"))
    languages = models.JSONField(_("languages"), default=list, blank=True)
    countries = models.JSONField(_("countries of experience"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = ExpertQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("expert")
        verbose_name_plural = _("experts")

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.consent_at is not None


class Consent(ChoiceLabels, models.Model):
    """The record of a consent given or withdrawn: kept when the listing is erased, without the
    person's name, so that what was agreed to can still be shown."""

    class Action(models.TextChoices):
        GIVEN = "given", _("given")
        WITHDRAWN = "withdrawn", _("withdrawn")

    expert = models.ForeignKey(Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="consents")
    action = models.CharField(max_length=10, choices=Action.choices)
    purpose = models.TextField(_("purpose"))
    at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("consent record")
        verbose_name_plural = _("consent records")

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d}"


class Event(ChoiceLabels, models.Model):
    """A consultation or reporting and coordination event with civil society (line 34)."""

    class Kind(models.TextChoices):
        MID_TERM = "mid-term", _("mid-term consultation")
        FINAL = "final", _("final consultation")
        OTHER = "other", _("other event")

    plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, related_name="events", verbose_name=_("plan"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=300, blank=True)
    online = models.BooleanField(_("online"), default=False)
    organiser = models.ForeignKey(
        "plans.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("organiser")
    )
    invited = models.ManyToManyField(Organisation, blank=True, related_name="+", verbose_name=_("invited"))
    attending = models.ManyToManyField(
        Organisation, blank=True, related_name="events_attended", verbose_name=_("attending")
    )
    women = models.PositiveIntegerField(_("women"), null=True, blank=True)
    men = models.PositiveIntegerField(_("men"), null=True, blank=True)
    other = models.PositiveIntegerField(_("other or not recorded"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    public = models.BooleanField(_("public"), default=False, help_text=_("Shown on the portal."))
    # Contributions on the line of the events' instrument (line 34) that report this event.
    cited_by = models.ManyToManyField("reporting.Contribution", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()
    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def participants(self) -> int | None:
        parts = [n for n in (self.women, self.men, self.other) if n is not None]
        return sum(parts) if parts else None


def event_file_path(instance: EventFile, filename: str) -> str:
    return f"events/{instance.event_id}/{filename}"


class EventFile(ChoiceLabels, models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", _("agenda")
        MINUTES = "minutes", _("minutes")
        OTHER = "other", _("other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=event_file_path, max_length=300)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "kind", "added_at"]
        verbose_name = _("event file")
        verbose_name_plural = _("event files")

    def __str__(self) -> str:
        return self.title


class Recommendation(ChoiceLabels, models.Model):
    class Response(models.TextChoices):
        PENDING = "pending", _("awaiting a response")
        ACCEPTED = "accepted", _("accepted")
        PARTLY = "partly", _("partly accepted")
        NOT_ACCEPTED = "not-accepted", _("not accepted")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_PROGRESS = "in-progress", _("in progress")
        IMPLEMENTED = "implemented", _("implemented")
        CLOSED = "closed", _("closed")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveIntegerField(_("number"))
    text = models.TextField(_("recommendation"))
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="recommendations", verbose_name=_("made by")
    )
    actions = models.ManyToManyField(
        "plans.Action", blank=True, related_name="recommendations", verbose_name=_("lines of action")
    )
    response = models.CharField(
        _("government's response"), max_length=15, choices=Response.choices, default=Response.PENDING
    )
    response_reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(_("follow-up"), max_length=15, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "position"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [models.UniqueConstraint(fields=["event", "position"], name="recommendation_unique_number")]

    def __str__(self) -> str:
        return f"{self.event} #{self.position}"


class FollowUp(ChoiceLabels, models.Model):
    """What was done about a recommendation, noted round after round until it is closed."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follow_ups")
    round = models.ForeignKey("reporting.Round", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("follow-up"), max_length=15, choices=Recommendation.Status.choices)
    note = models.TextField(_("note"))
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["recommendation", "at", "pk"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.recommendation} · {self.status}"


class Assessment(ChoiceLabels, models.Model):
    """An organisation's own assessment of a line of action (or of an objective) in a round."""

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned for revision")
        ACCEPTED = "accepted", _("accepted for publication")
        REJECTED = "rejected", _("rejected")

    round = models.ForeignKey(
        "reporting.Round", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("round")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("organisation")
    )
    action = models.ForeignKey(
        "plans.Action",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("line of action"),
    )
    objective = models.ForeignKey(
        "plans.Objective",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("objective"),
    )
    status = models.CharField(_("status"), max_length=20, blank=True)
    narrative = models.TextField(_("assessment"), blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    partner_name = models.CharField(_("partner organisation"), max_length=300, blank=True)
    partner_country = models.CharField(_("partner's country"), max_length=2, blank=True)
    partner_consent = models.BooleanField(_("the partner organisation agreed"), default=False)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    moderation_note = models.TextField(_("moderator's note"), blank=True)
    moderated_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    history = HistoricalRecords()
    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["round", "organisation", "pk"]
        verbose_name = _("civil-society assessment")
        verbose_name_plural = _("civil-society assessments")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, objective__isnull=True)
                | Q(action__isnull=True, objective__isnull=False),
                name="assessment_one_subject",
            ),
        ]
        indexes = [models.Index(fields=["round", "state"])]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.action or self.objective} · {self.round}"

    @property
    def subject(self):
        return self.action or self.objective

    @property
    def is_editable_state(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.RETURNED)


def assessment_file_path(instance: AssessmentEvidence, filename: str) -> str:
    return f"assessments/{instance.assessment_id}/{filename}"


class AssessmentEvidence(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to=assessment_file_path, blank=True, max_length=300)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["assessment", "added_at", "pk"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.title


class RoundInvitation(models.Model):
    """A round's invitation sent to an organisation (line 35's "invitations"): one e-mail, in the
    organisation's language, with the lines it follows."""

    round = models.ForeignKey("reporting.Round", on_delete=models.CASCADE, related_name="civil_society_invitations")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="round_invitations")
    language = models.CharField(max_length=8, default="en")
    lines = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(auto_now=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["round", "organisation__name"]
        verbose_name = _("round invitation")
        verbose_name_plural = _("round invitations")
        constraints = [models.UniqueConstraint(fields=["round", "organisation"], name="round_invitation_unique")]

    def __str__(self) -> str:
        return f"{self.round} · {self.organisation}"
