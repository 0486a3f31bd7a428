"""Time-limited support access of an operator to one tenant (public schema).

A grant is asked for by an operator with a reason and a duration; while it is open the
operator can enter the tenant's site as a dedicated support user of that tenant (staff
powers). The tenant's municipal admins see every grant and can end an open one.

Tenant pages read this table too (``public`` is on every tenant's search path), so nothing
read on a tenant host may follow a foreign key into ``people_user``: in a tenant schema that
name is the tenant's own user table. Who the operator is, who ended the grant and which
tenant user was used are therefore kept as labels and plain ids.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenants.models import Tenant

DURATION_CHOICES = [
    (15, _("15 minutes")),
    (30, _("30 minutes")),
    (60, _("1 hour")),
    (120, _("2 hours")),
    (240, _("4 hours")),
    (480, _("8 hours")),
]
DEFAULT_MINUTES = 60
MIN_MINUTES = 15
MAX_MINUTES = 480


class SupportGrant(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="support_grants")
    # DO_NOTHING and no database constraint: deleting a user *in a tenant schema* must not
    # make Django's collector touch this table through the colliding user id (it would
    # resolve `support_supportgrant` to the public table). The labels keep who it was.
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    operator_label = models.CharField(_("operator"), max_length=300)
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(_("from"), default=timezone.now)
    expires_at = models.DateTimeField(_("until"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ended_by = models.CharField(_("ended by"), max_length=300, blank=True)
    end_reason = models.TextField(_("reason for ending"), blank=True)
    # The support user in the tenant's schema (an id there, not a foreign key).
    tenant_user_id = models.PositiveIntegerField(null=True, blank=True)
    entered_at = models.DateTimeField(null=True, blank=True)
    # The one-time entry token of "Open the tenant": only its hash, valid for a minute.
    entry_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    entry_token_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="support_grant_tenant")]

    def __str__(self) -> str:
        return f"{self.operator_label} → {self.tenant_id} until {self.expires_at:%Y-%m-%d %H:%M}"

    def is_open_at(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.ended_at is None and self.expires_at > now

    @property
    def is_open(self) -> bool:
        return self.is_open_at()
