"""One-click unsubscribe tokens.

A token is signed with ``django.core.signing`` (the site's SECRET_KEY) and carries the
tenant's schema, the address and the category ("all" for every newsletter). The salt names
the schema too, so a token of one tenant does not even verify on another; the schema in the
payload is checked as well. Tokens do not expire: an unsubscribe link in an old e-mail must
keep working (RFC 8058), and using one twice only repeats the same choice.
"""

from dataclasses import dataclass

from django.core import signing
from django.db import connection

from programmes.communication.models import Category

ALL = "all"
SALT = "programmes.communication.unsubscribe"


class InvalidToken(Exception):
    pass


@dataclass(frozen=True)
class Unsubscription:
    email: str
    category: str  # a Category value or ALL


def _salt(schema: str) -> str:
    return f"{SALT}:{schema}"


def unsubscribe_token(*, email: str, category: str) -> str:
    """A token for the current tenant that unsubscribes ``email`` from ``category``."""
    if category != ALL and category not in Category.values:
        raise ValueError(f"unknown category {category!r}")
    schema = connection.schema_name
    return signing.dumps(
        {"t": schema, "e": email.lower(), "c": category}, salt=_salt(schema), compress=True
    )


def unsubscribe_token_read(token: str) -> Unsubscription:
    """What a token of the current tenant asks for; InvalidToken for a forged, damaged or
    another tenant's token."""
    schema = connection.schema_name
    try:
        payload = signing.loads(token, salt=_salt(schema))
    except signing.BadSignature:
        raise InvalidToken from None
    if not isinstance(payload, dict) or payload.get("t") != schema:
        raise InvalidToken
    email, category = payload.get("e"), payload.get("c")
    if not isinstance(email, str) or "@" not in email:
        raise InvalidToken
    if category != ALL and category not in Category.values:
        raise InvalidToken
    return Unsubscription(email=email, category=category)
