"""The plan in French, Dutch and German: translations in naptrack-plan/1, their states, the
coordinator's coverage screen, and the translator's round trip through XLSX and XLIFF 2."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.core.exceptions import PermissionDenied
from jsonschema import Draft202012Validator
from lxml import etree
from openpyxl import load_workbook

from naptrack import cli
from naptrack.audit.models import AuditEvent
from naptrack.plans import exports, interchange, translation_files
from naptrack.plans.models import Action, Department, Goal, Plan, TranslationState
from naptrack.plans.services import plan_load
from naptrack.plans.texts import plan_texts
from naptrack.plans.translating import TranslationImportError, translations_import
from tests.conftest import BE, logged_in

pytestmark = pytest.mark.django_db

XLIFF = "urn:oasis:names:tc:xliff:document:2.0"


def four_languages(be_document: dict, slug: str = "be-four") -> dict:
    """The Belgian plan with some of its own texts in all four languages, in canonical form."""
    document = copy.deepcopy(be_document)
    document["slug"] = slug
    document["title"] = {
        "en": document["title"],
        "fr": "Deuxième Plan d'action national « Femmes, Paix, Sécurité » (2013-2016)",
        "nl": "Tweede Nationaal Actieplan 'Vrouwen, Vrede, Veiligheid' (2013-2016)",
        "de": "Zweiter Nationaler Aktionsplan „Frauen, Frieden, Sicherheit“ (2013-2016)",
        "state": {"fr": "official"},
    }
    objective = document["objectives"][0]
    objective["title"] = {"en": objective["title"], "fr": "Cadre normatif", "nl": "Normatief kader"}
    objective["intro"] = {"en": objective["intro"], "de": "Die Rechte der Frauen.\n\nZweiter Absatz."}
    goal = objective["goals"][0]
    goal["text"] = {"en": goal["text"], "fr": "But 1.", "nl": "Doel 1.", "de": "Ziel 1.", "state": {"nl": "official"}}
    action = goal["actions"][0]
    action["text"] = {"en": action["text"], "fr": "Ligne 1.a.", "nl": "Lijn 1.a.", "de": "Linie 1.a."}
    action["notes"][0] = {"en": action["notes"][0], "nl": "Voetnoot."}
    action["instruments"][0]["text"] = {"en": action["instruments"][0]["text"], "fr": "Rapport périodique."}
    return document


def small_document(**texts) -> dict:
    """A plan in the old form: every text a string."""
    return {
        "format": "naptrack-plan/1",
        "slug": "small",
        "title": texts.get("title", "A small plan"),
        "country": "BE",
        "period": {"start": 2020, "end": 2021},
        "languages": ["en"],
        "focus_countries": [],
        "departments": [{"code": "testing-office", "name": "Testing Office", "parent": None}],
        "objectives": [
            {
                "number": 1,
                "title": "Objective",
                "intro": "",
                "goals": [
                    {
                        "number": 1,
                        "text": "A goal.",
                        "actions": [
                            {
                                "code": "1",
                                "text": texts.get("action", "A line."),
                                "notes": [],
                                "instruments": [{"text": "Something reported.", "kind": "qualitative"}],
                                "departments": ["testing-office"],
                                "coordinator": None,
                            }
                        ],
                    }
                ],
            }
        ],
    }


def problems(document) -> list[str]:
    with pytest.raises(interchange.PlanFormatError) as info:
        interchange.validate(document)
    return info.value.problems


# --- the plan file --------------------------------------------------------------------------------


def test_a_plan_in_four_languages_loads_and_exports_byte_identically(plan, be_document):
    document = four_languages(be_document)
    loaded = plan_load(actor="tests", document=document).plan
    first = exports.plan_json(loaded)
    assert first == interchange.dumps(document)
    action = Action.objects.get(plan=loaded, code="1.a")
    assert (action.text_fr, action.text_nl, action.text_de) == ("Ligne 1.a.", "Lijn 1.a.", "Linie 1.a.")
    assert TranslationState.objects.get(kind="plan", object_id=loaded.pk, language="fr").state == "official"
    assert TranslationState.objects.get(kind="plan", object_id=loaded.pk, language="nl").state == "draft"
    summary = plan_load(actor="tests", document=json.loads(first))
    assert summary.changes == {"created": 0, "updated": 0, "deleted": 0}
    assert exports.plan_json(loaded) == first


def test_the_bundled_plan_exports_as_shipped_with_its_official_department_names(plan, be_document):
    assert exports.plan_json(plan) == interchange.dumps(be_document)
    defence = Department.objects.get(code="defence")
    assert (defence.name_fr, defence.name_nl, defence.name_de) == ("Défense", "Defensie", "Verteidigung")
    cgrs = Department.objects.get(code="interior-cgrs")
    assert (cgrs.abbreviation_fr, cgrs.abbreviation_nl, cgrs.abbreviation_de) == ("CGRA", "CGVS", "GKFS")
    texts = plan_texts(plan, language="fr")
    official = {t.key for t in texts if t.state("fr") == "official"}
    assert official == {t.key for t in texts if t.kind == "department"}
    assert all(t.state("fr") == "missing" for t in texts if t.kind != "department"), "no plan text shipped as official"


def test_an_old_form_plan_loads_and_exports_unchanged(db):
    document = small_document()
    loaded = plan_load(actor="tests", document=document).plan
    assert exports.plan_json(loaded) == interchange.dumps(document)
    assert not TranslationState.objects.filter(kind="action", object_id__in=loaded.actions.values("pk")).exists()


def test_a_string_leaves_translations_as_they_are_and_an_object_sets_them(db):
    with_translation = small_document(action={"en": "A line.", "fr": "Une ligne.", "state": {"fr": "official"}})
    plan_load(actor="tests", document=with_translation)
    plan_load(actor="tests", document=small_document())
    action = Action.objects.get(plan__slug="small")
    assert action.text_fr == "Une ligne."
    plan_load(actor="tests", document=small_document(action={"en": "A line.", "nl": "Een lijn."}))
    action.refresh_from_db()
    assert (action.text_fr, action.text_nl) == (None, "Een lijn.")
    states = dict(TranslationState.objects.filter(kind="action", object_id=action.pk).values_list("language", "state"))
    assert states == {"nl": "draft"}


def test_the_schema_is_shipped_valid_and_linked_from_the_readme():
    from pathlib import Path

    Draft202012Validator.check_schema(interchange.schema())
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "naptrack/plans/schema/naptrack-plan-1.schema.json" in readme
    pyproject = (Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"plans/schema/*.json"' in pyproject


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["departments"][0]["name"].pop("en"), "$.departments[0].name.en: missing"),
        (lambda d: d["departments"][0]["name"].__setitem__("es", "Asuntos"), "$.departments[0].name.es: unknown field"),
        (
            lambda d: d["departments"][0]["name"]["state"].__setitem__("fr", "final"),
            '$.departments[0].name.state.fr: must be one of official, draft, got "final"',
        ),
        (
            lambda d: d["objectives"][0].__setitem__("title", {"en": "T", "fr": "T", "state": {"nl": "official"}}),
            "$.objectives[0].title.state.nl: the text gives no nl translation to be official",
        ),
        (
            lambda d: d["objectives"][0]["goals"][0].__setitem__("text", 37),
            "$.objectives[0].goals[0].text: expected a string or an object of texts by language, got a number",
        ),
        (
            lambda d: d["objectives"][0]["goals"][0]["actions"][0].__setitem__("text", {"en": "A", "fr": "Une ligne "}),
            "$.objectives[0].goals[0].actions[0].text.fr: has leading or trailing white space",
        ),
        (
            lambda d: d["objectives"][0]["goals"][0]["actions"][0]["notes"].__setitem__(0, {"en": "N", "de": ""}),
            "$.objectives[0].goals[0].actions[0].notes[0].de: must not be empty",
        ),
    ],
)
def test_the_schema_rejects_bad_translations_naming_their_json_path(be_document, mutate, expected):
    document = copy.deepcopy(be_document)
    mutate(document)
    assert problems(document) == [expected]


# --- the translator's round trip ------------------------------------------------------------------


def xlsx_translated(plan: Plan, language: str, translations: dict[str, str]) -> bytes:
    """The exported workbook, translated in Excel (openpyxl): column C of the rows named."""
    book = load_workbook(io.BytesIO(translation_files.xlsx_write(plan, language, plan_texts(plan, language=language))))
    sheet = book.worksheets[0]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value in translations:
            row[2].value = translations[row[0].value]
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xliff_translated(plan: Plan, language: str, translations: dict[str, str]) -> bytes:
    """The exported XLIFF, translated as a CAT tool does: a <target> in the unit's segment."""
    root = etree.fromstring(translation_files.xliff_write(plan, language, plan_texts(plan, language=language)))
    for unit in root.iter(f"{{{XLIFF}}}unit"):
        if unit.get("id") in translations:
            segment = unit.find(f"{{{XLIFF}}}segment")
            target = segment.find(f"{{{XLIFF}}}target")
            if target is None:
                target = etree.SubElement(segment, f"{{{XLIFF}}}target")
            target.text = translations[unit.get("id")]
            segment.set("state", "translated")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_the_workbook_has_a_row_per_text_with_key_source_translation_and_state(plan):
    data = translation_files.xlsx_write(plan, "fr", plan_texts(plan, language="fr"))
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["department:defence:name"][1:4] == ("Defence", "Défense", "official")
    assert rows["action:14.a:text"][2] is None and rows["action:14.a:text"][3] == "missing"
    assert rows["instrument:1.a:2:text"][1] == "Responses to relevant questionnaires from the UN."
    assert sheet.protection.sheet and not sheet["C2"].protection.locked and sheet["B2"].protection.locked
    assert all(cell.data_type == "s" for cell in next(sheet.iter_rows(min_row=2, max_row=2)) if cell.value)


