"""Sign-ins, failed sign-ins, sign-outs and refused requests land in the tenant's trail with
the client's address (X-Forwarded-For is believed only behind trusted proxies)."""

import pytest
from django_tenants.utils import tenant_context

from programmes.core.audit import client_ip
from programmes.core.models import AuditEvent, Outcome
from tests.conftest import PASSWORD, World, client_for


def _events(world: World, action: str) -> list[AuditEvent]:
    with tenant_context(world.tenant):
        return list(AuditEvent.objects.filter(action=action).order_by("pk"))


def _sign_in(world: World, password: str, **extra: str):
    return client_for(world).post(
        "/accounts/login/",
        {"login": world.email("partner_admin"), "password": password},
        REMOTE_ADDR="198.51.100.7",
        HTTP_USER_AGENT="TestBrowser/1.0",
        **extra,
    )


def test_a_sign_in_is_recorded_with_address_and_browser(alpha: World, beta: World) -> None:
    assert _sign_in(alpha, PASSWORD).status_code == 302
    [event] = _events(alpha, "auth.login")
    assert event.actor_id == alpha.users["partner_admin"].pk
    assert event.actor_label == alpha.email("partner_admin")
    assert (event.ip, event.user_agent, event.outcome) == (
        "198.51.100.7",
        "TestBrowser/1.0",
        Outcome.SUCCESS,
    )
    assert _events(beta, "auth.login") == []


def test_a_failed_sign_in_records_the_e_mail_tried_never_the_password(alpha: World) -> None:
    assert _sign_in(alpha, "wrong-password-123").status_code == 200
    client_for(alpha).post(
        "/accounts/login/",
        {"login": "nobody@alpha.example", "password": "another-wrong-one"},
        REMOTE_ADDR="198.51.100.8",
    )
    known, unknown = _events(alpha, "auth.login_failed")
    assert known.actor_id == alpha.users["partner_admin"].pk
    assert known.outcome == Outcome.FAILED and known.ip == "198.51.100.7"
    assert unknown.actor_id is None and unknown.actor_label == "nobody@alpha.example"
    with tenant_context(alpha.tenant):
        stored = str(list(AuditEvent.objects.values()))
    assert "wrong-password-123" not in stored and "another-wrong-one" not in stored
    assert _events(alpha, "auth.login") == []


def test_a_sign_out_is_recorded(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    client.post("/accounts/logout/", REMOTE_ADDR="198.51.100.9")
    [event] = _events(alpha, "auth.logout")
    assert event.actor_id == alpha.users["partner_member"].pk and event.ip == "198.51.100.9"


def test_a_forged_forwarded_for_is_ignored_without_trusted_proxies(alpha: World, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    _sign_in(alpha, PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6")
    [event] = _events(alpha, "auth.login")
    assert event.ip == "198.51.100.7"


def test_behind_one_proxy_the_address_it_saw_is_recorded(alpha: World, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first hop; our proxy appended the address it really saw.
    _sign_in(alpha, PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.50")
    [event] = _events(alpha, "auth.login")
    assert event.ip == "203.0.113.50"


@pytest.mark.parametrize(
    ("count", "forwarded", "remote", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1", "10.0.0.1"),
        (1, "6.6.6.6, 203.0.113.5", "10.0.0.1", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "10.0.0.1", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.1", "203.0.113.5"),
        (1, "", "10.0.0.1", "10.0.0.1"),
        (1, "not-an-address", "10.0.0.1", None),
        (0, "", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_client_ip(rf, settings, count, forwarded, remote, expected) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_refused_request_is_recorded_once(alpha: World, beta: World) -> None:
    client = client_for(alpha, "partner_member")
    assert client.get("/manage/", REMOTE_ADDR="198.51.100.10").status_code == 403
    [event] = _events(alpha, "request.refused")
    assert event.actor_id == alpha.users["partner_member"].pk
    assert event.outcome == Outcome.REFUSED and event.ip == "198.51.100.10"
    assert event.data == {"method": "GET", "path": "/manage/", "status": 403}
    assert _events(beta, "request.refused") == []


def test_a_refused_anonymous_api_call_and_csrf_failure_are_recorded(alpha: World) -> None:
    from django.test import Client

    client_for(alpha).get("/api/v1/people/me/")
    csrf_client = Client(HTTP_HOST=alpha.host, enforce_csrf_checks=True)
    assert csrf_client.post("/accounts/login/", {"login": "x@y.z"}).status_code == 403
    events = _events(alpha, "request.refused")
    assert {e.actor_label for e in events} == {"anonymous"}
    assert {e.data["path"] for e in events} == {"/api/v1/people/me/", "/accounts/login/"}
    assert "x@y.z" not in str([e.data for e in events])


def test_a_refused_path_with_a_token_keeps_only_its_pattern(alpha: World, rf) -> None:
    from django.http import HttpResponseForbidden
    from django.urls import resolve

    from programmes.core.audit_middleware import _record_refusal

    request = rf.get("/invitations/SECRET-TOKEN-123/?code=SECRET-CODE")
    request.resolver_match = resolve(request.path, urlconf="saas.urls_tenant")
    with tenant_context(alpha.tenant):
        _record_refusal(request, HttpResponseForbidden())
    [event] = _events(alpha, "request.refused")
    assert event.data["path"] == "/invitations/<str:token>/"
    assert "SECRET" not in str(event.data)


def test_password_and_mfa_events_are_recorded(alpha: World, rf) -> None:
    from types import SimpleNamespace

    from allauth.account import signals as account_signals
    from django.contrib.sessions.backends.db import SessionStore

    from programmes.core.audit_signals import _mfa_event

    person = alpha.users["partner_admin"]
    request = rf.post("/", REMOTE_ADDR="198.51.100.11")
    # As in a real request: allauth.usersessions lists the session that changed the password.
    request.user = person
    request.session = SessionStore()
    with tenant_context(alpha.tenant):
        account_signals.password_changed.send(sender=None, request=request, user=person)
        account_signals.password_reset.send(sender=None, request=request, user=person)
        _mfa_event("mfa.failed", Outcome.FAILED)(
            sender=None, request=request, user=person, authenticator=SimpleNamespace(type="totp")
        )
    [changed] = _events(alpha, "auth.password_changed")
    [reset] = _events(alpha, "auth.password_reset")
    [mfa] = _events(alpha, "mfa.failed")
    assert changed.ip == reset.ip == mfa.ip == "198.51.100.11"
    assert mfa.outcome == Outcome.FAILED and mfa.data == {"type": "totp"}
