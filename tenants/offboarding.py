"""Offboarding a tenant: export everything it has, delete it leaving a record, and the drill
that restores an export as a new tenant.

- ``tenant_export`` writes a folder: the tenant's schema (``schema/``: its blueprint's
  structure and every table's rows, when the schema equals the current blueprint; else
  ``schema.dump``, pg_dump's custom format, which reads the whole database's catalogue
  first and takes seconds at 1,100 tenants), ``data/<app>.<model>.json`` and ``.csv``
  (every model of the tenant schema, streamed), ``files/`` (its MEDIA_ROOT/<schema>/),
  ``public.json`` (its rows in the public schema) and ``manifest.json`` (row counts per
  table, sha256 of every file, versions). The schema and the JSON/CSV are read in one
  snapshot when the caller is not inside a transaction, so they agree with each other and
  with the counts. PostgreSQL writes the JSON and CSV (COPY), which keeps a tenant's export
  within a couple of seconds of database time. Secrets (sessions, tokens, password
  hashes…) are only in the schema's copy, never in the JSON/CSV.
- ``tenant_delete`` refuses an active tenant (suspend it first, so nobody changes it between
  export and deletion) and an export that is not this tenant's, is damaged, or no longer
  matches the tenant's row counts. It then removes the Tenant row (its Domain rows with it)
  and drops the schema (people, sessions, tokens and audit trail of the tenant live there),
  deletes the files and every cache entry with the schema's key prefix, and leaves a
  ``TenantDeletion`` record. The Tenant row is not kept as OFFBOARDED: a kept row would keep
  the slug, a host and a place in every tenant query; the record keeps what the platform
  must remember (who, when, why, which export) without the tenant's data.
- ``tenant_restore`` restores an export under a new slug, in one transaction. A
  ``schema/`` copy is replayed like a blueprint: only its structure is SQL text, naming a
  scratch schema (``kp__blueprint_<hex>``) that nothing else can name, so replacing that
  name is safe; the rows are loaded with COPY, untouched. A ``schema.dump`` names its schema
  everywhere, data included, and pg_restore cannot restore into another name: it is
  restored into a temporary database, its schema renamed there with ``ALTER SCHEMA …
  RENAME`` (PostgreSQL rewrites every reference), dumped again and restored into the
  platform's database (needs the CREATEDB privilege). Either works while the original
  schema still exists.

pg_dump and friends are run by ``tenants.pg_programs``.
"""

import base64
import datetime as dt
import decimal
import hashlib
import json
import logging
import secrets
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_exists, tenant_context

from programmes.core.audit import SYSTEM, audit_record
from programmes.core.models import AuditEvent
from tenants.library.models import LibraryAction
from tenants.models import (
    RESERVED_SLUGS,
    Domain,
    Onboarding,
    SchemaBlueprint,
    Status,
    Tenant,
    TenantDeletion,
    slug_validator,
)
from tenants.pg_programs import run_pg_program
from tenants.provisioning import blueprint_of, schema_drop, schema_replay
from tenants.selectors import forget_tenant_hosts, primary_host

logger = logging.getLogger(__name__)

# 2: the schema is either a pg_dump (``dump.kind`` "pg_dump", all that version 1 had) or its
# blueprint's structure with the rows copied out (``dump.kind`` "blueprint").
FORMAT_VERSION = 2
MANIFEST = "manifest.json"
DUMP = "schema.dump"
SCHEMA_COPY = "schema"
PUBLIC = "public.json"
CHUNK = 2000


# --- Reading a schema -----------------------------------------------------------------------


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_counts(schema: str) -> dict[str, int]:
    """Rows of every table of ``schema`` (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = %s ORDER BY tablename",
            [schema],
        )
        tables = [row[0] for row in cursor.fetchall()]
        if not tables:
            return {}
        cursor.execute(
            " UNION ALL ".join(
                f"SELECT %s, count(*) FROM {_quoted(schema)}.{_quoted(table)}"  # noqa: S608
                for table in tables
            ),
            tables,
        )
        return dict(sorted(cursor.fetchall()))


def _tenant_models() -> list[type[models.Model]]:
    """Every concrete model with a table in a tenant schema (many-to-many tables included)."""
    names = set(settings.TENANT_APPS)
    labels = {config.label for config in apps.get_app_configs() if config.name in names}
    return sorted(
        (
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.app_label in labels and model._meta.managed and not model._meta.proxy
        ),
        key=lambda model: model._meta.label_lower,
    )


@dataclass
class _QueryClock:
    """Time spent in database queries (Django's connection) while installed, and in fetching
    the rows of the exported models."""

    seconds: float = 0.0
    fetch_seconds: float = 0.0
    queries: int = 0

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _plain(value: Any) -> Any:
    """A JSON value for what the database gave: ISO dates, strings for decimals and ids,
    base64 for bytes."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export {type(value).__name__}")


