"""Fast onboarding: schemas from the blueprint of the current migrations, equal to migrated
ones, and provisioning in the background with its progress in the console.

The blueprint is built once, committed (pg_dump runs in a session of its own and cannot see a
test's transaction), by the module fixture; every test then runs in its rolled-back
transaction.
"""

import logging
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django_tenants.utils import schema_exists, tenant_context

from programmes.configuration.models import Programme
from programmes.core.models import AuditEvent
from programmes.people.models import Invitation
from tenants import provisioning, services
from tenants.models import Onboarding, SchemaBlueprint, Tenant
from tenants.services import OnboardingRequest, tenant_onboarding_request, tenant_provision
from tenants.tasks import provision_tenant
from tests.conftest import World, client_for, operator_client

pytestmark = pytest.mark.django_db

ONBOARDING = {
    "name": "Vejle Kommune",
    "slug": "vejle",
    "kind": "municipality",
    "country": "DK",
    "language": "da",
    "preset": "neutral",
    "admin_email": "klima@vejle.example",
}


@pytest.fixture(scope="module")
def blueprint(django_db_setup, django_db_blocker) -> Iterator[SchemaBlueprint]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        current = provisioning.current_blueprint()
        assert current is not None
        yield current


def _request(**overrides: str) -> OnboardingRequest:
    fields = dict(ONBOARDING)
    fields.update(overrides)
    return OnboardingRequest(**fields)  # type: ignore[arg-type]


def _structural_differences(expected: str, actual: str) -> list[str]:
    """Differences but those of data (a tenant in use has more rows, its sequences moved)."""
    return [
        difference
        for difference in provisioning.structure_differences(
            provisioning.schema_structure(expected), provisioning.schema_structure(actual)
        )
        if not difference.startswith(("row_counts", "sequence_values"))
    ]


# --- The blueprint --------------------------------------------------------------------------


def test_a_schema_from_the_blueprint_equals_one_made_by_the_migrations(
    blueprint: SchemaBlueprint,
) -> None:
    """The check that keeps the fast path honest: tables, columns, defaults, indexes,
    constraints, triggers, functions, sequences and the rows migrations write."""
    provisioning.schema_create_by_migrations("bpmigrated")
    provisioning.blueprint_replay(blueprint, "bpreplayed")
    migrated = provisioning.schema_structure("bpmigrated")
    assert len(migrated["tables"]) > 50
    assert migrated["triggers"], "the audit trail's append-only trigger"
    assert migrated["rows:django_migrations"]
    assert (
        provisioning.structure_differences(migrated, provisioning.schema_structure("bpreplayed"))
        == []
    )


def test_the_comparison_finds_a_schema_that_differs(blueprint: SchemaBlueprint) -> None:
    provisioning.blueprint_replay(blueprint, "bpreplayed")
    expected = provisioning.schema_structure("bpreplayed")
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE bpreplayed.partners_partner ADD COLUMN stray integer")
        cursor.execute("DROP INDEX bpreplayed.unique_authenticator_type")
        cursor.execute("DELETE FROM bpreplayed.django_migrations WHERE name = '0001_initial'")
        cursor.execute(
            "DROP TRIGGER core_auditevent_append_only_truncate ON bpreplayed.core_auditevent"
        )
    differences = "\n".join(
        provisioning.structure_differences(expected, provisioning.schema_structure("bpreplayed"))
    )
    assert "unexpected ('partners_partner', 'stray'" in differences
    assert "indexes: missing ('unique_authenticator_type'" in differences
    assert "rows:django_migrations: missing" in differences
    assert (
        "triggers: missing ('core_auditevent', 'core_auditevent_append_only_truncate'"
        in differences
    )


def test_the_blueprint_is_the_one_of_the_current_migrations(blueprint: SchemaBlueprint) -> None:
    digest, count = provisioning.migrations_digest()
    assert (blueprint.digest, blueprint.migration_count) == (digest, count)
    assert count >= 70
    assert blueprint.source_schema.startswith(provisioning.SCRATCH_PREFIX)
    assert not schema_exists(blueprint.source_schema), "the scratch schema is dropped"
    # pg_dump's session settings and psql's meta-commands are not replayed.
    assert "\\restrict" not in blueprint.sql
    assert "set_config('search_path'" not in blueprint.sql


