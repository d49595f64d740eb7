"""Who may manage accounts, and which departments a person reports for. The role predicates
themselves are in naptrack.core.roles."""

from __future__ import annotations

import rules

from naptrack.core.roles import is_coordinator
from naptrack.plans.models import Department


def department_ids(user) -> frozenset[int]:
    """The departments a focal point reports for: their own and its units (a focal point of
    Interior also reports for the Federal Police). Read once per request."""
    if not user.is_authenticated or user.department_id is None:
        return frozenset()
    cached = getattr(user, "_naptrack_departments", None)
    if cached is None:
        units = Department.objects.filter(parent_id=user.department_id).values_list("pk", flat=True)
        cached = frozenset([user.department_id, *units])
        user._naptrack_departments = cached
    return cached


rules.add_perm("accounts.manage_users", is_coordinator)
