"""Importing a plan from its document (PDF, DOCX, extracted text): what it reads, what it asks a
person to check, what it refuses, and the coordinator's upload, preview and confirmation."""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from naptrack import cli
from naptrack.plans.importing import DocumentImportError, import_plan_document
from naptrack.plans.importing.headers import match_header_row
from naptrack.plans.importing.model import (
    CODE_INFERRED,
    DEPARTMENT_UNMATCHED,
    NOISE_DROPPED,
    ROW_SPLIT,
)
from naptrack.plans.models import Action, Department, Plan

from .conftest import logged_in
from .job_results import job_of

ROOT = Path(__file__).resolve().parent.parent
SHARED_TXT = ROOT.parent / "shared" / "plans" / "belgium-nap-1325-2013-2016.txt"


def _bench(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


fixtures = _bench("make_fixtures")
accuracy = _bench("import_accuracy")

needs_shared_txt = pytest.mark.skipif(not SHARED_TXT.exists(), reason=f"{SHARED_TXT} is not beside the repository")


def read(path: Path, be_document: dict, **options) -> tuple[dict, list]:
    return import_plan_document(
        path,
        slug="be-imported",
        title=be_document["title"],
        known_departments=options.pop("known", be_document["departments"]),
        **options,
    )


@pytest.fixture(scope="session")
def renderings(tmp_path_factory, be_document) -> dict[str, Path]:
    """The bundled plan as Word documents and PDFs in two layouts each, made once."""
    folder = tmp_path_factory.mktemp("renderings")
    paths = {}
    for layout in fixtures.DOCX_LAYOUTS:
        paths[layout] = folder / f"{layout}.docx"
        paths[layout].write_bytes(fixtures.render_docx(be_document, layout))
    for layout in fixtures.PDF_LAYOUTS:
        paths[layout] = folder / f"{layout}.pdf"
        paths[layout].write_bytes(fixtures.render_pdf(be_document, layout))
    return paths


@pytest.fixture(scope="session")
def imported(renderings, be_document) -> dict[str, tuple[dict, list]]:
    """Each rendering (and the shared text extraction) read once for the whole session."""
    results = {layout: read(path, be_document) for layout, path in renderings.items()}
    if SHARED_TXT.exists():
        results["txt"] = read(SHARED_TXT, be_document)
    return results


def kinds(checks) -> set[str]:
    return {c.kind for c in checks}


def messages_of(checks, kind: str) -> list[str]:
    return [c.message for c in checks if c.kind == kind]


# --- accuracy on the Belgian plan -----------------------------------------------------------------


def _without_kinds(objectives: list[dict]) -> list[dict]:
    import copy

    objectives = copy.deepcopy(objectives)
    for objective in objectives:
        for goal in objective["goals"]:
            for action in goal["actions"]:
                for instrument in action["instruments"]:
                    instrument.pop("unit", None)
                    if not instrument.get("by_sex"):
                        instrument.pop("kind")
    return objectives


@needs_shared_txt
def test_text_extraction_reproduces_the_bundled_plan(imported, be_document):
    document, _ = imported["txt"]
    score = accuracy.compare(be_document, document)
    assert score.ratio >= 0.99, score.wrong
    counts = accuracy.compare(be_document, document).by_kind
    assert counts["goals"][1] == 37 and counts["lines"][1] == 102 and counts["instruments"][1] == 122
    # Beyond the measured fields: footnotes, coordinators, who is counted by sex, introductions,
    # metadata. Not the kinds of answer beyond text and numbers by sex (money, count, share, yes/no)
    # nor units: the bundled plan's come from reading each instrument, which no document states.
    assert _without_kinds(document["objectives"]) == _without_kinds(be_document["objectives"])
    assert document["departments"] == be_document["departments"]
    assert (document["country"], document["period"], document["focus_countries"]) == (
        "BE",
        be_document["period"],
        ["AF", "CD", "ML"],
    )


@pytest.mark.parametrize("layout", list(fixtures.DOCX_LAYOUTS))
def test_word_renderings_are_read_in_both_layouts(imported, be_document, layout):
    document, _ = imported[layout]
    score = accuracy.compare(be_document, document)
    assert score.ratio >= 0.97, score.wrong
    assert [o["title"] for o in document["objectives"]] == [o["title"] for o in be_document["objectives"]]
    line_21 = next(a for o in document["objectives"] for g in o["goals"] for a in g["actions"] if a["code"] == "21")
    assert len(line_21["notes"]) == 3


@pytest.mark.parametrize("layout", list(fixtures.PDF_LAYOUTS))
def test_pdf_renderings_are_read_across_pages_in_both_layouts(imported, be_document, layout):
    document, checks = imported[layout]
    score = accuracy.compare(be_document, document)
    assert score.ratio >= 0.97, score.wrong
    # Running headers and page numbers are left out, and said so.
    assert any("page number" in m for m in messages_of(checks, NOISE_DROPPED))
    assert (
        document["objectives"][0]["goals"][0]["actions"][0]["notes"]
        == be_document["objectives"][0]["goals"][0]["actions"][0]["notes"]
    )


# --- what a person is asked to check --------------------------------------------------------------


@needs_shared_txt
def test_damage_in_the_text_is_reported_where_it_is(imported):
    _, checks = imported["txt"]
    by_location = {(c.location, c.kind) for c in checks}
    assert ("line 111", NOISE_DROPPED) in by_location  # "2", a page number inside the table
    assert ("line 196", NOISE_DROPPED) in by_location  # "10.8", a garbled continuation of 10.g
    assert ("line 166", CODE_INFERRED) in by_location  # a Cyrillic look-alike of "6.a"
    assert ("line 308", ROW_SPLIT) in by_location  # 18.c printed together with 18.d, whose number was lost
    assert any("i orongin i internet" in m for m in messages_of(checks, NOISE_DROPPED))
    assert not messages_of(checks, DEPARTMENT_UNMATCHED)


@needs_shared_txt
def test_a_department_not_known_is_reported_not_guessed(be_document):
    known = [d for d in be_document["departments"] if d["code"] != "justice"]
    document, checks = read(SHARED_TXT, be_document, known=known)
    unmatched = [c for c in checks if c.kind == DEPARTMENT_UNMATCHED]
    assert {c.subject for c in unmatched} == {"Justice"}
    line_3a = document["objectives"][0]["goals"][2]["actions"][0]
    assert line_3a["departments"] == ["justice"]  # proposed as a new department with a slug code


def test_header_rows_are_recognised_in_any_language_and_order():
    assert match_header_row(["No.", "GOAL", "LINES OF ACTION", "MONITORING INSTRUMENTS", "DEPARTMENTS"]) == {
        0: "code",
        1: "goal",
        2: "action",
        3: "instruments",
        4: "departments",
    }
    assert match_header_row(
        ["Responsables", "Indicateurs de suivi", "Ligne d'action", "N°", "Objectif spécifique"]
    ) == {
        0: "departments",
        1: "instruments",
        2: "action",
        3: "code",
        4: "goal",
    }
    assert match_header_row(["Nr.", "Doelstelling", "Actielijn", "Indicatoren", "Verantwoordelijke"]) == {
        0: "code",
        1: "objective",
        2: "action",
        3: "instruments",
        4: "departments",
    }
    assert (
        match_header_row(["1.a", "Ensure that treaties are taken into account.", "Apply them.", "Reports.", "Justice"])
        is None
    )


# --- another country's plan, laid out differently -------------------------------------------------

FRENCH_DEPARTMENTS = [
    {
        "code": "meae",
        "name": "Ministère de l'Europe et des Affaires étrangères",
        "parent": None,
        "abbreviation": "MEAE",
    },
    {"code": "armees", "name": "Ministère des Armées", "parent": None},
    {"code": "interieur", "name": "Ministère de l'Intérieur", "parent": None},
    {"code": "interieur-police", "name": "Police nationale", "parent": "interieur"},
    {"code": "afd", "name": "Agence française de développement", "parent": None, "abbreviation": "AFD"},
]


def french_plan_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Plan national d'action « Femmes, paix et sécurité » 2021-2025", 0)
    d.add_paragraph(
        "La France met en œuvre la résolution 1325. Les pays prioritaires sont le Niger, le Tchad et le Liban."
    )
    d.add_heading("Objectif 1 : Prévention des conflits", 1)
    d.add_paragraph("La prévention suppose la participation des femmes.")
    table = d.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells, ["Acteurs responsables", "Indicateurs de suivi", "Actions", "But", "N°"], strict=True
    ):
        cell.text = text
    rows = [
        ("MEAE, AFD", "Nombre d'analystes formés, par sexe. Guide publié.",
         "Former les analystes à l'analyse de genre.",
         "Renforcer la prise en compte du genre dans l'alerte précoce.", "1.1"),
        ("AFD", "Montant des financements accordés.", "Soutenir les organisations de femmes médiatrices.", "", "1.2"),
        ("Ministère des Armées (coordination), Intérieur-Police nationale", "Formations dispensées.",
         "Former les forces armées, p. ex. avant chaque déploiement.", "Lutter contre les violences sexuelles.", "2.1"),
    ]  # fmt: skip
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    d.add_heading("Objectif 2 : Participation", 1)
    table = d.add_table(rows=1, cols=5)
    for cell, text in zip(
        table.rows[0].cells,
        ["Réf.", "Ligne d'action", "Responsables", "Objectif spécifique", "Indicateurs"],
        strict=True,
    ):
        cell.text = text
    values = ["3.1", "Accroître la part des femmes dans les délégations.", "MEAE\nMinistère de la Justice",
              "Augmenter la participation des femmes aux négociations.",
              "Part des femmes dans les délégations (%)."]  # fmt: skip
    for cell, text in zip(table.add_row().cells, values, strict=True):
        cell.text = text
    d.save(str(path))


