"""Importing a past report into a round (issue #20) on the real Belgian plan: the bench's report
documents in every layout (tests/round_import_data.py) made into baseline rounds as opening them
would, a small hand-made report read exactly, the report to parliament of a later round showing
the imported baseline beside its own, bad input refused with nothing written, and who may import.
The command line is tests/test_round_import_cli.py's."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from naptrack.audit.models import AuditEvent
from naptrack.plans.importing.model import DEPARTMENT_UNMATCHED, ROW_UNPLACED
from naptrack.plans.models import Instrument, Responsibility
from naptrack.portal.publishing import RoundNotPublished, round_import_published
from naptrack.publications import content, services
from naptrack.reporting.importing import (
    FIGURES_FROM_TEXT,
    LINE_BY_TEXT,
    STATUS_UNKNOWN,
    DocumentImportError,
    RoundProposal,
    read_round_document,
)
from naptrack.reporting.importing.placing import place
from naptrack.reporting.importing.reading import read_report
from naptrack.reporting.models import Contribution, Round
from naptrack.reporting.services import round_import
from tests.portal_data import fill, new_round, publish, reports_not_written
from tests.round_import_data import LAYOUTS, _documents, documents, normalise, truth_for
from tests.round_import_small import BAD_DOCUMENTS, SMALL_EXPECTED, SMALL_ROWS, counts, write_bad, write_small
from tests.test_report import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    # Published reports (when not skipped) in each test's own folder.
    settings.MEDIA_ROOT = tmp_path / "media"


def imported(actor, plan, path: Path, *, kind: str = "baseline", year: int = 2012, **kwargs) -> Round:
    proposal = read_round_document(path, plan=plan)
    return round_import(actor=actor, plan=plan, kind=kind, year=year, proposal=proposal, **kwargs)


def stored(round_: Round) -> dict[tuple[str, str], Contribution]:
    return {
        (c.action.code, c.department.code): c
        for c in Contribution.objects.filter(round=round_).select_related("action", "department")
    }


def figures_of(c: Contribution) -> list[dict]:
    """The figures by sex stored on a contribution, as the document gives them."""
    return [
        {"instrument": m.instrument.position, "women": m.women, "men": m.men}
        for m in c.measurements.select_related("instrument").order_by("instrument__position")
        if m.women is not None or m.men is not None
    ]


def assert_round_as_opened(round_: Round, plan) -> None:
    """One contribution per line and responsible department, each with one answer per instrument,
    as round_open makes them; the round closed."""
    assert round_.state == Round.State.CLOSED and round_.closed_at and round_.opened_at
    pairs = set(
        Responsibility.objects.filter(action__plan=plan, action__retired_in__isnull=True).values_list(
            "action__code", "department__code"
        )
    )
    assert set(stored(round_)) == pairs and Contribution.objects.filter(round=round_).count() == len(pairs)
    per_line = {}
    for code in Instrument.objects.filter(action__plan=plan, retired_in__isnull=True).values_list(
        "action__code", flat=True
    ):
        per_line[code] = per_line.get(code, 0) + 1
    for (code, _department), c in stored(round_).items():
        assert c.measurements.count() == per_line.get(code, 0)


def assert_only_these_filled(round_: Round, expected: dict, name: str) -> None:
    """The contributions the document gives approved, on the departments' behalf, marked with the
    file and row; every other one a draft with nothing in it."""
    for key, c in stored(round_).items():
        if key in expected:
            assert c.state == Contribution.State.APPROVED, key
            assert c.on_behalf and c.approved_at and c.submitted_at
            assert c.imported_from.startswith(f"{name}, "), c.imported_from
        else:
            assert c.state == Contribution.State.DRAFT, key
            assert (c.status, c.narrative, c.imported_from, c.on_behalf) == ("", "", "", False), key
            assert figures_of(c) == []


def assert_audited_once(round_: Round, name: str, filled: int) -> None:
    events = AuditEvent.objects.filter(action="reporting.round.imported")
    assert events.count() == 1
    event = events.get()
    assert event.target_id == str(round_.pk)
    assert event.data["file"] == name and event.data["filled"] == filled
    assert event.data["contributions"] == Contribution.objects.filter(round=round_).count()


# --- the bench's documents in every layout ---------------------------------------------------------


@pytest.fixture(scope="module")
def truth(be_document):
    return _documents.truth_from_document(be_document, 2012)


@pytest.fixture(scope="module")
def paths(truth, tmp_path_factory) -> dict[str, Path]:
    """Every layout's document, made once."""
    return documents(truth, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def readings(paths):
    """Each document read once (the PDF takes seconds); placing it on the plan needs the database."""
    return {layout: read_report(path) for layout, path in paths.items()}


def proposal_of(readings, paths, layout: str, plan) -> RoundProposal:
    return place(readings[layout], plan, year=2012, name=paths[layout].name)


ALL_LAYOUTS = list(LAYOUTS)


@pytest.mark.parametrize("layout", ALL_LAYOUTS)
def test_each_layout_makes_a_closed_baseline_round_with_the_documents_contributions(
    layout, readings, paths, truth, plan, coordinator, mailoutbox
):
    proposal = proposal_of(readings, paths, layout, plan)
    round_ = round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)

    assert (round_.kind, round_.year) == ("baseline", 2012)
    assert_round_as_opened(round_, plan)
    expected = {c.key: c for c in truth.contributions}
    assert_only_these_filled(round_, expected, paths[layout].name)
    contributions = stored(round_)
    given = {(p.line, p.department): p for p in proposal.contributions}
    assert set(given) == set(expected), "every reported line and department placed, nothing else"
    for key, want in expected.items():
        c = contributions[key]
        # Stored as read, and read as the department wrote it (its paragraphs: see the test below).
        assert (c.status, c.narrative, figures_of(c)) == (given[key].status, given[key].text, given[key].figures)
        assert (c.status, normalise(c.narrative), figures_of(c)) == (want.status, normalise(want.text), want.figures)
        assert c.imported_from == f"{paths[layout].name}, {given[key].source}"
    assert any(c.figures for c in truth.contributions)
    assert mailoutbox == []
    assert_audited_once(round_, paths[layout].name, len(expected))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_paragraphs_of_a_cell_are_kept(layout, readings, paths, truth, plan):
    proposal = proposal_of(readings, paths, layout, plan)
    assert sum("\n\n" in c.text for c in truth.contributions) > 40
    read = {(p.line, p.department): p.text for p in proposal.contributions}
    want = {c.key: c.text for c in truth.contributions}
    if paths[layout].suffix == ".pdf":
        # A page that falls after a sentence's end cannot be told from a paragraph's end: the
        # words are all right, and the paragraphs nearly always.
        assert {k: " ".join(t.split()) for k, t in read.items()} == {k: " ".join(t.split()) for k, t in want.items()}
        assert sum(read[k] != t for k, t in want.items()) <= 2
    else:
        assert read == want


