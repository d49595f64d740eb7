"""Who may do what with civil society's records.

Coordinator: everything, moderation included. Reader: reads everything, changes nothing. Focal
point: reads the published record (as the public does) and cites events in their department's
contributions. Civil-society member: writes their organisation's assessments while the round is
open and they are draft or returned, reads their organisation's own work and the public record,
manages their own listing in the expertise network. Evaluator: reads what a reader reads of the
assessments and the dashboard's figures of their own plan's rounds, changes nothing. Anonymous:
the public record.
"""

from __future__ import annotations

import rules

from naptrack.core.roles import is_civil_society, is_coordinator, is_reader
from naptrack.reporting.rules import is_evaluator_of_plan


def organisation_id(user) -> int | None:
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    return membership.organisation_id if membership is not None else None


@rules.predicate
def is_own_organisation(user, obj) -> bool:
    if obj is None:
        return False
    own = organisation_id(user)
    return own is not None and getattr(obj, "organisation_id", getattr(obj, "pk", None)) == own


@rules.predicate
def is_editable(user, assessment) -> bool:
    return assessment is not None and assessment.state in ("draft", "returned")


@rules.predicate
def is_round_open(user, obj) -> bool:
    round_ = getattr(obj, "round", obj)
    return round_ is not None and getattr(round_, "state", None) == "open"


@rules.predicate
def is_published(user, assessment) -> bool:
    return assessment is not None and assessment.state == "accepted"


@rules.predicate
def is_own_listing(user, expert) -> bool:
    return expert is not None and user.is_authenticated and expert.user_id == user.pk


rules.add_perm("civilsociety.manage", is_coordinator)
rules.add_perm("civilsociety.read_all", is_coordinator | is_reader)
rules.add_perm("civilsociety.moderate", is_coordinator)
rules.add_perm("civilsociety.assess", is_civil_society & is_round_open)
rules.add_perm("civilsociety.change_assessment", is_civil_society & is_own_organisation & is_editable & is_round_open)
rules.add_perm(
    "civilsociety.view_assessment",
    is_coordinator | is_reader | is_published | (is_civil_society & is_own_organisation) | is_evaluator_of_plan,
)
# What concerns one plan (a round's assessments and figures, a contribution's events, an assessment
# with its moderation note): the oversight roles, and that plan's evaluator.
rules.add_perm("civilsociety.read_plan", is_coordinator | is_reader | is_evaluator_of_plan)
rules.add_perm("civilsociety.change_listing", is_coordinator | is_own_listing)

# For the navigation (templates/base.html's test_rule): rules alone, without Django's permission
# queries on every page.
rules.add_rule("civilsociety.member", is_civil_society)
rules.add_rule("civilsociety.screens", is_coordinator | is_reader)
