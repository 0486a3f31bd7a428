"""System checks about the database server the platform runs on (``manage.py check
--database default``)."""

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register
from django.db import connection

# pg_dump locks every table it dumps in one transaction; leave room for other sessions.
LOCK_HEADROOM = 1.2


@register(Tags.database)
def lock_table_fits_a_full_backup(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Warn when a full pg_dump would run out of shared memory: the server's lock table
    (max_locks_per_transaction × (max_connections + max_prepared_transactions)) must hold a
    lock on every table of every schema at once."""
    if not databases or "default" not in databases:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) FROM pg_class c
                      JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p', 'm', 'f')
                       AND n.nspname NOT IN ('pg_catalog', 'information_schema')
                       AND n.nspname NOT LIKE 'pg\\_toast%%'),
                   current_setting('max_locks_per_transaction')::int,
                   current_setting('max_connections')::int,
                   current_setting('max_prepared_transactions')::int
            """
        )
        tables, max_locks, max_connections, max_prepared = cursor.fetchone()
    capacity = max_locks * (max_connections + max_prepared)
    needed = int(tables * LOCK_HEADROOM)
    if capacity >= needed:
        return []
    suggested = 1 << max(6, (needed // (max_connections + max_prepared)).bit_length())
    return [
        Warning(
            f"A full pg_dump locks {tables} tables at once and needs room for other sessions "
            f"beside it ({needed} locks), but the server's lock table holds {capacity} "
            f"({max_locks} × {max_connections + max_prepared}).",
            hint=f"Set max_locks_per_transaction = {suggested} in the PostgreSQL server's "
            "configuration (needs a restart); see README, Backups.",
            id="tenants.W001",
        )
    ]
