"""Who may do what in a reporting round.

Coordinator: everything. Focal point: reads the plan and the rounds; edits and submits only the
contributions of their own department and its units, only while the round is open and the
contribution is draft or returned. Reader: reads everything internal, changes nothing.
Anonymous: public pages only.

Least privilege between departments: a focal point reads their own department's (and its units')
contributions in any state, with their evidence, review notes and internal items; another
department's only once approved and public, and then without its evidence or review note. Every
list filters with ContributionQuerySet.readable_by, which says the same in SQL.

Evaluator: reads what a reader reads, of their own plan only (User.plan), and changes nothing.
Every check on an object compares the object's plan; a check without an object (may this person
list rounds or contributions at all?) passes only because the lists then keep to the evaluator's
plan in SQL (RoundQuerySet.visible_to, ContributionQuerySet.readable_by).
"""

from __future__ import annotations

import rules

from naptrack.accounts.rules import department_ids
from naptrack.core.roles import evaluates, is_coordinator, is_evaluator, is_focal_point, is_reader, is_staff_member


def plan_id_of(obj) -> int | None:
    """The plan of a plan, round, contribution, synthesis or evidence (reporting's objects, and
    those of the apps above that hang from a round), read from what the object already holds."""
    from naptrack.plans.models import Plan

    if obj is None:
        return None
    if isinstance(obj, Plan):
        return obj.pk
    if hasattr(obj, "plan_id"):
        return obj.plan_id
    if hasattr(obj, "contribution_id"):
        obj = obj.contribution
    round_ = getattr(obj, "round", None)
    return getattr(round_, "plan_id", None)


@rules.predicate
def is_evaluator_of_plan(user, obj) -> bool:
    """The evaluator of the object's plan; never without an object."""
    return obj is not None and evaluates(user, plan_id_of(obj))


@rules.predicate
def is_own_department(user, contribution) -> bool:
    if contribution is None:
        return False
    # The person's own department needs no query; its units are read once per request.
    own = getattr(user, "department_id", None)
    if own is not None and contribution.department_id == own:
        return True
    return contribution.department_id in department_ids(user)


@rules.predicate
def is_shared_with_departments(user, contribution) -> bool:
    """Approved and public: all that one department may read of another's work. Internal content
    stays within the department, the coordinator and the readers even once approved."""
    return contribution is not None and contribution.state == "approved" and contribution.visibility == "public"


@rules.predicate
def is_any_contribution(user, contribution) -> bool:
    """No contribution named: the question is whether the person reads contributions at all (an
    API list's permission); the list itself then goes through ContributionQuerySet.readable_by."""
    return contribution is None


@rules.predicate
def is_round_open(user, obj) -> bool:
    if obj is None:
        return False
    round_ = getattr(obj, "round", obj)
    return round_.state == "open"


@rules.predicate
def is_round_reviewable(user, obj) -> bool:
    """Review goes on after the deadline: a closed round can still be reviewed, not a published one."""
    if obj is None:
        return False
    return getattr(obj, "round", obj).state in ("open", "closed")


@rules.predicate
def is_approved(user, contribution) -> bool:
    return contribution is not None and contribution.state == "approved"


@rules.predicate
def is_round_published(user, obj) -> bool:
    return obj is not None and getattr(obj, "round", obj).state == "published"


@rules.predicate
def is_published_content(user, obj) -> bool:
    """What the public reads and a correction may change: a contribution approved and public, or a
    synthesis with text; neither withdrawn."""
    if obj is None or obj.withdrawn_at is not None:
        return False
    if hasattr(obj, "visibility"):
        return obj.state == "approved" and obj.visibility == "public"
    return bool(obj.text)


@rules.predicate
def is_editable_state(user, contribution) -> bool:
    return contribution is not None and contribution.state in ("draft", "returned")


@rules.predicate
def is_submitted(user, contribution) -> bool:
    return contribution is not None and contribution.state == "submitted"


# The oversight roles read every department's work in any state; an evaluator, of their plan.
is_oversight = is_coordinator | is_reader
reads_plan_internals = is_oversight | is_evaluator_of_plan
# An evaluator asked without an object (may they list rounds, contributions at all?): yes, because
# the lists keep to their plan in SQL (RoundQuerySet.visible_to, ContributionQuerySet.readable_by).
evaluator_listing = is_evaluator & is_any_contribution
can_read_contribution = (
    reads_plan_internals
    | (is_focal_point & (is_any_contribution | is_own_department | is_shared_with_departments))
    | evaluator_listing
)
# Evidence files and links, review notes and history: never another department's.
can_read_contribution_in_full = reads_plan_internals | (is_focal_point & is_own_department)

can_edit_contribution = is_round_open & is_editable_state & (is_coordinator | (is_focal_point & is_own_department))

rules.add_perm("reporting.view_round", is_staff_member | is_evaluator_of_plan | evaluator_listing)
rules.add_perm("reporting.manage_round", is_coordinator)
rules.add_perm("reporting.view_contribution", can_read_contribution)
rules.add_perm("reporting.view_evidence", can_read_contribution_in_full)
rules.add_perm("reporting.view_review_note", can_read_contribution_in_full)
# Every department's contributions in any state, as the draft report to parliament shows them.
rules.add_perm("reporting.view_all_contributions", reads_plan_internals)
rules.add_perm("reporting.change_contribution", can_edit_contribution)
rules.add_perm("reporting.submit_contribution", can_edit_contribution)
rules.add_perm("reporting.review_contribution", is_coordinator & is_round_reviewable & is_submitted)
rules.add_perm("reporting.reopen_contribution", is_coordinator & is_round_reviewable & is_approved)
rules.add_perm("reporting.write_synthesis", is_coordinator)
# Correcting or withdrawing what was published (a contribution or a synthesis).
rules.add_perm("reporting.correct_published", is_coordinator & is_round_published & is_published_content)
rules.add_perm("reporting.remind", is_coordinator)
rules.add_perm("reporting.view_history", reads_plan_internals)
# The navigation's "My contributions" (templates/base.html): staff, not evaluators, who report on
# nothing and land on their plan's rounds.
rules.add_rule("reporting.work_list", is_staff_member)
