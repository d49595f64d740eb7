"""The API's bodies for civil society: organisations, their assessments of lines of action, the
consultation events and their recommendations with the government's response and follow-up.

As in serializers.py, request serializers check shapes and types only; what the data means (a known
country code, a round that is open, a reason for a refusal, a line of the event's plan) is the
services' job, so that the screens, the command line and the API refuse the same input.

What a response shows depends on who asks (the serializer's context holds the request): contact
details only to coordinators and readers; a moderator's note and name only to them and to the
organisation concerned."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from naptrack.api.serializers import INT_MAX, ErrorSerializer
from naptrack.civilsociety.models import Assessment, Event, EventFile, Organisation, Recommendation
from naptrack.civilsociety.rules import organisation_id
from naptrack.core.roles import is_civil_society, is_coordinator, is_reader
from naptrack.reporting.models import Contribution

ID_MAX = 2**63 - 1
# Long enough for any text the services accept; the services name their own limits in their messages.
TEXT_LIMIT = 100_000
COUNT_LIMIT = 10**7
DECISIONS = [("accept", _("accept for publication")), ("return", _("return for revision")), ("reject", _("reject"))]


def _user(serializer: serializers.Serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


def _reads_all(serializer: serializers.Serializer) -> bool:
    """Coordinators and readers; asked once per response, not once per row."""
    cached = serializer.context.get("_reads_all")
    if cached is None:
        user = _user(serializer)
        # The roles' predicates (civilsociety.read_all), not has_perm: a refusal there would fall
        # through to Django's permission tables, two queries per response.
        cached = bool(user is not None and (is_coordinator(user) or is_reader(user)))
        serializer.context["_reads_all"] = cached
    return cached


def _username(user) -> str | None:
    return user.get_username() if user is not None else None


# --- organisations --------------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))


class LineRefSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.slug", help_text=_("Plan slug."))
    line = serializers.CharField(source="code", help_text=_("Code of the line of action."))


class OrganisationCountsSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text=_("Accounts of its members, invited or open."))
    assessments = serializers.IntegerField(
        allow_null=True, help_text=_("Its assessments in every state: for coordinators and readers only.")
    )
    published = serializers.IntegerField(help_text=_("Its assessments accepted for publication."))


class OrganisationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    website = serializers.CharField(allow_blank=True)
    languages = serializers.ListField(
        child=serializers.CharField(), help_text=_("Two-letter codes; the first one is its e-mails' language.")
    )
    network = serializers.IntegerField(
        source="network_id", allow_null=True, help_text=_("Id of the organisation whose network it belongs to.")
    )
    network_name = serializers.SerializerMethodField()
    contact_email = serializers.SerializerMethodField(
        help_text=_("Its contact address: for coordinators and readers only, null for everyone else.")
    )
    follows = LineRefSerializer(many=True, source="follows.all", help_text=_("The lines of action it follows."))
    created_at = serializers.DateTimeField()
    counts = serializers.SerializerMethodField()

    def get_network_name(self, organisation: Organisation) -> str | None:
        return organisation.network.name if organisation.network_id else None

    def get_contact_email(self, organisation: Organisation) -> str | None:
        return organisation.contact_email if _reads_all(self) else None

    @extend_schema_field(OrganisationCountsSerializer)
    def get_counts(self, organisation: Organisation) -> dict:
        return {
            "members": organisation.n_members,
            "assessments": organisation.n_assessments if _reads_all(self) else None,
            "published": organisation.n_published,
        }


# --- assessments ----------------------------------------------------------------------------------


STATUSES = [("", "-"), *Contribution.Status.choices]


class EvidenceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.CharField(allow_blank=True, help_text=_("The link, for evidence given as a link."))
    content_type = serializers.CharField(allow_blank=True, help_text=_("The file's type, for a file."))
    size = serializers.IntegerField(help_text=_("The file's size in bytes (0 for a link)."))
    added_at = serializers.DateTimeField()


class AssessmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    round_name = serializers.CharField(source="round.__str__")
    plan = serializers.CharField(source="round.plan.slug", help_text=_("Plan slug."))
    organisation = OrganisationRefSerializer()
    line = serializers.CharField(
        source="action.code", allow_null=True, default=None, help_text=_("Code of the line of action assessed.")
    )
    objective = serializers.IntegerField(
        source="objective.number", allow_null=True, default=None, help_text=_("Number of the objective assessed.")
    )
    status = serializers.ChoiceField(choices=STATUSES, allow_blank=True, help_text=_("On the plan's scale."))
    narrative = serializers.CharField(allow_blank=True)
    countries = serializers.ListField(child=serializers.CharField(), help_text=_("ISO 3166-1 alpha-2 codes."))
    partner_name = serializers.CharField(
        allow_blank=True, help_text=_("The partner-country organisation it reports for, if any.")
    )
    partner_country = serializers.CharField(allow_blank=True)
    partner_consent = serializers.BooleanField(help_text=_("The partner organisation agreed."))
    state = serializers.ChoiceField(choices=Assessment.State.choices)
    moderation_note = serializers.CharField(
        allow_blank=True,
        help_text=_("The moderator's note: for coordinators, readers and the organisation; empty for others."),
    )
    moderated_at = serializers.DateTimeField(allow_null=True)
    moderated_by = serializers.SerializerMethodField(
        help_text=_("Who decided: for coordinators, readers and the organisation; null for others.")
    )
    version = serializers.IntegerField(help_text=_("Send it back with a change: a stale one gets 409."))
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    evidence = EvidenceSerializer(many=True, source="evidence.all")

    def _concerned(self, assessment: Assessment) -> bool:
        user = _user(self)
        # Only a civil-society account has an organisation: asking anyone else's costs a query.
        return _reads_all(self) or (
            user is not None and is_civil_society(user) and organisation_id(user) == assessment.organisation_id
        )

    def get_moderated_by(self, assessment: Assessment) -> str | None:
        return _username(assessment.moderated_by) if self._concerned(assessment) else None

    def to_representation(self, instance: Assessment) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self._concerned(instance):
            # The note is the moderator's word to the organisation, not part of what is published.
            data["moderation_note"] = ""
        return data


class AssessmentFieldsSerializer(serializers.Serializer):
    """What an organisation's member writes; only the fields given change."""

    status = serializers.ChoiceField(choices=STATUSES, required=False, allow_blank=True)
    # No max_length here: the service names the limit in its message.
    narrative = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=300, help_text=_("ISO 3166-1 codes.")
    )
    partner_name = serializers.CharField(required=False, allow_blank=True, max_length=300)
    partner_country = serializers.CharField(required=False, allow_blank=True, max_length=10)
    partner_consent = serializers.BooleanField(required=False)