def test_a_french_plan_with_other_columns_and_departments_is_read(tmp_path):
    path = tmp_path / "pna-france.docx"
    french_plan_docx(path)
    document, checks = import_plan_document(
        path, slug="fr-pna", title="PNA France", known_departments=FRENCH_DEPARTMENTS
    )
    assert (document["country"], document["period"], document["languages"]) == (
        "FR",
        {"start": 2021, "end": 2025},
        ["fr"],
    )
    assert document["focus_countries"] == ["NE", "TD", "LB"]
    assert [(o["number"], o["title"]) for o in document["objectives"]] == [
        (1, "Prévention des conflits"),
        (2, "Participation"),
    ]
    goals = [g for o in document["objectives"] for g in o["goals"]]
    assert [(g["number"], g["text"], [a["code"] for a in g["actions"]]) for g in goals] == [
        (1, "Renforcer la prise en compte du genre dans l'alerte précoce.", ["1.1", "1.2"]),
        (2, "Lutter contre les violences sexuelles.", ["2.1"]),
        (3, "Augmenter la participation des femmes aux négociations.", ["3.1"]),
    ]
    first, second = goals[0]["actions"]
    assert [i["text"] for i in first["instruments"]] == ["Nombre d'analystes formés, par sexe.", "Guide publié."]
    assert first["instruments"][0] == {
        "text": "Nombre d'analystes formés, par sexe.",
        "kind": "quantitative",
        "by_sex": True,
    }
    assert first["departments"] == ["meae", "afd"] and second["departments"] == ["afd"]
    line_21 = goals[1]["actions"][0]
    assert line_21["text"] == "Former les forces armées, p. ex. avant chaque déploiement."
    assert (line_21["departments"], line_21["coordinator"]) == (["armees", "interieur-police"], "armees")
    assert goals[2]["actions"][0]["departments"] == ["meae", "ministere-de-la-justice"]
    assert [c.subject for c in checks if c.kind == DEPARTMENT_UNMATCHED] == ["Ministère de la Justice"]


