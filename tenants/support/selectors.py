"""Reads of support grants. Usable on tenant hosts too: no join into ``people_user`` (see
models.py)."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from tenants.models import Tenant
from tenants.support.models import SupportGrant

# The support page and the console list the most recent grants (older ones stay in the audit
# trails).
LIST_LIMIT = 100


def support_grants_for_tenant(tenant: Tenant) -> QuerySet[SupportGrant]:
    return SupportGrant.objects.filter(tenant_id=tenant.pk)


def support_grants_for_console(*, tenant: Tenant | None = None) -> QuerySet[SupportGrant]:
    """Every grant (operators, on the platform host), newest first, with its tenant."""
    grants = SupportGrant.objects.select_related("tenant")
    return grants.filter(tenant_id=tenant.pk) if tenant is not None else grants


def support_grant_for_tenant(tenant: Tenant, pk: int) -> SupportGrant | None:
    """One grant of ``tenant`` (None when missing or another tenant's: the same 404)."""
    grant = SupportGrant.objects.filter(tenant_id=tenant.pk, pk=pk).first()
    if grant is not None:
        grant.tenant = tenant  # no second look-up of the tenant we already have
    return grant


def open_support_grant(
    *, grant_id: int, tenant_id: int, now: dt.datetime | None = None
) -> SupportGrant | None:
    """The grant of a support session while it is open (one query: the support middleware)."""
    return (
        SupportGrant.objects.filter(
            pk=grant_id,
            tenant_id=tenant_id,
            ended_at__isnull=True,
            expires_at__gt=now or timezone.now(),
        )
        .only("pk", "tenant_id", "operator_label", "reason", "expires_at", "ended_at")
        .first()
    )
