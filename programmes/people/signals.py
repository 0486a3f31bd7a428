"""Bookkeeping on login: every session is listed (allauth.usersessions) so deactivating a
person can end it. allauth lists the sessions of its own login flow; this also lists those
started elsewhere (accepting an invitation signs the new person in with Django's login)."""

from typing import Any

from allauth.usersessions.models import UserSession
from django.contrib.auth import signals as auth_signals
from django.http import HttpRequest

from programmes.core.audit import client_ip

UNKNOWN_ADDRESS = "0.0.0.0"  # noqa: S104 -- a placeholder value, never bound to
USER_AGENT_LENGTH = UserSession._meta.get_field("user_agent").max_length


def _track_session(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    session = getattr(request, "session", None)
    if request is None or session is None or user is None:
        return
    if not session.session_key:
        session.save()
    UserSession.objects.get_or_create(
        session_key=session.session_key,
        defaults={
            "user": user,
            "ip": client_ip(request) or UNKNOWN_ADDRESS,
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
        },
    )


def connect() -> None:
    auth_signals.user_logged_in.connect(_track_session, dispatch_uid="people_track_session")
