"""The totals of published figures where the public reads them: the objective and country pages,
open data's figures table and the public API, each checked against the totals worked out by hand
in tests/figures_data.py. Amounts in different currencies are never added together anywhere, and
the internal 999 EUR is never public."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import zipfile
from collections import defaultdict
from decimal import Decimal

import pytest

from tests.conftest import BE
from tests.figures_data import EXPECTED, build

pytestmark = pytest.mark.django_db

PLAN = f"/plans/{BE}"
D = Decimal
# EUR and USD added together: in the whole plan (445,000 + 60,000), in 2014 and in 2015.
MIXED = ("505,000", "505000", "350,000", "350000", "155,000", "155000")
CHANNELS = ("bilateral", "multilateral", "civil-society")


@pytest.fixture
def figures(plan, coordinator, monkeypatch):
    return build(plan, coordinator, monkeypatch)


# --- reading the pages' tables ----------------------------------------------------------------------


def _visible(page: str) -> str:
    """The page without its charts' data URIs (whose base64 may hold any digits)."""
    return re.sub(r'src="data:[^"]*"', 'src=""', page)


def _tables(page: str) -> dict[str, list[list[str]]]:
    """The Figures section's tables by their first header after Year, Currency/Unit: each a list
    of rows of cell texts."""
    section = page[page.index('id="figures-title"') :]
    section = section[: section.index("</section>")]
    tables = {}
    for table in re.findall(r"<table.*?</table>", section, flags=re.S):
        heads = [html.unescape(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', table)]
        rows = []
        for tr in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], flags=re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, flags=re.S)
            rows.append([html.unescape(c).strip() for c in cells])
        tables[heads[2]] = [dict(zip(heads, r, strict=True)) for r in rows]
    return tables


def _n(text: str) -> Decimal:
    return D(text.replace(",", "")) if text not in ("\u2013", "-", "") else D(0)


def _money(tables) -> dict[tuple[int, str], dict]:
    return {(int(r["Year"]), r["Currency"]): r for r in tables.get("Amount", [])}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


# --- the portal ---------------------------------------------------------------------------------


