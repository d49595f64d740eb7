"""What international reporting adds to reporting's pages, through reporting/worklist.py (which
may not import this app): the targeted questions in a focal point's work list, and the questions
a line of action answers on its review page."""

from __future__ import annotations

import datetime as dt

import rules
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from naptrack.core.roles import is_focal_point
from naptrack.international.drafting import lines_answering
from naptrack.international.models import Question, TargetedQuestion
from naptrack.reporting.worklist import Section

RECENT_DAYS = 90  # answered questions stay in the list this long, for the focal point to see the outcome
LIMIT = 50


def worklist_section(request: HttpRequest) -> Section | None:
    user = request.user
    if not is_focal_point(user):
        return None
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    targeted = list(
        TargetedQuestion.objects.readable_by(user)
        .for_list()
        .filter(Q(state__in=("draft", "returned")) | Q(updated_at__gte=since))[:LIMIT]
    )
    if not targeted:
        return None
    return Section(
        "international/_worklist.html",
        {
            "targeted": targeted,
            "to_do": sum(t.is_editable_state for t in targeted),
            "today": timezone.localdate(),
        },
    )


def line_section(request: HttpRequest, action) -> Section | None:
    # The rule itself, not user.has_perm: for a focal point, a refusal would go on to ask Django's
    # model permissions, two more queries on every line page.
    if not rules.has_perm("international.read", request.user):
        return None
    questions = list(
        Question.objects.filter(lines_answering(action))
        .distinct()
        .select_related("framework")
        .order_by("framework__body", "framework__name", "framework__version", "position")
    )
    return Section("international/_line.html", {"questions": questions})
