"""The code behind a partner symbol's verification link and QR code."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.partners.models import Partner


class SymbolVerification(models.Model):
    """One per partner, made the first time the partner's people open their symbol. The
    code is the partner's consent to be verified by whoever holds it (the verification page
    shows the name, the programme, the status and its dates, nothing else); staff replace
    it when it leaked, and the old code then finds nothing."""

    partner = models.OneToOneField(
        Partner, on_delete=models.CASCADE, related_name="symbol_verification"
    )
    code = models.CharField(_("verification code"), max_length=40, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    regenerated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"verification of {self.partner_id}"
