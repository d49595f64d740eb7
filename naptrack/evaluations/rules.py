"""Who may do what with a plan's evaluation.

Coordinator: everything. The plan's evaluator (core.roles.evaluates: their own plan only) writes the
evaluation's details, summary, assessments, findings and recommendations while it is unpublished;
never the government's response, never publishing. Readers and focal points read the staff pages;
nobody else sees an evaluation before it is published.
"""

from __future__ import annotations

from typing import Any

import rules

from naptrack.core.roles import evaluates, is_coordinator, is_reader


def _plan_id(obj: Any) -> int | None:
    """The plan an object belongs to: a plan, an evaluation, or one of its entries."""
    if obj is None:
        return None
    if hasattr(obj, "evaluation"):
        obj = obj.evaluation
    if hasattr(obj, "plan_id"):
        return obj.plan_id
    return getattr(obj, "pk", None)


@rules.predicate
def is_plan_evaluator(user, obj) -> bool:
    return evaluates(user, _plan_id(obj))


@rules.predicate
def is_unpublished(user, obj) -> bool:
    evaluation = getattr(obj, "evaluation", obj)
    return evaluation is not None and getattr(evaluation, "published_at", True) is None


# Named apart from Django's model permissions (view_evaluation, ...), which the admin could grant.
# An unpublished evaluation assesses every department's lines: like another department's internal
# work, it is not a focal point's to read before it is published.
rules.add_perm("evaluations.read", is_coordinator | is_reader | is_plan_evaluator)
rules.add_perm("evaluations.create", is_coordinator)
rules.add_perm("evaluations.write", (is_coordinator | is_plan_evaluator) & is_unpublished)
rules.add_perm("evaluations.respond", is_coordinator)
rules.add_perm("evaluations.publish", is_coordinator)
