from __future__ import annotations

from typing import Any

from django.db import models

from naptrack.audit.models import AuditEvent


def audit_record(
    *, actor: Any, action: str, target: models.Model | None = None, data: dict | None = None
) -> AuditEvent:
    """Write the audit entry of a business action; called by the service inside its transaction
    so that the entry exists exactly when the action took effect."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    if user is not None:
        name = user.get_username()
    elif isinstance(actor, str):
        name = actor
    else:
        # A process acting on its own account (accounts.system.SystemActor) names itself.
        name = actor.get_username() if hasattr(actor, "get_username") else ""
    return AuditEvent.objects.create(
        actor=user,
        actor_name=name,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        data=data or {},
    )


def audit_anonymise(*, names: set[str], targets: dict[str, set[str]], replacement: str) -> int:
    """Take a person out of the trail when their data is erased, keeping what happened: the
    events they did or that named them stay, with `replacement` where their login, e-mail address
    or name was (actor_name, the object's description, an "email" detail). `targets` maps object
    types ("civilsociety.expert") to the ids whose descriptions named the person. Returns the
    number of events changed."""
    from django.db.models import Q

    names = {n for n in names if n}
    touched = Q(actor_name__in=names) | Q(data__email__in=names)
    for target_type, ids in targets.items():
        touched |= Q(target_type=target_type, target_id__in=ids)
    changed = 0
    for event in AuditEvent.objects.filter(touched):
        if event.actor_name in names:
            event.actor_name = replacement
        if event.target_id in targets.get(event.target_type, set()) or event.target_repr in names:
            event.target_repr = replacement
        if isinstance(event.data, dict) and event.data.get("email") in names:
            event.data = {**event.data, "email": replacement}
        event.save(update_fields=["actor_name", "target_repr", "data"])
        changed += 1
    return changed
