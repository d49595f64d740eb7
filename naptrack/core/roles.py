"""The roles people hold, and the predicates every app checks permissions with.

A role is a Django group of one of these names; a person has at most one. They live here, below
every app, because the plans app checks them too and sits below the accounts app (which holds
the people themselves: docs/architecture.md)."""

from __future__ import annotations

import rules
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Roles are Django groups of these names; a user has at most one."""

    COORDINATOR = "coordinator", _("coordinator")
    FOCAL_POINT = "focal-point", _("focal point")
    READER = "reader", _("reader")
    CIVIL_SOCIETY = "civil-society", _("civil society")
    EVALUATOR = "evaluator", _("evaluator")


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


@rules.predicate
def is_civil_society(user) -> bool:
    """A member of a registered civil-society organisation: reads the public portal and writes
    only their organisation's own assessments (naptrack.civilsociety)."""
    return _in_role(user, Role.CIVIL_SOCIETY)


@rules.predicate
def is_evaluator(user) -> bool:
    """An evaluator of one plan (the person's `plan`): reads everything internal of that plan,
    writes its evaluation, and nothing else."""
    return _in_role(user, Role.EVALUATOR)


def evaluates(user, plan_id: int | None) -> bool:
    """Whether the person is the evaluator of this plan."""
    return plan_id is not None and is_evaluator(user) and getattr(user, "plan_id", None) == plan_id


# Civil-society members are not staff: they never read internal content.
is_staff_member = is_coordinator | is_focal_point | is_reader
