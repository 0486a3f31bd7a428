"""One-click unsubscribe: the link in a newsletter works without signing in (GET asks,
POST unsubscribes; mail providers POST per RFC 8058 without a session), only on the tenant
that made it, and a forged token changes nothing."""

import re

import pytest
from django.core import mail, signing
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.communication import services
from programmes.communication.models import NotificationPreference
from programmes.communication.tokens import SALT, unsubscribe_token
from programmes.core.models import AuditEvent
from tests.communication.conftest import announcement
from tests.conftest import World, client_for


def _newsletter_link(world: World, capture, category: str = "procurement") -> str:
    """Send a newsletter; the partner admin's List-Unsubscribe URL as a path."""
    with tenant_context(world.tenant):
        draft = announcement(world, category=category)
    with tenant_context(world.tenant), capture(execute=True):
        services.announcement_send(actor=world.users["municipal_staff"], announcement=draft)
    [message] = [m for m in mail.outbox if m.to == [world.email("partner_admin")]]
    url = message.extra_headers["List-Unsubscribe"].strip("<>")
    return re.sub(r"^http://[^/]+", "", url)


def _preference(world: World, email: str) -> NotificationPreference | None:
    with tenant_context(world.tenant):
        return NotificationPreference.objects.filter(email=email).first()


def test_get_asks_and_post_unsubscribes_from_the_category(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    path = _newsletter_link(alpha, django_capture_on_commit_callbacks)
    client = client_for(alpha)
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1 and 'method="post"' in html
    assert alpha.email("partner_admin") in html
    assert _preference(alpha, alpha.email("partner_admin")) is None  # GET changes nothing
    done = client.post(path)
    assert done.status_code == 200
    preference = _preference(alpha, alpha.email("partner_admin"))
    assert preference.categories_off == ["procurement"] and not preference.newsletters_off
    assert client.post(path).status_code == 200  # again: the same choice
    assert _preference(alpha, alpha.email("partner_admin")).categories_off == ["procurement"]
    with tenant_context(alpha.tenant):
        event = AuditEvent.objects.filter(action="notification_preference.saved").first()
        assert event.actor_label == "system" and "procurement" in event.reason
    # The next procurement notice skips the address; news still comes.
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        again = announcement(alpha, category="procurement")
        news = announcement(alpha, category="news")
    with tenant_context(alpha.tenant), django_capture_on_commit_callbacks(execute=True):
        services.announcement_send(actor=alpha.users["municipal_staff"], announcement=again)
        services.announcement_send(actor=alpha.users["municipal_staff"], announcement=news)
    received = [m.subject for m in mail.outbox if m.to == [alpha.email("partner_admin")]]
    assert len(received) == 1


def test_a_mail_providers_one_click_post_works_without_a_session_or_csrf(
    alpha: World, django_capture_on_commit_callbacks
) -> None:
    path = _newsletter_link(alpha, django_capture_on_commit_callbacks)
    client = Client(HTTP_HOST=alpha.host, enforce_csrf_checks=True)
    response = client.post(
        path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert _preference(alpha, alpha.email("partner_admin")).categories_off == ["procurement"]


def test_the_all_link_stops_every_newsletter(alpha: World) -> None:
    with tenant_context(alpha.tenant):
        token = unsubscribe_token(email="Someone@Example.org", category="all")
    assert client_for(alpha).post(f"/unsubscribe/{token}/").status_code == 200
    preference = _preference(alpha, "someone@example.org")
    assert preference.newsletters_off and not preference.wants("news")


def test_a_token_of_alpha_is_refused_on_beta(
    alpha: World, beta: World, django_capture_on_commit_callbacks
) -> None:
    path = _newsletter_link(alpha, django_capture_on_commit_callbacks)
    client = client_for(beta)
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    # The same address exists in beta (the personas' addresses differ, so use alpha's).
    assert _preference(beta, alpha.email("partner_admin")) is None
    assert _preference(alpha, alpha.email("partner_admin")) is None


def test_a_token_naming_another_schema_is_refused_even_when_signed_for_this_one(
    alpha: World, beta: World
) -> None:
    # Signed with beta's salt but claiming alpha: neither tenant accepts it.
    token = signing.dumps(
        {"t": "alpha", "e": "x@example.org", "c": "news"}, salt=f"{SALT}:beta", compress=True
    )
    assert client_for(alpha).post(f"/unsubscribe/{token}/").status_code == 404
    assert client_for(beta).post(f"/unsubscribe/{token}/").status_code == 404
    assert _preference(alpha, "x@example.org") is None
    assert _preference(beta, "x@example.org") is None


@pytest.mark.parametrize(
    "forge",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: signing.dumps({"t": "alpha", "e": "x@example.org", "c": "news"}),
        lambda token: signing.dumps(
            {"t": "alpha", "e": "x@example.org", "c": "news"}, key="guessed", salt=f"{SALT}:alpha"
        ),
        lambda token: "not-a-token",
    ],
)
def test_a_forged_token_is_refused_and_changes_nothing(alpha: World, forge) -> None:
    with tenant_context(alpha.tenant):
        token = unsubscribe_token(email="x@example.org", category="news")
    forged = forge(token)
    client = client_for(alpha)
    assert client.get(f"/unsubscribe/{forged}/").status_code == 404
    assert client.post(f"/unsubscribe/{forged}/").status_code == 404
    assert _preference(alpha, "x@example.org") is None
    with tenant_context(alpha.tenant):
        assert not AuditEvent.objects.filter(action="notification_preference.saved").exists()
