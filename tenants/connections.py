"""Bound the memory of persistent database connections.

PostgreSQL keeps, per connection, a cache of the catalogue entries of every table it has
used: with one schema per tenant, a connection that has served many tenants holds the
catalogue of each (measured: 188 MiB after all 1,100 schemas of a small app; about 0.1 to
0.5 MiB per schema here, depending on the tables a request touches). Connections are kept
for CONN_MAX_AGE seconds, and within that time a busy web or worker process may serve
hundreds of tenants. So each connection counts the schemas it has served and is closed
after a request or task once it has served ``DB_CONNECTION_MAX_SCHEMAS`` of them (default
60: under 50 MiB at the upper estimate); the next one opens a fresh connection, a few
milliseconds once in a while.
"""

from typing import Any

from celery.signals import task_postrun
from django.conf import settings
from django.core.signals import request_finished
from django.db import connection


def _served(schema_name: str | None) -> None:
    raw = connection.connection
    if raw is None or not schema_name:
        return
    # Counted per live connection: a new one (after a close or a reconnect) starts afresh.
    if getattr(connection, "kp_counted_connection", None) is not raw:
        connection.kp_counted_connection = raw
        connection.kp_schemas_served = set()
    connection.kp_schemas_served.add(schema_name)


def _in_transaction() -> bool:
    return connection.in_atomic_block


def close_if_it_served_too_many_schemas(**kwargs: Any) -> None:
    """After a request or a task: count the schema it used, close a connection over the cap
    (never in the middle of a transaction, nor after a task run eagerly inside its caller,
    whose open cursors, e.g. fan_out's iterator over tenants, still need the connection)."""
    _served(connection.schema_name)
    task = kwargs.get("task")
    if task is not None and getattr(task.request, "is_eager", False):
        return
    served = getattr(connection, "kp_schemas_served", ())
    if len(served) > settings.DB_CONNECTION_MAX_SCHEMAS and not _in_transaction():
        connection.close()


def connect() -> None:
    request_finished.connect(close_if_it_served_too_many_schemas, dispatch_uid="kp_schema_cap")
    task_postrun.connect(close_if_it_served_too_many_schemas, dispatch_uid="kp_schema_cap_task")