DUTCH_TEXT = (
    "Nationaal actieplan 2019-2022\n\n"
    "DOELSTELLING 1. Bescherming\n\n"
    "Vrouwen worden beschermd tegen geweld.\n\n"
    "Actielijn\tNr.\tVerantwoordelijke\tDoel\tIndicatoren\n"
    "Vorm de politie op over\t1.a\tJustitie\tGeweld tegen vrouwen\tAantal opleidingen.\n"
    "gendergerelateerd geweld.\t\t\tbestrijden.\t\n"
    "Steun slachtofferhulp.\t1.b\tJustitie\t\tSteun verleend.\n"
    "3\t\t\t\t\n"
    "Maak een databank van\t1.c\tDefensie\t\tDatabank opgericht.\n"
    "klachten.\t\t\t\t\n"
)


def test_a_dutch_text_extraction_with_another_column_order_is_read(tmp_path):
    path = tmp_path / "nap.txt"
    path.write_text(DUTCH_TEXT, encoding="utf-8")
    known = [
        {"code": "justitie", "name": "Justitie", "parent": None},
        {"code": "defensie", "name": "Defensie", "parent": None},
    ]
    document, checks = import_plan_document(path, slug="nl-nap", title="NAP", known_departments=known, country="NL")
    (goal,) = document["objectives"][0]["goals"]
    assert goal["text"] == "Geweld tegen vrouwen bestrijden."
    assert [(a["code"], a["text"], a["departments"]) for a in goal["actions"]] == [
        ("1.a", "Vorm de politie op over gendergerelateerd geweld.", ["justitie"]),
        ("1.b", "Steun slachtofferhulp.", ["justitie"]),
        ("1.c", "Maak een databank van klachten.", ["defensie"]),
    ]
    assert goal["actions"][0]["instruments"] == [{"text": "Aantal opleidingen.", "kind": "quantitative"}]
    assert document["objectives"][0]["intro"] == "Vrouwen worden beschermd tegen geweld."
    assert (document["languages"], document["period"]) == (["nl"], {"start": 2019, "end": 2022})
    # The page number "3", printed in the first column, is left out and reported.
    assert [c.location for c in checks if c.kind == NOISE_DROPPED and "'3'" in c.message] == ["line 11"]


