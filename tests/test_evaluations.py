"""A plan's evaluation (naptrack.evaluations) on the Belgian plan: the workflow from creation to
publication, who may write what, validation by field, history and audit, and the staff screens'
query counts."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from naptrack.audit.models import AuditEvent
from naptrack.evaluations import services
from naptrack.evaluations.models import Assessment, Evaluation, Finding, Recommendation
from naptrack.plans.models import Objective, Plan
from tests.conftest import logged_in
from tests.evaluations_data import FINDING, RECOMMENDATION, evaluation_of, evaluator_of, line

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluator(plan):
    return evaluator_of(plan)


@pytest.fixture
def other_plan(plan):
    return Plan.objects.create(
        slug="be-nap-2017-2021", title="NAP 2017-2021", country="BE", period_start=2017, period_end=2021
    )


@pytest.fixture
def outsider(other_plan):
    """The evaluator of another plan."""
    return evaluator_of(other_plan, "evaluator-other")


@pytest.fixture
def evaluation(plan, coordinator):
    return evaluation_of(plan, coordinator)


# --- workflow ----------------------------------------------------------------------------------------


def test_the_coordinator_and_the_evaluator_write_the_evaluation_and_the_coordinator_publishes_it(
    plan, coordinator, evaluator
):
    evaluation = evaluation_of(plan, coordinator, entries=False)
    objective = Objective.objects.get(plan=plan, number=6)
    changed = services.assessments_set(
        actor=evaluator,
        evaluation=evaluation,
        objectives={objective.pk: ("completed", "Parliament was informed every year.")},
        lines={line(plan, "33").pk: ("continuous", "Reports sent each year.")},
    )
    assert changed == 2
    finding = services.finding_add(actor=evaluator, evaluation=evaluation, text=FINDING)
    recommendation = services.recommendation_add(
        actor=evaluator, evaluation=evaluation, text=RECOMMENDATION, actions=[line(plan, "21").pk]
    )
    assert (finding.number, recommendation.number) == (1, 1)
    assert str(finding).startswith("Finding 1: Diplomatic postings")
    assert str(recommendation).startswith("Recommendation 1: Set a yearly quota")
    services.response_set(actor=coordinator, recommendation=recommendation, response="accepted", text="Done in 2018.")
    services.evaluation_response_set(
        actor=coordinator, evaluation=evaluation, text="The government thanks the evaluator."
    )
    services.evaluation_publish(actor=coordinator, evaluation=evaluation)

    evaluation.refresh_from_db()
    assert evaluation.is_published
    assert {
        a.action.code if a.action_id else a.objective.number for a in Assessment.objects.filter(evaluation=evaluation)
    } == {
        6,
        "33",
    }
    actions = list(
        AuditEvent.objects.filter(action__startswith="evaluations.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == [
        "evaluations.evaluation.created",
        "evaluations.assessment.set",
        "evaluations.finding.added",
        "evaluations.recommendation.added",
        "evaluations.response.set",
        "evaluations.response.set",
        "evaluations.evaluation.published",
    ]
    assert AuditEvent.objects.get(action="evaluations.finding.added").actor == evaluator
    # Row history names who wrote each entry.
    assert finding.history.get().history_user == evaluator
    assert recommendation.lines.get().history.get().history_user == evaluator
    assert evaluation.history.count() == 3  # created, the overall response, published

    # Once published, the evaluator can no longer change it; the coordinator withdraws it.
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=evaluator, evaluation=evaluation, text="Too late.")
    services.evaluation_withdraw(actor=coordinator, evaluation=evaluation)
    assert not Evaluation.objects.get(pk=evaluation.pk).is_published
    assert AuditEvent.objects.filter(action="evaluations.evaluation.withdrawn").count() == 1


def test_an_assessment_set_to_nothing_is_removed_and_unchanged_ones_are_not_rewritten(evaluation, coordinator, plan):
    code_1a = line(plan, "1.a").pk
    assert (
        services.assessments_set(
            actor=coordinator, evaluation=evaluation, lines={code_1a: ("completed", "The CEDAW report was sent.")}
        )
        == 0
    )
    assert services.assessments_set(actor=coordinator, evaluation=evaluation, lines={code_1a: ("", "")}) == 1
    assert not Assessment.objects.filter(evaluation=evaluation, action_id=code_1a).exists()
    event = AuditEvent.objects.filter(action="evaluations.assessment.set").latest("pk")
    assert event.data["changes"] == {
        "line 1.a": {"before": ["completed", "The CEDAW report was sent."], "after": ["", ""]}
    }


def test_removing_a_finding_renumbers_the_others_and_keeps_its_history(evaluation, coordinator):
    first = evaluation.findings.get(number=1)
    first_pk = first.pk
    services.finding_remove(actor=coordinator, finding=first)
    assert list(Finding.objects.filter(evaluation=evaluation).values_list("number", "text")) == [
        (1, "Reporting by Defence was late.")
    ]
    assert Finding.history.filter(id=first_pk, history_type="-").exists()
    recommendation = evaluation.recommendations.get(number=1)
    services.recommendation_edit(
        actor=coordinator,
        recommendation=recommendation,
        text="Quota.",
        actions=[line(recommendation.evaluation.plan, "23.a")],
    )
    assert [link.action.code for link in recommendation.lines.all()] == ["23.a"]


# --- permissions -------------------------------------------------------------------------------------


def test_the_evaluator_cannot_respond_publish_or_create(evaluation, evaluator, plan):
    recommendation = evaluation.recommendations.first()
    with pytest.raises(PermissionDenied):
        services.response_set(actor=evaluator, recommendation=recommendation, response="accepted", text="")
    with pytest.raises(PermissionDenied):
        services.evaluation_response_set(actor=evaluator, evaluation=evaluation, text="Yes")
    with pytest.raises(PermissionDenied):
        services.evaluation_publish(actor=evaluator, evaluation=evaluation)
    with pytest.raises(PermissionDenied):
        services.evaluation_create(
            actor=evaluator, plan=plan, kind="final", evaluator_kind="internal", evaluator_name="X"
        )


@pytest.mark.parametrize("who", ["outsider", "focal_defence", "reader", "anonymous_user"])
def test_nobody_else_writes_an_evaluation(evaluation, who, request, plan):
    from django.contrib.auth.models import AnonymousUser

    actor = AnonymousUser() if who == "anonymous_user" else request.getfixturevalue(who)
    finding = evaluation.findings.first()
    for write in (
        lambda: services.finding_add(actor=actor, evaluation=evaluation, text="No."),
        lambda: services.finding_edit(actor=actor, finding=finding, text="No."),
        lambda: services.assessments_set(
            actor=actor, evaluation=evaluation, lines={line(plan, "2.a").pk: ("completed", "x")}
        ),
        lambda: services.recommendation_add(
            actor=actor, evaluation=evaluation, text="No.", actions=[line(plan, "2.a")]
        ),
        lambda: services.evaluation_publish(actor=actor, evaluation=evaluation),
    ):
        with pytest.raises(PermissionDenied):
            write()


def test_a_civil_society_member_writes_nothing_and_sees_no_staff_page(evaluation, coordinator):
    from tests.civil_society_data import member, organisations

    ngo = organisations(coordinator)[0]
    person = member(coordinator, ngo, "member@example.org")
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=person, evaluation=evaluation, text="No.")
    client = logged_in(person)
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == 403


@pytest.mark.parametrize(
    ("who", "status"),
    [("coordinator", 200), ("evaluator", 200), ("reader", 200), ("focal_defence", 403), ("outsider", 403)],
)
def test_who_reads_the_staff_pages(evaluation, who, status, request):
    client = logged_in(request.getfixturevalue(who))
    assert client.get(f"/evaluations/{evaluation.pk}/").status_code == status
    assert client.get(f"/evaluations/plan/{evaluation.plan.slug}/").status_code == status


def test_the_evaluator_of_another_plan_cannot_open_the_forms(evaluation, outsider, reader):
    for person in (outsider, reader):
        client = logged_in(person)
        assert client.get(f"/evaluations/{evaluation.pk}/assessments/").status_code == 403
        assert client.post(f"/evaluations/{evaluation.pk}/findings/new/", {"text": "Sneaky"}).status_code == 403
    assert not Finding.objects.filter(text="Sneaky").exists()


def test_anonymous_is_sent_to_sign_in(evaluation, anonymous):
    response = anonymous.get(f"/evaluations/{evaluation.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- validation --------------------------------------------------------------------------------------


def test_bad_assessments_are_refused_by_field_and_nothing_is_written(evaluation, coordinator, other_plan, plan):
    from naptrack.plans.models import Action, Goal

    goal = Goal.objects.create(
        plan=other_plan, objective=Objective.objects.create(plan=other_plan, number=1, title="O"), number=1, text="G"
    )
    foreign = Action.objects.create(plan=other_plan, goal=goal, code="1", position=1, text="Elsewhere")
    ok = line(plan, "2.a").pk
    before = Assessment.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.assessments_set(
            actor=coordinator,
            evaluation=evaluation,
            lines={
                ok: ("finished", "Done."),
                line(plan, "3.a").pk: ("completed", "  "),
                foreign.pk: ("completed", "x"),
            },
        )
    errors = caught.value.message_dict
    assert set(errors) == {f"line-{ok}-status", f"line-{line(plan, '3.a').pk}-text", f"line-{foreign.pk}"}
    assert Assessment.objects.count() == before


def test_empty_texts_and_foreign_lines_are_refused(evaluation, coordinator, other_plan):
    from naptrack.plans.models import Action, Goal

    goal = Goal.objects.create(
        plan=other_plan, objective=Objective.objects.create(plan=other_plan, number=1, title="O"), number=1, text="G"
    )
    foreign = Action.objects.create(plan=other_plan, goal=goal, code="1", position=1, text="Elsewhere")
    with pytest.raises(ValidationError) as caught:
        services.finding_add(actor=coordinator, evaluation=evaluation, text="   ")
    assert "text" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.recommendation_add(actor=coordinator, evaluation=evaluation, text="Fine.", actions=[foreign])
    assert "actions" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.recommendation_add(actor=coordinator, evaluation=evaluation, text="Fine.", actions=[])
    assert "actions" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.response_set(
            actor=coordinator, recommendation=evaluation.recommendations.first(), response="maybe", text=""
        )
    assert "response" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.evaluation_create(
            actor=coordinator, plan=evaluation.plan, kind="annual", evaluator_kind="internal", evaluator_name=" "
        )
    assert set(caught.value.message_dict) == {"kind", "evaluator_name"}
    assert Recommendation.objects.filter(text="Fine.").count() == 0


def test_the_assessment_form_shows_field_errors_without_a_500(evaluation, coordinator_client, plan):
    pk = line(plan, "2.a").pk
    response = coordinator_client.post(
        f"/evaluations/{evaluation.pk}/assessments/", {f"line-{pk}-status": "nonsense", f"line-{pk}-text": "x"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="id_line-{pk}-status_error"' in page and "Choose a status from the plan&#x27;s scale." in page
    response = coordinator_client.post(f"/evaluations/{evaluation.pk}/findings/new/", {"text": ""})
    assert response.status_code == 400
    response = coordinator_client.post(
        f"/evaluations/{evaluation.pk}/recommendations/new/", {"text": "R", "actions": ["999999"]}
    )
    assert response.status_code == 400


# --- screens -----------------------------------------------------------------------------------------


def test_the_screens_take_the_workflow_through(plan, coordinator_client, evaluator):
    response = coordinator_client.post(
        f"/evaluations/plan/{plan.slug}/new/",
        {"kind": "final", "evaluator_kind": "external", "evaluator_name": "<b>Eva</b>", "summary": "Good *work*."},
    )
    evaluation = Evaluation.objects.get()
    assert response.status_code == 302
    client = logged_in(evaluator)
    pk_21 = line(plan, "21").pk
    response = client.post(
        f"/evaluations/{evaluation.pk}/assessments/",
        {f"line-{pk_21}-status": "completed", f"line-{pk_21}-text": "Done"},
    )
    assert response.status_code == 302
    assert (
        client.post(f"/evaluations/{evaluation.pk}/findings/new/", {"text": "A <script>finding</script>"}).status_code
        == 302
    )
    assert (
        client.post(
            f"/evaluations/{evaluation.pk}/recommendations/new/", {"text": "Rec", "actions": [pk_21]}
        ).status_code
        == 302
    )
    assert (
        client.post(f"/evaluations/{evaluation.pk}/recommendations/1/response/", {"response": "accepted"}).status_code
        == 403
    )
    assert client.post(f"/evaluations/{evaluation.pk}/publish/").status_code == 403
    page = client.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "&lt;script&gt;finding&lt;/script&gt;" in page and "&lt;b&gt;Eva&lt;/b&gt;" in page
    assert "<em>work</em>" in page
    assert (
        coordinator_client.post(
            f"/evaluations/{evaluation.pk}/recommendations/1/response/", {"response": "accepted", "text": "Yes"}
        ).status_code
        == 302
    )
    assert coordinator_client.get(f"/evaluations/{evaluation.pk}/publish/").status_code == 200
    assert coordinator_client.post(f"/evaluations/{evaluation.pk}/publish/").status_code == 302
    assert Evaluation.objects.get().is_published
    assert coordinator_client.post(f"/evaluations/{evaluation.pk}/findings/1/remove/").status_code == 403
    assert coordinator_client.post(f"/evaluations/{evaluation.pk}/withdraw/").status_code == 302
    assert coordinator_client.post(f"/evaluations/{evaluation.pk}/findings/1/remove/").status_code == 302
    assert not Finding.objects.exists()


@pytest.mark.parametrize(
    ("path", "queries"),
    [
        ("/evaluations/plan/{slug}/", 5),
        ("/evaluations/{pk}/", 11),
        ("/evaluations/{pk}/assessments/", 9),
        ("/evaluations/{pk}/recommendations/1/", 9),
        ("/evaluations/{pk}/recommendations/1/response/", 5),
    ],
)
def test_staff_pages_make_a_fixed_number_of_queries(
    evaluation, coordinator_client, path, queries, django_assert_num_queries
):
    url = path.format(slug=evaluation.plan.slug, pk=evaluation.pk)
    coordinator_client.get(url)
    with django_assert_num_queries(queries):
        assert coordinator_client.get(url).status_code == 200


def test_the_plans_page_leads_its_evaluator_and_the_staff_to_the_evaluations(
    plan, evaluator, reader, anonymous, outsider
):
    link = f'href="/evaluations/plan/{plan.slug}/"'
    assert link in logged_in(evaluator).get(f"/plans/{plan.slug}/").content.decode()
    assert link in logged_in(reader).get(f"/plans/{plan.slug}/").content.decode()
    assert link not in logged_in(outsider).get(f"/plans/{plan.slug}/").content.decode()
    assert link not in anonymous.get(f"/plans/{plan.slug}/").content.decode()


def test_a_write_from_a_stale_copy_neither_unpublishes_nor_writes_after_publication(evaluation, coordinator, evaluator):
    stale = Evaluation.objects.get(pk=evaluation.pk)
    services.evaluation_publish(actor=coordinator, evaluation=evaluation)
    services.evaluation_response_set(actor=coordinator, evaluation=stale, text="The government thanks the evaluators.")
    evaluation.refresh_from_db()
    assert evaluation.published_at is not None and evaluation.response.startswith("The government thanks")
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=evaluator, evaluation=stale, text="A late finding.")
    assert not Finding.objects.filter(text="A late finding.").exists()


def test_the_html_report_is_allowed_its_own_stylesheet(evaluation, coordinator, anonymous):
    services.evaluation_publish(actor=coordinator, evaluation=evaluation)
    response = anonymous.get(f"/plans/{evaluation.plan.slug}/evaluations/{evaluation.pk}/report-en.html")
    assert response.status_code == 200 and b"<style>" in response.content
    assert "'sha256-" in response["Content-Security-Policy"].split("style-src")[1].split(";")[0]
