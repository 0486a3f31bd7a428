"""migrate_tenants: only schemas that lack a migration are migrated, failures are reported and
take the tenant offline, and a rerun picks up what is left.

"Behind" is made with a throw-away migration added to the ``partners`` app's graph for the
test only (on top of its current leaf, whatever that is), so no real migration is touched.
Everything runs in the test's transaction (tenants_migrate then migrates in-process) and is
rolled back with it."""

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations.base import Operation
from django.db.models.signals import post_migrate
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from programmes.core.models import AuditEvent
from tenants import migrating
from tenants.models import Tenant

APP = "partners"
NAME = "9999_throwaway_for_tests"
MARKER_TABLE = "kp_migrating_test_marker"
# Fails in beta's schema only (current_schema() is the first schema on the search path).
FAILS_IN_BETA = """
DO $$ BEGIN
  IF current_schema() = 'beta' THEN RAISE EXCEPTION 'BETA-MIGRATION-BOOM'; END IF;
END $$;
CREATE TABLE kp_migrating_test_marker (id integer);
"""

AddMigration = Callable[..., None]


@pytest.fixture
def add_migration(monkeypatch: pytest.MonkeyPatch) -> AddMigration:
    """Adds a migration running ``sql`` to every MigrationLoader made during the test."""
    (leaf,) = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes(APP)
    original = MigrationLoader.load_disk

    def add(sql: str, *operations: Operation) -> None:
        migration_class = type(
            "Migration",
            (migrations.Migration,),
            {
                "dependencies": [leaf],
                "operations": [
                    *([migrations.RunSQL(sql, migrations.RunSQL.noop)] if sql else []),
                    *operations,
                ],
            },
        )

        def load_disk(loader: MigrationLoader) -> None:
            original(loader)
            loader.disk_migrations[APP, NAME] = migration_class(NAME, APP)

        monkeypatch.setattr(MigrationLoader, "load_disk", load_disk)

    return add


