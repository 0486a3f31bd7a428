"""A running Klimapartner for end-to-end tests: its own database with the demo loaded, a
real Celery worker and the web server, all as subprocesses like `make demo` starts them."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Stack:
    port: int
    mailbox: Path
    env: dict[str, str]

    def url(self, slug: str | None, path: str = "/") -> str:
        host = f"{slug}.localhost" if slug else "localhost"
        return f"http://{host}:{self.port}{path}"

    def get(self, slug: str | None, path: str = "/") -> tuple[int, str, dict[str, str]]:
        """GET through 127.0.0.1 with the tenant's Host header (no *.localhost DNS needed)."""
        host = f"{slug}.localhost:{self.port}" if slug else f"localhost:{self.port}"
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", headers={"Host": host}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.read().decode(), dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), dict(error.headers)

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )

    def mails(self) -> list[str]:
        """Every e-mail the file backend wrote, one text each. It appends what one connection
        sends to one file, each e-mail followed by a line of 79 dashes, and names the file by
        the second and the connection object's id(), which two connections in the same
        second can share: counting files undercounts e-mails."""
        return [
            text
            for path in sorted(self.mailbox.glob("*.log"))
            for text in path.read_text().split("-" * 79 + "\n")
            if text.strip()
        ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    admin = psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}{password}@/{name}?host={db['HOST']}"
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{name}"


def _wait_for(check, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise TimeoutError(f"timed out waiting for {what}")


def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Used by the session fixture ``stack`` in tests/conftest.py (one stack per run)."""
    port = _free_port()
    mailbox = tmp_path_factory.mktemp("mailbox")
    queue = tmp_path_factory.mktemp("queue")
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_ENV="development",
        DEBUG="false",
        DATABASE_URL=_database_url(f"{settings.DATABASES['default']['NAME']}_e2e"),
        URL_PORT=str(port),
        EMAIL_URL=f"filemail:///{mailbox}",
        LOG_LEVEL="WARNING",
    )
    if os.environ.get("REDIS_URL"):
        # A database of its own on the same Redis, so no other worker takes these tasks.
        env["REDIS_URL"] = re.sub(r"(/\d+)?$", "/15", os.environ["REDIS_URL"].rstrip("/"), count=1)
    else:
        env["CELERY_FILESYSTEM_QUEUE"] = str(queue)
    stack = Stack(port=port, mailbox=mailbox, env=env)
    stack.manage("migrate_schemas", "--verbosity", "0")
    stack.manage("load_demo")
    worker_log = open(tmp_path_factory.mktemp("logs") / "worker.log", "w")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "saas",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-mingle",
            "--without-gossip",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
    )
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # Generous: on a busy 2-core machine the server's start-up checks alone take a while.
        _wait_for(lambda: _answers(stack), "the web server", seconds=180)
        yield stack
    finally:
        for process in (server, worker):
            process.terminate()
        for process in (server, worker):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
        worker_log.close()


def _answers(stack: Stack) -> bool:
    try:
        return stack.get("hjorring")[0] == 200
    except OSError:
        return False


wait_for = _wait_for
