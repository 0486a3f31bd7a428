"""Figure 5: the operators' pages (console home and /reports/) with N tenants, and how
many locks one request takes.

Locks: the request runs inside a transaction on this thread's connection (the test
client runs the view in the calling thread), and ``pg_locks`` is counted for this backend
before rolling back. Locks are held to the end of a transaction, so this is every lock the
request took, an upper bound of what it holds at once in autocommit.
"""

import io
import time

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

from tenants.benchmark.core import Bench, Figure, at_most, percentile
from tenants.benchmark.pages import signed_in_client
from tenants.selectors import primary_host, tenant_by_slug

TARGET_MS = 10.0
LOCKS_TARGET = 1000
OPERATOR_PAGES = {"console_home": "/", "reports": "/reports/"}


def _latencies(client: Client, path: str, seconds: float) -> list[float]:
    for _ in range(3):
        client.get(path)
    measured = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(measured) < 20:
        began = time.perf_counter()
        status = client.get(path).status_code
        measured.append(time.perf_counter() - began)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
    connection.set_schema_to_public()
    return measured


def locks_taken(client: Client, path: str) -> int:
    """Locks the request holds at its end when it runs in one transaction."""
    connection.set_schema_to_public()
    with transaction.atomic():
        status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()")
            count = int(cursor.fetchone()[0])
        transaction.set_rollback(True)
    connection.set_schema_to_public()
    return count


def reporting(bench: Bench) -> list[Figure]:
    started = time.perf_counter()
    call_command("refresh_rollups", verbosity=0, stdout=io.StringIO())
    refresh_seconds = time.perf_counter() - started
    operator = signed_in_client(None, settings.PLATFORM_DOMAIN, bench.operator_email)
    figures = []
    for name, path in OPERATOR_PAGES.items():
        measured = _latencies(operator, path, bench.duration / 2)
        p95, p50 = 1000 * percentile(measured, 0.95), 1000 * percentile(measured, 0.5)
        figures.append(
            at_most(
                f"reporting.{name}_p95",
                p95,
                "ms",
                TARGET_MS,
                f"{bench.tenants} tenants, p50 {p50:.1f} ms over {len(measured)} requests; "
                f"rollups refreshed before in {refresh_seconds:.1f} s (all tenants, untimed)",
            )
        )
    big = tenant_by_slug(bench.big_slugs[0])
    assert big is not None
    host = primary_host(big)
    locks = {f"operator {path}": locks_taken(operator, path) for path in OPERATOR_PAGES.values()}
    locks["tenant /directory/"] = locks_taken(Client(HTTP_HOST=host), "/directory/")
    staff = signed_in_client(big, host, bench.staff_email)
    locks["tenant /partners/"] = locks_taken(staff, "/partners/")
    worst = max(locks, key=locks.__getitem__)
    figures.append(
        at_most(
            "reporting.max_locks_per_request",
            locks[worst],
            "locks",
            LOCKS_TARGET,
            "pg_locks of the request's transaction: "
            + ", ".join(f"{page} {count}" for page, count in locks.items()),
        )
    )
    return figures
