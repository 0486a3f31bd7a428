"""Changes to the public schema: onboarding a tenant.

One service behind the ``onboard_tenant`` command, the operator console and the operator API.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from programmes.configuration.preset_services import preset_apply
from programmes.configuration.presets import preset_names
from programmes.core.audit import audit_record
from programmes.people.models import Role
from programmes.people.services import invitation_create
from tenants.models import (
    RESERVED_SLUGS,
    Country,
    Currency,
    Domain,
    Kind,
    Language,
    Tenant,
    slug_validator,
)
from tenants.selectors import forget_host, forget_tenant_hosts, primary_host

logger = logging.getLogger(__name__)

COUNTRY_DEFAULTS = {
    Country.DENMARK: ("DKK", "Europe/Copenhagen"),
    Country.SWEDEN: ("SEK", "Europe/Stockholm"),
    Country.FINLAND: ("EUR", "Europe/Helsinki"),
    Country.NORWAY: ("NOK", "Europe/Oslo"),
}
DEFAULT_PRESET = "neutral"


@dataclass(frozen=True)
class OnboardingRequest:
    slug: str
    name: str
    country: str
    language: str
    admin_email: str
    kind: str = Kind.MUNICIPALITY
    other_languages: Sequence[str] = field(default_factory=tuple)
    preset: str = DEFAULT_PRESET
    currency: str = ""
    locale: str = ""
    time_zone: str = ""


def _validated(request: OnboardingRequest) -> dict[str, Any]:
    """Every field checked before anything is created; all errors reported at once."""
    errors: dict[str, list[str]] = {}

    def refuse(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    slug = request.slug.strip()
    try:
        slug_validator(slug)
    except ValidationError as error:
        refuse("slug", " ".join(str(message) for message in error.messages))
    else:
        if slug in RESERVED_SLUGS or slug.startswith("pg"):
            refuse("slug", _("The slug “%(slug)s” is reserved.") % {"slug": slug})
        elif (
            Tenant.objects.filter(schema_name=slug).exists()
            or Domain.objects.filter(domain=f"{slug}.{settings.PLATFORM_DOMAIN}").exists()
        ):
            refuse("slug", _("A tenant with the slug “%(slug)s” already exists.") % {"slug": slug})
    name = request.name.strip()
    if not name:
        refuse("name", _("Give the tenant a name."))
    if request.kind not in Kind.values:
        refuse("kind", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Kind.values)})
    if request.country not in Country.values:
        refuse("country", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Country.values)})
    if request.language not in Language.values:
        refuse(
            "language", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Language.values)}
        )
    other_languages = [code for code in dict.fromkeys(request.other_languages) if code]
    unknown = [code for code in other_languages if code not in Language.values]
    if unknown:
        refuse(
            "other_languages",
            _("Unknown languages: %(codes)s. Choose from: %(choices)s.")
            % {"codes": ", ".join(unknown), "choices": ", ".join(Language.values)},
        )
    other_languages = [code for code in other_languages if code != request.language]
    if request.preset not in preset_names():
        refuse(
            "preset",
            _("Unknown preset “%(preset)s”. Choose one of: %(choices)s.")
            % {"preset": request.preset, "choices": ", ".join(preset_names())},
        )
    try:
        validate_email(request.admin_email.strip())
    except ValidationError:
        refuse("admin_email", _("Enter a valid e-mail address for the first admin."))

    currency, time_zone = COUNTRY_DEFAULTS.get(request.country, ("", ""))
    currency = request.currency or currency
    if currency and currency not in Currency.values:
        refuse(
            "currency", _("Choose one of: %(choices)s.") % {"choices": ", ".join(Currency.values)}
        )
    time_zone = request.time_zone or time_zone
    locale = request.locale or f"{request.language}_{request.country}"
    if request.locale or not errors.keys() & {"language", "country"}:
        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            refuse("locale", _("“%(locale)s” is not a known locale.") % {"locale": locale})
    if errors:
        raise ValidationError(errors)
    return {
        "schema_name": slug,
        "name": name,
        "kind": request.kind,
        "country": request.country,
        "primary_language": request.language,
        "other_languages": other_languages,
        "currency": currency,
        "locale": locale,
        "time_zone": time_zone,
    }


def tenant_onboard(*, actor: Any, request: OnboardingRequest) -> Tenant:
    """Create a tenant: its schema, its domain, its programme from the preset, and an
    invitation for its first admin (e-mailed by the worker). Refuses bad input with a
    ValidationError before touching anything; if a later step fails, everything made so
    far (schema included) is removed before the error is raised."""
    fields = _validated(request)
    tenant = Tenant(**fields)
    # Creates and migrates the schema; django-tenants drops the schema again if that fails.
    tenant.save(verbosity=0)
    host = primary_host(tenant)
    try:
        with transaction.atomic():
            Domain.objects.create(domain=host, tenant=tenant, is_primary=True)
            with tenant_context(tenant):
                preset_apply(actor=None, preset=request.preset)
                invitation_create(
                    actor=None,
                    email=request.admin_email,
                    role=Role.MUNICIPAL_ADMIN,
                    language=request.language,
                )
            tenant.ready = True
            tenant.save(update_fields=["ready"])
            audit_record(
                actor=actor,
                action="tenant.onboarded",
                target=tenant,
                data={**fields, "preset": request.preset, "admin_email": request.admin_email},
            )
    except BaseException:
        logger.exception("Onboarding %s failed; removing what was made", tenant.schema_name)
        connection.set_schema_to_public()
        if connection.in_atomic_block:
            # Called inside an outer transaction: deferred foreign-key checks on rows made in
            # the schema would block DROP SCHEMA, so run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tenant.delete(force_drop=True)
        forget_host(host)
        raise
    forget_tenant_hosts(tenant)
    return tenant
