"""The operator console and the operator API on the platform host."""

import pytest
from django.test import Client
from django_tenants.utils import schema_exists

from programmes.people.models import User
from tenants.models import Tenant
from tests.conftest import World, client_for, operator_client

CONSOLE_PAGES = [
    "/",
    "/?q=alpha&country=DK&status=active&health=ok&sort=-name",
    "/tenants/new/",
    "/tenants/alpha/",
    "/tenants/alpha/onboarding/",
    "/api/v1/tenants/",
    "/api/v1/tenants/?search=alpha&country=DK&status=active",
    "/api/v1/tenants/alpha/",
    "/api/schema/",
    "/api/docs/",
]

ONBOARDING = {
    "name": "Odense Kommune",
    "slug": "odense",
    "kind": "municipality",
    "country": "DK",
    "language": "da",
    "preset": "neutral",
    "admin_email": "klima@odense.example",
}


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_an_operator_sees_the_console(
    alpha: World, beta: World, operator: User, path: str, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(6):
        response = client.get(path)
    assert response.status_code == 200
    assert "ALPHA-MARKER programme" not in response.content.decode()  # no tenant content


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in_or_refused(alpha: World, path: str) -> None:
    response = Client(HTTP_HOST="localhost").get(path)
    assert response.status_code in {302, 401}
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_tenant_users_cannot_reach_the_console_even_with_colliding_ids(
    alpha: World, path: str
) -> None:
    # A session of alpha's admin (user id 1, like the operator) replayed on the platform host.
    client = client_for(alpha, "municipal_admin")
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.get(path)
    assert response.status_code in {302, 401}


@pytest.mark.parametrize("path", ["/tenants/", "/tenants/new/", "/api/v1/tenants/"])
def test_the_console_is_not_served_on_tenant_hosts(alpha: World, path: str) -> None:
    assert client_for(alpha, "municipal_admin").get(path).status_code == 404


def test_the_tenant_list_costs_the_same_queries_for_more_tenants(
    alpha: World, beta: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(5):
        response = client.get("/")
    assert "ALPHA-MARKER municipality" in response.content.decode()
    assert "BETA-MARKER municipality" in response.content.decode()


def _names(response) -> set[str]:  # type: ignore[no-untyped-def]
    body = response.content.decode()
    return {name for name in ("ALPHA-MARKER", "BETA-MARKER") if f"{name} municipality" in body}


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?q=beta", {"BETA-MARKER"}),
        ("?q=%20beta%20", {"BETA-MARKER"}),
        ("?q=ALPHA-marker%20MUNI", {"ALPHA-MARKER"}),
        ("?country=SE", {"BETA-MARKER"}),
        ("?country=DK&q=beta", set()),
        ("?status=suspended", set()),
        ("?status=active&sort=-name", {"ALPHA-MARKER", "BETA-MARKER"}),
        # Not a country: the form says so and filters nothing.
        ("?country=XX&q=beta", {"ALPHA-MARKER", "BETA-MARKER"}),
    ],
)
def test_the_console_searches_and_filters_the_tenants(
    alpha: World, beta: World, operator: User, query: str, shown: set[str]
) -> None:
    response = operator_client(operator).get(f"/{query}")
    assert response.status_code == 200
    assert _names(response) == shown
    body = response.content.decode()
    assert 'role="search"' in body
    assert '<label for="id_q"' in body
    if not shown:
        assert "No tenant matches these filters." in body
    if "XX" in query:
        assert 'aria-invalid="true"' in body
    if "sort=-name" in query:
        assert '<input type="hidden" name="sort" value="-name">' in body


def test_the_api_lists_tenants_searched_and_filtered_and_refuses_bad_filters(
    alpha: World, beta: World, operator: User
) -> None:
    client = operator_client(operator)

    def slugs(query: str) -> list[str]:
        response = client.get(f"/api/v1/tenants/{query}")
        assert response.status_code == 200, response.content
        return sorted(row["slug"] for row in response.json()["results"])

    assert {"alpha", "beta"} <= set(slugs(""))
    assert slugs("?search=BETA") == ["beta"]
    assert slugs("?search=%20BETA%20") == ["beta"]
    assert slugs("?country=DK&search=a") == ["alpha"]
    assert slugs("?status=suspended&search=a") == []
    refused = client.get("/api/v1/tenants/?country=XX&status=gone")
    assert refused.status_code == 400
    assert set(refused.json()) == {"country", "status"}


def test_an_operator_onboards_a_tenant_from_the_console(
    alpha: World, operator: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = operator_client(operator)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/tenants/new/", ONBOARDING)
    assert response.status_code == 302
    assert response["Location"] == "/tenants/odense/"
    # The request returns at once; the worker makes the schema (tests/tenants/test_provisioning.py
    # follows the progress).
    assert not Tenant.objects.get(schema_name="odense").ready
    assert not schema_exists("odense")
    for task in queued:
        task()
    assert Tenant.objects.get(schema_name="odense").ready
    assert schema_exists("odense")


def test_the_console_form_shows_errors_and_creates_nothing(alpha: World, operator: User) -> None:
    response = operator_client(operator).post(
        "/tenants/new/", {**ONBOARDING, "slug": "alpha", "admin_email": "nope"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'role="alert"' in body
    assert Tenant.objects.filter(schema_name__in=["odense", "alpha"]).count() == 1


def test_an_operator_onboards_a_tenant_through_the_api(
    alpha: World, operator: User, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = operator_client(operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/tenants/",
            {**ONBOARDING, "other_languages": ["en"]},
            content_type="application/json",
        )
    assert response.status_code == 202, response.content
    assert response["Location"] == "/api/v1/tenants/odense/"
    assert response.json()["slug"] == "odense"
    assert response.json()["domains"] == ["odense.localhost"]
    assert response.json()["ready"] is False
    assert response.json()["onboarding"]["step"] == "queued"
    # The worker (run eagerly here once the request committed) has made it ready since.
    assert schema_exists("odense")
    tenant = client.get("/api/v1/tenants/odense/").json()
    assert tenant["ready"] is True
    assert tenant["onboarding"]["step"] == "ready"
    assert tenant["onboarding"]["schema_method"] == "blueprint"


def test_the_api_refuses_bad_onboarding_input(alpha: World, operator: User) -> None:
    response = operator_client(operator).post(
        "/api/v1/tenants/", {**ONBOARDING, "slug": "Bad Slug"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "slug" in response.json()
    assert not Tenant.objects.filter(name="Odense Kommune").exists()


def test_the_operator_api_schema_is_served(alpha: World, operator: User) -> None:
    response = operator_client(operator).get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/tenants/" in response.content
