"""Certificate work for the worker. Beat sends the daily run to every tenant through
``tenants.tasks.fan_out``. Each e-mail is keyed (``core.SentMail``): a retry never resends."""

from celery import shared_task

from programmes.certificates import notifications


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def remind_certificates() -> dict[str, int]:
    return notifications.certificate_reminders_send()
