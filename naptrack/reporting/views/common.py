"""What the coordination screens (rounds, review, history) share.

Screens of the coordinator and readers: focal points and readers see the same pages without their
buttons. Every write goes through naptrack.reporting.services, every check through rules
(user.has_perm); each page reads through a fixed number of queries (aggregates per department and
objective, prefetching QuerySet methods) whatever the number of contributions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from naptrack.core.roles import evaluates, is_evaluator
from naptrack.core.services import require as require_permission
from naptrack.reporting.models import Round
from naptrack.reporting.rules import plan_id_of


def require(user: Any, perm: str, obj: Any = None) -> None:
    """Check a permission as the services do (core.services.require), after `in_own_plan`."""
    in_own_plan(user, obj)
    require_permission(user, perm, obj)


def in_own_plan(user: Any, obj: Any) -> None:
    """An evaluator gets 404, not 403, for another plan's round or contribution: whether it exists
    is none of their business."""
    if obj is not None and is_evaluator(user) and not evaluates(user, plan_id_of(obj)):
        raise Http404


def round_or_404(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
