"""The benchmark's own database: created empty on the server DATABASE_URL names, used for
the whole run, dropped at the end.

A dedicated database, rather than refusing a database that holds tenants the bench did
not make: the bench creates and drops tenants and schemas by the thousand and dumps the
whole database, so it must never be able to touch real data, and a fresh name per run
(``kpbench_<UTC time>``) means nothing of an earlier or concurrent run is counted.
"""

import datetime as dt
import os
import re
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections

NAME_PATTERN = re.compile(r"^kpbench_[0-9a-z_]{1,50}$")


def new_database_name() -> str:
    return f"kpbench_{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S}_{os.getpid()}"


def _admin_execute(sql: str) -> None:
    """Run a statement on the server's maintenance database (CREATE/DROP DATABASE cannot
    run inside the database they name)."""
    with connection._nodb_cursor() as cursor:
        cursor.execute(sql)


def create_and_use(name: str) -> None:
    """Create ``name`` and point Django's connection at it, then migrate the public schema.
    Must run before this process has queried the configured database."""
    if not NAME_PATTERN.match(name):
        raise ValueError(f"Refusing database name {name!r}: the bench only uses kpbench_*.")
    _admin_execute(f'CREATE DATABASE "{name}"')
    connections.close_all()
    settings.DATABASES["default"]["NAME"] = name
    connection.settings_dict["NAME"] = name
    call_command("migrate_schemas", shared=True, verbosity=0, interactive=False)


def drop(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise ValueError(f"Refusing to drop {name!r}: not a bench database.")
    connections.close_all()
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url() -> str:
    """DATABASE_URL for subprocesses, naming the bench database (a socket folder as HOST,
    as the embedded server uses, goes in the query string)."""
    db = connection.settings_dict
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(db.get("HOST") or "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    if host.startswith("/"):
        return f"postgres://{credentials}/{db['NAME']}?host={quote(host)}"
    return f"postgres://{credentials}{host}{port}/{db['NAME']}"


def server_setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s)", [name])
        return str(cursor.fetchone()[0])
