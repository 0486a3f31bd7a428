"""Public schema: one row of figures per tenant, refreshed by the worker.

Operator pages read these rows instead of visiting every schema on each page view (with
1,100 tenants a page that queried each schema would take seconds and thousands of locks).
The rows are derived data: ``tenant_rollup_refresh`` rewrites a tenant's row from its schema,
and the row goes with the tenant (CASCADE) when it is offboarded.
"""

import datetime as dt
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import choice_label

# A row older than this is shown as out of date (the worker refreshes every hour).
STALE_AFTER = dt.timedelta(hours=3)


class Health(models.TextChoices):
    OK = "ok", _("OK")
    WARNING = "warning", _("Warning")
    FAILING = "failing", _("Failing")


class HealthCode(models.TextChoices):
    """Why a tenant is not OK; ``SEVERITY`` says how bad each one is."""

    MIGRATIONS_PENDING = "migrations_pending", _("Database migrations pending")
    NO_ADMIN = "no_admin", _("No municipal admin")
    ADMIN_INVITATION_OPEN = (
        "admin_invitation_open",
        _("The first admin has not accepted the invitation after 14 days"),
    )
    ADMIN_MFA_MISSING = "admin_mfa_missing", _("No municipal admin has two-factor authentication")


SEVERITY = {
    HealthCode.MIGRATIONS_PENDING: Health.FAILING,
    HealthCode.NO_ADMIN: Health.WARNING,
    HealthCode.ADMIN_INVITATION_OPEN: Health.WARNING,
    HealthCode.ADMIN_MFA_MISSING: Health.WARNING,
}


class TenantRollup(models.Model):
    tenant = models.OneToOneField(
        "tenants.Tenant", on_delete=models.CASCADE, primary_key=True, related_name="rollup"
    )
    # Partners by stage: active, on their way in (applied … booked), ended.
    partners_active = models.PositiveIntegerField(_("active partners"), default=0)
    partners_in_progress = models.PositiveIntegerField(_("applicants"), default=0)
    partners_ended = models.PositiveIntegerField(_("ended partners"), default=0)
    partners_total = models.PositiveIntegerField(_("partners"), default=0)
    people = models.PositiveIntegerField(_("people"), default=0)
    # Reported emissions of the latest complete year (the tenant's calendar year before the
    # current one): the sum of the partners' account totals, and how many partners reported.
    emissions_year = models.PositiveSmallIntegerField(_("emissions year"), null=True, blank=True)
    emissions_tonnes = models.DecimalField(
        _("reported emissions (t CO2e)"), max_digits=18, decimal_places=3, default=Decimal(0)
    )
    emissions_partners = models.PositiveIntegerField(_("partners that reported"), default=0)
    # The current year's follow-ups: how many were opened and how many answered.
    follow_up_year = models.PositiveSmallIntegerField(_("follow-up year"), null=True, blank=True)
    follow_ups_total = models.PositiveIntegerField(_("follow-ups"), default=0)
    follow_ups_answered = models.PositiveIntegerField(_("follow-ups answered"), default=0)
    # The newest audit entry or sign-in in the tenant's schema.
    last_activity_at = models.DateTimeField(_("last activity"), null=True, blank=True)
    health = models.CharField(
        _("health"), max_length=10, choices=Health.choices, default=Health.OK, db_index=True
    )
    health_codes = ArrayField(
        models.CharField(max_length=40, choices=HealthCode.choices),
        verbose_name=_("health problems"),
        default=list,
        blank=True,
    )
    refreshed_at = models.DateTimeField(_("refreshed at"))

    class Meta:
        ordering = ["tenant__name"]

    def __str__(self) -> str:
        return f"{self.tenant_id} ({self.refreshed_at:%Y-%m-%d %H:%M})"

    @property
    def follow_up_rate(self) -> Decimal | None:
        """Per cent of this year's follow-ups answered; None before any was opened."""
        if not self.follow_ups_total:
            return None
        return Decimal(100 * self.follow_ups_answered / self.follow_ups_total).quantize(
            Decimal("0.1")
        )

    @property
    def health_labels(self) -> list[str]:
        return [choice_label(HealthCode, code) for code in self.health_codes]

    @property
    def is_stale(self) -> bool:
        return self.refreshed_at < timezone.now() - STALE_AFTER
