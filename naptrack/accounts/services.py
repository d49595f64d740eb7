"""Writes on people's accounts: creating them, their role and department, deactivating and
reactivating them, and their password. Inviting people is in accounts/invitations.py, password
reset e-mails in accounts/passwords.py.

Every change of a person's credentials (password, role or department, deactivation) tells the
apps above through accounts.changes, which revokes the person's API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from naptrack.accounts import changes
from naptrack.accounts import rules as _rules  # noqa: F401  (registers the permissions checked below)
from naptrack.accounts.models import Role, User
from naptrack.audit.services import audit_record
from naptrack.plans.models import Department, Plan


def require_manager(actor: Any) -> None:
    """Only coordinators (and the installation itself, accounts.system.SystemActor) manage
    other people's accounts."""
    if not getattr(actor, "has_perm", None) or not actor.has_perm("accounts.manage_users"):
        raise PermissionDenied(_("You may not do this."))


def role_groups_ensure() -> dict[str, Group]:
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def check_role(role: str, department_code: str | None, *, for_organisation: bool = False) -> Department | None:
    """The department a role needs, checked. A civil-society account exists only as a member of
    an organisation, so that role is given only by the organisation's invitation
    (naptrack.civilsociety), never from the account screens."""
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s; choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
    if role == Role.CIVIL_SOCIETY and not for_organisation:
        raise ValidationError(
            {
                "role": _(
                    "Members of civil-society organisations are invited from their organisation's page "
                    "(or with naptrack org invite)."
                )
            }
        )
    if role == Role.CIVIL_SOCIETY and department_code:
        raise ValidationError({"department": _("A civil-society account has no department.")})
    if role == Role.EVALUATOR and department_code:
        raise ValidationError({"department": _("An evaluator has no department: they read the whole of one plan.")})
    if role == Role.FOCAL_POINT and not department_code:
        raise ValidationError({"department": _("A focal point needs a department (--department CODE).")})
    if not department_code:
        return None
    department = Department.objects.filter(code=department_code).first()
    if department is None:
        known = ", ".join(Department.objects.values_list("code", flat=True)) or _("none yet")
        raise ValidationError(
            {
                "department": _("Unknown department %(code)s; known departments: %(known)s.")
                % {"code": department_code, "known": known}
            }
        )
    return department


def check_plan(role: str, plan_slug: str | None) -> Plan | None:
    """The plan an evaluator evaluates, checked: an evaluator needs one, and only an evaluator has
    one (a person whose role changes away from evaluator loses it)."""
    if role != Role.EVALUATOR:
        if plan_slug:
            raise ValidationError({"plan": _("Only an evaluator has a plan of their own; leave the plan empty.")})
        return None
    if not plan_slug:
        raise ValidationError({"plan": _("An evaluator needs the plan they evaluate (--plan SLUG).")})
    plan = Plan.objects.filter(slug=plan_slug).first()
    if plan is None:
        known = ", ".join(Plan.objects.order_by("slug").values_list("slug", flat=True)) or _("none yet")
        raise ValidationError(
            {"plan": _("Unknown plan %(slug)s; known plans: %(known)s.") % {"slug": plan_slug, "known": known}}
        )
    return plan


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    role: str,
    password: str,
    department_code: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    check_password: bool = True,
    plan_slug: str | None = None,
) -> User:
    """Create a user in a role (an evaluator with the plan they evaluate). `actor` is the person
    or process creating the account."""
    department = check_role(role, department_code)
    plan = check_plan(role, plan_slug)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user named %(name)s already exists.") % {"name": username}})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        department=department,
        plan=plan,
        is_staff=role == Role.COORDINATOR,
    )
    user.full_clean(exclude=["password"])
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.set([role_groups_ensure()[role]])
    audit_record(
        actor=actor,
        action="accounts.user.created",
        target=user,
        data={"role": role, "department": department_code, "email": email, **({"plan": plan.slug} if plan else {})},
    )
    return user


def _set_password(*, actor: Any, user: User, password: str, action: str, check_password: bool) -> User:
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    done = changes.account_changed(user, what=changes.PASSWORD)
    audit_record(actor=actor, action=action, target=user, data=done)
    return user


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str, check_password: bool = True) -> User:
    """Set a person's password for them: the installation (`naptrack serve --demo`; a str actor
    names the installation, as in audit_record) or the person themselves. Coordinators do not
    choose other people's passwords: they send a reset link (passwords.user_password_reset_send)."""
    if not isinstance(actor, str) and getattr(actor, "pk", None) != user.pk:
        require_manager(actor)
    return _set_password(
        actor=actor, user=user, password=password, action="accounts.user.password_set", check_password=check_password
    )


