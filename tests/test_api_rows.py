"""The API lists whose rows are written out (api/rows.py) write what DRF's field-by-field walk
writes, key by key, in order and as JSON, in every language and time zone: the rounds at every
state of a round's life, public and with their counts, the plans, and the contributions with
their figures of every kind and their countries' parts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from naptrack.api import serializers as s
from naptrack.api import serializers_contributions as sc
from naptrack.api.public import PublicContributionSerializer, PublicRoundSerializer, public_round_rows
from naptrack.api.public_figures import PublicFigureSerializer
from naptrack.plans.models import Plan
from naptrack.portal import figures
from naptrack.reporting import services as reporting
from naptrack.reporting.models import Contribution, Round
from tests import figures_data
from tests.portal_data import new_round, publish


@pytest.fixture
def rounds(plan, coordinator, monkeypatch):
    """A published mid-term round, an open annual one and a draft baseline, on the real plan."""
    published = publish(new_round(plan, coordinator, Round.Kind.MID_TERM, 2014), coordinator, monkeypatch)
    new_round(plan, coordinator, Round.Kind.ANNUAL, 2015)
    reporting.round_create(
        actor=coordinator, plan=plan, kind=Round.Kind.BASELINE, year=2012, deadline=dt.date(2013, 3, 1)
    )
    Round.objects.filter(pk=published.pk).update(intro="Un *bilan* à mi-parcours.")
    return Round.objects.order_by("pk")


def same(serializer, instances) -> None:
    assert instances, "nothing was compared"
    for instance in instances:
        written, walked = serializer.row(instance), serializer.walked(instance)
        assert written == walked
        assert list(written) == list(walked) == list(serializer.fields)
        # True == 1 and Decimal("1.0000") == 1: the JSON tells them apart.
        assert JSONRenderer().render(written) == JSONRenderer().render(walked)


def test_written_contributions_are_what_drf_writes(plan, coordinator, monkeypatch):
    r2014, r2015 = figures_data.build(plan, coordinator, monkeypatch)
    contributions = list(Contribution.objects.filter(round__in=[r2014, r2015]).with_detail().order_by("pk"))
    measured = [m for c in contributions for m in c.measurements.all()]
    # Every kind of figure is compared: amounts, people by sex, counts, their countries' parts.
    assert {m.instrument.kind for m in measured} >= {"money", "quantitative", "count"}
    assert any(m.countries.all() for m in measured) and any(m.value is not None for m in measured)
    assert any(m.derived for m in measured)
    with timezone.override("America/Bogota"):
        same(sc.ContributionSerializer(), contributions)
        same(PublicContributionSerializer(), contributions)
        same(sc.MeasurementSerializer(), measured)
        same(sc.CountryFigureSerializer(), [f for m in measured for f in m.countries.all()])


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_written_figures_are_what_drf_writes(plan, coordinator, monkeypatch, lang):
    figures_data.build(plan, coordinator, monkeypatch)
    with translation.override(lang):
        rows = [figures.record(f, decimals=figures.as_text) for f in figures.of_plan(plan).items]
        # Every kind of row: amounts with a channel, people by sex, shares, countries' parts.
        assert {r["kind"] for r in rows} >= {"money", "by-sex", "count"}
        assert any(r["country"] for r in rows) and any(r["channel"] for r in rows)
        assert any(r["unit"] for r in rows) and any(r["value"] is not None for r in rows)
        same(PublicFigureSerializer(), rows)
        # The API's pages read their measurements' columns only (totals.measurements_listed): the
        # same records as the whole list's, cut anywhere.
        pages = figures.FigurePages(plan)
        assert [figures.record(f, decimals=figures.as_text) for f in pages[0 : len(pages)]] == rows
        assert [figures.record(f, decimals=figures.as_text) for f in pages[3:9]] == rows[3:9]


@pytest.mark.parametrize("lang", ["en", "fr", "nl", "de"])
@pytest.mark.parametrize("zone", ["Europe/Brussels", "UTC", "America/Bogota"])
def test_written_rows_are_what_drf_writes(rounds, plan, lang, zone):
    with translation.override(lang), timezone.override(zone):
        same(s.RoundSerializer(), list(s.with_plan_slug(rounds.with_counts())))
        public = public_round_rows().filter(pk__in=rounds)
        same(PublicRoundSerializer(), list(public))
        same(s.PlanSummarySerializer(), list(Plan.objects.all()))


def test_the_rows_are_not_all_empty(rounds):
    # A comparison of two empty rows would pass whatever the rows wrote.
    with timezone.override("UTC"):
        row = s.RoundSerializer().row(s.with_plan_slug(rounds.with_counts()).get(state=Round.State.PUBLISHED))
    assert row["published_at"].endswith("Z") and row["opened_at"] and row["closed_at"]
    assert row["intro"] == "Un *bilan* à mi-parcours."
    assert row["counts"]["total"] == Contribution.objects.filter(round_id=row["id"]).count() > 0
    with translation.override("fr"):
        labels = [PublicRoundSerializer().row(r)["label"] for r in public_round_rows().filter(pk__in=rounds)]
    assert labels == ["Évaluation à mi-parcours 2014"]


def test_the_public_rounds_read_their_rows_in_one_query(rounds, anonymous):
    with CaptureQueriesContext(connection) as queries:
        body = anonymous.get("/api/v1/public/rounds/").json()
    assert [r["kind"] for r in body["results"]] == ["mid-term"]
    assert body["results"][0]["intro"] == "Un *bilan* à mi-parcours."
    assert len(queries) == 2  # the count and the page: the intro's deferred columns loaded with it
