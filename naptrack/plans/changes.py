"""Telling the apps above this one that a plan's content changed.

Some data kept above the plans app follows the plan's text: the public search index (portal)
holds every objective, goal and line in each language. This app may not import those apps
(docs/architecture.md), so each registers a function here when Django starts (its
AppConfig.ready), and the plan services call `plans_changed` explicitly, one visible line in
each. Not a Django signal: nothing runs on a model's save, only where a service says so.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Model, Q

from naptrack.plans.models import Action, Department, Plan

Follower = Callable[..., None]
_followers: list[Follower] = []


def follow(follower: Follower) -> None:
    """Call `follower(plan_ids, after_commit=...)` whenever a plan's content changes."""
    if follower not in _followers:
        _followers.append(follower)


def plans_changed(plan_ids: list[int], *, after_commit: bool = False) -> None:
    """The content of these plans changed in the current transaction. With after_commit, the
    followers should wait for the commit: the admin saves a line's instruments and notes after
    the line itself."""
    for follower in _followers:
        follower(plan_ids, after_commit=after_commit)


def plan_ids_of(obj: Model) -> list[int]:
    """The plans a piece of plan content belongs to (a department may serve several)."""
    if isinstance(obj, Plan):
        return [obj.pk]
    if isinstance(obj, Department):
        family = Q(departments=obj) | Q(actions__departments=obj)
        return list(Plan.objects.filter(family).distinct().values_list("pk", flat=True))
    plan_id = getattr(obj, "plan_id", None)
    if plan_id is None and getattr(obj, "action_id", None):
        plan_id = Action.objects.filter(pk=obj.action_id).values_list("plan_id", flat=True).first()
    return [plan_id] if plan_id else []
