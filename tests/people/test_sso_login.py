"""Municipal staff sign in through their tenant's identity provider (a fake OpenID Connect
provider on 127.0.0.1): only existing, active staff of that tenant, matched by the e-mail
address the provider confirms; nobody is created, partners and strangers are refused."""

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.core.models import AuditEvent, Outcome
from programmes.people.models import Role, User
from tenants.sso import tenant_sso_configure
from tests.conftest import World, client_for
from tests.people.fake_idp import CLIENT_ID, CLIENT_SECRET, FakeIdP, running_idp


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeIdP]:
    with running_idp() as server:
        yield server


def configure(world: World, operator: User, idp: FakeIdP, *, enabled: bool = True) -> None:
    tenant_sso_configure(
        actor=operator,
        tenant=world.tenant,
        name=f"{world.slug.title()} AD",
        server_url=idp.base,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        allowed_domains=[f"{world.slug}.example"],
        enabled=enabled,
    )


@pytest.fixture
def alpha_sso(alpha: World, operator: User, idp: FakeIdP) -> FakeIdP:
    configure(alpha, operator, idp)
    return idp


def start(client: Client, idp: FakeIdP, provider_id: str = "alpha") -> str:
    """POST the login button; returns the state the provider is asked to send back."""
    response = client.post(f"/accounts/oidc/{provider_id}/login/")
    assert response.status_code == 302, response.content.decode()[:500]
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{idp.base}/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    host = client.defaults["HTTP_HOST"]
    assert query["redirect_uri"] == [f"http://{host}/accounts/oidc/{provider_id}/login/callback/"]
    return query["state"][0]


def sso_sign_in(client: Client, idp: FakeIdP, provider_id: str = "alpha"):  # type: ignore[no-untyped-def]
    state = start(client, idp, provider_id)
    return client.get(
        f"/accounts/oidc/{provider_id}/login/callback/", {"code": "the-code", "state": state}
    )


def signed_in_email(client: Client) -> str | None:
    response = client.get("/api/v1/people/me/")
    return response.json()["email"] if response.status_code == 200 else None