@pytest.fixture
def migrated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The schemas tenants_migrate started migrating, in order (they are still migrated)."""
    calls: list[str] = []
    original = migrating._migrate_in_worker

    def spy(job: tuple[str, list[Any], int]) -> migrating.SchemaOutcome:
        calls.append(job[0])
        return original(job)

    monkeypatch.setattr(migrating, "_migrate_in_worker", spy)
    yield calls


def _has_marker_table(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [f"{schema_name}.{MARKER_TABLE}"])
        return bool(cursor.fetchone()[0])


def _recorded(schema_name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM {schema_name}.django_migrations WHERE app = %s AND name = %s",  # noqa: S608
            [APP, NAME],
        )
        return cursor.fetchone()[0] == 1


def _migrate_tenants() -> None:
    call_command("migrate_tenants", skip_shared=True, verbosity=0)


@pytest.mark.django_db
def test_nothing_pending_migrates_no_schema_in_a_few_queries(
    migrated: list[str], django_assert_max_num_queries: Any
) -> None:
    schemas = migrating.tenant_schemas()
    assert {"alpha", "beta"} <= set(schemas)
    assert migrating.pending_migrations(schemas) == {}
    # SET search_path, the tenant list, which schemas exist, one query per chunk of schemas.
    with django_assert_max_num_queries(4):
        run = migrating.tenants_migrate(processes=1)
    assert migrated == []
    assert run.outcomes == []
    assert run.up_to_date == len(schemas)


@pytest.mark.django_db
def test_it_checks_schemas_in_chunks_and_finds_each_ones_gaps(
    add_migration: AddMigration,
) -> None:
    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")
    expected = migrating.migrations_on_disk()
    assert (APP, NAME) in expected
    with CaptureQueriesContext(connection) as queries:
        pending = migrating.pending_migrations(["alpha", "beta"], expected=expected, chunk_size=1)
    reads = [query["sql"] for query in queries if ".django_migrations" in query["sql"]]
    assert len(reads) == 2  # one query per chunk (of one schema here), none per migration
    assert pending == {"alpha": [(APP, NAME)], "beta": [(APP, NAME)]}


@pytest.mark.django_db
def test_the_public_schema_is_migrated_first(
    add_migration: AddMigration, monkeypatch: pytest.MonkeyPatch
) -> None:
    order: list[str] = []
    spied = {
        "public_migrate": migrating.public_migrate,
        "tenants_migrate": migrating.tenants_migrate,
    }
    for name, function in spied.items():
        monkeypatch.setattr(
            migrating, name, lambda f=function, n=name, **o: order.append(n) or f(**o)
        )
    monkeypatch.setattr(
        migrating,
        "_migrate_in_worker",
        lambda job: order.append(job[0]) or migrating.SchemaOutcome(job[0], [], 0),
    )
    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")  # public lacks it too

    call_command("migrate_tenants", verbosity=0)

    assert order == ["public_migrate", "tenants_migrate", "alpha", "beta"]
    assert _recorded("public")
    assert not _has_marker_table("public")  # partners is a tenant app: recorded, not run
    order.clear()
    call_command("migrate_tenants", verbosity=0)
    assert order == ["public_migrate", "tenants_migrate", "alpha", "beta"]  # (spy: not done)
    assert migrating.pending_migrations(["public"]) == {}


@pytest.mark.django_db
@pytest.mark.parametrize("option", [[], ["--per-schema-migrate"]])
def test_only_the_schema_that_is_behind_is_migrated(
    add_migration: AddMigration, migrated: list[str], option: list[str]
) -> None:
    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")
    # beta already has the migration (recorded and made); alpha lacks it.
    call_command("migrate_schemas", tenant=True, schema_name="beta", verbosity=0)
    assert _has_marker_table("beta") and not _has_marker_table("alpha")
    migrated.clear()

    call_command("migrate_tenants", *option, skip_shared=True, verbosity=0)

    assert migrated == ["alpha"]
    assert _has_marker_table("alpha") and _recorded("alpha")
    assert migrating.pending_migrations(migrating.tenant_schemas()) == {}


@pytest.mark.django_db
def test_a_run_stopped_half_way_resumes_with_the_rest(
    add_migration: AddMigration, migrated: list[str]
) -> None:
    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")
    assert set(migrating.pending_migrations(["alpha", "beta"])) == {"alpha", "beta"}
    # The first run got as far as alpha before it was stopped.
    assert migrating.schema_migrate("alpha", verbosity=0).ok
    migrated.clear()

    run = migrating.tenants_migrate(processes=1, verbosity=0)

    assert migrated == ["beta"]
    assert [outcome.schema_name for outcome in run.outcomes] == ["beta"]
    assert _has_marker_table("beta") and _recorded("beta")
    assert migrating.pending_migrations(["alpha", "beta"]) == {}


@pytest.mark.django_db
def test_a_failure_is_reported_the_others_go_on_and_the_tenant_is_not_ready(
    add_migration: AddMigration, migrated: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    add_migration(FAILS_IN_BETA)
    assert Tenant.objects.get(schema_name="beta").ready

    with pytest.raises(CommandError, match="Migrations failed in 1 schemas: beta"):
        call_command("migrate_tenants", skip_shared=True, verbosity=1)

    assert sorted(migrated) == ["alpha", "beta"]
    assert _has_marker_table("alpha") and _recorded("alpha")
    assert not _has_marker_table("beta") and not _recorded("beta")
    assert "beta: FAILED" in capsys.readouterr().err
    connection.set_schema_to_public()
    beta = Tenant.objects.get(schema_name="beta")
    assert not beta.ready
    assert Tenant.objects.get(schema_name="alpha").ready
    with schema_context("public"):
        event = AuditEvent.objects.get(
            action=migrating.FAILED_ACTION, target_type="tenants.tenant", target_id=str(beta.pk)
        )
    assert "BETA-MIGRATION-BOOM" in event.data["error"]
    assert event.data["pending"] == [f"{APP}.{NAME}"]
    assert event.outcome == "failed"


@pytest.mark.django_db
def test_a_tenant_stopped_by_a_failed_migration_is_served_again_once_migrated(
    add_migration: AddMigration, migrated: list[str]
) -> None:
    add_migration(FAILS_IN_BETA)
    with pytest.raises(CommandError):
        _migrate_tenants()
    assert not Tenant.objects.get(schema_name="beta").ready

    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")  # the fix is deployed
    migrated.clear()
    _migrate_tenants()

    assert migrated == ["beta"]
    assert Tenant.objects.get(schema_name="beta").ready
    assert AuditEvent.objects.filter(action=migrating.RECOVERED_ACTION).count() == 1


@pytest.mark.django_db
def test_a_tenant_not_ready_for_another_reason_stays_not_ready(
    add_migration: AddMigration,
) -> None:
    add_migration(f"CREATE TABLE {MARKER_TABLE} (id integer)")
    Tenant.objects.filter(schema_name="alpha").update(ready=False)  # e.g. still onboarding

    _migrate_tenants()

    assert _has_marker_table("alpha")
    assert not Tenant.objects.get(schema_name="alpha").ready


@pytest.mark.django_db
def test_a_new_model_gets_its_content_type_and_permissions_in_each_schema(
    add_migration: AddMigration,
) -> None:
    """post_migrate runs per schema on the fast path too (graph and state made once)."""
    add_migration(
        "",
        migrations.CreateModel("ThrowawayThing", [("id", models.BigAutoField(primary_key=True))]),
        migrations.AddField("partner", "throwaway_note", models.TextField(default="")),
    )

    run = migrating.tenants_migrate(processes=1, verbosity=0)

    assert sorted(outcome.schema_name for outcome in run.outcomes if outcome.ok) == [
        "alpha",
        "beta",
    ]
    for schema_name in ("alpha", "beta"):
        with schema_context(schema_name), connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM auth_permission p JOIN django_content_type t"
                " ON t.id = p.content_type_id"
                " WHERE t.app_label = %s AND t.model = 'throwawaything'",
                [APP],
            )
            assert cursor.fetchone()[0] == 4  # add, change, delete, view
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = %s"
                " AND table_name = 'partners_partner' AND column_name = 'throwaway_note'",
                [schema_name],
            )
            assert cursor.fetchone()[0] == 1
    assert migrating.pending_migrations(["alpha", "beta"]) == {}


@pytest.mark.django_db
def test_post_migrate_is_sent_only_when_it_can_make_something(
    add_migration: AddMigration, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[str] = []
    original = migrating.emit_post_migrate_signal
    monkeypatch.setattr(
        migrating,
        "emit_post_migrate_signal",
        lambda *args, **kwargs: sent.append(connection.schema_name) or original(*args, **kwargs),
    )
    add_migration(
        "", migrations.AddField("partner", "throwaway_note", models.TextField(default=""))
    )
    migrating.schema_migrate_fast(migrating.SchemaMigrator(), "alpha", [(APP, NAME)], verbosity=0)
    assert sent == []  # an AddField makes no content type or permission

    def another_receiver(**kwargs: Any) -> None:
        sent.append("another receiver")

    post_migrate.connect(another_receiver)
    try:
        outcome = migrating.schema_migrate_fast(
            migrating.SchemaMigrator(), "beta", [(APP, NAME)], verbosity=0
        )
    finally:
        post_migrate.disconnect(another_receiver)
    assert outcome.ok
    assert sent[0] == "beta" and "another receiver" in sent
