"""Civil society's public record as open data: published assessments (assessments.csv/.xlsx/.json)
and the recommendations of public consultation events with the government's response and latest
follow-up (recommendations.*), each with its columns in the data dictionary.

Rows come only from Assessment.objects.published() and Event.objects.public(); people's text is
neutralised as in the round files (opendata._csv_cell, core/spreadsheets.py). One file each for
every plan and round, as answers.* is: one to three queries, whatever the number of rows.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_countries import countries as all_countries

from naptrack.civilsociety.models import Assessment, Event, FollowUp, Recommendation
from naptrack.portal.opendata import (
    Column,
    table_file,
)
from naptrack.reporting.models import Contribution

FORMATS = ("csv", "xlsx", "json")


def _c(name: str, type_: str, description) -> Column:
    return Column(name, type_, description)


ASSESSMENT_COLUMNS = [
    _c("assessment_id", "integer", gettext_lazy("The assessment's identifier, as in the API.")),
    _c("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    _c("round_id", "integer", gettext_lazy("The reporting round's identifier, as in the API.")),
    _c("round", "text", gettext_lazy("The reporting round, in words.")),
    _c("round_year", "integer", gettext_lazy("The year the round reports on.")),
    _c("action_code", "text", gettext_lazy("Code of the line of action assessed; empty for an objective.")),
    _c("objective_number", "integer", gettext_lazy("Number of the objective assessed as a whole; else empty.")),
    _c("organisation", "text", gettext_lazy("The civil-society organisation that wrote the assessment.")),
    _c("organisation_country", "text", gettext_lazy("ISO 3166-1 alpha-2 code of the organisation's country.")),
    _c("organisation_country_name", "text", gettext_lazy("Name of the organisation's country.")),
    _c(
        "status",
        "text",
        gettext_lazy(
            "Code of the state of implementation the organisation assessed, on the plan's scale: not-started, "
            "in-progress, completed, continuous, not-applicable; empty when none was given."
        ),
    ),
    _c("status_label", "text", gettext_lazy("That state of implementation, in words.")),
    _c("narrative", "text", gettext_lazy("The organisation's assessment (Markdown).")),
    _c(
        "countries",
        "text",
        gettext_lazy("ISO 3166-1 alpha-2 codes of the countries the assessment concerns, separated by ';'."),
    ),
    _c(
        "partner_name",
        "text",
        gettext_lazy("The partner-country organisation the assessment reports for, with its consent; else empty."),
    ),
    _c("partner_country", "text", gettext_lazy("ISO 3166-1 alpha-2 code of that partner's country; else empty.")),
    _c("published_on", "date", gettext_lazy("The day the coordinator published the assessment (YYYY-MM-DD).")),
]
ASSESSMENT_NAMES = [c.name for c in ASSESSMENT_COLUMNS]

RECOMMENDATION_COLUMNS = [
    _c("recommendation_id", "integer", gettext_lazy("The recommendation's identifier, as in the API.")),
    _c("plan", "text", gettext_lazy("The plan's identifier (slug).")),
    _c("event_id", "integer", gettext_lazy("The consultation event's identifier, as in its page's address.")),
    _c("event", "text", gettext_lazy("The consultation event's title.")),
    _c("event_date", "date", gettext_lazy("The day of the event (YYYY-MM-DD).")),
    _c("event_kind", "text", gettext_lazy("Code of the kind of event: mid-term, final or other.")),
    _c("event_kind_label", "text", gettext_lazy("The kind of event, in words.")),
    _c("number", "integer", gettext_lazy("The recommendation's number within its event.")),
    _c("text", "text", gettext_lazy("The recommendation, as civil society made it.")),
    _c("organisations", "text", gettext_lazy("The organisations that made it, separated by ';'.")),
    _c("lines", "text", gettext_lazy("Codes of the lines of action it concerns, separated by ';'.")),
    _c(
        "response",
        "text",
        gettext_lazy("Code of the government's response: pending, accepted, partly or not-accepted."),
    ),
    _c("response_label", "text", gettext_lazy("The government's response, in words.")),
    _c("reason", "text", gettext_lazy("The government's reason for its response.")),
    _c("status", "text", gettext_lazy("Code of the follow-up: open, in-progress, implemented or closed.")),
    _c("status_label", "text", gettext_lazy("The follow-up, in words.")),
    _c("latest_follow_up", "text", gettext_lazy("What the latest follow-up says was done; else empty.")),
    _c("latest_follow_up_on", "date", gettext_lazy("The day of the latest follow-up (YYYY-MM-DD); else empty.")),
    _c("latest_follow_up_round", "text", gettext_lazy("The reporting round of the latest follow-up; else empty.")),
]
RECOMMENDATION_NAMES = [c.name for c in RECOMMENDATION_COLUMNS]


def _country(code: str) -> str:
    return str(all_countries.name(code) or code) if code else ""


def assessment_rows() -> list[dict[str, Any]]:
    """One row per published assessment, by round and in plan order: one query."""
    rows = []
    assessments = (
        Assessment.objects.published()
        .select_related("round__plan", "organisation", "action", "objective")
        .order_by(
            "round__plan__slug",
            "round__year",
            "round_id",
            "action__goal__number",
            "action__position",
            "objective__number",
            "organisation__name",
            "pk",
        )
    )
    for a in assessments:
        published = timezone.localdate(a.published_at).isoformat() if a.published_at else None
        rows.append(
            {
                "assessment_id": a.pk,
                "plan": a.round.plan.slug,
                "round_id": a.round_id,
                "round": str(a.round),
                "round_year": a.round.year,
                "action_code": a.action.code if a.action_id else "",
                "objective_number": a.objective.number if a.objective_id else None,
                "organisation": a.organisation.name,
                "organisation_country": a.organisation.country,
                "organisation_country_name": _country(a.organisation.country),
                "status": a.status,
                "status_label": capfirst(str(Contribution.Status(a.status).label)) if a.status else "",
                "narrative": a.narrative,
                "countries": ";".join(a.countries or []),
                "partner_name": a.partner_name,
                "partner_country": a.partner_country,
                "published_on": published,
            }
        )
    return rows


def recommendation_rows() -> list[dict[str, Any]]:
    """One row per recommendation of every public event, by date and number: four queries."""
    from django.db.models import Prefetch

    from naptrack.plans.models import Action

    recommendations = (
        Recommendation.objects.filter(event__in=Event.objects.public())
        .select_related("event__plan")
        .prefetch_related(
            "organisations",
            Prefetch("actions", queryset=Action.objects.only("pk", "code", "goal__number", "position")),
            Prefetch("follow_ups", queryset=FollowUp.objects.select_related("round").order_by("at", "pk")),
        )
        .order_by("event__date", "event_id", "position")
    )
    rows = []
    for r in recommendations:
        follow_ups = list(r.follow_ups.all())
        latest = follow_ups[-1] if follow_ups else None
        event = r.event
        rows.append(
            {
                "recommendation_id": r.pk,
                "plan": event.plan.slug,
                "event_id": event.pk,
                "event": event.title,
                "event_date": event.date.isoformat(),
                "event_kind": event.kind,
                "event_kind_label": capfirst(str(event.get_kind_display())),
                "number": r.position,
                "text": r.text,
                "organisations": ";".join(o.name for o in r.organisations.all()),
                "lines": ";".join(a.code for a in r.actions.all()),
                "response": r.response,
                "response_label": capfirst(str(r.get_response_display())),
                "reason": r.response_reason,
                "status": r.status,
                "status_label": capfirst(str(r.get_status_display())),
                "latest_follow_up": latest.note if latest else "",
                "latest_follow_up_on": timezone.localdate(latest.at).isoformat() if latest else None,
                "latest_follow_up_round": str(latest.round) if latest and latest.round_id else "",
            }
        )
    return rows


def assessments_file(fmt: str) -> bytes:
    return table_file(
        fmt,
        format_name="naptrack-assessments/1",
        title=_("Assessments"),
        columns=ASSESSMENT_COLUMNS,
        rows=assessment_rows(),
    )


def recommendations_file(fmt: str) -> bytes:
    return table_file(
        fmt,
        format_name="naptrack-recommendations/1",
        title=_("Recommendations"),
        columns=RECOMMENDATION_COLUMNS,
        rows=recommendation_rows(),
    )
