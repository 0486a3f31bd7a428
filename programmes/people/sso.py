"""Single sign-on of municipal staff through the tenant's own OpenID Connect provider.

The operator sets the provider up (tenants/sso.py) as allauth's ``SocialApp`` in the tenant's
schema: provider ``openid_connect``, ``provider_id`` = the tenant's slug (so the login URL
``/accounts/oidc/<slug>/login/`` of one tenant means nothing on another's host), and in
``settings`` the issuer URL, the allowed e-mail domains and whether it is switched on. Each
schema holds at most one such app. This module reads it; the adapter
(programmes.people.adapters) decides who may come in."""

from urllib.parse import urlsplit

from allauth.socialaccount.models import SocialApp
from django.http import HttpRequest

PROVIDER = "openid_connect"
# Keys of SocialApp.settings.
SERVER_URL = "server_url"
ALLOWED_DOMAINS = "allowed_domains"
ENABLED = "enabled"


def sso_app() -> SocialApp | None:
    """The current schema's identity provider, switched on or not (one query)."""
    return SocialApp.objects.filter(provider=PROVIDER).order_by("pk").first()


def is_enabled(app: SocialApp) -> bool:
    return app.provider == PROVIDER and bool(app.settings.get(ENABLED))


def enabled_sso_app(request: HttpRequest) -> SocialApp | None:
    """The provider offered on this request's login page, if switched on; looked up once
    per request (the login page and its Content-Security-Policy both ask)."""
    if not hasattr(request, "_sso_app"):
        app = sso_app()
        request._sso_app = app if app is not None and is_enabled(app) else None  # type: ignore[attr-defined]
    return request._sso_app  # type: ignore[attr-defined]


def allowed_domains(app: SocialApp) -> list[str]:
    return [domain.lower() for domain in app.settings.get(ALLOWED_DOMAINS, [])]


def email_domain_allowed(app: SocialApp, email: str) -> bool:
    domain = email.rpartition("@")[2].lower()
    return bool(domain) and domain in allowed_domains(app)


def origin(url: str) -> str:
    """scheme://host[:port] of ``url`` (what a CSP source names)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