# Columns PostgreSQL would write in its own text syntax ({a,b}, t/f, dates with a space):
# exported as JSON text instead (JSON arrays, true/false, ISO 8601 with a "T").
_AS_JSON_CATEGORIES = {"A", "B", "D"}
_AS_JSON_TYPES = {"json", "jsonb"}


# Secrets stay in the schema's copy (a restore needs them) but not in the JSON/CSV, which are meant
# to be read and handed on: sessions, API tokens, MFA secrets, e-mail confirmation keys,
# password hashes, the identity provider's client secret, calendar feed secrets.
LEFT_OUT_MODELS = frozenset(
    {
        "sessions.session",
        "usersessions.usersession",
        "authtoken.token",
        "account.emailconfirmation",
        "mfa.authenticator",
        "socialaccount.socialtoken",
    }
)
LEFT_OUT_COLUMNS = {
    "people.user": frozenset({"password"}),
    "people.invitation": frozenset({"token_hash"}),
    "socialaccount.socialapp": frozenset({"secret"}),
    "events.calendartoken": frozenset({"secret"}),
}


def _csv_columns(schema: str) -> dict[str, list[tuple[str, str]]]:
    """Per table of ``schema``, its columns and their select expressions for the CSV (one
    query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, a.attname, t.typcategory, t.typname
            FROM pg_catalog.pg_attribute a
            JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
            WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
              AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY c.relname, a.attnum
            """,
            [schema],
        )
        columns: dict[str, list[tuple[str, str]]] = {}
        for table, column, category, type_name in cursor.fetchall():
            name = _quoted(column)
            if category in _AS_JSON_CATEGORIES or type_name in _AS_JSON_TYPES:
                expression = f"to_json(t.{name}) #>> '{{}}' AS {name}"
            else:
                expression = f"t.{name}"
            columns.setdefault(table, []).append((column, expression))
        return columns


def _write_table(
    *,
    schema: str,
    table: str,
    columns: list[tuple[str, str]],
    left_out: frozenset[str],
    order: str | None,
    path: Path,
    clock: _QueryClock,
) -> None:
    """``<path>.json`` (an array of objects, one per row, keys by column) and ``<path>.csv``
    (with a header), written by PostgreSQL itself (row_to_json, COPY) and streamed: Python
    only passes text through. File fields hold their path relative to the tenant's folder,
    as stored. Runs in the caller's transaction, so in the export's snapshot."""
    # Names are quoted identifiers read from pg_catalog or constants above, never input.
    source = f"{_quoted(schema)}.{_quoted(table)} AS t"
    as_json = "to_jsonb(t)"
    if left_out:
        names = ", ".join("'" + name.replace("'", "''") + "'" for name in sorted(left_out))
        as_json = f"(to_jsonb(t) - ARRAY[{names}]::text[])"
    ordering = f" ORDER BY t.{_quoted(order)}" if order else ""
    select = ", ".join(expression for name, expression in columns if name not in left_out)
    connection.ensure_connection()
    raw = connection.connection
    started = time.perf_counter()
    # One JSON object a line, a comma before every one but the first: the array is written by
    # COPY itself. jsonb text has no line breaks and escapes control characters, so with
    # \x01 as quote and \x02 as delimiter, CSV mode never quotes or escapes anything.
    first = f"row_number() OVER ({ordering.strip()}) = 1"
    to_json = (
        f"COPY (SELECT CASE WHEN {first} THEN '' ELSE ',' END || {as_json}::text"  # noqa: S608
        f" FROM {source}{ordering}) TO STDOUT WITH (FORMAT csv, DELIMITER E'\\x02', QUOTE E'\\x01')"
    )
    to_csv = f"COPY (SELECT {select} FROM {source}{ordering}) TO STDOUT WITH (FORMAT csv, HEADER)"  # noqa: S608
    for suffix, command, head, tail in (
        (".json", to_json, b"[\n", b"]\n"),
        (".csv", to_csv, b"", b""),
    ):
        with (
            path.with_suffix(suffix).open("wb") as out,
            raw.cursor() as cursor,
            cursor.copy(command) as copy,
        ):
            out.write(head)
            for block in copy:
                out.write(block)
            out.write(tail)
    clock.fetch_seconds += time.perf_counter() - started


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_of(folder: Path) -> list[dict[str, Any]]:
    if not folder.is_dir():
        return []
    return [
        {
            "path": path.relative_to(folder).as_posix(),
            "size": path.stat().st_size,
            "sha256": _sha256(path),
        }
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]


