"""Targets from a plan's indicator annex in a spreadsheet (naptrack.plans.importing.targets):
baseline, target, target year, milestone and direction columns in English, French or Dutch, read
by what each instrument asks for; a cell that cannot be read, or that the plan file refuses, is a
check naming its row. The plan's XLSX export carries its targets back."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from naptrack import cli
from naptrack.plans import exports
from naptrack.plans.importing import import_plan_document
from naptrack.plans.importing.targets import drop_misfits, number_of
from naptrack.plans.models import Milestone, Plan, Target
from naptrack.plans.services import plan_load
from tests.conftest import BE
from tests.targets_data import load_targets, with_targets

pytestmark = pytest.mark.django_db

DEPARTMENTS = [
    {"code": "defence", "name": "Defence", "parent": None},
    {"code": "justice", "name": "Justice", "parent": None},
]


def instruments(document: dict) -> dict[str, list[dict]]:
    return {a["code"]: a["instruments"] for o in document["objectives"] for g in o["goals"] for a in g["actions"]}


def english_annex(path: Path) -> None:
    """More target columns than the matrix's own: the header row is still the header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Annex"
    ws.append(
        ["No.", "Goal", "Line of action", "Monitoring instruments", "Kind", "Baseline", "Baseline year", "Target",
         "Target year", "2014", "Milestone 2015", "Direction", "Departments"]
    )  # fmt: skip
    ws.append(["OBJECTIVE 1. Participation"])
    ws.merge_cells("A2:M2")
    ws.append(
        ["1.a", "Women take part.", "Deploy women.", "Women deployed.\nGuide published.", "by sex\nyes/no",
         "5 %\n-", 2012, "30 %\nThe guide is published.", 2016, "10 %\n-", "20 %\n-", "up\n-", "Defence"]
    )  # fmt: skip
    ws.append(
        ["1.b", None, "Close the gap.", "Share of men among staff.", "%", "50", None, "20", None, None, None,
         "down", "Justice"]
    )  # fmt: skip
    ws.merge_cells("B3:B4")
    # "40 %" typed in Excel: 0.4 shown as a percentage.
    ws["J4"].value, ws["J4"].number_format = 0.4, "0%"
    wb.save(path)


def test_english_columns_give_baselines_targets_milestones_and_directions_that_load(coordinator, tmp_path):
    path = tmp_path / "annex.xlsx"
    english_annex(path)
    document, checks = import_plan_document(
        path,
        slug="nap-2013",
        title="NAP",
        known_departments=DEPARTMENTS,
        country="BE",
        period=(2013, 2016),
        languages=["en"],
    )
    assert not [c for c in checks if "not used" in c.message or "not a" in c.message], checks
    women, guide = instruments(document)["1.a"]
    assert women == {
        "text": "Women deployed.",
        "kind": "quantitative",
        "by_sex": True,
        "baseline": {"year": 2012, "share_of_women": 0.05},
        "target": {"year": 2016, "share_of_women": 0.3},
        "milestones": [{"year": 2014, "share_of_women": 0.1}, {"year": 2015, "share_of_women": 0.2}],
        "direction": "up",
    }
    assert guide == {
        "text": "Guide published.",
        "kind": "yes-no",
        "target": {"year": 2016, "text": "The guide is published."},
    }
    (share,) = instruments(document)["1.b"]
    # No baseline year: the year before the plan starts; no target year: the plan's last.
    assert {k: share[k] for k in ("baseline", "target", "milestones", "direction")} == {
        "baseline": {"year": 2012, "value": 50},
        "target": {"year": 2016, "value": 20},
        "milestones": [{"year": 2014, "value": 40}],
        "direction": "down",
    }

    plan_load(actor=coordinator, document=document)
    target = Target.objects.get(
        instrument__action__plan__slug="nap-2013", instrument__action__code="1.a", instrument__position=1
    )
    assert (target.baseline_year, target.baseline_value, target.year, target.value) == (
        2012, Decimal("0.05"), 2016, Decimal("0.3")
    )  # fmt: skip
    assert list(Milestone.objects.filter(target=target).order_by("year").values_list("year", "value")) == [
        (2014, Decimal("0.1")),
        (2015, Decimal("0.2")),
    ]
    text = Target.objects.get(
        instrument__action__plan__slug="nap-2013", instrument__action__code="1.a", instrument__position=2
    )
    assert (text.year, text.text, text.value) == (2016, "The guide is published.", None)
    assert (
        Target.objects.get(instrument__action__plan__slug="nap-2013", instrument__action__code="1.b").direction
        == "down"
    )


