"""Plans from spreadsheets: `naptrack plan import FILE.xlsx|FILE.csv` and the upload in the browser.

Columns are found by their headers in English, French or Dutch, in any order; merged cells and
blank cells under a value inherit it; instruments are split at line breaks, departments at line
breaks, semicolons and commas. The Belgian plan exported as a workbook comes back equal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from naptrack import cli
from naptrack.plans import exports
from naptrack.plans.importing import DocumentImportError, import_plan_document
from naptrack.plans.importing.model import DEPARTMENT_UNMATCHED, STRUCTURE
from naptrack.plans.models import Action, Department, Plan
from tests.conftest import BE

pytestmark = pytest.mark.django_db

FRENCH_DEPARTMENTS = [
    {"code": "defence", "name": "Défense", "parent": None},
    {"code": "justice", "name": "Justice", "parent": None},
    {"code": "foreign-affairs", "name": "Affaires étrangères", "parent": None},
    {"code": "development", "name": "Coopération au développement", "parent": None},
]


def french_plan_xlsx(path: Path) -> None:
    """A French matrix: its columns in an order of its own, objectives as rows across the table,
    goal cells merged over their lines, a line over two rows, a departments cell merged over two lines."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Matrice"
    ws.append(["Plan d'action national « Femmes, paix et sécurité » 2017-2021"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["Indicateurs", "Ligne d'action", "N°", "Départements responsables", "But"])
    ws.append(["Objectif 1 : Prévenir les violences"])
    ws.merge_cells("A4:E4")
    ws.append(
        [
            "Nombre de formations dispensées, par sexe.\nGuide publié.",
            "Former le personnel à la dimension de genre.",
            "1.a",
            "Défense\nJustice",
            "Intégrer le genre dans la formation.",
        ]
    )
    ws.append(["Modules revus.", None, None, None, None])  # 1.a goes on
    ws.append(
        [
            "Campagne menée.",
            "Sensibiliser le public.",
            "1.b",
            "Affaires étrangères; Coopération au développement (coordination)",
            None,
        ]
    )
    ws.merge_cells("E5:E7")
    ws.append(["Objectif 2 : Participation"])
    ws.merge_cells("A8:E8")
    ws.append(
        [
            "Part des femmes dans les délégations (%).",
            "Accroître la part des femmes dans les délégations.",
            "2.a",
            "Affaires étrangères",
            "Augmenter la participation des femmes.",
        ]
    )
    ws.append(
        [
            "Nombre de femmes nommées. Données ventilées par grade.\nRapport publié.",
            "Nommer des femmes médiatrices.",
            "2.b",
            None,
            None,
        ]
    )
    ws.merge_cells("D9:D10")
    ws.merge_cells("E9:E10")
    wb.save(path)


def lines(document: dict) -> dict[str, dict]:
    return {a["code"]: a for o in document["objectives"] for g in o["goals"] for a in g["actions"]}


def test_a_french_matrix_with_merged_cells_in_its_own_column_order_is_read(tmp_path):
    path = tmp_path / "pan.xlsx"
    french_plan_xlsx(path)
    document, checks = import_plan_document(
        path, slug="pan", title="PAN", known_departments=FRENCH_DEPARTMENTS, country="BE"
    )
    assert (document["period"], document["languages"]) == ({"start": 2017, "end": 2021}, ["fr"])
    assert [(o["number"], o["title"]) for o in document["objectives"]] == [
        (1, "Prévenir les violences"),
        (2, "Participation"),
    ]
    goals = [g for o in document["objectives"] for g in o["goals"]]
    assert [(g["number"], g["text"], [a["code"] for a in g["actions"]]) for g in goals] == [
        (1, "Intégrer le genre dans la formation.", ["1.a", "1.b"]),
        (2, "Augmenter la participation des femmes.", ["2.a", "2.b"]),
    ]
    by_code = lines(document)
    # Instruments at line breaks, a line's rows gathered, a sentence stop inside a line kept.
    assert by_code["1.a"]["instruments"] == [
        {"text": "Nombre de formations dispensées, par sexe.", "kind": "quantitative", "by_sex": True},
        {"text": "Guide publié.", "kind": "qualitative"},
        {"text": "Modules revus.", "kind": "qualitative"},
    ]
    assert [i["text"] for i in by_code["2.b"]["instruments"]] == [
        "Nombre de femmes nommées. Données ventilées par grade.",
        "Rapport publié.",
    ]
    assert by_code["1.a"]["departments"] == ["defence", "justice"]
    assert (by_code["1.b"]["departments"], by_code["1.b"]["coordinator"]) == (
        ["foreign-affairs", "development"],
        "development",
    )
    # The departments cell merged over 2.a and 2.b is both lines'.
    assert by_code["2.b"]["departments"] == ["foreign-affairs"]
    assert not [c for c in checks if c.kind == DEPARTMENT_UNMATCHED]


def test_a_csv_file_with_semicolons_is_read(tmp_path):
    path = tmp_path / "pan.csv"
    path.write_text(
        "N°;Objectif;But;Ligne d'action;Indicateurs;Responsables\n"
        '1.a;Objectif 1. Prévention;Intégrer le genre.;Former le personnel.;"Formations dispensées.\n'
        'Guide publié.";Défense, Justice\n'
        "1.b;;;Sensibiliser le public.;Campagne menée.;Justice\n"
        ";;;;Spots diffusés.;\n"
        "2.a;Objectif 2. Participation;Accroître la participation.;Nommer des femmes.;Femmes nommées.;\n",
        encoding="utf-8",
    )
    document, checks = import_plan_document(
        path, slug="pan", title="PAN 2017-2021", known_departments=FRENCH_DEPARTMENTS, country="BE"
    )
    assert [(o["number"], o["title"]) for o in document["objectives"]] == [(1, "Prévention"), (2, "Participation")]
    by_code = lines(document)
    assert [i["text"] for i in by_code["1.a"]["instruments"]] == ["Formations dispensées.", "Guide publié."]
    assert [i["text"] for i in by_code["1.b"]["instruments"]] == ["Campagne menée.", "Spots diffusés."]
    assert by_code["1.a"]["departments"] == ["defence", "justice"]
    # A blank departments cell on a new line takes the line above's, and says so.
    assert by_code["2.a"]["departments"] == ["justice"]
    assert any(c.kind == STRUCTURE and "departments cell of line 2.a is empty" in c.message for c in checks)


def test_a_spreadsheet_without_a_header_row_is_refused_saying_what_was_expected(tmp_path):
    path = tmp_path / "notes.xlsx"
    wb = Workbook()
    wb.active.append(["Some notes", "about the plan"])
    wb.save(path)
    with pytest.raises(DocumentImportError, match="header row names its columns"):
        import_plan_document(path, slug="x", title="X", known_departments=[])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(DocumentImportError, match="not a readable Excel workbook"):
        import_plan_document(broken, slug="x", title="X", known_departments=[])


def test_naptracks_own_csv_export_is_refused_with_what_to_use_instead(plan, tmp_path):
    path = tmp_path / "be.csv"
    path.write_text(exports.plan_csv(plan), encoding="utf-8")
    with pytest.raises(DocumentImportError, match="naptrack plan load"):
        import_plan_document(path, slug="be-copy", title="Copy", known_departments=[])


# --- the command line -------------------------------------------------------------------------------


def english_plan_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Code", "Goal", "Line of action", "Monitoring instruments", "Responsible"])
    ws.append(["OBJECTIVE 1. Culture of peace"])
    ws.merge_cells("A2:E2")
    ws.append(
        ["1.a", "Promote a culture of peace.", "Fund peace education.", "Projects funded.", "Defence\nCulture Ministry"]
    )
    ws.append(["1.b", None, "Train teachers.", "Teachers trained.", "Justice, Culture Ministry"])
    wb.save(path)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_the_plan_as_json_and_writes_nothing(plan, capsys, tmp_path):
    path = tmp_path / "nap.xlsx"
    english_plan_xlsx(path)
    before = (Plan.objects.count(), Department.objects.count())
    code, out, err = run(
        capsys, "plan", "import", str(path), "--slug", "be-nap-2017-2021", "--title", "NAP",
        "--period", "2017-2021", "--country", "BE", "--dry-run",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    assert document["format"] == "naptrack-plan/1" and document["period"] == {"start": 2017, "end": 2021}
    assert lines(document)["1.b"]["departments"] == ["justice", "culture-ministry"]
    assert "'Culture Ministry'" in err and "department-unmatched" in err
    assert (Plan.objects.count(), Department.objects.count()) == before


def test_unknown_departments_are_listed_and_created_only_when_asked(plan, capsys, tmp_path):
    path = tmp_path / "nap.xlsx"
    english_plan_xlsx(path)
    argv = ["plan", "import", str(path), "--slug", "be-nap-2017-2021", "--title", "NAP", "--period", "2017-2021"]
    code, _out, err = run(capsys, *argv, "--country", "BE")
    assert code == 1
    assert "1 department name(s) match no known department: Culture Ministry" in err.splitlines()[-1]
    assert not Plan.objects.filter(slug="be-nap-2017-2021").exists()
    assert not Department.objects.filter(code="culture-ministry").exists()

    code, _out, err = run(capsys, *argv, "--country", "BE", "--create-departments")
    assert code == 0, err
    assert Department.objects.get(code="culture-ministry").name == "Culture Ministry"
    new = Plan.objects.get(slug="be-nap-2017-2021")
    assert (new.period_start, new.period_end) == (2017, 2021)
    assert Action.objects.get(plan=new, code="1.a").departments.count() == 2


def test_the_belgian_plan_exported_to_xlsx_comes_back_as_a_new_plan_equal_to_the_original(plan, capsys, tmp_path):
    path = tmp_path / "be.xlsx"
    code, out, err = run(capsys, "plan", "export", BE, "--format", "xlsx", "-o", str(path))
    assert code == 0, err
    code, out, err = run(capsys, "plan", "import", str(path), "--slug", "be-copy", "--title", plan.title)
    assert code == 0, err
    assert "plan be-copy created from be.xlsx: 6 objectives, 37 goals, 102 lines of action" in out
    original = exports.plan_document(plan)
    copy_ = exports.plan_document(Plan.objects.get(slug="be-copy"))
    assert {**copy_, "slug": BE} == original


def test_the_exported_matrix_alone_gives_the_lines_goals_instruments_and_departments(plan, tmp_path):
    # A person preparing the next plan may keep only the visible matrix: what it shows is read from it.
    path = tmp_path / "be.xlsx"
    path.write_bytes(exports.plan_xlsx(plan))
    book = load_workbook(path)
    assert book.sheetnames[-1] == "naptrack-plan" and book["naptrack-plan"].sheet_state == "hidden"
    del book["naptrack-plan"]
    book.save(path)
    document, _checks = import_plan_document(
        path,
        slug="be-copy",
        title=plan.title,
        known_departments=exports.plan_document(plan)["departments"],
        country="BE",
    )
    original = exports.plan_document(plan)

    def shown(doc: dict) -> list:
        return [
            (o["number"], o["title"], g["number"], g["text"], a["code"], a["text"], a["departments"], a["coordinator"],
             [i["text"] for i in a["instruments"]])
            for o in doc["objectives"] for g in o["goals"] for a in g["actions"]
        ]  # fmt: skip

    assert shown(document) == shown(original)
    assert document["departments"] == original["departments"]


# --- the browser ------------------------------------------------------------------------------------


def test_a_coordinator_uploads_a_spreadsheet_checks_it_and_loads_it(coordinator_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    path = tmp_path / "pan.xlsx"
    french_plan_xlsx(path)
    with path.open("rb") as f:
        response = coordinator_client.post(
            reverse("plan-import"), {"slug": "pan-2017", "title": "PAN", "country": "BE", "document": f}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    preview = coordinator_client.get(response["Location"])
    html = preview.content.decode()
    assert "Former le personnel à la dimension de genre." in html and "Modules revus." in html
    # French department names are not this installation's: the coordinator must consent.
    response = coordinator_client.post(response["Location"], {"load": "1", "create_departments": "1"})
    assert response.status_code == 302
    assert Action.objects.filter(plan__slug="pan-2017").count() == 4


def test_kind_and_unit_columns_set_each_instruments_answer_in_english_french_or_dutch(tmp_path):
    path = tmp_path / "pan.csv"
    path.write_text(
        "N°;Objectif;But;Ligne d'action;Indicateurs;Type de réponse;Unité;Responsables\n"
        '1.a;Objectif 1. Prévention;Intégrer le genre.;Former le personnel.;"Formations dispensées.\n'
        'Guide publié.\nPersonnes formées.";"nombre\noui/non\npar sexe";"formations\n\npersonnes formées";Défense\n'
        "1.b;;;Financer des projets.;Subventions accordées.;Montant;;Justice\n"
        "1.c;;;Poursuivre.;Plaintes poursuivies.;%;;Justice\n"
        "1.d;;;Recruter.;Femmes recrutées.;aandeel;;Justice\n"
        "1.e;;;Adopter.;Code adopté.;ja/nee;;Justice\n"
        "1.f;;;Agir.;Actions menées.;Texte;;Justice\n"
        "1.g;;;Aider.;Victimes aidées.;aantal;slachtoffers;Justice\n"
        "1.h;;;Soutenir.;Soutien apporté.;financial;;Justice\n"
        "1.i;;;Informer.;Sessions tenues.;whatever;;Justice\n",
        encoding="utf-8",
    )
    document, checks = import_plan_document(
        path, slug="pan", title="PAN 2017-2021", known_departments=FRENCH_DEPARTMENTS, country="BE"
    )
    by_code = lines(document)
    assert by_code["1.a"]["instruments"] == [
        {"text": "Formations dispensées.", "kind": "count", "unit": "formations"},
        {"text": "Guide publié.", "kind": "yes-no"},
        {"text": "Personnes formées.", "kind": "quantitative", "by_sex": True, "unit": "personnes formées"},
    ]
    kinds = {code: [(i["kind"], i.get("unit")) for i in line["instruments"]] for code, line in by_code.items()}
    assert kinds["1.b"] == [("money", None)]
    assert kinds["1.c"] == kinds["1.d"] == [("share", None)]
    assert kinds["1.e"] == [("yes-no", None)]
    assert kinds["1.f"] == [("qualitative", None)]
    assert kinds["1.g"] == [("count", "slachtoffers")]
    assert kinds["1.h"] == [("money", None)]
    # A word the reader does not know leaves the kind read from the text, and says so.
    assert kinds["1.i"] == [("qualitative", None)]
    assert any(c.kind == STRUCTURE and "line 1.i: 'whatever' is not a kind of answer" in c.message for c in checks)


def test_a_kind_cell_that_does_not_pair_with_the_instruments_is_not_used(tmp_path):
    path = tmp_path / "plan.csv"
    path.write_text(
        "No.,Goal,Line of action,Monitoring instruments,Kind,Unit,Departments\n"
        '1.a,Train staff.,Train the staff.,"Trainings given.\nGuide published.\nModules revised.",'
        '"count\nyes/no","trainings",Defence\n'
        '1.b,,Fund projects.,Grants awarded.,money,"' + "x" * 41 + '",Defence\n',
        encoding="utf-8",
    )
    document, checks = import_plan_document(
        path, slug="plan", title="Plan", known_departments=FRENCH_DEPARTMENTS, country="BE", period=(2017, 2021)
    )
    by_code = lines(document)
    # Two kinds for three instruments: none is used; the one unit is every instrument's.
    assert [(i["kind"], i.get("unit")) for i in by_code["1.a"]["instruments"]] == [("qualitative", "trainings")] * 3
    assert any("the kind cell has 2 lines for 3 instruments" in c.message for c in checks)
    assert [(i["kind"], i.get("unit")) for i in by_code["1.b"]["instruments"]] == [("money", None)]
    assert any("line 1.b: the unit is longer than 40 characters" in c.message for c in checks)
