"""Department workbooks with every kind of answer and figures by country: amounts of money, shares,
yes/no answers and counts on the sheet of contributions, and the sheet "Figures by country" that
breaks an instrument's figures down by country, exported, filled in and imported back.

The kinds are set here on Defence's lines of the bundled plan, whatever the plan says of them:
16.a's two instruments are amounts of money, 7.c's a share, a yes/no and a count of trainings;
23.a stays a count of people by sex.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from naptrack.jobs.services import job_run
from naptrack.plans.models import Instrument
from naptrack.reporting import workbook
from naptrack.reporting.models import CountryFigure, Measurement
from naptrack.reporting.services.workbooks import WorkbookInvalid
from tests.conftest import contribution_of
from tests.job_results import job_of, keep_jobs_queued
from tests.test_workbook import Sheet, download_url, errors_of, export, run_import, upload


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path


@pytest.fixture
def kinds(plan):
    def kind(code: str, position: int, value: str, unit: str = "") -> None:
        Instrument.objects.filter(action__code=code, position=position).update(kind=value, by_sex=False, unit=unit)

    kind("16.a", 1, "money")
    kind("16.a", 2, "money")
    kind("7.c", 1, "share")
    kind("7.c", 2, "yes-no")
    kind("7.c", 3, "count", "trainings")
    Instrument.objects.filter(action__code="23.a", position=1).update(kind="quantitative", by_sex=True)


class Countries:
    """The sheet "Figures by country": its rows found by line code, instrument number and country."""

    def __init__(self, sheet: Sheet):
        self.ws = sheet.book[workbook.BY_COUNTRY]
        headers = {str(header): key for key, header in workbook._country_columns()}
        self.columns = {headers[c.value]: c.column for c in self.ws[1] if c.value in headers}

    def rows(self, code: str, number: int) -> list[int]:
        return [
            r for r in range(2, self.ws.max_row + 1) if (self.get(r, "code"), self.get(r, "number")) == (code, number)
        ]

    def get(self, r: int, key: str):
        return self.ws.cell(r, self.columns[key]).value

    def row_of(self, code: str, number: int, country: str | None) -> int:
        return next(r for r in self.rows(code, number) if self.get(r, "country") == country)

    def put(self, code: str, number: int, country: str, **figures) -> int:
        """Fill the instrument's empty row, or add one at the bottom."""
        empty = [r for r in self.rows(code, number) if self.get(r, "country") is None]
        r = empty[0] if empty else self.ws.max_row + 1
        for key, value in {"code": code, "number": number, "country": country, **figures}.items():
            self.ws.cell(r, self.columns[key]).value = value
        return r

    def clear(self, r: int) -> None:
        for key in ("country", "women", "men", "other", "value", "numerator", "denominator"):
            self.ws.cell(r, self.columns[key]).value = None


def figures_of(round_, code: str, position: int = 1) -> Measurement:
    return Measurement.objects.get(contribution=contribution_of(round_, code, "defence"), instrument__position=position)


def by_country(m: Measurement) -> dict[str, dict]:
    return {
        f.country: {k: getattr(f, k) for k in ("women", "men", "other", "value", "numerator", "denominator")}
        for f in m.countries.all()
    }


def filled(round_, actor) -> Sheet:
    sheet = Sheet(export(actor, round_))
    sheet.set("16.a", "currency", "EUR", 1).set("16.a", "marker", 2, 1).set("16.a", "channel", "bilateral", 1)
    sheet.set("16.a", "note", "=SUM(A1) is a budget line, not a formula", 1)
    sheet.set("16.a", "value", 1500.5, 2).set("16.a", "currency", "usd", 2).set("16.a", "channel", "multilateral", 2)
    sheet.set("7.c", "numerator", 12, 1).set("7.c", "denominator", 40, 1)
    sheet.set("7.c", "yes", "yes", 2).set("7.c", "text", "Adopted in March.", 2)
    sheet.set("7.c", "value", 7, 3)
    sheet.set("23.a", "women", 10).set("23.a", "men", 12)
    countries = Countries(sheet)
    countries.put("16.a", 1, "AF", value=1000)
    countries.put("16.a", 1, "cd", value="250.25")
    countries.put("7.c", 1, "ML", numerator=5, denominator=10)
    countries.put("23.a", 1, "AF", women=3, men=4)
    return sheet


# --- the exported workbook ---------------------------------------------------------------------------


