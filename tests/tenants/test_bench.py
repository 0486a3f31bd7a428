"""The scale benchmark (``manage.py bench``, issue 11) in its tiny version, so it cannot
rot: three tenants, every figure measured, the results file complete.

It runs as a subprocess because the bench makes and drops a database of its own and
points Django's connection at it, which must not happen inside the test session. The
verdicts are not asserted (three tenants on a busy test machine say little about the
targets); that every figure produced a number, a target and a verdict is.
"""

import json
import subprocess
import sys
from pathlib import Path

import psycopg
from django.conf import settings

MANAGE = Path(settings.BASE_DIR) / "manage.py"
EXPECTED = {
    "onboarding.schema_p95",
    "onboarding.until_ready_p95",
    "onboarding.schema_by_migrations_p50",
    "migrate.noop_all_tenants",
    "migrate.addfield_all_tenants",
    "routing.latency_ratio",
    "routing.tenant_lookups_per_request",
    "routing.search_path_sets_per_request",
    "routing.throughput_ratio",
    "pages.directory_p95",
    "pages.staff_partner_list_p95",
    "pages.directory_extra_queries_with_more_partners",
    "pages.staff_partner_list_extra_queries_with_more_partners",
    "reporting.console_home_p95",
    "reporting.reports_p95",
    "reporting.max_locks_per_request",
    "operations.full_pg_dump",
    "operations.tenant_export_db_seconds",
    "connections.memory_at_the_cap",
    "fanout.open_seconds_per_tenant",
    "fanout.remind_seconds_per_tenant",
    "fanout.followups_1100x300_minutes_2_workers",
    "fanout.tasks_in_wrong_schema",
    "fanout.follow_ups_or_mails_in_wrong_schema",
}
# Known and listed in the results as a TODO, without a number.
NOT_MEASURED: set[str] = set()
MACHINE = {"tenants", "cpu", "cores", "ram_gib", "postgresql", "python", "database"}


def _database_exists(name: str) -> bool:
    db = settings.DATABASES["default"]
    with psycopg.connect(
        dbname="postgres",
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
    ) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()


def test_the_tiny_bench_measures_every_figure_and_writes_its_results(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            str(MANAGE),
            "bench",
            "--tenants=3",
            "--big-tenants=1",
            "--small-partners=3",
            "--samples=2",
            "--duration=0.5",
            f"--out={tmp_path}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    [results] = tmp_path.glob("results-*.json")
    assert results.with_suffix(".md").is_file()
    data = json.loads(results.read_text(encoding="utf-8"))
    figures = {figure["name"]: figure for figure in data["figures"]}

    assert set(figures) == EXPECTED | NOT_MEASURED
    for name in EXPECTED:
        figure = figures[name]
        assert isinstance(figure["value"], int | float), figure
        assert figure["target"], figure
        assert figure["verdict"] in {"pass", "fail"}, figure
        assert figure["verdict"] == ("pass" if figure["passed"] else "fail"), figure
    for name in NOT_MEASURED:
        assert figures[name]["value"] is None
        assert figures[name]["verdict"] == "not measured"
        assert figures[name]["note"].startswith("not measured: TODO")
    assert set(data["machine"]) >= MACHINE
    assert data["machine"]["tenants"] == 3
    markdown = results.with_suffix(".md").read_text(encoding="utf-8")
    assert all(f"| {name} |" in markdown for name in figures)
    assert not _database_exists(data["machine"]["database"])


def test_the_bench_refuses_a_figure_it_does_not_know(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(MANAGE), "bench", "--tenants=1", "--only=fig9", f"--out={tmp_path}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Unknown figures" in result.stderr
    assert not list(tmp_path.iterdir())
