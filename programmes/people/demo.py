"""Demo data: the demo's operator and municipal staff sign in with two-factor
authentication like everyone else, with one published TOTP secret. Demo only: load_demo
refuses to run in production, and so does demo_mfa_code."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from allauth.mfa.utils import decrypt
from django.db import transaction

from programmes.people.mfa import MFA_REQUIRED_ROLES
from programmes.people.models import User

# Published in the README: add it to an authenticator app ("Klimapartner demo"), or print
# the current code with `manage.py demo_mfa_code <e-mail>`.
DEMO_TOTP_SECRET = "KLIMAPARTNERDEMOKLIMAPARTNERDEMO"  # noqa: S105


def demo_mfa_create() -> int:
    """Give every operator and municipal staff member of the current schema who has no second
    factor the demo's TOTP authenticator (and recovery codes). Returns how many got one."""
    people = User.objects.filter(role__in=MFA_REQUIRED_ROLES).exclude(authenticator__isnull=False)
    count = 0
    with transaction.atomic():
        for user in people:
            TOTP.activate(user, DEMO_TOTP_SECRET)
            RecoveryCodes.activate(user)
            count += 1
    return count


def has_demo_totp(user: User) -> bool:
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return totp is not None and decrypt(totp.data["secret"]) == DEMO_TOTP_SECRET
