"""Recording who changed what. Every service that changes state calls ``audit_record`` inside
its transaction, so the change and its record commit or roll back together.

Each entry says who (actor), what (action, target, data), when (created_at), from where (the
client address and browser of the request being served, if any), with what outcome and why.
The tenant is the schema the entry is written in. Entries are append-only in the database
(migration core 0004); ``audit_pseudonymise`` is the one change allowed."""

import datetime as dt
import ipaddress
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from programmes.core.models import AuditEvent, Outcome

SYSTEM = "system"
ANONYMOUS = "anonymous"
USER_AGENT_MAX = 300
SCRUBBED = "[removed]"
# Keys of ``data`` whose value never reaches the trail (compared lower-case, without
# separators, as substrings: "new_password1", "access_token", "csrfmiddlewaretoken"…).
SENSITIVE_KEY_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "session",
    "csrf",
    "authorization",
    "cookie",
    "apikey",
)

# The request being served (set by programmes.core.audit_signals.AuditRequestMiddleware), so
# services called from a view record where the change came from without being passed it.
_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


@contextmanager
def audit_request(request: HttpRequest) -> Iterator[None]:
    """Entries recorded inside the block take their address and browser from ``request``."""
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or, behind ``TRUSTED_PROXY_COUNT`` = n proxies of
    our own, the n-th address from the right of X-Forwarded-For (everything left of it can be
    forged by the client). None when it is not a valid address."""
    candidate = request.META.get("REMOTE_ADDR", "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if trusted > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            # Fewer hops than proxies: every hop was written by one of ours; the first is the
            # client as the outermost proxy saw it.
            candidate = hops[-trusted] if len(hops) >= trusted else hops[0]
    try:
        return str(ipaddress.ip_address(candidate.strip()))
    except ValueError:
        return None


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX]


def is_sensitive_key(key: Any) -> bool:
    folded = re.sub(r"[^a-z0-9]", "", str(key).lower())
    return any(part in folded for part in SENSITIVE_KEY_PARTS)


def scrub(value: Any) -> Any:
    """``value`` without the entries of any dict (at any depth, also inside lists) whose key
    names a password, token, secret, session, CSRF token, cookie or authorization header."""
    if isinstance(value, dict):
        return {key: scrub(item) for key, item in value.items() if not is_sensitive_key(key)}
    if isinstance(value, list | tuple):
        return [scrub(item) for item in value]
    return value


def audit_record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    reason: str = "",
    outcome: str = Outcome.SUCCESS,
    actor_label: str | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append an audit event in the current schema. ``actor`` is a user or None (the system;
    ``actor_label`` names someone else, e.g. the e-mail tried in a failed login). Address and
    browser come from ``request``, else from the request being served, else stay empty."""
    is_person = actor is not None and getattr(actor, "is_authenticated", False)
    request = request if request is not None else _current_request.get()
    if actor_label is None:
        actor_label = actor.email if is_person else SYSTEM
    return AuditEvent.objects.create(
        actor=actor if is_person else None,
        actor_label=actor_label[:254],
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        data=scrub(data or {}),
        reason=reason,
        outcome=outcome,
        ip=client_ip(request) if request is not None else None,
        user_agent=user_agent(request) if request is not None else "",
    )


def audit_pseudonymise(*, user_id: int, label: str) -> int:
    """Replace who and from where in every entry of ``user_id`` (in the current schema) by
    ``label``: actor emptied, address and browser removed. The only change the database lets
    through (it checks that nothing else changes). Returns the number of entries changed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL klimapartner.audit_pseudonymise = 'on'")
        # On failure the transaction (or savepoint) rolls back, and the setting with it.
        changed = AuditEvent.objects.filter(actor_id=user_id).update(
            actor=None, actor_label=label[:254], ip=None, user_agent=""
        )
        cursor.execute("SET LOCAL klimapartner.audit_pseudonymise = 'off'")
    return changed


# --- Reading the trail (the staff page, programmes.core.audit_views) ----------------------


def audit_events_for_log(
    *,
    actor: str = "",
    action: str = "",
    outcome: str = "",
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The current schema's entries, newest first, filtered: ``actor`` as part of who (an
    e-mail or label), ``action`` exactly, ``outcome`` exactly, created in [since, before)."""
    events = AuditEvent.objects.order_by("-created_at", "-id")
    if actor:
        events = events.filter(actor_label__icontains=actor)
    if action:
        events = events.filter(action=action)
    if outcome:
        events = events.filter(outcome=outcome)
    if since is not None:
        events = events.filter(created_at__gte=since)
    if before is not None:
        events = events.filter(created_at__lt=before)
    return events


def audit_actions() -> list[str]:
    """Every action in the current schema's trail, for the filter (one query)."""
    return list(AuditEvent.objects.order_by("action").values_list("action", flat=True).distinct())
