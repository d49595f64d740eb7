"""The public portal on the real Belgian plan with rounds published through the services: the state
of implementation on the home page, published contributions on the pages of lines, departments and
focus countries, comparison over time, search, open data, the public API, caching and what each
page costs in SQL queries."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections import Counter

import pytest
import yaml
from django.db import connection
from openpyxl import load_workbook

from naptrack.plans.models import Action, Instrument
from naptrack.portal import queries
from naptrack.portal.caching import pages
from naptrack.portal.models import SearchDocument
from naptrack.portal.opendata import COLUMNS
from naptrack.publications import content
from naptrack.reporting.models import Contribution

from .conftest import BE, logged_in
from .portal_data import (
    DEFENCE_2014,
    FA_2012,
    FA_2014,
    JUSTICE_2014,
    SYNTHESIS_21,
    annual_2014,
    baseline_2012,
    fill,
    new_round,
    publish,
)

pytestmark = pytest.mark.django_db
PLAN = f"/plans/{BE}"


@pytest.fixture
def rounds(plan, coordinator, focal_defence, focal_justice, monkeypatch):
    """The 2012 baseline and the 2014 annual round, both published."""
    baseline = baseline_2012(plan, coordinator, monkeypatch)
    annual = annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch)
    return baseline, annual


@pytest.fixture
def by_sex(plan) -> Instrument:
    """Line 21's instrument 2: men and women amongst diplomats, consuls, ... (by sex)."""
    return Instrument.objects.get(action__plan=plan, action__code="21", position=2)


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def more_rounds(plan, coordinator, monkeypatch) -> None:
    """Three more published rounds, with figures and country tags."""
    for kind, year in (("annual", 2013), ("annual", 2015), ("final", 2016)):
        round_ = new_round(plan, coordinator, kind, year)
        fill(round_, "21", "defence", coordinator, coordinator, countries=["AF"], answers={2: {"women": 1, "men": 2}})
        fill(round_, "1.a", "justice", coordinator, coordinator, narrative=f"Justice in {year}.")
        publish(round_, coordinator, monkeypatch)


# --- home: the state of implementation -----------------------------------------------------------


def test_home_shows_the_state_of_implementation_of_the_latest_published_round(rounds, anonymous):
    html = page(anonymous, "/")
    assert "State of implementation" in html
    assert "From the Annual report 2014" in html, "the latest round, not the baseline"
    assert "5 of the 195 expected reports of the departments are published" in html
    # The chart, with its text alternative, and its numbers in a table.
    assert '<img src="data:image/svg+xml;base64,' in html
    assert "Objective 4: 2 in progress, 1 continuous, 27 no report received" in html
    assert f'<th scope="row"><a href="{PLAN}/objectives/4/">Objective 4</a></th>' in html
    assert '1 <span class="share">(3.3%)</span>' in html, "1 of 30 continuous in objective 4"
    # Completeness by department: Defence reported on 21, 23.a and 16.a of its 37 lines.
    defence = html.split(f'href="{PLAN}/departments/defence/">Defence</a></th>', 1)[1]
    cells = [cell.split("</td>")[0] for cell in defence.split('<td class="text-end">')[1:7]]
    assert cells[:5] == ["37", "3", "0", "34", "8.1%"]
    # The focus countries lead to their pages.
    assert f'href="{PLAN}/countries/af/">Afghanistan</a>' in html


def test_home_counts_agree_with_the_report_to_parliament(rounds, plan):
    from naptrack.plans.models import Objective

    _baseline, annual = rounds
    summary = queries.implementation(plan, list(Objective.objects.filter(plan=plan).with_tree()))
    report = content.build(content.load(annual, draft=False), "en").summary
    assert [row.counts for row in summary.objectives] == [
        {k: v for k, v in row.counts.items() if v} for row in report.by_objective
    ]
    assert (summary.expected, summary.published) == (report.expected, report.received)


