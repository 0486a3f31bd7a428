"""Changes to people: invitations and their acceptance, deactivation. Each function is one
transaction and leaves an audit record."""

import datetime as dt
import hashlib
import secrets
import time

from allauth.account.models import EmailAddress
from allauth.usersessions.models import UserSession
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from programmes.core.audit import audit_record
from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail
from programmes.core.tasks import enqueue_after_commit
from programmes.core.urls import absolute_url
from programmes.people.models import TENANT_ROLES, Invitation, Role, User

INVITATION_LIFETIME = dt.timedelta(days=14)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def roles_for_current_schema() -> tuple[str, ...]:
    return (Role.OPERATOR,) if connection.schema_name == "public" else TENANT_ROLES


# Invitations send e-mail in the tenant's name: a taken-over admin account must not turn the
# platform into a mail cannon. (count, seconds) per inviter and per tenant; the cache's keys
# carry the schema (KEY_FUNCTION), so one tenant's invitations never use up another's.
INVITATIONS_PER_INVITER = (20, 3600)
INVITATIONS_PER_TENANT = (100, 3600)


def _consume_invitation_quota(actor: User | None) -> None:
    """Count one invitation by ``actor`` (people only: the system's invitations, such as
    onboarding's first admin, are not limited). Raises ValidationError when a limit is
    reached. Fixed windows: at worst twice the limit across a window's edge."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return
    now = int(time.time())
    limits = {
        f"people:invitations:inviter:{actor.pk}:{now // INVITATIONS_PER_INVITER[1]}": (
            INVITATIONS_PER_INVITER
        ),
        f"people:invitations:tenant:{now // INVITATIONS_PER_TENANT[1]}": INVITATIONS_PER_TENANT,
    }
    counts = cache.get_many(list(limits))
    if any(counts.get(key, 0) >= amount for key, (amount, _seconds) in limits.items()):
        message = _("Too many invitations were sent in the last hour. Please try later.")
        raise ValidationError({"email": ValidationError(message, code="rate_limited")})
    for key, (_amount, seconds) in limits.items():
        cache.add(key, 0, timeout=seconds)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=seconds)


def invitation_create(
    *, actor: User | None, email: str, role: str, language: str = ""
) -> Invitation:
    """Invite someone to this schema with a role; the worker sends the e-mail after commit."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": _("Enter a valid e-mail address.")}, code="invalid"
        ) from None
    if role not in roles_for_current_schema():
        raise ValidationError({"role": _("This role cannot be given here.")}, code="role")
    if User.objects.filter(email=email).exists():
        raise ValidationError(
            {"email": _("Someone with this e-mail address already has an account.")},
            code="exists",
        )
    if Invitation.objects.filter(
        email=email, accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).exists():
        raise ValidationError(
            {"email": _("An invitation to this e-mail address is already open.")},
            code="open",
        )
    _consume_invitation_quota(actor)
    from programmes.people.tasks import send_invitation  # tasks import services

    with transaction.atomic():
        invitation = Invitation.objects.create(
            email=email,
            role=role,
            invited_by=actor,
            expires_at=timezone.now() + INVITATION_LIFETIME,
        )
        if language:
            invitation_language = language
        else:
            tenant = current_tenant()
            invitation_language = tenant.primary_language if tenant else "en"
        audit_record(
            actor=actor,
            action="invitation.created",
            target=invitation,
            data={"email": email, "role": role},
        )
        enqueue_after_commit(send_invitation, invitation.pk, invitation_language)
    return invitation


