"""The API's bodies for contributions: a contribution with its measurements and their countries'
parts, as read (written out: api/rows.py) and as sent, and the versions and notes of its steps.

As in serializers.py, request serializers check shapes and types only; what the data means (an
instrument of this line, a known country, a total not smaller than its parts, the narrative's
limit) is the services' job."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from naptrack.api.rows import WrittenRows
from naptrack.api.serializers import INT_MAX, TEXT_MAX, ChangeSerializer, ErrorSerializer, VersionSerializer
from naptrack.reporting.models import Contribution, Measurement
from naptrack.reporting.services import COUNT_MAX


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


class ContributionReasonSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX)
