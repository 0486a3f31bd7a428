"""The operator sets up a tenant's single sign-on: one OpenID Connect identity provider for
the municipality's staff, stored as allauth's ``SocialApp`` inside the tenant's schema (see
programmes/people/sso.py for its shape and programmes/people/adapters.py for who may use
it). Changes are audited twice: in the public schema (the operator's trail) and in the
tenant's (its admins see who changed their sign-in)."""

import re
from dataclasses import dataclass

from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from programmes.core.audit import audit_record
from programmes.people import sso
from programmes.people.models import User
from tenants.models import Tenant
from tenants.selectors import tenant_url

NAME_MAX = 40  # SocialApp.name
CLIENT_ID_MAX = 191  # SocialApp.client_id and .secret
DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@dataclass(frozen=True)
class SsoSettings:
    """What the operator sees and sets. The client secret is never read back: only
    whether one is stored."""

    name: str = ""
    server_url: str = ""
    client_id: str = ""
    has_secret: bool = False
    allowed_domains: tuple[str, ...] = ()
    enabled: bool = False
    login_path: str = ""


def tenant_sso_settings(tenant: Tenant) -> SsoSettings | None:
    """The tenant's identity provider, or None when none was set up (one query)."""
    with tenant_context(tenant):
        app = sso.sso_app()
    return None if app is None else _settings_of(app)


def _settings_of(app: SocialApp) -> SsoSettings:
    return SsoSettings(
        name=app.name,
        server_url=app.settings.get(sso.SERVER_URL, ""),
        client_id=app.client_id,
        has_secret=bool(app.secret),
        allowed_domains=tuple(sso.allowed_domains(app)),
        enabled=sso.is_enabled(app),
        login_path=reverse(
            "openid_connect_login",
            kwargs={"provider_id": app.provider_id},
            urlconf=settings.ROOT_URLCONF,  # the tenants' URLs, also from the platform host
        ),
    )


def callback_url(tenant: Tenant) -> str:
    """The redirect address to register at the identity provider (known before set-up)."""
    path = reverse(
        "openid_connect_callback",
        kwargs={"provider_id": tenant.schema_name},
        urlconf=settings.ROOT_URLCONF,
    )
    return tenant_url(tenant).rstrip("/") + path


def parse_domains(text: str) -> list[str]:
    """Domains typed one a line or separated by commas or spaces, lower-case, no "@"."""
    parts = re.split(r"[\s,;]+", text.strip().lower())
    return list(dict.fromkeys(part.lstrip("@") for part in parts if part.lstrip("@")))


def _validated(
    *,
    name: str,
    server_url: str,
    client_id: str,
    client_secret: str,
    allowed_domains: list[str],
    needs_secret: bool,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("Enter the name shown on the sign-in button.")
    elif len(name.strip()) > NAME_MAX:
        errors["name"] = _("Use at most %(max)d characters.") % {"max": NAME_MAX}
    schemes = ["https"] if settings.IS_PRODUCTION else ["https", "http"]
    try:
        URLValidator(schemes=schemes)(server_url)
    except ValidationError:
        errors["server_url"] = (
            _("Enter the identity provider's https:// address.")
            if settings.IS_PRODUCTION
            else _("Enter the identity provider's http:// or https:// address.")
        )
    else:
        if "?" in server_url or "#" in server_url:
            errors["server_url"] = _("Enter the address without a query or fragment.")
    if not client_id.strip():
        errors["client_id"] = _("Enter the client id the identity provider gave you.")
    elif len(client_id.strip()) > CLIENT_ID_MAX:
        errors["client_id"] = _("Use at most %(max)d characters.") % {"max": CLIENT_ID_MAX}
    if needs_secret and not client_secret:
        errors["client_secret"] = _("Enter the client secret the identity provider gave you.")
    elif len(client_secret) > CLIENT_ID_MAX:
        errors["client_secret"] = _("Use at most %(max)d characters.") % {"max": CLIENT_ID_MAX}
    bad = [domain for domain in allowed_domains if not DOMAIN_PATTERN.match(domain)]
    if bad:
        errors["allowed_domains"] = _("These are not domain names: %(domains)s") % {
            "domains": ", ".join(bad)
        }
    elif not allowed_domains:
        errors["allowed_domains"] = _(
            "Enter at least one e-mail domain of the municipality's staff."
        )
    return errors


def tenant_sso_configure(
    *,
    actor: User,
    tenant: Tenant,
    name: str,
    server_url: str,
    client_id: str,
    client_secret: str = "",
    allowed_domains: list[str],
    enabled: bool,
) -> SsoSettings:
    """Create or change the tenant's identity provider. A blank ``client_secret`` keeps the
    stored one. Raises ValidationError (by field) on bad input."""
    server_url = server_url.strip().rstrip("/")
    allowed_domains = [domain.strip().lower().lstrip("@") for domain in allowed_domains]
    client_secret = client_secret.strip()
    with transaction.atomic():
        with tenant_context(tenant):
            app = SocialApp.objects.select_for_update().filter(provider=sso.PROVIDER).first()
            errors = _validated(
                name=name,
                server_url=server_url,
                client_id=client_id,
                client_secret=client_secret,
                allowed_domains=allowed_domains,
                needs_secret=app is None or not app.secret,
            )
            if errors:
                raise ValidationError(errors, code="invalid")
            created = app is None
            if app is None:
                app = SocialApp(provider=sso.PROVIDER)
            app.provider_id = tenant.schema_name
            app.name = name.strip()
            app.client_id = client_id.strip()
            if client_secret:
                app.secret = client_secret
            app.settings = {
                **app.settings,
                sso.SERVER_URL: server_url,
                sso.ALLOWED_DOMAINS: allowed_domains,
                sso.ENABLED: enabled,
            }
            app.save()
            # Never the secret: only whether it was replaced ("secret" keys are scrubbed).
            data = {
                "name": app.name,
                "server_url": server_url,
                "client_id": app.client_id,
                "allowed_domains": allowed_domains,
                "enabled": enabled,
                "client_credential_replaced": bool(client_secret),
                "created": created,
            }
            # The operator is a person of the public schema: named, not linked, here.
            audit_record(
                actor=None, actor_label=actor.email, action="sso.configured", target=app, data=data
            )
        audit_record(actor=actor, action="tenant.sso_configured", target=tenant, data=data)
    return _settings_of(app)
