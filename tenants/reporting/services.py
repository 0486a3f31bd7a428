"""Refreshing a tenant's rollup row (public schema) from its own schema.

``tenant_rollup_refresh`` runs inside the tenant's schema (the worker's task, bound to it by
tenant-schemas-celery, or ``tenant_context`` in the ``refresh_rollups`` command). It reads
the schema with a fixed number of aggregate queries, whatever the tenant's size, and
upserts the tenant's row in the public schema (the public schema is on the search path of
every tenant connection, and ``reporting`` tables exist only there).

Not audited: the row is derived data, rewritten every hour for every tenant; recording each
refresh would flood the operators' trail without saying anything about who changed what.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Count, Exists, Max, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from programmes.climate.models import ClimateAccount, Scope3Emission
from programmes.core.i18n import local_date
from programmes.core.models import AuditEvent
from programmes.followups.models import FollowUp, FollowUpStatus
from programmes.partners.models import Partner, Stage
from programmes.people.models import Invitation, Role, User
from tenants.models import Tenant
from tenants.reporting.models import SEVERITY, Health, HealthCode, TenantRollup

# The first admin's invitation is a problem once it has been open this long.
ADMIN_INVITATION_GRACE = dt.timedelta(days=14)
IN_PROGRESS_STAGES = (
    Stage.APPLIED,
    Stage.ASSESSED,
    Stage.GOALS_PROPOSED,
    Stage.APPROVED,
    Stage.BOOKED,
)
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
ZERO = Decimal(0)


class WrongSchema(RuntimeError):
    pass


@cache
def expected_tenant_migrations() -> frozenset[tuple[str, str]]:
    """The newest migration of each app migrated in tenant schemas, as the code has them.

    Read from disk once per process (the code does not change while it runs)."""
    labels = {
        config.label for config in apps.get_app_configs() if config.name in settings.TENANT_APPS
    }
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    return frozenset(node for node in graph.leaf_nodes() if node[0] in labels)


def _migrations_pending() -> bool:
    """True when this schema has not recorded every leaf migration of the code (one query)."""
    expected = expected_tenant_migrations()
    applied = set(
        MigrationRecorder(connection)
        .Migration.objects.filter(
            app__in={app for app, _name in expected}, name__in={name for _app, name in expected}
        )
        .values_list("app", "name")
    )
    return not expected <= applied


@dataclass(frozen=True)
class _People:
    count: int
    admins: int
    admins_with_second_factor: int
    last_login: dt.datetime | None


def _people() -> _People:
    second_factor = Q(
        Exists(Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS))
    ) | Q(Exists(SocialAccount.objects.filter(user=OuterRef("pk"))))
    admin = Q(role=Role.MUNICIPAL_ADMIN, is_active=True)
    figures = User.objects.aggregate(
        count=Count("pk", filter=Q(is_active=True)),
        admins=Count("pk", filter=admin),
        admins_with_second_factor=Count("pk", filter=admin & second_factor),
        last_login=Max("last_login"),
    )
    return _People(**figures)


def _partners() -> dict[str, int]:
    by_stage = dict(Partner.objects.order_by().values_list("stage").annotate(n=Count("pk")))
    return {
        "partners_active": by_stage.get(Stage.ACTIVE, 0),
        "partners_in_progress": sum(by_stage.get(stage, 0) for stage in IN_PROGRESS_STAGES),
        "partners_ended": by_stage.get(Stage.ENDED, 0),
        "partners_total": sum(by_stage.values()),
    }


def _emissions(year: int) -> dict[str, Any]:
    """The year's total as climate.selectors.emissions_total counts it: scope 1, scope 2
    market-based when given (else location-based), scope 3 (two queries)."""
    accounts = ClimateAccount.objects.filter(year=year).aggregate(
        partners=Count("partner", distinct=True),
        scope1=Sum("scope1"),
        scope2=Sum(Coalesce("scope2_market", "scope2_location")),
    )
    scope3 = Scope3Emission.objects.filter(account__year=year).aggregate(total=Sum("tonnes"))
    total = (accounts["scope1"] or ZERO) + (accounts["scope2"] or ZERO) + (scope3["total"] or ZERO)
    return {
        "emissions_year": year,
        "emissions_tonnes": total,
        "emissions_partners": accounts["partners"],
    }


def _follow_ups(year: int) -> dict[str, Any]:
    figures = FollowUp.objects.filter(year=year).aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(status=FollowUpStatus.SUBMITTED))
    )
    return {
        "follow_up_year": year,
        "follow_ups_total": figures["total"],
        "follow_ups_answered": figures["answered"],
    }


def _health(people: _People, now: dt.datetime) -> list[HealthCode]:
    codes = []
    if people.admins == 0:
        stale_invitation = Invitation.objects.filter(
            role=Role.MUNICIPAL_ADMIN,
            accepted_at__isnull=True,
            created_at__lt=now - ADMIN_INVITATION_GRACE,
        ).exists()
        codes.append(HealthCode.ADMIN_INVITATION_OPEN if stale_invitation else HealthCode.NO_ADMIN)
    elif people.admins_with_second_factor == 0:
        codes.append(HealthCode.ADMIN_MFA_MISSING)
    return codes


def _overall(codes: list[HealthCode]) -> str:
    severities = {SEVERITY[code] for code in codes}
    for level in (Health.FAILING, Health.WARNING):
        if level in severities:
            return level
    return Health.OK


def tenant_rollup_refresh(*, tenant: Tenant) -> TenantRollup:
    """Recompute ``tenant``'s row; must run inside its schema. At most 8 reads
    (aggregates, whatever the tenant's size) and the upsert.

    A schema whose migrations are behind the code is only marked failing (its tables may not
    match the models): the figures of its previous row are kept."""
    if connection.schema_name != tenant.schema_name:
        raise WrongSchema(f"Refresh {tenant.schema_name} inside its schema.")
    now = timezone.now()
    if _migrations_pending():
        codes = [HealthCode.MIGRATIONS_PENDING]
        values: dict[str, Any] = {}
    else:
        today = local_date(now, tenant=tenant)
        people = _people()
        newest_entry = AuditEvent.objects.aggregate(newest=Max("created_at"))["newest"]
        moments = [moment for moment in (newest_entry, people.last_login) if moment]
        codes = _health(people, now)
        values = {
            **_partners(),
            **_emissions(today.year - 1),
            **_follow_ups(today.year),
            "people": people.count,
            "last_activity_at": max(moments) if moments else None,
        }
    values.update(health=_overall(codes), health_codes=list(codes), refreshed_at=now)
    rollup, _created = TenantRollup.objects.update_or_create(tenant=tenant, defaults=values)
    return rollup