def test_french_columns_with_decimal_commas_and_years_in_the_cells(tmp_path):
    path = tmp_path / "pan.csv"
    path.write_text(
        "N°;But;Ligne d'action;Indicateurs;Type de réponse;Situation de référence;Cible;Année cible;Jalon 2019;Sens;"
        "Responsables\n"
        "1.a;Participer.;Déployer des femmes.;Femmes déployées.;par sexe;4,5 % (2015);30 %;2020;10 %;hausse;Défense\n"
        "1.b;;Financer.;Budget alloué.;montant;1 234,5;2.000.000;;1 500 000 €;à la hausse;Justice\n"
        "1.c;;Réduire.;Plaintes classées sans suite.;nombre;120;80;;;baisse;Justice\n",
        encoding="utf-8",
    )
    document, checks = import_plan_document(
        path, slug="pan", title="PAN", country="BE", period=(2017, 2021),
        known_departments=[{"code": "defence", "name": "Défense", "parent": None},
                           {"code": "justice", "name": "Justice", "parent": None}],
    )  # fmt: skip
    assert not [c for c in checks if "not used" in c.message or "not a" in c.message], checks
    by_code = instruments(document)
    assert by_code["1.a"][0] == {
        "text": "Femmes déployées.",
        "kind": "quantitative",
        "by_sex": True,
        "baseline": {"year": 2015, "share_of_women": 0.045},
        "target": {"year": 2020, "share_of_women": 0.3},
        "milestones": [{"year": 2019, "share_of_women": 0.1}],
        "direction": "up",
    }
    assert by_code["1.b"][0]["baseline"] == {"year": 2016, "value": 1234.5}
    assert by_code["1.b"][0]["target"] == {"year": 2021, "value": 2000000}
    assert by_code["1.b"][0]["milestones"] == [{"year": 2019, "value": 1500000}]
    assert by_code["1.c"][0]["direction"] == "down" and by_code["1.c"][0]["kind"] == "count"


def test_dutch_columns_where_doel_is_the_target_beside_the_goal_column(tmp_path):
    path = tmp_path / "nap.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.append(
        ["Nr.", "Operationele doelstelling", "Actie", "Indicator", "Soort", "Nulmeting", "Doel", "Streefjaar",
         "Mijlpaal 2019", "Richting", "Verantwoordelijke"]
    )  # fmt: skip
    ws.append(
        ["1.a", "Klachten behandelen.", "Klachten opvolgen.", "Aantal klachten.", "aantal", "120 (2018)", 80, 2021,
         100, "dalend", "Justitie"]
    )  # fmt: skip
    ws.append(
        ["1.b", None, "Wet maken.", "Wet aangenomen.", "tekst", None, "De wet is aangenomen.", 2020, None, None,
         "Justitie"]
    )  # fmt: skip
    ws.append(
        ["1.c", None, "Vrouwen aanwerven.", "Vrouwen aangeworven.", "per geslacht", "0,25", "0,4", None, "35%",
         "stijgend", "Justitie"]
    )  # fmt: skip
    wb.save(path)
    document, checks = import_plan_document(
        path, slug="nap", title="NAP", country="NL", period=(2018, 2022), languages=["nl"],
        known_departments=[{"code": "justice", "name": "Justitie", "parent": None}],
    )  # fmt: skip
    assert not [c for c in checks if "not used" in c.message or "not a" in c.message], checks
    by_code = instruments(document)
    assert {k: by_code["1.a"][0][k] for k in ("baseline", "target", "milestones", "direction")} == {
        "baseline": {"year": 2018, "value": 120},
        "target": {"year": 2021, "value": 80},
        "milestones": [{"year": 2019, "value": 100}],
        "direction": "down",
    }
    assert by_code["1.b"][0]["target"] == {"year": 2020, "text": "De wet is aangenomen."}
    assert "direction" not in by_code["1.b"][0] and "baseline" not in by_code["1.b"][0]
    # Shares of women as fractions or as percentages.
    assert by_code["1.c"][0]["baseline"] == {"year": 2017, "share_of_women": 0.25}
    assert by_code["1.c"][0]["target"] == {"year": 2022, "share_of_women": 0.4}
    assert by_code["1.c"][0]["milestones"] == [{"year": 2019, "share_of_women": 0.35}]
    assert by_code["1.c"][0]["direction"] == "up"