def invitation_send(*, invitation_id: int, language: str) -> bool:
    """Send the invitation e-mail once. Returns False when it was already sent or is closed.

    The token is made here and only its hash stored, so it never passes through the broker.
    The row lock and the sent mark make a retried task a no-op.
    """
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().filter(pk=invitation_id).first()
        if invitation is None or invitation.sent_at is not None or not invitation.is_open:
            return False
        token = secrets.token_urlsafe(32)
        invitation.token_hash = _token_hash(token)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["token_hash", "sent_at"])
        tenant = current_tenant()
        send_localised_mail(
            to=invitation.email,
            language=language,
            template="people/email/invitation",
            context={
                "site_name": tenant.name if tenant else "Klimapartner",
                # The lazy label, so it is translated into the e-mail's language.
                "role": Role(invitation.role).label,
                "accept_url": absolute_url(reverse("invitation-accept", args=[token])),
                "expires_at": invitation.expires_at,
            },
        )
        audit_record(actor=None, action="invitation.sent", target=invitation)
    return True


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation a token belongs to, or None (unknown, used or expired alike)."""
    invitation = Invitation.objects.filter(token_hash=_token_hash(token)).first()
    if invitation is None or not invitation.is_open:
        return None
    return invitation


def invitation_accept(*, token: str, full_name: str, password: str) -> User:
    """Create the invited person's account. Raises ValidationError and changes nothing on
    a bad token or a weak password."""
    with transaction.atomic():
        invitation = invitation_for_token(token)
        if invitation is None:
            raise ValidationError(
                _("This invitation is no longer valid. Ask for a new one."), code="invalid"
            )
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError(
                _("This invitation is no longer valid. Ask for a new one."), code="invalid"
            )
        candidate = User(email=invitation.email, full_name=full_name, role=invitation.role)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            raise ValidationError({"password": error.messages}) from None
        user = User.objects.create_user(
            invitation.email,
            password,
            full_name=full_name.strip(),
            role=invitation.role,
            is_staff=invitation.role == Role.OPERATOR,
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        invitation.accepted_at = timezone.now()
        invitation.user = user
        invitation.save(update_fields=["accepted_at", "user"])
        audit_record(actor=user, action="invitation.accepted", target=invitation)
    return user


def user_create(
    *, actor: User | None, email: str, password: str, role: str, full_name: str = ""
) -> User:
    """Create an account directly (demo data, operators by command)."""
    if role not in roles_for_current_schema():
        raise ValidationError({"role": _("This role cannot be given here.")}, code="role")
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, role=role, full_name=full_name, is_staff=role == Role.OPERATOR
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        audit_record(actor=actor, action="user.created", target=user, data={"role": role})
    return user


def _check_can_change_access(actor: User, user: User) -> None:
    """Municipal admins change others' access; nobody their own (so a programme always keeps
    the admin who acts, and nobody locks themselves out by mistake)."""
    if not (actor.is_authenticated and actor.role == Role.MUNICIPAL_ADMIN):
        raise PermissionDenied
    if actor.pk == user.pk:
        raise ValidationError(_("You cannot change access to your own account."), code="self")


def _required_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, for the audit log.")}, code="required")
    return reason


def user_sessions_end(*, user: User) -> int:
    """End every session of ``user`` in this schema (tracked at login by
    allauth.usersessions; programmes.people.signals also tracks logins outside allauth).
    Returns how many were ended."""
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    for session in sessions:
        session.end()
    return len(sessions)


def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    """Take away ``user``'s access at once: no sign-in, every session ended, every API token
    deleted. Nothing else changes, so reactivating gives the same account back."""
    _check_can_change_access(actor, user)
    reason = _required_reason(reason)
    if not user.is_active:
        raise ValidationError(_("This account is already deactivated."), code="inactive")
    with transaction.atomic():
        user.is_active = False
        user.save(update_fields=["is_active"])
        tokens, _deleted = Token.objects.filter(user=user).delete()
        sessions = user_sessions_end(user=user)
        audit_record(
            actor=actor,
            action="user.deactivated",
            target=user,
            reason=reason,
            data={"logins_ended": sessions, "api_access_removed": tokens},
        )
    return user


def user_reactivate(*, actor: User, user: User, reason: str) -> User:
    """Let a deactivated person sign in again (with their password, and MFA by their role).
    Sessions and tokens ended at deactivation stay ended."""
    _check_can_change_access(actor, user)
    reason = _required_reason(reason)
    if user.is_active:
        raise ValidationError(_("This account is already active."), code="active")
    with transaction.atomic():
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action="user.reactivated", target=user, reason=reason)
    return user
