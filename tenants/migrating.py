"""Migrating every tenant schema in a deploy without paying Django's migrate for each one.

``migrate_schemas`` starts Django's migrate machinery in every schema, even when there is
nothing to apply: it loads the migration graph, renders the project state and introspects the
catalogue (``pg_class``, which holds every table of every tenant) several times per schema, so
its cost grows with the square of the number of tenants. Yet each schema's own
``django_migrations`` already says what it has.

- ``pending_migrations`` compares every schema's ``django_migrations`` with the migrations on
  disk in a few queries (a UNION ALL over chunks of schemas), so up-to-date schemas are
  skipped without starting migrate at all.
- ``tenants_migrate`` migrates only the schemas that are behind, in parallel forked
  processes, and reports each one; a failure does not stop the others. Each schema gets what
  Django's migrate does (pre_migrate, each migration in its transaction and recorded,
  post_migrate when it can make anything), but the migration graph and the rendered project
  state are made once per process instead of once per schema (``SchemaMigrator``), and the
  history table is looked up by name, not by listing the catalogue. Squashed migrations and
  model renames take django-tenants' ``migrate_schemas`` itself, as does ``fast=False``.
- A schema whose migration failed has its tenant marked not ready (``tenant_migration_failed``)
  and audited in the public schema; routing then shows the "not ready" notice instead of
  serving a half-migrated site. When a later run migrates it, ``tenant_migration_recovered``
  serves it again.
- Resuming needs nothing: a run stopped half-way left every finished schema's history
  recorded, so the next run finds only the rest behind.
"""

import logging
import multiprocessing
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as global_apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.sql import emit_post_migrate_signal, emit_pre_migrate_signal
from django.db import connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RenameModel
from django.db.migrations.recorder import MigrationRecorder
from django.db.migrations.state import ModelState, ProjectState
from django.db.models.signals import post_migrate

from programmes.core.audit import audit_record
from programmes.core.models import AuditEvent, Outcome
from tenants.audit import in_public_schema
from tenants.models import Tenant
from tenants.provisioning import quoted
from tenants.selectors import forget_tenant_hosts

logger = logging.getLogger(__name__)

MigrationKey = tuple[str, str]
# Schemas per pending-migrations query: each locks its schema's django_migrations and its
# index until the query ends, so a chunk stays far below max_locks_per_transaction's pool.
CHUNK_SIZE = 100
FAILED_ACTION = "tenant.migration_failed"
RECOVERED_ACTION = "tenant.migration_recovered"
# The error kept in the audit trail and printed (the traceback goes to the log).
MAX_ERROR_CHARS = 2000


