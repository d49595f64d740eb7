"""Who may do what in international reporting.

Coordinator: everything. Reader: reads frameworks, requests and answers, changes nothing. Focal
point: only the targeted questions put to their department (and its units), which they answer
while draft or returned, as they answer contributions. Anonymous: published answer packs only,
through the portal.
"""

from __future__ import annotations

import rules

from naptrack.accounts.rules import department_ids
from naptrack.core.roles import is_coordinator, is_focal_point, is_reader


@rules.predicate
def is_own_department(user, targeted) -> bool:
    return targeted is not None and targeted.department_id in department_ids(user)


@rules.predicate
def is_editable(user, targeted) -> bool:
    return targeted is not None and targeted.state in ("draft", "returned")


@rules.predicate
def is_submitted(user, targeted) -> bool:
    return targeted is not None and targeted.state == "submitted"


@rules.predicate
def is_any(user, obj) -> bool:
    return obj is None


rules.add_perm("international.read", is_coordinator | is_reader)
rules.add_perm("international.manage", is_coordinator)
rules.add_perm(
    "international.read_targeted", is_coordinator | is_reader | (is_focal_point & (is_any | is_own_department))
)
rules.add_perm("international.answer_targeted", is_focal_point & is_own_department & is_editable)
rules.add_perm("international.review_targeted", is_coordinator & is_submitted)
# The site's navigation asks this rule (not the permission, which would fall through to Django's
# model permissions for everyone else and query them on every page).
rules.add_rule("international.screens", is_coordinator | is_reader)
