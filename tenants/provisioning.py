"""New tenant schemas in a fraction of a second: replay a *blueprint* instead of migrating.

Running every tenant migration takes seconds and grows with their number; django-tenants'
clone of a template schema reads the catalogue object by object and grows with the number of
tenants (1.6 s at 1,100), and it records the migrations as applied even when the template is
behind them. A blueprint is one SQL script replayed in one round trip, whatever either number.

- ``blueprint_build`` migrates a scratch schema with the very call that makes a schema without
  a blueprint (``schema_create_by_migrations``), dumps it with pg_dump (structure and rows:
  the migration history, content types, permissions and whatever data migrations wrote), drops
  it and stores the script in the public schema (``SchemaBlueprint``) under the digest of every
  migration file of the running code. Code therefore only replays a blueprint made by its own
  migrations: when they change, the next schema needs a new blueprint and builds it (the Helm
  migration job does so right after migrating, ``manage.py build_schema_blueprint``).
- ``schema_create`` replays the current blueprint into a new schema in one transaction.
- ``schema_structure`` describes a schema from the catalogue (tables, columns, defaults,
  indexes, constraints, triggers, functions, sequences and the rows of the tables migrations
  fill). ``make test`` (tests/tenants/test_provisioning.py) and ``build_schema_blueprint
  --check`` compare a replayed schema with a migrated one by it, so a blueprint that differs
  from the migrations in any way fails the build.
- A blueprint is only built from committed work (pg_dump runs in a session of its own), so
  inside a transaction, or without pg_dump, a schema is made by migrations as before, and a
  warning says so.
"""

import hashlib
import logging
import re
import secrets
import sys
import time
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django_tenants.utils import schema_exists as _schema_exists

from tenants.models import SchemaBlueprint
from tenants.pg_programs import PgProgramFailed, run_pg_program

logger = logging.getLogger(__name__)

# Scratch schemas are named so no tenant slug can collide (slugs have no underscores).
SCRATCH_PREFIX = "kp__blueprint_"
# Blueprints kept: the current one and those of code versions still running during a deploy.
KEEP_BLUEPRINTS = 3
BY_BLUEPRINT = "blueprint"
BY_MIGRATIONS = "migrations"


class BlueprintUnavailable(RuntimeError):
    """No blueprint can be built here (no pg_dump, or inside a transaction)."""


def schema_exists(schema_name: str) -> bool:
    return bool(_schema_exists(schema_name))


@cache
def migrations_digest() -> tuple[str, int]:
    """The sha256 of every migration file the code has (all apps: the tenant schema records
    them all in django_migrations), and their number. Files do not change while a process
    runs, so it is computed once."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=False)
    loader.load_disk()
    digest = hashlib.sha256()
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        path = getattr(sys.modules[type(migration).__module__], "__file__", None)
        content = Path(path).read_bytes() if path else b""
        digest.update(f"{app_label}.{name}:".encode())
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest(), len(loader.disk_migrations)


def quoted(schema_name: str) -> str:
    return connection.ops.quote_name(schema_name)


def schema_drop(schema_name: str) -> None:
    """Drop a schema and everything in it, if it is there."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quoted(schema_name)} CASCADE")