# --- bad input ------------------------------------------------------------------------------------


def _pdf_of_an_image(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (600, 800), "white").save(path)


def _encrypted_pdf(path: Path, source: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(source))
    writer.encrypt("secret")
    with path.open("wb") as out:
        writer.write(out)


def _docx_without_tables(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("OBJECTIVE 1. Prevention", 1)
    d.add_paragraph("A plan written as prose, without a table.")
    d.save(str(path))


@pytest.fixture
def bad_files(tmp_path) -> dict[str, Path]:
    files = {
        "no-matrix.txt": "A plan 2013-2016 in Belgium.\n\nIt has no table, only prose.\n",
        "empty.txt": "",
        "corrupt.pdf": b"%PDF-1.4\n" + b"\x00garbage" * 50,
    }
    paths = {}
    for name, content in files.items():
        paths[name] = tmp_path / name
        if isinstance(content, bytes):
            paths[name].write_bytes(content)
        else:
            paths[name].write_text(content, encoding="utf-8")
    paths["scanned.pdf"] = tmp_path / "scanned.pdf"
    _pdf_of_an_image(paths["scanned.pdf"])
    paths["encrypted.pdf"] = tmp_path / "encrypted.pdf"
    _encrypted_pdf(paths["encrypted.pdf"], paths["scanned.pdf"])
    paths["prose.docx"] = tmp_path / "prose.docx"
    _docx_without_tables(paths["prose.docx"])
    return paths


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("no-matrix.txt", "no matrix of lines of action found in no-matrix.txt: expected a table"),
        ("empty.txt", "the file is empty: expected the text of a plan"),
        ("corrupt.pdf", "corrupt.pdf is not a readable PDF"),
        ("encrypted.pdf", "encrypted.pdf is encrypted: expected a PDF that opens without a password"),
        ("scanned.pdf", "scanned.pdf holds no text, only images (a scanned document?)"),
        ("prose.docx", "prose.docx holds no table: expected the plan's matrix as a Word table"),
    ],
)
def test_a_file_without_a_readable_matrix_is_refused_with_one_clear_line(plan, capsys, bad_files, name, reason):
    before = (Plan.objects.count(), Action.objects.count(), Department.objects.count())
    code = cli.main(["plan", "import", str(bad_files[name]), "--slug", "bad", "--title", "Bad", "--country", "BE"])
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("naptrack: ") and reason in err, err
    assert err.rstrip().endswith("nothing was loaded")
    assert (Plan.objects.count(), Action.objects.count(), Department.objects.count()) == before


