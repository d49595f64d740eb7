"""What every app's services do first and last: check the actor's permission, and name the actor
in the row history of what they change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


def require(actor: Any, perm: str, obj: Any = None) -> None:
    """PermissionDenied unless the actor (a person, or the installation acting on its own through
    the command line) holds the `rules` permission, on the object when one is given."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You may not do this."))


def author(obj, actor):
    """Name the actor in the row history: outside a web request (CLI, API tokens, tests)
    django-simple-history's middleware cannot tell who made the change."""
    if getattr(actor, "is_authenticated", False):
        obj._history_user = actor
    return obj


def user_or_none(actor):
    """The person acting, for a "by" column; None when the installation acts on its own."""
    return actor if getattr(actor, "is_authenticated", False) else None