def schema_create_by_migrations(schema_name: str) -> None:
    """What django-tenants does without a template: create the schema, run every migration."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted(schema_name)}")
    call_command(
        "migrate_schemas",
        tenant=True,
        schema_name=schema_name,
        interactive=False,
        verbosity=0,
    )
    connection.set_schema_to_public()


# pg_dump's session settings (they would outlive the replay in the caller's session), psql's
# meta-commands (\restrict…) and the scratch schema's own CREATE SCHEMA.
_NOT_REPLAYED = re.compile(
    r"^(?:\\\S+.*|SET \w+ = .*;|SELECT pg_catalog\.set_config\('search_path', '', false\);"
    r"|CREATE SCHEMA \S+;)$",
    re.MULTILINE,
)


def _replayable(dump: str) -> str:
    return _NOT_REPLAYED.sub("", dump)


def _dump_schema(schema_name: str, *options: str) -> str:
    return run_pg_program(
        "pg_dump",
        f"--schema={schema_name}",
        "--no-owner",
        "--no-privileges",
        "--quote-all-identifiers",
        *options,
    )


def blueprint_build() -> SchemaBlueprint:
    """Migrate a scratch schema, dump it, drop it and keep the dump as the blueprint of the
    current migrations. Raises BlueprintUnavailable where it cannot be done."""
    if connection.in_atomic_block:
        raise BlueprintUnavailable("pg_dump cannot see a schema made inside a transaction")
    digest, migration_count = migrations_digest()
    scratch = f"{SCRATCH_PREFIX}{secrets.token_hex(6)}"
    started = time.perf_counter()
    try:
        schema_create_by_migrations(scratch)
        dump = _dump_schema(scratch, "--inserts", "--rows-per-insert=1000")
        ddl = _dump_schema(scratch, "--schema-only")
        structure = schema_structure(scratch, contents=False)
        version = run_pg_program("pg_dump", "--version").strip()
    except (ValidationError, PgProgramFailed) as error:  # pg_dump missing or failing
        raise BlueprintUnavailable(str(error)) from error
    finally:
        connection.set_schema_to_public()
        schema_drop(scratch)
    try:
        blueprint = SchemaBlueprint.objects.create(
            digest=digest,
            sql=_replayable(dump),
            ddl=_replayable(ddl),
            structure=structure,
            source_schema=scratch,
            migration_count=migration_count,
            build_seconds=time.perf_counter() - started,
            pg_dump_version=version,
        )
    except IntegrityError:  # another process built the same one meanwhile
        return SchemaBlueprint.objects.get(digest=digest)
    stale = SchemaBlueprint.objects.values_list("pk", flat=True)[KEEP_BLUEPRINTS:]
    SchemaBlueprint.objects.filter(pk__in=list(stale)).delete()
    logger.info("Built the schema blueprint %s in %.1f s", digest[:12], blueprint.build_seconds)
    return blueprint


def current_blueprint(*, build: bool = True) -> SchemaBlueprint | None:
    """The blueprint of the running code's migrations; built when missing and ``build``."""
    digest, _count = migrations_digest()
    blueprint = SchemaBlueprint.objects.filter(digest=digest).first()
    if blueprint is None and build:
        blueprint = blueprint_build()
    return blueprint


def schema_replay(sql: str, *, source: str, schema_name: str) -> None:
    """Create ``schema_name`` from a blueprint's ``sql`` or ``ddl`` (SQL that names the
    scratch schema ``source``), in one transaction (the caller's, when it has one)."""
    sql = re.sub(rf"{re.escape(quoted(source))}\.", lambda _match: f"{quoted(schema_name)}.", sql)
    connection.set_schema_to_public()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE SCHEMA {quoted(schema_name)}")
        cursor.execute(sql)


def blueprint_replay(blueprint: SchemaBlueprint, schema_name: str) -> None:
    """Create ``schema_name`` as the blueprint describes it, in one transaction."""
    schema_replay(blueprint.sql, source=blueprint.source_schema, schema_name=schema_name)


def schema_create(schema_name: str) -> str:
    """Make a tenant's schema, from the blueprint when there can be one; says how."""
    try:
        blueprint = current_blueprint()
    except BlueprintUnavailable as reason:
        logger.warning("Making schema %s by migrations: %s", schema_name, reason)
        blueprint = None
    if blueprint is None:
        schema_create_by_migrations(schema_name)
        return BY_MIGRATIONS
    blueprint_replay(blueprint, schema_name)
    return BY_BLUEPRINT


# --- What a schema is made of ---------------------------------------------------------------

# Every query takes the schema's name as its one parameter; names of the schema inside
# definitions are replaced by "<schema>" so two schemas can be compared.
_STRUCTURE_QUERIES = {
    "tables": """
        SELECT c.relname, c.relkind::text, c.relpersistence::text
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        ORDER BY 1""",
    "columns": """
        SELECT c.relname, a.attname,
               -- the position among live columns: a dropped column leaves a gap in attnum
               row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
               format_type(a.atttypid, a.atttypmod),
               a.attnotnull, a.attidentity::text, a.attgenerated::text,
               coalesce(pg_get_expr(d.adbin, d.adrelid), ''), coalesce(co.collname, '')
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
        LEFT JOIN pg_collation co ON co.oid = a.attcollation AND a.attcollation <> 100
        WHERE n.nspname = %s AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
          AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY 1, 3""",
    "indexes": """
        SELECT c.relname, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        JOIN pg_class c ON c.oid = i.indexrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s
        ORDER BY 1""",
    "constraints": """
        SELECT t.relname, con.conname, con.contype::text, pg_get_constraintdef(con.oid),
               con.condeferrable, con.condeferred
        FROM pg_constraint con
        JOIN pg_class t ON t.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = con.connamespace
        WHERE n.nspname = %s
        ORDER BY 1, 2""",
    "triggers": """
        SELECT c.relname, tg.tgname, pg_get_triggerdef(tg.oid)
        FROM pg_trigger tg
        JOIN pg_class c ON c.oid = tg.tgrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s AND NOT tg.tgisinternal
        ORDER BY 1, 2""",
    "functions": """
        SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_functiondef(p.oid)
        FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = %s
        ORDER BY 1, 2""",
    "sequences": """
        SELECT c.relname, format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement,
               s.seqmax, s.seqmin, s.seqcache, s.seqcycle
        FROM pg_sequence s
        JOIN pg_class c ON c.oid = s.seqrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = %s
        ORDER BY 1""",
    # Where each sequence stands: a blueprint without them would hand out taken ids.
    "sequence_values": """
        SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = %s ORDER BY 1""",
    "types": """
        SELECT t.typname, t.typtype::text
        FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = %s AND t.typtype NOT IN ('b', 'c') AND t.typrelid = 0
        ORDER BY 1""",
}

