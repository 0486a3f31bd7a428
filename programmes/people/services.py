"""Changes to people: invitations and their acceptance. Each function is one transaction and
leaves an audit record."""

import datetime as dt
import hashlib
import secrets

from allauth.account.models import EmailAddress
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

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
