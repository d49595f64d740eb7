"""The API's request and response bodies.

Request serializers check shapes and types only; what the data means (an instrument of this line,
a known country, a total not smaller than its parts, the narrative's limit) is the services' job,
so the web forms and the API refuse exactly the same input."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from naptrack.api.rows import WrittenRows
from naptrack.plans.models import Instrument
from naptrack.reporting.models import Contribution, Measurement, Round
from naptrack.reporting.services import COUNT_MAX

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


class RoundSerializer(WrittenRows):
    """A round with its number of contributions per state (the queryset's with_counts())."""

    id = serializers.IntegerField()
    plan = serializers.CharField(source="plan.slug", help_text=_("Plan slug."))
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
            "plan": round_.plan.slug,
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


# --- contributions --------------------------------------------------------------------------------


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=4, allow_null=True, coerce_to_string=False, **kwargs)


class CountryFigureSerializer(WrittenRows):
    country = serializers.CharField(help_text=_("ISO 3166-1 alpha-2 code."))
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    value = _decimal()
    numerator = _decimal()
    denominator = _decimal()

    def row(self, figure) -> dict:
        return {
            "country": figure.country,
            **_counted(figure, self.decimal),
            "numerator": self.decimal(figure.numerator),
            "denominator": self.decimal(figure.denominator),
        }


def _counted(figure, decimal) -> dict:
    """The people by sex and the value of a measurement or of a country's part, in their order."""
    return {"women": figure.women, "men": figure.men, "other": figure.other, "value": decimal(figure.value)}


class MeasurementSerializer(WrittenRows):
    instrument = serializers.IntegerField(source="instrument_id")
    text = serializers.CharField(allow_blank=True)
    women = serializers.IntegerField(allow_null=True)
    men = serializers.IntegerField(allow_null=True)
    other = serializers.IntegerField(allow_null=True)
    value = _decimal(
        help_text=_("The number, the count, the amount, the percentage (0-100) or the total of people by sex.")
    )
    unit = serializers.CharField(allow_blank=True)
    currency = serializers.CharField(allow_blank=True, help_text=_("ISO 4217 code of an amount of money."))
    marker = serializers.IntegerField(
        allow_null=True, help_text=_("OECD-DAC gender equality policy marker: 0, 1 or 2.")
    )
    channel = serializers.ChoiceField(choices=[("", "-"), *Measurement.Channel.choices], allow_blank=True)
    numerator = _decimal()
    denominator = _decimal()
    yes = serializers.BooleanField(allow_null=True, help_text=_("The answer to a yes-or-no instrument."))
    derived = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("The figures computed from the countries' rows (or a share's from its parts), not given."),
    )
    countries = CountryFigureSerializer(many=True, source="countries.all", help_text=_("Figures by country."))
    note = serializers.CharField(allow_blank=True)
    total = serializers.SerializerMethodField(
        help_text=_("Derived: the total given for a by-sex instrument, else women + men + other.")
    )
    share_of_women = serializers.SerializerMethodField(help_text=_("Derived: women / total, between 0 and 1."))

    @extend_schema_field({"type": "number", "nullable": True})
    def get_total(self, m) -> int | float | None:
        total = m.total
        if total is None:
            return None
        return int(total) if total == int(total) else float(total)

    @extend_schema_field({"type": "number", "format": "double", "nullable": True})
    def get_share_of_women(self, m) -> float | None:
        return m.share_of_women

    def row(self, m) -> dict:
        decimal = self.decimal
        return {
            "instrument": m.instrument_id,
            "text": m.text,
            **_counted(m, decimal),
            "unit": m.unit,
            "currency": m.currency,
            "marker": m.marker,
            "channel": m.channel,
            "numerator": decimal(m.numerator),
            "denominator": decimal(m.denominator),
            "yes": m.yes,
            "derived": [str(name) for name in m.derived],
            "countries": self.fields["countries"].to_representation(m.countries.all()),
            "note": m.note,
            "total": self.get_total(m),
            "share_of_women": self.get_share_of_women(m),
        }


