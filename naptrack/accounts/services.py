from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from naptrack.accounts.models import Role, User
from naptrack.audit.services import audit_record
from naptrack.plans.models import Department


def role_groups_ensure() -> dict[str, Group]:
    return {role.value: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def _check_role(role: str, department_code: str | None) -> Department | None:
    if role not in Role.values:
        raise ValidationError(
            {
                "role": _("Unknown role %(role)s; choose one of: %(roles)s.")
                % {"role": role, "roles": ", ".join(Role.values)}
            }
        )
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
) -> User:
    """Create a user in a role. `actor` is the person or process creating the account."""
    department = _check_role(role, department_code)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user named %(name)s already exists.") % {"name": username}})
    user = User(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        department=department,
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
        data={"role": role, "department": department_code, "email": email},
    )
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str, check_password: bool = True) -> User:
    if check_password:
        validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="accounts.user.password_set", target=user)
    return user