class AssessmentCreateSerializer(AssessmentFieldsSerializer):
    round = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Id of an open round."))
    line = serializers.CharField(
        required=False, max_length=20, help_text=_("Code of the line of action assessed, in the round's plan.")
    )
    objective = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=32767,
        help_text=_("Number of the objective assessed: give either a line or an objective."),
    )


class AssessmentUpdateSerializer(AssessmentFieldsSerializer):
    version = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, help_text=_("Required: the version the change was made on.")
    )


class ModerationSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=DECISIONS)
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("Told to the organisation; required to return or reject."),
    )
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=INT_MAX, help_text=_("Optional: refuse (409) if it changed since.")
    )


class AssessmentConflictSerializer(ErrorSerializer):
    version = serializers.IntegerField(required=False, help_text=_("The assessment's current version."))
    current = AssessmentSerializer(required=False, help_text=_("The assessment as it is now (for a stale version)."))


# --- events and recommendations -------------------------------------------------------------------


class ParticipantsSerializer(serializers.Serializer):
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True, help_text=_("Other or not recorded."))
    total = serializers.IntegerField(allow_null=True)


class EventFileSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventFile.Kind.choices)
    title = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    added_at = serializers.DateTimeField()


class FollowUpSerializer(serializers.Serializer):
    round = serializers.IntegerField(source="round_id", allow_null=True)
    round_name = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Recommendation.Status.choices)
    note = serializers.CharField()
    at = serializers.DateTimeField()
    by = serializers.SerializerMethodField(help_text=_("Username of who noted it."))

    def get_round_name(self, follow_up) -> str | None:
        return str(follow_up.round) if follow_up.round_id else None

    def get_by(self, follow_up) -> str | None:
        return _username(follow_up.by)


class RecommendationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    event = serializers.IntegerField(source="event_id")
    plan = serializers.CharField(source="event.plan.slug", help_text=_("Plan slug."))
    position = serializers.IntegerField(help_text=_("Its number within the event."))
    text = serializers.CharField()
    organisations = OrganisationRefSerializer(many=True, source="organisations.all", help_text=_("Made by."))
    lines = serializers.SerializerMethodField(help_text=_("Codes of the lines of action it concerns."))
    response = serializers.ChoiceField(choices=Recommendation.Response.choices)
    response_reason = serializers.CharField(allow_blank=True)
    status = serializers.ChoiceField(
        choices=Recommendation.Status.choices, help_text=_("The follow-up: the latest follow-up's status.")
    )
    follow_ups = FollowUpSerializer(many=True, source="follow_ups.all", help_text=_("Oldest first."))

    def get_lines(self, recommendation) -> list[str]:
        return [action.code for action in recommendation.actions.all()]


class EventSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan.slug", help_text=_("Plan slug."))
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    title = serializers.CharField()
    date = serializers.DateField()
    place = serializers.CharField(allow_blank=True)
    online = serializers.BooleanField()
    organiser = serializers.CharField(source="organiser.code", help_text=_("Department code."))
    invited = OrganisationRefSerializer(many=True, source="invited.all")
    attending = OrganisationRefSerializer(many=True, source="attending.all")
    participants = serializers.SerializerMethodField()
    summary = serializers.CharField(allow_blank=True)
    public = serializers.BooleanField(help_text=_("Shown on the portal and in the public API."))
    files = EventFileSerializer(many=True, source="files.all", help_text=_("Agenda, minutes and other files."))
    created_at = serializers.DateTimeField()
    recommendation_count = serializers.SerializerMethodField()

    @extend_schema_field(ParticipantsSerializer)
    def get_participants(self, event: Event) -> dict:
        return {"women": event.women, "men": event.men, "other": event.other, "total": event.participants}

    def get_recommendation_count(self, event: Event) -> int:
        counted = getattr(event, "n_recommendations", None)
        return counted if counted is not None else len(event.recommendations.all())


class EventDetailSerializer(EventSerializer):
    recommendations = RecommendationSerializer(many=True, source="recommendations.all")


class EventCreateSerializer(serializers.Serializer):
    plan = serializers.CharField(max_length=100, help_text=_("Plan slug."))
    kind = serializers.ChoiceField(choices=Event.Kind.choices)
    title = serializers.CharField(max_length=300)
    date = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, max_length=300)
    online = serializers.BooleanField(required=False)
    organiser = serializers.CharField(max_length=100, help_text=_("Code of the department that organises it."))
    invited = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=1000,
        help_text=_("Ids of the organisations invited."),
    )
    attending = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=1000,
        help_text=_("Ids of the organisations that attended."),
    )
    women = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_LIMIT)
    men = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_LIMIT)
    other = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_LIMIT)
    summary = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_LIMIT)
    public = serializers.BooleanField(required=False, help_text=_("Show it on the portal (default: no)."))


class RecommendationCreateSerializer(serializers.Serializer):
    event = serializers.IntegerField(min_value=1, max_value=ID_MAX, help_text=_("Event id."))
    text = serializers.CharField(max_length=TEXT_LIMIT)
    organisations = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=ID_MAX),
        required=False,
        max_length=1000,
        help_text=_("Ids of the organisations that made it."),
    )
    lines = serializers.ListField(
        child=serializers.CharField(max_length=20),
        required=False,
        max_length=500,
        help_text=_("Codes of the lines of action it concerns, in the event's plan."),
    )


class ResponseSerializer(serializers.Serializer):
    response = serializers.ChoiceField(
        choices=Recommendation.Response.choices, help_text=_("accepted, partly or not-accepted.")
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=TEXT_LIMIT,
        help_text=_("Required unless the recommendation is accepted."),
    )


class FollowUpCreateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Recommendation.Status.choices)
    note = serializers.CharField(max_length=TEXT_LIMIT, help_text=_("What was done."))
    round = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=ID_MAX,
        help_text=_("Id of the round the follow-up is reported in, of the event's plan."),
    )
