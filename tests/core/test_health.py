"""/healthz and /readyz for the Kubernetes probes, and `manage.py wait_for_database`."""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import OperationalError
from django.test import Client

from tenants.management.commands import wait_for_database
from tests.conftest import PERSONAS, World, client_for

# kubelet probes the pod's IP and port: not a tenant's host, not in ALLOWED_HOSTS.
POD_HOST = "10.42.7.19:8000"


def probe(path: str, host: str = POD_HOST) -> Client:
    return Client(HTTP_HOST=host).get(path)


def test_liveness_answers_without_the_database(settings) -> None:  # type: ignore[no-untyped-def]
    with mock.patch("programmes.core.health.connection") as broken:
        broken.cursor.side_effect = OperationalError("connection refused")
        response = probe("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    broken.cursor.assert_not_called()


@pytest.mark.django_db
def test_readiness_checks_the_database_and_the_cache(django_assert_max_num_queries) -> None:  # type: ignore[no-untyped-def]
    # SELECT 1, and the SET search_path django-tenants' backend sends with a new cursor.
    with django_assert_max_num_queries(2):
        response = probe("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers and not response.cookies


def test_readiness_is_503_when_the_database_is_unreachable(caplog) -> None:  # type: ignore[no-untyped-def]
    with mock.patch("programmes.core.health.connection") as broken:
        broken.cursor.side_effect = OperationalError("could not connect: secret-host-detail")
        response = probe("/readyz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"status": "unavailable", "failing": ["database"]}
    # The reason goes to the log, never to whoever asks.
    assert b"secret-host-detail" not in response.content
    assert "the database does not answer" in caplog.text


@pytest.mark.django_db
def test_readiness_is_503_when_redis_is_unreachable() -> None:
    with mock.patch("programmes.core.health.cache") as broken:
        broken.get.side_effect = ConnectionError("Error 111 connecting to redis:6379")
        response = probe("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "failing": ["cache"]}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize(
    "host", [POD_HOST, "10.42.7.19", "[fd00::17]:8000", "localhost", "unknown.localhost"]
)
def test_probes_answer_on_any_host_without_a_tenant(path: str, host: str) -> None:
    response = probe(path, host)
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_probes_answer_with_production_host_and_https_rules(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLOWED_HOSTS = ["klimapartner.example", ".klimapartner.example"]
    settings.SECURE_SSL_REDIRECT = True
    assert probe("/readyz").status_code == 200
    assert probe("/healthz").status_code == 200
    # Any other path from that host is still refused by host validation.
    assert probe("/accounts/login/").status_code == 400


@pytest.mark.parametrize("path", ["/healthz/", "/readyz/", "/healthzx", "/api/healthz"])
@pytest.mark.django_db
def test_only_the_exact_paths_are_probes(path: str) -> None:
    response = probe(path, "localhost")
    assert response.status_code == 404 or response.status_code >= 300
    assert response.content != b'{"status": "ok"}'


@pytest.mark.parametrize("persona", [None, *(name for name, _role in PERSONAS)])
def test_every_persona_of_a_tenant_gets_the_same_answer(
    alpha: World, beta: World, persona: str | None
) -> None:
    for path in ("/healthz", "/readyz"):
        response = client_for(alpha, persona).get(path)
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert alpha.marker.encode() not in response.content
        assert beta.marker.encode() not in response.content


# --- manage.py wait_for_database


class Clock:
    """Stands in for time.monotonic/time.sleep: sleeping advances the clock."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(wait_for_database.time, "monotonic", clock.monotonic)
    monkeypatch.setattr(wait_for_database.time, "sleep", clock.sleep)
    return clock


@pytest.mark.django_db
def test_wait_for_database_returns_at_once_when_the_database_answers(clock: Clock) -> None:
    out = StringIO()
    call_command("wait_for_database", stdout=out)
    assert "Database ready (attempt 1)" in out.getvalue()
    assert clock.sleeps == []


@pytest.mark.django_db
def test_wait_for_database_retries_with_backoff_until_it_answers(clock: Clock) -> None:
    target = connections["default"]
    real = target.ensure_connection
    failures = iter([OperationalError("refused")] * 4)

    def flaky() -> None:
        error = next(failures, None)
        if error is not None:
            raise error
        real()

    out, err = StringIO(), StringIO()
    # Closing after a failure resets the connection; here it is the test's transaction.
    with (
        mock.patch.object(target, "ensure_connection", side_effect=flaky),
        mock.patch.object(target, "close"),
    ):
        call_command("wait_for_database", "--timeout=60", stdout=out, stderr=err)
    assert "Database ready (attempt 5)" in out.getvalue()
    assert err.getvalue().count("Database not ready") == 4
    assert clock.sleeps == [0.5, 1.0, 2.0, 4.0]


@pytest.mark.django_db
def test_wait_for_database_gives_up_after_the_timeout(clock: Clock) -> None:
    target = connections["default"]
    with (
        mock.patch.object(target, "ensure_connection", side_effect=OperationalError("refused")),
        mock.patch.object(target, "close"),
        pytest.raises(CommandError, match=r"did not answer within 20 s \(\d+ attempts\)"),
    ):
        call_command("wait_for_database", "--timeout=20", stdout=StringIO(), stderr=StringIO())
    # Backoff doubles up to the cap and never sleeps past the deadline.
    assert clock.sleeps[:5] == [0.5, 1.0, 2.0, 4.0, 8.0]
    assert max(clock.sleeps) <= wait_for_database.MAX_DELAY
    assert sum(clock.sleeps) == pytest.approx(20.0)


def test_wait_for_database_refuses_a_negative_timeout() -> None:
    with pytest.raises(CommandError, match="must not be negative"):
        call_command("wait_for_database", "--timeout=-1")


def test_wait_for_database_gives_up_on_a_real_unreachable_server() -> None:
    """End to end: nothing listens on port 1, so every attempt fails with OperationalError."""
    environment = {
        key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG"}
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "wait_for_database", "--timeout=1.5"],
        cwd=Path(__file__).resolve().parents[2],
        env={
            **environment,
            "DJANGO_ENV": "test",
            "DATABASE_URL": "postgres://nobody@127.0.0.1:1/nothing?connect_timeout=1",
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "Database not ready (attempt 1), retrying in 0.5 s" in result.stderr
    assert "The database did not answer within 1.5 s" in result.stderr
