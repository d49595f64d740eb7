"""The bundled Belgian plan states the plan's structure faithfully: these are its invariants."""

from __future__ import annotations

import re
import string

import pytest

from naptrack.plans import interchange

ARTEFACTS = [
    (re.compile(r"[¹²³⁴⁵⁶⁷⁸⁹⁰]"), "footnote mark"),
    (re.compile(r"\$\^"), "LaTeX footnote mark"),
    (re.compile(r"\t|\n(?!\n)|  "), "tab, line break or double space"),
    (re.compile(r"[a-z]- [a-z]"), "line-break hyphenation"),
    (re.compile(r"[•*]"), "bullet or stray mark"),
    (re.compile(r"[\u0400-\u04FF]"), "Cyrillic look-alike"),
    (re.compile(r"^\s|\s$"), "leading or trailing space"),
]


def texts(document: dict):
    yield "$.title", document["title"]
    for o in document["objectives"]:
        yield f"objective {o['number']} title", o["title"]
        for i, paragraph in enumerate(o["intro"].split("\n\n")):
            yield f"objective {o['number']} intro paragraph {i + 1}", paragraph
        for g in o["goals"]:
            yield f"goal {g['number']}", g["text"]
            for a in g["actions"]:
                yield f"line {a['code']}", a["text"]
                for n in a["notes"]:
                    yield f"line {a['code']} note", n
                for i in a["instruments"]:
                    yield f"line {a['code']} instrument", i["text"]


def actions(document: dict):
    for o in document["objectives"]:
        for g in o["goals"]:
            for a in g["actions"]:
                yield o, g, a


def test_bundled_plan_is_a_valid_document(be_document):
    interchange.validate(be_document)
    assert be_document["slug"] == "be-nap-2013-2016"
    assert be_document["period"] == {"start": 2013, "end": 2016}
    assert be_document["focus_countries"] == ["AF", "CD", "ML"]


def test_six_objectives_and_37_goals_numbered_contiguously(be_document):
    assert [o["number"] for o in be_document["objectives"]] == [1, 2, 3, 4, 5, 6]
    goals = [g["number"] for o in be_document["objectives"] for g in o["goals"]]
    assert goals == list(range(1, 38))


def test_line_codes_follow_their_goal_and_letters_are_contiguous(be_document):
    for _, goal, _ in actions(be_document):
        codes = [a["code"] for a in goal["actions"]]
        if len(codes) == 1:
            assert codes == [str(goal["number"])], f"goal {goal['number']} has a single line"
        else:
            expected = [f"{goal['number']}.{letter}" for letter in string.ascii_lowercase[: len(codes)]]
            assert codes == expected, f"goal {goal['number']}"


def test_every_line_has_known_departments_and_a_valid_coordinator(be_document):
    known = {d["code"] for d in be_document["departments"]}
    for _, _, a in actions(be_document):
        assert a["departments"], f"{a['code']} has no department"
        assert set(a["departments"]) <= known, a["code"]
        assert a["coordinator"] is None or a["coordinator"] in a["departments"]
    coordinators = {a["code"]: a["coordinator"] for _, _, a in actions(be_document) if a["coordinator"]}
    assert coordinators == {"33": "equality", "34": "foreign-affairs"}


def test_departments_are_the_plans_federal_departments_and_interior_units(be_document):
    tree = {d["code"]: d["parent"] for d in be_document["departments"]}
    assert tree == {
        "foreign-affairs": None,
        "development": None,
        "defence": None,
        "interior": None,
        "interior-federal-police": "interior",
        "interior-cgrs": "interior",
        "interior-office-for-foreigners": "interior",
        "interior-fedasil": "interior",
        "justice": None,
        "equality": None,
    }


@pytest.mark.parametrize(("pattern", "what"), ARTEFACTS, ids=[what for _, what in ARTEFACTS])
def test_no_text_carries_extraction_artefacts(be_document, pattern, what):
    offenders = [(where, text) for where, text in texts(be_document) if pattern.search(text)]
    assert offenders == [], f"{what} in {offenders[:3]}"


def test_counts_of_lines_and_instruments(be_document):
    lines = list(actions(be_document))
    instruments = [i for _, _, a in lines for i in a["instruments"]]
    assert len(lines) == 102
    assert len(instruments) == 122
    # The two lines whose monitoring cell the plan leaves empty.
    assert [a["code"] for _, _, a in lines if not a["instruments"]] == ["20.e", "25.d"]
    by_sex = {a["code"] for _, _, a in lines for i in a["instruments"] if i.get("by_sex")}
    assert by_sex == {"13.a", "13.c", "21", "23.a", "23.b", "24.b"}