def test_an_unknown_file_type_is_refused(capsys, db, tmp_path):
    path = tmp_path / "plan.odt"
    path.write_bytes(b"PK")
    assert cli.main(["plan", "import", str(path), "--slug", "x", "--title", "X"]) == 1
    assert "expected a .pdf, .docx, .txt, .xlsx or .csv file" in capsys.readouterr().err


# --- the command line -------------------------------------------------------------------------------


@needs_shared_txt
def test_dry_run_prints_the_plan_and_the_checks_and_writes_nothing(plan, capsys):
    before = (Plan.objects.count(), Action.objects.count())
    code = cli.main(["plan", "import", str(SHARED_TXT), "--slug", "be-copy", "--title", "Copy", "--dry-run"])
    out, err = capsys.readouterr()
    assert code == 0
    document = json.loads(out)
    assert document["slug"] == "be-copy" and document["format"] == "naptrack-plan/1"
    assert sum(len(g["actions"]) for o in document["objectives"] for g in o["goals"]) == 102
    assert "thing(s) to check" in err and "[row-split] line 308" in err
    assert (Plan.objects.count(), Action.objects.count()) == before


@needs_shared_txt
def test_import_loads_the_plan_in_one_go(plan, capsys):
    code = cli.main(
        ["plan", "import", str(SHARED_TXT), "--slug", "be-copy", "--title", "Copy", "--period", "2013-2016",
         "--country", "BE", "--focus-countries", "AF,CD,ML", "--language", "en"]
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert (
        "plan be-copy created from belgium-nap-1325-2013-2016.txt: 6 objectives, 37 goals, 102 lines of action" in out
    )
    copy_ = Plan.objects.get(slug="be-copy")
    assert (copy_.country, copy_.period_start, copy_.focus_countries) == ("BE", 2013, ["AF", "CD", "ML"])
    assert Action.objects.filter(plan=copy_).count() == 102
    assert "metadata-guessed" not in err  # nothing was guessed: every value was given
    # The same slug again is refused unless asked to update.
    assert cli.main(["plan", "import", str(SHARED_TXT), "--slug", "be-copy", "--title", "Copy"]) == 1
    assert "exists already: give --update" in capsys.readouterr().err


def test_unknown_departments_stop_the_load_unless_created(plan, capsys, tmp_path):
    path = tmp_path / "pna-france.docx"
    french_plan_docx(path)
    departments = tmp_path / "departments.csv"
    departments.write_text(
        "code,name,parent\nmeae,Ministère de l'Europe et des Affaires étrangères,\narmees,Ministère des Armées,\n"
        "interieur,Ministère de l'Intérieur,\ninterieur-police,Police nationale,interieur\nafd,AFD,\n",
        encoding="utf-8",
    )
    argv = ["plan", "import", str(path), "--slug", "fr-pna", "--title", "PNA", "--departments", str(departments)]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "1 department name(s) match no known department: Ministère de la Justice" in err.splitlines()[-1]
    assert not Plan.objects.filter(slug="fr-pna").exists()

    assert cli.main([*argv, "--create-departments"]) == 0, capsys.readouterr().err
    assert Department.objects.get(code="ministere-de-la-justice").name_en == "Ministère de la Justice"
    assert Department.objects.get(code="interieur-police").parent.code == "interieur"
    assert Plan.objects.get(slug="fr-pna").objectives.count() == 2


# --- the coordinator's upload, preview and confirmation ---------------------------------------------


@pytest.fixture
def data_dir(settings, tmp_path):
    """Where uploads wait for confirmation: the file storage's pending/ folder (core/pending.py)."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path / "pending"


def upload(client, path: Path, **fields):
    data = {"slug": "be-copy", "title": "Belgian NAP (imported)", "country": "BE", **fields}
    with path.open("rb") as f:
        return client.post(reverse("plan-import"), {**data, "document": f})


def small_plan(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_text(
        "Plan 2020-2024\n\nOBJECTIVE 1. Prevention\n\nNo.\tGOAL\tLINES OF ACTION\tMONITORING INSTRUMENTS\tDEPARTMENTS\n"
        "1.a\tPrevent violence.\tTrain the police.\tTraining given.\tDefence\n",
        encoding="utf-8",
    )
    return path


def test_upload_shows_the_plan_and_what_to_check_then_loads_it(coordinator_client, data_dir, tmp_path, renderings):
    response = upload(coordinator_client, renderings["docx-merged"])
    assert response.status_code == 302
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    # Stored under a fixed name; the upload's own is the one shown.
    assert [p.name for p in (data_dir / "imports" / token).iterdir() if p.suffix == ".docx"] == ["document.docx"]
    assert not Plan.objects.filter(slug="be-copy").exists()

    page = coordinator_client.get(response["Location"])
    content = page.content.decode()
    assert page.status_code == 200
    assert "Check the imported plan" in content
    assert "6 objectives, 37 goals, 102 lines of action, 122 monitoring instruments, 10 departments" in content
    assert "Prosecute those responsible for sexual violence within the defence forces." in content
    assert '<th scope="col">Where in the document</th>' in content

    # Loading is a job (plans/jobs.py), run at once here, whose page leads to the plan.
    job = job_of(coordinator_client.post(response["Location"], {"load": "1"}))
    assert (job.state, job.result_url, job.key) == ("succeeded", "/plans/be-copy/", f"plan-import:{token}")
    assert job.result_note.startswith("Plan loaded: ")
    assert job.result_note in coordinator_client.get(f"/jobs/{job.pk}/").content.decode()
    assert Action.objects.filter(plan__slug="be-copy").count() == 102
    assert not (data_dir / "imports" / token).exists()


def test_preview_makes_a_fixed_number_of_queries(
    coordinator_client, data_dir, tmp_path, renderings, django_assert_num_queries
):
    locations = []
    for path in (small_plan(tmp_path), renderings["docx-single"]):
        response = upload(coordinator_client, path, slug=f"p-{len(locations)}")
        assert response.status_code == 302
        locations.append(response["Location"])
    for location in locations:  # one line or a hundred: the same queries
        with django_assert_num_queries(3):  # session, user, its groups (the permission)
            assert coordinator_client.get(location).status_code == 200


def test_a_document_without_a_matrix_is_refused_on_the_form(coordinator_client, data_dir, tmp_path):
    path = tmp_path / "prose.docx"
    _docx_without_tables(path)
    response = upload(coordinator_client, path)
    assert response.status_code == 400
    content = response.content.decode()
    assert "The document could not be read: prose.docx holds no table: expected the plan&#x27;s matrix" in content
    assert 'aria-describedby="id_document_error id_document_helptext"' in content
    assert not any((data_dir / "imports").iterdir())


def test_a_long_accented_file_name_is_stored_under_a_fixed_one(coordinator_client, data_dir, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    name = "é" * 200 + ".txt"  # 404 bytes: more than a file system's name takes
    data = {"slug": "be-copy", "title": "Belgian NAP (imported)", "country": "BE"}
    document = SimpleUploadedFile(name, small_plan(tmp_path).read_bytes())
    response = coordinator_client.post(reverse("plan-import"), {**data, "document": document})
    assert response.status_code == 302
    [folder] = (data_dir / "imports").iterdir()
    assert sorted(p.name for p in folder.iterdir()) == ["document.txt", "result.json"]
    assert name in coordinator_client.get(response["Location"]).content.decode()

    prose = tmp_path / "prose.docx"
    _docx_without_tables(prose)
    name = "é" * 200 + ".docx"
    response = coordinator_client.post(
        reverse("plan-import"), {**data, "document": SimpleUploadedFile(name, prose.read_bytes())}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert f"The document could not be read: {name} holds no table" in content
    assert "document.docx" not in content


def test_unknown_departments_need_the_coordinators_consent(coordinator_client, data_dir, tmp_path):
    path = small_plan(tmp_path)
    path.write_text(path.read_text().replace("Defence", "Ministry of Peace"), encoding="utf-8")
    location = upload(coordinator_client, path, slug="peace")["Location"]
    assert "Ministry of Peace" in coordinator_client.get(location).content.decode()
    response = coordinator_client.post(location, {"load": "1"}, follow=True)
    assert "tick the box to create them" in response.content.decode()
    assert not Plan.objects.filter(slug="peace").exists()
    coordinator_client.post(location, {"load": "1", "create_departments": "1"})
    assert Plan.objects.get(slug="peace").departments.get().code == "ministry-of-peace"


def test_the_form_offers_every_readable_type_and_refuses_others_by_name(coordinator_client, data_dir, tmp_path):
    form = coordinator_client.get(reverse("plan-import")).content.decode()
    assert 'accept=".pdf,.docx,.txt,.xlsx,.csv"' in form
    assert "a spreadsheet (.xlsx, .csv)" in form
    odt = tmp_path / "plan.odt"
    odt.write_bytes(b"PK")
    response = upload(coordinator_client, odt)
    assert response.status_code == 400
    assert "Choose a file of one of these types: .pdf, .docx, .txt, .xlsx, .csv." in response.content.decode()
    assert not (data_dir / "imports").exists() or not any((data_dir / "imports").iterdir())


def test_discarding_removes_the_upload(coordinator_client, data_dir, tmp_path):
    location = upload(coordinator_client, small_plan(tmp_path))["Location"]
    response = coordinator_client.post(location, {"discard": "1"})
    assert response.status_code == 302 and response["Location"].endswith(reverse("plan-import"))
    assert not any((data_dir / "imports").iterdir())
    assert coordinator_client.get(location).status_code == 404


def test_only_coordinators_may_import(focal_defence_client, reader, anonymous, data_dir, tmp_path):
    assert focal_defence_client.get(reverse("plan-import")).status_code == 403
    assert logged_in(reader).get(reverse("plan-import")).status_code == 403
    assert upload(focal_defence_client, small_plan(tmp_path)).status_code == 403
    response = anonymous.get(reverse("plan-import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_preview_belongs_to_the_coordinator_who_uploaded_it(coordinator_client, data_dir, tmp_path):
    from naptrack.accounts.services import user_create

    location = upload(coordinator_client, small_plan(tmp_path))["Location"]
    other = user_create(actor="tests", username="coordinator-2", role="coordinator", password="x", check_password=False)
    assert logged_in(other).get(location).status_code == 404
    assert logged_in(other).post(location, {"load": "1"}).status_code == 404
    assert coordinator_client.get(reverse("plan-import-preview", args=["not-a-token"])).status_code == 404
    assert coordinator_client.get(reverse("plan-import-preview", args=["x" * 32])).status_code == 404


def test_the_plans_page_offers_the_import_to_coordinators_only(coordinator_client, focal_defence_client):
    assert reverse("plan-import") in coordinator_client.get(reverse("plan-list")).content.decode()
    assert reverse("plan-import") not in focal_defence_client.get(reverse("plan-list")).content.decode()


# --- the parts that the bench measures with ------------------------------------------------------


def test_the_accuracy_measure_counts_every_field(be_document):
    assert accuracy.compare(be_document, be_document).ratio == 1.0
    damaged = copy.deepcopy(be_document)
    damaged["objectives"][0]["goals"][0]["actions"][0]["instruments"].pop()
    damaged["objectives"][0]["goals"][0]["text"] = "Something else."
    score = accuracy.compare(be_document, damaged)
    assert (score.total, score.right) == (363, 361)


def test_import_errors_are_document_import_errors(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(DocumentImportError, match=re.escape("the file is empty")):
        import_plan_document(path, slug="x", title="X", known_departments=[])


def test_a_long_text_or_word_document_is_read_whole(tmp_path, be_document):
    # How long it takes is printed by bench/import_accuracy.py, not asserted here.
    long = fixtures.doubled(be_document)  # 12 objectives, 74 goals, 204 lines: about 30 pages
    paths = {"txt": tmp_path / "long.txt", "docx": tmp_path / "long.docx"}
    paths["txt"].write_text(fixtures.render_txt(long), encoding="utf-8")
    paths["docx"].write_bytes(fixtures.render_docx(long, "docx-merged"))
    for path in paths.values():
        document, _ = read(path, be_document)
        assert accuracy.compare(long, document).ratio == 1.0


def test_the_form_and_the_upload_make_a_fixed_number_of_queries(
    coordinator_client, data_dir, tmp_path, django_assert_num_queries
):
    with django_assert_num_queries(3):  # session, user, its groups
        assert coordinator_client.get(reverse("plan-import")).status_code == 200
    path = small_plan(tmp_path)
    # + is there a plan with this slug, + the known departments (with their parents)
    with django_assert_num_queries(5):
        assert upload(coordinator_client, path, slug="small").status_code == 302


def _with_word_footnote(path: Path, anchor: str, note: str) -> None:
    """Add a real Word footnote after the text `anchor` (python-docx writes none)."""
    import zipfile

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
        '</w:footnote><w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> {note}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    document = parts["word/document.xml"].decode()
    reference = '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
    document = document.replace(f"{anchor}</w:t></w:r>", f"{anchor}</w:t></w:r>{reference}", 1)
    parts["word/document.xml"] = document.encode()
    parts["word/footnotes.xml"] = footnotes.encode()
    rels = (
        parts["word/_rels/document.xml.rels"]
        .decode()
        .replace(
            "</Relationships>",
            '<Relationship Id="rIdFootnotes" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/footnotes" Target="footnotes.xml"/></Relationships>',
        )
    )
    parts["word/_rels/document.xml.rels"] = rels.encode()
    types = (
        parts["[Content_Types].xml"]
        .decode()
        .replace(
            "</Types>",
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.footnotes+xml"/></Types>',
        )
    )
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)


def test_word_footnotes_become_notes_of_the_line_that_carries_their_mark(tmp_path):
    path = tmp_path / "pna-france.docx"
    french_plan_docx(path)
    _with_word_footnote(path, "Soutenir les organisations de femmes médiatrices.", "Y compris les réseaux régionaux.")
    document, _ = import_plan_document(path, slug="fr-pna", title="PNA", known_departments=FRENCH_DEPARTMENTS)
    first, second = document["objectives"][0]["goals"][0]["actions"]
    assert second["notes"] == ["Y compris les réseaux régionaux."]
    assert second["text"] == "Soutenir les organisations de femmes médiatrices."
    assert first["notes"] == []
