import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenants.models import Domain
from tenants.selectors import forget_tenant_hosts
from tests.conftest import World, client_for


def test_each_host_is_routed_to_its_own_tenant(alpha: World, beta: World) -> None:
    assert "ALPHA-MARKER programme" in client_for(alpha).get("/").content.decode()
    assert "BETA-MARKER programme" in client_for(beta).get("/").content.decode()


def test_an_unknown_host_is_not_found(alpha: World) -> None:
    assert Client(HTTP_HOST="nowhere.localhost").get("/").status_code == 404


def test_a_host_outside_the_allowed_hosts_is_refused(alpha: World) -> None:
    assert Client(HTTP_HOST="alpha.evil.example").get("/").status_code == 400


def test_the_platform_host_serves_the_operator_console_not_a_tenant(alpha: World) -> None:
    response = Client(HTTP_HOST="localhost").get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_custom_domain_routes_to_its_tenant(alpha: World) -> None:
    Domain.objects.create(domain="klima.alpha-kommune.example", tenant=alpha.tenant)
    response = Client(HTTP_HOST="klima.alpha-kommune.example").get("/")
    # Not in ALLOWED_HOSTS by default in development: operators list custom domains there.
    assert response.status_code == 400


@pytest.mark.parametrize("status", ["suspended", "offboarded"])
def test_a_tenant_that_is_not_active_shows_a_notice(alpha: World, status: str) -> None:
    alpha.tenant.status = status
    alpha.tenant.save(update_fields=["status"])
    forget_tenant_hosts(alpha.tenant)
    response = client_for(alpha).get("/")
    assert response.status_code == 503
    assert "ALPHA-MARKER programme" not in response.content.decode()


def test_the_tenant_lookup_is_cached(alpha: World) -> None:
    client = client_for(alpha)
    client.get("/")
    connection.set_schema_to_public()
    # Second request: one SET search_path, then the page's own queries; no domain lookup.
    with CaptureQueriesContext(connection) as captured:
        client.get("/")
    statements = [query["sql"] for query in captured.captured_queries]
    assert statements[0].startswith("SET search_path")
    assert sum(sql.startswith("SET search_path") for sql in statements) == 1
    assert not any("tenants_domain" in sql for sql in statements)


def test_pages_answer_in_the_tenants_primary_language(alpha: World, beta: World) -> None:
    assert client_for(alpha).get("/")["Content-Language"] == "da"
    assert client_for(beta).get("/")["Content-Language"] == "sv"


def test_the_browser_language_is_used_when_the_tenant_offers_it(alpha: World) -> None:
    response = client_for(alpha).get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert response["Content-Language"] == "en"
    response = client_for(alpha).get("/", HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9")
    assert response["Content-Language"] == "da"  # alpha does not offer Finnish


def test_the_language_switcher_changes_the_language(alpha: World) -> None:
    client = client_for(alpha)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert client.get("/")["Content-Language"] == "en"


def test_a_language_the_tenant_does_not_offer_cannot_be_chosen(alpha: World) -> None:
    client = client_for(alpha)
    client.post("/i18n/setlang/", {"language": "fi", "next": "/"})
    assert client.get("/")["Content-Language"] == "da"


def test_a_connection_that_served_the_same_schema_keeps_its_search_path(
    alpha: World, beta: World
) -> None:
    """A persistent connection's search_path is set once per schema change, not once per
    request: the second request to the same host runs no SET; another host's request does,
    and gets its own tenant's content."""
    client = client_for(alpha)

    def sets(host_client: Client, path: str = "/directory/") -> tuple[int, str]:
        with CaptureQueriesContext(connection) as queries:
            body = host_client.get(path).content.decode()
        return sum("SET search_path" in query["sql"] for query in queries), body

    sets(client)
    sets(client_for(beta))  # both hosts' routing cached: no lookup query below
    assert sets(client)[0] == 1
    count, body = sets(client)
    assert count == 0
    assert "ALPHA-MARKER" in body
    count, body = sets(client_for(beta))
    assert count == 1
    assert "BETA-MARKER" in body and "ALPHA-MARKER" not in body
    count, body = sets(client)
    assert count == 1
    assert "ALPHA-MARKER" in body and "BETA-MARKER" not in body


def test_each_process_remembers_hosts_briefly_and_forgets_them_on_change(
    alpha: World, settings, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    from django.core.cache import cache

    from tenants import selectors

    settings.TENANT_LOCAL_CACHE_SECONDS = 5
    selectors._local_hosts.clear()
    try:
        first = selectors.tenant_for_host("alpha.localhost")
        cache.clear()  # the shared cache gone: memory answers, without a query
        with django_assert_num_queries(0):
            again = selectors.tenant_for_host("alpha.localhost")
        assert again == first and again is not first, "each caller gets its own copy"
        again.name = "changed by a caller"
        assert selectors.tenant_for_host("alpha.localhost").name != "changed by a caller"
        selectors.forget_host("alpha.localhost")  # what the services call after a change
        with django_assert_num_queries(1):
            selectors.tenant_for_host("alpha.localhost")
    finally:
        selectors._local_hosts.clear()
