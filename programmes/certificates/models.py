"""Environmental certificates partners hold or plan (Miljøfyrtårn, ISO 14001, EMAS…).

The status is derived from the dates and the programme's warning window, never stored, so
it cannot go stale.
"""

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class CertificateStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    VALID = "valid", _("Valid")
    EXPIRING = "expiring", _("Expiring soon")
    EXPIRED = "expired", _("Expired")


class Certificate(models.Model):
    """An environmental certificate a partner holds, or plans to obtain (``planned``)."""

    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.CASCADE, related_name="certificates"
    )
    scheme = models.ForeignKey(
        "configuration.CertificationScheme",
        verbose_name=_("scheme"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    planned = models.BooleanField(_("planned, not yet obtained"), default=False)
    planned_by = models.DateField(_("expected by"), null=True, blank=True)
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued"), null=True, blank=True)
    expires_on = models.DateField(_("expires"), null=True, blank=True)
    issuing_body = models.CharField(_("issued by"), max_length=200, blank=True)
    document = models.FileField(_("document"), upload_to="certificates/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["partner", "scheme__name", "-expires_on"]

    def __str__(self) -> str:
        return f"{self.partner}: {self.scheme}"

    def status_on(self, day: dt.date, warning_days: int) -> str:
        """The status on ``day``, given the programme's warning window in days."""
        if self.planned:
            return CertificateStatus.PLANNED
        if self.expires_on is None or self.expires_on >= day + dt.timedelta(days=warning_days):
            return CertificateStatus.VALID
        if self.expires_on >= day:
            return CertificateStatus.EXPIRING
        return CertificateStatus.EXPIRED