def test_objective_pages_give_the_totals_per_year_and_currency(figures, anonymous):
    pages = {n: _page(anonymous, f"{PLAN}/objectives/{n}/") for n in (1, 2)}
    tables = {n: _tables(page) for n, page in pages.items()}
    for n in (1, 2):
        amounts: dict[str, Decimal] = defaultdict(D)
        for (_year, currency), row in _money(tables[n]).items():
            amounts[currency] += _n(row["Amount"])
        assert dict(amounts) == EXPECTED["objectives"][n]
    # The two objectives with money together give the plan's totals per year and currency.
    combined: dict[tuple[int, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(D))
    for n in (1, 2):
        for key, row in _money(tables[n]).items():
            combined[key]["amount"] += _n(row["Amount"])
            combined[key]["marked"] += _n(row["Marked 1 or 2"])
            for channel, label in (("bilateral", "Bilateral"), ("multilateral", "Multilateral")):
                combined[key][channel] += _n(row.get(label, ""))
            combined[key]["civil-society"] += _n(row.get("Civil society", ""))
    for year in (2014, 2015):
        for currency, expected in EXPECTED["money"][year].items():
            got = combined[(year, currency)]
            assert got["amount"] == expected["amount"] and got["marked"] == expected["marked"]
            for channel in CHANNELS:
                assert got[channel] == expected.get(channel, D(0)), (year, currency, channel)
    people = {int(r["Year"]): r for r in tables[2]["Women"]}
    for year, expected in EXPECTED["people"].items():
        row = people[year]
        assert (int(row["Women"]), int(row["Men"]), int(row["Total"])) == (
            expected["women"],
            expected["men"],
            expected["total"],
        )
        assert row["Unit"] == "people trained"
    assert people[2014]["Share of women"] == "35.0%"
    assert [(r["Year"], r["Unit"], r["Count"]) for r in tables[2]["Count"]] == [("2014", "experts", "4")]
    # Charts with their text alternative; countries with figures linked.
    assert 'alt="Bar chart. Objective 2: amounts by year, one panel per currency. EUR: 2014: 100,000' in pages[2]
    assert "Objective 2: women and men by year" in pages[2]
    assert f'href="{PLAN}/countries/af/"' in pages[2]
    for page in pages.values():
        text = _visible(page)
        assert not any(mixed in text for mixed in MIXED)
        assert not re.search(r"\b999\b", text), "the internal amount is not public"


def test_country_pages_give_the_countries_parts(figures, anonymous):
    lines = {"AF": ["6.a", "8.a"], "CD": ["4.a", "6.a", "7.a", "8.a"], "ML": ["6.a", "8.a"]}
    for code, expected in EXPECTED["countries"].items():
        page = _page(anonymous, f"{PLAN}/countries/{code.lower()}/")
        tables = _tables(page)
        amounts: dict[str, Decimal] = defaultdict(D)
        for (_year, currency), row in _money(tables).items():
            amounts[currency] += _n(row["Amount"])
        assert dict(amounts) == {k: v for k, v in expected.items() if k in ("EUR", "USD")}, code
        women = sum(int(r["Women"]) for r in tables["Women"])
        men = sum(int(r["Men"]) for r in tables["Women"])
        assert (women, men) == (expected["women"], expected["men"]), code
        counts = {r["Unit"]: _n(r["Count"]) for r in tables.get("Count", [])}
        assert counts == ({"experts": expected["experts"]} if "experts" in expected else {}), code
        section = page[page.index('id="figure-lines-title"') :].split("</section>")[0]
        assert sorted(re.findall(r'href="[^"]*/lines/([^/]+)/"', section)) == lines[code]
        text = _visible(page)
        assert not any(mixed in text for mixed in MIXED)
        assert not re.search(r"\b999\b", text)
    # Mali's 50,000 USD (2014) and 50,000 EUR (2015) stay two rows, one per currency.
    mali = _money(_tables(_page(anonymous, f"{PLAN}/countries/ml/")))
    assert sorted(mali) == [(2014, "USD"), (2015, "EUR")]
    assert mali[(2015, "EUR")]["Amount"] == "50,000" and mali[(2014, "USD")]["Amount"] == "50,000"
    # The plan page links its focus countries to these pages.
    assert f'href="{PLAN}/countries/' in _page(anonymous, f"{PLAN}/")


def test_numbers_follow_the_page_language(figures, anonymous):
    page = _page(anonymous, f"/fr{PLAN}/objectives/1/")
    assert "200\u202f000" in page and "200,000" not in _visible(page)


def test_no_figures_yet(plan, anonymous):
    assert "No figures reported yet." in _page(anonymous, f"{PLAN}/objectives/1/")
    assert "No figures reported yet." in _page(anonymous, f"{PLAN}/countries/af/")


# --- open data ----------------------------------------------------------------------------------


def _csv(client, url: str = "/open-data/figures.csv") -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_figures_file_sums_to_the_totals(figures, anonymous):
    rows = _csv(anonymous)
    money = [r for r in rows if r["kind"] == "money"]
    assert all(r["currency"] in ("EUR", "USD") for r in money)
    by_year: dict[tuple[str, str], Decimal] = defaultdict(D)
    for r in money:
        if not r["country"]:
            by_year[(r["year"], r["currency"])] += D(r["value"])
    for year in (2014, 2015):
        for currency, expected in EXPECTED["money"][year].items():
            assert by_year[(str(year), currency)] == expected["amount"]
    whole: dict[str, Decimal] = defaultdict(D)
    for (_year, currency), amount in by_year.items():
        whole[currency] += amount
    assert dict(whole) == EXPECTED["money"]["all"]
    for code, expected in EXPECTED["countries"].items():
        parts: dict[str, Decimal] = defaultdict(D)
        for r in money:
            if r["country"] == code:
                parts[r["currency"]] += D(r["value"])
        assert dict(parts) == {k: v for k, v in expected.items() if k in ("EUR", "USD")}
        people = [r for r in rows if r["kind"] == "by-sex" and r["country"] == code]
        assert sum(int(r["women"]) for r in people) == expected["women"]
    marked = [r for r in money if not r["country"] and r["gender_marker"] in ("1", "2")]
    assert sum(D(r["value"]) for r in marked if r["currency"] == "EUR") == D(245000)
    assert {r["plan"] for r in rows} == {BE} and {r["round_kind"] for r in rows} == {"annual"}
    assert not any(r["value"] == "999" for r in rows), "the internal amount is not public"
    text = anonymous.get("/open-data/figures.csv").content.decode()
    assert not any(mixed in text for mixed in MIXED)
    document = json.loads(anonymous.get("/open-data/figures.json").content)
    assert document["format"] == "naptrack-figures/1" and len(document["rows"]) == len(rows)
    xlsx = anonymous.get("/open-data/figures.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert anonymous.get("/open-data/figures.pdf").status_code == 404
    # The plan's archive holds the plan's own figures, the same rows.
    archive = zipfile.ZipFile(io.BytesIO(anonymous.get(f"/open-data/{BE}.zip").content))
    assert archive.read(f"{BE}-open-data/figures.csv") == anonymous.get("/open-data/figures.csv").content


def test_open_data_page_lists_the_figures_with_their_columns(anonymous):
    page = _page(anonymous, "/open-data/")
    assert 'href="/open-data/figures.csv"' in page and "<code>gender_marker</code>" in page
    assert "<code>percentage</code>" in _page(anonymous, "/open-data/dictionary/")


# --- the API ------------------------------------------------------------------------------------


def test_api_figures_rows_and_filters(figures, anonymous):
    url = f"/api/v1/public/plans/{BE}/figures/"
    every = anonymous.get(url, {"page_size": 200}).json()
    assert every["count"] == len(_csv(anonymous))
    got = anonymous.get(url, {"year": 2014, "kind": "money", "country": "af"}).json()["results"]
    assert [(r["action_code"], r["value"], r["currency"], r["gender_marker"]) for r in got] == [
        ("8.a", "60000", "EUR", 2)
    ]
    departments = anonymous.get(url, {"department": "defence", "objective": 2}).json()["results"]
    assert {r["department"] for r in departments} == {"defence"} and len(departments) == 2
    assert not any(r["value"] == "999" for r in every["results"])
    assert anonymous.get(url, {"year": "last"}).status_code == 400
    assert anonymous.get(url, {"kind": "weather"}).status_code == 400
    assert anonymous.get("/api/v1/public/plans/no-such-plan/figures/").status_code == 404


def test_api_figures_pages_cut_through_a_figures_parts_and_add_up_to_the_whole_list(figures, anonymous):
    # Pages are made from each measurement's rows (its whole and its countries' parts) without
    # building the others: small pages, cutting between a whole and its parts, give the same rows.
    url = f"/api/v1/public/plans/{BE}/figures/"
    every = anonymous.get(url, {"page_size": 200}).json()["results"]
    assert any(r["country"] for r in every)
    paged, number = [], 1
    while True:
        body = anonymous.get(url, {"page_size": 3, "page": number}).json()
        paged += body["results"]
        if not body["next"]:
            break
        number += 1
    assert paged == every and body["count"] == len(every)
    parts = anonymous.get(url, {"country": "cd", "page_size": 2}).json()
    assert parts["count"] == sum(r["country"] == "CD" for r in every) and len(parts["results"]) == 2


def test_api_totals_by_every_key(figures, anonymous):
    url = f"/api/v1/public/plans/{BE}/totals/"
    by_year = {g["key"]: g for g in anonymous.get(url).json()["groups"]}
    for year in (2014, 2015):
        money = {m["currency"]: m for m in by_year[str(year)]["money"]}
        assert set(money) == set(EXPECTED["money"][year])
        for currency, expected in EXPECTED["money"][year].items():
            assert D(money[currency]["amount"]) == expected["amount"]
            assert D(money[currency]["marked"]) == expected["marked"]
            for channel in CHANNELS:
                assert D(money[currency]["by_channel"].get(channel, "0")) == expected.get(channel, D(0))
        (people,) = by_year[str(year)]["people"]
        assert (people["women"], people["men"], D(people["total"])) == tuple(
            EXPECTED["people"][year][k] for k in ("women", "men", "total")
        )
    assert by_year["2014"]["counts"] == [{"unit": "experts", "value": "4"}]
    assert isinstance(by_year["2014"]["money"][0]["amount"], str)

    def money(key: str) -> dict[str, dict[str, Decimal]]:
        groups = anonymous.get(url, {"by": key}).json()["groups"]
        return {g["key"]: {m["currency"]: D(m["amount"]) for m in g["money"]} for g in groups}

    countries = money("country")
    for code, expected in EXPECTED["countries"].items():
        assert countries[code] == {k: v for k, v in expected.items() if k in ("EUR", "USD")}
    objectives = money("objective")
    assert objectives["1"] == EXPECTED["objectives"][1] and objectives["2"] == EXPECTED["objectives"][2]
    assert money("department")["foreign-affairs"] == {"EUR": EXPECTED["departments"]["foreign-affairs"]["EUR"]}
    assert money("action")["8.a"] == {"EUR": D(220000), "USD": D(60000)}
    text = anonymous.get(url, {"by": "country"}).content.decode() + anonymous.get(url).content.decode()
    assert not any(mixed in text for mixed in MIXED) and "999" not in text
    assert anonymous.get(url, {"by": "sex"}).status_code == 400


# --- query counts -------------------------------------------------------------------------------

# A plan's figures read the ids of its public contributions first, then their measurements and
# the measurements' countries (portal.figures.of_plan); every plan's (the figures file) in two.
QUERIES = {
    f"{PLAN}/objectives/2/": 10,
    # The tagged contributions' ids and their rounds, one page of one round's contributions with
    # their answers and the answers' countries, the lines, the figures with parts for the country.
    f"{PLAN}/countries/cd/": 11,
    "/open-data/figures.csv": 4,
    # The plan, each measurement's number of rows, then the page's measurements and their countries.
    f"/api/v1/public/plans/{BE}/figures/?page_size=200": 4,
    f"/api/v1/public/plans/{BE}/totals/?by=country": 2,  # the plan, then the sums (portal.figures.summed)
}


def test_query_counts_are_pinned(figures, anonymous, django_assert_num_queries):
    for url, count in QUERIES.items():
        with django_assert_num_queries(count):
            assert anonymous.get(url).status_code == 200, url
