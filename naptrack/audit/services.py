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
