"""The visual identity (docs/design.md): one palette for statuses, states and sexes, shared by the
theme's tokens, badges and charts; charts that scale to their column, label their bars, never cut
a legend and group thousands as the reader's language does; the plan's home page led by key
figures and a card per objective, from the real plan's data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

from naptrack.core import palette
from naptrack.plans.models import Action
from naptrack.reporting.models import Contribution, Measurement
from tests.conftest import contribution_of, logged_in
from tests.portal_data import annual_2014, baseline_2012

pytestmark = pytest.mark.django_db

THEME = Path(__file__).resolve().parent.parent / "naptrack" / "static" / "naptrack" / "theme.css"
NNBSP = "\u202f"


def svg_texts(svg: str) -> list[str]:
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def root(svg: str) -> str:
    return svg[: svg.index(">") + 1]


# --- one palette ------------------------------------------------------------------------------


def test_the_theme_tokens_are_the_charts_colours():
    css = THEME.read_text()
    for status, colour in palette.STATUS_COLOURS.items():
        assert re.search(rf"--nt-status-{status}:\s*{colour};", css, re.I), status
    assert re.search(rf"--nt-women:\s*{palette.WOMEN_COLOUR};", css)
    assert re.search(rf"--nt-men:\s*{palette.MEN_COLOUR};", css)


def test_numbers_written_on_a_status_pass_wcag_aa():
    for status, colour in palette.STATUS_COLOURS.items():
        assert palette.contrast(colour, palette.ink(colour)) >= 4.5, status


def test_a_state_has_one_badge_class_wherever_it_shows():
    from django.template import Context, Template

    html = Template('{% load naptrack %}{% workflow_state "submitted" "submitted <b>" %}').render(Context())
    assert html == '<span class="badge state state-submitted text-bg-info">Submitted &lt;b&gt;</span>'
    assert 'class="badge state state-returned text-bg-' in Template(
        '{% load naptrack %}{% workflow_state "returned" "returned" %}'
    ).render(Context())


def test_a_submitted_contribution_looks_the_same_on_the_focal_list_the_dashboard_and_the_review(
    open_round, focal_defence, coordinator
):
    from naptrack.reporting import services

    contribution = contribution_of(open_round, "23.a", "defence")
    contribution = services.contribution_save(
        actor=focal_defence, contribution=contribution, version=contribution.version, data={"narrative": "Done."}
    )
    services.contribution_submit(actor=focal_defence, contribution=contribution)
    badge = "badge state state-submitted text-bg-info"
    pages = {
        "focal point's list": logged_in(focal_defence).get("/work/"),
        "round's contributions": logged_in(coordinator).get(f"/rounds/{open_round.pk}/contributions/?state=submitted"),
        "line review": logged_in(coordinator).get(f"/rounds/{open_round.pk}/lines/23.a/"),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        assert badge in response.content.decode(), name
    # The round's dashboard draws submitted work in the same colour in its bars.
    dashboard = logged_in(coordinator).get(f"/rounds/{open_round.pk}/").content.decode()
    assert 'class="state-bar-info"' in dashboard


# --- charts -----------------------------------------------------------------------------------


def _status_chart(lang: str):
    from naptrack.portal.queries import summary_columns
    from naptrack.publications import charts

    with translation.override(lang):
        columns = summary_columns()
        rows = [("Objective 1", {"completed": 1500, "in-progress": 40, "none": 300, "absent": 2})]
        return charts.status_chart(key="test", title="Test", columns=columns, rows=rows, axis="Objective")


def test_charts_scale_to_their_column_on_pages():
    from naptrack.publications import charts

    chart = _status_chart("en")
    svg = charts.scalable(charts.svg(chart))
    head = root(svg)
    assert 'width="100%"' in head and "viewBox=" in head
    assert not re.search(r'\swidth="[0-9.]+"', head), "no fixed width in pixels"
    assert not re.search(r'\sheight="[0-9.]+"', head)
    # Drawn wide for a laptop's column, and narrower for a phone: never a 430 px drawing shrunk.
    wide = float(re.search(r'viewBox="0 0 ([0-9.]+)', head).group(1))
    phone_head = root(charts.scalable(charts.svg(type(chart)(key="p", title="", spec=chart.phone, alt=""))))
    phone = float(re.search(r'viewBox="0 0 ([0-9.]+)', phone_head).group(1))
    assert wide >= 640 and phone < 420 < wide
    assert chart.spec["config"]["axis"]["labelFontSize"] >= 12


def test_a_french_legend_label_is_never_cut():
    from naptrack.publications import charts

    chart = _status_chart("fr")
    for spec in (chart.spec, chart.phone):
        texts = svg_texts(charts.svg(type(chart)(key="x", title="", spec=spec, alt="")))
        assert "Aucun état d'avancement indiqué" in [t.replace("&#39;", "'").replace("&apos;", "'") for t in texts]
        assert not any("…" in t for t in texts), texts


def test_bars_carry_their_numbers_with_the_language_s_thousand_separator():
    from naptrack.publications import charts

    for lang, thousands in (("en", ","), ("fr", NNBSP)):
        texts = svg_texts(charts.svg(_status_chart(lang)))
        assert f"1{thousands}500" in texts, (lang, texts)  # on the completed part of the bar
        assert "300" in texts


def test_by_sex_charts_are_drawn_wide_with_values_on_their_columns():
    from naptrack.publications import charts
    from naptrack.publications.content import Figures

    def people(women: int, men: int) -> Figures:
        return Figures(women=women, men=men, other=None, total=women + men, share=None, value=None, unit="")

    with translation.override("fr"):
        chart = charts.sex_chart(key="s", title="S", rows=[("2012", "Défense", people(1200, 3400))])
        svg = charts.svg(chart)
    assert float(re.search(r'\swidth="([0-9.]+)"', root(svg)).group(1)) >= 640
    assert f"1{NNBSP}200" in svg_texts(svg) and f"3{NNBSP}400" in svg_texts(svg)


# --- the plan's home page ---------------------------------------------------------------------


@pytest.fixture
def published(plan, coordinator, focal_defence, focal_justice, monkeypatch):
    baseline_2012(plan, coordinator, monkeypatch)
    return annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch)


def key_figures(html: str) -> dict[str, str]:
    section = html.split('class="key-figures', 1)[1].split("</section>", 1)[0]
    pairs = re.findall(
        r'<span class="key-figure-value[^"]*">([^<]+)</span>\s*<span class="key-figure-label[^"]*">([^<]+)</span>',
        section,
    )
    return {label.strip(): value.strip() for value, label in pairs}


def test_home_leads_with_key_figures_from_the_latest_published_round(published, plan, anonymous):
    html = anonymous.get("/").content.decode()
    assert html.index('class="key-figures') < html.index('id="implementation-title"')
    figures = key_figures(html)
    lines = Action.objects.filter(plan=plan, retired_in__isnull=True).count()
    assert figures["lines of action"] == str(lines) == "102"
    # Each line counted once per responsible department, as the report to parliament does.
    shown = Contribution.objects.public().filter(round=published)
    expected = sum(a.responsibilities.count() for a in Action.objects.filter(plan=plan))
    completed = shown.filter(status="completed").count()
    in_progress = shown.filter(status="in-progress").count()
    assert figures["completed"] == f"{100 * completed / expected:.1f}%"
    assert figures["in progress"] == f"{100 * in_progress / expected:.1f}%"
    assert figures[f"reports of the departments published, of {expected} expected"] == str(shown.count())
    people = Measurement.objects.filter(contribution__in=shown, instrument__by_sex=True)
    women = sum(m.women or 0 for m in people)
    everyone = sum((m.women or 0) + (m.men or 0) + (m.other or 0) for m in people)
    assert everyone, "the 2014 round counts people by sex"
    label = "women among the people counted by sex in the published figures"
    assert figures[label] == f"{100 * women / everyone:.1f}%"


def test_home_in_french_writes_its_figures_as_french_does(published, anonymous):
    figures = key_figures(anonymous.get("/fr/").content.decode())
    assert all(re.fullmatch(r"\d+(,\d) %|\d+", value.replace("\xa0", " ")) for value in figures.values()), figures


def test_home_has_a_card_per_objective_with_its_progress(published, plan, anonymous):
    html = anonymous.get("/").content.decode()
    cards = html.split('class="card objective-card')[1:]
    assert len(cards) == 6
    objective_4 = cards[3].split("</article>", 1)[0]
    assert "Objective 4." in objective_4 and "5 goals, 14 lines of action" in objective_4
    # Its bar of statuses, in the palette's colours, and the count of each (the summary's numbers).
    assert f'fill="{palette.STATUS_COLOURS["in-progress"]}"' in objective_4
    item = r'<li class="status-([a-z-]+)[^"]*">.*?<span class="fw-semibold">(\d+)</span></li>'
    counts = re.findall(item, objective_4)
    assert counts == [("in-progress", "2"), ("continuous", "1"), ("absent", "27")]


def test_home_before_any_round_shows_the_plan_s_size_and_its_objectives(plan, anonymous):
    html = anonymous.get("/").content.decode()
    assert key_figures(html) == {"lines of action": "102"}
    assert html.count('class="card objective-card') == 6
    assert "status-bar" not in html


def test_a_big_number_is_grouped_in_thousands_on_the_home_page():
    from django.template import Context, Template

    template = Template("{% load publications %}{{ n|num }}|{{ share|pct }}")
    with translation.override("en"):
        assert template.render(Context({"n": 12345, "share": 0.073})) == "12,345|7.3%"
    with translation.override("fr"):
        assert template.render(Context({"n": 12345, "share": 0.073})) == f"12{NNBSP}345|7,3\xa0%"


def test_a_pager_links_the_ends_and_the_pages_around_this_one_only():
    from django.core.paginator import Paginator
    from django.template.loader import render_to_string

    def pager(number: int, label: str = "") -> str:
        page = Paginator(range(1000), 10).get_page(number)
        return render_to_string("_pagination.html", {"page": page, "query": "q=peace", "pager_label": label})

    html = pager(50, label="Pages of plans")
    linked = [int(n) for n in re.findall(r'href="\?q=peace&amp;page=(\d+)">\d+</a>', html)]
    # A hundred pages: the first, the last and two either side of the 50th, the gaps elided.
    assert linked == [1, 48, 49, 51, 52, 100]
    assert '<span class="page-link" aria-current="page">50</span>' in html
    # The gaps are not links, and screen readers skip them.
    assert html.count('<li class="page-item disabled" aria-hidden="true"><span class="page-link">…</span></li>') == 2
    assert 'rel="prev" href="?q=peace&amp;page=49"' in html and 'rel="next" href="?q=peace&amp;page=51"' in html
    assert '<nav aria-label="Pages of plans">' in html
    first = pager(1)
    assert '<nav aria-label="Pages">' in first and 'rel="prev"' not in first
    assert [int(n) for n in re.findall(r'page=(\d+)">\d+</a>', first)] == [2, 3, 100]
    # Another parameter and a place on the page, as the focal point's sections of rounds.
    page = Paginator(range(30), 10).get_page(2)
    html = render_to_string("_pagination.html", {"page": page, "param": "page-7", "anchor": "round-7"})
    assert 'rel="next" href="?page-7=3#round-7"' in html and 'href="?page-7=1#round-7">1</a>' in html