def _tenant_media(slug: str) -> Path:
    return Path(settings.MEDIA_ROOT) / slug


def _migration_state() -> dict[str, str]:
    """The last migration applied per app in the current schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT ON (app) app, name FROM django_migrations ORDER BY app, id DESC"
        )
        return dict(cursor.fetchall())


def _rows(queryset: models.QuerySet[Any]) -> list[dict[str, Any]]:
    return list(queryset.values())


@contextmanager
def _snapshot() -> Iterator[str | None]:
    """One repeatable-read snapshot shared with pg_dump (``--snapshot``), so the dump, the
    JSON/CSV and the counts describe the same moment. Inside an outer transaction (tests)
    the isolation can no longer be chosen: pg_dump then takes its own snapshot."""
    if connection.in_atomic_block:
        yield None
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        yield snapshot


# --- Export ---------------------------------------------------------------------------------


def _file_entry(folder: Path, path: str) -> dict[str, Any]:
    return {"path": path, "size": (folder / path).stat().st_size, "sha256": _sha256(folder / path)}


def _write_pg_dump(*, slug: str, folder: Path, snapshot: str | None) -> dict[str, Any]:
    """The schema as pg_dump writes it (custom format), in the export's snapshot. pg_dump
    reads the whole database's catalogue first: about 4 s at 1,100 tenants."""
    run_pg_program(
        "pg_dump",
        "--format=custom",
        f"--schema={slug}",
        "--no-owner",
        "--no-privileges",
        f"--file={folder / DUMP}",
        *([f"--snapshot={snapshot}"] if snapshot else []),
    )
    return {"kind": "pg_dump", **_file_entry(folder, DUMP)}


def _write_schema_copy(
    *,
    slug: str,
    tables: dict[str, int],
    folder: Path,
    blueprint: SchemaBlueprint,
    clock: _QueryClock,
) -> dict[str, Any]:
    """The schema as its blueprint's structure (``blueprint_of`` found them equal, so the
    blueprint's DDL recreates it exactly) plus every table's rows in COPY's text format and
    where each sequence stands, read in the caller's transaction (the export's snapshot).
    Reads only this schema: a fraction of a second where pg_dump takes seconds."""
    target = folder / SCHEMA_COPY
    target.mkdir()
    (target / "structure.sql").write_text(blueprint.ddl, encoding="utf-8")
    connection.ensure_connection()
    raw = connection.connection
    paths = {table: f"{SCHEMA_COPY}/{table}.copy" for table in sorted(tables)}
    started = time.perf_counter()
    for table, path in paths.items():
        with (
            (folder / path).open("wb") as out,
            raw.cursor() as cursor,
            cursor.copy(f"COPY {_quoted(slug)}.{_quoted(table)} TO STDOUT") as copy,
        ):
            for block in copy:
                out.write(block)
    clock.fetch_seconds += time.perf_counter() - started
    copied = [{"table": table, **_file_entry(folder, path)} for table, path in paths.items()]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, pg_sequence_last_value(c.oid), s.seqstart FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_sequence s ON s.seqrelid = c.oid "
            "WHERE n.nspname = %s ORDER BY 1",
            [slug],
        )
        sequences = [list(row) for row in cursor.fetchall()]
    return {
        "kind": "blueprint",
        **_file_entry(folder, f"{SCHEMA_COPY}/structure.sql"),
        "blueprint": blueprint.digest,
        "source_schema": blueprint.source_schema,
        "tables": copied,
        # name, last value (None: never used), start
        "sequences": sequences,
    }


