"""Figure 1: creating a tenant with N tenants present.

- ``onboarding.schema_p95``: the issue's figure, making the schema (``Onboarding.
  schema_seconds``, recorded by tenants.services.tenant_provision), from the blueprint.
- ``onboarding.until_ready_p95``: the whole of ``tenant_onboard`` (row, domain, schema,
  preset programme, invitation), for the operator's view; no target of its own.
- ``onboarding.schema_by_migrations_p50``: the same schema made by running every migration
  (django-tenants' way), for comparison: a few samples, as each takes seconds.

The sample tenants and schemas are removed again so the later figures see exactly N tenants.
"""

import time

from django.db import connection

from tenants import provisioning
from tenants.benchmark.core import Bench, Figure, at_most, percentile
from tenants.benchmark.population import onboard
from tenants.models import Tenant

TARGET_SECONDS = 0.3
MIGRATION_SAMPLES = 3


def onboarding(bench: Bench) -> list[Figure]:
    schema_seconds: list[float] = []
    ready_seconds: list[float] = []
    methods: set[str] = set()
    made: list[Tenant] = []
    try:
        for sample in range(bench.samples):
            # As the worker that provisions tenants: its connection is closed after serving
            # DB_CONNECTION_MAX_SCHEMAS schemas (tenants/connections.py). The bench's own has
            # served all N while setting them up, and PostgreSQL's catalogue caches of that
            # size make each DDL statement several times slower.
            connection.close()
            connection.set_schema_to_public()
            started = time.perf_counter()
            tenant = onboard(90000 + sample)
            ready_seconds.append(time.perf_counter() - started)
            made.append(tenant)
            progress = tenant.onboarding
            schema_seconds.append(progress.schema_seconds)
            methods.add(progress.schema_method)
    finally:
        connection.set_schema_to_public()
        for tenant in made:
            tenant.delete(force_drop=True)
    migration_seconds = _by_migrations(MIGRATION_SAMPLES)
    context = f"over {len(schema_seconds)} new tenants with {bench.tenants} present"
    by_migrations = percentile(migration_seconds, 0.5)
    schema_p50 = percentile(schema_seconds, 0.5)
    return [
        at_most(
            "onboarding.schema_p95",
            percentile(schema_seconds, 0.95),
            "s",
            TARGET_SECONDS,
            f"made by {', '.join(sorted(methods))}; p50 {schema_p50:.3f} s, "
            f"max {max(schema_seconds):.3f} s {context}",
        ),
        Figure(
            "onboarding.until_ready_p95",
            round(percentile(ready_seconds, 0.95), 4),
            "s",
            "(reported)",
            True,
            f"tenant_onboard until ready: row, domain, schema, preset programme, invitation; "
            f"p50 {percentile(ready_seconds, 0.5):.3f} s {context}",
        ),
        Figure(
            "onboarding.schema_by_migrations_p50",
            round(by_migrations, 4),
            "s",
            "(comparison)",
            True,
            f"every migration run into a new schema, {len(migration_seconds)} samples: "
            f"{by_migrations / schema_p50:.0f}x the blueprint's p50",
        ),
    ]


def _by_migrations(samples: int) -> list[float]:
    seconds = []
    for sample in range(samples):
        name = f"{provisioning.SCRATCH_PREFIX}bench_{sample}"
        connection.set_schema_to_public()
        started = time.perf_counter()
        try:
            provisioning.schema_create_by_migrations(name)
            seconds.append(time.perf_counter() - started)
        finally:
            connection.set_schema_to_public()
            provisioning.schema_drop(name)
    return seconds
