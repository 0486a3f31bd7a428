"""Runs the figures in order, keeps going when one breaks (it is reported as an error and
fails the run), and writes ``results-<UTC time>.json`` and ``.md`` with the machine's
description."""

import datetime as dt
import json
import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Any

from django.db import connection

from tenants.benchmark.connections import connection_memory
from tenants.benchmark.core import ERROR, Bench, Figure, FigureFunction, broken
from tenants.benchmark.database import server_setting
from tenants.benchmark.fanout import fanout
from tenants.benchmark.migrations import migrate_noop
from tenants.benchmark.onboarding import onboarding
from tenants.benchmark.operations import operations
from tenants.benchmark.pages import pages
from tenants.benchmark.reporting import reporting
from tenants.benchmark.routing import routing

# In this order: onboarding first, while exactly N tenants exist and nothing else ran.
FIGURES: dict[str, FigureFunction] = {
    "onboarding": onboarding,
    "migrate": migrate_noop,
    "routing": routing,
    "pages": pages,
    "reporting": reporting,
    "operations": operations,
    "connections": connection_memory,
    "fanout": fanout,
}
ALIASES = {f"fig{number}": name for number, name in enumerate(FIGURES, start=1)}


def chosen(only: str) -> list[str]:
    """Figure groups from ``--only`` (names or fig1, fig2…); all when empty."""
    if not only:
        return list(FIGURES)
    names = [ALIASES.get(part.strip(), part.strip()) for part in only.split(",") if part.strip()]
    unknown = [name for name in names if name not in FIGURES]
    if unknown:
        raise ValueError(
            f"Unknown figures {unknown}; choose from {list(FIGURES)} or fig1-fig{len(FIGURES)}."
        )
    return names


def measure(bench: Bench, names: list[str]) -> list[Figure]:
    figures: list[Figure] = []
    for name in names:
        bench.log(f"measuring {name} …")
        try:
            figures += FIGURES[name](bench)
        except Exception as error:  # one broken figure must not hide the others
            figures.append(broken(name, error))
        connection.set_schema_to_public()
    return figures


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def machine(bench: Bench) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
    return {
        "tenants": bench.tenants,
        "tenants_with_big_partner_list": bench.big_slugs,
        "partners_big": bench.partners_big,
        "partners_small": bench.partners_small,
        "onboarding_samples": bench.samples,
        "load_seconds": bench.duration,
        "setup_seconds": round(bench.setup_seconds, 1),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": _ram_gib(),
        "os": platform.platform(),
        "postgresql": server_version,
        "max_locks_per_transaction": server_setting("max_locks_per_transaction"),
        "python": platform.python_version(),
        "django": version("django"),
        "django_tenants": version("django-tenants"),
        "database": bench.database_name,
    }


def table(figures: list[Figure]) -> str:
    lines = ["| figure | measured | target | verdict | note |", "|---|---|---|---|---|"]
    for figure in figures:
        measured = "–" if figure.value is None else f"{figure.value:g} {figure.unit}".strip()
        note = " ".join(figure.note.split()).replace("|", "/")  # one table row each
        lines.append(
            f"| {figure.name} | {measured} | {figure.target} | {figure.verdict} | {note} |"
        )
    return "\n".join(lines)


def write(bench: Bench, figures: list[Figure], started: dt.datetime) -> tuple[Path, Path]:
    described = machine(bench)
    stamp = f"{started:%Y%m%dT%H%M%SZ}"
    out = Path(bench.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out / f"results-{stamp}.json", out / f"results-{stamp}.md"
    json_path.write_text(
        json.dumps(
            {
                "started_at": started.isoformat(),
                "finished_at": dt.datetime.now(dt.UTC).isoformat(),
                "machine": described,
                "figures": [figure.as_dict() for figure in figures],
            },
            indent=2,
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    about = ", ".join(f"{key} {value}" for key, value in described.items())
    md_path.write_text(
        f"# Scale benchmark, {started:%Y-%m-%d %H:%M} UTC\n\n{about}\n\n{table(figures)}\n",
        encoding="utf-8",
    )
    return json_path, md_path


def errors(figures: list[Figure]) -> list[Figure]:
    return [figure for figure in figures if figure.verdict == ERROR]
