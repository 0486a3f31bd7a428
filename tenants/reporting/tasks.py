"""The rollup's work for the worker.

Beat sends ``refresh_rollups`` (public schema) every hour. It queues ``refresh_rollup`` once
for every ready tenant that is not offboarded, suspended ones included (``fan_out`` visits
only serving tenants, but operators need the figures of a suspended tenant too).
``refresh_rollup`` also works through ``tenants.tasks.fan_out``. Both are idempotent: a
refresh rewrites the tenant's row from its schema.
"""

from typing import Any

from celery import shared_task
from django.db import connection
from django_tenants.utils import schema_context

from programmes.core.tasks import enqueue_after_commit
from tenants.reporting import selectors, services


@shared_task
def refresh_rollup() -> dict[str, Any]:
    """Refresh the rollup row of the tenant this task was sent to."""
    rollup = services.tenant_rollup_refresh(tenant=connection.tenant)
    return {"tenant": connection.schema_name, "health": rollup.health}


@shared_task(runs_on_public_schema=True)
def refresh_rollups() -> int:
    """Queue ``refresh_rollup`` for every tenant with figures to refresh."""
    sent = 0
    for schema_name in selectors.tenants_to_refresh().values_list("schema_name", flat=True):
        # The schema is entered only so that enqueue_after_commit binds the message to it
        # (it captures the current schema); nothing is read here. In the worker there is no
        # transaction, so the message leaves at once.
        with schema_context(schema_name):
            enqueue_after_commit(refresh_rollup)
        sent += 1
    return sent
