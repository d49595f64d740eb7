"""The coordinator's "Publish" button on a round's dashboard.

It posts to the round's transition address (reporting:round-transition with "publish"), which
naptrack/urls.py routes here, before the reporting app's own transitions: publishing is a use
case above the reporting app (naptrack.portal.publishing).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from naptrack.portal.publishing import round_publish as publish
from naptrack.reporting.views.rounds import round_transition_run


@login_required
@require_POST
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return round_transition_run(request, pk, publish)
