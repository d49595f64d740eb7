"""The public pages of the plan: what they show, in which language, and at what cost in queries."""

from __future__ import annotations

import pytest
from django.utils import translation

from naptrack.plans.models import Action, Plan

BE = "/plans/be-nap-2013-2016"


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# Each page makes a fixed number of queries, whatever the size of the plan. Each count includes
# the one query of the public stamp (naptrack.portal.caching) and the reads of published rounds
# (none here, so their answers are not read: tests/test_portal.py pins the counts with published
# rounds). An objective's page reads its published civil-society assessments (1 query) and its
# published figures (1, none to break down by country here), a line's its assessments and the
# recommendations on it (2). The plan's page reads its published evaluations (1).
PAGES = [
    ("/", 10),
    ("/plans/", 3),  # the plans' ids, then the page's plans with their lines counted
    (f"{BE}/", 9),
    (f"{BE}/objectives/3/", 8),
    (f"{BE}/lines/14.a/", 11),  # with the line's lineage and its changes by amendment (one query each)
    (f"{BE}/departments/", 3),
    (f"{BE}/departments/interior/", 7),
    (f"{BE}/departments/defence/", 7),
    ("/fr/plans/be-nap-2013-2016/", 9),
    ("/nl/plans/be-nap-2013-2016/lines/1.a/", 11),
]


@pytest.mark.parametrize(("url", "queries"), PAGES)
def test_page_query_count_is_pinned(plan, anonymous, django_assert_num_queries, url, queries):
    with django_assert_num_queries(queries):
        page(anonymous, url)


def test_query_count_does_not_grow_with_a_second_plan(plan, anonymous, be_document, django_assert_num_queries):
    from naptrack.plans.services import plan_load

    document = dict(be_document, slug="be-nap-copy", period={"start": 2009, "end": 2012})
    plan_load(actor="tests", document=document)
    with django_assert_num_queries(9):
        page(anonymous, f"{BE}/")
    with django_assert_num_queries(10):
        html = page(anonymous, "/")
    assert "be-nap-copy" in html, "the home page lists the other plans"


def test_home_shows_the_plan_at_a_glance(plan, anonymous):
    html = page(anonymous, "/")
    assert "Second National Action Plan" in html
    for number in range(1, 7):
        assert f'id="objective-{number}"' in html
    for goal in range(1, 38):
        assert f"Goal {goal}:" in html
    codes = list(Action.objects.filter(plan=plan).values_list("code", flat=True))
    assert len(codes) == 102
    for code in codes:
        assert f'{BE}/lines/{code}/"' in html
    assert "Afghanistan" in html and "Mali" in html


def test_objective_page_has_its_introduction_and_goals(plan, anonymous):
    html = page(anonymous, f"{BE}/objectives/1/")
    assert "The rights of women must be respected" in html
    assert "Goal 1:" in html and "Goal 4:" in html and "Goal 5:" not in html
    assert f'href="{BE}/objectives/2/" rel="next"' in html


def test_line_page_shows_goal_objective_instruments_departments_and_notes(plan, anonymous):
    html = page(anonymous, f"{BE}/lines/1.a/")
    assert "Apply in Belgium the international conventions" in html
    assert "Periodic reporting under CEDAW." in html
    assert "Responses to relevant questionnaires from the UN." in html
    assert "Amongst others, the Convention on the Elimination" in html
    assert "1. International normative framework" in html
    for name in (
        "Foreign Affairs",
        "Development Cooperation",
        "Defence",
        "Interior",
        "Justice",
        "Institute for the Equality of Women and Men",
    ):
        assert name in html


def test_line_14a_lists_its_six_departments(plan, anonymous):
    html = page(anonymous, f"{BE}/lines/14.a/")
    assert html.count('class="list-inline-item"><a class="badge') == 6


def test_line_without_instrument_says_so(plan, anonymous):
    html = page(anonymous, f"{BE}/lines/20.e/")
    assert "The plan names no monitoring instrument for this line of action." in html


def test_coordinator_of_a_line_is_marked(plan, anonymous):
    html = page(anonymous, f"{BE}/lines/33/")
    assert "coordinates" in html