def test_an_xlsx_round_trip_sets_the_translations_their_state_history_and_audit(plan, coordinator):
    data = xlsx_translated(
        plan, "fr", {"action:1.a:text": "Ratifier et mettre en œuvre.", "goal:1:text": "But premier.", "plan:title": ""}
    )
    upload = translation_files.read(data, name="be-fr.xlsx")
    assert (upload.plan_slug, upload.language, upload.format) == (BE, "fr", "xlsx")
    history = Action.objects.get(plan=plan, code="1.a").history.count()
    result = translations_import(actor=coordinator, upload=upload, state="draft")
    assert result.applied and result.counts["translations_changed"] == 2
    action = Action.objects.get(plan=plan, code="1.a")
    assert action.text_fr == "Ratifier et mettre en œuvre."
    assert action.history.count() == history + 1
    assert Goal.objects.get(plan=plan, number=1).text_fr == "But premier."
    assert TranslationState.objects.get(kind="action", object_id=action.pk, language="fr").state == "draft"
    event = AuditEvent.objects.get(action="plans.translations.imported")
    assert event.actor_name == "coordinator"
    assert event.data["language"] == "fr" and event.data["translations_changed"] == 2
    assert event.data["file"] == "be-fr.xlsx" and event.data["format"] == "xlsx"


