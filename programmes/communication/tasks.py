"""Announcement work for the worker; thin entry points over the services. Each step is
idempotent: delivery happens once (the announcement is marked sent in the same transaction
as the inbox items), and each e-mail is keyed per address (``core.SentMail``).

``send_due_announcements`` is periodic: beat sends it to every tenant through
``tenants.tasks.fan_out``.
"""

from celery import shared_task

from programmes.communication import notifications, services
from programmes.core.tasks import enqueue_after_commit


@shared_task
def deliver_announcement(announcement_id: int) -> int:
    return services.announcement_deliver(announcement_id=announcement_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_announcement_mail(announcement_id: int, partner_ids: list[int]) -> int:
    return notifications.announcement_mail_send(
        announcement_id=announcement_id, partner_ids=partner_ids
    )


@shared_task
def send_due_announcements() -> int:
    """Queue the delivery of every scheduled announcement whose time has come."""
    due = services.announcements_due()
    for announcement_id in due:
        enqueue_after_commit(deliver_announcement, announcement_id)
    return len(due)
