"""Figure 7: the memory a persistent connection holds after serving as many tenants as
``DB_CONNECTION_MAX_SCHEMAS`` allows (tenants.connections closes it after that many), against
the issue's 50 MiB. PostgreSQL caches the catalogue of every table a connection has used, per
schema; this is what grows.

One connection serves the staff pages of up to that many bench tenants (as one web process's
connection would, in turn), with the cap and Django's own closing switched off for the
measurement, and the backend's memory contexts are summed before and after.
"""

from django.conf import settings
from django.core.signals import request_finished
from django.db import close_old_connections, connection

from tenants import connections
from tenants.benchmark.core import Bench, Figure, at_most
from tenants.benchmark.pages import signed_in_client
from tenants.selectors import primary_host, tenant_by_slug

TARGET_MIB = 50.0
PATHS = ("/", "/directory/", "/partners/", "/dashboard/")


def _backend_mib() -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(total_bytes) FROM pg_backend_memory_contexts")
        return float(cursor.fetchone()[0]) / 1024 / 1024


def connection_memory(bench: Bench) -> list[Figure]:
    cap = settings.DB_CONNECTION_MAX_SCHEMAS
    slugs = bench.slugs[:cap]
    request_finished.disconnect(close_old_connections)
    request_finished.disconnect(dispatch_uid="kp_schema_cap")
    try:
        clients = []
        for slug in slugs:  # sign-ins first: they are not what is measured
            tenant = tenant_by_slug(slug)
            clients.append(signed_in_client(tenant, primary_host(tenant), bench.staff_email))
        connection.close()
        connection.set_schema_to_public()
        before = _backend_mib()
        for client in clients:
            for path in PATHS:
                client.get(path)
        connection.set_schema_to_public()
        after = _backend_mib()
    finally:
        request_finished.connect(close_old_connections)
        connections.connect()
        connection.close()
    per_schema = (after - before) / max(1, len(slugs))
    return [
        at_most(
            "connections.memory_at_the_cap",
            after,
            "MiB",
            TARGET_MIB,
            f"one connection after serving {len(slugs)} tenants ({', '.join(PATHS)} as staff; "
            f"DB_CONNECTION_MAX_SCHEMAS={cap}): {before:.1f} MiB fresh, {per_schema:.2f} MiB "
            f"more per tenant; without the cap, 1,100 tenants would be about "
            f"{before + per_schema * 1100:.0f} MiB",
        )
    ]
