"""Public schema: the tenants, the host names that route to them, their onboarding and the
schema blueprint new tenants are made from."""

import hashlib

from django.conf import settings
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
        # The console's tenant list reads 25 rows by name out of 1,100: an index scan
        # instead of joining and sorting them all (1.4 → 0.1 ms).
        indexes = [models.Index(fields=["name"], name="tenants_tenant_name")]

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

    def create_schema(
        self, check_if_exists: bool = False, sync_schema: bool = True, verbosity: int = 1
    ) -> bool:
        """Make the schema from the blueprint of the current migrations (tenants.provisioning)
        instead of running every migration; how it was made is kept in ``schema_method``."""
        from tenants import provisioning  # provisioning uses these models

        if not sync_schema:
            return bool(super().create_schema(check_if_exists, sync_schema, verbosity))
        if check_if_exists and provisioning.schema_exists(self.schema_name):
            return False
        self.schema_method = provisioning.schema_create(self.schema_name)
        return True

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


class OnboardingStep(models.TextChoices):
    QUEUED = "queued", _("Waiting for the worker")
    SCHEMA = "schema", _("Creating the database schema")
    PROGRAMME = "programme", _("Setting up the programme and inviting the first admin")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class Onboarding(models.Model):
    """An operator's request for a new tenant and how far provisioning has come: the console
    shows it while the worker makes the schema, the programme and the first admin's invitation
    (tenants.services.tenant_provision)."""

    tenant = models.OneToOneField(Tenant, on_delete=models.CASCADE, related_name="onboarding")
    preset = models.CharField(_("preset"), max_length=40)
    # Kept only until the invitation is made (then in the tenant's own schema).
    admin_email = models.EmailField(_("first admin's e-mail address"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    step = models.CharField(
        _("step"), max_length=20, choices=OnboardingStep.choices, default=OnboardingStep.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # How the schema was made ("blueprint" or "migrations") and how long that took.
    schema_method = models.CharField(_("schema made by"), max_length=20, blank=True)
    schema_seconds = models.FloatField(_("seconds to make the schema"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)

    # The steps shown as progress, in order (FAILED replaces the step that failed).
    PROGRESS = (OnboardingStep.QUEUED, OnboardingStep.SCHEMA, OnboardingStep.PROGRAMME)

    def __str__(self) -> str:
        return f"{self.tenant_id}: {self.step}"

    @property
    def in_progress(self) -> bool:
        return self.step not in (OnboardingStep.READY, OnboardingStep.FAILED)

    @property
    def progress_steps(self) -> list[tuple[str, str]]:
        return [(step.value, step.label) for step in self.PROGRESS]

    @property
    def done_steps(self) -> list[str]:
        """The steps before the current one."""
        steps = [step.value for step in self.PROGRESS]
        return steps[: steps.index(self.step)] if self.step in steps else []


class SchemaBlueprint(models.Model):
    """The structure and first rows of a freshly migrated tenant schema, as SQL with the
    schema's name to be filled in; made and replayed by tenants.provisioning. One per set of
    migrations (``digest``), so code only ever replays a blueprint of its own migrations."""

    digest = models.CharField(max_length=64, unique=True)
    sql = models.TextField()
    # The structure alone (no rows): what a tenant export made from the blueprint restores
    # before loading the tenant's own rows (tenants.offboarding).
    ddl = models.TextField(blank=True)
    # ``provisioning.schema_structure`` of the scratch schema without its contents: a tenant
    # schema that equals it can be exported with ``ddl`` instead of its own pg_dump.
    structure = models.JSONField(default=dict, blank=True)
    # The scratch schema's name, written in ``sql`` and ``ddl`` where the schema's name goes.
    source_schema = models.CharField(max_length=63)
    migration_count = models.PositiveIntegerField()
    built_at = models.DateTimeField(auto_now_add=True)
    build_seconds = models.FloatField()
    pg_dump_version = models.CharField(max_length=100)

    class Meta:
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"{self.digest[:12]} ({self.migration_count} migrations)"
