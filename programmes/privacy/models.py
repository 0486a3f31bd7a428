"""How long a programme keeps personal data it no longer needs (one row per tenant; the
defaults apply until an admin saves it). ``services.retention_apply`` enforces it daily."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MONTHS_MIN = 1
MONTHS_MAX = 120
_MONTHS = [MinValueValidator(MONTHS_MIN), MaxValueValidator(MONTHS_MAX)]

# Defaults a Nordic municipality can defend to its data protection officer (README.md).
DEFAULT_MONTHS = {
    "applications_months": 12,
    "invitations_months": 6,
    "registrations_months": 24,
    "sent_mail_months": 13,
    "audit_client_months": 6,
}
PERIOD_FIELDS = tuple(DEFAULT_MONTHS)


class RetentionPolicy(models.Model):
    applications_months = models.PositiveSmallIntegerField(
        _("months an application that ended before signing is kept"),
        default=DEFAULT_MONTHS["applications_months"],
        validators=_MONTHS,
    )
    invitations_months = models.PositiveSmallIntegerField(
        _("months an expired or accepted invitation is kept"),
        default=DEFAULT_MONTHS["invitations_months"],
        validators=_MONTHS,
    )
    registrations_months = models.PositiveSmallIntegerField(
        _("months after an event its attendees' names and addresses are kept"),
        default=DEFAULT_MONTHS["registrations_months"],
        validators=_MONTHS,
    )
    sent_mail_months = models.PositiveSmallIntegerField(
        _("months the record of a sent e-mail is kept"),
        default=DEFAULT_MONTHS["sent_mail_months"],
        validators=_MONTHS,
    )
    audit_client_months = models.PositiveSmallIntegerField(
        _("months the audit log keeps client addresses and browsers"),
        default=DEFAULT_MONTHS["audit_client_months"],
        validators=_MONTHS,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("retention policy")

    def __str__(self) -> str:
        return "retention policy"
