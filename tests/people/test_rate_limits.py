"""Rate limits on sign-in, password reset, invitations, applications and API tokens: keyed
by the client address of programmes.core.audit.client_ip (a forged X-Forwarded-For changes
nothing) and by the tenant (the cache's keys carry the schema)."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent, Outcome
from programmes.people import services
from programmes.people.models import Invitation, Role
from tests.conftest import BUSINESS_IDS, PASSWORD, World, client_for
from tests.partners.test_journey import APPLICATION

# ACCOUNT_RATE_LIMITS["login_failed"] = "10/m/ip,5/5m/key" (the real setting, not lowered).
FAILED_PER_IP = 10
FAILED_PER_EMAIL = 5
TOO_MANY = "Too many failed login attempts"


def sign_in(client: Client, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password}, **headers)


def fail_from(client: Client, count: int, **headers: str) -> None:
    for n in range(count):
        response = sign_in(client, f"nobody-{n}@alpha.example", "wrong-password", **headers)
        assert response.status_code == 200
        assert TOO_MANY not in response.content.decode()


def test_the_attempt_after_too_many_failed_sign_ins_is_refused_even_with_the_right_password(
    alpha: World, english_pages: None
) -> None:
    client = client_for(alpha)
    fail_from(client, FAILED_PER_IP)
    response = sign_in(client, alpha.email("municipal_admin"), PASSWORD)
    assert response.status_code == 200
    assert TOO_MANY in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_refused_sign_in_is_in_the_audit_trail(alpha: World) -> None:
    client = client_for(alpha)
    fail_from(client, FAILED_PER_IP)
    sign_in(client, alpha.email("municipal_admin"), PASSWORD)
    with tenant_context(alpha.tenant):
        failed = AuditEvent.objects.filter(action="auth.login_failed", outcome=Outcome.FAILED)
        refused = AuditEvent.objects.get(action="auth.login_rate_limited")
        assert failed.count() == FAILED_PER_IP
    assert refused.outcome == Outcome.REFUSED
    assert refused.actor_id == alpha.users["municipal_admin"].pk
    assert refused.ip == "127.0.0.1"


def test_one_e_mail_address_is_locked_after_five_failures_from_any_address(
    alpha: World, english_pages: None
) -> None:
    for n in range(FAILED_PER_EMAIL):
        client = Client(HTTP_HOST=alpha.host, REMOTE_ADDR=f"198.51.100.{n + 1}")
        response = sign_in(client, alpha.email("partner_admin"), "wrong-password")
        assert TOO_MANY not in response.content.decode()
    client = Client(HTTP_HOST=alpha.host, REMOTE_ADDR="198.51.100.99", HTTP_ACCEPT_LANGUAGE="en")
    assert TOO_MANY in sign_in(client, alpha.email("partner_admin"), PASSWORD).content.decode()


def test_a_forged_forwarded_for_does_not_reset_the_count_without_proxies(
    alpha: World, settings, english_pages: None
) -> None:
    settings.TRUSTED_PROXY_COUNT = 0
    client = client_for(alpha)
    for n in range(FAILED_PER_IP):
        sign_in(client, f"nobody-{n}@alpha.example", "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    response = sign_in(
        client, alpha.email("municipal_admin"), PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.77"
    )
    assert TOO_MANY in response.content.decode()


def test_behind_one_proxy_only_the_right_most_hop_counts(
    alpha: World, settings, english_pages: None
) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(HTTP_HOST=alpha.host, REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="en")
    for n in range(FAILED_PER_IP):
        # The client writes anything left of the proxy's hop; the proxy appends the real one.
        sign_in(
            proxy,
            f"nobody-{n}@alpha.example",
            "wrong",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        )
    forged = sign_in(
        proxy,
        alpha.email("municipal_admin"),
        PASSWORD,
        HTTP_X_FORWARDED_FOR="192.0.2.1, 192.0.2.2, 198.51.100.7",
    )
    assert TOO_MANY in forged.content.decode()
    # Someone else behind the same proxy is not locked out.
    other = sign_in(
        proxy, alpha.email("municipal_admin"), PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302


def test_the_limits_are_per_tenant(alpha: World, beta: World) -> None:
    fail_from(client_for(alpha), FAILED_PER_IP)
    response = sign_in(client_for(beta), beta.email("municipal_admin"), PASSWORD)
    assert response.status_code == 302


def test_too_many_sign_in_posts_get_a_translated_429_page(alpha: World, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "3/m/ip"}
    client = client_for(alpha)
    for _n in range(3):
        assert sign_in(client, "nobody@alpha.example", "wrong").status_code == 200
    response = sign_in(client, alpha.email("municipal_admin"), PASSWORD)
    assert response.status_code == 429
    assert response["Content-Language"] == "da"
    assert "<h1>" in response.content.decode()
    assert "BETA-MARKER" not in response.content.decode()


def test_password_reset_requests_are_limited_per_address(alpha: World) -> None:
    client = client_for(alpha)
    statuses = [
        client.post(
            "/accounts/password/reset/", {"email": alpha.email("partner_admin")}
        ).status_code
        for _n in range(6)
    ]
    # "reset_password": "20/m/ip,5/m/key": the sixth request for one address is refused.
    assert statuses == [302] * 5 + [429]


def test_password_reset_limits_are_per_tenant(alpha: World, beta: World) -> None:
    for _n in range(5):
        client_for(alpha).post("/accounts/password/reset/", {"email": "x@alpha.example"})
    response = client_for(beta).post("/accounts/password/reset/", {"email": "x@alpha.example"})
    assert response.status_code == 302


@pytest.fixture
def low_invitation_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "INVITATIONS_PER_INVITER", (2, 3600))
    monkeypatch.setattr(services, "INVITATIONS_PER_TENANT", (3, 3600))


def invite(world: World, persona: str, n: int) -> Invitation:
    with tenant_context(world.tenant):
        return services.invitation_create(
            actor=world.users[persona],
            email=f"new-{persona}-{n}@example.org",
            role=Role.MUNICIPAL_STAFF,
        )


def test_an_inviter_is_limited(alpha: World, low_invitation_limits: None) -> None:
    invite(alpha, "municipal_admin", 1)
    invite(alpha, "municipal_admin", 2)
    with pytest.raises(ValidationError) as refused:
        invite(alpha, "municipal_admin", 3)
    assert refused.value.error_dict["email"][0].code == "rate_limited"
    with tenant_context(alpha.tenant):
        assert Invitation.objects.filter(email__startswith="new-").count() == 2


def test_a_tenant_is_limited_across_inviters_but_not_another_tenant(
    alpha: World, beta: World, low_invitation_limits: None
) -> None:
    invite(alpha, "municipal_admin", 1)
    invite(alpha, "municipal_admin", 2)
    invite(alpha, "municipal_staff", 1)
    with pytest.raises(ValidationError):
        invite(alpha, "municipal_staff", 2)
    invite(beta, "municipal_admin", 1)  # beta's quota is its own


def test_the_systems_invitations_are_not_limited(alpha: World, low_invitation_limits: None) -> None:
    with tenant_context(alpha.tenant):
        for n in range(4):
            services.invitation_create(
                actor=None, email=f"sys-{n}@example.org", role="municipal_staff"
            )


def test_the_api_answers_400_with_the_message_when_invitations_are_limited(
    alpha: World, low_invitation_limits: None, english_pages: None, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, "municipal_admin")
    for n in range(2):
        response = client.post(
            "/api/v1/invitations/",
            {"email": f"api-{n}@example.org", "role": "municipal_staff"},
            content_type="application/json",
        )
        assert response.status_code == 201
    with django_assert_max_num_queries(8):
        response = client.post(
            "/api/v1/invitations/",
            {"email": "api-3@example.org", "role": "municipal_staff"},
            content_type="application/json",
        )
    assert response.status_code == 400
    assert response.json() == {
        "email": ["Too many invitations were sent in the last hour. Please try later."]
    }


def test_partner_applications_are_limited_per_address(alpha: World, settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "partner_apply": "1/h/ip"}
    data = {**APPLICATION, "business_id": BUSINESS_IDS["DK"][2], "language": "da"}
    first = Client(HTTP_HOST=alpha.host).post("/apply/", {**data, "email": "one@org.example"})
    assert first.status_code == 302, first.content.decode()[:2000]
    second = Client(HTTP_HOST=alpha.host).post("/apply/", {**data, "email": "two@org.example"})
    assert second.status_code == 429
    # Another address may still apply; an invalid form is never counted.
    other = Client(HTTP_HOST=alpha.host, REMOTE_ADDR="198.51.100.5")
    assert other.post("/apply/", {"email": "bad"}).status_code == 200


def test_api_token_requests_are_throttled(alpha: World) -> None:
    client = client_for(alpha)
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"email": alpha.email("municipal_admin"), "password": "wrong"},
            content_type="application/json",
        ).status_code
        for _n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_a_second_host_of_the_tenant_gives_no_second_budget(
    alpha: World, english_pages: None
) -> None:
    alpha.tenant.domains.create(domain="alpha-custom.localhost", is_primary=False)
    for n in range(FAILED_PER_EMAIL):
        client = Client(HTTP_HOST=alpha.host, REMOTE_ADDR=f"198.51.100.{n + 1}")
        sign_in(client, alpha.email("partner_admin"), "wrong-password")
    other_host = Client(
        HTTP_HOST="alpha-custom.localhost",
        REMOTE_ADDR="198.51.100.99",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    response = sign_in(other_host, alpha.email("partner_admin"), PASSWORD)
    assert TOO_MANY in response.content.decode()