def test_an_xliff_round_trip_through_a_cat_tool_imports_official_translations(plan, coordinator):
    data = xliff_translated(
        plan, "nl", {"action:1.a:text": "Ratificeren en uitvoeren.", "note:1.a:1:text": "Onder andere."}
    )
    assert b'type="source-fingerprint"' in data and b'trgLang="nl"' in data
    upload = translation_files.read(data, name="be-nl.xlf")
    assert (upload.plan_slug, upload.language, upload.format) == (BE, "nl", "xliff")
    translations_import(actor=coordinator, upload=upload, state="official")
    action = Action.objects.get(plan=plan, code="1.a")
    assert action.text_nl == "Ratificeren en uitvoeren."
    assert action.notes.get(position=1).text_nl == "Onder andere."
    assert TranslationState.objects.get(kind="action", object_id=action.pk, language="nl").state == "official"
    # The same file again changes nothing; exported again, the translation is there and final.
    again = translations_import(actor=coordinator, upload=upload, state="official")
    assert again.changes == [] and again.unchanged == 2 + 20, "the two, and the departments' official names"
    exported = translation_files.xliff_write(plan, "nl", plan_texts(plan, language="nl"))
    unit = etree.fromstring(exported).find(f".//{{{XLIFF}}}unit[@id='action:1.a:text']")
    assert unit.find(f"{{{XLIFF}}}segment").get("state") == "final"


def test_a_changed_source_is_refused_with_its_key_and_nothing_is_written(plan, coordinator):
    data = xlsx_translated(plan, "fr", {"action:1.a:text": "Ligne.", "goal:2:text": "But deux."})
    Action.objects.filter(plan=plan, code="1.a").update(text_en="A reworded line.")
    with pytest.raises(TranslationImportError) as info:
        translations_import(actor=coordinator, upload=translation_files.read(data, name="f.xlsx"))
    assert [(r.key, r.reason) for r in info.value.result.refused] == [
        ("action:1.a:text", "The English text changed since the file was made: export the file again.")
    ]
    assert Goal.objects.get(plan=plan, number=2).text_fr is None
    assert not AuditEvent.objects.filter(action="plans.translations.imported").exists()


def test_an_unknown_key_is_refused(plan, coordinator):
    data = xliff_translated(plan, "de", {"goal:1:text": "Ziel."}).replace(b'id="goal:1:text"', b'id="goal:99:text"')
    with pytest.raises(TranslationImportError) as info:
        translations_import(actor=coordinator, upload=translation_files.read(data, name="f.xlf"))
    assert [r.key for r in info.value.result.refused] == ["goal:99:text"]