def test_the_blueprint_keeps_its_structure_alone_for_exports(blueprint: SchemaBlueprint) -> None:
    """``ddl`` recreates the structure without a row, and ``structure`` describes it: what
    tenants.offboarding exports a schema equal to the blueprint with."""
    assert "CREATE TABLE" in blueprint.ddl
    assert "INSERT INTO" not in blueprint.ddl
    assert "INSERT INTO" in blueprint.sql
    provisioning.schema_replay(
        blueprint.ddl, source=blueprint.source_schema, schema_name="bpstructure"
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM bpstructure.django_migrations")
        assert cursor.fetchone()[0] == 0
    provisioning.blueprint_replay(blueprint, "bpreplayed")
    for schema in ("bpstructure", "bpreplayed"):
        assert provisioning.blueprint_of(schema) == blueprint, schema
        assert (
            provisioning.structure_differences(
                blueprint.structure, provisioning.schema_structure(schema, contents=False)
            )
            == []
        )
    assert "sequence_values" not in blueprint.structure


def test_a_blueprint_of_other_migrations_is_never_replayed(
    blueprint: SchemaBlueprint, caplog: pytest.LogCaptureFixture
) -> None:
    """New code (a migration added or changed) has another digest: the old blueprint is left
    alone. Inside a transaction no new one can be built, so the schema is migrated."""
    with mock.patch.object(provisioning, "migrations_digest", return_value=("0" * 64, 1)):
        assert provisioning.current_blueprint(build=False) is None
        with caplog.at_level(logging.WARNING, logger="tenants.provisioning"):
            assert provisioning.schema_create("bpstale") == provisioning.BY_MIGRATIONS
    assert "by migrations" in caplog.text
    assert _structural_differences("bpstale", "alpha") == []


@pytest.fixture(scope="module")
def rebuilt(blueprint: SchemaBlueprint, django_db_blocker) -> Iterator[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Blueprints of three other sets of migrations, built outside any transaction as the
    migration job and the worker build them; then the real one again."""
    fake_digests = [f"{number}" * 64 for number in range(1, 4)]
    with django_db_blocker.unblock():
        connection.set_schema_to_public()
        try:
            built = []
            for digest in fake_digests:
                with mock.patch.object(provisioning, "migrations_digest", return_value=(digest, 1)):
                    built.append(provisioning.current_blueprint())
            kept = set(SchemaBlueprint.objects.values_list("digest", flat=True))
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)",
                    [provisioning.SCRATCH_PREFIX],
                )
                scratch = cursor.fetchall()
        finally:
            SchemaBlueprint.objects.filter(digest__in=fake_digests).delete()
            provisioning.current_blueprint()
        yield {"digests": fake_digests, "built": built, "kept": kept, "scratch": scratch}


def test_a_new_blueprint_is_built_for_new_migrations_and_old_ones_are_pruned(
    blueprint: SchemaBlueprint, rebuilt: dict[str, object]
) -> None:
    assert rebuilt["kept"] == set(rebuilt["digests"]), "the newest three are kept"  # type: ignore[arg-type]
    assert rebuilt["scratch"] == [], "no scratch schema is left"
    assert all(item.sql for item in rebuilt["built"])  # type: ignore[attr-defined]
    assert SchemaBlueprint.objects.filter(digest=blueprint.digest).exists()


def test_the_command_checks_the_blueprint(blueprint: SchemaBlueprint, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("build_schema_blueprint", "--check")
    output = capsys.readouterr().out
    assert f"Blueprint {blueprint.digest[:12]}" in output
    assert "equals one made by the migrations" in output


# --- Provisioning in the background ---------------------------------------------------------


def test_the_console_returns_at_once_and_shows_the_progress(
    blueprint: SchemaBlueprint, alpha: World, operator, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    client = operator_client(operator)
    with django_capture_on_commit_callbacks() as queued:
        response = client.post("/tenants/new/", ONBOARDING)
    assert response.status_code == 302
    tenant = Tenant.objects.get(schema_name="vejle")
    assert not tenant.ready and not schema_exists("vejle")
    page = client.get("/tenants/vejle/").content.decode()
    assert "Waiting for the worker" in page
    assert 'aria-current="step"' in page
    assert 'hx-trigger="every 2s"' in page, "the page polls while it runs"
    # Its host answers with the notice until it is ready.
    assert client_for(None).get("/", HTTP_HOST="vejle.localhost").status_code == 503
    assert list(queued)  # the worker's job, queued after commit
    for task in queued:
        task()
    fragment = client.get("/tenants/vejle/onboarding/").content.decode()
    assert "The tenant is ready" in fragment
    assert "hx-trigger" not in fragment, "polling stops"
    onboarding = Onboarding.objects.get(tenant__schema_name="vejle")
    assert onboarding.schema_method == provisioning.BY_BLUEPRINT
    assert onboarding.schema_seconds is not None and onboarding.schema_seconds < 5
    assert onboarding.admin_email == "", "the address lives on in the invitation only"
    tenant.refresh_from_db()
    assert tenant.ready
    with tenant_context(tenant):
        assert Programme.objects.exists()
        assert Invitation.objects.get().email == "klima@vejle.example"
    connection.set_schema_to_public()
    actions = set(
        AuditEvent.objects.filter(target_id=str(tenant.pk)).values_list("action", flat=True)
    )
    assert {"tenant.onboarding_requested", "tenant.onboarded"} <= actions


def test_a_failed_onboarding_says_why_leaves_no_schema_and_can_be_tried_again(
    blueprint: SchemaBlueprint,
    alpha: World,
    operator,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    def broken_preset(**kwargs: object) -> None:
        raise RuntimeError("PRESET-BROKEN")

    monkeypatch.setattr(services, "preset_apply", broken_preset)
    tenant = tenant_onboarding_request(actor=operator, request=_request())
    assert provision_tenant.apply(args=[tenant.pk]).get() == "failed"
    onboarding = Onboarding.objects.get(tenant=tenant)
    assert onboarding.step == "failed"
    assert "PRESET-BROKEN" in onboarding.error
    assert onboarding.attempts == 1
    assert not schema_exists("vejle")
    tenant.refresh_from_db()
    assert not tenant.ready
    client = operator_client(operator)
    page = client.get("/tenants/vejle/").content.decode()
    assert "PRESET-BROKEN" in page
    assert "Try again" in page
    assert "hx-trigger" not in page
    assert AuditEvent.objects.filter(
        action="tenant.onboarding_failed", target_id=str(tenant.pk)
    ).exists()

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/tenants/vejle/onboarding/retry/")
    assert response.status_code == 302
    onboarding.refresh_from_db()
    assert (onboarding.step, onboarding.attempts, onboarding.error) == ("ready", 2, "")
    assert schema_exists("vejle")
    # A ready onboarding cannot be retried or discarded.
    response = client.post("/api/v1/tenants/vejle/retry-onboarding/")
    assert response.status_code == 400
    assert "step" in response.json()
    response = client.post("/tenants/vejle/onboarding/discard/", {"discard-reason": "typo"})
    assert response.status_code == 400
    assert Tenant.objects.filter(schema_name="vejle").exists()


def test_a_failed_onboarding_can_be_discarded_with_a_reason(
    blueprint: SchemaBlueprint, alpha: World, operator, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(services, "invitation_create", mock.Mock(side_effect=RuntimeError("x")))
    tenant = tenant_onboarding_request(actor=operator, request=_request())
    with pytest.raises(RuntimeError):
        tenant_provision(tenant)
    client = operator_client(operator)
    response = client.post("/tenants/vejle/onboarding/discard/", {"discard-reason": " "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Tenant.objects.filter(schema_name="vejle").exists()
    response = client.post("/tenants/vejle/onboarding/discard/", {"discard-reason": "wrong slug"})
    assert response.status_code == 302
    assert not Tenant.objects.filter(schema_name="vejle").exists()
    event = AuditEvent.objects.get(action="tenant.onboarding_discarded")
    assert (event.reason, event.data["slug"]) == ("wrong slug", "vejle")
    # The slug is free again.
    tenant_onboarding_request(actor=operator, request=_request())


def test_provisioning_starts_afresh_after_a_worker_died_half_way(
    blueprint: SchemaBlueprint, alpha: World
) -> None:
    tenant = tenant_onboarding_request(actor=None, request=_request())
    provisioning.schema_create("vejle")  # what the killed attempt left
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE vejle.leftover (id integer)")
    tenant_provision(tenant)
    assert Onboarding.objects.get(tenant=tenant).step == "ready"
    assert _structural_differences("alpha", "vejle") == []


def test_the_progress_is_for_operators_only(
    blueprint: SchemaBlueprint, alpha: World, operator
) -> None:  # type: ignore[no-untyped-def]
    tenant_onboarding_request(actor=operator, request=_request())
    assert client_for(None).get("/tenants/vejle/onboarding/").status_code == 302
    assert client_for(alpha, "municipal_admin").get("/tenants/vejle/onboarding/").status_code == 404
    assert operator_client(operator).get("/tenants/alpha/onboarding/").status_code == 200
    assert operator_client(operator).get("/tenants/nosuch/onboarding/").status_code == 404


def test_the_progress_costs_a_fixed_number_of_queries(
    blueprint: SchemaBlueprint, alpha: World, operator, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    tenant_onboarding_request(actor=operator, request=_request())
    client = operator_client(operator)
    with django_assert_max_num_queries(4):
        assert client.get("/tenants/vejle/onboarding/").status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get("/tenants/vejle/").status_code == 200
