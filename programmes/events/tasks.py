"""Event work for the worker: thin entry points into ``notifications``. Every e-mail is keyed
(``core.SentMail``), so a retried task never sends one twice. ``remind_events`` is the daily
run beat sends to every tenant through ``tenants.tasks.fan_out``."""

from celery import shared_task

from programmes.events import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_registration_mail(registration_id: int, kind: str) -> bool:
    return notifications.registration_mail_send(registration_id=registration_id, kind=kind)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_cancelled(event_id: int) -> int:
    return notifications.event_cancelled_send(event_id=event_id)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_changed(event_id: int, sequence: int) -> int:
    return notifications.event_changed_send(event_id=event_id, sequence=sequence)


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def remind_events() -> int:
    return notifications.event_reminders_send()
