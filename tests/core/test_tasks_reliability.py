"""Reliable background work: the worker settings, tasks queued only after commit, and every
e-mail effect keyed so a retried or duplicated task sends it once. The real worker killed
mid-queue is tests/integration/test_worker_kill.py."""

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from celery import shared_task
from django.conf import settings
from django.core import mail
from django.db import transaction
from django_tenants.utils import tenant_context

from programmes.core.mail import send_localised_mail_once
from programmes.core.models import SentMail
from programmes.core.tasks import TenantBoundTask, enqueue_after_commit
from programmes.invoicing import notifications as invoicing_notifications
from programmes.invoicing.models import Invoice
from saas.celery import app
from tests.conftest import World
from tests.invoicing.conftest import Billing, alpha_billing  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parents[2]


@shared_task
def noop() -> None:
    """Only queued, never meant to run in these tests."""


def _all_tasks() -> dict[str, object]:
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_is_acknowledged_late_and_given_back_when_its_worker_dies() -> None:
    tasks = _all_tasks()
    assert "tenants.tasks.fan_out" in tasks
    assert "programmes.followups.tasks.notify_follow_up" in tasks
    for name, task in tasks.items():
        assert isinstance(task, TenantBoundTask), name
        assert task.acks_late is True, name
        assert task.reject_on_worker_lost is True, name
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.task_acks_on_failure_or_timeout is True
    assert app.conf.worker_prefetch_multiplier == 1


def test_time_limits_are_below_the_visibility_timeout() -> None:
    visibility = settings.BROKER_VISIBILITY_TIMEOUT
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit < visibility
    if settings.CELERY_BROKER_URL.startswith("redis"):
        assert app.conf.broker_transport_options["visibility_timeout"] == visibility


def test_with_redis_the_visibility_timeout_is_set_and_a_short_one_shortens_the_limits() -> None:
    """The settings as a worker on Redis sees them, with the production and a test timeout."""
    script = (
        "from django.conf import settings as s;"
        "print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'],"
        " s.CELERY_TASK_TIME_LIMIT, s.CELERY_TASK_SOFT_TIME_LIMIT,"
        " s.CELERY_BROKER_TRANSPORT_OPTIONS.get('unacked_restore_interval'))"
    )
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("PYTEST") and key != "CELERY_VISIBILITY_TIMEOUT"
    }
    base |= {"DJANGO_SETTINGS_MODULE": "saas.settings", "REDIS_URL": "redis://127.0.0.1:1/0"}
    outputs = []
    for env in (base, base | {"CELERY_VISIBILITY_TIMEOUT": "10"}):
        result = subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outputs.append(result.stdout.split())
    assert outputs == [["3600", "300", "240", "None"], ["10", "5", "4", "1"]]


def test_a_task_queued_in_a_rolled_back_transaction_is_never_sent(
    alpha: World, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(noop, "apply_async", lambda **options: sent.append(options))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        tenant_context(alpha.tenant),
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            enqueue_after_commit(noop, 1)
            raise RuntimeError("rolled back")
        assert sent == []
    assert callbacks == []
    assert sent == []


def test_a_task_is_sent_once_its_transaction_commits_bound_to_its_schema(
    alpha: World, django_capture_on_commit_callbacks, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[dict] = []
    monkeypatch.setattr(noop, "apply_async", lambda **options: sent.append(options))
    with (
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(alpha.tenant),
        transaction.atomic(),
    ):
        enqueue_after_commit(noop, 7, kind="reminder")
        assert sent == []  # not before the commit
    assert sent == [
        {"args": (7,), "kwargs": {"kind": "reminder"}, "headers": {"_schema_name": "alpha"}}
    ]


def test_no_code_queues_a_task_directly() -> None:
    """Services queue through enqueue_after_commit; only the platform's fan-out (a task on the
    public schema, in autocommit) and enqueue_after_commit itself call apply_async."""
    allowed = {Path("programmes/core/tasks.py"), Path("tenants/tasks.py")}
    found = [
        path.relative_to(ROOT)
        for folder in ("programmes", "tenants", "saas")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\.(delay|apply_async|send_task)\(", path.read_text())
    ]
    assert sorted(set(found) - allowed) == []


def _send(key: str) -> bool:
    return send_localised_mail_once(
        key=key,
        to="partner@example.test",
        language="en",
        template="followups/email/reminder",
        context={
            "partner": {"name": "ALPHA-MARKER partner"},
            "follow_up": {"year": 2031, "due_on": dt.date(2031, 6, 30)},
            "url": "https://example.test/",
        },
    )


def test_a_keyed_e_mail_is_sent_once_however_often_the_task_runs(alpha: World) -> None:
    mail.outbox.clear()
    with tenant_context(alpha.tenant):
        assert [_send("test:1"), _send("test:1"), _send("test:2")] == [True, False, True]
        assert SentMail.objects.filter(key__startswith="test:").count() == 2
    assert len(mail.outbox) == 2


def test_a_failed_send_leaves_no_key_so_the_retry_sends_it(
    alpha: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail.outbox.clear()

    def refused(*args: object, **kwargs: object) -> None:
        raise OSError("mail server down")

    with tenant_context(alpha.tenant):
        with monkeypatch.context() as patch:
            patch.setattr("programmes.core.mail.send_localised_mail", refused)
            with pytest.raises(OSError):
                _send("test:retry")
        assert not SentMail.objects.filter(key="test:retry").exists()
        assert _send("test:retry") is True
        assert _send("test:retry") is False
    assert len(mail.outbox) == 1


def test_a_payment_reminder_whose_count_was_lost_is_not_sent_again(
    alpha_billing: Billing,  # noqa: F811
) -> None:
    """The worker died after sending, before the invoice's count moved on: the next run
    finds the keys and sends nothing twice."""
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        today = invoice.due_date + dt.timedelta(days=14)
        mail.outbox.clear()
        assert invoicing_notifications.payment_reminders_send(today=today) >= 1
        sent = len(mail.outbox)
        Invoice.objects.filter(pk=invoice.pk).update(reminders_sent=0, last_reminded_on=None)
        assert invoicing_notifications.payment_reminders_send(today=today) == 0
        assert len(mail.outbox) == sent
        invoice.refresh_from_db()
        assert invoice.reminders_sent == 1
