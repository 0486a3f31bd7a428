"""A real gunicorn (2 workers, as the chart runs it) on a free local port, and a
thread-pool client that loads it: for the figures that the issue sets "under load"."""

import http.client
import signal
import socket
import subprocess  # fixed argument lists, no shell
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from tenants.benchmark.core import Bench

WORKERS = 2
START_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Load:
    latencies: list[float]
    seconds: float

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds


def product_application() -> str:
    """The production WSGI entry (WSGI_APPLICATION) in gunicorn's ``module:name`` form."""
    module, _, name = settings.WSGI_APPLICATION.rpartition(".")
    return f"{module}:{name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(port: int, host: str, path: str, cookie: str = "") -> int:
    """One GET on a new connection (gunicorn's sync workers close after each response)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Host": host, **({"Cookie": cookie} if cookie else {})}
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@contextmanager
def gunicorn(bench: Bench, application: str, environment: dict[str, str]) -> Iterator[int]:
    """Serve ``application`` on the bench database; yields the port."""
    port = _free_port()
    with tempfile.NamedTemporaryFile("w+", prefix="kpbench-gunicorn-", suffix=".log") as log:
        server = subprocess.Popen(  # noqa: S603
            [
                str(Path(sys.executable).with_name("gunicorn")),
                application,
                f"--workers={WORKERS}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            cwd=settings.BASE_DIR,
            env={**bench.subprocess_environment(), **environment},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.perf_counter() + START_TIMEOUT_SECONDS
            while True:
                try:
                    get(port, "localhost", "/healthz")
                    break
                except OSError:
                    pass
                if server.poll() is not None or time.perf_counter() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"gunicorn did not start: {log.read()[-2000:]}")
                time.sleep(0.1)
            yield port
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def load(
    port: int, host: str, path: str, *, clients: int, seconds: float, cookie: str = ""
) -> Load:
    """``clients`` threads requesting ``path`` back to back for ``seconds`` (at least once
    each); any answer but 200 fails the measurement."""
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def work() -> None:
        mine = []
        try:
            while not mine or time.perf_counter() < deadline:  # at least one each
                began = time.perf_counter()
                status = get(port, host, path, cookie)
                mine.append(time.perf_counter() - began)
                if status != 200:
                    failures.append(f"{host}{path} answered {status}")
                    return
        except OSError as error:
            failures.append(repr(error))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(failures[0])
    return Load(latencies, elapsed)