def test_instruments_have_the_kind_their_text_asks_for(be_document):
    instruments = [(a["code"], i) for _, _, a in actions(be_document) for i in a["instruments"]]
    kinds = {}
    for _, i in instruments:
        kinds[i["kind"]] = kinds.get(i["kind"], 0) + 1
    assert kinds == {"qualitative": 81, "quantitative": 6, "count": 16, "money": 2, "share": 3, "yes-no": 14}
    # Counts of people by sex are the only quantitative instruments; every count says of what.
    assert all(i.get("by_sex") for _, i in instruments if i["kind"] == "quantitative")
    assert all(i.get("unit") for _, i in instruments if i["kind"] == "count")
    assert [code for code, i in instruments if i["kind"] == "money"] == ["3.a", "8.a"]
    assert [code for code, i in instruments if i["kind"] == "share"] == ["4.a", "16.a", "16.a"]
    assert {i["unit"] for _, i in instruments if i["kind"] == "count"} == {
        "trainings",
        "experts",
        "projects or programmes",
        "victims",
        "agreements",
        "countries",
        "events",
    }
    yes_no = {i["text"] for _, i in instruments if i["kind"] == "yes-no"}
    assert {"NAP adopted.", "Belgian code drawn up.", "Section added.", "Database.", "Training plan."} <= yes_no
    # "Interventions carried out." reports what was done, in words, wherever it appears.
    assert {i["kind"] for _, i in instruments if i["text"] == "Interventions carried out."} == {"qualitative"}


def test_line_14a_and_its_six_departments(be_document):
    line = next(a for _, _, a in actions(be_document) if a["code"] == "14.a")
    assert len(line["departments"]) == 6


def test_instruments_are_split_one_per_entry(be_document):
    line = next(a for _, _, a in actions(be_document) if a["code"] == "1.a")
    assert [i["text"] for i in line["instruments"]] == [
        "Periodic reporting under CEDAW.",
        "Responses to relevant questionnaires from the UN.",
    ]
    line = next(a for _, _, a in actions(be_document) if a["code"] == "7.c")
    assert len(line["instruments"]) == 3


def test_footnotes_are_notes_of_their_line(be_document):
    notes = {a["code"]: a["notes"] for _, _, a in actions(be_document) if a["notes"]}
    assert notes["1.a"][0].startswith("Amongst others, the Convention on the Elimination")
    assert notes["6.a"] == [
        "Within the Federal Police, the theme of gender will be mainstreamed across all modules of new "
        "training courses."
    ]
    assert len(notes["21"]) == 3


def test_each_objective_has_its_introduction(be_document):
    for o in be_document["objectives"]:
        assert len(o["intro"]) > 300, o["number"]
    assert be_document["objectives"][0]["intro"].startswith("The rights of women must be respected")


def test_every_department_has_its_abbreviation(be_document):
    """The report's annex of departments and its tables by department name them by abbreviation."""
    abbreviations = {d["code"]: interchange.source_of(d.get("abbreviation")) for d in be_document["departments"]}
    assert all(abbreviations.values()), [code for code, a in abbreviations.items() if not a]
    assert abbreviations["interior-cgrs"] == "CGRS" and abbreviations["development"] == "DGD"


def test_every_department_has_its_official_names_in_french_dutch_and_german(be_document):
    """The departments' own names, as the federal public services write them, marked official;
    the plan's own texts carry no translation (no unofficial text passes for official)."""
    for d in be_document["departments"]:
        for field in ("name", "abbreviation"):
            text = d[field]
            assert set(text) == {"en", "fr", "nl", "de", "state"}, (d["code"], field)
            assert text["state"] == {"fr": "official", "nl": "official", "de": "official"}, (d["code"], field)
    names = {d["code"]: d["name"] for d in be_document["departments"]}
    assert names["foreign-affairs"]["nl"].startswith("FOD Buitenlandse Zaken")
    assert names["interior-cgrs"]["fr"] == "Commissariat général aux réfugiés et aux apatrides (CGRA)"
    assert names["equality"]["de"] == "Institut für die Gleichheit von Frauen und Männern (IGFM)"
    assert all(isinstance(text, str) for _, text in texts(be_document))
