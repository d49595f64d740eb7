"""An evaluation of the Belgian plan for the evaluation tests: an external final evaluation with
objective 1 and lines 1.a and 21 assessed, two findings and two recommendations (one on lines 21
and 22, one on 1.a), a response to the first."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Group

from naptrack.accounts.models import User
from naptrack.core.roles import Role
from naptrack.evaluations import services
from naptrack.evaluations.models import Evaluation
from naptrack.plans.models import Action, Objective, Plan

FINDING = "Diplomatic postings of women rose slowly; Quorndale survey."
RECOMMENDATION = "Set a yearly quota of women among Pemberton mediators."


def evaluator_of(plan: Plan, username: str = "evaluator") -> User:
    """A person with the evaluator role for `plan` (User.plan names the plan evaluated)."""
    # Made directly: the account services for evaluators are another part of the work (#19).
    user = User.objects.create_user(username, f"{username}@example.org", "correct horse battery staple", plan=plan)
    user.groups.add(Group.objects.get_or_create(name=Role.EVALUATOR.value)[0])
    return User.objects.get(pk=user.pk)


def line(plan: Plan, code: str) -> Action:
    return Action.objects.get(plan=plan, code=code)


def evaluation_of(plan: Plan, coordinator, *, entries: bool = True) -> Evaluation:
    evaluation = services.evaluation_create(
        actor=coordinator,
        plan=plan,
        kind="final",
        evaluator_kind="external",
        evaluator_name="Annelies Peeters",
        organisation="Gent Evaluation Bureau",
        started_on=dt.date(2016, 9, 1),
        completed_on=dt.date(2017, 3, 31),
        summary="The plan **advanced** on most lines.",
    )
    if not entries:
        return evaluation
    objective = Objective.objects.get(plan=plan, number=1)
    services.assessments_set(
        actor=coordinator,
        evaluation=evaluation,
        objectives={objective.pk: ("in-progress", "Half of the goals met.")},
        lines={
            line(plan, "1.a").pk: ("completed", "The CEDAW report was sent."),
            line(plan, "21").pk: ("in-progress", "Women diplomats: 30 of 70."),
        },
    )
    services.finding_add(actor=coordinator, evaluation=evaluation, text=FINDING)
    services.finding_add(actor=coordinator, evaluation=evaluation, text="Reporting by Defence was late.")
    first = services.recommendation_add(
        actor=coordinator, evaluation=evaluation, text=RECOMMENDATION, actions=[line(plan, "21"), line(plan, "22")]
    )
    services.recommendation_add(
        actor=coordinator, evaluation=evaluation, text="Report to CEDAW on time.", actions=[line(plan, "1.a")]
    )
    services.response_set(actor=coordinator, recommendation=first, response="partly-accepted", text="From 2018.")
    return Evaluation.objects.get(pk=evaluation.pk)
