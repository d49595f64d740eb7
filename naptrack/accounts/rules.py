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

rules.add_perm("accounts.manage_users", is_coordinator)