def test_a_dry_run_writes_nothing(plan, coordinator):
    data = xlsx_translated(plan, "fr", {"action:1.a:text": "Ligne."})
    result = translations_import(actor=coordinator, upload=translation_files.read(data, name="f.xlsx"), dry_run=True)
    assert [c.key for c in result.changes] == ["action:1.a:text"] and not result.applied
    assert Action.objects.get(plan=plan, code="1.a").text_fr is None
    assert not TranslationState.objects.filter(kind="action").exists()
    assert not AuditEvent.objects.filter(action="plans.translations.imported").exists()


def test_only_a_coordinator_imports_translations(plan, focal_defence, reader):
    upload = translation_files.read(xlsx_translated(plan, "fr", {"action:1.a:text": "Ligne."}), name="f.xlsx")
    for person in (focal_defence, reader):
        with pytest.raises(PermissionDenied):
            translations_import(actor=person, upload=upload)
    assert Action.objects.get(plan=plan, code="1.a").text_fr is None


def test_a_file_that_is_no_translation_file_is_refused(plan):
    with pytest.raises(translation_files.TranslationFileError):
        translation_files.read(b"code,name\n", name="f.csv")
    with pytest.raises(translation_files.TranslationFileError, match="DTD"):
        translation_files.read(b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><xliff/>', name="f.xlf")
    with pytest.raises(translation_files.TranslationFileError, match="not a translation workbook"):
        translation_files.read(exports.plan_xlsx(plan), name="plan.xlsx")


# --- the coordinator's screens --------------------------------------------------------------------


def url(lang: str = "fr", *rest: str) -> str:
    return f"/plans/{BE}/translations/{lang}/" + "".join(rest)


def test_the_coverage_screen_counts_official_draft_and_missing(plan, coordinator_client, be_document):
    notes = sum(len(a["notes"]) for o in be_document["objectives"] for g in o["goals"] for a in g["actions"])
    total = 1 + 20 + 6 + 6 + 37 + 102 + notes + 122
    response = coordinator_client.get(url("fr"))
    assert response.status_code == 200
    coverage = response.context["coverage"]
    assert (coverage.total, coverage.official, coverage.draft, len(coverage.missing)) == (total, 20, 0, total - 20)
    assert coverage.share == 20 * 100 // total
    assert (
        "action:14.a:text" in response.content.decode() and "department:defence:name" not in response.content.decode()
    )
    overview = coordinator_client.get(f"/plans/{BE}/translations/")
    assert [(lang, c.official) for lang, _, c in overview.context["rows"]] == [("fr", 20), ("nl", 20), ("de", 20)]


def test_the_coverage_screen_makes_a_fixed_number_of_queries(plan, coordinator, django_assert_num_queries):
    client = logged_in(coordinator)
    client.get(url("fr"))  # the session's first request reads the user once more
    # session, user, the user's role, plan, states, departments, objectives, goals, lines, instruments, notes
    with django_assert_num_queries(11):
        client.get(url("fr"))
    upload = translation_files.read(
        xlsx_translated(plan, "fr", {"action:1.a:text": "Ligne.", "note:1.a:1:text": "Note.", "goal:3:text": "But."}),
        name="f.xlsx",
    )
    translations_import(actor=coordinator, upload=upload)
    line = Action.objects.get(plan=plan, code="2.a")
    line.instruments.create(position=99, text_en="One more instrument.", kind="qualitative")
    with django_assert_num_queries(11):
        response = client.get(url("fr"))
    assert response.context["coverage"].draft == 3


def test_the_translation_screens_are_for_the_coordinator_only(plan, focal_defence_client, client):
    for path in (f"/plans/{BE}/translations/", url("fr"), url("fr", "download.xlsx")):
        assert focal_defence_client.get(path).status_code == 403
        assert client.get(path).status_code == 302, "anonymous: to the sign-in page"


def test_the_plans_page_links_the_coordinator_to_the_translations(plan, coordinator_client, focal_defence_client):
    link = f'href="/plans/{BE}/translations/"'
    assert link in coordinator_client.get("/plans/").content.decode()
    assert link not in focal_defence_client.get("/plans/").content.decode()


def test_download_upload_preview_and_confirm_in_the_browser(plan, coordinator_client):
    download = coordinator_client.get(url("nl", "download.xliff"))
    assert download["Content-Disposition"] == f'attachment; filename="{BE}-nl.xlf"'
    data = xlsx_translated(plan, "nl", {"action:1.a:text": "Lijn.", "goal:1:text": "Doel."})
    response = coordinator_client.post(url("nl"), {"file": _file(data, "be-nl.xlsx"), "state": "official"})
    assert response.status_code == 302
    preview = coordinator_client.get(response["Location"])
    assert [c.key for c in preview.context["result"].changes] == ["goal:1:text", "action:1.a:text"]
    assert Action.objects.get(plan=plan, code="1.a").text_nl is None, "nothing saved before the confirmation"
    confirmed = coordinator_client.post(response["Location"], {"confirm": "1"})
    assert confirmed.status_code == 302 and confirmed["Location"] == url("nl")
    action = Action.objects.get(plan=plan, code="1.a")
    assert action.text_nl == "Lijn."
    assert TranslationState.objects.get(kind="action", object_id=action.pk, language="nl").state == "official"


def test_a_stale_upload_shows_what_is_refused_and_cannot_be_confirmed(plan, coordinator_client):
    data = xlsx_translated(plan, "fr", {"action:1.a:text": "Ligne.", "goal:1:text": "But."})
    response = coordinator_client.post(url("fr"), {"file": _file(data, "be-fr.xlsx"), "state": "draft"})
    Action.objects.filter(plan=plan, code="1.a").update(text_en="Changed meanwhile.")
    preview = coordinator_client.get(response["Location"])
    assert [r.key for r in preview.context["result"].refused] == ["action:1.a:text"]
    assert 'name="confirm"' not in preview.content.decode()
    assert coordinator_client.post(response["Location"], {"confirm": "1"}).status_code == 409
    assert Goal.objects.get(plan=plan, number=1).text_fr is None


def test_a_file_for_another_language_is_refused_on_upload(plan, coordinator_client):
    data = xlsx_translated(plan, "de", {"goal:1:text": "Ziel."})
    response = coordinator_client.post(url("fr"), {"file": _file(data, "be-de.xlsx"), "state": "draft"})
    assert response.status_code == 400
    assert "not this plan in this language" in response.content.decode()


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


# --- the command line -----------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_exports_and_imports_translations(plan, capsys, tmp_path):
    path = tmp_path / "be-fr.xlsx"
    code, _, err = run(
        capsys, "plan", "translations", "export", BE, "--lang", "fr", "--format", "xlsx", "-o", str(path)
    )
    assert code == 0 and "20 official, 0 draft" in err
    book = load_workbook(path)
    for row in book.worksheets[0].iter_rows(min_row=2):
        if row[0].value == "action:1.a:text":
            row[2].value = "Ligne."
    book.save(path)
    code, out, err = run(capsys, "plan", "translations", "import", str(path), "--dry-run")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "action:1.a:text: translation missing -> draft"
    assert lines[1].startswith(f"{BE} [fr]: 1 translation(s) and 0 state(s) would change, ")
    assert lines[1].endswith("; dry run, nothing was written")
    assert Action.objects.get(plan=plan, code="1.a").text_fr is None
    code, out, _ = run(capsys, "plan", "translations", "import", str(path), "--state", "official")
    assert code == 0 and out.splitlines()[-1].endswith(", as official")
    assert Action.objects.get(plan=plan, code="1.a").text_fr == "Ligne."


def test_the_cli_refuses_a_stale_file_with_the_key_and_exit_status_1(plan, capsys, tmp_path):
    path = tmp_path / "be-de.xlf"
    path.write_bytes(xliff_translated(plan, "de", {"action:1.a:text": "Linie."}))
    Action.objects.filter(plan=plan, code="1.a").update(text_en="Changed.")
    code, out, err = run(capsys, "plan", "translations", "import", str(path))
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "naptrack: be-de.xlf: 1 text(s) refused; nothing was imported.",
        "naptrack: action:1.a:text: The English text changed since the file was made: export the file again.",
    ]


def test_the_cli_names_what_it_cannot_do(plan, capsys, tmp_path):
    code, _, err = run(capsys, "plan", "translations", "export", "nowhere", "--lang", "fr", "-o", str(tmp_path / "x"))
    assert code == 1 and err.startswith("naptrack: no plan 'nowhere'")
    with pytest.raises(SystemExit) as info:
        run(capsys, "plan", "translations", "export", BE, "--lang", "es")
    assert info.value.code == 2
    (tmp_path / "x.csv").write_text("key,source\n")
    code, _, err = run(capsys, "plan", "translations", "import", str(tmp_path / "x.csv"))
    assert code == 1 and "neither an Excel workbook" in err and "Nothing was imported." in err
