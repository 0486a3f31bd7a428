"""Platform figures for operators, read from the rollup (never from the tenants' schemas)."""

import csv
import datetime as dt
import io

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from tenants.models import Country, Status
from tenants.reporting import selectors
from tenants.views import operator_required

CSV_COLUMNS = [
    "slug",
    "name",
    "country",
    "status",
    "ready",
    "partners_active",
    "partners_in_progress",
    "partners_ended",
    "partners_total",
    "people",
    "emissions_year",
    "emissions_tonnes",
    "emissions_partners",
    "follow_up_year",
    "follow_ups_answered",
    "follow_ups_total",
    "last_activity_at",
    "health",
    "health_codes",
    "refreshed_at",
]


@operator_required
@require_safe
def platform_reports(request: HttpRequest) -> HttpResponse:
    figures = selectors.platform_figures()
    countries = dict(Country.choices)
    return render(
        request,
        "reporting/reports.html",
        {
            "figures": figures,
            "statuses": [
                (label, figures.total.tenants_by_status.get(value, 0))
                for value, label in Status.choices
            ],
            "countries": [
                (countries.get(code, code), country) for code, country in figures.by_country.items()
            ],
        },
    )


@operator_required
@require_safe
def platform_reports_csv(request: HttpRequest) -> HttpResponse:
    """One row per tenant from the rollup: codes rather than labels, UTC ISO times."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for tenant in selectors.tenants_with_rollups().iterator(chunk_size=2000):
        rollup = getattr(tenant, "rollup", None)
        row: list[object] = [
            tenant.slug,
            _safe(tenant.name),
            tenant.country,
            tenant.status,
            "yes" if tenant.ready else "no",
        ]
        if rollup is None:
            row += [""] * (len(CSV_COLUMNS) - len(row))
        else:
            row += [
                rollup.partners_active,
                rollup.partners_in_progress,
                rollup.partners_ended,
                rollup.partners_total,
                rollup.people,
                rollup.emissions_year or "",
                rollup.emissions_tonnes,
                rollup.emissions_partners,
                rollup.follow_up_year or "",
                rollup.follow_ups_answered,
                rollup.follow_ups_total,
                _utc(rollup.last_activity_at),
                rollup.health,
                " ".join(rollup.health_codes),
                _utc(rollup.refreshed_at),
            ]
        writer.writerow(row)
    response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="tenants.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _utc(moment: dt.datetime | None) -> str:
    return moment.astimezone(dt.UTC).isoformat() if moment else ""


def _safe(value: str) -> str:
    """Text someone typed, defused for spreadsheets (no formula injection), as
    programmes.core.audit_views does for the audit trail."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
