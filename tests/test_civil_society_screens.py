"""Civil society's screens, on the real Belgian plan with personas: an organisation's member (a
Belgian NGO, and a women's organisation in the DR Congo), the coordinator, a reader, a focal point
of Defence, anonymous. Each page renders for who may see it and is 403 for the others; the
assessment form's flow (save, stale version, submit, returned with a note, resubmit), moderation,
events with recommendations and their follow-up, invitations, consent and a person's data; bad
input answered with a message; query counts pinned and constant with more rows."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Event, Expert, Member, Recommendation
from naptrack.plans.models import Action, Department
from naptrack.reporting import services as reporting
from tests.civil_society_data import member, organisations
from tests.conftest import BE, logged_in

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def orgs(plan, coordinator):
    return organisations(coordinator)


@pytest.fixture
def ngo_member(orgs, coordinator):
    return member(coordinator, orgs[0], "an@vrouwenvoorvrede.example")


@pytest.fixture
def kivu_member(orgs, coordinator):
    return member(coordinator, orgs[1], "marie@kivu.example")


def line(code: str) -> Action:
    return Action.objects.get(plan__slug=BE, code=code)


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def draft(user, round_, code: str = "17.a", **data) -> Assessment:
    return services.assessment_create(actor=user, round=round_, action=line(code), data=data)


def submitted(user, round_, code: str = "17.a", narrative: str = "Few judges trained.") -> Assessment:
    return services.assessment_submit(actor=user, assessment=draft(user, round_, code, narrative=narrative))


def form_data(assessment: Assessment, **changes) -> dict:
    data = {
        "version": assessment.version,
        "status": assessment.status,
        "narrative": assessment.narrative,
        "countries": assessment.countries,
        "partner_name": assessment.partner_name,
        "partner_country": assessment.partner_country,
    }
    if assessment.partner_consent:
        data["partner_consent"] = "on"
    data.update(changes)
    return data


def event_of(plan, coordinator, orgs, **changes) -> Event:
    data = {
        "kind": "mid-term",
        "title": "Mid-term consultation on NAP 1325",
        "date": dt.date(2014, 11, 20),
        "place": "Egmont Palace, Brussels",
        "organiser": Department.objects.get(code="foreign-affairs"),
        "women": 31,
        "men": 9,
        "other": 1,
        **changes,
    }
    return services.event_create(actor=coordinator, plan=plan, invited=list(orgs), attending=[orgs[0]], **data)


# --- the member's home and the login --------------------------------------------------------------


def test_member_home_shows_rounds_assessments_by_state_with_notes_listing_and_organisation(
    open_round, coordinator, orgs, ngo_member
):
    services.round_invite(actor=coordinator, round=open_round, organisations=[orgs[0]])
    returned = submitted(ngo_member, open_round)
    services.assessment_moderate(
        actor=coordinator, assessment=returned, decision="return", note="Name the <courts> concerned."
    )
    draft(ngo_member, open_round, "23.a", narrative="Draft on missions.")
    services.expert_add(actor=ngo_member, name="An Peeters", email=ngo_member.email)
    html = get(logged_in(ngo_member), "/civil-society/")
    assert "Vrouwen voor Vrede" in html and str(open_round) in html and "invited" in html
    assert f"/civil-society/rounds/{open_round.pk}/assessments/new/" in html
    assert "Returned for revision (1)" in html and "Draft (1)" in html
    assert "Name the &lt;courts&gt; concerned." in html, "the moderator's note is shown, escaped"
    assert "An Peeters" in html and "not public: no consent given" in html
    assert "Belgium" in html
    assert "/rounds/" not in html.replace("/civil-society/rounds/", ""), "no link to staff pages"


def test_member_home_query_count_does_not_grow_with_more_assessments(
    open_round, coordinator, orgs, ngo_member, django_assert_num_queries
):
    client = logged_in(ngo_member)
    draft(ngo_member, open_round)
    with django_assert_num_queries(11):
        get(client, "/civil-society/")
    for code in ("23.a", "10.e", "1.a"):
        submitted(ngo_member, open_round, code)
    services.expert_add(actor=ngo_member, name="An Peeters")
    with django_assert_num_queries(11):
        get(client, "/civil-society/")


def test_a_civil_society_member_lands_on_their_home_after_logging_in_others_where_they_did(
    orgs, ngo_member, focal_defence
):
    from django.test import Client

    response = Client().post(
        "/accounts/login/", {"username": ngo_member.username, "password": "a long passphrase for tests"}
    )
    assert response.status_code == 302 and response.url == "/start/"
    assert Client().get("/start/").status_code == 302  # to the login page, signed out
    client = Client()
    client.post("/accounts/login/", {"username": ngo_member.username, "password": "a long passphrase for tests"})
    assert client.get("/start/")["Location"] == "/civil-society/"
    client = Client()
    client.post("/accounts/login/", {"username": focal_defence.username, "password": "correct horse battery staple"})
    assert client.get("/start/")["Location"] == "/work/"


def test_navigation_links_members_to_their_home_and_staff_to_the_civil_society_screens(
    orgs, ngo_member, coordinator, reader, focal_defence
):
    html = get(logged_in(ngo_member), "/civil-society/")
    assert 'href="/civil-society/">My organisation' in html
    assert "/civil-society/moderation/" not in html and "/rounds/" not in html.replace("/civil-society/", "")
    for user in (coordinator, reader):
        assert 'href="/civil-society/moderation/">Civil society' in get(logged_in(user), "/open-data/")
    assert "/civil-society/moderation/" not in get(logged_in(focal_defence), "/open-data/")


# --- who may see what -----------------------------------------------------------------------------


def staff_urls(open_round, event, organisation) -> list[str]:
    return [
        "/civil-society/moderation/",
        "/civil-society/organisations/",
        "/civil-society/organisations/new/",
        f"/civil-society/organisations/{organisation.pk}/",
        f"/civil-society/organisations/{organisation.pk}/edit/",
        f"/civil-society/rounds/{open_round.pk}/invite/",
        "/civil-society/events/",
        "/civil-society/events/new/",
        f"/civil-society/events/{event.pk}/",
        f"/civil-society/events/{event.pk}/edit/",
        "/civil-society/experts/",
        "/civil-society/people/erase/",
    ]


READER_WRITES = {"/new/", "/edit/", "/invite/", "/people/erase/"}


def test_staff_pages_render_for_the_coordinator_readers_read_and_others_get_403(
    plan, open_round, coordinator, reader, focal_defence, orgs, ngo_member
):
    event = event_of(plan, coordinator, orgs)
    submitted_one = submitted(ngo_member, open_round)
    urls = [*staff_urls(open_round, event, orgs[0]), f"/civil-society/assessments/{submitted_one.pk}/moderate/"]
    for url in urls:
        get(logged_in(coordinator), url)
        writes = any(part in url for part in READER_WRITES)
        get(logged_in(reader), url, 403 if writes else 200)
        get(logged_in(focal_defence), url, 403)
        get(logged_in(ngo_member), url, 403)
        response = logged_in(ngo_member).post(url, {})
        assert response.status_code in (403, 405), url


def test_a_civil_society_account_is_refused_every_staff_page(open_round, orgs, ngo_member, plan):
    client = logged_in(ngo_member)
    contribution = open_round.contributions.first()
    # Their work list says they are not a focal point, and lists nothing.
    assert "/work/contributions/" not in get(client, "/work/")
    for url in (
        "/rounds/",
        f"/rounds/{open_round.pk}/",
        f"/work/contributions/{contribution.pk}/",
        "/audit/",
        "/accounts/people/",
        "/international/",
        f"/rounds/{open_round.pk}/contributions/",
    ):
        response = client.get(url)
        assert response.status_code in (403, 302), url
        if response.status_code == 302:
            assert "/admin/" not in response.url and response.url.startswith("/accounts/login"), url


def test_anonymous_is_sent_to_log_in(open_round, orgs, ngo_member, anonymous):
    mine = draft(ngo_member, open_round)
    for url in (
        "/civil-society/",
        "/civil-society/moderation/",
        f"/civil-society/assessments/{mine.pk}/",
        "/civil-society/my-data/",
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and response.url.startswith("/accounts/login/"), url


def test_one_organisations_member_may_not_open_anothers_draft(open_round, orgs, ngo_member, kivu_member, focal_defence):
    theirs = draft(kivu_member, open_round, "23.a", narrative="Internal draft of Kivu.")
    client = logged_in(ngo_member)
    assert "Internal draft of Kivu" not in get(client, f"/civil-society/assessments/{theirs.pk}/", 403)
    assert client.post(f"/civil-society/assessments/{theirs.pk}/", form_data(theirs, narrative="x")).status_code == 403
    get(logged_in(focal_defence), f"/civil-society/assessments/{theirs.pk}/", 403)
    assert Assessment.objects.get(pk=theirs.pk).narrative == "Internal draft of Kivu."


# --- the assessment form --------------------------------------------------------------------------


def test_the_assessment_form_flow(open_round, coordinator, orgs, ngo_member, kivu_member, mailoutbox):
    client = logged_in(ngo_member)
    html = get(client, f"/civil-society/rounds/{open_round.pk}/assessments/new/")
    assert f'value="action-{line("17.a").pk}"' in html and "Objectives" in html
    response = client.post(
        f"/civil-society/rounds/{open_round.pk}/assessments/new/", {"subject": f"action-{line('17.a').pk}"}
    )
    assessment = Assessment.objects.get(organisation=orgs[0])
    url = f"/civil-society/assessments/{assessment.pk}/"
    assert response.status_code == 302 and response.url == url

    html = get(client, url)
    assert "Work has started in the period and goes on." in html, "the scale's definitions are shown"
    assert 'name="version" value="1"' in html and "Save draft" in html and "Submit" in html

    # Save.
    response = client.post(
        url,
        form_data(
            assessment,
            status="in-progress",
            narrative="Few judges trained.",
            countries=["CD"],
            partner_name="Femmes Solidaires du Kivu",
            partner_country="CD",
        ),
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.version, assessment.narrative, assessment.countries) == (2, "Few judges trained.", ["CD"])
    html = get(client, url)
    # The version is internal: only the edit-conflict view below names it.
    assert "Draft saved." in html and "(version 2)" not in html and ">Version<" not in html

    # A stale version: nothing saved, what was typed kept, the message clear.
    response = client.post(url, form_data(assessment, version=1, narrative="My words, typed on an old page."))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else saved this assessment" in html and "My words, typed on an old page." in html
    assert "(version 2," in html
    assert 'name="version" value="2"' in html
    assert Assessment.objects.get(pk=assessment.pk).narrative == "Few judges trained."

    # Submit without the partner's consent: refused with the reason on its checkbox.
    response = client.post(f"{url}submit/", form_data(assessment))
    assert response.status_code == 400 and "needs that organisation&#x27;s consent" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.state == "draft"
    response = client.post(f"{url}submit/", form_data(assessment, partner_consent="on"))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == "submitted"
    html = get(client, url)
    assert "Read-only." in html and "waits for the coordinator" in html and 'name="narrative"' not in html

    # Returned with a note, which the organisation reads; corrected and submitted again.
    services.assessment_moderate(
        actor=coordinator, assessment=assessment, decision="return", note="Name the courts concerned."
    )
    html = get(client, url)
    assert "Returned for revision" in html and "Name the courts concerned." in html
    assert "coordinator" in html and 'name="narrative"' in html
    assessment.refresh_from_db()
    response = client.post(f"{url}submit/", form_data(assessment, narrative="Few judges trained in Bukavu."))
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.state, assessment.narrative) == ("submitted", "Few judges trained in Bukavu.")


def test_the_round_closed_meanwhile_is_said_and_what_was_typed_kept(open_round, coordinator, orgs, ngo_member):
    assessment = draft(ngo_member, open_round, narrative="Before closing.")
    reporting.round_close(actor=coordinator, round=open_round)
    client = logged_in(ngo_member)
    response = client.post(
        f"/civil-society/assessments/{assessment.pk}/", form_data(assessment, narrative="Typed after closing.")
    )
    html = response.content.decode()
    assert response.status_code == 409 and "is not open" in html and "Typed after closing." in html
    html = get(client, f"/civil-society/rounds/{open_round.pk}/assessments/new/")
    assert "is not open" in html and 'name="subject"' not in html


def test_a_file_of_a_disallowed_type_is_refused_with_a_message(open_round, orgs, ngo_member):
    assessment = draft(ngo_member, open_round)
    client = logged_in(ngo_member)
    response = client.post(
        f"/civil-society/assessments/{assessment.pk}/evidence/",
        {"evidence-file": SimpleUploadedFile("run.exe", b"MZ\x90\x00")},
    )
    assert response.status_code == 400 and "Accepted files" in response.content.decode()
    assert not assessment.evidence.exists()


def test_evidence_files_are_served_to_the_organisation_and_staff_and_once_accepted_to_everyone(
    open_round, coordinator, reader, orgs, ngo_member, kivu_member, focal_defence, anonymous
):
    assessment = draft(ngo_member, open_round, narrative="With a report.")
    client = logged_in(ngo_member)
    response = client.post(
        f"/civil-society/assessments/{assessment.pk}/evidence/",
        {"evidence-title": "Shelter report", "evidence-file": SimpleUploadedFile("r.pdf", PDF)},
    )
    assert response.status_code == 302
    evidence = assessment.evidence.get()
    url = f"/civil-society/evidence/{evidence.pk}/"
    for user in (ngo_member, coordinator, reader):
        response = logged_in(user).get(url)
        assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
    for user in (kivu_member, focal_defence):
        assert logged_in(user).get(url).status_code == 403
    assert anonymous.get(url).status_code == 302
    services.assessment_submit(actor=ngo_member, assessment=assessment)
    services.assessment_moderate(actor=coordinator, assessment=assessment, decision="accept")
    assert anonymous.get(url).status_code == 200
    assert logged_in(kivu_member).get(url).status_code == 200


def test_assessment_page_query_count_does_not_grow_with_evidence(
    open_round, orgs, ngo_member, django_assert_num_queries
):
    assessment = draft(ngo_member, open_round)
    client = logged_in(ngo_member)
    url = f"/civil-society/assessments/{assessment.pk}/"
    with django_assert_num_queries(8):
        get(client, url)
    for n in range(3):
        services.assessment_evidence_add(actor=ngo_member, assessment=assessment, url=f"https://example.org/{n}")
    with django_assert_num_queries(8):
        html = get(client, url)
    assert html.count('href="https://example.org/') == 3


# --- moderation and the round's dashboard ---------------------------------------------------------


def test_moderation_from_the_queue(open_round, coordinator, reader, orgs, ngo_member, kivu_member, mailoutbox):
    first = submitted(ngo_member, open_round)
    second = submitted(kivu_member, open_round, "23.a", "Off topic.")
    draft(ngo_member, open_round, "10.e")
    client = logged_in(coordinator)
    html = get(client, f"/civil-society/moderation/?round={open_round.pk}")
    assert html.index(f"assessment-{first.pk}") < html.index(f"assessment-{second.pk}"), "oldest first"
    assert 'count-submitted">2<' in html and 'count-draft">1<' in html

    url = f"/civil-society/assessments/{second.pk}/moderate/"
    html = get(client, url)
    assert "Off topic." in html and "Record the decision" in html
    assert "Record the decision" not in get(logged_in(reader), url)
    assert logged_in(reader).post(url, {"decision": "accept", "version": second.version}).status_code == 403

    response = client.post(url, {"decision": "reject", "note": "", "version": second.version})
    assert response.status_code == 400 and "Tell the organisation why." in response.content.decode()
    response = client.post(
        url, {"decision": "reject", "note": "It does not assess the line.", "version": second.version}
    )
    assert response.status_code == 302 and response.url == f"/civil-society/moderation/?round={open_round.pk}"
    second.refresh_from_db()
    assert second.state == "rejected" and second.moderated_by == coordinator
    assert mailoutbox[-1].to == [kivu_member.email]
    html = get(client, url)
    assert "by coordinator" in html and "It does not assess the line." in html, "who decided, and why"

    response = client.post(
        f"/civil-society/assessments/{first.pk}/moderate/", {"decision": "accept", "version": first.version}
    )
    assert response.status_code == 302
    assert Assessment.objects.get(pk=first.pk).state == "accepted"
    html = get(logged_in(kivu_member), f"/civil-society/assessments/{second.pk}/")
    assert "Rejected" in html and "It does not assess the line." in html and "By the coordinator" in html


def test_queue_query_count_does_not_grow_with_more_submissions(
    open_round, coordinator, orgs, ngo_member, kivu_member, django_assert_num_queries
):
    submitted(ngo_member, open_round)
    client = logged_in(coordinator)
    url = f"/civil-society/moderation/?round={open_round.pk}"
    with django_assert_num_queries(10):
        get(client, url)
    for code in ("23.a", "10.e", "1.a"):
        submitted(kivu_member, open_round, code)
    with django_assert_num_queries(10):
        html = get(client, url)
    assert html.count("/moderate/") == 4
    first = Assessment.objects.filter(state="submitted").first()
    with django_assert_num_queries(6):
        get(client, f"/civil-society/assessments/{first.pk}/moderate/")


def test_the_round_dashboard_counts_assessments_and_shows_line_35s_figures(
    open_round, coordinator, reader, focal_defence, orgs, ngo_member, kivu_member
):
    services.round_invite(actor=coordinator, round=open_round, organisations=list(orgs))
    services.assessment_moderate(
        actor=coordinator, assessment=submitted(kivu_member, open_round, "23.a"), decision="accept"
    )
    draft(ngo_member, open_round)
    for user in (coordinator, reader):
        html = get(logged_in(user), f"/rounds/{open_round.pk}/")
        box = html[html.index('id="civil-society-assessments"') :]
        assert 'count-accepted">1<' in box and 'count-draft">1<' in box
        assert f"/civil-society/moderation/?round={open_round.pk}" in box
        assert "Congo" in box and "Line 35, invitations and results" in box
    assert "civil-society-assessments" not in get(logged_in(focal_defence), f"/rounds/{open_round.pk}/")


def test_the_dashboard_gains_a_fixed_number_of_queries_for_the_box(
    open_round, coordinator, focal_defence, orgs, ngo_member, django_assert_num_queries
):
    from tests.test_coordination_screens import dashboard

    client = logged_in(coordinator)
    # The dashboard's 12 queries on the rounds' screens (its targets box asks one), plus the box's four.
    with django_assert_num_queries(16):
        get(client, dashboard(open_round))
    for code in ("17.a", "23.a"):
        submitted(ngo_member, open_round, code)
    with django_assert_num_queries(16):
        get(client, dashboard(open_round))


# --- organisations and invitations ----------------------------------------------------------------


def test_the_coordinator_registers_edits_and_invites(plan, open_round, coordinator, orgs, ngo_member, mailoutbox):
    client = logged_in(coordinator)
    response = client.post(
        "/civil-society/organisations/new/",
        {
            "name": "Réseau Femmes Mali",
            "country": "ML",
            "kind": "network",
            "website": "https://rfm.example",
            "contact_email": "info@rfm.example",
            "languages": ["fr"],
            "network": orgs[0].pk,
            "follows": [line("17.a").pk, line("35").pk],
        },
    )
    assert response.status_code == 302
    mali = orgs[0].network_members.get(country="ML")
    assert [a.code for a in mali.follows.order_by("pk")] == ["17.a", "35"] or set(
        mali.follows.values_list("code", flat=True)
    ) == {"17.a", "35"}
    response = client.post(
        "/civil-society/organisations/new/", {"name": "", "country": "XX", "kind": "ngo", "website": "ftp://x"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "There is a problem" in html and "Select a valid choice" in html
    response = client.post(
        f"/civil-society/organisations/{mali.pk}/edit/",
        {"name": "Réseau Femmes du Mali", "country": "ML", "kind": "network", "languages": ["fr"]},
    )
    assert response.status_code == 302
    mali.refresh_from_db()
    assert mali.name == "Réseau Femmes du Mali"

    # Invite a member; an address that is a member elsewhere gets a clear message.
    url = f"/civil-society/organisations/{mali.pk}/invite/"
    response = client.post(url, {"invite-email": "awa@rfm.example", "invite-first_name": "Awa"})
    assert response.status_code == 302 and "awa@rfm.example" in mailoutbox[-1].to
    response = client.post(url, {"invite-email": ngo_member.email})
    html = response.content.decode()
    assert response.status_code == 400 and "is already a member of Vrouwen voor Vrede" in html
    assert Member.objects.filter(organisation=mali).count() == 1
    html = get(client, f"/civil-society/organisations/{mali.pk}/")
    assert "awa@rfm.example" in html and "invitation not yet accepted" in html

    # Invite organisations to the round.
    sent = len(mailoutbox)
    response = client.post(f"/civil-society/rounds/{open_round.pk}/invite/", {"organisations": [orgs[0].pk, mali.pk]})
    assert response.status_code == 302 and len(mailoutbox) > sent
    html = get(client, f"/civil-society/rounds/{open_round.pk}/invite/")
    assert html.count("already invited") == 2
    response = client.post(f"/civil-society/rounds/{open_round.pk}/invite/", {})
    assert response.status_code == 400


def test_organisation_pages_query_counts_do_not_grow(plan, coordinator, orgs, django_assert_num_queries):
    client = logged_in(coordinator)
    with django_assert_num_queries(5):
        get(client, "/civil-society/organisations/")
    with django_assert_num_queries(8):
        get(client, f"/civil-society/organisations/{orgs[0].pk}/")
    for n in range(3):
        services.organisation_add(actor=coordinator, name=f"Organisation {n}", country="BE", network=orgs[0])
        member(coordinator, orgs[0], f"member{n}@vrouwenvoorvrede.example")
    with django_assert_num_queries(5):
        html = get(client, "/civil-society/organisations/")
    assert html.count("/civil-society/organisations/") >= 5
    with django_assert_num_queries(8):
        get(client, f"/civil-society/organisations/{orgs[0].pk}/")


# --- events and recommendations -------------------------------------------------------------------


def test_event_recommendation_and_follow_up_flow(plan, open_round, coordinator, reader, orgs, be_document, anonymous):
    client = logged_in(coordinator)
    organiser = Department.objects.get(code="foreign-affairs")
    response = client.post(
        f"/civil-society/events/new/?plan={plan.slug}",
        {
            "kind": "mid-term",
            "title": "Mid-term consultation",
            "date": "2014-11-20",
            "place": "Egmont Palace",
            "organiser": organiser.pk,
            "invited": [o.pk for o in orgs],
            "attending": [orgs[0].pk],
            "women": "31",
            "men": "9",
            "other": "1",
            "summary": "Forty-one people.",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(title="Mid-term consultation")
    url = f"/civil-society/events/{event.pk}/"
    assert (event.participants, event.public) == (41, False)

    # Files: a disallowed type refused; a PDF internal until the event is public.
    response = client.post(f"{url}files/", {"file-kind": "minutes", "file-file": SimpleUploadedFile("m.exe", b"MZ")})
    assert response.status_code == 400 and "Accepted files" in response.content.decode()
    response = client.post(
        f"{url}files/",
        {"file-kind": "minutes", "file-title": "Minutes", "file-file": SimpleUploadedFile("minutes.pdf", PDF)},
    )
    assert response.status_code == 302
    file_url = f"/civil-society/event-files/{event.files.get().pk}/"
    assert logged_in(reader).get(file_url).status_code == 200
    assert anonymous.get(file_url).status_code == 302
    services.event_update(actor=coordinator, event=event, data={"public": True})
    assert anonymous.get(file_url).status_code == 200

    # A recommendation on a line of another plan is refused with a message.
    from naptrack.plans.services import plan_load

    other = plan_load(
        actor="tests", document=dict(be_document, slug="be-nap-copy", period={"start": 2009, "end": 2012})
    ).plan
    foreign = Action.objects.get(plan=other, code="17.a")
    response = client.post(
        f"{url}recommendations/", {"recommendation-text": "Train judges.", "recommendation-actions": [foreign.pk]}
    )
    assert response.status_code == 400 and "belongs to another plan" in response.content.decode()
    assert not event.recommendations.exists()
    response = client.post(
        f"{url}recommendations/",
        {
            "recommendation-text": "Train all judges on sexual violence.",
            "recommendation-organisations": [orgs[0].pk],
            "recommendation-actions": [line("17.a").pk],
        },
    )
    assert response.status_code == 302
    recommendation = event.recommendations.get()

    # Respond: a reason is needed unless accepted; follow up in the round.
    base = f"/civil-society/recommendations/{recommendation.pk}/"
    response = client.post(f"{base}respond/", {f"respond-{recommendation.pk}-response": "partly"})
    assert response.status_code == 400 and "Give the reason" in response.content.decode()
    response = client.post(
        f"{base}respond/",
        {f"respond-{recommendation.pk}-response": "partly", f"respond-{recommendation.pk}-reason": "Budget limits."},
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}follow-up/",
        {
            f"follow-up-{recommendation.pk}-status": "in-progress",
            f"follow-up-{recommendation.pk}-round": open_round.pk,
            f"follow-up-{recommendation.pk}-note": "Two trainings planned.",
        },
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get(pk=recommendation.pk)
    assert (recommendation.response, recommendation.status) == ("partly", "in-progress")
    html = get(logged_in(reader), url)
    assert "Two trainings planned." in html and "Budget limits." in html and "Record the response" not in html
    assert "31 women, 9 men" in html


def test_event_pages_query_counts_do_not_grow(plan, open_round, coordinator, orgs, django_assert_num_queries):
    event = event_of(plan, coordinator, orgs)
    services.recommendation_add(actor=coordinator, event=event, text="First.", actions=[line("35")])
    client = logged_in(coordinator)
    with django_assert_num_queries(7):
        get(client, "/civil-society/events/")
    with django_assert_num_queries(14):
        get(client, f"/civil-society/events/{event.pk}/")
    for n in range(3):
        r = services.recommendation_add(
            actor=coordinator,
            event=event,
            text=f"Recommendation {n}",
            organisations=list(orgs),
            actions=[line("17.a"), line("23.a")],
        )
        services.recommendation_follow_up(
            actor=coordinator, recommendation=r, round=open_round, status="in-progress", note="Started."
        )
        event_of(plan, coordinator, orgs, title=f"Other event {n}")
    with django_assert_num_queries(7):
        get(client, "/civil-society/events/")
    with django_assert_num_queries(14):
        html = get(client, f"/civil-society/events/{event.pk}/")
    assert html.count('class="border rounded p-3 mb-3 recommendation"') == 4


# --- the expertise network and a person's data ----------------------------------------------------


def test_a_member_lists_themselves_gives_and_withdraws_consent(plan, coordinator, orgs, ngo_member):
    field = services.expertise_field_add(actor=coordinator, name="Gender and security sector reform")
    client = logged_in(ngo_member)
    response = client.post(
        "/civil-society/experts/new/",
        {
            "name": "An Peeters",
            "email": ngo_member.email,
            "fields_": [field.pk],
            "languages": ["nl", "fr"],
            "countries": ["CD", "BE"],
            "summary": "Security sector reform.",
        },
    )
    assert response.status_code == 302
    listing = Expert.objects.get(user=ngo_member)
    url = f"/civil-society/experts/{listing.pk}/"
    html = get(client, url)
    assert "What the consent is for:" in html and "public directory" in html and 'name="agree"' in html
    response = client.post(f"{url}consent/", {})
    assert response.status_code == 400 and "Tick the box to give your consent." in response.content.decode()
    assert not Expert.objects.public().exists()
    assert client.post(f"{url}consent/", {"agree": "on"}).status_code == 302
    assert list(Expert.objects.public()) == [listing]
    assert "Withdraw consent" in get(client, url)
    assert client.post(f"{url}consent/withdraw/").status_code == 302
    assert not Expert.objects.public().exists()
    assert "Give consent" in get(client, url)
    # Someone else's listing is theirs alone (and the coordinator's).
    other = member(coordinator, orgs[1], "marie@kivu.example")
    assert logged_in(other).get(url).status_code == 403
    get(logged_in(coordinator), url)


def test_the_coordinator_keeps_the_fields_of_expertise(plan, coordinator, reader):
    client = logged_in(coordinator)
    assert client.post("/civil-society/experts/fields/", {"name": "Mediation"}).status_code == 302
    assert "Mediation" in get(client, "/civil-society/experts/")
    client.post("/civil-society/experts/fields/", {"name": "mediation"})
    assert "already in the list" in get(client, "/civil-society/experts/")
    assert logged_in(reader).post("/civil-society/experts/fields/", {"name": "X"}).status_code == 403


def test_my_data_export_erasure_request_and_the_coordinators_confirmation(plan, coordinator, reader, orgs, ngo_member):
    email = ngo_member.email
    listing = services.expert_add(actor=ngo_member, name="An Peeters", email=ngo_member.email)
    services.expert_consent_give(actor=ngo_member, expert=listing, purpose="Directory.")
    client = logged_in(ngo_member)
    html = get(client, "/civil-society/my-data/")
    assert "An Peeters" in html and ngo_member.email in html and "Given" in html
    response = client.get("/civil-society/my-data/export/")
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["accounts"][0]["organisation"] == "Vrouwen voor Vrede"
    assert data["listings"][0]["consent"][0]["action"] == "given"

    assert client.post("/civil-society/my-data/erase/").status_code == 302
    coordinator_client = logged_in(coordinator)
    html = get(coordinator_client, "/civil-society/people/erase/")
    assert ngo_member.email in html, "the request waits in the coordinator's list"
    html = get(coordinator_client, f"/civil-society/people/erase/?email={ngo_member.email}")
    assert "What is held about" in html and "An Peeters" in html and "Vrouwen voor Vrede" in html
    assert Expert.objects.filter(pk=listing.pk).exists(), "showing what is held erases nothing"
    response = coordinator_client.post("/civil-society/people/erase/", {"email": ngo_member.email, "confirm": "yes"})
    assert response.status_code == 302
    ngo_member.refresh_from_db()
    assert not ngo_member.is_active and ngo_member.email == ""
    assert not Expert.objects.filter(pk=listing.pk).exists()
    assert email not in get(coordinator_client, "/civil-society/people/erase/")
    assert logged_in(reader).get("/civil-society/people/erase/").status_code == 403


def test_expert_pages_query_counts_do_not_grow(plan, coordinator, orgs, ngo_member, django_assert_num_queries):
    listing = services.expert_add(actor=ngo_member, name="An Peeters")
    client, own = logged_in(coordinator), logged_in(ngo_member)
    with django_assert_num_queries(7):
        get(client, "/civil-society/experts/")
    with django_assert_num_queries(9):
        get(own, f"/civil-society/experts/{listing.pk}/")
    with django_assert_num_queries(9):
        get(own, "/civil-society/my-data/")
    for n in range(3):
        field = services.expertise_field_add(actor=coordinator, name=f"Field {n}")
        e = services.expert_add(actor=coordinator, name=f"Expert {n}", organisation=orgs[1], fields=[field])
        services.expert_consent_give(actor=coordinator, expert=e, purpose="Directory.")
        services.expert_update(actor=ngo_member, expert=listing, data={}, fields=[field])
    with django_assert_num_queries(7):
        get(client, "/civil-society/experts/")
    with django_assert_num_queries(9):
        get(own, f"/civil-society/experts/{listing.pk}/")
    with django_assert_num_queries(9):
        get(own, "/civil-society/my-data/")


# --- line 34: a contribution cites the events -----------------------------------------------------


def test_a_contribution_on_line_34_cites_the_events(
    plan, open_round, coordinator, focal_defence, orgs, django_assert_num_queries
):
    from naptrack.reporting.models import Contribution

    event = event_of(plan, coordinator, orgs)
    contribution = Contribution.objects.get(round=open_round, action__code="34", department__code="foreign-affairs")
    client = logged_in(coordinator)
    url = f"/work/contributions/{contribution.pk}/"
    html = get(client, url)
    assert "Reporting and coordination events" in html and "Mid-term consultation on NAP 1325" in html
    cite = f"/civil-society/contributions/{contribution.pk}/events/{event.pk}/cite/"
    response = client.post(cite, {"cite": "1"})
    assert response.status_code == 302 and response.url == f"{url}#events"
    assert list(event.cited_by.all()) == [contribution]
    html = get(client, url)
    assert "Uncite" in html and ">cited<" in html
    assert logged_in(focal_defence).post(cite, {"cite": "0"}).status_code == 403
    assert client.post(cite, {"cite": "0"}).status_code == 302
    assert not event.cited_by.exists()
    # Any line may cite an event; the list stays folded until one is cited.
    other = Contribution.objects.filter(round=open_round).exclude(action__code="34").first()
    html = get(client, f"/work/contributions/{other.pk}/")
    assert "Reporting and coordination events (1)" in html and "<details>" in html

    with django_assert_num_queries(9) as first:
        get(client, url)
    for n in range(3):
        event_of(plan, coordinator, orgs, title=f"Event {n}")
    with django_assert_num_queries(len(first)):
        html = get(client, url)
    assert html.count("/cite/") == 4


def test_a_focal_point_sees_and_cites_only_public_events(plan, open_round, coordinator, focal_defence, orgs):
    from naptrack.reporting.models import Contribution

    public = event_of(plan, coordinator, orgs, title="Public mid-term consultation", public=True)
    internal = event_of(plan, coordinator, orgs, title="Internal preparatory meeting", public=False)
    contribution = Contribution.objects.get(round=open_round, action__code="23.a", department__code="defence")
    client = logged_in(focal_defence)
    html = get(client, f"/work/contributions/{contribution.pk}/")
    assert "Public mid-term consultation" in html and "Internal preparatory meeting" not in html
    base = f"/civil-society/contributions/{contribution.pk}/events"
    assert client.post(f"{base}/{internal.pk}/cite/", {"cite": "1"}).status_code == 404
    assert client.post(f"{base}/{public.pk}/cite/", {"cite": "1"}).status_code == 302
    assert list(public.cited_by.all()) == [contribution] and not internal.cited_by.exists()
    # The coordinator sees both.
    html = get(logged_in(coordinator), f"/work/contributions/{contribution.pk}/")
    assert "Internal preparatory meeting" in html


def test_an_id_past_the_databases_integers_is_a_form_error_not_a_500(open_round, coordinator, orgs):
    client = logged_in(coordinator)
    huge = "9" * 25
    response = client.post(f"/civil-society/rounds/{open_round.pk}/invite/", {"organisations": huge})
    assert response.status_code in (200, 400) and "is not a valid value" in response.content.decode()