@pytest.mark.parametrize("persona", ["municipal_admin", "municipal_staff"])
def test_staff_sign_in_through_the_tenants_provider(
    alpha: World, alpha_sso: FakeIdP, persona: str, django_assert_max_num_queries
) -> None:
    alpha_sso.person(alpha.email(persona).upper())  # the provider's spelling may differ
    client = client_for(alpha)
    state = start(client, alpha_sso)
    with django_assert_max_num_queries(45):
        response = client.get(
            "/accounts/oidc/alpha/login/callback/", {"code": "the-code", "state": state}
        )
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert signed_in_email(client) == alpha.email(persona)
    # Helper A's MFA rule counts the provider's sign-in as strong: allauth records it.
    methods = [record["method"] for record in client.session["account_authentication_methods"]]
    assert methods == ["socialaccount"]
    # The provider was asked with our secret, once.
    assert alpha_sso.token_requests[-1]["client_secret"] == [CLIENT_SECRET]
    with tenant_context(alpha.tenant):
        account = SocialAccount.objects.get()
        assert account.user_id == alpha.users[persona].pk
        assert account.provider == "alpha"
        actions = list(
            AuditEvent.objects.filter(actor_id=alpha.users[persona].pk)
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions[-2:] == ["auth.sso_connected", "auth.login"]


def test_a_second_sign_in_uses_the_existing_link(alpha: World, alpha_sso: FakeIdP) -> None:
    alpha_sso.person(alpha.email("municipal_staff"), sub="stable-subject")
    assert sso_sign_in(client_for(alpha), alpha_sso).status_code == 302
    client = client_for(alpha)
    assert sso_sign_in(client, alpha_sso).status_code == 302
    assert signed_in_email(client) == alpha.email("municipal_staff")
    with tenant_context(alpha.tenant):
        assert SocialAccount.objects.count() == 1
        assert AuditEvent.objects.filter(action="auth.sso_connected").count() == 1
        # The password still works: nothing was wiped.
        assert User.objects.get(email=alpha.email("municipal_staff")).has_usable_password()


@pytest.mark.parametrize(
    ("email", "verified", "expected"),
    [
        ("partner-admin@alpha.example", True, "Partners sign in with their e-mail"),
        ("partner-member@alpha.example", True, "Partners sign in with their e-mail"),
        ("nobody@alpha.example", True, "already have an account here"),
        ("municipal-staff@beta.example", True, "not open to e-mail addresses of this domain"),
        ("municipal-staff@evil.example", True, "not open to e-mail addresses of this domain"),
        ("municipal-staff@alpha.example", False, "did not confirm an e-mail address"),
    ],
)
def test_others_are_refused_and_nothing_is_created(
    alpha: World,
    alpha_sso: FakeIdP,
    english_pages: None,
    email: str,
    verified: bool,
    expected: str,
) -> None:
    alpha_sso.person(email, verified=verified)
    with tenant_context(alpha.tenant):
        people = User.objects.count()
    client = client_for(alpha)
    response = sso_sign_in(client, alpha_sso)
    assert response.status_code == 403
    page = response.content.decode()
    assert expected in page
    assert "BETA-MARKER" not in page
    assert signed_in_email(client) is None
    with tenant_context(alpha.tenant):
        assert User.objects.count() == people
        assert not SocialAccount.objects.exists()
        refusal = AuditEvent.objects.get(action="auth.sso_refused")
    assert refusal.outcome == Outcome.REFUSED


def test_an_inactive_staff_member_is_refused(alpha: World, alpha_sso: FakeIdP) -> None:
    with tenant_context(alpha.tenant):
        User.objects.filter(pk=alpha.users["municipal_staff"].pk).update(is_active=False)
    alpha_sso.person(alpha.email("municipal_staff"))
    assert sso_sign_in(client_for(alpha), alpha_sso).status_code == 403


def test_a_staff_member_demoted_after_linking_is_refused(alpha: World, alpha_sso: FakeIdP) -> None:
    alpha_sso.person(alpha.email("municipal_staff"))
    assert sso_sign_in(client_for(alpha), alpha_sso).status_code == 302
    with tenant_context(alpha.tenant):
        User.objects.filter(pk=alpha.users["municipal_staff"].pk).update(role=Role.PARTNER_MEMBER)
    client = client_for(alpha)
    assert sso_sign_in(client, alpha_sso).status_code == 403
    assert signed_in_email(client) is None


def test_a_switched_off_provider_is_not_offered_and_not_usable(
    alpha: World, operator: User, idp: FakeIdP
) -> None:
    configure(alpha, operator, idp, enabled=False)
    client = client_for(alpha)
    assert "/accounts/oidc/alpha/login/" not in client.get("/accounts/login/").content.decode()
    assert client.post("/accounts/oidc/alpha/login/").status_code == 404
    assert client.get("/accounts/oidc/alpha/login/callback/", {"code": "x"}).status_code == 404


def test_another_tenants_provider_id_means_nothing_here(
    alpha: World, beta: World, alpha_sso: FakeIdP
) -> None:
    client = client_for(beta)
    assert client.post("/accounts/oidc/alpha/login/").status_code == 404
    assert client.get("/accounts/oidc/alpha/login/callback/", {"code": "x"}).status_code == 404
    assert "/accounts/oidc/" not in client.get("/accounts/login/").content.decode()


def test_a_state_from_another_tenant_or_a_forged_one_signs_nobody_in(
    alpha: World, beta: World, operator: User, idp: FakeIdP
) -> None:
    configure(alpha, operator, idp)
    configure(beta, operator, idp)
    idp.person(alpha.email("municipal_staff"))
    alpha_client = client_for(alpha)
    state = start(alpha_client, idp)
    # The state lives in alpha's session: replayed on beta's host it is unknown.
    beta_client = client_for(beta)
    response = beta_client.get(
        "/accounts/oidc/beta/login/callback/", {"code": "the-code", "state": state}
    )
    assert response.status_code != 302 or signed_in_email(beta_client) is None
    assert signed_in_email(beta_client) is None
    forged = alpha_client.get(
        "/accounts/oidc/alpha/login/callback/", {"code": "the-code", "state": "forged"}
    )
    assert forged.status_code != 302 or signed_in_email(alpha_client) is None
    assert signed_in_email(alpha_client) is None


def test_the_same_e_mail_at_two_municipalities_is_two_people(
    alpha: World, beta: World, operator: User, idp: FakeIdP
) -> None:
    configure(alpha, operator, idp)
    configure(beta, operator, idp)
    email = alpha.email("municipal_staff")
    with tenant_context(beta.tenant):
        twin = User.objects.create_user(email, "x-password-123", role=Role.MUNICIPAL_STAFF)
    idp.person(email, sub="one-person-at-the-idp")
    client = client_for(alpha)
    assert sso_sign_in(client, idp).status_code == 302
    assert signed_in_email(client) == email
    with tenant_context(beta.tenant):
        twin.refresh_from_db()
        assert twin.last_login is None
        assert not SocialAccount.objects.exists()
        assert not AuditEvent.objects.filter(action__startswith="auth.").exists()
    # Alpha's session means nothing on beta's host.
    client.defaults["HTTP_HOST"] = beta.host
    assert signed_in_email(client) is None
    # Beta's provider needs beta's domain: beta.example. The twin's alpha.example address is
    # refused there, and alpha's link is not used.
    beta_client = client_for(beta)
    assert sso_sign_in(beta_client, idp, "beta").status_code == 403
    with tenant_context(alpha.tenant):
        assert SocialAccount.objects.count() == 1


def test_the_login_page_offers_the_button_and_lets_the_form_reach_the_provider(
    alpha: World,
    beta: World,
    alpha_sso: FakeIdP,
    english_pages: None,
    django_assert_max_num_queries,
) -> None:
    with django_assert_max_num_queries(4):
        response = client_for(alpha).get("/accounts/login/")
    page = response.content.decode()
    assert 'action="/accounts/oidc/alpha/login/"' in page
    assert "Sign in with Alpha AD" in page
    policy = response["Content-Security-Policy"]
    assert f"form-action 'self' {alpha_sso.base};" in policy
    assert "style-src 'self';" in policy  # nothing else loosened
    other = client_for(beta).get("/accounts/login/")
    assert "/accounts/oidc/" not in other.content.decode()
    assert "form-action 'self';" in other["Content-Security-Policy"]


def test_the_confirmation_page_of_a_get_also_lets_its_form_reach_the_provider(
    alpha: World, alpha_sso: FakeIdP, english_pages: None
) -> None:
    response = client_for(alpha).get("/accounts/oidc/alpha/login/")
    assert response.status_code == 200
    assert "Sign in with Alpha AD" in response.content.decode()
    assert f"form-action 'self' {alpha_sso.base};" in response["Content-Security-Policy"]


def test_connecting_by_hand_from_the_account_pages_is_refused(
    alpha: World, alpha_sso: FakeIdP
) -> None:
    alpha_sso.person(alpha.email("municipal_admin"))
    client = client_for(alpha, "municipal_staff")
    response = client.post("/accounts/oidc/alpha/login/", {"process": "connect"})
    assert response.status_code == 302
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]
    callback = client.get(
        "/accounts/oidc/alpha/login/callback/", {"code": "the-code", "state": state}
    )
    assert callback.status_code == 403
    assert signed_in_email(client) == alpha.email("municipal_staff")
    with tenant_context(alpha.tenant):
        assert not SocialAccount.objects.exists()
