"""A line's public page shows its three latest published rounds in full and the older as links."""

from __future__ import annotations

import pytest

from naptrack.reporting.models import Round

from .portal_data import FA_2012, SYNTHESIS_21
from .test_portal import PLAN, more_rounds, page, rounds  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_line_shows_three_rounds_in_full_and_links_the_older(rounds, anonymous, plan, coordinator, monkeypatch):  # noqa: F811
    baseline, _annual = rounds
    html = page(anonymous, f"{PLAN}/lines/21/")
    assert FA_2012 in html and SYNTHESIS_21 in html, "two rounds: both in full"
    assert "older-rounds" not in html

    more_rounds(plan, coordinator, monkeypatch)  # 2013, 2015 and the 2016 final review
    html = page(anonymous, f"{PLAN}/lines/21/")
    shown = html.split('class="older-rounds"')[0]
    assert SYNTHESIS_21 in shown, "the 2014 round is among the three latest"
    assert FA_2012 not in html, "the 2012 baseline is older: a link only"
    annual_2013 = Round.objects.get(plan=plan, kind="annual", year=2013)
    older = html.split('class="older-rounds"')[1].split("</p>")[0]
    assert older.index(f'href="?round={annual_2013.pk}#round-{annual_2013.pk}"') < older.index(
        f'href="?round={baseline.pk}#round-{baseline.pk}"'
    ), "newest first"

    # Following the link adds that round in full; a round of nothing on the line, or a number
    # that is no round, changes nothing.
    followed = page(anonymous, f"{PLAN}/lines/21/?round={baseline.pk}")
    assert FA_2012 in followed and f'id="round-{baseline.pk}"' in followed
    assert SYNTHESIS_21 in followed
    assert FA_2012 not in page(anonymous, f"{PLAN}/lines/21/?round=99999")
    assert FA_2012 not in page(anonymous, f"{PLAN}/lines/21/?round=x")


def test_the_line_page_reads_the_same_queries_with_an_older_round_asked(
    rounds,  # noqa: F811
    anonymous,
    plan,
    coordinator,
    monkeypatch,
    django_assert_num_queries,
):
    baseline, _annual = rounds
    more_rounds(plan, coordinator, monkeypatch)
    with django_assert_num_queries(15):
        page(anonymous, f"{PLAN}/lines/21/?round={baseline.pk}")
