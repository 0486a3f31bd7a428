"""Support access: an operator asks for time-limited access to one tenant with a reason,
enters the tenant's site as that tenant's support user, and the access ends at its expiry or
when the operator or one of the tenant's municipal admins ends it.

Every change is recorded in both trails: the operators' (public schema) and the tenant's, so
the municipality's admins see in /manage/audit/ who came in, when and why. A user of one
schema is never written as the actor in the other schema's trail (ids collide across
schemas): there the entry carries a label instead.
"""

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes.people.models import Role, User
from programmes.people.services import user_sessions_end
from tenants.audit import audit_both_trails, in_public_schema, in_schema_of
from tenants.models import Tenant
from tenants.support.models import MAX_MINUTES, MIN_MINUTES, SupportGrant

ENTRY_TOKEN_SECONDS = 60


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now(now: dt.datetime | None) -> dt.datetime:
    return now if now is not None else timezone.now()


def _in_public_schema() -> bool:
    return connection.schema_name == "public"


def operator_label(operator: Any) -> str:
    name = (getattr(operator, "full_name", "") or "").strip()
    return f"{name} ({operator.email})" if name else operator.email


def support_user_email(operator_id: int) -> str:
    """The tenant-side account of an operator: one per operator and tenant, reused by every
    grant of that operator there."""
    return f"support+{operator_id}@{settings.PLATFORM_DOMAIN}"


def _required_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why.")]}, code="required")
    return reason


def _audit_grant(
    *,
    grant: SupportGrant,
    tenant: Tenant,
    action: str,
    reason: str,
    public_actor: Any,
    public_label: str | None,
    tenant_actor: Any,
    tenant_label: str | None,
    data: dict[str, Any] | None = None,
) -> None:
    """One entry in the operators' trail (on the grant) and one in the tenant's."""
    audit_both_trails(
        tenant=tenant,
        action=action,
        actor=public_actor,
        actor_label=public_label,
        target=grant,
        reason=reason,
        data={"grant": grant.pk, "operator": grant.operator_label, **(data or {})},
        public_data={"tenant": tenant.schema_name},
        tenant_actor=tenant_actor,
        tenant_actor_label=tenant_label,
    )


