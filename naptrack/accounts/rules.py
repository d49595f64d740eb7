"""Who may do what, as rules predicates; checked by services and views alike."""

from __future__ import annotations

import rules

from naptrack.accounts.models import Role


def _in_role(user, role: Role) -> bool:
    if not user.is_authenticated:
        return False
    return any(g.name == role.value for g in user.groups.all())


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
