import rules

from naptrack.core.roles import evaluates, is_coordinator


@rules.predicate
def evaluates_plan(user, plan) -> bool:
    """The evaluator of this plan; never without a plan."""
    return plan is not None and evaluates(user, plan.pk)


rules.add_perm("plans.load_plan", is_coordinator)
rules.add_perm("plans.change_plan_content", is_coordinator)
rules.add_perm("plans.translate_plan", is_coordinator)
rules.add_perm("plans.change_instrument", is_coordinator)
rules.add_perm("plans.change_target", is_coordinator)
rules.add_perm("plans.publish_targets", is_coordinator)
# A successor plan prepared as a draft, and the lineage of lines from one plan to the next.
rules.add_perm("plans.view_draft", is_coordinator)
rules.add_perm("plans.adopt_plan", is_coordinator)
rules.add_perm("plans.create_successor", is_coordinator)
rules.add_perm("plans.change_lineage", is_coordinator)
rules.add_perm("plans.amend_plan", is_coordinator)
# The plan's internal screens, read only (kinds of answer, targets, translations' coverage): the
# coordinator, and the plan's evaluator, who evaluates the instruments and targets themselves.
# Readers follow the rounds, not the plan's set-up: these screens stay closed to them.
rules.add_perm("plans.view_internals", is_coordinator | evaluates_plan)
