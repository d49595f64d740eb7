"""What the reporting services share: their errors, the change record a conflict carries, the
limits of what a contribution may hold, and the permission, history and locking helpers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from naptrack.core.services import author, require
from naptrack.reporting.models import Contribution


def narrative_max() -> int:
    """Read per call, so that a deployment (or a test) can change the limit in settings."""
    return int(getattr(settings, "NAPTRACK_NARRATIVE_MAX", 20_000))


COUNT_MAX = 10**9


class WorkflowError(Exception):
    """An action that the object's current state does not allow (opening an open round,
    approving a draft). The API answers it with 409."""


@dataclass
class Change:
    field: str
    before: Any
    after: Any
    by: str = ""
    at: dt.datetime | None = None


class ContributionConflict(Exception):
    """The contribution changed since the version the person edited. Carries the current row and
    what changed, so that the form can show both and lose nothing."""

    def __init__(self, current: Contribution, changes: list[Change]):
        self.current = current
        self.changes = changes
        super().__init__(_("This contribution was changed by someone else since you opened it."))


# The names the reporting services have always called them by.
_require, _author = require, author


def _now() -> dt.datetime:
    return timezone.now()


def _locked(contribution: Contribution) -> Contribution:
    """The contribution read again and locked until the transaction ends: a version checked on a
    stale copy would let two people who edited the same version both save."""
    return (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("round__plan", "action", "department")
        .get(pk=contribution.pk)
    )