def test_home_before_any_published_round_says_so(plan, anonymous, coordinator, focal_defence, focal_justice):
    annual_2014(plan, coordinator, focal_defence, focal_justice, publish_it=False)
    html = page(anonymous, "/")
    assert "No reporting round of this plan has been published yet" in html
    assert FA_2014 not in page(anonymous, f"{PLAN}/lines/21/")


# --- a line of action, a department, a country ---------------------------------------------------


def test_line_page_adds_its_published_contributions_per_round(rounds, anonymous):
    html = page(anonymous, f"{PLAN}/lines/21/")
    assert html.index("Annual report 2014") < html.index("Baseline 2012"), "newest round first"
    assert FA_2014 in html and FA_2012 in html
    assert SYNTHESIS_21 in html
    assert "No published report from: Development Cooperation, Federal Police" in html
    assert f'href="{PLAN}/countries/af/">Afghanistan</a>' in html
    assert "30 women, 40 men, 0 other or not recorded; total 70 (42.9% women)" in html


def test_line_page_charts_figures_by_sex_over_the_rounds_with_a_table(rounds, anonymous, by_sex):
    html = page(anonymous, f"{PLAN}/lines/21/")
    series = html.split('id="series-title"', 1)[1]
    assert (
        'alt="Bar chart. Line of action 21, instrument 2: women and men, by year. '
        "Defence: 2012 (baseline): 9 women, 91 men; 2014: 12 women, 88 men. "
        'Foreign Affairs: 2012 (baseline): 20 women, 50 men; 2014: 30 women, 40 men."' in series
    )
    rows = [row.split("</tr>")[0] for row in series.split("<tr>")[2:]]
    cells = [[c.split("<")[0].strip() for c in row.split('class="text-end">')[1:]] for row in rows]
    assert cells == [
        ["9", "91", "\u2013", "100", "9.0%"],
        ["20", "50", "\u2013", "70", "28.6%"],
        ["12", "88", "\u2013", "100", "12.0%"],
        ["30", "40", "0", "70", "42.9%"],
    ]
    assert f'href="{PLAN}/compare/?instrument={by_sex.pk}"' in series


def test_line_page_tables_values_of_instruments_not_by_sex(rounds, anonymous):
    html = page(anonymous, f"{PLAN}/lines/16.a/")
    series = html.split('id="series-title"', 1)[1]
    assert "<img" not in series, "no chart for a ratio"
    assert '<td class="text-end">0.25</td>' in series and "<td>ratio</td>" in series


def test_department_page_adds_its_published_contributions(rounds, anonymous):
    html = page(anonymous, f"{PLAN}/departments/defence/")
    published = html.split('id="published-title"', 1)[1]
    assert DEFENCE_2014 in published
    for code in ("21", "23.a", "16.a"):
        assert f'href="{PLAN}/lines/{code}/">Line of action {code}</a>' in published
    assert JUSTICE_2014 not in html and FA_2014 not in html
    assert JUSTICE_2014 in page(anonymous, f"{PLAN}/departments/justice/")
    assert "No report of this department has been published yet." in page(anonymous, f"{PLAN}/departments/interior/")


def test_department_page_shows_one_round_at_a_time_paged_with_links_to_the_others(rounds, anonymous, monkeypatch):
    from naptrack.portal.views import common

    baseline, annual = rounds
    url = f"{PLAN}/departments/foreign-affairs/"
    newest = page(anonymous, url)
    assert FA_2014 in newest and FA_2012 not in newest
    assert f'href="?round={baseline.pk}#published-title"' in newest
    older = page(anonymous, f"{url}?round={baseline.pk}")
    assert FA_2012 in older and FA_2014 not in older
    # Defence's three reports of 2014, two a page: the second page holds the third.
    monkeypatch.setattr(common, "ROUND_PAGE", 2)
    pages.clear()
    first = page(anonymous, f"{PLAN}/departments/defence/")
    second = page(anonymous, f"{PLAN}/departments/defence/?round={annual.pk}&page=2")
    shown = [re.findall(r'href="[^"]*/lines/([^/]+)/">Line of action', html) for html in (first, second)]
    assert len(shown[0]) == 2 and len(shown[1]) == 1 and not set(shown[0]) & set(shown[1])
    assert f'href="?round={annual.pk}&amp;page=2"' in first