def test_cells_that_cannot_be_read_or_do_not_fit_are_left_out_and_named_by_row(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "No.,Line of action,Monitoring instruments,Kind,Baseline,Target,Target year,Milestone 2018,Direction,"
        "Departments\n"
        "1.a,Train.,Trainings given.,count,10,many,,,sideways,Defence\n"  # row 2
        "1.b,Adopt.,Law adopted.,text,5,The law is adopted.,soon,,,Defence\n"  # row 3
        "1.c,Recruit.,Women recruited.,by sex,20 %,40 %,2016,30 %,,Defence\n"  # row 4
        '1.d,Fund.,Projects funded.,count,"5\n6",12,,,,Defence\n'  # row 5
        "1.e,Deploy.,Women deployed.,by sex,,150 %,,,,Defence\n",  # row 6
        encoding="utf-8",
    )
    document, checks = import_plan_document(
        path,
        slug="plan",
        title="Plan",
        known_departments=DEPARTMENTS,
        country="BE",
        period=(2015, 2019),
        languages=["en"],
    )
    said = [str(c) for c in checks]
    by_code = instruments(document)

    def said_of(row: int, *words: str) -> bool:
        return any(s.startswith(f"plan.csv, row {row}: ") and all(w in s for w in words) for s in said)

    # Not a number: the target is left out, and with it the baseline it needs; the direction is not a word.
    assert said_of(2, "line 1.a", "'many' is not a number")
    assert said_of(2, "'sideways' is not a direction")
    assert said_of(2, "line 1.a, instrument 1: not used", "given only with a target")
    assert not {"baseline", "target", "direction"} & set(by_code["1.a"][0])
    # A text instrument: its figures do not fit, its target year is not a year (the plan's last is taken).
    assert said_of(3, "'soon' is not a year")
    assert said_of(3, "line 1.b, instrument 1: not used", "with no figures")
    assert by_code["1.b"][0]["target"] == {"year": 2019, "text": "The law is adopted."}
    assert "baseline" not in by_code["1.b"][0]
    # A milestone after the target's year is left out; the rest stays.
    assert said_of(4, "line 1.c, instrument 1: not used", "comes after the target's year")
    assert by_code["1.c"][0]["target"] == {"year": 2016, "share_of_women": 0.4}
    assert "milestones" not in by_code["1.c"][0]
    # Two baselines for one instrument.
    assert said_of(5, "the baseline cell has 2 lines for 1 instruments")
    assert "baseline" not in by_code["1.d"][0] and by_code["1.d"][0]["target"] == {"year": 2019, "value": 12}
    # A share of women above all.
    assert said_of(6, "line 1.e, instrument 1: not used")
    assert "target" not in by_code["1.e"][0]


@pytest.mark.parametrize(
    ("cell", "read"),
    [
        ("4,5", (Decimal("4.5"), False)),
        ("4.5", (Decimal("4.5"), False)),
        ("30 %", (Decimal("30"), True)),
        ("1 234,5", (Decimal("1234.5"), False)),
        ("1.234.567", (Decimal("1234567"), False)),
        ("1,234.5", (Decimal("1234.5"), False)),
        ("1.234,5", (Decimal("1234.5"), False)),
        ("€ 1 000", (Decimal("1000"), False)),
        ("-2", (Decimal("-2"), False)),
        ("many", None),
        ("1,2,3", None),
        ("1e400", None),
        ("1" * 13, None),
    ],
)
def test_numbers_are_read_with_comma_or_point_decimals(cell, read):
    assert number_of(cell) == read


def test_the_xlsx_export_of_a_plan_with_targets_comes_back_with_them(plan, coordinator, be_document, capsys, tmp_path):
    load_targets(be_document, coordinator)
    path = tmp_path / "be.xlsx"
    assert cli.main(["plan", "export", BE, "--format", "xlsx", "-o", str(path)]) == 0
    assert cli.main(["plan", "import", str(path), "--slug", "be-copy", "--title", plan.title]) == 0, capsys.readouterr()
    original = exports.plan_document(Plan.objects.get(slug=BE))
    copy_ = exports.plan_document(Plan.objects.get(slug="be-copy"))
    assert {**copy_, "slug": BE} == original
    assert Target.objects.filter(instrument__action__plan__slug="be-copy").count() == 5
    assert instruments(copy_)["23.a"][0]["milestones"] == [{"year": 2014, "share_of_women": 0.07}]


def test_a_target_from_the_plan_data_that_no_longer_fits_its_instrument_is_left_out_and_said(be_document):
    # The matrix's kind column made 26.a's text instrument a count: its text target does not fit.
    document = with_targets(be_document)
    instrument = instruments(document)["26.a"][0]
    instrument["kind"] = "count"
    checks = drop_misfits(document, {}, elsewhere="naptrack-plan")
    assert [(c.location, c.message) for c in checks] == [
        ("naptrack-plan", "line 26.a, instrument 1: not used: give its value"),
        ("naptrack-plan", "line 26.a, instrument 1: not used: a text target is for a text or yes/no instrument"),
    ]
    assert "target" not in instrument
    assert instruments(document)["16.a"][0]["target"] == {"year": 2016, "value": 20}