@transaction.atomic
def user_change_password(*, user: User, password: str) -> User:
    """A signed-in person changes their own password (the form has checked the old one)."""
    return _set_password(
        actor=user, user=user, password=password, action="accounts.user.password_changed", check_password=True
    )


@transaction.atomic
def user_reset_password(*, user: User, password: str) -> User:
    """A person sets a new password through the link of a reset e-mail, which proved who they are
    (the view has checked it)."""
    return _set_password(
        actor=user, user=user, password=password, action="accounts.user.password_reset", check_password=True
    )


def _keep_a_coordinator(user: User) -> None:
    """Refuse to leave the installation without an active coordinator: nobody could then invite
    people or change roles from the browser."""
    if not (user.is_active and (user.is_superuser or user.role == Role.COORDINATOR)):
        return
    coordinators = User.objects.filter(Q(groups__name=Role.COORDINATOR) | Q(is_superuser=True), is_active=True)
    # Locks the coordinators' rows (PostgreSQL), so that two coordinators demoting each other at
    # the same moment cannot both succeed; SQLite's IMMEDIATE transactions already serialize. Only
    # the users' rows: PostgreSQL locks nothing on the nullable side of the groups' outer join.
    others = set(coordinators.select_for_update(of=("self",)).exclude(pk=user.pk).values_list("pk", flat=True))
    if not others:
        raise ValidationError(
            _("%(name)s is the only active coordinator: make someone else coordinator first.")
            % {"name": user.get_username()}
        )


@transaction.atomic
def user_set_role(
    *, actor: Any, user: User, role: str, department_code: str | None = None, plan_slug: str | None = None
) -> User:
    """Give a person another role, department or evaluated plan (a role other than evaluator
    leaves no plan). Their API tokens are revoked when any changes: a token must not carry the
    powers of a role its holder no longer has."""
    require_manager(actor)
    department = check_role(role, department_code)
    plan = check_plan(role, plan_slug)
    before = {
        "role": user.role,
        "department": user.department.code if user.department_id else None,
        "plan": user.plan.slug if user.plan_id else None,
    }
    after = {"role": role, "department": department.code if department else None, "plan": plan.slug if plan else None}
    if before == after:
        return user
    if before["role"] != role:
        _keep_a_coordinator(user)
    user.department = department
    user.plan = plan
    user.is_staff = role == Role.COORDINATOR or user.is_superuser
    user.save(update_fields=["department", "plan", "is_staff"])
    user.groups.set([role_groups_ensure()[role]])
    # The person object may have cached its role and departments for this request.
    for cached in ("_naptrack_roles", "_naptrack_departments"):
        user.__dict__.pop(cached, None)
    done = changes.account_changed(user, what=changes.ROLE)
    data = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    audit_record(actor=actor, action="accounts.user.role_set", target=user, data={**data, **done})
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Close a person's account: they can no longer log in, their sessions end at their next
    request, their API tokens are revoked and an invitation they have not accepted is cancelled.
    Their work and its history stay."""
    require_manager(actor)
    if getattr(actor, "pk", None) == user.pk:
        raise ValidationError(_("You cannot deactivate your own account: ask another coordinator."))
    if not user.is_active and not user.invitations.filter(accepted__isnull=True).exists():
        raise ValidationError(_("%(name)s is already deactivated.") % {"name": user.get_username()})
    _keep_a_coordinator(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    cancelled = user.invitations.filter(accepted__isnull=True).delete()[0]
    done = changes.account_changed(user, what=changes.DEACTIVATED)
    data = {**done, **({"invitations_cancelled": cancelled} if cancelled else {})}
    audit_record(actor=actor, action="accounts.user.deactivated", target=user, data=data)
    return user


@transaction.atomic
def user_reactivate(*, actor: Any, user: User) -> User:
    """Open a deactivated account again. Its old API tokens stay revoked."""
    require_manager(actor)
    if user.is_active:
        raise ValidationError(_("%(name)s is already active.") % {"name": user.get_username()})
    if not user.has_usable_password():
        raise ValidationError(
            _("%(name)s never accepted their invitation: send them a new one instead.") % {"name": user.get_username()}
        )
    user.is_active = True
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="accounts.user.reactivated", target=user)
    return user
