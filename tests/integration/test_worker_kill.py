"""A worker killed with SIGKILL in the middle of its queue loses no e-mail and sends none twice.

200 reminder tasks are queued for a tenant on Redis. The first worker sends 100 of them and
is killed (SIGKILL: no shutdown, no acknowledgement) while it runs the 101st, with the 102nd
reserved. A second worker takes the rest of the queue; the two messages the dead worker held
come back once Redis' visibility timeout has passed (acks_late + reject_on_worker_lost: they
were never acknowledged). The worker's visibility timeout is 10 s here instead of an hour
(CELERY_VISIBILITY_TIMEOUT), so the redelivery happens within the test.

Counted are the e-mails the file backend actually wrote, not only the idempotency rows.

The kill falls before the e-mail of the hanging task is sent, deterministically. The one
window this test cannot cover is between the mail server accepting an e-mail and the commit of
its SentMail row (one database round trip): a worker killed exactly there sends that e-mail
again when the task is redelivered. The platform chooses "at least once" at that boundary (a
lost invoice or reminder is worse than a rare duplicate); see programmes/core/mail.py.
"""

import email
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg
import pytest
import redis
from celery import Celery

from tests.integration.stack import ROOT, Stack, wait_for

pytestmark = pytest.mark.worker

TASK = "tests.integration.worker_tasks.send_numbered_reminder"
SCHEMA = "hjorring"
COUNT = 200
HANG_AT = 100  # 0-based: numbers 0..99 are sent before the kill


def _broker_url() -> str:
    """Database 14 of the test Redis: its own queue, so no other worker takes these tasks."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    return re.sub(r"(/\d+)?$", "/14", base.rstrip("/"), count=1)


@pytest.fixture
def broker() -> str:
    url = _broker_url()
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}: the redelivery of unacknowledged tasks needs it")
    client.flushdb()
    yield url
    client.flushdb()


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
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
                f"--include={TASK.rsplit('.', 1)[0]}",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _sent_to(mailbox: Path) -> Counter[str]:
    """Every e-mail the file backend wrote, counted per recipient."""
    counts: Counter[str] = Counter()
    for path in mailbox.glob("*.log"):
        for chunk in path.read_text().split("-" * 79 + "\n"):
            if chunk.strip():
                counts[email.message_from_string(chunk)["To"]] += 1
    return counts


def _keys(database_url: str, run: str) -> list[str]:
    with psycopg.connect(database_url) as db:
        rows = db.execute(
            f'SELECT key FROM "{SCHEMA}".core_sentmail WHERE key LIKE %s',  # noqa: S608
            [f"worker-kill-test:{run}:%"],
        ).fetchall()
    return [key for (key,) in rows]


def test_a_killed_worker_loses_no_e_mail_and_sends_none_twice(
    stack: Stack, broker: str, tmp_path: Path
) -> None:
    run = uuid.uuid4().hex[:12]
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    marker = tmp_path / "hanging"
    log = tmp_path / "worker.log"
    env = stack.env | {
        "REDIS_URL": broker,
        "CELERY_VISIBILITY_TIMEOUT": "10",
        "EMAIL_URL": f"filemail:///{mailbox}",
    }
    producer = Celery("producer", broker=broker, set_as_current=False)
    producer.conf.broker_transport_options = {"visibility_timeout": 10}
    for number in range(COUNT):
        producer.send_task(
            TASK,
            args=[run, number, str(marker) if number == HANG_AT else ""],
            headers={"_schema_name": SCHEMA},
        )
    producer.close()

    first = _worker(env, log)
    try:
        wait_for(marker.exists, "the first worker to reach the hanging task", seconds=60)
        done_before_kill = sum(_sent_to(mailbox).values())
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert done_before_kill == HANG_AT  # some, not all: the kill was in the middle

    queue = redis.Redis.from_url(broker)
    second = _worker(env, log)
    try:
        # The messages the dead worker held come back after the visibility timeout (10 s).
        wait_for(
            lambda: len(_keys(stack.env["DATABASE_URL"], run)) == COUNT,
            f"all {COUNT} reminders (log: {log})",
            seconds=90,
        )
        # Nothing left that could still arrive: the queue is empty, nothing unacknowledged.
        wait_for(
            lambda: queue.llen("celery") == 0 and queue.hlen("unacked") == 0,
            "the queue to drain",
            seconds=30,
        )
        time.sleep(0.5)
    finally:
        second.terminate()
        second.wait(timeout=20)

    sent = _sent_to(mailbox)
    expected = {f"partner-{number}@{run}.example" for number in range(COUNT)}
    assert set(sent) == expected  # 0 lost
    assert [address for address, times in sent.items() if times > 1] == []  # 0 duplicated
    assert sorted(_keys(stack.env["DATABASE_URL"], run)) == sorted(
        f"worker-kill-test:{run}:{number}" for number in range(COUNT)
    )
