"""Who may do what, as rules predicates; checked by services and views alike."""

from __future__ import annotations

import rules

from naptrack.accounts.models import Role


def role_names(user) -> frozenset[str]:
    """The user's group names, read once per request: permission checks run many times a page,
    and each would otherwise query the groups again."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_naptrack_roles", None)
    if cached is None:
        cached = frozenset(g.name for g in user.groups.all())
        user._naptrack_roles = cached
    return cached


def _in_role(user, role: Role) -> bool:
    return role.value in role_names(user)


@rules.predicate
def is_coordinator(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _in_role(user, Role.COORDINATOR)))


@rules.predicate
def is_focal_point(user) -> bool:
    return _in_role(user, Role.FOCAL_POINT)


@rules.predicate
def is_reader(user) -> bool:
    return _in_role(user, Role.READER)


is_staff_member = is_coordinator | is_focal_point | is_reader


def department_ids(user) -> frozenset[int]:
    """The departments a focal point reports for: their own and its units (a focal point of
    Interior also reports for the Federal Police). Read once per request."""
    if not user.is_authenticated or user.department_id is None:
        return frozenset()
    cached = getattr(user, "_naptrack_departments", None)
    if cached is None:
        from naptrack.plans.models import Department

        units = Department.objects.filter(parent_id=user.department_id).values_list("pk", flat=True)
        cached = frozenset([user.department_id, *units])
        user._naptrack_departments = cached
    return cached


rules.add_perm("accounts.manage_users", is_coordinator)
