"""The invoicing's work for the worker. Beat sends the daily ones to every tenant through
``tenants.tasks.fan_out``; each e-mail is keyed (``core.SentMail``), so a retry never resends."""

from celery import shared_task

from programmes.invoicing import notifications, services


@shared_task
def run_annual_invoicing() -> int:
    run = services.invoice_runs_when_due()
    return run.invoices_issued if run else 0


@shared_task
def remind_overdue_invoices() -> int:
    return notifications.payment_reminders_send()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_invoice(invoice_id: int) -> int:
    return notifications.invoice_mail(invoice_id=invoice_id)