def test_export_opens_the_columns_of_each_kind_and_offers_their_lists(open_round, focal_defence, kinds):
    sheet = Sheet(export(focal_defence, open_round))
    for key in ("value", "currency", "marker", "channel", "note"):
        assert not sheet.cell("16.a", key).protection.locked, key
    for key in ("women", "unit", "numerator", "yes", "text"):
        assert sheet.cell("16.a", key).protection.locked, key
    assert not sheet.cell("7.c", "numerator", 1).protection.locked
    assert not sheet.cell("7.c", "yes", 2).protection.locked and not sheet.cell("7.c", "text", 2).protection.locked
    assert sheet.cell("7.c", "value", 2).protection.locked
    assert sheet.cell("23.a", "currency").protection.locked
    assert sheet.get("7.c", "kind", 3) == "count: trainings" and sheet.get("7.c", "number", 3) == 3
    validations = {str(v.sqref): v for v in sheet.ws.data_validations.dataValidation}
    by_column = {
        key: validations[f"{sheet.letter(key)}2:{sheet.letter(key)}47"]
        for key in ("currency", "marker", "channel", "yes")
    }
    assert by_column["marker"].formula1 == '"0,1,2"'
    lists = sheet.book[workbook.LISTS]
    assert lists["E2"].value == "EUR" and "USD" in [c.value for c in lists["E"]]
    assert [lists[f"F{r}"].value for r in range(2, 6)] == ["bilateral", "multilateral", "civil society", "other"]
    assert [lists[f"H{r}"].value for r in range(2, 5)] == ["AF", "CD", "ML"]  # the focus countries first
    countries = Countries(sheet)
    # One empty row to fill in per instrument with figures; none for a yes/no or a text.
    assert countries.rows("16.a", 1) and countries.rows("7.c", 1) and countries.rows("23.a", 1)
    assert not countries.rows("7.c", 2)
    country_validations = {str(v.sqref).split(":")[0]: v for v in countries.ws.data_validations.dataValidation}
    assert country_validations[f"{get_letter(countries, 'country')}2"].formula1.startswith("=Lists!$H$2")
    text = "\n".join(str(c.value) for c in sheet.book["Instructions"]["A"] if c.value)
    assert "Figures by country" in text and "replace all its figures by country" in text


def get_letter(countries: Countries, key: str) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(countries.columns[key])


# --- round trip -----------------------------------------------------------------------------------


def test_round_trip_of_money_shares_yes_no_counts_and_figures_by_country(open_round, focal_defence, kinds):
    result = run_import(filled(open_round, focal_defence).data(), focal_defence, open_round)
    assert result.counts["new"] == 6 and result.saved == 3

    money = figures_of(open_round, "16.a", 1)
    assert (money.value, money.currency, money.marker, money.channel) == (Decimal("1250.25"), "EUR", 2, "bilateral")
    assert money.derived == ["value"] and money.note == "=SUM(A1) is a budget line, not a formula"
    assert by_country(money) == {
        "AF": {
            "women": None,
            "men": None,
            "other": None,
            "value": Decimal("1000"),
            "numerator": None,
            "denominator": None,
        },
        "CD": {
            "women": None,
            "men": None,
            "other": None,
            "value": Decimal("250.25"),
            "numerator": None,
            "denominator": None,
        },
    }
    dollars = figures_of(open_round, "16.a", 2)
    assert (dollars.value, dollars.currency, dollars.marker, dollars.channel) == (
        Decimal("1500.5"),
        "USD",
        None,
        "multilateral",
    )
    share = figures_of(open_round, "7.c", 1)
    assert (share.numerator, share.denominator, share.value) == (Decimal("12"), Decimal("40"), Decimal("30"))
    assert by_country(share)["ML"]["numerator"] == Decimal("5")
    yes = figures_of(open_round, "7.c", 2)
    assert (yes.yes, yes.text) == (True, "Adopted in March.")
    assert figures_of(open_round, "7.c", 3).value == Decimal("7")
    people = figures_of(open_round, "23.a")
    assert (people.women, people.men, by_country(people)["AF"]["women"], by_country(people)["AF"]["men"]) == (
        10,
        12,
        3,
        4,
    )
    # The breakdowns' countries tag their contributions.
    assert contribution_of(open_round, "16.a", "defence").countries == ["AF", "CD"]

    # Exported again: the rows by country are there, the note is text, and nothing reads as changed.
    again = Sheet(export(focal_defence, open_round))
    countries = Countries(again)
    assert [countries.get(r, "country") for r in countries.rows("16.a", 1)] == ["AF", "CD", None]
    assert again.get("16.a", "value", 1) == 1250.25 and again.get("7.c", "yes", 2) == "yes"
    assert again.cell("16.a", "note", 1).data_type == "s"
    assert again.get("7.c", "value", 1) == 30
    outcome = run_import(again.data(), focal_defence, open_round)
    assert outcome.counts["unchanged"] == len(outcome.rows) and outcome.saved == 0

    # A changed breakdown replaces the instrument's rows, and its derived total follows; another
    # instrument whose rows are left alone keeps its own.
    countries.clear(countries.row_of("16.a", 1, "CD"))
    countries.put("16.a", 1, "ML", value=5)
    outcome = run_import(again.data(), focal_defence, open_round)
    assert [(r.code, r.outcome) for r in outcome.rows if r.outcome != "unchanged"] == [("16.a", "changed")]
    money = figures_of(open_round, "16.a", 1)
    assert set(by_country(money)) == {"AF", "ML"} and money.value == Decimal("1005")
    assert set(by_country(figures_of(open_round, "23.a"))) == {"AF"}
    assert set(by_country(figures_of(open_round, "7.c", 1))) == {"ML"}


