"""Who may do what in a reporting round.

Coordinator: everything. Focal point: reads the plan and the rounds; edits and submits only the
contributions of their own department and its units, only while the round is open and the
contribution is draft or returned. Reader: reads everything internal, changes nothing.
Anonymous: public pages only.
"""

from __future__ import annotations

import rules

from naptrack.accounts.rules import department_ids
from naptrack.core.roles import is_coordinator, is_focal_point, is_reader, is_staff_member


@rules.predicate
def is_own_department(user, contribution) -> bool:
    return contribution is not None and contribution.department_id in department_ids(user)


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
def is_editable_state(user, contribution) -> bool:
    return contribution is not None and contribution.state in ("draft", "returned")


@rules.predicate
def is_submitted(user, contribution) -> bool:
    return contribution is not None and contribution.state == "submitted"


can_edit_contribution = is_round_open & is_editable_state & (is_coordinator | (is_focal_point & is_own_department))

rules.add_perm("reporting.view_round", is_staff_member)
rules.add_perm("reporting.manage_round", is_coordinator)
rules.add_perm("reporting.view_contribution", is_staff_member)
rules.add_perm("reporting.change_contribution", can_edit_contribution)
rules.add_perm("reporting.submit_contribution", can_edit_contribution)
rules.add_perm("reporting.review_contribution", is_coordinator & is_round_reviewable & is_submitted)
rules.add_perm("reporting.reopen_contribution", is_coordinator & is_round_reviewable & is_approved)
rules.add_perm("reporting.write_synthesis", is_coordinator)
rules.add_perm("reporting.remind", is_coordinator)
rules.add_perm("reporting.view_history", is_coordinator | is_reader)