_CONTENT_QUERIES = {"sequence_values"}

# Rows that migrations and their post_migrate handlers write: a blueprint must carry them.
_ROWS_QUERIES = {
    "django_migrations": "SELECT app, name FROM {schema}.django_migrations ORDER BY app, name",
    "django_content_type": (
        "SELECT id, app_label, model FROM {schema}.django_content_type ORDER BY id"
    ),
    "auth_permission": (
        "SELECT id, content_type_id, codename, name FROM {schema}.auth_permission ORDER BY id"
    ),
}


_CASTS = re.compile(r"::[a-z][a-z ]*(?:\(\d+\))?(?:\[\])?")
_PARENTHESES = re.compile(r"[()\s]")


def schema_structure(
    schema_name: str, *, contents: bool = True
) -> dict[str, list[tuple[Any, ...]]]:
    """Everything that makes up ``schema_name`` in a form two schemas can be compared by,
    read from the catalogue (not from pg_dump, which made the blueprint being checked), plus,
    with ``contents``, where its sequences stand, the number of rows of every table and the
    rows migrations write."""
    own_name = re.compile(rf"\b{re.escape(schema_name)}\.|{re.escape(quoted(schema_name))}\.")

    def neutral(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = own_name.sub("<schema>.", value)
        # PostgreSQL writes some expressions back differently after a dump and reload (a
        # cast of an array constant becomes casts of its elements), meaning the same: casts
        # and parentheses are left out of the comparison of definitions.
        if value.startswith(("CREATE", "CHECK", "EXCLUDE", "UNIQUE", "PRIMARY", "FOREIGN")):
            value = _PARENTHESES.sub("", _CASTS.sub("", value))
        return value

    structure: dict[str, list[tuple[Any, ...]]] = {}
    with connection.cursor() as cursor:
        for name, query in _STRUCTURE_QUERIES.items():
            if name in _CONTENT_QUERIES and not contents:
                continue
            cursor.execute(query, [schema_name])
            structure[name] = [tuple(map(neutral, row)) for row in cursor.fetchall()]
        if not contents:
            return structure
        counts = []
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            " WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY 1",
            [schema_name],
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"SELECT count(*) FROM {quoted(schema_name)}.{quoted(table)}")  # noqa: S608 (quoted names)
            counts.append((table, cursor.fetchone()[0]))
        structure["row_counts"] = counts
        for table, query in _ROWS_QUERIES.items():
            cursor.execute(query.format(schema=quoted(schema_name)))
            structure[f"rows:{table}"] = [tuple(row) for row in cursor.fetchall()]
    return structure


def structure_differences(
    expected: dict[str, list[Any]], actual: dict[str, list[Any]]
) -> list[str]:
    """Human-readable differences between two ``schema_structure`` results (empty: equal);
    either may have been through JSON (rows as lists)."""
    differences = []
    for part in sorted(expected.keys() | actual.keys()):
        wanted = {tuple(row) for row in expected.get(part, [])}
        found = {tuple(row) for row in actual.get(part, [])}
        missing = sorted(wanted - found, key=repr)
        extra = sorted(found - wanted, key=repr)
        differences += [f"{part}: missing {row!r}" for row in missing]
        differences += [f"{part}: unexpected {row!r}" for row in extra]
    return differences


def blueprint_of(schema_name: str) -> SchemaBlueprint | None:
    """The current blueprint when ``schema_name`` has exactly its structure (so its ``ddl``
    recreates the schema), else None. Never builds one."""
    blueprint = current_blueprint(build=False)
    if blueprint is None or not blueprint.ddl or not blueprint.structure:
        return None
    if structure_differences(blueprint.structure, schema_structure(schema_name, contents=False)):
        return None
    return blueprint
