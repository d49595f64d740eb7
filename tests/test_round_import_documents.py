"""The report documents the round importer is measured and tested on (bench/report_documents.py)
say what their truth says: read back with python-docx, pdfplumber and openpyxl, every layout
holds every contribution of the truth, in its own words, and nothing else."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.round_import_data import (
    LAYOUTS,
    STATUS_WORDS,
    documents,
    normalise,
    truth_for,
)
from tests.round_import_data import _documents as bench

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def truth(be_document):
    return bench.truth_from_document(be_document, 2012)


@pytest.fixture(scope="module")
def paths(truth, tmp_path_factory):
    return documents(truth, tmp_path_factory.mktemp("reports"))


def _labels(truth, code: str) -> set[str]:
    department = truth.departments[code]
    own = {department.name, department.abbreviation}
    if department.parent:
        own |= {f"{truth.departments[department.parent].name} - {label}" for label in own}
    return own


def _matrix_rows(truth) -> list[list]:
    """The truth as a matrix prints it: departments that answered together in one row."""
    rows: list[list] = []
    for contributions in truth.by_line().values():
        for i, c in enumerate(contributions):
            if i and (rows[-1][0].status, rows[-1][0].text) == (c.status, c.text):
                rows[-1].append(c)
            else:
                rows.append([c])
    return rows


def test_truth_is_a_realistic_round_of_the_stored_plan(plan, truth):
    assert truth_for(plan, 2012).contributions == truth.contributions
    assert truth_for(plan, 2013).contributions != truth.contributions
    lines = {line.code: line for line in truth.lines}
    assert len(lines) == 102
    keys = [c.key for c in truth.contributions]
    assert len(keys) == len(set(keys))
    for c in truth.contributions:
        assert c.department in lines[c.line].departments
        assert c.status in (*bench.STATUS_WORDS["en"], "")
        assert c.text.strip()
    # Not everything is reported: whole lines are silent, and departments on lines they share.
    reported = {c.line for c in truth.contributions}
    assert 80 < len(reported) < 102
    assert len(keys) < sum(len(lines[code].departments) for code in reported)
    assert 0 < sum(c.status == "" for c in truth.contributions) < len(keys) / 5
    assert len(set(Counter(c.status for c in truth.contributions))) == 6
    # Figures by sex, only on lines counted by sex, and said in the text.
    with_figures = [c for c in truth.contributions if c.figures]
    assert with_figures
    for c in with_figures:
        figure = c.figures[0]
        assert figure["instrument"] == lines[c.line].by_sex
        assert str(figure["women"]) in c.text and str(figure["men"]) in c.text
    # A few departments paste one text onto several lines.
    texts = Counter((c.department, c.text) for c in truth.contributions)
    assert 0 < sum(n > 1 for n in texts.values()) <= 5


def _docx_rows(path):
    import docx

    document = docx.Document(str(path))
    rows = []
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    for table in document.tables:
        header, *body = table.rows
        assert [c.text for c in header.cells] == ["No.", "Line of action", "Department", "Status", "Achievements"]
        line: tuple[str, str] | None = None
        for row in body:
            tcs = row._tr.tc_lst
            merge = tcs[0].find(f".//{W}vMerge")
            if merge is None or merge.get(f"{W}val") == "restart":
                line = (tcs[0].xpath("string(.)"), tcs[1].xpath("string(.)"))
            else:
                assert not tcs[0].xpath("string(.)") and not tcs[1].xpath("string(.)")
            cells = row.cells
            rows.append((*line, cells[2].text, cells[3].text, [p.text for p in cells[4].paragraphs]))
    return headings, rows


def test_docx_objective_holds_every_contribution_in_a_matrix_by_objective(truth, paths):
    headings, rows = _docx_rows(paths["docx-objective"])
    objectives = sorted({truth.line(c.line).objective for c in truth.contributions})
    assert headings == [f"Objective {n}. {truth.objectives[n]}" for n in objectives]
    expected = _matrix_rows(truth)
    assert len(rows) == len(expected) < len(truth.contributions)
    blank_codes: set[str] = set()
    reworded: set[str] = set()
    for (code, text, departments, status, paragraphs), group in zip(rows, expected, strict=True):
        c = group[0]
        assert code in (c.line, "")
        if not code:
            blank_codes.add(c.line)
            if text != truth.line(c.line).text:
                reworded.add(c.line)
        else:
            assert text == truth.line(c.line).text
        names = re.split(r", | / |\n", departments)
        assert len(names) == len(group)
        for name, one in zip(names, group, strict=True):
            assert name in _labels(truth, one.department)
        assert status in STATUS_WORDS["en"].get(c.status, ("",))
        assert paragraphs == c.text.split("\n\n")
    merged = sum(len(cs) > 1 for cs in truth.by_line().values())
    assert merged > 30
    assert 3 <= len(blank_codes) <= 25 and reworded
    # Synonyms, not only the usual word; names, abbreviations, units after their department.
    assert {"Done", "Ongoing"} & {row[3] for row in rows}
    printed = {name for row in rows for name in re.split(r", | / |\n", row[2])}
    assert printed & {d.abbreviation for d in truth.departments.values()}
    assert any(" - " in name for name in printed)


def test_xlsx_rows_holds_every_contribution_with_figures_in_columns(truth, paths):
    from openpyxl import load_workbook

    sheet = load_workbook(paths["xlsx-rows"]).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("Code", "Line of action", "Department", "Status", "Report", "Women", "Men")
    body = rows[3:]
    assert len(body) == len(truth.contributions)
    blank = 0
    for (code, text, department, status, report, women, men), c in zip(body, truth.contributions, strict=True):
        blank += code is None
        assert code in (c.line, None)
        assert text == truth.line(c.line).text or code is None
        assert department in _labels(truth, c.department)
        assert (status or "") in STATUS_WORDS["en"].get(c.status, ("",))
        assert report == c.text
        figure = c.figures[0] if c.figures else {}
        assert (women, men) == (figure.get("women"), figure.get("men"))
    assert blank


def test_csv_dutch_holds_every_contribution_in_dutch(truth, paths):
    import csv

    raw = paths["csv-dutch"].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines(keepends=True), delimiter=";"))
    assert rows[0] == ["Nr.", "Actielijn", "Departement", "Stand van zaken", "Verwezenlijkingen", "Vrouwen", "Mannen"]
    assert len(rows) - 1 == len(truth.contributions)
    for (code, _text, department, status, report, women, men), c in zip(rows[1:], truth.contributions, strict=True):
        assert code in (c.line, "")
        dutch = truth.departments[c.department].named("nl")
        parent = truth.departments[c.department].parent
        assert department in {*dutch, *(f"{truth.departments[parent].named('nl')[0]} - {d}" for d in dutch if parent)}
        assert status in STATUS_WORDS["nl"].get(c.status, ("",))
        assert normalise(report) == normalise(c.text)
        figure = c.figures[0] if c.figures else {}
        assert (women, men) == (str(figure.get("women", "")), str(figure.get("men", "")))
    assert "FOD Justitie" in {row[2] for row in rows}


def test_pdf_pages_runs_the_matrix_over_pages_in_french(truth, paths):
    import pdfplumber

    words: list[str] = []
    with pdfplumber.open(paths["pdf-pages"]) as pdf:
        assert len(pdf.pages) > 20
        for number, page in enumerate(pdf.pages, 1):
            text = page.extract_text()
            assert f"Page {number} / {len(pdf.pages)}" in text
            assert "Rapport de mise en oeuvre - PAN 1325" in text
            if number > 1:
                assert re.search(r"N° Ligne d'action Département État Réalisations", text)
            page_words = page.extract_words(extra_attrs=["size"])
            headers = [w for w in page_words if w["text"] == "Réalisations"]
            if not headers:
                continue
            # The last column, under its header (two lines high) and above the footer, in body
            # type (not an objective's heading across the page): the texts reported.
            words += [
                w["text"]
                for w in page_words
                if w["x0"] >= headers[0]["x0"] - 3
                and w["top"] > headers[0]["bottom"] + 12
                and w["top"] < page.height - 40
                and w["size"] < 10
                and not any(h["top"] - 1 <= w["top"] <= h["bottom"] + 12 for h in headers)
            ]
        statuses = {w for p in pdf.pages for w in p.extract_text().split()}
    # A line broken after a hyphen ("co-" / "sponsored") is one word.
    read = re.sub(r"(\w)- (\w)", r"\1-\2", " ".join(words))
    assert read == " ".join(normalise(group[0].text) for group in _matrix_rows(truth))
    assert {"Réalisé", "Continu"} <= statuses


def test_the_same_truth_renders_the_same_documents(truth, paths, tmp_path):
    again = documents(truth, tmp_path, ("docx-objective",))
    assert _docx_rows(again["docx-objective"]) == _docx_rows(paths["docx-objective"])
    assert set(paths) == set(LAYOUTS)
