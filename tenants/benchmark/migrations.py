"""Figure 2: a deploy's migrations, run as the Helm migration job runs them (a fresh process)
over all N tenants: with nothing to apply, and with one AddField in every tenant schema (a
throw-away app, tenants/benchmark/addfield, installed in those processes only)."""

import subprocess  # fixed argument lists, no shell
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from tenants.benchmark.core import Bench, Figure, at_most
from tenants.models import Tenant

NOOP_TARGET_SECONDS = 5.0
ADDFIELD_TARGET_SECONDS = 90.0
# What the Helm migration job runs (helm/klimapartner/templates/migrate-job.yaml).
MIGRATE = ("migrate_tenants", "--processes=2")
FULL_SCALE_TENANTS = 1100
COMMAND_TIMEOUT_SECONDS = 3600


def _manage(bench: Bench, *args: str, addfield: str = "") -> float:
    """Wall time of ``manage.py <args>`` on the bench database; raises on failure."""
    environment = {**bench.subprocess_environment(), "KP_BENCH_ADDFIELD": addfield}
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return elapsed


def migrate_noop(bench: Bench) -> list[Figure]:
    """Targets are the issue's, for 1,100 tenants, start-up included: with fewer tenants a
    pass is necessary but not sufficient (the note gives the cost per tenant beyond the
    fixed part, measured by ``migrate_tenants --help``); ``make bench N=1100`` decides."""
    startup = _manage(bench, "migrate_tenants", "--help")
    elapsed = _manage(bench, *MIGRATE)
    per_tenant_ms = 1000 * max(elapsed - startup, 0) / bench.tenants
    note = (
        f"wall time of `manage.py {' '.join(MIGRATE)}` (the Helm job's) over {bench.tenants} "
        f"tenants, nothing to apply; process start-up {startup:.2f} s, {per_tenant_ms:.1f} ms "
        f"per tenant beyond it{_scale_note(bench)}"
    )
    return [
        at_most("migrate.noop_all_tenants", elapsed, "s", NOOP_TARGET_SECONDS, note),
        *_addfield(bench, startup),
    ]


def _scale_note(bench: Bench) -> str:
    if bench.tenants >= FULL_SCALE_TENANTS:
        return ""
    return f"; the target is for {FULL_SCALE_TENANTS:,} tenants"


def _addfield(bench: Bench, startup: float) -> list[Figure]:
    """The bench app's first migration (a table) everywhere, untimed beyond a note, then its
    second (one AddField) timed; the table and its history are removed again afterwards so
    the later figures see the real application only."""
    try:
        created = _manage(bench, *MIGRATE, addfield="initial")
        elapsed = _manage(bench, *MIGRATE, addfield="addfield")
    finally:
        _remove_bench_app(bench)
    per_tenant_ms = 1000 * max(elapsed - startup, 0) / bench.tenants
    return [
        at_most(
            "migrate.addfield_all_tenants",
            elapsed,
            "s",
            ADDFIELD_TARGET_SECONDS,
            f"one AddField in each of {bench.tenants} tenant schemas, as the Helm job runs "
            f"migrations ({' '.join(MIGRATE)}); {per_tenant_ms:.1f} ms per tenant beyond "
            f"start-up; the CreateModel before it took {created:.1f} s{_scale_note(bench)}",
        )
    ]


def _remove_bench_app(bench: Bench) -> None:
    """Drop the bench app's table and history from every schema, a hundred schemas a
    transaction (each DROP takes a few locks)."""
    connection.set_schema_to_public()
    schemas = list(Tenant.objects.values_list("schema_name", flat=True))
    for start in range(0, len(schemas), 100):
        with transaction.atomic(), connection.cursor() as cursor:
            for schema in schemas[start : start + 100]:
                quoted = connection.ops.quote_name(schema)
                cursor.execute(f"DROP TABLE IF EXISTS {quoted}.benchaddfield_benchnote")
                cursor.execute(
                    f"DELETE FROM {quoted}.django_migrations WHERE app = 'benchaddfield'"  # noqa: S608
                )
