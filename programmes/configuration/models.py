"""The programme a tenant runs. Issue "Programme configuration" grows this into the full
partnership model; the profile is what every page shows."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.core.i18n import TranslatedField


class Programme(models.Model):
    """One per tenant schema (enforced by the singleton key)."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    name = TranslatedField(_("name"))
    description = TranslatedField(_("description"))
    # The preset it was created from, for support and upgrades.
    preset = models.CharField(max_length=40, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(singleton=True), name="programme_singleton_true"
            )
        ]

    def __str__(self) -> str:
        return str(self.name)
