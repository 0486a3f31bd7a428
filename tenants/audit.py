"""Operators' changes to a tenant are recorded twice: in the platform's audit trail (public
schema) and in the tenant's own, whose admins see who changed their site and why."""

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

from django.db import connection, models
from django_tenants.utils import schema_context, tenant_context

from programmes.core.audit import audit_record
from tenants.models import Tenant


@contextmanager
def in_schema_of(tenant: Tenant) -> Iterator[None]:
    """The tenant's schema for the block (a no-op when already in it)."""
    with nullcontext() if connection.schema_name == tenant.schema_name else tenant_context(tenant):
        yield


@contextmanager
def in_public_schema() -> Iterator[None]:
    with nullcontext() if connection.schema_name == "public" else schema_context("public"):
        yield


def operator_trail_label(actor: Any) -> str:
    """How the tenant's trail names an operator (operators are not users of the tenant)."""
    return f"operator {getattr(actor, 'email', '')}".strip()


def audit_both_trails(
    *,
    tenant: Tenant,
    action: str,
    actor: Any,
    target: models.Model | None = None,
    reason: str = "",
    data: dict[str, Any] | None = None,
    public_data: dict[str, Any] | None = None,
    actor_label: str | None = None,
    tenant_actor: Any = None,
    tenant_actor_label: str | None = None,
) -> None:
    """One entry in each trail, whatever schema the caller is in (same transaction).

    The platform's entry names ``actor`` and ``target`` (default: the tenant) and adds
    ``public_data``; the tenant's names ``tenant_actor`` (default: the operator by label)."""
    with in_public_schema():
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=action,
            target=target if target is not None else tenant,
            reason=reason,
            data={**(public_data or {}), **(data or {})},
        )
    with in_schema_of(tenant):
        audit_record(
            actor=tenant_actor,
            actor_label=tenant_actor_label
            if tenant_actor_label is not None or tenant_actor is not None
            else operator_trail_label(actor),
            action=action,
            reason=reason,
            data=data,
        )