class ContributionSerializer(WrittenRows):
    id = serializers.IntegerField()
    round = serializers.IntegerField(source="round_id")
    action = serializers.CharField(source="action.code", help_text=_("Code of the line of action."))
    department = serializers.CharField(source="department.code", help_text=_("Department code."))
    state = serializers.ChoiceField(choices=Contribution.State.choices)
    status = serializers.ChoiceField(choices=[("", "-"), *Contribution.Status.choices], allow_blank=True)
    narrative = serializers.CharField(allow_blank=True, help_text=_("Markdown."))
    visibility = serializers.ChoiceField(choices=Contribution.Visibility.choices)
    countries = serializers.ListField(child=serializers.CharField(), help_text=_("ISO 3166-1 alpha-2 codes."))
    measurements = MeasurementSerializer(many=True, source="measurements.all")
    version = serializers.IntegerField(help_text=_("Send it back with a change: a stale one gets 409."))
    review_note = serializers.CharField(
        allow_blank=True,
        help_text=_(
            "Empty for another department's contribution: only its department, the coordinator and readers read it."
        ),
    )
    on_behalf = serializers.BooleanField()
    updated_at = serializers.DateTimeField(
        help_text=_(
            "When the answers were last saved. Submitting, returning and approving do not change it: they "
            "have their own times."
        )
    )
    submitted_at = serializers.DateTimeField(allow_null=True)
    returned_at = serializers.DateTimeField(allow_null=True)
    approved_at = serializers.DateTimeField(allow_null=True)

    def row(self, c: Contribution) -> dict:
        moment = self.moment
        return {
            "id": c.pk,
            "round": c.round_id,
            "action": c.action.code,
            "department": c.department.code,
            "state": c.state,
            "status": c.status,
            "narrative": c.narrative,
            "visibility": c.visibility,
            "countries": [str(code) for code in c.countries],
            "measurements": self.fields["measurements"].to_representation(c.measurements.all()),
            "version": c.version,
            "review_note": c.review_note,
            "on_behalf": c.on_behalf,
            "updated_at": moment(c.updated_at),
            "submitted_at": moment(c.submitted_at),
            "returned_at": moment(c.returned_at),
            "approved_at": moment(c.approved_at),
        }

    def to_representation(self, instance: Contribution) -> dict:
        data = self.row(instance)
        # An approved contribution keeps the note it was once returned with: another department
        # reads the contribution, never the note. Without a request to say who asks, no note.
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is None or not user.has_perm("reporting.view_review_note", instance):
            data["review_note"] = ""
        return data


class ConflictSerializer(ErrorSerializer):
    version = serializers.IntegerField(required=False, help_text=_("The contribution's current version."))
    changes = ChangeSerializer(many=True, required=False, help_text=_("What changed since the version sent."))
    current = ContributionSerializer(required=False, help_text=_("The contribution as it is now."))


@extend_schema_field({"type": "boolean", "nullable": True})
class YesNoField(serializers.Field):
    """true, false or null; passed on as sent, for the service to say what a yes-no answer is."""

    def to_internal_value(self, data):
        return data

    def to_representation(self, value):
        return value


class CountryFigureInputSerializer(serializers.Serializer):
    country = serializers.CharField(max_length=10, help_text=_("ISO 3166-1 alpha-2 code."))
    women = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    men = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    other = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    value = _decimal(required=False)
    numerator = _decimal(required=False)
    denominator = _decimal(required=False)


class MeasurementInputSerializer(serializers.Serializer):
    instrument = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("Instrument id."))
    text = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)
    women = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    men = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    other = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=COUNT_MAX)
    value = serializers.DecimalField(
        required=False,
        allow_null=True,
        max_digits=16,
        decimal_places=4,
        coerce_to_string=False,
        help_text=_("A figure; for an instrument reported by sex, the total of people (whole, not below the parts)."),
    )
    unit = serializers.CharField(required=False, allow_blank=True, max_length=40)
    # The kind's figures are checked by the service (reporting/services/figures.py), which names
    # the field and says why in the same words as the form and the workbook.
    currency = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, max_length=10, help_text=_("ISO 4217; the plan's if empty.")
    )
    marker = serializers.IntegerField(required=False, allow_null=True, help_text=_("0, 1 or 2."))
    channel = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    numerator = _decimal(required=False)
    denominator = _decimal(required=False)
    yes = YesNoField(required=False, allow_null=True)
    countries = CountryFigureInputSerializer(
        many=True,
        required=False,
        max_length=300,
        help_text=_("Figures by country: replaces the breakdown; totals left empty are computed from it."),
    )
    note = serializers.CharField(required=False, allow_blank=True, max_length=TEXT_MAX)


class ContributionUpdateSerializer(serializers.Serializer):
    """A change to a contribution: only the fields given change; "version" (required) is the
    version the change was made on."""

    version = serializers.IntegerField(
        min_value=1, max_value=INT_MAX, help_text=_("Required: the version the change was made on.")
    )
    status = serializers.ChoiceField(
        choices=[("", "-"), *Contribution.Status.choices], required=False, allow_blank=True
    )
    # No max_length here: the service names the limit in its message.
    narrative = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, help_text=_("Markdown."))
    visibility = serializers.ChoiceField(choices=Contribution.Visibility.choices, required=False)
    countries = serializers.ListField(
        child=serializers.CharField(max_length=10), required=False, max_length=300, help_text=_("ISO 3166-1 codes.")
    )
    measurements = MeasurementInputSerializer(many=True, required=False, max_length=100)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=1, max_value=INT_MAX, help_text=_("Optional: refuse (409) if it changed since.")
    )


class NoteSerializer(VersionSerializer):
    note = serializers.CharField(max_length=TEXT_MAX, help_text=_("What the department should revise."))


class ContributionReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX)
