"""`manage.py check --database default` warns when a full pg_dump would run out of locks."""

import pytest
from django.core.management import call_command

from tenants import checks
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_no_warning_while_the_lock_table_holds_every_table(alpha: World) -> None:
    assert checks.lock_table_fits_a_full_backup(databases=["default"]) == []
    assert checks.lock_table_fits_a_full_backup(databases=None) == [], "only with --database"


def test_a_lock_table_too_small_for_the_tables_is_reported_with_the_setting_to_use(
    alpha: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if the schemas held 10,000 times more tables (1,100 tenants on a default server).
    monkeypatch.setattr(checks, "LOCK_HEADROOM", 10_000)
    [warning] = checks.lock_table_fits_a_full_backup(databases=["default"])
    assert warning.id == "tenants.W001"
    assert "A full pg_dump locks" in warning.msg
    suggested = int(warning.hint.split("max_locks_per_transaction = ")[1].split()[0])
    assert suggested & (suggested - 1) == 0, "a power of two"
    assert suggested >= 64


def test_the_check_runs_with_the_database_tag(alpha: World, capsys) -> None:  # type: ignore[no-untyped-def]
    call_command("check", "--database", "default", "--tag", "database")
    assert "no issues" in capsys.readouterr().out
