"""Figure 3: what tenant routing costs a request.

The same five-query view (``tenants.benchmark.views``) is requested through the full
middleware on a tenant's host and through the same middleware without the routing
middleware, the connection's search_path set once to that tenant's schema (what a plain
Django site does). Latency with Django's test client, interleaved in blocks so drift
hits both sides; throughput with gunicorn (2 workers, as production) and a thread pool.
"""

import statistics
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from tenants.benchmark import server
from tenants.benchmark.core import Bench, Figure, at_least, at_most, broken
from tenants.selectors import forget_host, primary_host, tenant_by_slug

PATH = "/bench/five-queries/"
URLCONF = "tenants.benchmark.urls"
ROUTING_MIDDLEWARE = "tenants.middleware.TenantRoutingMiddleware"
LATENCY_RATIO_TARGET = 1.10
THROUGHPUT_RATIO_TARGET = 0.90
BLOCK = 20
LOAD_THREADS = 4


def _timed(get: Callable[[], int], count: int) -> list[float]:
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        status = get()
        seconds.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"the bench view answered {status}")
    return seconds


def _latency(bench: Bench, host: str, schema: str) -> tuple[float, float]:
    """Median seconds per request with and without routing."""
    with override_settings(ROOT_URLCONF=URLCONF):
        routed = Client(HTTP_HOST=host)
        routed_get = lambda: routed.get(PATH).status_code  # noqa: E731
        with override_settings(
            MIDDLEWARE=[name for name in settings.MIDDLEWARE if name != ROUTING_MIDDLEWARE]
        ):
            plain = Client(HTTP_HOST=host)
            plain.handler.load_middleware()  # now, while routing is left out

        def plain_get() -> int:
            if connection.schema_name != schema:  # only after a routed request
                connection.set_schema(schema)
            return plain.get(PATH).status_code

        _timed(routed_get, 5)
        _timed(plain_get, 5)
        with_routing: list[float] = []
        without_routing: list[float] = []
        deadline = time.perf_counter() + bench.duration
        while time.perf_counter() < deadline or len(with_routing) < 5 * BLOCK:
            with_routing += _timed(routed_get, BLOCK)
            without_routing += _timed(plain_get, BLOCK)
    connection.set_schema_to_public()
    return statistics.median(with_routing), statistics.median(without_routing)


def _routing_queries(host: str) -> dict[str, int]:
    """Tenant lookups and SET search_path of one request with a cold routing cache and one
    with a warm one."""
    counts: dict[str, int] = {}
    with override_settings(ROOT_URLCONF=URLCONF):
        client = Client(HTTP_HOST=host)
        for state in ("cold", "warm"):
            if state == "cold":
                connection.set_schema_to_public()
                forget_host(host)
            with CaptureQueriesContext(connection) as captured:
                client.get(PATH)
            statements = [query["sql"] for query in captured.captured_queries]
            counts[f"{state}_lookups"] = sum("tenants_domain" in sql for sql in statements)
            counts[f"{state}_sets"] = sum(sql.startswith("SET search_path") for sql in statements)
            counts[f"{state}_queries"] = len(statements)
    connection.set_schema_to_public()
    return counts


def _throughput(bench: Bench, host: str, schema: str) -> tuple[float, float]:
    """Requests per second with and without routing under gunicorn, alternating two
    rounds of each so a slow moment of the machine does not favour one side."""
    environment = {"KP_BENCH_SCHEMA": schema}
    with server.gunicorn(bench, "tenants.benchmark.wsgi:application", environment) as port:
        paths = {"routed": f"{PATH}?tenancy=1", "plain": f"{PATH}?tenancy=0"}
        for path in paths.values():  # warm both workers and both handlers
            server.load(port, host, path, clients=LOAD_THREADS, seconds=min(bench.duration, 1.0))
        rates: dict[str, list[float]] = {"routed": [], "plain": []}
        for _ in range(2):
            for side, path in paths.items():
                run = server.load(
                    port, host, path, clients=LOAD_THREADS, seconds=bench.duration / 2
                )
                rates[side].append(run.per_second)
    return statistics.mean(rates["routed"]), statistics.mean(rates["plain"])


def routing(bench: Bench) -> list[Figure]:
    schema = bench.big_slugs[0] if bench.big_slugs else bench.slugs[0]
    tenant = tenant_by_slug(schema)
    assert tenant is not None
    host = primary_host(tenant)
    routed, plain = _latency(bench, host, schema)
    counts = _routing_queries(host)
    figures = [
        at_most(
            "routing.latency_ratio",
            routed / plain,
            "x",
            LATENCY_RATIO_TARGET,
            f"median {1000 * routed:.2f} ms routed vs {1000 * plain:.2f} ms without routing "
            "(test client, five-query view)",
        ),
        at_most(
            "routing.tenant_lookups_per_request",
            max(counts["cold_lookups"], counts["warm_lookups"]),
            "",
            1,
            f"cold cache {counts['cold_lookups']}, warm {counts['warm_lookups']}",
        ),
        at_most(
            "routing.search_path_sets_per_request",
            counts["warm_sets"],
            "",
            1,
            f"steady state (routing cache warm); a request that misses the cache (once per "
            f"host per TENANT_CACHE_SECONDS) sets it {counts['cold_sets']} times; queries per "
            f"request warm {counts['warm_queries']}, cold {counts['cold_queries']}",
        ),
    ]
    try:
        routed_rps, plain_rps = _throughput(bench, host, schema)
    except Exception as error:  # gunicorn's own failure must not hide the figures above
        return [*figures, broken("routing.throughput_ratio", error)]
    return [
        *figures,
        at_least(
            "routing.throughput_ratio",
            routed_rps / plain_rps,
            "x",
            THROUGHPUT_RATIO_TARGET,
            f"gunicorn 2 workers, {LOAD_THREADS} client threads on the same machine: "
            f"{routed_rps:.0f} req/s routed vs {plain_rps:.0f} req/s without routing",
        ),
    ]
