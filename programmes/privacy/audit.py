"""The changes erasure and retention make to the append-only audit trail, each through the
one door the database leaves open for it (programmes/core/AUDIT.md; privacy 0002):

- ``klimapartner.audit_pseudonymise``: only actor, actor_label, ip and user_agent change;
- ``klimapartner.audit_redact``: only data and reason change.

Nothing is ever deleted, and what happened, when, to what and with what outcome stays."""

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from programmes.core.audit import audit_pseudonymise
from programmes.core.models import AuditEvent


@contextmanager
def _allowing(setting: str) -> Iterator[None]:
    """Inside: the trigger lets through the change ``setting`` names (and only it)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL klimapartner.{setting} = 'on'")
        # On failure the transaction (or savepoint) rolls back, and the setting with it.
        yield
        cursor.execute(f"SET LOCAL klimapartner.{setting} = 'off'")


def redact(value: Any, needles: Iterable[str], label: str) -> Any:
    """``value`` (any JSON) with every occurrence of ``needles`` (case ignored) replaced by
    ``label``, in strings and keys, at any depth."""
    pattern = _pattern(needles)
    if pattern is None:
        return value
    return _redact(value, pattern, label)


def _pattern(needles: Iterable[str]) -> re.Pattern[str] | None:
    # Longest first, so a full name goes before a part of it.
    words = sorted({needle for needle in needles if needle}, key=len, reverse=True)
    if not words:
        return None
    return re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)


def _redact(value: Any, pattern: re.Pattern[str], label: str) -> Any:
    if isinstance(value, str):
        return pattern.sub(label, value)
    if isinstance(value, dict):
        return {
            _redact(key, pattern, label): _redact(item, pattern, label)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_redact(item, pattern, label) for item in value]
    return value


def audit_erase(*, user_id: int | None, email: str, needles: Iterable[str], label: str) -> int:
    """Pseudonymise everything the current schema's trail says of one person: the entries
    they made (``user_id``; address and browser removed), those labelled with their address
    (a failed sign-in), and their address and names inside ``data`` and ``reason``. Returns
    the number of entries changed (an entry counted once per kind of change)."""
    needles = [needle for needle in needles if needle]
    changed = audit_pseudonymise(user_id=user_id, label=label) if user_id is not None else 0
    with _allowing("audit_pseudonymise"):
        changed += AuditEvent.objects.filter(actor_label__iexact=email).update(
            actor=None, actor_label=label[:254], ip=None, user_agent=""
        )
    pattern = _pattern(needles)
    if pattern is None:
        return changed
    mentions = Q()
    for needle in needles:
        mentions |= Q(data_text__icontains=needle) | Q(reason__icontains=needle)
    entries = list(
        AuditEvent.objects.annotate(data_text=Cast("data", TextField()))
        .filter(mentions)
        .only("pk", "data", "reason")
    )
    with _allowing("audit_redact"):
        for entry in entries:
            AuditEvent.objects.filter(pk=entry.pk).update(
                data=_redact(entry.data, pattern, label),
                reason=_redact(entry.reason, pattern, label),
            )
    return changed + len(entries)


def audit_forget_clients(*, before: dt.datetime) -> int:
    """Remove the client address and browser of entries made before ``before`` (retention);
    who did what stays. Idempotent: entries already without them are not touched."""
    with _allowing("audit_pseudonymise"):
        return (
            AuditEvent.objects.filter(created_at__lt=before)
            .exclude(ip__isnull=True, user_agent="")
            .update(ip=None, user_agent="")
        )
