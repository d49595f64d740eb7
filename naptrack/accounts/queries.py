"""Reads of people for the account screens, each at a fixed number of queries (a page of people
with their department, role and pending invitation: the page, its count, the roles)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from naptrack.accounts.models import Invitation, User
from naptrack.core.roles import Role

ACTIVE, INVITED, DEACTIVATED = "active", "invited", "deactivated"
STATUSES = ((ACTIVE, _("Active")), (INVITED, _("Invited")), (DEACTIVATED, _("Deactivated")))


def people(*, role: str = "", department=None, status: str = "") -> QuerySet[User]:
    """People by username (with their department and evaluated plan), each with
    `invitation_expires`: when the link of the invitation they have not used expires (None
    without one)."""
    pending = Invitation.objects.filter(user=OuterRef("pk"), accepted__isnull=True).order_by("-created")
    found = (
        User.objects.select_related("department", "plan")
        .prefetch_related("groups")
        .annotate(invitation_expires=Subquery(pending.values("expires")[:1]))
        .order_by("username")
    )
    if role:
        found = found.filter(groups__name=role)
    if department is not None:
        found = found.filter(department=department)
    if status == ACTIVE:
        found = found.filter(is_active=True)
    elif status == INVITED:
        found = found.filter(is_active=False, invitation_expires__isnull=False)
    elif status == DEACTIVATED:
        found = found.filter(is_active=False, invitation_expires__isnull=True)
    return found


def describe(person: User) -> User:
    """Set what the screens show of a person read through people(): `status` (ACTIVE, INVITED or
    DEACTIVATED), `invitation_expired` and `role_label`, from what is already loaded."""
    if person.is_active:
        person.status = ACTIVE
    else:
        person.status = INVITED if person.invitation_expires is not None else DEACTIVATED
    person.invitation_expired = person.invitation_expires is not None and person.invitation_expires <= timezone.now()
    role = person.role
    person.role_label = Role(role).label if role else (_("administrator") if person.is_superuser else "")
    return person
