"""The login lock-out: django-axes, with a second count per address.

Axes counts failed logins per username and address (AXES_LOCKOUT_PARAMETERS) and locks that pair
out after AXES_FAILURE_LIMIT of them. One address trying one common password against many
usernames ("spraying") never reaches that limit for any one of them. So the failures of an
address are also added up across usernames, against a higher limit of their own
(NAPTRACK_ADDRESS_FAILURE_LIMIT): past it, that address is locked out for every username for the
same cool-off. Axes's own per-address parameter would share the per-pair limit (so five typos in an
office behind one address would lock the whole office out) and would be reset by any successful
login from that address (so an attacker's own account would reset it); this count is neither.

Both counts live in the database (AccessAttempt rows), so they hold across workers and servers."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, whatever the username."""
    address = getattr(request, "axes_ip_address", None)
    if not address:
        return 0
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class LockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and address_failures(request) >= settings.NAPTRACK_ADDRESS_FAILURE_LIMIT:
            # The address has used up its allowance: every username counts as at its limit.
            return limit
        return failures