def support_grant_open(
    *,
    actor: Any,
    tenant: Tenant,
    reason: str,
    minutes: int,
    now: dt.datetime | None = None,
) -> SupportGrant:
    """An operator asks for access to ``tenant`` for ``minutes`` (15 minutes to 8 hours),
    saying why. Shown to the tenant's admins at once; one open grant per operator and
    tenant (they share the operator's support user there)."""
    if not (_in_public_schema() and getattr(actor, "is_operator", False)):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Say why.")]
    if not isinstance(minutes, int) or not MIN_MINUTES <= minutes <= MAX_MINUTES:
        errors["minutes"] = [_("Choose between 15 minutes and 8 hours.")]
    if not tenant.is_serving:
        errors["tenant"] = [_("This tenant's site is not being served.")]
    if errors:
        raise ValidationError(errors)
    now = _now(now)
    with transaction.atomic():
        # Serialises two requests of the same operator for the same tenant.
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        if SupportGrant.objects.filter(
            tenant=tenant, operator_id=actor.pk, ended_at__isnull=True, expires_at__gt=now
        ).exists():
            raise ValidationError(
                {"reason": [_("You already have open support access to this tenant.")]},
                code="already_open",
            )
        grant = SupportGrant.objects.create(
            tenant=tenant,
            operator=actor,
            operator_label=operator_label(actor),
            reason=reason,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
        _audit_grant(
            grant=grant,
            tenant=tenant,
            action="support.granted",
            reason=reason,
            public_actor=actor,
            public_label=None,
            tenant_actor=None,
            tenant_label=f"operator {actor.email}",
            data={"minutes": minutes, "expires_at": grant.expires_at.isoformat()},
        )
    return grant


def _may_end(actor: Any, grant: SupportGrant) -> bool:
    if _in_public_schema():
        return bool(getattr(actor, "is_operator", False))
    # On a tenant host: that tenant's municipal admins, for its own grants only.
    return (
        getattr(actor, "role", None) == Role.MUNICIPAL_ADMIN
        and connection.schema_name == grant.tenant.schema_name
    )


def support_grant_end(
    *, actor: Any, grant: SupportGrant, reason: str, now: dt.datetime | None = None
) -> SupportGrant:
    """End an open grant before its expiry: by an operator (on the platform) or by one of the
    tenant's municipal admins (on its site). The support user is deactivated and its sessions
    end at once."""
    if not _may_end(actor, grant):
        raise PermissionDenied
    reason = _required_reason(reason)
    now = _now(now)
    tenant = grant.tenant
    by_operator = _in_public_schema()
    # Stored as written here, in no particular language (like the audit trail's labels).
    ended_by = f"operator {actor.email}" if by_operator else f"municipal admin {actor.email}"
    with transaction.atomic():
        grant = SupportGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_open_at(now):
            raise ValidationError(_("This support access has already ended."), code="ended")
        grant.ended_at = now
        grant.ended_by = ended_by
        grant.end_reason = reason
        grant.entry_token_hash = ""
        grant.entry_token_expires_at = None
        grant.save(
            update_fields=[
                "ended_at",
                "ended_by",
                "end_reason",
                "entry_token_hash",
                "entry_token_expires_at",
            ]
        )
        sessions = 0
        with in_schema_of(tenant):
            support_user = _support_user_of(grant)
            if support_user is not None:
                support_user.is_active = False
                support_user.save(update_fields=["is_active"])
                sessions = user_sessions_end(user=support_user)
        _audit_grant(
            grant=grant,
            tenant=tenant,
            action="support.ended",
            reason=reason,
            public_actor=actor if by_operator else None,
            public_label=None if by_operator else f"{ended_by} ({tenant.schema_name})",
            tenant_actor=None if by_operator else actor,
            tenant_label=ended_by if by_operator else None,
            data={"logins_ended": sessions},
        )
    return grant


def _support_user_of(grant: SupportGrant) -> User | None:
    """The grant's support user in the current (the tenant's) schema, if it was entered."""
    if grant.tenant_user_id is None:
        return None
    return User.objects.filter(
        pk=grant.tenant_user_id, email=support_user_email(grant.operator_id)
    ).first()


def support_entry_issue(*, actor: Any, grant: SupportGrant, now: dt.datetime | None = None) -> str:
    """A one-time token (valid ``ENTRY_TOKEN_SECONDS``) with which the grant's own operator
    enters the tenant's site. Only its hash is kept; a new one replaces the last."""
    if not (_in_public_schema() and getattr(actor, "is_operator", False)):
        raise PermissionDenied
    if grant.operator_id != actor.pk:
        raise PermissionDenied
    now = _now(now)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        grant = SupportGrant.objects.select_for_update().get(pk=grant.pk)
        if not grant.is_open_at(now):
            raise ValidationError(_("This support access has ended."), code="ended")
        grant.entry_token_hash = _token_hash(token)
        grant.entry_token_expires_at = now + dt.timedelta(seconds=ENTRY_TOKEN_SECONDS)
        grant.save(update_fields=["entry_token_hash", "entry_token_expires_at"])
    return token


def support_enter(
    *, token: str, tenant: Tenant, now: dt.datetime | None = None
) -> tuple[SupportGrant, User] | None:
    """Redeem an entry token on ``tenant``'s site (its schema is active): the open grant of
    this tenant it belongs to and the operator's support user there (created on first entry,
    municipal staff, no password), or None when the token is unknown, used, older than a
    minute, of another tenant, or its grant has ended. The caller signs the user in."""
    if connection.schema_name != tenant.schema_name:
        raise PermissionDenied
    now = _now(now)
    if not token:
        return None
    with transaction.atomic():
        grant = (
            SupportGrant.objects.select_for_update()
            .filter(
                tenant_id=tenant.pk,
                entry_token_hash=_token_hash(token),
                entry_token_expires_at__gt=now,
                ended_at__isnull=True,
                expires_at__gt=now,
            )
            .first()
        )
        if grant is None:
            return None
        user = _support_user_enable(grant)
        grant.entry_token_hash = ""
        grant.entry_token_expires_at = None
        grant.tenant_user_id = user.pk
        grant.entered_at = now
        grant.save(
            update_fields=[
                "entry_token_hash",
                "entry_token_expires_at",
                "tenant_user_id",
                "entered_at",
            ]
        )
        with in_public_schema():
            operator = User.objects.filter(pk=grant.operator_id).first()
        _audit_grant(
            grant=grant,
            tenant=tenant,
            action="support.entered",
            reason=grant.reason,
            public_actor=operator,
            public_label=None if operator is not None else grant.operator_label,
            tenant_actor=user,
            tenant_label=None,
            data={"expires_at": grant.expires_at.isoformat()},
        )
    return grant, user


def _support_user_enable(grant: SupportGrant) -> User:
    """Get or create the operator's support user in the current schema, active and with
    staff powers (never admin). No usable password: the only way in is an entry token."""
    email = support_user_email(grant.operator_id)
    name = grant.operator_label.split(" (", 1)[0]
    # A name, stored: not translated (the platform's name stays as it is in every language).
    full_name = f"Klimapartner support ({name})"
    user = User.objects.filter(email=email).first()
    if user is None:
        return User.objects.create_user(
            email, None, role=Role.MUNICIPAL_STAFF, full_name=full_name[:200]
        )
    user.is_active = True
    user.role = Role.MUNICIPAL_STAFF
    user.full_name = full_name[:200]
    user.set_unusable_password()
    user.save(update_fields=["is_active", "role", "full_name", "password"])
    return user
