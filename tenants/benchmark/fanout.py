"""Figure 8: the yearly follow-up and its reminders fanned out to every tenant (issue 11,
item 8: 1,100 tenants x 300 partners in <= 5 minutes with 2 workers, no task in the wrong
schema).

The real path runs, with Celery eager in this process: ``tenants.tasks.fan_out`` sends
``open_due_follow_ups`` and then ``remind_follow_ups`` to every bench tenant, each bound to
its schema by tenant-schemas-celery; they open the year's follow-ups, remind them and queue
the e-mail tasks, which run in-process too (locmem e-mail backend). To make the tasks act,
each tenant's annual wheel names this month for the follow-up, and before the reminders the
opened follow-ups are moved back so that all are due.

- Time: every task is timed through Celery's signals; a tenant's "open" and "remind" tasks
  include the e-mail tasks they queue (eager tasks queued on commit run inside them). The
  300-partner tenants' seconds are scaled to 300 follow-ups (their stage mix makes fewer
  partners due), which also scales the fixed per-tenant cost: an upper bound.
- Schemas: for every task, the schema its message names must be the one the connection is
  in when it runs; every tenant must hold exactly one follow-up per partner due one, every
  e-mail must go to a partner of the tenant whose host its link names, once.

It adds follow-ups to the bench's tenants, so it runs last.
"""

import datetime as dt
import os
import re
import time
from collections import Counter, defaultdict
from typing import Any

from celery import current_app
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.core import mail
from django.db import connection
from django.db.models import Q
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django_tenants.utils import schema_context
from tenant_schemas_celery.app import get_schema_name_from_task

from programmes.configuration.models import ActivityKind, Programme, WheelActivity
from programmes.followups import notifications as followup_notifications
from programmes.followups import tasks as followup_tasks
from programmes.followups.models import FollowUp
from programmes.followups.services import FIRST_FOLLOW_UP_AFTER
from programmes.partners.models import Partner, Stage
from tenants.benchmark.core import Bench, Figure, at_most

TENANTS, PARTNERS, WORKERS = 1100, 300, 2
TARGET_MINUTES = 5.0
# Imported, not only named: the bench has no worker whose autodiscovery registers them.
OPEN = followup_tasks.open_due_follow_ups.name
REMIND = followup_tasks.remind_follow_ups.name
NOTIFY = followup_tasks.notify_follow_ups.name
# The bench's partner admins are admin<pk>@<schema>-partner.example (population.fill).
RECIPIENT = re.compile(r"@(?P<schema>[a-z0-9_]+)-partner\.example$")


class _TaskLog:
    """Every task run while connected: its name, the schema its message named, the schema
    it ran in, and its seconds."""

    def __init__(self) -> None:
        self.running: dict[str, float] = {}
        self.seconds: dict[tuple[str, str], float] = defaultdict(float)
        self.runs: Counter[str] = Counter()
        self.wrong_schema: list[str] = []

    def prerun(self, task_id: str, task: Any, **_: Any) -> None:
        sent_for = get_schema_name_from_task(task, {}) or "public"
        if connection.schema_name != sent_for:
            self.wrong_schema.append(f"{task.name} for {sent_for} ran in {connection.schema_name}")
        self.running[task_id] = time.perf_counter()

    def postrun(self, task_id: str, task: Any, **_: Any) -> None:
        began = self.running.pop(task_id, None)
        if began is not None:
            schema = get_schema_name_from_task(task, {}) or "public"
            self.seconds[(task.name, schema)] += time.perf_counter() - began
            self.runs[task.name] += 1

    def __enter__(self) -> "_TaskLog":
        task_prerun.connect(self.prerun, weak=False, dispatch_uid="bench-fanout-prerun")
        task_postrun.connect(self.postrun, weak=False, dispatch_uid="bench-fanout-postrun")
        return self

    def __exit__(self, *exc: object) -> None:
        task_prerun.disconnect(dispatch_uid="bench-fanout-prerun")
        task_postrun.disconnect(dispatch_uid="bench-fanout-postrun")


def _prepare(slugs: list[str]) -> dict[str, int]:
    """Name this month for the follow-up in every tenant; per schema, the partners due one."""
    today = timezone.localdate()
    due: dict[str, int] = {}
    for schema in slugs:
        with schema_context(schema):
            if not WheelActivity.objects.filter(kind=ActivityKind.FOLLOW_UP).update(
                month=today.month
            ):
                WheelActivity.objects.create(
                    title={"en": "Follow-up"}, kind=ActivityKind.FOLLOW_UP, month=today.month
                )
            due[schema] = (
                Partner.objects.filter(stage=Stage.ACTIVE)
                .filter(Q(joined_on__isnull=True) | Q(joined_on__lte=today - FIRST_FOLLOW_UP_AFTER))
                .count()
            )
    return due


def _make_reminders_due(slugs: list[str]) -> None:
    """Move the opened follow-ups back so the next reminder run chases every one."""
    now = timezone.now()
    for schema in slugs:
        with schema_context(schema):
            interval = dt.timedelta(days=Programme.objects.get().reminder_interval_days)
            FollowUp.objects.update(opened_at=now - 2 * interval, due_on=now.date())


