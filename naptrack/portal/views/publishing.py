"""The coordinator's "Publish" button on a round's dashboard.

It posts to the round's transition address (reporting:round-transition with "publish"), which
naptrack/urls.py routes here, before the reporting app's own transitions: publishing is a use
case above the reporting app (naptrack.portal.publishing). Publishing takes seconds, so it runs
as a background job (naptrack.portal.jobs) and the coordinator follows it on the job's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from naptrack.portal.jobs import round_publish_enqueue
from naptrack.reporting.models import Round
from naptrack.reporting.views.common import require, round_or_404
from naptrack.reporting.views.rounds import round_transition_confirm


@login_required
@require_http_methods(["GET", "POST"])
def round_publish(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        # What publishing will do, in numbers, with the button that does it.
        return round_transition_confirm(request, pk, "publish")
    round_ = round_or_404(pk)
    require(request.user, "reporting.manage_round", round_)
    if round_.state != Round.State.CLOSED:
        messages.error(
            request, _("The round is %(state)s: this cannot be done now.") % {"state": round_.get_state_display()}
        )
        return redirect("reporting:round-dashboard", pk=round_.pk)
    job = round_publish_enqueue(actor=request.user, round=round_)
    return redirect("jobs:job", pk=job.pk)
