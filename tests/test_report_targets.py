"""Progress toward the targets in the report to parliament (content/targets.py), on the Belgian
plan with targets and four rounds of figures (tests/targets_data.py): the 2014 and 2015 reports'
table agrees with naptrack.reporting.progress, in HTML, DOCX and PDF; the published report never
shows a value counted from what it may not publish; a plan without targets has no such section;
the queries it costs."""

from __future__ import annotations

import io

import docx
import pytest
from django.utils import timezone

from naptrack.plans.models import Plan
from naptrack.publications import content, services
from naptrack.publications.content import FigureTable, TargetProgress
from naptrack.publications.content.targets import STATUS_LABELS
from naptrack.reporting.progress import RULES, progress

from .portal_data import fill, new_round, publish
from .targets_data import EXPECTED, four_rounds, load_targets
from .test_report import REPORT_QUERIES, text_of
from .test_report_pdf import flat, pages_text, reader_of

pytestmark = pytest.mark.django_db

# progress() beyond the query for the plan's targets that every report makes (REPORT_QUERIES): for
# an open round, the targets' milestones, their lines' departments (2), the answers, the text lines'
# statuses; for a closed or published one, read against the targets in force when it closed, one
# more. Then, for the published report only, the contributions it may not show.
TARGET_QUERIES = 5
CLOSED_ROUND_QUERIES = 1
HIDDEN_QUERIES = 1


@pytest.fixture(autouse=True)
def _own_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def targets(plan, coordinator, be_document):
    """The targets, made public: the published report shows only published targets."""
    load_targets(be_document, coordinator)
    Plan.objects.filter(pk=plan.pk).update(targets_published_at=timezone.now())
    return Plan.objects.get(pk=plan.pk)


@pytest.fixture
def rounds(targets, coordinator, monkeypatch):
    """The four rounds, the earlier ones published: the published report shows their values."""
    rounds = four_rounds(targets, coordinator)
    for year in (2012, 2013, 2014):
        rounds[year] = publish(rounds[year], coordinator, monkeypatch)
    return rounds


def report_of(round_, lang: str = "en", draft: bool = False) -> content.Report:
    return content.build(content.load(round_, draft=draft), lang)


def rows_by_line(section: TargetProgress) -> dict[str, list[str]]:
    return {row[0]: [str(c) for c in row] for row in section.tables[0].rows}


def table(section: TargetProgress, starts: str) -> FigureTable:
    return next(t for t in section.tables if t.caption.startswith(starts))


def _written(value, p) -> str:
    """progress()'s value as the report writes it (shares of women and shares as percentages)."""
    instrument = p.target.instrument
    if value is None:
        return content.DASH
    if instrument.by_sex:
        return content.percent(value)
    if instrument.kind == "share":
        return content.percent(value / 100)
    return content.number(value)


@pytest.mark.parametrize("year", [2014, 2015])
def test_the_reports_table_shows_the_statuses_and_values_of_progress(targets, rounds, year):
    section = report_of(rounds[year]).targets
    assert section.title == "Progress toward the targets"
    main = section.tables[0]
    assert main.head == [
        "Line of action",
        "Instrument",
        "Baseline",
        f"Latest value up to {year}",
        f"Milestone for {year}",
        "Target (year)",
        "Status",
    ]
    rows = rows_by_line(section)
    assert list(rows) == ["16.a", "20.b", "21", "23.a", "26.a"]  # plan order
    for (code, at), status in EXPECTED.items():
        if at == year:
            assert rows[code][-1] == str(STATUS_LABELS[status]), code
    for p in progress(targets, rounds[year]):
        row = rows[p.target.instrument.action.code]
        assert row[-1] == str(STATUS_LABELS[p.status])
        assert row[4] == _written(p.milestone, p)
        if not p.target.text:
            latest = _written(p.latest, p)
            assert row[3] == (latest if p.latest_year in (None, year) else f"{latest} ({p.latest_year})")
    # Each status with its rule, under the table.
    assert all(f"{str(STATUS_LABELS[s]).capitalize()}: {RULES[s]}" in main.notes for s in STATUS_LABELS)


def test_the_2014_table_in_words(rounds):
    rows = rows_by_line(report_of(rounds[2014]).targets)
    assert rows["23.a"][2:] == ["5.0% (2012)", "6.0%", "7.0%", "10.0% (2016)", "behind"]
    assert rows["20.b"][2:] == ["100 (2012)", "150", content.DASH, "200 (2016)", "on track"]
    assert rows["16.a"][2:] == ["50.0% (2012)", "35.0%", "40.0%", "20.0% (2016)", "on track"]
    assert rows["21"][2:] == [content.DASH, content.DASH, content.DASH, "40.0% (2016)", "no data"]
    assert rows["26.a"][5:] == ["The NAP is adopted and presented to parliament. (2014)", "on track"]
    assert rows["23.a"][1].startswith("1. ") and rows["20.b"][1].startswith("2. ")


def test_the_share_on_track_per_objective_and_department(rounds):
    section = report_of(rounds[2014]).targets
    objectives = {
        row[0]: [str(c) for c in row[1:]] for row in table(section, "Targets on track or achieved, by obj").rows
    }
    assert objectives["Objective 3"] == ["2", "2", "100.0%"]
    assert objectives["Objective 4"] == ["0", "2", "0.0%"]
    assert objectives["Objective 5"] == ["1", "1", "100.0%"]
    departments = {
        row[0]: [str(c) for c in row[1:]] for row in table(section, "Targets on track or achieved, by dep").rows
    }
    assert departments["MoD"] == ["2", "4", "50.0%"]  # Defence, by its abbreviation as in the summary