def test_country_pages_gather_what_is_tagged_with_the_country(rounds, anonymous):
    afghanistan = page(anonymous, f"{PLAN}/countries/af/")
    assert "<h1>Afghanistan</h1>" in afghanistan and "is a focus country of the plan" in afghanistan
    assert FA_2014 in afghanistan and DEFENCE_2014 not in afghanistan
    assert f'href="{PLAN}/lines/21/">21</a>' in afghanistan
    assert DEFENCE_2014 in page(anonymous, f"{PLAN}/countries/ml/")
    assert JUSTICE_2014 in page(anonymous, f"{PLAN}/countries/CD/")
    page(anonymous, f"{PLAN}/countries/fr/", status=404)  # neither a focus country nor tagged
    page(anonymous, f"{PLAN}/countries/zz/", status=404)


def test_a_country_tagged_outside_the_focus_countries_has_its_page(plan, coordinator, monkeypatch, anonymous):
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "35", "development", coordinator, coordinator, narrative="Burundi partners.", countries=["BI"])
    publish(round_, coordinator, monkeypatch)
    assert "Burundi partners." in page(anonymous, f"{PLAN}/countries/bi/")


def test_country_page_lists_the_lines_that_name_the_country(plan, be_document, anonymous):
    from naptrack.plans.services import plan_load

    document = json.loads(json.dumps(be_document))
    goal = document["objectives"][0]["goals"][0]
    goal["actions"][0]["text"] += " In particular in Mali."
    goal["actions"][1]["text"] += " Procedures normalised."
    plan_load(actor="tests", document=document)
    html = page(anonymous, f"{PLAN}/countries/ml/")
    lines = html.split('id="lines-title"', 1)[1].split("</section>")[0]
    assert f'href="{PLAN}/lines/1.a/">1.a</a>' in lines
    assert f'href="{PLAN}/lines/1.b/"' not in lines


def test_focus_country_without_published_report_says_so(plan, anonymous):
    html = page(anonymous, f"/fr{PLAN}/countries/ml/")
    assert '<html lang="fr">' in html and "Mali" in html


# --- comparison over time ------------------------------------------------------------------------


def test_comparison_shows_every_published_round_side_by_side(rounds, anonymous, by_sex):
    html = page(anonymous, f"{PLAN}/compare/?instrument={by_sex.pk}")
    assert f'<option value="{by_sex.pk}" selected>' in html
    table = html.split('class="table table-sm compare-table"', 1)[1].split("</table>")[0]
    assert '<th scope="col">Baseline 2012</th><th scope="col">Annual report 2014</th>' in table
    defence = table.split("Defence</th>", 1)[1].split("</tr>")[0]
    assert "9 women, 91 men; total 100 (9.0% women)" in defence
    assert "12 women, 88 men; total 100 (12.0% women)" in defence
    assert 'alt="Bar chart. Line of action 21, instrument 2' in html


def test_comparison_of_a_qualitative_instrument_and_of_an_unknown_one(rounds, anonymous, plan):
    instrument = Instrument.objects.get(action__plan=plan, action__code="1.a", position=1)
    html = page(anonymous, f"{PLAN}/compare/?instrument={instrument.pk}")
    assert "Periodic report submitted to CEDAW." in html
    html = page(anonymous, f"{PLAN}/compare/?instrument=999999")
    assert 'aria-invalid="true" aria-describedby="compare-instrument-error"' in html
    assert html.count("<option value=") == 1 + Instrument.objects.filter(action__plan=plan).count()


# --- search --------------------------------------------------------------------------------------


def search(client, query: str, **filters) -> str:
    params = "&".join(f"{k}={v}" for k, v in {"q": query, **filters}.items())
    return page(client, f"{PLAN}/search/?{params}")


