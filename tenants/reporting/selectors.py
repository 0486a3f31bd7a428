"""Reads of the rollup (public schema): a fixed number of queries however many tenants."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, F, Min, Q, QuerySet, Sum, When
from django.utils import timezone

from tenants.models import Country, Status, Tenant
from tenants.reporting.models import Health
from tenants.selectors import tenants_filtered

# How recent the last activity must be for a tenant to count as active.
ACTIVE_WITHIN = dt.timedelta(days=30)
# Orders of the console's tenant list (?sort=…): name by default.
CONSOLE_ORDERS = {
    "name": ("name",),
    "-name": ("-name",),
    "activity": (F("rollup__last_activity_at").desc(nulls_last=True), "name"),
    # Worst first: failing, warning, ok, then tenants without a row yet.
    "health": (
        Case(
            When(rollup__health=Health.FAILING, then=0),
            When(rollup__health=Health.WARNING, then=1),
            When(rollup__health=Health.OK, then=2),
            default=3,
        ).asc(),
        "name",
    ),
}
DEFAULT_ORDER = "name"
# The figures that add up across tenants.
SUMMED = (
    "tenants",
    "partners_active",
    "partners_in_progress",
    "partners_ended",
    "partners_total",
    "people",
    "emissions_tonnes",
    "emissions_partners",
    "active_tenants",
    "not_refreshed",
)


def tenants_with_rollups(
    order: str = DEFAULT_ORDER,
    *,
    search: str = "",
    country: str = "",
    status: str = "",
    health: str = "",
) -> QuerySet[Tenant]:
    """Every tenant with its rollup row (None before the first refresh) and its onboarding
    (None for tenants made before onboarding was recorded), or those whose name or slug
    contains ``search`` and that have the ``country``, ``status`` and rollup ``health``
    given: one query."""
    tenants = tenants_filtered(
        Tenant.objects.exclude(schema_name="public"), search=search, country=country, status=status
    )
    if health:
        tenants = tenants.filter(rollup__health=health)
    return tenants.select_related("rollup", "onboarding").order_by(
        *CONSOLE_ORDERS.get(order, CONSOLE_ORDERS[DEFAULT_ORDER])
    )


def latest_complete_year() -> int:
    """The year whose emissions the platform's totals add up (rows refreshed in another year,
    around New Year, are left out rather than mixed)."""
    return timezone.now().year - 1


@dataclass
class Figures:
    """Totals of a set of tenants (all, or one country)."""

    tenants: int = 0
    tenants_by_status: dict[str, int] = field(default_factory=dict)
    partners_active: int = 0
    partners_in_progress: int = 0
    partners_ended: int = 0
    partners_total: int = 0
    people: int = 0
    emissions_tonnes: Decimal = Decimal(0)
    emissions_partners: int = 0
    active_tenants: int = 0
    not_refreshed: int = 0

    def add(self, other: "Figures") -> None:
        for name in SUMMED:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for status, count in other.tenants_by_status.items():
            self.tenants_by_status[status] = self.tenants_by_status.get(status, 0) + count


@dataclass
class PlatformFigures:
    year: int
    total: Figures
    by_country: dict[str, Figures]
    oldest_refresh: dt.datetime | None


def platform_figures() -> PlatformFigures:
    """Totals across tenants and per country, from the rollup rows (one query)."""
    year = latest_complete_year()
    since = timezone.now() - ACTIVE_WITHIN
    rows = (
        Tenant.objects.exclude(schema_name="public")
        .order_by()
        .values("country", "status")
        .annotate(
            tenants=Count("pk"),
            not_refreshed=Count("pk", filter=Q(rollup__isnull=True)),
            partners_active=Sum("rollup__partners_active", default=0),
            partners_in_progress=Sum("rollup__partners_in_progress", default=0),
            partners_ended=Sum("rollup__partners_ended", default=0),
            partners_total=Sum("rollup__partners_total", default=0),
            people=Sum("rollup__people", default=0),
            emissions_tonnes=Sum(
                "rollup__emissions_tonnes",
                filter=Q(rollup__emissions_year=year),
                default=Decimal(0),
            ),
            emissions_partners=Sum(
                "rollup__emissions_partners", filter=Q(rollup__emissions_year=year), default=0
            ),
            active_tenants=Count("pk", filter=Q(rollup__last_activity_at__gte=since)),
            oldest_refresh=Min("rollup__refreshed_at"),
        )
    )
    total = Figures()
    by_country: dict[str, Figures] = {}
    oldest: dt.datetime | None = None
    for row in rows:
        figures = _figures(row)
        total.add(figures)
        by_country.setdefault(row["country"], Figures()).add(figures)
        if row["oldest_refresh"] is not None:
            oldest = min(oldest or row["oldest_refresh"], row["oldest_refresh"])
    ordered = {code: by_country[code] for code in Country.values if code in by_country}
    return PlatformFigures(year=year, total=total, by_country=ordered, oldest_refresh=oldest)


def _figures(row: dict[str, Any]) -> Figures:
    figures = Figures(tenants_by_status={row["status"]: row["tenants"]})
    for name in SUMMED:
        setattr(figures, name, row[name])
    return figures


def tenants_to_refresh() -> QuerySet[Tenant]:
    """Ready tenants that are not offboarded: suspended ones keep their figures up to date.

    A tenant still being onboarded is left out: its schema may not exist yet."""
    return (
        Tenant.objects.exclude(schema_name="public")
        .exclude(status=Status.OFFBOARDED)
        .filter(ready=True)
        .order_by("schema_name")
    )