def migrations_on_disk() -> list[MigrationKey]:
    """Every migration of the running code, as a migrated schema records it.

    A tenant schema records the migrations of all apps (the router only skips the
    operations of shared apps), so all apps count. Built without a connection, the graph
    holds a squashed migration instead of the ones it replaces, which is what migrate
    records on a fresh schema (and adds to an older one that applied the replaced ones)."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(loader.graph.nodes)


# The migrations on disk as a table, sent once per query as two arrays (apps, names).
_PENDING_HEAD = (
    "WITH expected(app, name) AS MATERIALIZED (SELECT * FROM unnest(%s::text[], %s::text[])) "
)
# One schema's missing migrations; its name is the first parameter.
_PENDING_PART = (
    "SELECT %s, e.app, e.name FROM expected e WHERE NOT EXISTS "
    "(SELECT 1 FROM {table} m WHERE m.app = e.app AND m.name = e.name)"
)


def _schemas_with_history(schemas: Sequence[str]) -> tuple[set[str], set[str]]:
    """Which of ``schemas`` exist, and which of those have a django_migrations table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT n.nspname, c.oid IS NOT NULL
            FROM pg_namespace n
            LEFT JOIN pg_class c
              ON c.relnamespace = n.oid AND c.relname = 'django_migrations' AND c.relkind = 'r'
            WHERE n.nspname = ANY(%s)""",
            [list(schemas)],
        )
        rows = cursor.fetchall()
    return {name for name, _ in rows}, {name for name, has_table in rows if has_table}


def pending_migrations(
    schemas: Sequence[str],
    *,
    expected: Sequence[MigrationKey] | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> dict[str, list[MigrationKey]]:
    """The migrations each existing schema lacks, for the schemas that lack any.

    One query per ``chunk_size`` schemas: the migrations on disk are sent once as two arrays
    and anti-joined with each schema's django_migrations. A schema without that table lacks
    them all; a schema that does not exist (a tenant still queued for onboarding) is left
    out. Run in the public schema; nothing is locked beyond the query."""
    expected = list(expected if expected is not None else migrations_on_disk())
    existing, with_history = _schemas_with_history(schemas)
    return _pending(schemas, existing, with_history, expected, chunk_size)


def _pending(
    schemas: Sequence[str],
    existing: set[str],
    with_history: set[str],
    expected: Sequence[MigrationKey],
    chunk_size: int,
) -> dict[str, list[MigrationKey]]:
    pending: dict[str, list[MigrationKey]] = {
        name: list(expected) for name in schemas if name in existing and name not in with_history
    }
    apps = [app for app, _name in expected]
    names = [name for _app, name in expected]
    to_check = [name for name in schemas if name in with_history]
    for start in range(0, len(to_check), chunk_size):
        chunk = to_check[start : start + chunk_size]
        # Schema names are quoted identifiers (and tenant slugs); the values are parameters.
        sql = _PENDING_HEAD + " UNION ALL ".join(
            _PENDING_PART.format(table=f"{quoted(name)}.django_migrations") for name in chunk
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [apps, names, *chunk])
            for schema_name, app, name in cursor.fetchall():
                pending.setdefault(schema_name, []).append((app, name))
    return pending


@dataclass
class SchemaOutcome:
    """What migrating one schema did."""

    schema_name: str
    pending: list[MigrationKey]
    seconds: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


def _has_history_table(recorder: MigrationRecorder) -> bool:
    """MigrationRecorder.has_table by name: Django lists every table of the schema, through a
    scan of pg_class (every tenant's tables) several times per schema; this is one index
    lookup in the schema django-tenants has set, which is what that listing looks in."""
    if recorder._has_table:
        return True
    table = f"{quoted(recorder.connection.schema_name)}.{quoted(recorder.Migration._meta.db_table)}"
    with recorder.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [table])
        recorder._has_table = bool(cursor.fetchone()[0])
    return recorder._has_table


@contextmanager
def _history_table_by_name() -> Iterator[None]:
    original = MigrationRecorder.has_table
    MigrationRecorder.has_table = _has_history_table  # type: ignore[method-assign]
    try:
        yield
    finally:
        MigrationRecorder.has_table = original  # type: ignore[method-assign]


def _outcome(
    schema_name: str, pending: Sequence[MigrationKey], migrate: Callable[[], None]
) -> SchemaOutcome:
    """Run ``migrate`` for one schema; an error is caught and returned, not raised."""
    started = time.perf_counter()
    error = ""
    try:
        with _history_table_by_name():
            migrate()
    except Exception as exc:  # reported per schema; the run goes on
        logger.exception("Migrating schema %s failed", schema_name)
        error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
        # The migration's transaction was rolled back; a fresh session for the next schema.
        if not connection.in_atomic_block:
            connection.close()
    finally:
        connection.set_schema_to_public()
    return SchemaOutcome(
        schema_name=schema_name,
        pending=list(pending),
        seconds=time.perf_counter() - started,
        error=error,
    )


def schema_migrate(
    schema_name: str, pending: Sequence[MigrationKey] = (), *, verbosity: int = 1
) -> SchemaOutcome:
    """django-tenants' ``migrate_schemas`` in one tenant schema, its error returned."""
    return _outcome(
        schema_name,
        pending,
        lambda: call_command(
            "migrate_schemas",
            tenant=True,
            schema_name=schema_name,
            interactive=False,
            verbosity=verbosity,
        ),
    )


def public_migrate(*, verbosity: int = 1) -> list[MigrationKey]:
    """Migrate the public schema when it lacks a migration (``migrate_schemas --shared``);
    the migrations it lacked, empty when there was nothing to do."""
    connection.set_schema_to_public()
    pending = pending_migrations(["public"]).get("public", [])
    if pending:
        with _history_table_by_name():
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
    return pending


class _Executor(MigrationExecutor):
    """Django's executor on a graph loaded once per run instead of once per schema."""

    def __init__(self, loader: MigrationLoader) -> None:
        self.connection = connection
        self.loader = loader
        self.recorder = MigrationRecorder(connection)
        self.progress_callback = None


# post_migrate receivers that only add rows for new models or for changed permissions, or
# act on renamed models (which take Django's own migrate, see needs_full_migrate).
ROW_MAKING_RECEIVERS = frozenset(
    {
        "django.contrib.contenttypes.management.create_contenttypes",
        "django.contrib.auth.management.create_permissions",
        "django.contrib.auth.management.rename_permissions_after_model_rename",
        "django.contrib.sites.management.create_default_site",
    }
)


def _post_migrate_receivers() -> set[str]:
    names = set()
    for app_config in global_apps.get_app_configs():
        sync_receivers, async_receivers = post_migrate._live_receivers(app_config)
        for receiver in (*sync_receivers, *async_receivers):
            names.add(f"{receiver.__module__}.{receiver.__qualname__}")
    return names


def _what_post_migrate_reads(state: ProjectState) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Per model, what content types and permissions are made from."""
    return {
        key: tuple(
            model.options.get(name)
            for name in ("permissions", "default_permissions", "verbose_name")
        )
        for key, model in state.models.items()
    }


class SchemaMigrator:
    """What Django's migrate does in a schema, minus what is the same in every schema.

    ``migrate`` loads the migration graph (reading every schema's history again) and renders
    the project state as it was before the pending migrations, about 250 ms of each schema's
    330 ms. Both are the same for every schema lacking the same migrations, so they are made
    once per process (per set of pending migrations) and the rendered state is cloned, as
    migrate itself clones it. Then, as migrate does: pre_migrate, the migrations (each in its
    own transaction, recorded) and post_migrate.

    post_migrate (about 120 queries per schema and a re-render of every model) is sent only
    when it can do something: when the migrations add or remove a model or change what
    permissions are made from, or when a receiver other than Django's content types and
    permissions listens. An AddField needs none of it.

    A migration that renames a model or replaces others is left to migrate itself
    (``needs_full_migrate``): contenttypes inserts its rename operation into the migration
    object, which is shared here."""

    def __init__(self) -> None:
        self.loader = MigrationLoader(None, ignore_no_migrations=True)
        self._states: dict[frozenset[MigrationKey], ProjectState] = {}
        self._post_migrate: dict[frozenset[MigrationKey], bool] = {}

    def needs_full_migrate(self, pending: Sequence[MigrationKey]) -> bool:
        nodes = self.loader.graph.nodes
        return any(
            key not in nodes
            or nodes[key].replaces
            or any(isinstance(operation, RenameModel) for operation in nodes[key].operations)
            for key in pending
        )

    def _state_before(self, executor: _Executor, pending: frozenset[MigrationKey]) -> ProjectState:
        if pending not in self._states:
            self.loader.applied_migrations = {
                key: None for key in self.loader.graph.nodes if key not in pending
            }
            state = executor._create_project_state(with_applied_migrations=True)
            state.apps  # noqa: B018 - rendered once here, cloned for every schema
            self._states[pending] = state
        return self._states[pending]

    def post_migrate_needed(
        self, pending: frozenset[MigrationKey], before: ProjectState, plan: list[Any]
    ) -> bool:
        if pending not in self._post_migrate:
            after = before.clone()
            for migration, _backwards in plan:
                after = migration.mutate_state(after, preserve=False)
            self._post_migrate[pending] = bool(
                _post_migrate_receivers() - ROW_MAKING_RECEIVERS
            ) or _what_post_migrate_reads(before) != _what_post_migrate_reads(after)
        return self._post_migrate[pending]

    def migrate(self, schema_name: str, pending: Sequence[MigrationKey], verbosity: int) -> None:
        connection.set_schema(schema_name)
        executor = _Executor(self.loader)
        full_plan = executor.migration_plan(self.loader.graph.leaf_nodes(), clean_start=True)
        wanted = frozenset(pending)
        plan = [(m, False) for m, _ in full_plan if (m.app_label, m.name) in wanted]
        state = self._state_before(executor, wanted)
        alias = connection.alias
        emit_pre_migrate_signal(verbosity, False, alias, apps=state.apps, plan=plan)
        after = executor.migrate(None, plan=plan, state=state.clone())
        if not self.post_migrate_needed(wanted, state, plan):
            return
        # As migrate does: every model reloaded and real apps re-rendered for the handlers.
        after.clear_delayed_apps_cache()
        apps = after.apps
        with apps.bulk_update():
            model_keys = []
            for model_state in apps.real_models:
                model_keys.append((model_state.app_label, model_state.name_lower))
                apps.unregister_model(*model_keys[-1])
        apps.render_multiple(
            [ModelState.from_model(global_apps.get_model(*key)) for key in model_keys]
        )
        emit_post_migrate_signal(verbosity, False, alias, apps=apps, plan=plan)


def schema_migrate_fast(
    migrator: SchemaMigrator,
    schema_name: str,
    pending: Sequence[MigrationKey],
    *,
    verbosity: int = 1,
) -> SchemaOutcome:
    """``schema_migrate`` with the graph and the state made once (``SchemaMigrator``)."""
    if migrator.needs_full_migrate(pending):
        return schema_migrate(schema_name, pending, verbosity=verbosity)
    return _outcome(schema_name, pending, lambda: migrator.migrate(schema_name, pending, verbosity))


# Made in the parent before the workers are forked, so they inherit the loaded graph.
_migrator: SchemaMigrator | None = None


def _migrate_in_worker(job: tuple[str, list[MigrationKey], int]) -> SchemaOutcome:
    schema_name, pending, verbosity = job
    if _migrator is None:
        return schema_migrate(schema_name, pending, verbosity=verbosity)
    return schema_migrate_fast(_migrator, schema_name, pending, verbosity=verbosity)


def _outcomes(
    jobs: list[tuple[str, list[MigrationKey], int]], processes: int
) -> Iterable[SchemaOutcome]:
    """Each schema's outcome as it finishes: in this process, or in forked workers (like
    django-tenants' multiprocessing executor, which they inherit the loaded Django from)."""
    if processes <= 1 or len(jobs) <= 1 or connection.in_atomic_block:
        yield from map(_migrate_in_worker, jobs)
        return
    connections.close_all()  # a forked child must not share the parent's session
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=min(processes, len(jobs))) as pool:
        yield from pool.imap_unordered(_migrate_in_worker, jobs)


@dataclass
class MigrationRun:
    """What ``tenants_migrate`` found and did."""

    schemas: int = 0
    up_to_date: int = 0
    missing_schemas: list[str] = field(default_factory=list)
    outcomes: list[SchemaOutcome] = field(default_factory=list)
    check_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def failed(self) -> list[SchemaOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.ok]


def tenant_schemas() -> list[str]:
    """Every tenant's schema, in the order tenants were created."""
    return list(
        Tenant.objects.exclude(schema_name="public")
        .order_by("pk")
        .values_list("schema_name", flat=True)
    )


def tenants_migrate(
    *,
    processes: int = 2,
    verbosity: int = 1,
    chunk_size: int = CHUNK_SIZE,
    report: Callable[[SchemaOutcome], None] | None = None,
    fast: bool = True,
) -> MigrationRun:
    """Migrate the tenant schemas that are behind (not the public schema: migrate it first).

    Each finished schema is passed to ``report``; a failed one marks its tenant not ready
    and a schema migrated after an earlier failure is served again. ``fast``: the graph and
    project state made once (``SchemaMigrator``), else ``migrate_schemas`` per schema."""
    started = time.perf_counter()
    connection.set_schema_to_public()
    schemas = tenant_schemas()
    existing, with_history = _schemas_with_history(schemas)
    pending = _pending(schemas, existing, with_history, migrations_on_disk(), chunk_size)
    run = MigrationRun(
        schemas=len(schemas),
        up_to_date=len(existing) - len(pending),
        missing_schemas=[name for name in schemas if name not in existing],
        check_seconds=time.perf_counter() - started,
    )
    jobs = [(name, pending[name], verbosity) for name in schemas if name in pending]
    global _migrator
    _migrator = SchemaMigrator() if fast and jobs else None
    try:
        for outcome in _outcomes(jobs, processes):
            run.outcomes.append(outcome)
            connection.set_schema_to_public()
            tenant = Tenant.objects.get(schema_name=outcome.schema_name)
            if outcome.ok:
                tenant_migration_recovered(tenant=tenant)
            else:
                tenant_migration_failed(tenant=tenant, error=outcome.error, pending=outcome.pending)
            if report is not None:
                report(outcome)
    finally:
        _migrator = None
    run.seconds = time.perf_counter() - started
    return run


# --- Services: a tenant's readiness follows its schema's migrations --------------------------


def tenant_migration_failed(
    *, tenant: Tenant, error: str, pending: Sequence[MigrationKey] = ()
) -> Tenant:
    """Stop serving a tenant whose schema could not be migrated (routing shows its "not
    ready" notice) and say why in the platform's audit trail. The tenant's own schema is not
    written to: it is the one in trouble."""
    with in_public_schema(), transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        if tenant.ready:
            tenant.ready = False
            tenant.save(update_fields=["ready"])
        audit_record(
            actor=None,
            action=FAILED_ACTION,
            target=tenant,
            data={
                "error": error[:MAX_ERROR_CHARS],
                "pending": [f"{app}.{name}" for app, name in pending],
            },
            outcome=Outcome.FAILED,
        )
        forget_tenant_hosts(tenant)
    return tenant


def _last_migration_event(tenant: Tenant) -> AuditEvent | None:
    return (
        AuditEvent.objects.filter(
            target_type=Tenant._meta.label_lower,
            target_id=str(tenant.pk),
            action__in=(FAILED_ACTION, RECOVERED_ACTION),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def tenant_migration_recovered(*, tenant: Tenant) -> Tenant:
    """Serve again a tenant that ``tenant_migration_failed`` stopped, once its schema is
    migrated. Only that: a tenant not ready for another reason (onboarding) stays as it is."""
    if tenant.ready:
        return tenant
    with in_public_schema(), transaction.atomic():
        tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
        last = _last_migration_event(tenant)
        if tenant.ready or last is None or last.action != FAILED_ACTION:
            return tenant
        tenant.ready = True
        tenant.save(update_fields=["ready"])
        audit_record(actor=None, action=RECOVERED_ACTION, target=tenant)
        forget_tenant_hosts(tenant)
    return tenant


def default_processes() -> int:
    """As many workers as django-tenants' multiprocessing executor is configured for."""
    return int(getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2))