def test_search_finds_plan_text_and_published_contributions_with_marked_snippets(rounds, anonymous):
    html = search(anonymous, "diplomats")
    assert "3 results" in html
    assert "trained seventy <mark>diplomats</mark> on resolution 1325" in html
    assert f'href="{PLAN}/lines/21/#contribution-' in html
    assert f'<a class="fw-semibold" href="{PLAN}/lines/21/">Line of action 21</a>' in html
    # A word also finds longer words that start with it; every word must occur.
    assert "<mark>diplomats</mark>" in search(anonymous, "diplomat")
    assert 'class="h4">1 result</h2>' in search(anonymous, "diplomats Kabul")


def test_search_filters_by_objective_department_country_and_round(rounds, anonymous):
    baseline, annual = rounds
    assert FA_2012 not in search(anonymous, "diplomats", round=annual.pk)
    assert FA_2014 not in search(anonymous, "diplomats", round=baseline.pk)
    assert 'class="h4">1 result</h2>' in search(anonymous, "diplomats", country="AF")
    html = search(anonymous, "advisers", department="defence")
    assert "gender <mark>advisers</mark>" in html and "Line of action 23.a: Defence" in html
    assert "No result" in search(anonymous, "advisers", department="justice")
    assert "No result" in search(anonymous, "diplomats", objective=1)
    assert "3 results" in search(anonymous, "diplomats", objective=4)
    # Units are found under their department.
    assert "Line of action 13.b" in search(anonymous, "accommodating", department="interior")


def test_search_pages_through_many_results(rounds, anonymous):
    first = search(anonymous, "women")
    assert "results, 1 to 20 shown" in first
    assert 'rel="next" href="?q=women&amp;page=2"' in first
    second = search(anonymous, "women", page=2)
    assert "results, 21 to 40 shown" in second and 'rel="prev"' in second
    # What was asked travels in the links as it was typed.
    assert 'href="?q=women+%26&amp;page=2"' in search(anonymous, "women+%26")


def test_search_shows_what_departments_wrote_as_text_never_as_markup(plan, coordinator, monkeypatch, anonymous):
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "1.a", "foreign-affairs", coordinator, coordinator, narrative="Kandahar &lt;script&gt;alert(1)")
    publish(round_, coordinator, monkeypatch)
    html = search(anonymous, "Kandahar")
    assert "<mark>Kandahar</mark>" in html and "alert(1)" in html
    assert "<script>" not in html
    if connection.vendor == "sqlite":  # PostgreSQL's headline leaves out what looks like a tag
        assert "<mark>Kandahar</mark> &lt;script&gt;alert(1)" in html


def test_search_in_french_and_on_an_empty_query(rounds, anonymous):
    html = page(anonymous, f"/fr{PLAN}/search/?q=diplomats")
    assert '<html lang="fr">' in html and "<mark>diplomats</mark>" in html
    assert 'href="/fr/plans/be-nap-2013-2016/lines/21/' in html
    html = search(anonymous, "%2B%2B%2B")
    assert "Type one or more words" in html
    assert "/search/" in page(anonymous, "/search/?q=diplomats") and "3 results" in page(
        anonymous, "/search/?q=diplomats"
    )


def test_the_search_index_follows_the_plan_when_it_is_loaded_again(plan, be_document, anonymous):
    from naptrack.plans.services import plan_load

    document = json.loads(json.dumps(be_document))
    document["objectives"][0]["goals"][0]["actions"][0]["text"] += " Quasiquadrangular."
    plan_load(actor="tests", document=document)
    assert "Line of action 1.a" in search(anonymous, "quasiquadrangular")
    assert SearchDocument.objects.filter(plan=plan, lang="nl").count() == 6 + 37 + 102


def test_the_search_index_is_rebuilt_on_demand_for_older_databases(rounds, plan, anonymous):
    from django.core.management import call_command

    SearchDocument.objects.all().delete()
    assert "No result" in search(anonymous, "diplomats")
    out = io.StringIO()
    call_command("search_reindex", stdout=out)
    # One document per object and interface language (English, French, Dutch, German).
    assert out.getvalue() == f"{BE}: {4 * (6 + 37 + 102 + 5 + 2)} documents\n"
    assert "3 results" in search(anonymous, "diplomats")


# --- open data -----------------------------------------------------------------------------------


