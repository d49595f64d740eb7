"""Civil society in the cycle, through the services, on the real Belgian plan: organisations and
their members, assessments of lines 17.a and 23.a moderated (one returned, corrected and accepted,
one rejected), the mid-term consultation with its recommendations followed up in the next round,
consent given and withdrawn, a person's data exported and erased."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from naptrack.audit.models import AuditEvent
from naptrack.civilsociety import services
from naptrack.civilsociety.models import Assessment, Consent, Expert, Member, Recommendation
from naptrack.plans.models import Action, Department
from naptrack.reporting import services as reporting
from tests.civil_society_data import member, organisations


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
    return Action.objects.get(code=code)


def test_a_member_joins_through_the_invitation_and_holds_the_civil_society_role(orgs, ngo_member):
    assert ngo_member.is_active and ngo_member.role == "civil-society"
    assert ngo_member.membership.organisation == orgs[0]
    assert not ngo_member.has_perm("reporting.view_round")
    assert not ngo_member.has_perm("civilsociety.read_all")


def test_an_address_that_is_a_member_elsewhere_or_a_staff_account_is_refused(
    orgs, ngo_member, coordinator, focal_defence
):
    with pytest.raises(ValidationError, match="already a member of Vrouwen voor Vrede"):
        services.member_invite(actor=coordinator, organisation=orgs[1], email=ngo_member.email)
    with pytest.raises(ValidationError, match="already has an account"):
        services.member_invite(actor=coordinator, organisation=orgs[1], email=focal_defence.email)
    assert Member.objects.count() == 1


def test_organisations_are_validated(plan, coordinator, orgs):
    with pytest.raises(ValidationError) as refused:
        services.organisation_add(actor=coordinator, name="", country="XX", kind="club", website="ftp://x")
    assert set(refused.value.message_dict) == {"name", "country", "kind", "website"}
    with pytest.raises(ValidationError, match="already registered"):
        services.organisation_add(actor=coordinator, name="vrouwen voor vrede", country="BE")


def test_the_assessment_cycle_with_moderation(
    open_round, coordinator, orgs, ngo_member, kivu_member, mailoutbox, django_capture_on_commit_callbacks
):
    first = services.assessment_create(
        actor=ngo_member,
        round=open_round,
        action=line("17.a"),
        data={
            "status": "in-progress",
            "narrative": "Training reached few judges.",
            "countries": ["CD"],
            "partner_name": "Femmes Solidaires du Kivu",
            "partner_country": "CD",
        },
    )
    with pytest.raises(ValidationError, match="consent"):
        services.assessment_submit(actor=ngo_member, assessment=first)
    first = services.assessment_save(
        actor=ngo_member, assessment=first, version=first.version, data={"partner_consent": True}
    )
    first = services.assessment_submit(actor=ngo_member, assessment=first, version=first.version)
    with pytest.raises(PermissionDenied):
        services.assessment_save(actor=kivu_member, assessment=first, version=first.version, data={"narrative": "x"})
    with django_capture_on_commit_callbacks(execute=True):
        first = services.assessment_moderate(
            actor=coordinator, assessment=first, decision="return", note="Name the courts concerned."
        )
    assert first.state == "returned" and mailoutbox[-1].to == [ngo_member.email]
    assert "Name the courts concerned." in mailoutbox[-1].body
    first = services.assessment_save(
        actor=ngo_member,
        assessment=first,
        version=first.version,
        data={"narrative": "Training reached few judges in Bukavu and Goma."},
    )
    first = services.assessment_submit(actor=ngo_member, assessment=first, version=first.version)
    first = services.assessment_moderate(actor=coordinator, assessment=first, decision="accept")
    assert first.state == "accepted" and first.published_at and first.moderated_by == coordinator

    second = services.assessment_create(
        actor=kivu_member,
        round=open_round,
        action=line("23.a"),
        data={"status": "not-started", "narrative": "Off topic."},
    )
    second = services.assessment_submit(actor=kivu_member, assessment=second)
    with pytest.raises(ValidationError, match="why"):
        services.assessment_moderate(actor=coordinator, assessment=second, decision="reject")
    second = services.assessment_moderate(
        actor=coordinator, assessment=second, decision="reject", note="It does not assess the line."
    )
    with pytest.raises(services.CivilSocietyError):
        services.assessment_moderate(actor=coordinator, assessment=second, decision="accept")
    # Each organisation reads its own work and what was published, nothing else.
    assert set(Assessment.objects.readable_by(ngo_member)) == {first}
    assert set(Assessment.objects.readable_by(kivu_member)) == {first, second}
    assert set(Assessment.objects.published()) == {first}
    decisions = AuditEvent.objects.filter(action__startswith="civilsociety.assessment.").exclude(
        action__in=[
            "civilsociety.assessment.created",
            "civilsociety.assessment.saved",
            "civilsociety.assessment.submitted",
        ]
    )
    assert {(e.action, e.actor) for e in decisions} == {
        ("civilsociety.assessment.returned", coordinator),
        ("civilsociety.assessment.accepted", coordinator),
        ("civilsociety.assessment.rejected", coordinator),
    }


def test_an_assessment_after_the_round_closed_is_refused_with_a_message(open_round, coordinator, ngo_member):
    draft = services.assessment_create(
        actor=ngo_member, round=open_round, action=line("17.a"), data={"narrative": "Late."}
    )
    reporting.round_close(actor=coordinator, round=open_round)
    with pytest.raises(services.CivilSocietyError, match="not open"):
        services.assessment_submit(actor=ngo_member, assessment=draft)
    with pytest.raises(PermissionDenied):
        services.assessment_create(actor=ngo_member, round=open_round, action=line("17.a"))


def test_a_file_of_a_disallowed_type_is_refused_and_nothing_is_kept(open_round, ngo_member):
    draft = services.assessment_create(actor=ngo_member, round=open_round, action=line("17.a"))
    with pytest.raises(ValidationError, match="Accepted files"):
        services.assessment_evidence_add(
            actor=ngo_member, assessment=draft, upload=SimpleUploadedFile("run.exe", b"MZ\x90\x00")
        )
    with pytest.raises(ValidationError, match=r"named \.pdf"):
        services.assessment_evidence_add(
            actor=ngo_member, assessment=draft, upload=SimpleUploadedFile("report.pdf", b"not a pdf at all")
        )
    assert not draft.evidence.exists()


def test_the_mid_term_consultation_and_its_recommendations_followed_up(plan, open_round, coordinator, orgs):
    ngo, kivu = orgs
    event = services.event_create(
        actor=coordinator,
        plan=plan,
        kind="mid-term",
        title="Mid-term consultation on NAP 1325",
        date=dt.date(2014, 11, 20),
        place="Egmont Palace, Brussels",
        organiser=Department.objects.get(code="foreign-affairs"),
        invited=[ngo, kivu],
        attending=[ngo],
        women=31,
        men=9,
        other=1,
        public=True,
    )
    assert event.participants == 41
    texts = ["Train all judges on sexual violence.", "Count women in missions every year.", "Fund Kivu shelters."]
    codes = [["17.a"], ["23.a"], ["17.a", "10.e"]]
    recommendations = [
        services.recommendation_add(
            actor=coordinator, event=event, text=t, organisations=[ngo], actions=[line(c) for c in cs]
        )
        for t, cs in zip(texts, codes, strict=True)
    ]
    services.recommendation_respond(actor=coordinator, recommendation=recommendations[0], response="accepted")
    with pytest.raises(ValidationError, match="reason"):
        services.recommendation_respond(actor=coordinator, recommendation=recommendations[2], response="not-accepted")
    services.recommendation_respond(
        actor=coordinator,
        recommendation=recommendations[2],
        response="partly",
        reason="Shelters are funded through multilateral channels.",
    )
    services.recommendation_follow_up(
        actor=coordinator,
        recommendation=recommendations[0],
        round=open_round,
        status="in-progress",
        note="Two trainings planned in 2015.",
    )
    assert Recommendation.objects.get(pk=recommendations[0].pk).status == "in-progress"
    other_plan_line = Action(plan_id=None, code="x")
    other_plan_line.plan_id = plan.pk + 1000
    with pytest.raises(ValidationError, match="another plan"):
        services.recommendation_add(actor=coordinator, event=event, text="x", actions=[other_plan_line])
    assert event.recommendations.count() == 3


def test_consent_given_then_withdrawn_and_a_persons_data_exported_and_erased(plan, coordinator, orgs, ngo_member):
    field = services.expertise_field_add(actor=coordinator, name="Gender and security sector reform")
    listing = services.expert_add(
        actor=ngo_member,
        name="An Peeters",
        email=ngo_member.email,
        fields=[field],
        languages=["nl", "fr"],
        countries=["CD", "BE"],
    )
    assert listing.organisation == orgs[0] and listing.user == ngo_member
    assert not Expert.objects.public().exists()
    services.expert_consent_give(actor=ngo_member, expert=listing, purpose="Listed in the public directory.")
    assert list(Expert.objects.public()) == [listing]
    services.expert_consent_withdraw(actor=ngo_member, expert=listing)
    assert not Expert.objects.public().exists()
    data = services.person_export(actor=ngo_member, email=ngo_member.email)
    assert data["accounts"][0]["organisation"] == "Vrouwen voor Vrede"
    assert [c["action"] for c in data["listings"][0]["consent"]] == ["given", "withdrawn"]
    with pytest.raises(PermissionDenied):
        services.person_export(actor=ngo_member, email="someone.else@example.org")
    erased = services.person_erase(actor=coordinator, email=ngo_member.email)
    assert erased == {"accounts": 1, "listings": 1}
    ngo_member.refresh_from_db()
    assert ngo_member.email == "" and not ngo_member.is_active and ngo_member.first_name == ""
    # The consent records stay, without the person; nothing in history or the audit trail names them.
    assert Consent.objects.filter(expert__isnull=True).count() == 2
    assert set(Consent.objects.values_list("recorded_by", flat=True)) == {""}
    assert not Expert.history.filter(name="An Peeters").exists()
    trail = [(e.actor_name, e.target_repr, str(e.data)) for e in AuditEvent.objects.all()]
    assert not [t for t in trail if "vrouwenvoorvrede" in str(t) or "An Peeters" in str(t)]
    assert AuditEvent.objects.filter(action="civilsociety.member.invited", data__email="(erased)").exists()
    assert (
        not AuditEvent.objects.filter(data__icontains="vrouwenvoorvrede")
        .filter(action="civilsociety.person.erased")
        .exists()
    )


def test_round_invitations_and_the_figures_that_answer_line_35(open_round, coordinator, orgs, ngo_member, kivu_member):
    ngo, kivu = orgs
    services.organisation_update(actor=coordinator, organisation=ngo, data={"follows": [line("17.a"), line("35")]})
    assert services.round_invite(actor=coordinator, round=open_round, organisations=[ngo, kivu]) == 2
    services.round_invite(actor=coordinator, round=open_round, organisations=[ngo])
    submitted = services.assessment_create(
        actor=kivu_member, round=open_round, action=line("23.a"), data={"narrative": "Few women deployed."}
    )
    services.assessment_submit(actor=kivu_member, assessment=submitted)
    services.assessment_moderate(actor=coordinator, assessment=submitted, decision="accept")
    services.assessment_create(actor=ngo_member, round=open_round, action=line("17.a"), data={"narrative": "Draft."})
    figures = services.round_figures(open_round)
    assert (figures["invitations"], figures["received"], figures["published"]) == (2, 1, 1)
    assert figures["by_country"] == [
        {"country": "BE", "invitations": 1, "received": 0, "published": 0},
        {"country": "CD", "invitations": 1, "received": 1, "published": 1},
    ]


@pytest.mark.parametrize("persona", ["focal_defence", "reader"])
def test_only_the_coordinator_registers_moderates_and_records_events(plan, persona, request, orgs):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        services.organisation_add(actor=actor, name="X", country="BE")
    with pytest.raises(PermissionDenied):
        services.member_invite(actor=actor, organisation=orgs[0], email="x@example.org")
    with pytest.raises(PermissionDenied):
        services.expertise_field_add(actor=actor, name="Y")


def test_the_admin_exports_and_erases_a_person_for_the_coordinator(plan, coordinator, orgs, ngo_member):
    from tests.conftest import logged_in

    client = logged_in(coordinator)
    member_row = Member.objects.get(user=ngo_member)
    assert client.get("/admin/civilsociety/member/").status_code == 200
    exported = client.post(
        "/admin/civilsociety/member/", {"action": "export_people", "_selected_action": [member_row.pk]}
    )
    assert exported.status_code == 200 and b"Vrouwen voor Vrede" in exported.content
    erased = client.post("/admin/civilsociety/member/", {"action": "erase_people", "_selected_action": [member_row.pk]})
    assert erased.status_code == 302
    ngo_member.refresh_from_db()
    assert ngo_member.email == "" and not Member.objects.filter(pk=member_row.pk).exists()
    assert AuditEvent.objects.filter(action="civilsociety.person.erased", actor=coordinator).exists()


def test_the_admin_shows_civil_society_to_coordinators_only(plan, reader, orgs):
    from tests.conftest import logged_in

    assert logged_in(reader).get("/admin/civilsociety/organisation/").status_code == 302
