"""Figure 4: the public partner directory and the staff partner list of a tenant with the
big partner list, p95 under 4 concurrent clients against the production WSGI application
in gunicorn (2 workers; the clients run on the same machine and take CPU from it), and
whether their query count depends on the number of partners (test client)."""

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import tenant_context

from programmes.people.models import User
from programmes.people.testing import sign_in
from tenants.benchmark import server
from tenants.benchmark.core import Bench, Figure, at_most, percentile
from tenants.models import Tenant
from tenants.selectors import primary_host, tenant_by_slug

TARGET_MS = 40.0
CLIENTS = 4
PAGES = {"directory": ("/directory/", False), "staff_partner_list": ("/partners/", True)}


def signed_in_client(tenant: Tenant | None, host: str, email: str) -> Client:
    """A client signed in as ``email`` with the session a password + MFA login leaves
    (what ``programmes.people.mfa`` reads), in the tenant's schema or the public one."""
    client = Client(HTTP_HOST=host)
    if tenant is None:
        connection.set_schema_to_public()
        sign_in(client, User.objects.get(email=email))
    else:
        with tenant_context(tenant):
            sign_in(client, User.objects.get(email=email))
    connection.set_schema_to_public()
    return client


def _client_for(bench: Bench, tenant: Tenant, staff: bool) -> Client:
    host = primary_host(tenant)
    return signed_in_client(tenant, host, bench.staff_email) if staff else Client(HTTP_HOST=host)


def _queries(client: Client, path: str) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    connection.set_schema_to_public()
    return len(captured.captured_queries)


def _cookie(client: Client) -> str:
    session = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={session.value}" if session else ""


def pages(bench: Bench) -> list[Figure]:
    big = tenant_by_slug(bench.big_slugs[0])
    small_slugs = [slug for slug in bench.slugs if slug not in bench.big_slugs]
    small = tenant_by_slug(small_slugs[0]) if small_slugs else None
    assert big is not None
    host = primary_host(big)
    figures = []
    with server.gunicorn(bench, server.product_application(), {}) as port:
        for name, (path, staff) in PAGES.items():
            cookie = _cookie(_client_for(bench, big, staff)) if staff else ""
            server.load(  # warm-up
                port, host, path, clients=CLIENTS, seconds=min(bench.duration, 1.0), cookie=cookie
            )
            run = server.load(
                port, host, path, clients=CLIENTS, seconds=bench.duration, cookie=cookie
            )
            p95 = 1000 * percentile(run.latencies, 0.95)
            p50 = 1000 * percentile(run.latencies, 0.50)
            note = (
                f"{bench.partners_big} partners, {CLIENTS} concurrent clients, "
                f"{len(run.latencies)} requests ({run.per_second:.0f}/s), p50 {p50:.1f} ms"
            )
            figures.append(at_most(f"pages.{name}_p95", p95, "ms", TARGET_MS, note))
    for name, (path, staff) in PAGES.items():
        if small is None:
            break
        on_big = _queries(_client_for(bench, big, staff), path)
        on_small = _queries(_client_for(bench, small, staff), path)
        figures.append(
            at_most(
                f"pages.{name}_extra_queries_with_more_partners",
                on_big - on_small,
                "queries",
                0,
                f"{on_big} queries with {bench.partners_big} partners, {on_small} with "
                f"{bench.partners_small}",
            )
        )
    return figures