def test_the_truth_of_another_seed_imports_as_an_annual_round_as_well(plan, coordinator, tmp_path, mailoutbox):
    other = truth_for(plan, seed=2014, year=2014)
    path = documents(other, tmp_path, ("xlsx-rows",))["xlsx-rows"]
    round_ = imported(coordinator, plan, path, kind="annual", year=2014)
    assert (round_.kind, round_.year, round_.state) == ("annual", 2014, Round.State.CLOSED)
    assert_only_these_filled(round_, {c.key: c for c in other.contributions}, path.name)


# --- a small report, read exactly -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["small.csv", "small.txt"])
def test_a_small_report_is_read_and_imported_exactly(name, plan, coordinator, tmp_path, mailoutbox):
    path = write_small(tmp_path, name)
    proposal = read_round_document(path, plan=plan)

    got = {(p.line, p.department): (p.status, p.text, p.figures) for p in proposal.contributions}
    want = {key: (status, text, figures) for key, (status, text, figures, _row) in SMALL_EXPECTED.items()}
    if name.endswith(".txt"):
        # Printed text has no paragraphs: the continued row goes on in the same one.
        status, text, figures = want[("7.b", "defence")]
        want[("7.b", "defence")] = (status, text.replace("\n\n", " "), figures)
    assert got == want
    row = "row" if name.endswith(".csv") else "line"
    checks = [(c.kind, c.location, c.subject) for c in proposal.checks]
    at = (lambda n: f"row {n}") if row == "row" else (lambda n: f"line {n}")
    assert checks == [
        (LINE_BY_TEXT, at(3), "3.a"),
        (STATUS_UNKNOWN, at(6), "Top priority"),
        (FIGURES_FROM_TEXT, at(9), ""),
        (ROW_UNPLACED, at(11), ""),
    ]
    assert "defence is not responsible for line 3.c" in proposal.checks[-1].message
    assert proposal.status_mapping["Réalisé"] == "completed" and proposal.status_mapping["Top priority"] == ""
    by_text = next(p for p in proposal.contributions if p.line == "3.a")
    assert by_text.matched == "text" and 0.5 <= by_text.score <= 1

    round_ = round_import(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)

    assert_round_as_opened(round_, plan)
    assert_only_these_filled(round_, SMALL_EXPECTED, name)
    contributions = stored(round_)
    for key, (status, text, figures) in want.items():
        c = contributions[key]
        assert (c.status, c.narrative, figures_of(c)) == (status, text, figures), key
        assert c.imported_from.endswith(f"{row} {SMALL_EXPECTED[key][3]}"), c.imported_from
    assert contributions[("3.c", "foreign-affairs")].state == Contribution.State.DRAFT
    assert ("3.c", "defence") not in contributions
    assert mailoutbox == []
    assert_audited_once(round_, name, len(SMALL_EXPECTED))


