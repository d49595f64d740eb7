"""A plan's change log in public: each amendment with the day it took effect, its reason and its
changes (naptrack.plans.versions). The line page shows the same for one line."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from naptrack.plans import versions
from naptrack.portal.caching import public_page
from naptrack.portal.views.common import plan_or_404


@public_page
def plan_changes(request: HttpRequest, slug: str) -> HttpResponse:
    plan = plan_or_404(slug, request.user)
    amendments = [
        (version, [versions.Change(version, change) for change in version.changes])
        for version in versions.amendments_of(plan)
    ]
    return render(request, "plans/plan_changes.html", {"plan": plan, "amendments": amendments})