def _export_into(*, actor: Any, tenant: Tenant, folder: Path, started_at: dt.datetime) -> None:
    slug = tenant.schema_name
    (folder / "data").mkdir()
    clock = _QueryClock()
    models_written: dict[str, dict[str, Any]] = {}
    connection.set_schema_to_public()
    with connection.execute_wrapper(clock), _snapshot() as snapshot:
        # Read in the snapshot, so the structure compared is the one whose rows are copied.
        blueprint = blueprint_of(slug)
        counts = table_counts(slug)
        schema_started = time.perf_counter()
        if blueprint is not None:
            dump = _write_schema_copy(
                slug=slug, tables=counts, folder=folder, blueprint=blueprint, clock=clock
            )
        else:
            dump = _write_pg_dump(slug=slug, folder=folder, snapshot=snapshot)
        schema_seconds = time.perf_counter() - schema_started
        csv_columns = _csv_columns(slug)
        public = {
            "tenant": _rows(Tenant.objects.filter(pk=tenant.pk)),
            "domains": _rows(Domain.objects.filter(tenant=tenant)),
            "onboarding": _rows(Onboarding.objects.filter(tenant=tenant)),
            "library_actions": _rows(LibraryAction.objects.filter(contributor=tenant)),
            "audit_events": _rows(
                AuditEvent.objects.filter(
                    target_type=Tenant._meta.label_lower, target_id=str(tenant.pk)
                ).order_by("id")
            ),
        }
        with tenant_context(tenant):
            migrations = _migration_state()
            for model in _tenant_models():
                if model._meta.db_table not in counts or model._meta.label_lower in LEFT_OUT_MODELS:
                    continue
                pk = model._meta.pk
                _write_table(
                    schema=slug,
                    table=model._meta.db_table,
                    columns=csv_columns[model._meta.db_table],
                    left_out=LEFT_OUT_COLUMNS.get(model._meta.label_lower, frozenset()),
                    order=getattr(pk, "column", None),
                    path=folder / "data" / f"{model._meta.label_lower}.json",
                    clock=clock,
                )
                models_written[model._meta.label_lower] = {
                    "table": model._meta.db_table,
                    "rows": counts[model._meta.db_table],
                }
        connection.set_schema_to_public()
    (folder / PUBLIC).write_text(
        json.dumps(public, default=_plain, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    media = _tenant_media(slug)
    if media.is_dir():
        shutil.copytree(media, folder / "files")
    else:
        (folder / "files").mkdir()
    manifest = {
        "format": FORMAT_VERSION,
        "slug": slug,
        "tenant_id": tenant.pk,
        "name": tenant.name,
        "status": tenant.status,
        "created_at": started_at.isoformat(),
        "created_by": actor.email if getattr(actor, "is_authenticated", False) else SYSTEM,
        "tables": counts,
        "models": models_written,
        "left_out_of_data": {
            "models": sorted(LEFT_OUT_MODELS),
            "columns": {label: sorted(names) for label, names in LEFT_OUT_COLUMNS.items()},
        },
        "dump": dump,
        "data": _files_of(folder / "data"),
        "public": {"path": PUBLIC, "sha256": _sha256(folder / PUBLIC)},
        "files": _files_of(folder / "files"),
        "versions": {
            "pg_dump": (
                blueprint.pg_dump_version
                if blueprint is not None
                else run_pg_program("pg_dump", "--version").strip()
            ),
            "server": connection.pg_version,
            "migrations": migrations,
        },
        "timings": {
            # pg_dump's time counts whole (its queries are not on this connection); a copy's
            # COPY and queries are in fetch_seconds and seconds already.
            "database_seconds": round(
                clock.seconds + clock.fetch_seconds + (0 if blueprint else schema_seconds), 3
            ),
            "schema_kind": dump["kind"],
            "queries_seconds": round(clock.seconds, 3),
            "fetch_seconds": round(clock.fetch_seconds, 3),
            "queries": clock.queries,
            "schema_seconds": round(schema_seconds, 3),
            "consistent_snapshot": snapshot is not None,
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    audit_record(
        actor=actor,
        action="tenant.exported",
        target=tenant,
        data={
            "slug": slug,
            "folder": str(folder),
            "manifest_sha256": _sha256(folder / MANIFEST),
            "rows": sum(counts.values()),
            "files": len(manifest["files"]),
            "database_seconds": manifest["timings"]["database_seconds"],
        },
    )


def tenant_export(*, actor: Any, tenant: Tenant, target_dir: Path) -> Path:
    """Write the export of ``tenant`` into a new folder below ``target_dir`` and return it.
    The tenant keeps serving; suspend it first if it must not change afterwards."""
    if tenant.schema_name == "public":
        raise ValidationError(_("The public schema is not a tenant."))
    slug = tenant.schema_name
    started_at = timezone.now()
    folder = Path(target_dir) / f"{slug}-{started_at:%Y%m%dT%H%M%SZ}"
    Path(target_dir).mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)  # it holds personal data: readable by its owner only
    try:
        _export_into(actor=actor, tenant=tenant, folder=folder, started_at=started_at)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)  # no half export that looks like one
        raise
    return folder


def _manifest_path(export: Path) -> Path:
    export = Path(export)
    return export if export.name == MANIFEST else export / MANIFEST


def export_verify(export: Path) -> dict[str, Any]:
    """The manifest of an export folder after checking every file it lists against its
    size and sha256. Raises ValidationError listing what is missing or damaged."""
    path = _manifest_path(export)
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise ValidationError(_("%(path)s is not an export manifest.") % {"path": path}) from None
    folder = path.parent
    problems = []
    listed = [
        (folder / manifest["dump"]["path"], manifest["dump"]["sha256"]),
        *((folder / item["path"], item["sha256"]) for item in manifest["dump"].get("tables", [])),
        (folder / manifest["public"]["path"], manifest["public"]["sha256"]),
        *((folder / "data" / item["path"], item["sha256"]) for item in manifest["data"]),
        *((folder / "files" / item["path"], item["sha256"]) for item in manifest["files"]),
    ]
    for file, expected in listed:
        if not file.is_file():
            problems.append(_("%(path)s is missing.") % {"path": file})
        elif _sha256(file) != expected:
            problems.append(_("%(path)s does not match its checksum.") % {"path": file})
    if problems:
        raise ValidationError(problems)
    return manifest


# --- Deletion -------------------------------------------------------------------------------


def _cache_keys(cache: Any, prefix: str) -> list[Any]:
    if isinstance(cache, RedisCache):
        client = cache._cache.get_client(write=True)
        return list(client.scan_iter(match=f"{prefix}*", count=1000))
    if isinstance(cache, LocMemCache):
        with cache._lock:
            return [key for key in cache._cache if key.startswith(prefix)]
    return []


def tenant_cache_keys(slug: str) -> list[Any]:
    """Every cache key of the tenant: django_tenants.cache.make_key starts them with
    ``<schema>:``. Redis (SCAN, one server) and the in-process cache can be listed; other
    backends cannot, their entries only expire."""
    return [key for alias in settings.CACHES for key in _cache_keys(caches[alias], f"{slug}:")]


def forget_tenant_cache(slug: str) -> int:
    """Delete every cache entry with the tenant's key prefix; returns how many."""
    deleted = 0
    for alias in settings.CACHES:
        cache = caches[alias]
        keys = _cache_keys(cache, f"{slug}:")
        if isinstance(cache, RedisCache):
            client = cache._cache.get_client(write=True)
            for start in range(0, len(keys), 500):
                deleted += client.delete(*keys[start : start + 500])
        elif isinstance(cache, LocMemCache):
            with cache._lock:
                for key in keys:
                    cache._delete(key)
            deleted += len(keys)
        else:
            logger.warning(
                "Cache %s cannot list keys: %s entries expire by themselves", alias, slug
            )
    return deleted


def tenant_leftovers(slug: str) -> list[str]:
    """What still exists of a tenant with this slug: empty after a complete deletion."""
    connection.set_schema_to_public()
    found = []
    if Tenant.objects.filter(schema_name=slug).exists():
        found.append(f"tenant row {slug}")
    if schema_exists(slug):
        found.append(f"schema {slug}")
    if _tenant_media(slug).exists():
        found.append(f"folder {_tenant_media(slug)}")
    keys = tenant_cache_keys(slug)
    if keys:
        found.append(f"{len(keys)} cache keys {slug}:*")
    host = f"{slug}.{settings.PLATFORM_DOMAIN}"
    if Domain.objects.filter(domain=host).exists():
        found.append(f"domain {host}")
    return found


def tenant_delete(
    *, actor: Any, tenant: Tenant, reason: str, export_manifest: Path
) -> TenantDeletion:
    """Delete a suspended or offboarded tenant after checking its export; see the module."""
    slug = tenant.schema_name
    if slug == "public":
        raise ValidationError(_("The public schema is not a tenant."))
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why the tenant is deleted.")]})
    if tenant.status == Status.ACTIVE:
        raise ValidationError(
            _("Tenant %(slug)s is active: suspend it before deleting it.") % {"slug": slug}
        )
    manifest = export_verify(export_manifest)
    if (manifest["slug"], manifest["tenant_id"]) != (slug, tenant.pk):
        raise ValidationError(
            _("The export is of %(other)s, not of %(slug)s.")
            % {"other": manifest["slug"], "slug": slug}
        )
    connection.set_schema_to_public()
    counts = table_counts(slug)
    changed = sorted(
        table
        for table in counts.keys() | manifest["tables"].keys()
        if counts.get(table) != manifest["tables"].get(table)
    )
    if changed:
        raise ValidationError(
            _("The tenant changed since the export (%(tables)s): export it again.")
            % {"tables": ", ".join(changed)}
        )
    manifest_sha = _sha256(_manifest_path(export_manifest))
    # Cached routing goes first, while the Domain rows still say which hosts to forget.
    forget_tenant_hosts(tenant)
    with transaction.atomic():
        record = TenantDeletion.objects.create(
            slug=slug,
            name=tenant.name,
            kind=tenant.kind,
            country=tenant.country,
            tenant_id=tenant.pk,
            tenant_created_at=tenant.created_at,
            deleted_by=actor.email if getattr(actor, "is_authenticated", False) else SYSTEM,
            reason=reason.strip(),
            exported_at=dt.datetime.fromisoformat(manifest["created_at"]),
            export_manifest_sha256=manifest_sha,
            export_summary={
                "dump_sha256": manifest["dump"]["sha256"],
                "tables": len(manifest["tables"]),
                "rows": sum(manifest["tables"].values()),
                "files": len(manifest["files"]),
            },
        )
        audit_record(
            actor=actor,
            action="tenant.deleted",
            target=tenant,
            reason=reason.strip(),
            data={"slug": slug, "deletion_id": record.pk, "manifest_sha256": manifest_sha},
        )
        if connection.in_atomic_block:
            # Deferred foreign-key checks on rows of the schema would block DROP SCHEMA.
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # Domain rows cascade with the Tenant row; library actions keep contributor_name.
        tenant.delete(force_drop=True)
    # Files and cache are not transactional: removed once the database part succeeded.
    if _tenant_media(slug).exists():
        shutil.rmtree(_tenant_media(slug))
    forget_tenant_cache(slug)
    return record


# --- Restore drill --------------------------------------------------------------------------


@dataclass
class RestoreResult:
    tenant: Tenant
    # table -> (rows in the export, rows restored), only where they differ
    differences: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)
    files_differing: list[str] = field(default_factory=list)
    # apps whose migration state in the export differs from this code's latest
    migrations_behind: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.differences and not self.files_differing


def _validated_new_slug(slug: str) -> str:
    slug = slug.strip()
    try:
        slug_validator(slug)
    except ValidationError as error:
        raise ValidationError({"slug": error.messages}) from None
    if slug in RESERVED_SLUGS or slug.startswith("pg"):
        raise ValidationError({"slug": [_("The slug “%(slug)s” is reserved.") % {"slug": slug}]})
    connection.set_schema_to_public()
    if (
        Tenant.objects.filter(schema_name=slug).exists()
        or schema_exists(slug)
        or _tenant_media(slug).exists()
        or Domain.objects.filter(domain=f"{slug}.{settings.PLATFORM_DOMAIN}").exists()
    ):
        raise ValidationError(
            {"slug": [_("A tenant with the slug “%(slug)s” already exists.") % {"slug": slug}]}
        )
    return slug


def _restore_schema(dump: Path, old: str, new: str) -> None:
    """Restore ``dump`` (schema ``old``) into this database as schema ``new``."""
    scratch = f"kp_restore_{new}_{secrets.token_hex(4)}"
    run_pg_program("createdb", scratch)
    try:
        with tempfile.TemporaryDirectory() as work:
            renamed = Path(work) / "renamed.dump"
            run_pg_program(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                f"--dbname={scratch}",
                str(dump),
            )
            run_pg_program(
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--set=ON_ERROR_STOP=1",
                f"--command=ALTER SCHEMA {_quoted(old)} RENAME TO {_quoted(new)}",
                database=scratch,
            )
            run_pg_program(
                "pg_dump",
                "--format=custom",
                f"--schema={new}",
                "--no-owner",
                "--no-privileges",
                f"--file={renamed}",
                database=scratch,
            )
            run_pg_program(
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                f"--dbname={connection.settings_dict['NAME']}",
                str(renamed),
            )
    finally:
        run_pg_program("dropdb", "--if-exists", scratch)


def _restore_schema_copy(folder: Path, dump: dict[str, Any], new: str) -> None:
    """Restore a schema written by ``_write_schema_copy`` as schema ``new``, in one
    transaction: the structure, then every table's rows (foreign keys are checked at the
    commit, so the order of the tables does not matter), then the sequences."""
    connection.ensure_connection()
    raw = connection.connection
    with transaction.atomic():
        schema_replay(
            (folder / dump["path"]).read_text(encoding="utf-8"),
            source=dump["source_schema"],
            schema_name=new,
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for entry in dump["tables"]:
            with (
                (folder / entry["path"]).open("rb") as rows,
                raw.cursor() as cursor,
                cursor.copy(f"COPY {_quoted(new)}.{_quoted(entry['table'])} FROM STDIN") as copy,
            ):
                while block := rows.read(1 << 20):
                    copy.write(block)
        with connection.cursor() as cursor:
            for name, last_value, start in dump["sequences"]:
                cursor.execute(
                    "SELECT setval(%s::regclass, %s, %s)",
                    [
                        f"{_quoted(new)}.{_quoted(name)}",
                        start if last_value is None else last_value,
                        last_value is not None,
                    ],
                )


def _latest_migrations() -> dict[str, str]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return dict(sorted(loader.graph.leaf_nodes()))


# The Tenant fields a restored copy takes over from the export (status, readiness and its
# host are the drill's own). Exports older than a field leave it at its default.
RESTORED_FIELDS = (
    "name",
    "kind",
    "country",
    "primary_language",
    "other_languages",
    "currency",
    "locale",
    "time_zone",
    "brand_logo",
    "brand_colour",
    "sender_name",
    "reply_to",
)


def tenant_restore(*, actor: Any, export: Path, slug: str, activate: bool = False) -> RestoreResult:
    """Restore an export as a new tenant ``slug`` and compare its row counts and files with
    the manifest. The copy is suspended unless ``activate``: a serving copy would get the
    schedules (reminders to real people) of the original."""
    manifest = export_verify(export)
    folder = _manifest_path(export).parent
    slug = _validated_new_slug(slug)
    public = json.loads((folder / PUBLIC).read_text(encoding="utf-8"))
    exported = public["tenant"][0]
    if manifest["dump"].get("kind") == "blueprint":
        _restore_schema_copy(folder, manifest["dump"], slug)
    else:
        _restore_schema(folder / manifest["dump"]["path"], manifest["slug"], slug)
    try:
        with transaction.atomic():
            tenant = Tenant(
                schema_name=slug,
                **{name: exported[name] for name in RESTORED_FIELDS if name in exported},
                status=Status.ACTIVE if activate else Status.SUSPENDED,
                ready=True,
            )
            tenant.auto_create_schema = False  # restored above, not migrated afresh
            tenant.save(verbosity=0)
            Domain.objects.create(domain=primary_host(tenant), tenant=tenant, is_primary=True)
            audit_record(
                actor=actor,
                action="tenant.restored",
                target=tenant,
                data={
                    "from_slug": manifest["slug"],
                    "manifest_sha256": _sha256(_manifest_path(export)),
                    "activated": activate,
                },
            )
    except BaseException:
        logger.exception("Registering restored tenant %s failed; dropping its schema", slug)
        schema_drop(slug)
        raise
    forget_tenant_hosts(tenant)
    if (folder / "files").is_dir() and any((folder / "files").iterdir()):
        shutil.copytree(folder / "files", _tenant_media(slug))
    result = RestoreResult(tenant=tenant)
    counts = table_counts(slug)
    for table in sorted(counts.keys() | manifest["tables"].keys()):
        expected, actual = manifest["tables"].get(table), counts.get(table)
        if expected != actual:
            result.differences[table] = (expected, actual)
    restored_files = {item["path"]: item["sha256"] for item in _files_of(_tenant_media(slug))}
    exported_files = {item["path"]: item["sha256"] for item in manifest["files"]}
    result.files_differing = sorted(
        path
        for path in restored_files.keys() | exported_files.keys()
        if restored_files.get(path) != exported_files.get(path)
    )
    latest = _latest_migrations()
    result.migrations_behind = sorted(
        app
        for app, name in manifest["versions"]["migrations"].items()
        if app in latest and latest[app] != name
    )
    return result