def _csv(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


def expected_rows(round_) -> int:
    """One row per published contribution and instrument of its line; one for a line without."""
    instruments = Counter(Instrument.objects.filter(action__plan=round_.plan).values_list("action_id", flat=True))
    published = Contribution.objects.public().filter(round=round_).values_list("action_id", flat=True)
    return sum(max(1, instruments[action_id]) for action_id in published)


def test_round_csv_has_one_row_per_contribution_and_instrument_with_codes_and_labels(rounds, anonymous):
    _baseline, annual = rounds
    response = anonymous.get(f"/open-data/{BE}/annual-2014.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{BE}-annual-2014-en.csv"'
    rows = _csv(response.content)
    assert len(rows) == expected_rows(annual)
    fa = next(
        r
        for r in rows
        if r["action_code"] == "21" and r["department_code"] == "foreign-affairs" and r["instrument_number"] == "2"
    )
    assert fa["status"] == "continuous" and fa["status_label"] == "continuous"
    assert fa["round_kind"] == "annual" and fa["round_kind_label"] == "Annual report" and fa["round_year"] == "2014"
    assert fa["objective_number"] == "4" and fa["department_name"] == "Foreign Affairs"
    assert (fa["women"], fa["men"], fa["other"], fa["total"], fa["share_of_women"]) == (
        "30",
        "40",
        "0",
        "70",
        "0.428571",
    )
    assert fa["by_sex"] == "true" and fa["instrument_kind"] == "quantitative"
    assert fa["countries"] == "AF" and fa["country_names"] == "Afghanistan"
    assert fa["narrative"] == FA_2014
    ratio = next(r for r in rows if r["action_code"] == "16.a" and r["instrument_number"] == "1")
    assert (ratio["value"], ratio["unit"], ratio["women"]) == ("0.25", "ratio", "")
    assert list(rows[0]) == [column.name for column in COLUMNS]


def test_round_json_and_xlsx_hold_the_same_rows(rounds, anonymous):
    _baseline, annual = rounds
    document = json.loads(anonymous.get(f"/open-data/{BE}/annual-2014.json").content)
    assert document["format"] == "naptrack-round-data/1" and document["licence"]["id"] == "CC-BY-4.0"
    assert document["round"] == {
        "id": annual.pk,
        "kind": "annual",
        "year": 2014,
        "label": "Annual report 2014",
        "published": annual.published_at.date().isoformat(),
    }
    rows = document["rows"]
    assert len(rows) == expected_rows(annual)
    fa = next(
        r
        for r in rows
        if r["action_code"] == "21" and r["department_code"] == "foreign-affairs" and r["instrument_number"] == 2
    )
    assert (fa["women"], fa["men"], fa["total"], fa["by_sex"]) == (30, 40, 70, True)

    workbook = load_workbook(io.BytesIO(anonymous.get(f"/open-data/{BE}/annual-2014.xlsx").content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == document["columns"]
    assert sheet.max_row - 1 == len(rows)
    values = [dict(zip(header, [c.value for c in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    assert any(v["narrative"] == FA_2014 and v["women"] == 30 for v in values)
    assert workbook.worksheets[1]["A2"].value == "plan", "the dictionary travels with the data"


def test_open_data_labels_follow_the_language_of_the_address(rounds, anonymous):
    english = _csv(anonymous.get(f"/open-data/{BE}/annual-2014.csv").content)
    french = _csv(anonymous.get(f"/fr/open-data/{BE}/annual-2014.csv").content)
    assert [(r["status"], r["action_code"]) for r in english] == [(r["status"], r["action_code"]) for r in french]
    assert english[0].keys() == french[0].keys()


def test_zip_holds_the_plan_every_published_round_the_dictionary_and_the_licence(rounds, anonymous):
    response = anonymous.get(f"/open-data/{BE}.zip")
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    folder = f"{BE}-open-data"
    names = set(archive.namelist())
    expected = {"LICENCE.txt", "README.txt", "dictionary.csv", "plan.json", "plan.csv", "plan.xlsx"}
    expected |= {"figures.csv", "figures.json"}
    for stem in ("baseline-2012", "annual-2014"):
        expected |= {f"rounds/{stem}.{fmt}" for fmt in ("csv", "xlsx", "json")}
    assert names == {f"{folder}/{name}" for name in expected}
    assert json.loads(archive.read(f"{folder}/plan.json"))["format"] == "naptrack-plan/1"
    assert "CC BY 4.0" in archive.read(f"{folder}/LICENCE.txt").decode()
    baseline = _csv(archive.read(f"{folder}/rounds/baseline-2012.csv"))
    assert {r["narrative"] for r in baseline} >= {FA_2012}
    assert archive.read(f"{folder}/rounds/annual-2014.csv") == anonymous.get(f"/open-data/{BE}/annual-2014.csv").content


def test_open_data_page_links_every_file_and_the_dictionary_and_licence(rounds, anonymous):
    html = page(anonymous, "/open-data/")
    for url in (
        f"/open-data/{BE}.zip",
        f"/open-data/{BE}/annual-2014.csv",
        f"/open-data/{BE}/annual-2014.xlsx",
        f"/open-data/{BE}/baseline-2012.json",
        f"{PLAN}/export.json",
        "/open-data/dictionary/",
        "/open-data/licence/",
        "/api/v1/public/rounds/",
    ):
        assert f'href="{url}"' in html, url
    assert 'rel="license"' in html
    dictionary = page(anonymous, "/open-data/dictionary/")
    for name in ("round_kind_label", "share_of_women", "department_code", "instrument_kind"):
        assert f"<code>{name}</code>" in dictionary
    assert _csv(anonymous.get("/open-data/dictionary.csv").content)[0]["column"] == "plan"
    licence = page(anonymous, "/open-data/licence/")
    assert "Creative Commons Attribution 4.0 International (CC BY 4.0)" in licence
    assert 'href="https://creativecommons.org/licenses/by/4.0/legalcode"' in licence


def test_no_open_data_for_unknown_or_unpublished_rounds(rounds, anonymous, plan, coordinator):
    new_round(plan, coordinator, "annual", 2015)
    for url in (f"/open-data/{BE}/annual-2015.csv", f"/open-data/{BE}/annual-2014.pdf", f"/open-data/{BE}/x.csv"):
        page(anonymous, url, status=404)


# --- the public API ------------------------------------------------------------------------------


def test_public_api_serves_published_rounds_and_contributions_without_login(rounds, anonymous, plan, coordinator):
    baseline, annual = rounds
    hidden = new_round(plan, coordinator, "annual", 2015)
    listing = anonymous.get("/api/v1/public/rounds/").json()
    assert [r["id"] for r in listing["results"]] == [annual.pk, baseline.pk]
    assert listing["results"][0]["label"] == "Annual report 2014"
    assert anonymous.get(f"/api/v1/public/rounds/{hidden.pk}/").status_code == 404
    assert anonymous.get(f"/api/v1/public/rounds/{hidden.pk}/contributions/").status_code == 404
    body = anonymous.get(f"/api/v1/public/rounds/{annual.pk}/contributions/?action=21").json()
    fa = next(c for c in body["results"] if c["department"] == "foreign-affairs")
    assert fa["narrative"] == FA_2014 and fa["countries"] == ["AF"]
    answer = next(m for m in fa["measurements"] if m["women"] is not None)
    assert (answer["women"], answer["men"], answer["total"]) == (30, 40, 70)
    assert set(fa) == {
        "id",
        "round",
        "action",
        "department",
        "status",
        "narrative",
        "countries",
        "measurements",
        "correction_note",
        "corrected_at",
    }
    assert (fa["correction_note"], fa["corrected_at"]) == ("", None)
    assert body["count"] == 2


def test_public_api_is_documented_as_open(plan, anonymous):
    paths = yaml.safe_load(anonymous.get("/api/v1/schema/").content)["paths"]
    for path in ("/api/v1/public/rounds/", "/api/v1/public/rounds/{id}/", "/api/v1/public/rounds/{id}/contributions/"):
        assert {} in paths[path]["get"]["security"], path
        assert "404" in paths[path]["get"]["responses"]


def test_public_api_query_counts_are_pinned(
    rounds, anonymous, plan, coordinator, monkeypatch, django_assert_num_queries
):
    _baseline, annual = rounds
    urls = {
        "/api/v1/public/rounds/": 2,
        f"/api/v1/public/rounds/{annual.pk}/": 1,
        # the round, count, page, their answers and the answers' figures by country
        f"/api/v1/public/rounds/{annual.pk}/contributions/": 5,
    }
    for url, count in urls.items():
        with django_assert_num_queries(count):
            assert anonymous.get(url).status_code == 200
    more_rounds(plan, coordinator, monkeypatch)
    for url, count in urls.items():
        with django_assert_num_queries(count):
            assert anonymous.get(url).status_code == 200


# --- queries and caching -------------------------------------------------------------------------

# Rendered afresh (the per-process cache emptied), with the two rounds published. Each count
# includes the one query of the public stamp. Objectives and lines read civil society's published
# assessments (one query; their evidence, one more, only when there are some) and lines the
# recommendations of consultations on them (likewise): tests/test_civil_society_portal.py pins
# them with rows. Lines, departments and countries read their contributions' answers' figures by
# country (one query). Objectives and countries read their published figures (three queries,
# the contributions' ids first: tests/test_figures_portal.py). A country page reads the tagged
# contributions' ids and the rounds they are in, then shows one round's, paged (a department
# page likewise with its own contributions); the open data
# page one plan's rounds among the plans listed by pages (a count and a page).
PAGES = [
    # The plan's page and the home page add the share of women in the round's figures (1).
    ("/", 13),
    (f"{PLAN}/", 12),  # with its published evaluations (1)
    (f"{PLAN}/objectives/4/", 10),
    (f"{PLAN}/lines/21/", 15),  # its lineage (1), its changes by amendment (1), its published rounds (1)
    (f"{PLAN}/departments/defence/", 11),  # its contributions' ids and rounds, then one round's page
    (f"{PLAN}/countries/af/", 9),  # no figure for it: their measurements not read
    (f"{PLAN}/compare/", 3),
    (f"{PLAN}/compare/?instrument=BY_SEX", 5),
    (f"{PLAN}/search/", 5),
    (f"{PLAN}/search/?q=diplomats", 7),
    (f"{PLAN}/search/?q=diplomats&department=defence&country=AF&objective=4", 7),
    ("/open-data/", 4),
    ("/open-data/dictionary/", 1),
    ("/open-data/licence/", 1),
    (f"/open-data/{BE}/annual-2014.csv", 9),  # the lines and departments read once, not per row
    (f"/open-data/{BE}/annual-2014.xlsx", 9),
    (f"/open-data/{BE}/annual-2014.json", 9),
    # The plan's JSON and XLSX each read its translation states; 3 for figures; 1 for evaluations.
    (f"/open-data/{BE}.zip", 35),
    (f"/fr{PLAN}/lines/21/", 15),
]


def _get(client, url: str, by_sex: Instrument):
    response = client.get(url.replace("BY_SEX", str(by_sex.pk)))
    assert response.status_code == 200, url
    return response


def test_page_query_counts_are_pinned_and_do_not_grow_with_more_rounds(
    rounds, anonymous, by_sex, plan, coordinator, monkeypatch
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts() -> list[tuple[str, int]]:
        measured = []
        for url, _count in PAGES:
            pages.clear()
            with CaptureQueriesContext(connection) as captured:
                _get(anonymous, url, by_sex)
            measured.append((url, len(captured)))
        return measured

    assert counts() == PAGES
    more_rounds(plan, coordinator, monkeypatch)
    assert counts() == PAGES
    assert "Justice in 2016." in _get(anonymous, f"{PLAN}/lines/1.a/", by_sex).content.decode()


def test_a_page_seen_before_costs_one_query_and_a_known_etag_gets_304(rounds, anonymous, django_assert_num_queries):
    first = anonymous.get(f"{PLAN}/lines/21/")
    assert first["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in first["Vary"]
    etag = first["ETag"]
    with django_assert_num_queries(1):
        again = anonymous.get(f"{PLAN}/lines/21/")
    assert again.content == first.content and again["ETag"] == etag
    with django_assert_num_queries(1):
        not_modified = anonymous.get(f"{PLAN}/lines/21/", HTTP_IF_NONE_MATCH=etag)
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert anonymous.get(f"/fr{PLAN}/lines/21/")["ETag"] != etag, "one copy per language"


def test_between_two_reads_of_the_stamp_a_seen_page_or_a_304_needs_no_query(
    rounds, anonymous, settings, plan, coordinator, monkeypatch, django_assert_num_queries
):
    settings.NAPTRACK_PUBLIC_STAMP_SECONDS = 60
    first = anonymous.get(f"{PLAN}/lines/1.a/")
    with django_assert_num_queries(0):
        assert anonymous.get(f"{PLAN}/lines/1.a/").content == first.content
        assert anonymous.get(f"{PLAN}/lines/1.a/", HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # Publishing in this process shows at once; other processes read the stamp again within 60 s.
    round_ = new_round(plan, coordinator, "annual", 2015)
    fill(round_, "1.a", "justice", coordinator, coordinator, narrative="Justice reported again in 2015.")
    publish(round_, coordinator, monkeypatch)
    assert "Justice reported again in 2015." in page(anonymous, f"{PLAN}/lines/1.a/")


@pytest.mark.django_db
def test_the_public_stamp_names_the_newest_public_event_whatever_came_after_it(coordinator):
    from naptrack.audit.services import audit_record
    from naptrack.portal.caching import public_actions, public_stamp

    SearchDocument.objects.all().delete()
    assert public_stamp().endswith(":0")
    published = audit_record(actor=coordinator, action="reporting.round.published")
    older = audit_record(actor=coordinator, action=public_actions()[0])
    # Work that is not public, after it, leaves the stamp where it was.
    for action in ("reporting.contribution.submitted", "reporting.contribution.approved", "accounts.user.created"):
        audit_record(actor=coordinator, action=action)
    # Its id and time (written as the database gives it: SQLite without the time zone).
    assert public_stamp().startswith(f"{older.pk}:{older.occurred_at:%Y-%m-%d %H:%M:%S}")
    # The stamp is the newest of every public action's newest, not of the first action asked.
    published_again = audit_record(actor=coordinator, action="reporting.round.published")
    assert published.pk < older.pk < published_again.pk
    assert public_stamp().startswith(f"{published_again.pk}:")


def test_publishing_a_round_changes_the_etag_and_the_page(rounds, anonymous, plan, coordinator, monkeypatch):
    before = anonymous.get(f"{PLAN}/lines/1.a/")
    round_ = new_round(plan, coordinator, "annual", 2015)
    fill(round_, "1.a", "justice", coordinator, coordinator, narrative="Justice reported again in 2015.")
    publish(round_, coordinator, monkeypatch)
    after = anonymous.get(f"{PLAN}/lines/1.a/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "Justice reported again in 2015." in after.content.decode()


def test_editing_the_plan_in_the_admin_changes_the_etag(rounds, anonymous, coordinator, plan):
    from naptrack.plans.services import plan_content_saved

    before = anonymous.get(f"{PLAN}/lines/14.a/")
    line = Action.objects.get(plan=plan, code="14.a")
    line.text_en = "A corrected line of action."
    plan_content_saved(actor=coordinator, obj=line, changed=["text_en"], created=False)
    after = anonymous.get(f"{PLAN}/lines/14.a/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "A corrected line of action." in after.content.decode()


def test_logged_in_people_get_fresh_private_pages(rounds, coordinator, django_assert_num_queries):
    client = logged_in(coordinator)
    first = client.get(f"{PLAN}/lines/21/")
    assert "ETag" not in first and first["Cache-Control"] == "private, no-store"
    assert "Log out (coordinator)" in first.content.decode()
    assert client.get(f"{PLAN}/lines/21/", HTTP_IF_NONE_MATCH='"anything"').status_code == 200
