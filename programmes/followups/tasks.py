"""The follow-up's work for the worker. Beat sends the daily ones to every tenant through
``tenants.tasks.fan_out``. Each e-mail is keyed (``core.SentMail``): a retry never resends."""

from celery import shared_task

from programmes.followups import notifications, services


@shared_task
def open_due_follow_ups() -> int:
    return services.followups_open_when_due()


@shared_task
def remind_follow_ups() -> dict[str, int]:
    return vars(services.followups_remind())


@shared_task
def purge_expired_partners() -> int:
    return services.partners_purge_expired()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_follow_ups(follow_up_ids: list[int], kind: str, number: int = 0) -> int:
    """One chunk of follow-ups (``notifications.CHUNK``), over one mail connection."""
    return notifications.follow_up_mails(follow_up_ids=follow_up_ids, kind=kind, number=number)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def notify_follow_up(follow_up_id: int, kind: str, number: int = 0) -> int:
    """One follow-up: no longer queued, kept for the messages a deploy finds in the queue."""
    return notifications.follow_up_mail(follow_up_id=follow_up_id, kind=kind, number=number)
