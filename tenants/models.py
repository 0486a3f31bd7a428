"""Public schema: the tenants and the host names that route to them."""

import hashlib

from django.contrib.postgres.fields import ArrayField
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

# A slug is also the PostgreSQL schema name and the first label of the tenant's host name,
# so it must be valid as both: lower-case letters and digits, starting with a letter.
SLUG_PATTERN = r"^[a-z][a-z0-9]{1,39}$"
RESERVED_SLUGS = frozenset(
    {
        "public",
        "www",
        "api",
        "admin",
        "static",
        "media",
        "mail",
        "smtp",
        "platform",
        "operator",
        "operators",
        "status",
        "help",
        "support",
        "test",
        "template",
    }
)
slug_validator = RegexValidator(
    SLUG_PATTERN,
    _("Use 2 to 40 lower-case letters (a–z) and digits, starting with a letter."),
)
COLOUR_PATTERN = r"^#[0-9a-fA-F]{6}$"
colour_validator = RegexValidator(
    COLOUR_PATTERN, _("Give the colour as # and six hexadecimal digits, e.g. #0B5D3B.")
)


class Kind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    COUNTY = "county", _("County")
    REGION = "region", _("Region")
    NETWORK = "network", _("Network")


class Country(models.TextChoices):
    DENMARK = "DK", _("Denmark")
    SWEDEN = "SE", _("Sweden")
    FINLAND = "FI", _("Finland")
    NORWAY = "NO", _("Norway")


class Language(models.TextChoices):
    DANISH = "da", "Dansk"
    SWEDISH = "sv", "Svenska"
    FINNISH = "fi", "Suomi"
    NORWEGIAN_BOKMAL = "nb", "Norsk bokmål"
    ENGLISH = "en", "English"


class Currency(models.TextChoices):
    DKK = "DKK", "DKK"
    SEK = "SEK", "SEK"
    EUR = "EUR", "EUR"
    NOK = "NOK", "NOK"


class Status(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    OFFBOARDED = "offboarded", _("Offboarded")


class Tenant(TenantMixin):
    """One municipality, county, region or network, with its own PostgreSQL schema.

    ``schema_name`` is the tenant's slug (see SLUG_PATTERN).
    """

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    primary_language = models.CharField(
        _("primary language"), max_length=5, choices=Language.choices
    )
    other_languages = ArrayField(
        models.CharField(max_length=5, choices=Language.choices),
        verbose_name=_("other languages"),
        default=list,
        blank=True,
    )
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    # A Babel locale identifier used for numbers, dates and money, e.g. sv_FI.
    locale = models.CharField(_("formatting locale"), max_length=10)
    time_zone = models.CharField(_("time zone"), max_length=60)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    # False until onboarding has finished every step; routing refuses a tenant not ready.
    ready = models.BooleanField(_("ready"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Branding, set by operators (tenants.services.tenant_branding_update). The logo is stored
    # in the tenant's own media folder (saved inside its schema's context), so the tenant's
    # export and deletion take it with them; it is served by tenants.branding on its hosts.
    brand_logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    # Empty: the platform's colours. Must carry white text at WCAG AA contrast (4.5:1).
    brand_colour = models.CharField(
        _("brand colour"), max_length=7, blank=True, validators=[colour_validator]
    )
    # The From name of the tenant's e-mails (empty: its name). The From address stays the
    # platform's (SPF/DKIM); replies go to ``reply_to`` when set.
    sender_name = models.CharField(_("e-mail sender name"), max_length=100, blank=True)
    reply_to = models.EmailField(_("reply-to address"), blank=True)

    auto_create_schema = True
    auto_drop_schema = True

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def slug(self) -> str:
        return self.schema_name

    @property
    def languages(self) -> list[str]:
        """The enabled languages, primary first."""
        return [
            self.primary_language,
            *(code for code in self.other_languages if code != self.primary_language),
        ]

    @property
    def is_serving(self) -> bool:
        return self.ready and self.status == Status.ACTIVE

    @property
    def email_sender_name(self) -> str:
        return self.sender_name or self.name

    @property
    def branding_version(self) -> str:
        """Changes whenever the branding does: the query string of /branding.css, so
        browsers may keep it for long and still get a new one at once."""
        seed = f"{self.brand_colour}|{self.brand_logo.name if self.brand_logo else ''}"
        return hashlib.sha256(seed.encode()).hexdigest()[:12]


class Domain(DomainMixin):
    """A host name routed to a tenant: ``<slug>.<PLATFORM_DOMAIN>`` or a custom domain."""

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class TenantDeletion(models.Model):
    """What is left of an offboarded tenant: which one, when, by whom, why, and which export
    was taken first. The Tenant row, its schema, files and cache entries are gone; this record
    replaces them. No personal data of the tenant's people (only the operator who deleted it).
    """

    slug = models.CharField(_("slug"), max_length=63, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    # The primary key the tenant had: public audit entries refer to it as their target id.
    tenant_id = models.BigIntegerField(_("tenant id"))
    tenant_created_at = models.DateTimeField(_("tenant created at"))
    deleted_at = models.DateTimeField(_("deleted at"), auto_now_add=True)
    deleted_by = models.CharField(_("deleted by"), max_length=254)
    reason = models.TextField(_("reason"))
    # The export taken before deletion: when, its manifest's sha256, the dump's sha256, row
    # and file totals (see tenants.offboarding.tenant_export).
    exported_at = models.DateTimeField(_("exported at"))
    export_manifest_sha256 = models.CharField(_("export manifest sha256"), max_length=64)
    export_summary = models.JSONField(_("export summary"), default=dict)

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self) -> str:
        return f"{self.slug} ({self.deleted_at:%Y-%m-%d})"
