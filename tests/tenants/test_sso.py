"""The operator sets up a tenant's single sign-on on the platform host (page and API)."""

import re

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client
from django_tenants.utils import schema_context, tenant_context

from programmes.core.models import AuditEvent
from programmes.people.models import User
from tenants import sso
from tests.conftest import World, client_for, operator_client

SECRET = "very-secret-client-credential"
FORM = {
    "name": "Alpha AD",
    "server_url": "https://login.alpha.example/realms/staff",
    "client_id": "klimapartner",
    "client_secret": SECRET,
    "allowed_domains": "alpha.example\n@Alpha-Staff.example",
    "enabled": "on",
}


def app_of(world: World) -> SocialApp | None:
    with tenant_context(world.tenant):
        return SocialApp.objects.filter(provider="openid_connect").first()


def test_the_operator_sees_the_page_with_the_redirect_address(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(8):
        response = client.get("/tenants/alpha/sso/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "http://alpha.localhost/accounts/oidc/alpha/login/callback/" in page
    assert 'for="id_client_secret"' in page
    detail = client.get("/tenants/alpha/").content.decode()
    assert 'href="/tenants/alpha/sso/"' in detail


def test_the_operator_sets_up_the_provider_in_the_tenants_schema(
    alpha: World, beta: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(16):
        response = client.post("/tenants/alpha/sso/", FORM)
    assert response.status_code == 302
    app = app_of(alpha)
    assert app is not None
    assert (app.provider_id, app.name, app.client_id, app.secret) == (
        "alpha",
        "Alpha AD",
        "klimapartner",
        SECRET,
    )
    assert app.settings == {
        "server_url": "https://login.alpha.example/realms/staff",
        "allowed_domains": ["alpha.example", "alpha-staff.example"],
        "enabled": True,
    }
    assert app_of(beta) is None
    with schema_context("public"):
        assert not SocialApp.objects.exists()


def test_the_secret_is_never_shown_and_a_blank_one_keeps_it(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    client.post("/tenants/alpha/sso/", FORM)
    page = client.get("/tenants/alpha/sso/").content.decode()
    assert SECRET not in page
    assert "Alpha AD" in page
    response = client.post("/tenants/alpha/sso/", {**FORM, "client_secret": "", "enabled": ""})
    assert response.status_code == 302
    app = app_of(alpha)
    assert app is not None
    assert app.secret == SECRET
    assert app.settings["enabled"] is False
    client.post("/tenants/alpha/sso/", {**FORM, "client_secret": "new-one"})
    assert app_of(alpha).secret == "new-one"  # type: ignore[union-attr]
    with tenant_context(alpha.tenant):
        assert SocialApp.objects.count() == 1


def test_changes_are_audited_in_both_schemas_without_the_secret(
    alpha: World, operator: User
) -> None:
    operator_client(operator).post("/tenants/alpha/sso/", FORM)
    with schema_context("public"):
        public = AuditEvent.objects.get(action="tenant.sso_configured")
    with tenant_context(alpha.tenant):
        local = AuditEvent.objects.get(action="sso.configured")
    assert public.actor_id == operator.pk
    assert local.actor_id is None
    assert local.actor_label == operator.email
    for entry in (public, local):
        assert entry.data["client_credential_replaced"] is True
        assert SECRET not in str(entry.data)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"server_url": "not a url"}, "server_url", "address"),
        ({"server_url": "ftp://login.alpha.example"}, "server_url", "address"),
        ({"server_url": "https://login.alpha.example/?x=1"}, "server_url", "query"),
        ({"client_secret": ""}, "client_secret", "client secret"),
        ({"allowed_domains": "alpha.example not_a_domain"}, "allowed_domains", "not_a_domain"),
        ({"allowed_domains": " "}, "allowed_domains", "This field is required"),
        ({"name": ""}, "name", "This field is required"),
        ({"client_id": "x" * 200}, "client_id", "191"),
    ],
)
def test_bad_input_is_refused_with_errors_tied_to_the_inputs(
    alpha: World, operator: User, english_pages: None, changes: dict, field: str, message: str
) -> None:
    client = operator_client(operator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post("/tenants/alpha/sso/", {**FORM, **changes})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    [described_by] = re.findall(rf'name="{field}"[^>]*aria-describedby="([^"]*)"', page)
    assert f"id_{field}_error" in described_by.split()
    assert message in page
    assert app_of(alpha) is None


def test_production_requires_https(alpha: World, operator: User, settings) -> None:
    settings.IS_PRODUCTION = True
    client = operator_client(operator)
    response = client.post("/tenants/alpha/sso/", {**FORM, "server_url": "http://idp.example"})
    assert response.status_code == 200
    assert 'id="id_server_url_error"' in response.content.decode()
    assert app_of(alpha) is None


def test_an_unknown_tenant_is_not_found(operator: User, alpha: World) -> None:
    assert operator_client(operator).get("/tenants/nowhere/sso/").status_code == 404
    assert operator_client(operator).get("/api/v1/tenant-sso/nowhere/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(alpha: World) -> None:
    response = Client(HTTP_HOST="localhost").get("/tenants/alpha/sso/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert Client(HTTP_HOST="localhost").post("/tenants/alpha/sso/", FORM).status_code == 302
    assert app_of(alpha) is None


@pytest.mark.parametrize(
    "persona",
    [
        "municipal_admin",
        "municipal_staff",
        "partner_admin",
        "partner_member",
        "other_partner_member",
    ],
)
def test_tenant_people_cannot_set_it_up_even_with_colliding_ids(alpha: World, persona: str) -> None:
    client = client_for(alpha, persona)
    client.defaults["HTTP_HOST"] = "localhost"
    assert client.get("/tenants/alpha/sso/").status_code in {302, 403}
    assert client.post("/tenants/alpha/sso/", FORM).status_code in {302, 403}
    assert client.put(
        "/api/v1/tenant-sso/alpha/", FORM, content_type="application/json"
    ).status_code in {401, 403}
    assert app_of(alpha) is None


def test_the_tenant_host_has_no_such_page(alpha: World) -> None:
    assert client_for(alpha, "municipal_admin").get("/tenants/alpha/sso/").status_code == 404


API_BODY = {
    "name": "Alpha AD",
    "server_url": "https://login.alpha.example",
    "client_id": "klimapartner",
    "client_secret": SECRET,
    "allowed_domains": ["alpha.example"],
    "enabled": True,
}


def test_the_operator_api_reads_and_sets_it_without_ever_returning_the_secret(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    assert client.get("/api/v1/tenant-sso/alpha/").status_code == 404
    with django_assert_max_num_queries(14):
        response = client.put(
            "/api/v1/tenant-sso/alpha/", API_BODY, content_type="application/json"
        )
    assert response.status_code == 200, response.content
    body = response.json()
    assert "client_secret" not in body
    assert body["has_secret"] is True
    assert body["login_path"] == "/accounts/oidc/alpha/login/"
    with django_assert_max_num_queries(6):
        read = client.get("/api/v1/tenant-sso/alpha/")
    assert read.json() == body
    assert SECRET not in read.content.decode()
    kept = client.put(
        "/api/v1/tenant-sso/alpha/",
        {**API_BODY, "client_secret": "", "enabled": False},
        content_type="application/json",
    )
    assert kept.json()["enabled"] is False
    assert app_of(alpha).secret == SECRET  # type: ignore[union-attr]


def test_the_api_refuses_bad_input_and_anonymous_callers(alpha: World, operator: User) -> None:
    client = operator_client(operator)
    bad = client.put(
        "/api/v1/tenant-sso/alpha/",
        {**API_BODY, "server_url": "javascript:alert(1)", "allowed_domains": []},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert set(bad.json()) == {"server_url", "allowed_domains"}
    anonymous = Client(HTTP_HOST="localhost").put(
        "/api/v1/tenant-sso/alpha/", API_BODY, content_type="application/json"
    )
    assert anonymous.status_code in {401, 403}
    assert app_of(alpha) is None


def test_parse_domains_accepts_lines_commas_and_at_signs() -> None:
    assert sso.parse_domains(" A.example, @b.example\nc.example a.example ") == [
        "a.example",
        "b.example",
        "c.example",
    ]
