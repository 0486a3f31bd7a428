"""Recording who changed what. Every service that changes state calls ``audit_record`` inside
its transaction, so the change and its record commit or roll back together."""

from typing import Any

from django.db import models

from programmes.core.models import AuditEvent

SYSTEM = "system"


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append an audit event in the current schema. ``actor`` is a user or None (the system)."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=actor.email if is_person else SYSTEM,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=data or {},
        reason=reason,
    )
