"""A programme's climate actions: written by its staff or copied from the shared library
(``tenants.library``), editable locally either way, and offered to the programme's partners
as the basis of their goals while active.

Provenance of a copy is kept by value, never by a key across schemas: the library action's
``uuid`` and the ``version`` copied, the contributor's name and when it was copied. An action
this programme published to the library keeps that library action's uuid in
``published_uuid``. The choices are the library's (``tenants.library.models``) and the
programme's themes (``configuration.Theme``, the same values), so a copy and a publication
never need translating between the two.
"""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from programmes.configuration.models import Theme
from programmes.core.i18n import TranslatedField, translated
from programmes.partners.models import Sector
from tenants.library.models import CostLevel, EffectLevel, OrganisationSize


class ProgrammeAction(models.Model):
    title = TranslatedField(_("title"), blank=False)
    description = TranslatedField(_("description"), blank=False)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices)
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
        models.CharField(max_length=20, choices=Sector.choices),
        verbose_name=_("suits these sectors"),
        default=list,
        blank=True,
    )
    sizes = ArrayField(
        models.CharField(max_length=10, choices=OrganisationSize.choices),
        verbose_name=_("suits these sizes"),
        default=list,
        blank=True,
    )
    sources = models.TextField(_("sources"), blank=True)
    # Archived actions stay on the goals based on them but are not offered any more.
    active = models.BooleanField(_("offered to partners"), default=True, db_index=True)

    # Copied from the shared library: which action, which version, whose, when.
    library_uuid = models.UUIDField(null=True, blank=True, editable=False)
    library_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    copied_from = models.CharField(_("copied from"), max_length=200, blank=True, editable=False)
    copied_at = models.DateTimeField(_("copied"), null=True, blank=True, editable=False)
    # Published by this programme: the library action made from it.
    published_uuid = models.UUIDField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["theme", "id"]
        constraints = [
            # A library action is copied into a programme once.
            models.UniqueConstraint(
                fields=["library_uuid"],
                condition=Q(library_uuid__isnull=False),
                name="actions_one_copy_per_library_action",
            ),
            models.UniqueConstraint(
                fields=["published_uuid"],
                condition=Q(published_uuid__isnull=False),
                name="actions_one_action_per_publication",
            ),
            models.CheckConstraint(
                condition=Q(library_uuid__isnull=True)
                | Q(library_version__isnull=False, copied_at__isnull=False),
                name="actions_copy_has_provenance",
            ),
        ]

    def __str__(self) -> str:
        return translated(self.title)[:80]

    @property
    def is_copy(self) -> bool:
        return self.library_uuid is not None

    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [str(labels.get(code, code)) for code in self.sectors]

    def size_labels(self) -> list[str]:
        labels = dict(OrganisationSize.choices)
        return [str(labels.get(code, code)) for code in self.sizes]
