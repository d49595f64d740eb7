"""The API's request and response bodies.

Request serializers check shapes and types only; what the data means (an instrument of this line,
a known country, a total not smaller than its parts, the narrative's limit) is the services' job,
so the web forms and the API refuse exactly the same input. The contributions' bodies are in
serializers_contributions.py."""

from __future__ import annotations

from django.conf import settings
from django.db.models import F, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from naptrack.api.rows import WrittenRows
from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution, Round

TEXT_MAX = settings.NAPTRACK_NARRATIVE_MAX
# Values held in PositiveIntegerField / PositiveSmallIntegerField columns.
INT_MAX = 2**31 - 1


# --- errors ---------------------------------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("What went wrong, in words."))


class ValidationErrorSerializer(ErrorSerializer):
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text=_(
            "Messages per field. Nested fields are named with dots: 'measurements.<instrument id>.women' "
            "(or 'measurements.<position>.instrument' for a row whose instrument is unknown); "
            "'non_field_errors' for the request as a whole."
        ),
    )


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    by = serializers.CharField(allow_blank=True, help_text=_("Who saved the latest version."))
    at = serializers.DateTimeField(allow_null=True)


# --- token ----------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text=_(
            "For people who sign in with a second factor: the code their authenticator app shows now, "
            "or one of their recovery codes."
        ),
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(help_text=_("Send it as 'Authorization: Bearer <token>'. Shown only once."))
    expires = serializers.DateTimeField(help_text=_("When the token stops working; then ask for a new one."))


# --- plans ----------------------------------------------------------------------------------------


class PeriodSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()


class PlanSummarySerializer(WrittenRows):
    slug = serializers.CharField()
    title = serializers.CharField()
    country = serializers.CharField()
    period = serializers.SerializerMethodField()
    languages = serializers.ListField(child=serializers.CharField())
    focus_countries = serializers.ListField(child=serializers.CharField())

    @extend_schema_field(PeriodSerializer)
    def get_period(self, plan) -> dict:
        return {"start": plan.period_start, "end": plan.period_end}

    def row(self, plan) -> dict:
        return {
            "slug": plan.slug,
            "title": str(plan.title),
            "country": plan.country,
            "period": self.get_period(plan),
            "languages": [str(code) for code in plan.languages],
            "focus_countries": [str(code) for code in plan.focus_countries],
        }


_LANGUAGE_TEXT = {"type": "string"}


@extend_schema_field(
    {
        "oneOf": [
            {"type": "string"},
            {
                "type": "object",
                "required": ["en"],
                "properties": {
                    "en": _LANGUAGE_TEXT,
                    "fr": _LANGUAGE_TEXT,
                    "nl": _LANGUAGE_TEXT,
                    "de": _LANGUAGE_TEXT,
                    "state": {
                        "type": "object",
                        "additionalProperties": {"type": "string", "enum": ["official", "draft"]},
                    },
                },
            },
        ],
        "description": "The English text, or the text by language with its translations "
        "(naptrack/plans/schema/naptrack-plan-1.schema.json).",
    }
)
class PlanTextField(serializers.JSONField):
    """A translatable text of naptrack-plan/1: a string, or an object of languages to texts."""


class PlanDepartmentSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = PlanTextField()
    parent = serializers.CharField(allow_null=True)
    abbreviation = PlanTextField(required=False)


class PlanInstrumentSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("What a measurement names as its instrument."))
    text = PlanTextField()
    kind = serializers.ChoiceField(choices=Instrument.Kind.choices)
    by_sex = serializers.BooleanField(required=False, help_text=_("Present (true) when figures are reported by sex."))


class PlanActionSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = PlanTextField()
    notes = serializers.ListField(child=PlanTextField())
    instruments = PlanInstrumentSerializer(many=True)
    departments = serializers.ListField(child=serializers.CharField())
    coordinator = serializers.CharField(allow_null=True)


class PlanGoalSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = PlanTextField()
    actions = PlanActionSerializer(many=True)


class PlanObjectiveSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    title = PlanTextField()
    intro = PlanTextField()
    goals = PlanGoalSerializer(many=True)