def test_department_page_lists_its_lines_and_those_of_its_units(plan, anonymous):
    html = page(anonymous, f"{BE}/departments/interior/")
    assert f'{BE}/lines/13.b/"' in html, "a Fedasil line appears under Interior"
    assert "Federal Police" in html
    html = page(anonymous, f"{BE}/departments/interior-fedasil/")
    assert f'{BE}/lines/13.b/"' in html
    assert f'{BE}/lines/1.a/"' not in html


def test_plan_list_counts_each_plans_lines_in_the_pages_language(plan, anonymous, be_document):
    from naptrack.plans.services import plan_load

    document = dict(be_document, slug="be-nap-copy", period={"start": 2009, "end": 2012})
    document["objectives"] = document["objectives"][:1]
    plan_load(actor="tests", document=document)
    copy = Action.objects.filter(plan__slug="be-nap-copy").count()
    assert 1 < copy < 102
    html = page(anonymous, "/plans/")
    assert "102 lines of action" in html and f"{copy} lines of action" in html
    # In French, from the catalog (the apostrophe escaped as any text is).
    assert "102 lignes d&#x27;action" in page(anonymous, "/fr/plans/")


def test_department_list_counts_lines(plan, anonymous):
    html = page(anonymous, f"{BE}/departments/")
    assert "Office for Foreigners" in html


@pytest.mark.parametrize(
    "url",
    ["/plans/nope/", f"{BE}/objectives/9/", f"{BE}/lines/99.z/", f"{BE}/departments/finance/", f"{BE}/export.pdf"],
)
def test_unknown_things_are_404(plan, anonymous, url):
    page(anonymous, url, status=404)


def test_empty_installation_explains_how_to_load_a_plan(db, anonymous):
    Plan.objects.all().delete()
    html = page(anonymous, "/")
    assert "naptrack plan load FILE" in html


def test_french_interface_with_english_content_tagged_and_noted_once(plan, anonymous):
    html = page(anonymous, "/fr/plans/be-nap-2013-2016/lines/14.a/")
    assert '<html lang="fr">' in html
    assert "Ligne d&#x27;action 14.a" in html or "Ligne d'action 14.a" in html
    # The plan has no French text yet: it is shown in English, each passage tagged with its
    # language, and the page says so once at its top (no mark on every text).
    assert html.count('<span lang="en">') >= 3
    assert 'aria-hidden="true">EN<' not in html and "fallback-note" not in html
    with translation.override("fr"):
        from django.utils.html import escape
        from django.utils.translation import gettext

        notice = escape(gettext("Part of this page is only available in English."))
    assert html.count(notice) == 1
    assert html.index(notice) < html.index('<span lang="en">', html.index('id="main"'))


def test_translated_content_is_shown_without_marker(plan, anonymous):
    line = Action.objects.get(plan=plan, code="14.a")
    line.text_nl = "Een vertaalde actielijn."
    line.save()
    html = page(anonymous, "/nl/plans/be-nap-2013-2016/lines/14.a/")
    assert "Een vertaalde actielijn." in html
    with translation.override("nl"):
        assert '<p class="lead">Een vertaalde actielijn.</p>' in html


def test_language_switcher_links_to_the_same_page(plan, anonymous):
    html = page(anonymous, f"{BE}/lines/14.a/")
    assert 'href="/fr/plans/be-nap-2013-2016/lines/14.a/" lang="fr"' in html
    assert 'href="/nl/plans/be-nap-2013-2016/lines/14.a/" lang="nl"' in html


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [
        ("json", "application/json"),
        ("csv", "text/csv"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_plan_downloads(plan, anonymous, fmt, content_type, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = anonymous.get(f"{BE}/export.{fmt}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"] == f'attachment; filename="be-nap-2013-2016.{fmt}"'


def test_pages_are_accessible_by_structure(plan, anonymous):
    """Landmarks, a skip link, one h1 and labelled navigation on every page."""
    for url, _ in PAGES:
        html = page(anonymous, url)
        assert 'href="#main"' in html and '<main id="main"' in html
        assert html.count("<h1") == 1, url
        assert '<nav aria-label="' in html
