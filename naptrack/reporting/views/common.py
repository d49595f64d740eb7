"""What the coordination screens (rounds, review, history) share.

Screens of the coordinator and readers: focal points and readers see the same pages without their
buttons. Every write goes through naptrack.reporting.services, every check through rules
(user.has_perm); each page reads through a fixed number of queries (aggregates per department and
objective, prefetching QuerySet methods) whatever the number of contributions.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

# Views check permissions as the services do (core.services.require).
from naptrack.core.services import require as require
from naptrack.reporting.models import Round


def round_or_404(pk: int) -> Round:
    return get_object_or_404(Round.objects.select_related("plan"), pk=pk)


def error_text(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