class PlanDocumentSerializer(serializers.Serializer):
    """The plan in the naptrack-plan/1 interchange format, with the ids of its instruments."""

    format = serializers.CharField()
    slug = serializers.CharField()
    title = PlanTextField()
    country = serializers.CharField()
    period = PeriodSerializer()
    languages = serializers.ListField(child=serializers.CharField())
    focus_countries = serializers.ListField(child=serializers.CharField())
    departments = PlanDepartmentSerializer(many=True)
    objectives = PlanObjectiveSerializer(many=True)


# --- rounds ---------------------------------------------------------------------------------------


class StateCountsSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    draft = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField()


class DepartmentCountsSerializer(StateCountsSerializer):
    department = serializers.CharField(help_text=_("Department code."))


def _state_counts(row, prefix: str = "n_") -> dict[str, int]:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    counts = {"total": get(f"{prefix}contributions") or 0}
    for state in Contribution.State.values:
        counts[state] = get(f"{prefix}{state}") or 0
    return counts


# What RoundSerializer's rows read of a round (the list reads only these; the plan's slug comes
# from with_plan_slug).
ROUND_COLUMNS = (
    "id",
    "kind",
    "year",
    "deadline",
    "intro",
    "state",
    "created_at",
    "opened_at",
    "closed_at",
    "published_at",
)


def with_plan_slug(rounds: QuerySet[Round]) -> QuerySet[Round]:
    """Rounds as the API's rows read them: their plan's slug as a column (plan_slug), not a plan
    made for each round."""
    return rounds.annotate(plan_slug=F("plan__slug"))


class RoundSerializer(WrittenRows):
    """A round (read through with_plan_slug) with its number of contributions per state (the
    queryset's with_counts(), or counts_attach)."""

    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan_slug", help_text=_("Plan slug."))
    kind = serializers.ChoiceField(choices=Round.Kind.choices)
    year = serializers.IntegerField()
    deadline = serializers.DateField()
    intro = serializers.CharField(allow_blank=True)
    state = serializers.ChoiceField(choices=Round.State.choices)
    created_at = serializers.DateTimeField()
    opened_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    published_at = serializers.DateTimeField(allow_null=True)
    counts = serializers.SerializerMethodField(help_text=_("Contributions per state."))

    @extend_schema_field(StateCountsSerializer)
    def get_counts(self, round_) -> dict:
        return _state_counts(round_)

    def row(self, round_) -> dict:
        return {
            "id": round_.pk,
            "plan": round_.plan_slug,
            "kind": round_.kind,
            "year": round_.year,
            "deadline": self.day(round_.deadline),
            "intro": str(round_.intro),
            "state": round_.state,
            "created_at": self.moment(round_.created_at),
            "opened_at": self.moment(round_.opened_at),
            "closed_at": self.moment(round_.closed_at),
            "published_at": self.moment(round_.published_at),
            "counts": _state_counts(round_),
        }


class RoundDetailSerializer(RoundSerializer):
    departments = serializers.SerializerMethodField(help_text=_("Contributions per state, for each department."))

    @extend_schema_field(DepartmentCountsSerializer(many=True))
    def get_departments(self, round_) -> list[dict]:
        return [{"department": row["department__code"], **_state_counts(row)} for row in round_.department_counts]

    def row(self, round_) -> dict:
        return {**super().row(round_), "departments": self.get_departments(round_)}


class RoundCreateSerializer(serializers.Serializer):
    plan = serializers.SlugField(max_length=100, help_text=_("Plan slug."))
    kind = serializers.ChoiceField(choices=Round.Kind.choices)
    year = serializers.IntegerField(min_value=0, max_value=32767, help_text=_("The year the round reports on."))
    deadline = serializers.DateField()
    intro = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


# --- a workflow step's body (contributions, targeted questions, assessments) -------------------------


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=INT_MAX, help_text=_("Optional: refuse (409) if it changed since.")
    )


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(max_length=TEXT_MAX, help_text=_("What the department should revise."))
