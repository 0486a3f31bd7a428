"""What the audit trail hears without being called: sign-ins (allauth's login flow), failed
sign-ins, sign-outs, password and MFA changes (Django's, allauth's and allauth.mfa's signals),
and the deletion of a user (their entries are pseudonymised first: the trail itself is
append-only).

Connected once from ``CoreConfig.ready``. The receivers only record; they decide nothing."""

import logging
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import signals as auth_signals
from django.db.models.signals import pre_delete
from django.http import HttpRequest

from programmes.core.audit import ANONYMOUS, audit_pseudonymise, audit_record
from programmes.core.models import Outcome

logger = logging.getLogger(__name__)
EMAIL_MAX = 254


def deleted_user_label(user_id: int) -> str:
    return f"deleted-user-{user_id}"


def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    audit_record(actor=user, action="auth.login", request=request)


def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None and getattr(user, "is_authenticated", False):
        audit_record(actor=user, action="auth.logout", request=request)


def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """The e-mail tried, never the password: as the actor when it is a person of this schema
    (so erasing that person pseudonymises it), else as the label."""
    tried = str(credentials.get("email") or credentials.get("username") or "")[:EMAIL_MAX]
    person = get_user_model().objects.filter(email__iexact=tried).first() if tried else None
    audit_record(
        actor=person,
        actor_label=person.email if person is not None else (tried or ANONYMOUS),
        action="auth.login_failed",
        outcome=Outcome.FAILED,
        request=request,
    )


def _password_event(action: str) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
        audit_record(actor=user, action=action, request=request)

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _mfa_event(action: str, outcome: str = Outcome.SUCCESS) -> Any:
    def receiver(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
        authenticator = kwargs.get("authenticator")
        audit_record(
            actor=user,
            action=action,
            outcome=outcome,
            request=request,
            data={"type": getattr(authenticator, "type", "")},
        )

    receiver.__name__ = f"audit_{action.replace('.', '_')}"
    return receiver


def _user_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    audit_pseudonymise(user_id=instance.pk, label=deleted_user_label(instance.pk))


_RECEIVERS: list[Any] = []  # the closures above, kept alive (signals hold weak references)


def connect() -> None:
    from allauth.account import signals as account_signals

    # allauth's, not Django's: Django's also fires for the test client's force_login.
    account_signals.user_logged_in.connect(_logged_in, dispatch_uid="audit_login")
    auth_signals.user_logged_out.connect(_logged_out, dispatch_uid="audit_logout")
    auth_signals.user_login_failed.connect(_login_failed, dispatch_uid="audit_login_failed")
    for signal, action in (
        (account_signals.password_changed, "auth.password_changed"),
        (account_signals.password_set, "auth.password_set"),
        (account_signals.password_reset, "auth.password_reset"),
    ):
        receiver = _password_event(action)
        _RECEIVERS.append(receiver)
        signal.connect(receiver, dispatch_uid=f"audit_{action}")
    if apps.is_installed("allauth.mfa"):
        from allauth.mfa import signals as mfa_signals

        for signal, action, outcome in (
            (mfa_signals.authenticator_added, "mfa.added", Outcome.SUCCESS),
            (mfa_signals.authenticator_removed, "mfa.removed", Outcome.SUCCESS),
            (mfa_signals.authenticator_reset, "mfa.reset", Outcome.SUCCESS),
            (mfa_signals.authenticator_used, "mfa.used", Outcome.SUCCESS),
            (mfa_signals.authentication_failed, "mfa.failed", Outcome.FAILED),
        ):
            receiver = _mfa_event(action, outcome)
            _RECEIVERS.append(receiver)
            signal.connect(receiver, dispatch_uid=f"audit_{action}")
    pre_delete.connect(
        _user_deleted, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_user_deleted"
    )
