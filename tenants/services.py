"""Changes to the public schema: onboarding, suspending and reactivating a tenant, and its
languages, web addresses and branding.

One service behind the ``onboard_tenant`` command, the operator console and the operator API.
"""

import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from babel import Locale, UnknownLocaleError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, tenant_context

from programmes.configuration.preset_services import preset_apply
from programmes.configuration.presets import preset_names
from programmes.core.audit import audit_record
from programmes.core.i18n import format_number, language_name
from programmes.core.tasks import enqueue_after_commit
from programmes.core.uploads import CheckedFile, check_image, safe_name
from programmes.people.models import Role
from programmes.people.services import invitation_create
from tenants.audit import audit_both_trails
from tenants.models import (
    RESERVED_SLUGS,
    Country,
    Currency,
    Domain,
    Kind,
    Language,
    Onboarding,
    OnboardingStep,
    Status,
    Tenant,
    colour_validator,
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


def tenant_onboarding_request(*, actor: Any, request: OnboardingRequest) -> Tenant:
    """Record a new tenant — its row, its web address and the request — without its schema,
    and return at once. Refuses bad input with a ValidationError before touching anything.
    The tenant is not ready (its host shows a notice) until ``tenant_provision`` has run,
    which the console and the API leave to the worker."""
    fields = _validated(request)
    tenant = Tenant(**fields)
    tenant.auto_create_schema = False  # made by tenant_provision
    host = primary_host(tenant)
    try:
        with transaction.atomic():
            tenant.save()
            Domain.objects.create(domain=host, tenant=tenant, is_primary=True)
            Onboarding.objects.create(
                tenant=tenant,
                preset=request.preset,
                admin_email=request.admin_email.strip(),
                requested_by=actor if getattr(actor, "is_operator", False) else None,
            )
            audit_record(
                actor=actor,
                action="tenant.onboarding_requested",
                target=tenant,
                data={**fields, "preset": request.preset, "admin_email": request.admin_email},
            )
    except IntegrityError:  # the same slug requested twice at once
        raise ValidationError(
            {
                "slug": [
                    _("A tenant with the slug “%(slug)s” already exists.") % {"slug": tenant.slug}
                ]
            }
        ) from None
    forget_host(host)  # an earlier "unknown host" answer may be cached
    return tenant


def tenant_onboard_in_background(*, actor: Any, request: OnboardingRequest) -> Tenant:
    """What the console and the API do: record the tenant (``tenant_onboarding_request``) and
    queue its provisioning for the worker once that is committed; returns at once."""
    from tenants.tasks import provision_tenant  # the task calls this module

    with transaction.atomic():
        tenant = tenant_onboarding_request(actor=actor, request=request)
        enqueue_after_commit(provision_tenant, tenant.pk)
    return tenant


def _onboarding_step(onboarding: Onboarding, step: str, **changes: Any) -> None:
    """Record progress where the console can see it at once (outside the work's transaction)."""
    onboarding.step = step
    for name, value in changes.items():
        setattr(onboarding, name, value)
    onboarding.save(update_fields=["step", *changes])


def tenant_provision(tenant: Tenant) -> Tenant:
    """Make a requested tenant ready: its schema (from the blueprint of the current migrations,
    see tenants.provisioning), its programme from the preset and its first admin's invitation
    (e-mailed by the worker). Each step is recorded on its Onboarding, so the console shows how
    far it has come. A tenant that is ready is left as it is. When a step fails, the schema is
    dropped again, the Onboarding says FAILED with the error, and the error is raised; running
    it again (``tenant_onboarding_retry``) starts afresh."""
    onboarding = Onboarding.objects.select_related("tenant").get(tenant=tenant)
    tenant = onboarding.tenant
    if onboarding.step == OnboardingStep.READY:
        return tenant
    connection.set_schema_to_public()
    _onboarding_step(
        onboarding,
        OnboardingStep.SCHEMA,
        started_at=timezone.now(),
        finished_at=None,
        attempts=onboarding.attempts + 1,
        error="",
    )
    try:
        # An attempt that died half-way (a killed worker) may have left a schema behind.
        tenant._drop_schema(force_drop=True)
        started = time.perf_counter()
        tenant.create_schema(verbosity=0)
        _onboarding_step(
            onboarding,
            OnboardingStep.PROGRAMME,
            schema_method=tenant.schema_method,
            schema_seconds=round(time.perf_counter() - started, 3),
        )
        with transaction.atomic():
            with tenant_context(tenant):
                preset_apply(actor=None, preset=onboarding.preset)
                invitation_create(
                    actor=None,
                    email=onboarding.admin_email,
                    role=Role.MUNICIPAL_ADMIN,
                    language=tenant.primary_language,
                )
            tenant.ready = True
            tenant.save(update_fields=["ready"])
            # The invitation now lives in the tenant's schema; the platform forgets the address.
            _onboarding_step(
                onboarding, OnboardingStep.READY, finished_at=timezone.now(), admin_email=""
            )
            audit_record(
                actor=None,
                action="tenant.onboarded",
                target=tenant,
                data={
                    "schema_method": onboarding.schema_method,
                    "schema_seconds": onboarding.schema_seconds,
                    "attempt": onboarding.attempts,
                },
            )
    except BaseException as error:
        logger.exception("Provisioning %s failed; dropping its schema", tenant.schema_name)
        connection.set_schema_to_public()
        if connection.in_atomic_block:
            # Called inside an outer transaction: deferred foreign-key checks on rows made in
            # the schema would block DROP SCHEMA, so run them now.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        tenant._drop_schema(force_drop=True)
        _onboarding_step(
            onboarding,
            OnboardingStep.FAILED,
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
        audit_record(
            actor=None,
            action="tenant.onboarding_failed",
            target=tenant,
            data={"error": onboarding.error, "attempt": onboarding.attempts},
        )
        raise
    forget_tenant_hosts(tenant)
    return tenant


def tenant_onboard(*, actor: Any, request: OnboardingRequest) -> Tenant:
    """Onboard a tenant and wait until it is ready (the ``onboard_tenant`` command, the demo
    and tests). If a step fails, everything made (schema, rows) is removed and the error
    raised: nothing half-made stays behind."""
    tenant = tenant_onboarding_request(actor=actor, request=request)
    try:
        return tenant_provision(tenant)
    except BaseException:
        connection.set_schema_to_public()
        tenant.delete(force_drop=True)
        forget_host(primary_host(tenant))
        raise


def tenant_onboarding_retry(*, actor: Any, tenant: Tenant) -> Tenant:
    """Queue a failed onboarding again (after its cause is fixed): the worker starts afresh."""
    from tenants.tasks import provision_tenant  # the task calls this module

    with transaction.atomic():
        onboarding = Onboarding.objects.select_for_update().get(tenant=tenant)
        if onboarding.step != OnboardingStep.FAILED:
            raise ValidationError(
                {"step": [_("Only an onboarding that failed can be tried again.")]}
            )
        _onboarding_step(onboarding, OnboardingStep.QUEUED, error="")
        audit_record(actor=actor, action="tenant.onboarding_retried", target=tenant)
        enqueue_after_commit(provision_tenant, tenant.pk)
    return tenant


def tenant_onboarding_discard(*, actor: Any, tenant: Tenant, reason: str) -> None:
    """Remove a tenant whose onboarding failed (a wrong slug, say): it never held any data,
    so there is nothing to export. The slug becomes free again."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why.")]})
    with transaction.atomic():
        onboarding = Onboarding.objects.select_for_update().get(tenant=tenant)
        if onboarding.step != OnboardingStep.FAILED:
            raise ValidationError({"step": [_("Only an onboarding that failed can be discarded.")]})
        audit_record(
            actor=actor,
            action="tenant.onboarding_discarded",
            target=tenant,
            reason=reason,
            data={"slug": tenant.slug, "name": tenant.name},
        )
        hosts = list(tenant.domains.values_list("domain", flat=True))
        tenant.delete(force_drop=True)
    for host in hosts:
        forget_host(host)


# A suspended tenant keeps everything; its hosts answer with a notice (the routing
# middleware serves only `is_serving` tenants) and the worker's fan-out skips it.
_STATUS_CHANGES = {
    # action: (allowed from, to, audit action)
    "suspend": (Status.ACTIVE, Status.SUSPENDED, "tenant.suspended"),
    "reactivate": (Status.SUSPENDED, Status.ACTIVE, "tenant.reactivated"),
}


def _tenant_status_change(*, actor: Any, tenant: Tenant, reason: str, change: str) -> Tenant:
    allowed_from, to, action = _STATUS_CHANGES[change]
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why.")]})
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.status != allowed_from:
            raise ValidationError(
                {
                    "status": [
                        _("The tenant is %(status)s.") % {"status": tenant.get_status_display()}
                    ]
                }
            )
        tenant.status = to
        tenant.save(update_fields=["status"])
        # The tenant's own trail says it too: its admins see who stopped the site and why.
        audit_both_trails(tenant=tenant, action=action, actor=actor, reason=reason)
    forget_tenant_hosts(tenant)
    return tenant


def tenant_suspend(*, actor: Any, tenant: Tenant, reason: str) -> Tenant:
    """Stop serving a tenant: its hosts show a notice, its scheduled work stops; nothing is
    deleted. Audited in the public schema and in the tenant's own."""
    return _tenant_status_change(actor=actor, tenant=tenant, reason=reason, change="suspend")


def tenant_reactivate(*, actor: Any, tenant: Tenant, reason: str) -> Tenant:
    """Serve a suspended tenant again, as it was."""
    return _tenant_status_change(actor=actor, tenant=tenant, reason=reason, change="reactivate")


# --- Languages, web addresses and branding (the operator's tenant settings) -------------

# WCAG 2.1 AA for normal text: the brand colour carries white text (header, buttons) and is
# the colour of links on white, so both need this contrast.
MIN_CONTRAST = 4.5
# One label of a host name (RFC 1123): letters, digits and hyphens, not at either end.
HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")


def _forget_routing(tenant: Tenant, removed_or_added: str = "") -> None:
    """Drop the cached host lookups (kept under the public schema's cache prefix, whatever
    schema the caller is in), so routing follows the change at once."""
    with schema_context("public"):
        forget_tenant_hosts(tenant)
        if removed_or_added:
            forget_host(removed_or_added)


def tenant_languages_update(
    *, actor: Any, tenant: Tenant, primary: str, others: Sequence[str]
) -> Tenant:
    """Set the tenant's primary language and the others it offers. The primary language must
    be one the platform offers. The current primary language cannot be dropped in the same
    change that replaces it: content typed only in it would lose its fallback unseen, so it
    is kept as another language first and removed in a later, deliberate step."""
    offered = [code for code, _name in settings.LANGUAGES]
    errors: dict[str, list[str]] = {}
    if primary not in offered:
        errors["primary_language"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(offered)}
        ]
    others = [code for code in dict.fromkeys(others) if code]
    unknown = [code for code in others if code not in offered]
    if unknown:
        errors["other_languages"] = [
            _("Unknown languages: %(codes)s. Choose from: %(choices)s.")
            % {"codes": ", ".join(unknown), "choices": ", ".join(offered)}
        ]
    if errors:
        raise ValidationError(errors)
    others = [code for code in others if code != primary]
    with transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        current = tenant.primary_language
        if current != primary and current not in others:
            raise ValidationError(
                {
                    "other_languages": [
                        _(
                            "%(language)s is the primary language now and cannot be removed "
                            "in the same step: keep it among the other languages, save, and "
                            "remove it afterwards."
                        )
                        % {"language": language_name(current)}
                    ]
                }
            )
        before = tenant.languages
        if primary != current:
            # Numbers and dates of the primary language follow it, as at onboarding.
            tenant.locale = _locale_for(primary, tenant.country, fallback=tenant.locale)
        tenant.primary_language = primary
        tenant.other_languages = others
        tenant.save(update_fields=["primary_language", "other_languages", "locale"])
        audit_both_trails(
            actor=actor,
            tenant=tenant,
            action="tenant.languages_updated",
            data={"before": before, "after": tenant.languages, "locale": tenant.locale},
        )
    _forget_routing(tenant)
    return tenant


def _locale_for(language: str, country: str, *, fallback: str) -> str:
    candidate = f"{language}_{country}"
    try:
        Locale.parse(candidate)
    except (UnknownLocaleError, ValueError):
        return fallback
    return candidate


def _host_refused(message: str) -> ValidationError:
    return ValidationError({"domain": [message]})


def normalised_host(domain: str) -> str:
    """A host name as routing compares it: trimmed, lower-case, without a final dot,
    international names in their ASCII (punycode) form."""
    host = domain.strip().lower().rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host


def tenant_domain_add(*, actor: Any, tenant: Tenant, domain: str) -> Domain:
    """Route another host name to the tenant, e.g. klima.aarhus.dk. Refused: anything but a
    plain host name, the platform's host, other names under the platform's domain (those
    are the platform's to give: only ``<slug>.<PLATFORM_DOMAIN>``), and a name already in use.
    Routing follows at once (the cached "unknown host" answer is forgotten); the host must
    also be in ALLOWED_HOSTS, point at the platform (DNS) and have a certificate."""
    host = normalised_host(domain)
    platform = settings.PLATFORM_DOMAIN
    if host == platform:
        raise _host_refused(_("That is the platform's own address."))
    labels = host.split(".")
    if (
        len(host) > 253
        or len(labels) < 2
        or not all(HOST_LABEL.fullmatch(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise _host_refused(
            _("Enter a host name such as klima.example.dk, without https://, path or port.")
        )
    own = primary_host(tenant)
    if host.endswith(f".{platform}") and host != own:
        raise _host_refused(
            _("Addresses under %(platform)s are given by the platform: only %(own)s.")
            % {"platform": platform, "own": own}
        )
    in_use = _("The address %(host)s is already in use.") % {"host": host}
    if Domain.objects.filter(domain=host).exists():
        raise _host_refused(in_use)
    try:
        with transaction.atomic():
            created = Domain.objects.create(domain=host, tenant=tenant, is_primary=False)
            audit_both_trails(
                actor=actor, tenant=tenant, action="tenant.domain_added", data={"domain": host}
            )
    except IntegrityError:
        raise _host_refused(in_use) from None  # added by someone else meanwhile
    _forget_routing(tenant, host)
    return created


def tenant_domain_remove(*, actor: Any, tenant: Tenant, domain: str) -> None:
    """Stop routing a host name to the tenant. Its own ``<slug>.<PLATFORM_DOMAIN>`` stays:
    links in e-mails, the widget and the SSO callback are built on it."""
    host = normalised_host(domain)
    if host == primary_host(tenant):
        raise _host_refused(
            _("%(host)s is the tenant's own address on the platform and cannot be removed.")
            % {"host": host}
        )
    with transaction.atomic():
        deleted, _rows = Domain.objects.filter(tenant=tenant, domain=host).delete()
        if not deleted:
            raise _host_refused(_("%(host)s is not an address of this tenant.") % {"host": host})
        audit_both_trails(
            actor=actor, tenant=tenant, action="tenant.domain_removed", data={"domain": host}
        )
    _forget_routing(tenant, host)


def _relative_luminance(colour: str) -> float:
    def channel(hex_pair: str) -> float:
        value = int(hex_pair, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[index : index + 2]) for index in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_with_white(colour: str) -> float:
    """The WCAG 2.1 contrast ratio of white on ``colour`` (#RRGGBB), from 1 to 21."""
    return 1.05 / (_relative_luminance(colour) + 0.05)


def _validated_branding(
    *, brand_colour: str, sender_name: str, reply_to: str, logo: IO[bytes] | None
) -> tuple[dict[str, str], CheckedFile | None]:
    errors: dict[str, list[str]] = {}
    colour = brand_colour.strip().upper()
    if colour:
        try:
            colour_validator(colour)
        except ValidationError as error:
            errors["brand_colour"] = [str(message) for message in error.messages]
        else:
            ratio = contrast_with_white(colour)
            if ratio < MIN_CONTRAST:
                # Rounded down: a colour refused at 4.496 must not read "4.50:1".
                shown = format_number(math.floor(ratio * 100) / 100, decimals=2)
                errors["brand_colour"] = [
                    _(
                        "White text on %(colour)s has a contrast ratio of %(ratio)s:1; at least "
                        "4.5:1 is needed (WCAG AA). Choose a darker colour."
                    )
                    % {"colour": colour, "ratio": shown}
                ]
    name = sender_name.strip()
    if any(ord(character) < 32 or ord(character) == 127 for character in name):
        errors["sender_name"] = [_("The sender name must be a single line of text.")]
    elif len(name) > 100:
        errors["sender_name"] = [_("The sender name can have at most 100 characters.")]
    address = reply_to.strip()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            errors["reply_to"] = [_("Enter a valid e-mail address.")]
    checked = None
    if logo is not None:
        try:
            checked = check_image(logo)
        except ValidationError as error:
            errors["brand_logo"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {"brand_colour": colour, "sender_name": name, "reply_to": address}, checked


def tenant_branding_update(
    *,
    actor: Any,
    tenant: Tenant,
    brand_colour: str,
    sender_name: str,
    reply_to: str,
    logo: IO[bytes] | None = None,
    remove_logo: bool = False,
) -> Tenant:
    """Set the tenant's logo (PNG or safe SVG, checked by content), brand colour (white text
    on it at WCAG AA contrast), and the sender name and reply-to address of its e-mails.
    Empty values return to the platform's defaults. The logo is stored in the tenant's own
    media folder; the one it replaces is deleted once the change is committed."""
    values, checked = _validated_branding(
        brand_colour=brand_colour, sender_name=sender_name, reply_to=reply_to, logo=logo
    )
    new_logo = ""
    try:
        with transaction.atomic():
            tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
            old_logo = tenant.brand_logo.name
            for name, value in values.items():
                setattr(tenant, name, value)
            logo_change = "kept"
            if checked is not None:
                with tenant_context(tenant):
                    tenant.brand_logo.save(
                        safe_name("logo", checked), ContentFile(checked.content), save=False
                    )
                new_logo = tenant.brand_logo.name
                logo_change = "uploaded"
            elif remove_logo and old_logo:
                tenant.brand_logo = ""
                logo_change = "removed"
            tenant.save(update_fields=[*values, "brand_logo"])
            if old_logo and logo_change != "kept":
                locked = tenant
                transaction.on_commit(lambda: _delete_tenant_file(locked, old_logo))
            audit_both_trails(
                actor=actor,
                tenant=tenant,
                action="tenant.branding_updated",
                data={**values, "logo": logo_change},
            )
    except BaseException:
        if new_logo:  # written before the failure: no file without its row
            _delete_tenant_file(tenant, new_logo)
        raise
    _forget_routing(tenant)
    return tenant


def _delete_tenant_file(tenant: Tenant, name: str) -> None:
    # The storage resolves names in the active schema's folder.
    with tenant_context(tenant):
        default_storage.delete(name)
