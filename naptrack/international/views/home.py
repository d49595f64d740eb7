"""The coordinator's (and readers') home of international reporting: requests by due date with
their completeness, overdue ones marked, and the question sets."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from naptrack.international.models import Framework, Request
from naptrack.international.views.common import PAGE_SIZE, require


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    require(user, "international.read")
    today = timezone.localdate()
    requests = Paginator(Request.objects.with_progress().order_by("due_on", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for r in requests:
        # The same test as RequestQuerySet.overdue, read from the annotations already there.
        r.is_overdue = r.due_on < today and not r.n_sent
    frameworks = Paginator(
        Framework.objects.with_counts().order_by("body", "name", "version", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("sets"))
    return render(
        request,
        "international/home.html",
        {
            "requests": requests,
            "n_overdue": Request.objects.overdue(today).count(),
            "frameworks": frameworks,
            "can_manage": user.has_perm("international.manage"),
        },
    )
