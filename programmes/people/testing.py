"""Signed-in test clients without the sign-in pages, for the test suite and `make bench`."""

import time

from django.test import Client

from programmes.people.mfa import METHODS_SESSION_KEY, METHODS_USER_SESSION_KEY, requires_mfa
from programmes.people.models import User


def sign_in(client: Client, user: User) -> None:
    """Log ``client`` in as ``user`` (inside the user's schema) with the session allauth
    leaves after a real login: a password step, and an MFA step for the roles that must use
    it (operators, municipal staff; programmes.people.mfa reads exactly this record).

    A shortcut for tests of other things; the real flow (password, then TOTP or WebAuthn or a
    recovery code, the redirect to set MFA up) is tested in tests/people/test_mfa.py and
    tests/browser/test_mfa.py."""
    client.force_login(user)
    session = client.session
    now = time.time()
    records: list[dict[str, object]] = [{"method": "password", "at": now, "email": user.email}]
    if requires_mfa(user):
        records.append({"method": "mfa", "at": now, "type": "totp"})
    session[METHODS_SESSION_KEY] = records
    session[METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()