# --- errors -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    ["unknown country", "above the total", "numerator above denominator", "unknown currency", "marker"],
)
def test_an_error_names_its_sheet_and_cell_and_nothing_is_written(open_round, focal_defence, kinds, case):
    sheet = Sheet(export(focal_defence, open_round))
    sheet.set("6.d", "status", "completed")  # valid, yet not written
    countries = Countries(sheet)
    letters = {key: get_letter(countries, key) for key in countries.columns}
    if case == "unknown country":
        r = countries.put("23.a", 1, "ZZ", women=3)
        expected = f"Figures by country!{letters['country']}{r} (Country): Unknown country code ZZ."
    elif case == "above the total":
        sheet.set("16.a", "value", 100, 2)
        r = countries.put("16.a", 2, "AF", value=150)
        expected = (
            f"Figures by country!{r}: The countries add up to 150 for the total, more than the total given (100)."
        )
    elif case == "numerator above denominator":
        r = countries.put("7.c", 1, "AF", numerator=12, denominator=10)
        expected = (
            f"Figures by country!{letters['numerator']}{r} (Numerator): "
            "The numerator (12) is larger than the denominator (10)."
        )
    elif case == "unknown currency":
        sheet.set("16.a", "value", 10, 1).set("16.a", "currency", "XYZ", 1)
        expected = f"Contributions!{sheet.letter('currency')}{sheet.row_of('16.a')} (Currency): Unknown currency XYZ"
    else:
        sheet.set("16.a", "value", 10, 1).set("16.a", "marker", 3, 1)
        expected = f"Contributions!{sheet.letter('marker')}{sheet.row_of('16.a')} (Gender marker): The gender equality"
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    assert [e for e in errors_of(excinfo) if e.startswith(expected)], errors_of(excinfo)
    assert len(excinfo.value.errors) == 1
    assert contribution_of(open_round, "6.d", "defence").version == 1
    assert not CountryFigure.objects.exists() and not Measurement.objects.exclude(currency="").exists()


def test_a_country_row_for_an_instrument_the_workbook_does_not_have_is_an_error(open_round, focal_defence, kinds):
    sheet = Sheet(export(focal_defence, open_round))
    countries = Countries(sheet)
    r = countries.put("16.a", 9, "AF", value=3)
    s = countries.put("7.c", 2, "AF", value=3)  # a yes/no: nothing to break down
    with pytest.raises(WorkbookInvalid) as excinfo:
        run_import(sheet.data(), focal_defence, open_round)
    assert [(e.sheet, e.row) for e in excinfo.value.errors] == [(workbook.BY_COUNTRY, r), (workbook.BY_COUNTRY, s)]
    assert "no instrument 9 in line 16.a" in errors_of(excinfo)[0]


# --- queries ----------------------------------------------------------------------------------------


def test_download_preview_and_confirm_queries_do_not_grow_with_the_figures_by_country(
    open_round, focal_defence, focal_defence_client, kinds, django_assert_num_queries, settings
):
    with django_assert_num_queries(10):
        assert focal_defence_client.get(download_url(open_round)).status_code == 200
    few = Sheet(export(focal_defence, open_round))
    Countries(few).put("16.a", 1, "AF", value=1)
    many = filled(open_round, focal_defence)
    for code in ("BE", "FR", "SY", "NL"):
        Countries(many).put("16.a", 2, code, value=1)
    few_url = upload(focal_defence_client, open_round, few.data())["Location"]
    many_url = upload(focal_defence_client, open_round, many.data())["Location"]
    with django_assert_num_queries(10):
        focal_defence_client.get(few_url)
    with django_assert_num_queries(10):
        focal_defence_client.get(many_url)
    keep_jobs_queued(settings)
    job = job_of(focal_defence_client.post(few_url, {"confirm": "1"}))
    # The job: one contribution saved through the service (lock, history, audit) and its row by country.
    # The job marked done in the import's own transaction adds a savepoint, an update, a release.
    with django_assert_num_queries(33):
        assert job_run(job.pk).state == "succeeded"
    assert by_country(figures_of(open_round, "16.a", 1))["AF"]["value"] == Decimal("1")
    run_import(many.data(), focal_defence, open_round)
    # Exported with its rows by country, the workbook costs the same queries.
    with django_assert_num_queries(10):
        assert focal_defence_client.get(download_url(open_round)).status_code == 200
