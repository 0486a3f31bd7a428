"""The widget's settings: one row per tenant schema (rules in README.md)."""

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

WINNERS_MAX = 10


class WidgetSettings(models.Model):
    """Which websites may embed the widget (CORS for its data, frame-ancestors for its
    frame) and what it shows unless the embedding page asks otherwise. One per tenant schema
    (the singleton key); written only by ``services.widget_settings_save``."""

    singleton = models.BooleanField(default=True, unique=True, editable=False)
    # Normalised origins ("https://www.hjoring.dk"): lower case, no default port, no path.
    allowed_origins = ArrayField(
        models.CharField(max_length=200),
        verbose_name=_("websites that may show the widget"),
        default=list,
        blank=True,
    )
    show_partners = models.BooleanField(_("show the list of partners"), default=True)
    show_count = models.BooleanField(_("show the number of partners"), default=True)
    show_winners = models.BooleanField(_("show the latest award winners"), default=True)
    winners_count = models.PositiveSmallIntegerField(
        _("number of award winners shown"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(WINNERS_MAX)],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("widget settings")
        verbose_name_plural = _("widget settings")

    def __str__(self) -> str:
        return "widget settings"

    @property
    def shown(self) -> list[str]:
        """What the widget shows by default, as the embed code names it."""
        return [
            name
            for name, on in (
                ("count", self.show_count),
                ("partners", self.show_partners),
                ("winners", self.show_winners),
            )
            if on
        ]
