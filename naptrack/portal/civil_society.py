"""Civil society's public record, read for the portal: organisations' published assessments beside
the government's contributions, the expertise network's directory, consultation events with their
recommendations and follow-up.

What is public is decided by civil society's own QuerySets and nowhere else: an assessment through
Assessment.objects.published() (accepted by the coordinator), a listing through
Expert.objects.public() (consent standing), an event through Event.objects.public(). A
recommendation is public with its event. Each read here is a fixed number of queries whatever the
number of rows; the templates and serializers show only what is public of them (never a moderation
note, who moderated, an e-mail address or the invited organisations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Prefetch, Q, QuerySet

from naptrack.civilsociety.models import (
    Assessment,
    AssessmentEvidence,
    Event,
    Expert,
    ExpertiseField,
    FollowUp,
    Recommendation,
)
from naptrack.plans.models import Action, Objective

# The audit actions after which a public page of civil society's may read differently (joined
# into caching.public_actions). The services record the same name for an event or recommendation
# whether public or not: these are rare coordinator actions, so all count, and civil society's
# services need no public variant of their names. Consent and listings are here too, although the
# directory is never cached (views/civil_society.py), because other pages could show the network.
PUBLIC_ACTIONS = (
    "civilsociety.assessment.accepted",
    "civilsociety.event.created",
    "civilsociety.event.updated",
    "civilsociety.event.file_added",
    "civilsociety.recommendation.added",
    "civilsociety.recommendation.responded",
    "civilsociety.recommendation.followed_up",
    "civilsociety.expert.consent_given",
    "civilsociety.expert.consent_withdrawn",
    "civilsociety.expert.updated",
    "civilsociety.expertise_field.added",
    # An organisation renamed: its published assessments name it.
    "civilsociety.organisation.updated",
    "civilsociety.person.erased",
)

DIRECTORY_PAGE_SIZE = 25
RECOMMENDATION_PAGE_SIZE = 25


def _evidence() -> Prefetch:
    return Prefetch(
        "evidence",
        queryset=AssessmentEvidence.objects.only(
            "pk", "assessment_id", "title", "url", "file", "content_type", "size"
        ).order_by("added_at", "pk"),
    )


def published_assessments() -> QuerySet[Assessment]:
    """Accepted assessments with their round, organisation and evidence: two queries."""
    return (
        Assessment.objects.published()
        .select_related("round", "organisation")
        .prefetch_related(_evidence())
        .order_by("-round__year", "-published_at", "organisation__name", "pk")
    )


def line_assessments(action: Action) -> list[Assessment]:
    """The published assessments of a line of action, the latest round first: two queries."""
    return list(published_assessments().filter(action=action))


def objective_assessments(objective: Objective) -> list[Assessment]:
    """The published assessments of an objective as a whole: two queries."""
    return list(published_assessments().filter(objective=objective))


# --- consultation events and recommendations -------------------------------------------------------


def public_events() -> QuerySet[Event]:
    """Public events, the latest first, with what their list shows: two queries."""
    return (
        Event.objects.public()
        .select_related("plan", "organiser")
        .prefetch_related("attending")
        .annotate(n_recommendations=Count("recommendations"))
        .order_by("-date", "pk")
    )


def event_or_none(pk: int) -> Event | None:
    """A public event with everything its page shows (Event.objects.with_detail()): seven
    queries; None for an event that is not public, as for one that does not exist."""
    return Event.objects.public().with_detail().filter(pk=pk).first()


def with_latest(recommendations) -> list[Recommendation]:
    """The recommendations, each with `latest`: its last follow-up, from the prefetched ones
    (oldest first), or None."""
    out = list(recommendations)
    for r in out:
        follow_ups = list(r.follow_ups.all())
        r.latest = follow_ups[-1] if follow_ups else None
    return out


def _recommendations() -> QuerySet[Recommendation]:
    return (
        Recommendation.objects.filter(event__public=True, event__plan__state="adopted")
        .select_related("event__plan")
        .prefetch_related(
            "organisations",
            Prefetch("actions", queryset=Action.objects.select_related("plan").order_by("goal__number", "position")),
            _follow_ups(),
        )
    )


def _follow_ups() -> Prefetch:
    return Prefetch("follow_ups", queryset=FollowUp.objects.select_related("round").order_by("at", "pk"))


def line_recommendations(action: Action) -> list[Recommendation]:
    """Recommendations of public events concerning a line of action, with their event and
    follow-up (the line's page names neither their other lines nor who made them; the event's
    page does): two queries."""
    return with_latest(
        Recommendation.objects.filter(event__public=True, actions=action)
        .select_related("event")
        .prefetch_related(_follow_ups())
        .order_by("-event__date", "event_id", "position")
    )


def events_of(recommendations: list[Recommendation]) -> list[Event]:
    """The events that made these recommendations, each once, in the recommendations' order."""
    seen: dict[int, Event] = {}
    for r in recommendations:
        seen.setdefault(r.event_id, r.event)
    return list(seen.values())


