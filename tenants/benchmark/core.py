"""What every figure shares: the result row, the run's context and small statistics."""

import math
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PASS, FAIL, NOT_MEASURED, ERROR = "pass", "fail", "not measured", "error"


@dataclass(frozen=True)
class Figure:
    """One measured number next to its target. ``value`` is None only when the figure was
    not measured (``verdict`` says why): a missing number is never shown as a pass."""

    name: str
    value: float | None
    unit: str
    target: str
    passed: bool | None
    note: str = ""

    @property
    def verdict(self) -> str:
        if self.value is None:
            return ERROR if self.passed is False else NOT_MEASURED
        return PASS if self.passed else FAIL

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def at_most(name: str, value: float, unit: str, limit: float, note: str = "") -> Figure:
    return Figure(name, round(value, 4), unit, f"<= {limit:g} {unit}".strip(), value <= limit, note)


def at_least(name: str, value: float, unit: str, limit: float, note: str = "") -> Figure:
    return Figure(name, round(value, 4), unit, f">= {limit:g} {unit}".strip(), value >= limit, note)


def not_measured(name: str, unit: str, target: str, why: str) -> Figure:
    """A figure the harness knows about but does not measure yet (a TODO in the results)."""
    return Figure(name, None, unit, target, None, f"not measured: {why}")


def broken(name: str, error: BaseException) -> Figure:
    """A figure whose measurement raised: reported, and failing the run."""
    return Figure(name, None, "", "", False, f"error: {type(error).__name__}: {error}")


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation: with 10 samples p95 is the slowest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Bench:
    """The run: how many tenants, which carry the big partner lists, where results go,
    and how the subprocesses (migrate_schemas, gunicorn, pg_dump) reach the database."""

    tenants: int
    out_dir: Path
    database_name: str
    database_url: str
    samples: int = 10
    duration: float = 5.0
    partners_big: int = 300
    partners_small: int = 5
    big_tenants: int = 3
    slugs: list[str] = field(default_factory=list)
    big_slugs: list[str] = field(default_factory=list)
    staff_email: str = "bench-staff@bench.example"
    operator_email: str = "bench-operator@bench.example"
    setup_seconds: float = 0.0
    log: Callable[[str], None] = print

    def subprocess_environment(self) -> dict[str, str]:
        """The environment of migrate_schemas and gunicorn: this one, on the bench database,
        with Celery tasks run in-process (no worker is part of the bench)."""
        return {**os.environ, "DATABASE_URL": self.database_url, "CELERY_TASK_ALWAYS_EAGER": "1"}


FigureFunction = Callable[[Bench], list[Figure]]