def test_a_csv_rows_source_names_the_file_once(plan, coordinator, tmp_path):
    round_ = imported(coordinator, plan, write_small(tmp_path))
    assert stored(round_)[("1.a", "justice")].imported_from == "small.csv, row 2"


def test_figures_given_for_a_line_not_counted_by_sex_are_left_out_with_a_check(plan, tmp_path):
    rows = [["1.a", "", "Justice", "Completed", "We trained 12 women and 30 men.", "", ""]]
    proposal = read_round_document(write_small(tmp_path, rows=rows), plan=plan)
    assert [(p.line, p.department, p.figures) for p in proposal.contributions] == [("1.a", "justice", [])]
    assert [c.kind for c in proposal.checks] == ["figures-unplaced"]


# --- the report to parliament of a later round --------------------------------------------------------


@pytest.fixture
def baseline_published(plan, coordinator, tmp_path, monkeypatch):
    """The small report imported as the 2012 baseline and published at once (its stored report
    files are not what these tests look at)."""
    proposal = read_round_document(write_small(tmp_path, "baseline-2012.csv"), plan=plan)
    with reports_not_written(monkeypatch):
        return round_import_published(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)


def later_round(plan, coordinator, focal_defence, monkeypatch) -> Round:
    """The 2014 annual round, opened, filled through the services and published: Defence moves
    7.b forward and counts again on 23.a."""
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "7.b", "defence", focal_defence, coordinator, status="completed", narrative="Advisers in Mali.")
    fill(
        round_,
        "23.a",
        "defence",
        focal_defence,
        coordinator,
        status="completed",
        narrative="More women deployed.",
        answers={1: {"women": 20, "men": 40}},
    )
    return publish(round_, coordinator, monkeypatch)


