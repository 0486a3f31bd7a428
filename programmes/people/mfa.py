"""Multi-factor authentication: required for operators and municipal staff, optional for
partners (issue 9). allauth.mfa does the work (TOTP, WebAuthn, recovery codes, the login
stage that asks for a code); this module decides who must have used it.

The decision reads allauth's authentication record in the session (the list under
``account_authentication_methods`` that ``record_authentication`` writes at each login step):
a session whose record has an ``mfa`` step, or a ``socialaccount`` step (single sign-on: the
municipality's identity provider enforces its own MFA), is strong. That is a session read the
page needs anyway, so a signed-in page costs no extra query; only a weak staff session (about
to be redirected) looks at the database."""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from allauth.account.internal.flows.login import record_authentication
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.core.i18n import current_tenant
from programmes.people.models import Role

# allauth's session keys (allauth.account.internal.flows.login): the steps of this session's
# login, and whose login they are.
METHODS_SESSION_KEY = "account_authentication_methods"
METHODS_USER_SESSION_KEY = "account_authentication_methods_user"
STRONG_METHODS = frozenset({"mfa", "socialaccount"})
MFA_REQUIRED_ROLES = frozenset({Role.OPERATOR, Role.MUNICIPAL_ADMIN, Role.MUNICIPAL_STAFF})
# Reachable with a weak session: setting MFA up (and the password re-check allauth asks for
# before it), signing out, changing language, static files.
EXEMPT_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/reauthenticate/",
    "/accounts/logout/",
    "/i18n/",
)
# Authenticators that prove a second factor by themselves (recovery codes come with them).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)

SETUP_MESSAGE = gettext_lazy(
    "Your role gives access to personal data, so your account must be protected with "
    "two-factor authentication. Set up an authenticator app or a security key to continue."
)
CONFIRM_MESSAGE = gettext_lazy(
    "Confirm this sign-in with your authenticator app, security key or a recovery code."
)


def requires_mfa(user: Any) -> bool:
    return getattr(user, "role", None) in MFA_REQUIRED_ROLES


def session_methods(request: HttpRequest) -> list[dict[str, Any]]:
    """The login steps allauth recorded in this session for the signed-in user (no query)."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    if user_id is None or str(session.get(METHODS_USER_SESSION_KEY)) != str(user_id):
        return []
    records = session.get(METHODS_SESSION_KEY)
    return records if isinstance(records, list) else []


def is_strong_session(request: HttpRequest) -> bool:
    return any(record.get("method") in STRONG_METHODS for record in session_methods(request))


def _is_exempt(path: str) -> bool:
    return path.startswith(EXEMPT_PREFIXES) or path.startswith(settings.STATIC_URL)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _is_token_call(request: HttpRequest) -> bool:
    """``Authorization: Token …``: DRF's TokenAuthentication then decides alone (another
    scheme, e.g. Basic, would fall through to the session, so it does not count)."""
    words = request.META.get("HTTP_AUTHORIZATION", "").split()
    return bool(words) and words[0].lower() == "token"


def _adopt_new_authenticator(request: HttpRequest, user: Any) -> bool:
    """A second factor set up after this session's login counts: the person just proved
    they hold it (allauth asks the password again, then a code or the key, before adding).
    Marks the session as allauth would after an MFA step. (A factor added from another
    session after this one began counts too; that grants nothing a weak session could not
    already do by enrolling a factor of its own.)"""
    records = session_methods(request)
    if not records:
        return False
    signed_in_at = min(float(record.get("at", 0)) for record in records)
    added = (
        Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS)
        .order_by("-created_at")
        .first()
    )
    if added is None or added.created_at.timestamp() < signed_in_at:
        return False
    record_authentication(request, user, "mfa", id=added.pk, type=added.type, setup=True)
    return True


class MFARequiredMiddleware:
    """Operators and municipal staff whose session has no MFA (or SSO) step: pages redirect to
    the MFA setup (or, when they already have a second factor, to its confirmation), API
    calls made with the session cookie get 403. Token calls are not concerned: tokens are
    handed out only after an MFA code (programmes.people.api.TokenView)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self._refusal(request)
        return refusal if refusal is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if _is_exempt(request.path) or not hasattr(request, "session"):
            return None
        if SESSION_KEY not in request.session or is_strong_session(request):
            return None
        if _is_api(request) and _is_token_call(request):
            return None  # DRF authenticates it by the token (or refuses it), not the session
        user = request.user
        if not user.is_authenticated or not requires_mfa(user):
            return None
        if _adopt_new_authenticator(request, user):
            return None
        if _is_api(request):
            return JsonResponse(
                {
                    "detail": _(
                        "Two-factor authentication is required for your role. Sign in "
                        "with it in the browser, or use an API token."
                    ),
                    "code": "mfa_required",
                },
                status=403,
            )
        if Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTORS).exists():
            messages.info(request, CONFIRM_MESSAGE, fail_silently=True)
            return redirect(_next("mfa_reauthenticate", request))
        messages.warning(request, SETUP_MESSAGE, fail_silently=True)
        return redirect("mfa_index")


def _next(url_name: str, request: HttpRequest) -> str:
    if request.method != "GET":
        return reverse(url_name)
    return f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"


class MFAAdapter(DefaultMFAAdapter):
    """Names the tenant (the municipality's programme) in authenticator apps and security
    key prompts instead of the host name."""

    def get_totp_issuer(self) -> str:
        tenant = current_tenant()
        return tenant.name if tenant is not None else settings.MFA_TOTP_ISSUER

    def _get_site_name(self) -> str:
        return self.get_totp_issuer()


def totp_code(secret: str, at: float | None = None) -> str:
    """The authenticator-app code of ``secret`` at ``at`` (now), as allauth.mfa checks it:
    for the demo's published secret (demo_mfa_code) and tests."""
    counter = int(time.time() if at is None else at) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))