def test_numbers_and_words_follow_the_report_language(rounds):
    rows = rows_by_line(report_of(rounds[2014], "fr").targets)
    assert rows["23.a"][3].startswith("6,0") and rows["20.b"][2].startswith("100 (2012)")


def test_the_published_report_never_shows_progress_counted_from_what_it_may_not_publish(rounds, coordinator):
    # Approved but internal: counted by progress(), so the published report gives no value for it.
    fill(
        rounds[2015],
        "20.b",
        "interior-office-for-foreigners",
        coordinator,
        coordinator,
        visibility="internal",
        answers={2: {"value": 999}},
    )
    final = report_of(rounds[2015]).targets
    row = rows_by_line(final)["20.b"]
    assert row[2:5] == [content.DASH] * 3 and row[-1] == "not shown (see the note)"
    assert any(note.startswith("Not shown:") for note in final.tables[0].notes)
    objectives = {row[0]: str(row[2]) for row in table(final, "Targets on track or achieved, by obj").rows}
    assert objectives["Objective 3"] == "1"  # 16.a only
    html = text_of(services.report_build(rounds[2015], "html", "en").decode())
    assert "1,159" not in html and "999" not in html.split("Progress toward the targets")[1].split("Objective 1")[0]
    # The draft for internal review counts it, as progress() does.
    assert rows_by_line(report_of(rounds[2015], draft=True).targets)["20.b"][3] == "1,159"
    # Another target keeps its values.
    assert rows_by_line(final)["23.a"][3] == "10.0%"


def test_html_docx_and_pdf_hold_the_table(rounds):
    r2014 = rounds[2014]
    html = services.report_build(r2014, "html", "en").decode()
    section = html.split('<section id="targets"')[1].split("</section>")[0]
    assert '<th scope="col">Baseline</th>' in section and '<th scope="row">23.a</th>' in section
    words = text_of(section)
    assert "23.a 1. " in words and "5.0% (2012) 6.0% 7.0% 10.0% (2016) behind" in words
    assert f"100 (2012) 150 {content.DASH} 200 (2016) on track" in words and str(RULES["behind"]) in words

    document = docx.Document(io.BytesIO(services.report_build(r2014, "docx", "en")))
    tables = [[[c.text for c in row.cells] for row in t.rows] for t in document.tables]
    row = next(row for t in tables for row in t if row[0] == "23.a")
    assert row[2:] == ["5.0% (2012)", "6.0%", "7.0%", "10.0% (2016)", "behind"]
    assert any(row[0] == "20.b" and row[-1] == "on track" for t in tables for row in t)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Progress toward the targets" in headings
    assert any(p.text.startswith("Behind: ") for p in document.paragraphs)

    text = flat(" ".join(pages_text(reader_of(services.report_build(r2014, "pdf", "en")))))
    assert "Progress toward the targets" in text
    for phrase in ("5.0% (2012)", "10.0% (2016)", "200 (2016)", "behind", "on track", "no data", str(RULES["behind"])):
        assert phrase in text, phrase


def test_a_plan_without_targets_has_no_such_section(plan, coordinator):
    round_ = new_round(plan, coordinator, "annual", 2016)
    assert report_of(round_).targets is None and report_of(round_, draft=True).targets is None
    html = services.report_build(round_, "html", "en").decode()
    assert 'id="targets"' not in html and "Progress toward the targets" not in html
    document = docx.Document(io.BytesIO(services.report_build(round_, "docx", "en")))
    assert "Progress toward the targets" not in [p.text for p in document.paragraphs]


def test_the_targets_cost_a_fixed_number_of_queries(rounds, coordinator, django_assert_num_queries):
    with django_assert_num_queries(REPORT_QUERIES + TARGET_QUERIES + HIDDEN_QUERIES):
        services.report_build(rounds[2015], "html", "en")
    with django_assert_num_queries(REPORT_QUERIES + TARGET_QUERIES + CLOSED_ROUND_QUERIES + HIDDEN_QUERIES):
        services.report_build(rounds[2014], "html", "en")  # published
    with django_assert_num_queries(REPORT_QUERIES + TARGET_QUERIES):
        services.report_build(rounds[2015], "docx", "fr", draft=True)
    # More answers on the targets' lines: not one query more.
    fill(rounds[2015], "20.b", "interior-office-for-foreigners", coordinator, coordinator, answers={2: {"value": 5}})
    fill(rounds[2015], "21", "defence", coordinator, coordinator, answers={2: {"women": 3, "men": 7}})
    with django_assert_num_queries(REPORT_QUERIES + TARGET_QUERIES + HIDDEN_QUERIES):
        services.report_build(rounds[2015], "html", "en")


def test_a_past_rounds_report_keeps_the_targets_in_force_when_it_closed(rounds, coordinator, be_document):
    from naptrack.plans.models import Target
    from naptrack.plans.targets import target_remove

    for target in Target.objects.select_related("instrument"):
        target_remove(actor=coordinator, instrument=target.instrument, reason="The targets are set again.")
    assert not Target.objects.exists()
    assert rows_by_line(report_of(rounds[2014]).targets)["23.a"][-1] == "behind"
    assert report_of(rounds[2015]).targets is None  # open: the targets of now, none


def test_the_published_report_leaves_out_targets_not_yet_public(targets, rounds):
    Plan.objects.filter(pk=targets.pk).update(targets_published_at=None)
    from naptrack.reporting.models import Round

    round_ = Round.objects.get(pk=rounds[2014].pk)
    assert not report_of(round_).targets
    assert report_of(round_, draft=True).targets  # the coordinator's draft shows them