def test_the_later_report_shows_the_imported_baselines_statuses_and_figures_beside_its_own(
    baseline_published, plan, coordinator, focal_defence, monkeypatch
):
    assert baseline_published.state == Round.State.PUBLISHED
    assert AuditEvent.objects.filter(action="reporting.round.published", target_id=str(baseline_published.pk)).exists()
    r2014 = later_round(plan, coordinator, focal_defence, monkeypatch)

    report = content.build(content.load(r2014, draft=False), "en")

    assert report.earlier_rounds == ["2012 (baseline)"]
    lines = {line.code: line for line in report.lines()}
    change = next(n.change for n in lines["7.b"].narratives if n.department.code == "defence")
    assert (change.round_label, change.status, change.movement) == ("2012 (baseline)", "in-progress", content.FORWARD)
    assert change.label == "in progress \u2192 completed"
    # What Defence wrote in the baseline, beside this year's.
    previous = [(p.department.code, p.text) for p in lines["7.b"].previous]
    assert ("defence", "Defence trained gender advisers.\n\nThey went to Mali in the autumn.") in previous
    # The baseline's figures beside this year's on 23.a, and in the baseline annex with 21's.
    history = [
        (row.round_label, row.department.code, row.figures.women, row.figures.men)
        for row in lines["23.a"].instruments[0].history
    ]
    assert history == [("2012 (baseline)", "defence", 12, 30), ("2014", "defence", 20, 40)]
    annex = next(a for a in report.annexes if a.key == "baseline")
    (table,) = annex.tables
    assert [[str(cell) for cell in row[:5]] for row in table.rows] == [
        ["21", "2", "Federal Police", "25", "75"],
        ["23.a", "1", "Defence", "12", "30"],
    ]
    html = services.report_build(r2014, "html", "en").decode()
    line_7b = text_of(html[html.index('id="line-7.b"') : html.index('id="line-7.c"')])
    assert "Since 2012 (baseline): in progress \u2192 completed (moved forward)" in line_7b
    line_23a = html[html.index('id="line-23.a"') : html.index('id="line-23.b"')]
    assert "2012 (baseline): 12 women, 30 men" in line_23a
    answers = next(a for a in report.annexes if a.key == "previous-answers")
    assert any(
        row[0] == "13.a" and row[3] == "The Office trained its asylum officers." for row in answers.tables[0].rows
    )


def test_a_baseline_imported_closed_shows_in_the_draft_report_only(
    plan, coordinator, focal_defence, tmp_path, monkeypatch
):
    imported(coordinator, plan, write_small(tmp_path))
    round_ = new_round(plan, coordinator, "annual", 2014)
    fill(round_, "7.b", "defence", focal_defence, coordinator, status="completed")
    round_ = publish(round_, coordinator, monkeypatch)

    final = content.build(content.load(round_, draft=False), "en")
    draft = content.build(content.load(round_, draft=True), "en")

    assert final.earlier_rounds == [] and "baseline" not in [a.key for a in final.annexes]
    assert draft.earlier_rounds == ["2012 (baseline)"] and "baseline" in [a.key for a in draft.annexes]


# --- bad input: nothing written ---------------------------------------------------------------------


@pytest.mark.parametrize("name", list(BAD_DOCUMENTS))
def test_a_document_without_a_report_matrix_is_refused_by_name(name, plan, tmp_path, be_document):
    path, says = write_bad(tmp_path, name, be_document)
    before = counts()
    with pytest.raises(DocumentImportError) as error:
        read_round_document(path, plan=plan)
    assert says in str(error.value)
    assert counts() == before


def refused(actor, plan, path: Path, *, kind: str = "baseline", year: int = 2012, **kwargs) -> list[str]:
    before = counts()
    with pytest.raises(ValidationError) as error:
        imported(actor, plan, path, kind=kind, year=year, **kwargs)
    assert counts() == before
    return error.value.messages


def test_a_second_round_of_the_same_kind_and_year_is_refused(plan, coordinator, tmp_path):
    first = imported(coordinator, plan, write_small(tmp_path))
    messages = refused(coordinator, plan, write_small(tmp_path))
    assert messages == [
        "This plan already has a round of this kind (baseline) for 2012. Import with Replace "
        "(--replace on the command line) to replace it, if no department has reported in it."
    ]
    assert Round.objects.get(plan=plan, kind="baseline", year=2012) == first


def test_replace_takes_the_place_of_a_round_without_departmental_input(plan, coordinator, tmp_path, mailoutbox):
    opened = new_round(plan, coordinator, "baseline", 2012)
    old = opened.pk
    round_ = imported(coordinator, plan, write_small(tmp_path), replace=True)
    assert not Round.objects.filter(pk=old).exists()
    assert Round.objects.filter(plan=plan, kind="baseline", year=2012).get() == round_
    assert_only_these_filled(round_, SMALL_EXPECTED, "small.csv")
    event = AuditEvent.objects.get(action="reporting.round.imported")
    assert event.data["replaced"] == old
    # An imported round has no departmental input: it may be replaced by a better reading.
    again = imported(coordinator, plan, write_small(tmp_path, rows=SMALL_ROWS[:1]), replace=True)
    assert {k for k, c in stored(again).items() if c.imported_from} == {("1.a", "justice")}


