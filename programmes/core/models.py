"""The audit trail. The app is installed in the public schema (operator actions) and in every
tenant schema (that tenant's actions), so a tenant's trail leaves with its schema."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    SUCCESS = "success", _("Succeeded")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class AuditEvent(models.Model):
    """Who did what, to which object, when, from where, with what outcome and why. Written
    only by ``audit_record``; a database trigger refuses every UPDATE, DELETE and TRUNCATE
    (the one exception, pseudonymisation, is ``audit_pseudonymise``: see the core README)."""

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    # No database constraint and nothing done on delete: deleting a user must never touch
    # the (append-only) trail. A pre_delete receiver pseudonymises the user's entries first.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Kept when the user is deleted; "system" for the worker and management commands,
    # "anonymous" for visitors, the e-mail tried for a failed login.
    actor_label = models.CharField(max_length=254)
    action = models.CharField(_("what"), max_length=100, db_index=True)
    target_type = models.CharField(max_length=100, blank=True)
    target_id = models.CharField(max_length=100, blank=True)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(_("why"), blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS
    )
    ip = models.GenericIPAddressField(_("from where"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"


class SentMail(models.Model):
    """One row per e-mail effect (e.g. "follow-up 12, reminder 2, to x@y"), written in the
    same transaction as the sending: a retried task finds the key and sends nothing twice."""

    key = models.CharField(max_length=300, unique=True)
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
