"""A plan's targets in public (naptrack.portal.targets): the coordinator publishing them, the
Targets page, the targets in open data and the public API, on the Belgian plan with targets on
five instruments and the 2012-2015 rounds of tests/targets_data.py."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from naptrack.audit.models import AuditEvent
from naptrack.plans.models import Plan
from naptrack.portal import targets as public_targets
from naptrack.portal.figures import as_text
from naptrack.reporting.progress import progress
from naptrack.reporting.services import round_close
from tests.conftest import BE, logged_in
from tests.portal_data import fill, new_round, publish
from tests.targets_data import EXPECTED, four_rounds, load_targets

pytestmark = pytest.mark.django_db

PAGE = f"/plans/{BE}/targets/"
API = f"/api/v1/public/plans/{BE}/targets/"
CSV = f"/open-data/{BE}/targets.csv"
# Approved, but never public: line 20.b's count in an internal answer of the published 2013 round,
# and in a mid-term review of 2014 that was never published.
INTERNAL_2013 = 9191
UNPUBLISHED_2014 = 4242


@pytest.fixture
def targets(plan, coordinator, be_document):
    load_targets(be_document, coordinator)
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def rounds(targets, coordinator):
    return four_rounds(targets, coordinator)


@pytest.fixture
def published(targets, rounds, coordinator, monkeypatch):
    """The four rounds published, then the targets."""
    out = {year: publish(r, coordinator, monkeypatch) for year, r in sorted(rounds.items())}
    public_targets.plan_targets_publish(actor=coordinator, plan=targets)
    return out


def _statuses(page: str) -> dict[str, str]:
    """The page's status per line (data-status of each target's row)."""
    return dict(re.findall(r'id="target-([^"]+)-\d+" data-status="([^"]+)"', page))


def _csv(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode())))


# --- publishing ----------------------------------------------------------------------------------


def test_nothing_is_public_before_the_coordinator_publishes(targets, rounds, coordinator, anonymous, monkeypatch):
    for year in (2012, 2013, 2014):
        publish(rounds[year], coordinator, monkeypatch)
    for url in (PAGE, API, CSV, f"/open-data/{BE}/targets.json"):
        assert anonymous.get(url).status_code == 404, url
    assert b"targets.csv" not in anonymous.get(f"/open-data/{BE}.zip").content
    assert PAGE.encode() not in anonymous.get(f"/plans/{BE}/").content


def test_the_coordinator_previews_the_page_with_a_banner_and_publishes_it(
    targets, rounds, coordinator, focal_defence, anonymous, monkeypatch
):
    publish(rounds[2012], coordinator, monkeypatch)
    publish(rounds[2013], coordinator, monkeypatch)
    client = logged_in(coordinator)
    page = client.get(PAGE).content.decode()
    assert "Not public yet" in page
    assert f'action="{PAGE}publish/"' in page
    assert _statuses(page)["23.a"] == EXPECTED[("23.a", 2013)]
    assert logged_in(focal_defence).get(PAGE).status_code == 404

    response = client.post(f"{PAGE}publish/", follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "are now public" in response.content.decode()
    assert Plan.objects.get(pk=targets.pk).targets_published_at is not None
    event = AuditEvent.objects.get(action="plans.targets.published")
    assert event.actor == coordinator and event.target_id == str(targets.pk) and event.data == {"targets": 5}
    # Anonymous visitors see it now (the page cache heard of it), and the plan's page links it.
    page = anonymous.get(PAGE).content.decode()
    assert "Not public yet" not in page and "publish/" not in page
    assert PAGE in anonymous.get(f"/plans/{BE}/").content.decode()

    response = client.post(f"{PAGE}withdraw/")
    assert response.status_code == 302
    assert Plan.objects.get(pk=targets.pk).targets_published_at is None
    assert AuditEvent.objects.filter(action="plans.targets.withdrawn").count() == 1
    assert anonymous.get(PAGE).status_code == 404


def test_only_the_coordinator_publishes_or_withdraws(targets, coordinator, focal_defence, reader, anonymous):
    for user in (focal_defence, reader):
        client = logged_in(user)
        assert client.post(f"{PAGE}publish/").status_code == 403
        assert client.post(f"{PAGE}withdraw/").status_code == 403
        with pytest.raises(PermissionDenied):
            public_targets.plan_targets_publish(actor=user, plan=targets)
    assert anonymous.post(f"{PAGE}publish/").status_code == 302  # to the login page
    assert logged_in(coordinator).get(f"{PAGE}publish/").status_code == 405
    assert Plan.objects.get(pk=targets.pk).targets_published_at is None
    assert not AuditEvent.objects.filter(action__startswith="plans.targets.").exists()


def test_publishing_twice_changes_nothing(targets, coordinator):
    first = public_targets.plan_targets_publish(actor=coordinator, plan=targets).targets_published_at
    again = public_targets.plan_targets_publish(actor=coordinator, plan=targets).targets_published_at
    assert first == again
    assert AuditEvent.objects.filter(action="plans.targets.published").count() == 1


# --- the page, open data and the API agree with progress() ---------------------------------------


def test_page_csv_and_api_agree_with_the_expected_statuses_and_with_progress(published, targets, anonymous):
    rows = _csv(anonymous.get(CSV).content)
    for year in (2013, 2014, 2015):
        round_ = published[year]
        computed = {p.target.instrument.action.code: p for p in progress(targets, round_, public_only=True)}
        page = anonymous.get(PAGE, {"round": round_.pk}).content.decode()
        api = anonymous.get(API, {"round": round_.pk}).json()
        assert api["round_id"] == round_.pk
        in_csv = {r["action_code"]: r for r in rows if r["round_id"] == str(round_.pk)}
        assert set(_statuses(page)) == set(computed) == {r["action_code"] for r in api["targets"]} == set(in_csv)
        for code, p in computed.items():
            assert _statuses(page)[code] == p.status, (code, year)
            assert in_csv[code]["status"] == p.status
            assert in_csv[code]["status_rule"] == p.rule
            if (code, year) in EXPECTED:
                assert p.status == EXPECTED[(code, year)], (code, year)
        for row in api["targets"]:
            p = computed[row["action_code"]]
            assert row["status"] == p.status
            assert row["latest_value"] == (None if p.latest is None else as_text(p.latest))
            assert row["latest_year"] == p.latest_year
    # The latest round by default; its rule written beside each status; shares of women in percent.
    page = anonymous.get(PAGE).content.decode()
    assert "Progress up to 2015" in page
    assert "The latest value reaches the target." in page
    assert "10.0% women" in page  # 23.a: 10 women of 100 in 2015
    by_line = {r["action_code"]: r for r in anonymous.get(API).json()["targets"]}
    assert by_line["23.a"]["latest_value"] == "0.1" and by_line["23.a"]["baseline_value"] == "0.05"
    assert by_line["20.b"]["latest_value"] == "160" and by_line["20.b"]["target_value"] == "200"
    assert by_line["16.a"]["milestone"] is None and by_line["16.a"]["direction"] == "down"
    assert by_line["26.a"]["target_text"].startswith("The NAP is adopted")
    # Per objective, the share of targets on track or achieved.
    assert "On track or achieved" in page


def test_shares_on_track_per_objective_match_progress(published, targets, anonymous):
    from naptrack.reporting.progress import shares_on_track

    view = public_targets.at_round(targets, published[2014].pk)
    expected = shares_on_track(progress(targets, published[2014], public_only=True), "objective")
    assert {s.objective.number: (s.on_track, s.total) for s in view.shares} == expected
    page = anonymous.get(PAGE, {"round": published[2014].pk}).content.decode()
    for on, total in expected.values():
        assert f"{on} of {total}" in page


def test_a_figure_approved_in_an_unpublished_round_or_kept_internal_never_shows(
    targets, rounds, coordinator, anonymous, monkeypatch
):
    c = coordinator
    fill(rounds[2013], "20.b", "justice", c, c, visibility="internal", answers={2: {"value": INTERNAL_2013}})
    mid_term = new_round(targets, c, "mid-term", 2014)
    fill(mid_term, "20.b", "justice", c, c, answers={2: {"value": UNPUBLISHED_2014}})
    round_close(actor=c, round=mid_term)
    for year in (2012, 2013, 2014):
        publish(rounds[year], c, monkeypatch)
    public_targets.plan_targets_publish(actor=c, plan=targets)
    # What the coordinator sees is all the approved figures; the public, the published ones.
    internal = {p.target.instrument.action.code: p for p in progress(targets, rounds[2014])}
    assert internal["20.b"].latest == 80 + 70 + UNPUBLISHED_2014
    public = {p.target.instrument.action.code: p for p in progress(targets, rounds[2014], public_only=True)}
    assert public["20.b"].latest == 150 and public["20.b"].status == EXPECTED[("20.b", 2014)]

    urls = [PAGE, API, CSV, f"/open-data/{BE}/targets.json", f"/open-data/{BE}/targets.xlsx", f"/open-data/{BE}.zip"]
    urls += [f"{PAGE}?round={rounds[2013].pk}", f"{API}?round={rounds[2013].pk}", f"/fr{PAGE}"]
    for url in urls:
        response = anonymous.get(url)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8", "replace")
        if response.content[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
                text = "\n".join(archive.read(n).decode("utf-8", "replace") for n in archive.namelist())
        for n in (INTERNAL_2013, UNPUBLISHED_2014):
            for shown in (str(n), f"{n:,}", f"{n:,}".replace(",", "\u202f"), f"{n:,}".replace(",", ".")):
                assert shown not in text, (url, shown)
    assert _statuses(anonymous.get(PAGE).content.decode())["20.b"] == EXPECTED[("20.b", 2014)]
    # The unpublished rounds are no choice on the page nor in the API.
    for round_ in (rounds[2015], mid_term):
        assert anonymous.get(PAGE, {"round": round_.pk}).status_code == 404
        assert anonymous.get(API, {"round": round_.pk}).status_code == 404
        assert f"?round={round_.pk}" not in anonymous.get(PAGE).content.decode()
    assert anonymous.get(PAGE, {"round": "x"}).status_code == 404
    assert anonymous.get(API, {"round": "x"}).status_code == 400


def test_empty_state_before_any_published_round(targets, coordinator, anonymous):
    public_targets.plan_targets_publish(actor=coordinator, plan=targets)
    page = anonymous.get(PAGE).content.decode()
    assert "No reporting round of this plan has been published yet" in page
    assert anonymous.get(API).json() == {"plan": BE, "round_id": None, "rounds": [], "targets": []}
    assert _csv(anonymous.get(CSV).content) == []


# --- open data -----------------------------------------------------------------------------------


def test_open_data_lists_the_targets_with_their_columns_and_the_zip_holds_them(published, targets, anonymous):
    page = anonymous.get("/open-data/").content.decode()
    assert CSV in page and f"/open-data/{BE}/targets.xlsx" in page
    for column in public_targets.COLUMNS:
        assert f"<code>{column.name}</code>" in page
    rows = _csv(anonymous.get(CSV).content)
    assert len(rows) == 4 * 5  # every target at each of the four published rounds
    row = next(r for r in rows if r["action_code"] == "16.a" and r["round_year"] == "2014")
    assert row["instrument_number"] == "1" and row["instrument_kind"] == "share" and row["unit"] == "%"
    assert (row["baseline_year"], row["baseline_value"], row["milestone"]) == ("2012", "50", "40")
    assert (row["target_year"], row["target_value"], row["direction"], row["source"]) == ("2016", "20", "down", "plan")
    assert (row["latest_year"], row["latest_value"], row["status"]) == ("2014", "35", "on-track")
    document = json.loads(anonymous.get(f"/open-data/{BE}/targets.json").content)
    assert document["format"] == "naptrack-targets/1" and document["columns"] == public_targets.NAMES
    assert len(document["rows"]) == 20
    assert anonymous.get(f"/open-data/{BE}/targets.xlsx").content[:4] == b"PK\x03\x04"
    with zipfile.ZipFile(io.BytesIO(anonymous.get(f"/open-data/{BE}.zip").content)) as archive:
        names = archive.namelist()
        assert f"{BE}-open-data/targets.csv" in names and f"{BE}-open-data/targets.json" in names
        assert _csv(archive.read(f"{BE}-open-data/targets.csv")) == rows


def test_cells_of_people_text_are_neutralised(published, targets, anonymous):
    from naptrack.plans.models import Target

    Target.objects.filter(instrument__action__code="26.a").update(text="=HYPERLINK(1)")
    row = next(r for r in _csv(anonymous.get(CSV).content) if r["action_code"] == "26.a")
    assert not row["target_text"].startswith("=")


# --- queries -------------------------------------------------------------------------------------


def test_query_counts_are_pinned(targets, rounds, coordinator, anonymous, monkeypatch, django_assert_num_queries):
    for year in (2012, 2013):
        publish(rounds[year], coordinator, monkeypatch)
    public_targets.plan_targets_publish(actor=coordinator, plan=targets)

    def pinned(counts: dict[str, int]) -> None:
        for url, count in counts.items():
            with django_assert_num_queries(count):
                assert anonymous.get(url).status_code == 200, url

    # The stamp, the plan, its published rounds and progress() (seven: the targets in force then).
    page = {PAGE: 10, f"{PAGE}?round={rounds[2012].pk}": 10, API: 9}  # the API reads no stamp
    pinned(page)
    # The open-data file: progress() once for every published round (progress_rounds), the same
    # queries for two rounds as for four.
    pinned({CSV: 3 + 7})
    for year in (2014, 2015):
        publish(rounds[year], coordinator, monkeypatch)
    pinned(page)
    pinned({CSV: 3 + 7})