def test_replace_is_refused_once_a_focal_point_saved_a_contribution(plan, coordinator, focal_defence, tmp_path):
    opened = new_round(plan, coordinator, "baseline", 2012)
    fill(opened, "7.b", "defence", focal_defence, coordinator, then="saved", narrative="Our own words.")
    messages = refused(coordinator, plan, write_small(tmp_path), replace=True)
    assert messages == ["Departments have reported in the existing round: it cannot be replaced."]
    assert Round.objects.filter(pk=opened.pk).exists()


def test_replace_is_refused_for_a_published_round(baseline_published, plan, coordinator, tmp_path):
    messages = refused(coordinator, plan, write_small(tmp_path), replace=True)
    assert messages == ["The existing round is published: its report is public and it cannot be replaced."]
    assert Round.objects.get(plan=plan, kind="baseline", year=2012) == baseline_published


def test_rows_naming_a_department_the_plan_does_not_have_are_refused(plan, coordinator, tmp_path):
    rows = [*SMALL_ROWS, ["26.a", "", "Ministry of Magic", "Completed", "Spells were cast.", "", ""]]
    path = write_small(tmp_path, rows=rows)
    proposal = read_round_document(path, plan=plan)
    assert [c.subject for c in proposal.checks if c.kind == DEPARTMENT_UNMATCHED] == ["Ministry of Magic"]
    messages = refused(coordinator, plan, path)
    assert messages == [
        "The document names departments the plan does not have: “Ministry of Magic”. Correct the document, or "
        "add them to the plan, then import again."
    ]


def test_a_report_whose_rows_place_nothing_is_refused(plan, coordinator, tmp_path):
    rows = [["99.z", "Something no plan says at all", "Defence", "Completed", "Done.", "", ""]]
    messages = refused(coordinator, plan, write_small(tmp_path, rows=rows))
    assert messages == ["Nothing in the document could be placed on the plan's lines and departments."]


def test_a_year_far_from_the_plans_period_is_refused(plan, coordinator, tmp_path):
    messages = refused(coordinator, plan, write_small(tmp_path), year=1990)
    assert messages == ["The year covered must lie between 2008 and 2021."]


# --- who may import --------------------------------------------------------------------------------


@pytest.mark.parametrize("service", [round_import, round_import_published])
def test_a_focal_point_may_not_import_a_round(service, plan, focal_defence, tmp_path):
    proposal = read_round_document(write_small(tmp_path), plan=plan)
    before = counts()
    with pytest.raises(PermissionDenied):
        service(actor=focal_defence, plan=plan, kind="baseline", year=2012, proposal=proposal)
    assert counts() == before
    assert not AuditEvent.objects.filter(action="reporting.round.imported").exists()


def test_a_failure_while_publishing_leaves_the_round_imported_and_closed(plan, coordinator, tmp_path, monkeypatch):
    from naptrack.publications import services as publications
    from naptrack.publications.models import PublishedReport

    def failing(**kwargs):
        raise RuntimeError("the disk is full")

    proposal = read_round_document(write_small(tmp_path), plan=plan)
    # The import is committed before the report is built (one transaction around both would hold
    # the write lock for those seconds): the round stays, closed, to be published from its dashboard.
    with reports_not_written(monkeypatch), monkeypatch.context() as patched:
        patched.setattr(publications, "reports_store", failing)
        with pytest.raises(RoundNotPublished) as raised:
            round_import_published(actor=coordinator, plan=plan, kind="baseline", year=2012, proposal=proposal)
    round_ = Round.objects.get()
    assert raised.value.round == round_
    assert str(raised.value) == (
        f"Round {round_} was imported and is closed, but publishing it failed (the disk is full). "
        "Publish it from the round's dashboard."
    )
    assert isinstance(raised.value.__cause__, RuntimeError)
    assert round_.state == "closed" and round_.published_at is None
    assert round_.contributions.exclude(imported_from="").count() == len(proposal.contributions)
    assert not PublishedReport.objects.exists()
    assert AuditEvent.objects.filter(action="reporting.round.imported").count() == 1
