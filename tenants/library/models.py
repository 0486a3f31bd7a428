"""The shared action library, in the public schema: climate actions that municipalities
contribute from their programmes and copy into theirs ("copy-paste" between members).

Nothing here points into a tenant's schema: the contributor is a tenant and a name typed at
publication (users live in tenant schemas), and a programme's copy refers to an action by
its ``uuid`` and ``version``, never by a foreign key across schemas.
"""

import uuid

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import Theme
from programmes.core.i18n import TranslatedField

# The same themes as a programme's goals, so a copied action keeps its theme.
ActionTheme = Theme


class EffectLevel(models.TextChoices):
    LOW = "low", _("Small effect")
    MEDIUM = "medium", _("Medium effect")
    HIGH = "high", _("Large effect")


class CostLevel(models.TextChoices):
    NONE = "none", _("No cost")
    LOW = "low", _("Low cost")
    MEDIUM = "medium", _("Medium cost")
    HIGH = "high", _("High cost")


class OrganisationSize(models.TextChoices):
    SMALL = "small", _("Small (under 50 people)")
    MEDIUM = "medium", _("Medium (50–249 people)")
    LARGE = "large", _("Large (250 people or more)")


class ModerationStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by the operators")
    WITHDRAWN = "withdrawn", _("Withdrawn by its contributor")


class LibraryAction(models.Model):
    """One climate action in the shared library. Published at once (post-moderation);
    operators hide what breaks the rules, contributors withdraw their own. Each update by
    the contributor raises ``version`` so programmes that copied it can pull it again."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = TranslatedField(_("title"), blank=False)
    description = TranslatedField(_("description"), blank=False)
    theme = models.CharField(_("theme"), max_length=20, choices=ActionTheme.choices)
    # Expected effect: tonnes CO2e a year where it can be estimated, else a level.
    effect_tonnes_per_year = models.DecimalField(
        _("expected effect (tonnes CO2e a year)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
    )
    effect_level = models.CharField(
        _("expected effect"), max_length=10, choices=EffectLevel.choices, blank=True
    )
    cost_level = models.CharField(_("cost"), max_length=10, choices=CostLevel.choices)
    sectors = ArrayField(
        models.CharField(max_length=20),
        verbose_name=_("suits these sectors"),
        default=list,
        blank=True,
        help_text=_("Empty: suits every sector."),
    )
    sizes = ArrayField(
        models.CharField(max_length=10, choices=OrganisationSize.choices),
        verbose_name=_("suits these sizes"),
        default=list,
        blank=True,
        help_text=_("Empty: suits every size."),
    )
    sources = models.TextField(_("sources"), blank=True)
    # The languages the contributor wrote it in, its first language first (the fallback).
    languages = ArrayField(models.CharField(max_length=5), default=list)

    contributor = models.ForeignKey(
        "tenants.Tenant",
        verbose_name=_("contributed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="library_actions",
    )
    # Kept when the contributing tenant is offboarded: the action stays attributed.
    contributor_name = models.CharField(_("contributed by"), max_length=200)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ModerationStatus.choices,
        default=ModerationStatus.PUBLISHED,
        db_index=True,
    )
    moderation_reason = models.TextField(_("reason"), blank=True)
    copies = models.PositiveIntegerField(_("copied"), default=0)
    published_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        indexes = [models.Index(fields=["status", "theme"])]

    def __str__(self) -> str:
        first = self.languages[0] if self.languages else next(iter(self.title), "")
        return str(self.title.get(first, ""))[:80]