@dataclass
class RecommendationFilter:
    status: str = ""
    line: str = ""

    @classmethod
    def read(cls, params: Any) -> RecommendationFilter:
        status = params.get("status", "")
        line = params.get("line", "").strip()[:20]
        return cls(status if status in Recommendation.Status.values else "", line)

    @property
    def query(self) -> str:
        """The filter as a query string, for the page links."""
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in (("status", self.status), ("line", self.line)) if v})


def recommendations(chosen: RecommendationFilter, page: int) -> Page:
    """A page of the recommendations of public events, the latest event first: five queries (the
    count, the page, its lines, makers and follow-ups)."""
    rows = _recommendations()
    if chosen.status:
        rows = rows.filter(status=chosen.status)
    if chosen.line:
        rows = rows.filter(pk__in=Recommendation.objects.filter(actions__code=chosen.line).values("pk"))
    rows = rows.order_by("-event__date", "event_id", "position")
    return Paginator(rows, RECOMMENDATION_PAGE_SIZE).get_page(page)


# --- the expertise network's directory --------------------------------------------------------------


@dataclass
class DirectoryFilter:
    name: str = ""
    field: int | None = None
    country: str = ""
    language: str = ""

    @classmethod
    def read(cls, params: Any) -> DirectoryFilter:
        from naptrack.core.numbers import whole_number

        country = params.get("country", "").strip().upper()[:2]
        language = params.get("language", "").strip().lower()[:8]
        return cls(
            name=params.get("q", "").strip()[:200],
            field=whole_number(params.get("field", "")),
            country=country if country.isalpha() else "",
            language=language if language.isalpha() else "",
        )

    @property
    def query(self) -> str:
        from urllib.parse import urlencode

        pairs = (("q", self.name), ("field", self.field or ""), ("country", self.country), ("language", self.language))
        return urlencode({k: v for k, v in pairs if v})


def directory(chosen: DirectoryFilter, page: int) -> Page:
    """A page of the public directory (consent standing), by name: three queries (the count, the
    page, its fields of expertise). Countries and languages are JSON lists, matched as their
    quoted code in the list's text, which SQLite and PostgreSQL both do."""
    rows = Expert.objects.public().only(
        "pk",
        "name",
        "organisation_id",
        "languages",
        "countries",
        "summary",
        "consent_at",
        "organisation__name",
        "organisation__country",
    )
    if chosen.name:
        rows = rows.filter(Q(name__icontains=chosen.name) | Q(organisation__name__icontains=chosen.name))
    if chosen.field:
        rows = rows.filter(pk__in=Expert.objects.filter(fields=chosen.field).values("pk"))
    if chosen.country:
        rows = rows.filter(countries__icontains=f'"{chosen.country}"')
    if chosen.language:
        rows = rows.filter(languages__icontains=f'"{chosen.language}"')
    return Paginator(rows.order_by("name", "pk"), DIRECTORY_PAGE_SIZE).get_page(page)


def expertise_fields() -> list[ExpertiseField]:
    return list(ExpertiseField.objects.all())


def directory_choices() -> tuple[list[str], list[str]]:
    """The countries and languages of the public listings, for the directory's filters: what can
    be found, and nothing a listing without consent holds. One query."""
    countries: set[str] = set()
    languages: set[str] = set()
    for listed_countries, listed_languages in (
        Expert.objects.public().prefetch_related(None).values_list("countries", "languages")
    ):
        countries.update(listed_countries or [])
        languages.update(listed_languages or [])
    return sorted(countries), sorted(languages)
