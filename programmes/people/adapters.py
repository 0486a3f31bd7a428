"""allauth's hooks: who may sign up (nobody), how the client is identified for rate limits,
and who may come in through the tenant's single sign-on (existing staff only)."""

from typing import Any, NoReturn

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp, SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext as _

from programmes.core.audit import ANONYMOUS, audit_record, client_ip
from programmes.core.models import Outcome
from programmes.people import sso
from programmes.people.models import STAFF_ROLES, User

EMAIL_MAX = 254


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts come from invitations (and, later, partner applications); never open signup.
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count: the same as the audit trail's, so a
        forged X-Forwarded-For (left of our own proxies' hops) changes nothing."""
        ip = client_ip(request)
        if ip is None:
            raise PermissionDenied("Unable to determine the client's address")
        return ip

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth keys failed sign-ins by host and e-mail; a tenant answers on several hosts
        # (its own domain too), which would give one address a budget per host. The cache
        # key already carries the tenant's schema: the e-mail alone is the key.
        return str(credentials.get("email", credentials.get("username", ""))).lower()

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """A sign-in refused by the failed-login limit never reaches Django's authenticate
        (so no "auth.login_failed" entry): record the refusal here."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            tried = str(credentials.get("email") or "")[:EMAIL_MAX]
            person = User.objects.filter(email__iexact=tried).first() if tried else None
            audit_record(
                actor=person,
                actor_label=person.email if person is not None else (tried or ANONYMOUS),
                action="auth.login_rate_limited",
                outcome=Outcome.REFUSED,
                request=request,
            )
            raise


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Single sign-on lets existing, active municipal staff of this tenant in; it never
    creates an account and never serves partners (they keep their password and MFA)."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def list_apps(
        self, request: HttpRequest, provider: Any = None, client_id: Any = None
    ) -> list[SocialApp]:
        # A switched-off provider is unknown: its login and callback URLs answer 404.
        apps = super().list_apps(request, provider=provider, client_id=client_id)
        return [app for app in apps if app.provider != sso.PROVIDER or sso.is_enabled(app)]

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        app = sociallogin.provider.app
        verified = sorted(
            {address.email.lower() for address in sociallogin.email_addresses if address.verified}
        )
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            # Links are made here, from the IdP's confirmed e-mail, never by hand.
            self._refuse(
                request,
                _("Single sign-on is used from the sign-in page; there is nothing to connect."),
                "connect",
                label=verified[0] if verified else "",
            )
        linked = sociallogin.is_existing  # an account of this provider points to someone
        user = self._staff_member(request, app, verified, sociallogin)
        if not linked:
            # First sign-in through this provider: link it to the staff member, once.
            with transaction.atomic():
                sociallogin.connect(request, user)
                audit_record(
                    actor=user,
                    action="auth.sso_connected",
                    target=user,
                    data={"provider": app.provider_id, "uid": sociallogin.account.uid},
                    request=request,
                )

    def _staff_member(
        self,
        request: HttpRequest,
        app: SocialApp,
        verified: list[str],
        sociallogin: SocialLogin,
    ) -> User:
        """The active staff member the IdP vouches for, or a refusal page (403)."""
        if not verified:
            self._refuse(
                request,
                _(
                    "Your identity provider did not confirm an e-mail address, so you cannot "
                    "be signed in."
                ),
                "no_verified_email",
                label="",
            )
        allowed = [email for email in verified if sso.email_domain_allowed(app, email)]
        if not allowed:
            self._refuse(
                request,
                _("Single sign-on is not open to e-mail addresses of this domain here."),
                "domain_not_allowed",
                label=verified[0],
            )
        user = User.objects.filter(email__in=allowed, is_active=True).first()
        if user is None or user.role not in STAFF_ROLES:
            self._refuse(
                request,
                _(
                    "Single sign-on is for the municipality's staff who already have an "
                    "account here. Partners sign in with their e-mail address and password."
                ),
                "not_staff",
                label=allowed[0],
                person=user,
            )
        if sociallogin.is_existing and sociallogin.user.pk != user.pk:
            # The IdP account is linked to someone else (their e-mail moved): never switch.
            self._refuse(
                request,
                _("This identity provider account belongs to someone else here."),
                "linked_to_another_person",
                label=allowed[0],
                person=user,
            )
        sociallogin.user = user
        return user

    def _refuse(
        self,
        request: HttpRequest,
        message: str,
        reason: str,
        *,
        label: str,
        person: User | None = None,
    ) -> NoReturn:
        audit_record(
            actor=person,
            actor_label=person.email if person is not None else (label or ANONYMOUS),
            action="auth.sso_refused",
            outcome=Outcome.REFUSED,
            data={"reason": reason},
            request=request,
        )
        raise ImmediateHttpResponse(
            render(request, "account/sso_refused.html", {"message": message}, status=403)
        )
