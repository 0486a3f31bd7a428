"""Figure 6: backups. A full ``pg_dump`` of the database (does it succeed with the server's
``max_locks_per_transaction``? pg_dump locks every table it dumps in one transaction) and
``tenants.offboarding.tenant_export`` of the tenant with the big partner list."""

import json
import shutil
import tempfile
import time
from pathlib import Path

from django.db import connection

from tenants.benchmark.core import Bench, Figure, at_most, broken
from tenants.benchmark.database import server_setting
from tenants.offboarding import MANIFEST, tenant_export
from tenants.pg_programs import PgProgramFailed, run_pg_program
from tenants.selectors import tenant_by_slug

EXPORT_TARGET_SECONDS = 2.0


def _lock_capacity() -> tuple[int, int]:
    """Tables pg_dump locks (one ACCESS SHARE lock each, all held to its end) and the
    shared lock table's nominal size (max_locks_per_transaction x (max_connections +
    max_prepared_transactions); PostgreSQL has some slack beyond it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        relations = int(cursor.fetchone()[0])
    slots = int(server_setting("max_locks_per_transaction")) * (
        int(server_setting("max_connections")) + int(server_setting("max_prepared_transactions"))
    )
    return relations, slots


def full_dump(bench: Bench) -> Figure:
    max_locks = server_setting("max_locks_per_transaction")
    relations, slots = _lock_capacity()
    folder = Path(tempfile.mkdtemp(prefix="kpbench-dump-"))
    started = time.perf_counter()
    try:
        run_pg_program("pg_dump", "--format=custom", f"--file={folder / 'all.dump'}")
        error = ""
        size = (folder / "all.dump").stat().st_size
    except PgProgramFailed as failure:
        error, size = " ".join(str(failure).split())[-400:], 0
    finally:
        elapsed = time.perf_counter() - started
        shutil.rmtree(folder, ignore_errors=True)
    note = (
        f"max_locks_per_transaction={max_locks}; {relations} tables to lock, shared lock "
        f"table {slots} slots nominal; "
        + (f"dump {size / 1e6:.1f} MB" if not error else f"FAILED: {error}")
    )
    return Figure(
        "operations.full_pg_dump",
        round(elapsed, 3),
        "s",
        f"succeeds with max_locks_per_transaction={max_locks}",
        not error,
        note,
    )


def tenant_export_time(bench: Bench) -> Figure:
    tenant = tenant_by_slug(bench.big_slugs[0])
    assert tenant is not None
    folder = Path(tempfile.mkdtemp(prefix="kpbench-export-"))
    try:
        connection.set_schema_to_public()
        started = time.perf_counter()
        export = tenant_export(actor=None, tenant=tenant, target_dir=folder)
        wall = time.perf_counter() - started
        timings = json.loads((export / MANIFEST).read_text(encoding="utf-8"))["timings"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        connection.set_schema_to_public()
    return at_most(
        "operations.tenant_export_db_seconds",
        float(timings["database_seconds"]),
        "s",
        EXPORT_TARGET_SECONDS,
        f"{tenant.schema_name} ({bench.partners_big} partners): wall {wall:.2f} s, schema as "
        f"{timings['schema_kind']} in {timings['schema_seconds']:.2f} s, {timings['queries']} "
        "queries",
    )


def operations(bench: Bench) -> list[Figure]:
    """Both figures, each reported on its own when it breaks (a missing pg_dump must not
    hide the export's figure, nor the other way round)."""
    figures = []
    for name, measure in (
        ("operations.full_pg_dump", full_dump),
        ("operations.tenant_export_db_seconds", tenant_export_time),
    ):
        try:
            figures.append(measure(bench))
        except Exception as error:
            figures.append(broken(name, error))
        connection.set_schema_to_public()
    return figures
