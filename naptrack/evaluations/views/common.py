"""What the evaluation screens share: finding the evaluation and checking the rule."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from naptrack.evaluations.models import Evaluation
from naptrack.plans.models import Plan


def check(request: HttpRequest, perm: str, obj: object) -> None:
    # The rule itself, not user.has_perm: that would also admit a Django model permission.
    if not rules.has_perm(perm, request.user, obj):
        raise PermissionDenied(_("You may not do this."))


def plan_for(request: HttpRequest, slug: str) -> Plan:
    plan = get_object_or_404(Plan, slug=slug)
    check(request, "evaluations.read", plan)
    return plan


def evaluation_for(
    request: HttpRequest, pk: int, perm: str = "evaluations.read", *, entries: bool = False
) -> Evaluation:
    queryset = Evaluation.objects.with_entries() if entries else Evaluation.objects.select_related("plan")
    evaluation = get_object_or_404(queryset, pk=pk)
    check(request, perm, evaluation)
    return evaluation


def can(request: HttpRequest, evaluation: Evaluation) -> dict[str, bool]:
    """What the page offers this person."""
    user = request.user
    return {
        "can_write": rules.has_perm("evaluations.write", user, evaluation),
        "can_respond": rules.has_perm("evaluations.respond", user, evaluation),
        "can_publish": rules.has_perm("evaluations.publish", user, evaluation),
    }
