"""Settings: production refuses to start without its secrets and passes check --deploy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DJANGO_ENV": "production",
    "SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-1234567890",
    "DATABASE_URL": "postgres://klimapartner@db.internal:5432/klimapartner",
    "ALLOWED_HOSTS": ".klimapartner.example,klimapartner.example",
    "PLATFORM_DOMAIN": "klimapartner.example",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example:587",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if key not in PRODUCTION and key not in {"DEBUG", "DJANGO_ENV"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_passes_check_deploy_with_no_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "EMAIL_URL", "REDIS_URL"]
)
def test_production_refuses_to_start_without(missing: str) -> None:
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(PRODUCTION["SECRET_KEY"])
    env = {key: value for key, value in PRODUCTION.items() if key != "SECRET_KEY"}
    result = manage("check", "--deploy", env={**env, "SECRET_KEY_FILE": str(secret)})
    assert result.returncode == 0, result.stderr


def test_a_malformed_value_fails_at_start_up_with_its_name() -> None:
    result = manage("check", env={"DJANGO_ENV": "staging"})
    assert result.returncode != 0
    assert "DJANGO_ENV must be development, production or test" in result.stderr
    result = manage("check", env={"TENANT_CACHE_SECONDS": "soon"})
    assert result.returncode != 0
    assert "soon" in result.stderr


def test_a_socket_folder_in_the_database_url_is_the_host() -> None:
    """`make demo`'s embedded server is reached through a socket folder (?host=…): Django and
    pg_dump (tenants.pg_programs reads HOST) must both use it, not libpq's default socket."""
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print('DATABASE', d['HOST'], d['NAME'], d['OPTIONS'])",
        env={"DATABASE_URL": "postgres://postgres@/kp_socket?host=/srv/pg/socket"},
    )
    assert result.returncode == 0, result.stderr
    line = result.stdout[result.stdout.index("DATABASE ") :].splitlines()[0]
    assert line.split()[1:3] == ["/srv/pg/socket", "kp_socket"]
    assert "host" not in line.split(maxsplit=3)[3]