def _mail_problems(outbox: list[Any], expected: dict[str, int]) -> list[str]:
    """E-mails to a partner of another tenant than the link's, or not once per follow-up."""
    per_schema: Counter[str] = Counter()
    problems = []
    for message in outbox:
        [to] = message.to
        match = RECIPIENT.search(to)
        schema = match["schema"] if match else "?"
        if f"://{schema}.{settings.PLATFORM_DOMAIN}" not in message.body:
            problems.append(f"e-mail to {to} links to another tenant")
        per_schema[schema] += 1
    problems += [
        f"{schema}: {per_schema[schema]} e-mails for {count} follow-ups"
        for schema, count in expected.items()
        if per_schema[schema] != count
    ]
    return problems + [f"e-mails for unknown {s}" for s in per_schema.keys() - expected.keys()]


def _warm_up(schema: str) -> None:
    """What a worker pays once in its life, not per tenant: the URLconf (imported by the
    first ``reverse``) and the compiled e-mail templates."""
    with schema_context(schema):
        reverse("my-follow-up")
    for kind in followup_notifications.KINDS:
        for part in ("subject", "body"):
            get_template(f"followups/email/{kind}_{part}.txt", using="text")


def _run(task_name: str) -> float:
    from tenants.tasks import fan_out

    connection.set_schema_to_public()
    mail.outbox = []
    started = time.perf_counter()
    fan_out.apply(args=[task_name]).get()
    return time.perf_counter() - started


def fanout(bench: Bench) -> list[Figure]:
    if not current_app.conf.task_always_eager:
        raise RuntimeError("the fan-out figure runs the tasks in-process (task_always_eager)")
    due = _prepare(bench.slugs)
    _warm_up(bench.slugs[0])
    with _TaskLog() as log:
        open_seconds = _run(OPEN)
        opened_mails = list(mail.outbox)
        _make_reminders_due(bench.slugs)
        remind_seconds = _run(REMIND)
        reminder_mails = list(mail.outbox)
    landed: dict[str, int] = {}
    for schema in bench.slugs:
        with schema_context(schema):
            landed[schema] = FollowUp.objects.count()
    connection.set_schema_to_public()
    problems = [
        f"{schema}: {landed[schema]} follow-ups for {count} partners due one"
        for schema, count in due.items()
        if landed[schema] != count
    ]
    problems += _mail_problems(opened_mails, due) + _mail_problems(reminder_mails, due)

    big = bench.big_slugs
    big_follow_ups = sum(due[schema] for schema in big)
    if not big_follow_ups:
        raise RuntimeError("no partner of the 300-partner tenants is due a follow-up")
    scale = PARTNERS / (big_follow_ups / len(big))  # to 300 follow-ups a tenant
    per_tenant = {
        name: scale * sum(log.seconds[(task, schema)] for schema in big) / len(big)
        for name, task in (("open", OPEN), ("remind", REMIND))
    }
    minutes = sum(per_tenant.values()) * TENANTS / WORKERS / 60
    mails = scale * sum(log.seconds[(NOTIFY, schema)] for schema in big) / len(big)
    measured = (
        f"{len(big)} tenant(s) of {bench.partners_big} partners, {big_follow_ups / len(big):.0f} "
        f"due a follow-up each, scaled x{scale:.2f} to {PARTNERS}"
    )
    tasks = ", ".join(f"{name.rsplit('.', 1)[-1]} {n}" for name, n in sorted(log.runs.items()))
    return [
        Figure(
            "fanout.open_seconds_per_tenant",
            round(per_tenant["open"], 4),
            "s",
            "(reported)",
            True,
            f"open_due_follow_ups incl. its e-mails; {measured}",
        ),
        Figure(
            "fanout.remind_seconds_per_tenant",
            round(per_tenant["remind"], 4),
            "s",
            "(reported)",
            True,
            f"remind_follow_ups incl. its e-mails; {measured}",
        ),
        at_most(
            "fanout.followups_1100x300_minutes_2_workers",
            minutes,
            "min",
            TARGET_MINUTES,
            f"an extrapolation, not a run at scale: (open + remind) per-tenant seconds x "
            f"{TENANTS} / {WORKERS} / 60, from {len(big)} tenant(s) measured in one process "
            f"(of which e-mail tasks {mails:.2f} s a tenant) "
            f"with eager Celery and in-memory e-mail (no broker round trips, no SMTP), load "
            f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
            f"whole fan-out over {bench.tenants} tenants: open {open_seconds:.1f} s, remind "
            f"{remind_seconds:.1f} s; tasks run: {tasks}",
        ),
        at_most(
            "fanout.tasks_in_wrong_schema",
            len(log.wrong_schema),
            "",
            0,
            "; ".join(log.wrong_schema[:3]) or f"every task ran in its message's schema ({tasks})",
        ),
        at_most(
            "fanout.follow_ups_or_mails_in_wrong_schema",
            len(problems),
            "",
            0,
            "; ".join(problems[:3])
            or f"{sum(landed.values())} follow-ups over {len(landed)} tenants, each in its own "
            f"schema, one per partner due; {len(opened_mails)} + {len(reminder_mails)} e-mails, "
            "each to its own tenant's partner with its tenant's link",
        ),
    ]
