"""Invoice e-mails: each invoice and credit note goes to the partner's invoice address with
its PDF and its e-invoice (UBL) attached; overdue invoices are reminded every
``reminder_interval_days`` up to ``max_reminders`` times. Keys make every e-mail go out once."""

import datetime as dt

from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from programmes.core.i18n import current_tenant
from programmes.core.mail import send_localised_mail_once
from programmes.core.urls import absolute_url
from programmes.invoicing.documents import invoice_attachments
from programmes.invoicing.models import DocumentKind, Invoice, InvoicingSettings
from programmes.partners.selectors import partner_mail_addresses


def _recipients(invoice: Invoice) -> list[str]:
    if invoice.buyer_email:
        return [invoice.buyer_email]
    if invoice.partner_id is None:
        return []
    return partner_mail_addresses({invoice.partner_id}).get(invoice.partner_id, [])


def invoice_mail(*, invoice_id: int) -> int:
    """Send an issued invoice or credit note; returns how many e-mails went out now."""
    invoice = Invoice.objects.select_related("series", "credited_invoice").filter(pk=invoice_id)
    invoice = invoice.first()
    if invoice is None:
        return 0
    attachments = invoice_attachments(invoice)
    sent = 0
    for address in _recipients(invoice):
        sent += send_localised_mail_once(
            key=f"invoice:{invoice.pk}:issued:{address}",
            to=address,
            language=invoice.language,
            template=f"invoicing/email/{invoice.kind}",
            context=_context(invoice),
            attachments=attachments,
        )
    return sent


def payment_reminders_send(*, today: dt.date | None = None) -> int:
    """The worker's daily run over overdue invoices; returns how many e-mails went out."""
    today = today or timezone.localdate()
    settings = InvoicingSettings.objects.first()
    if settings is None or settings.max_reminders == 0:
        return 0
    interval = dt.timedelta(days=settings.reminder_interval_days)
    due = (
        Invoice.objects.filter(
            kind=DocumentKind.INVOICE,
            fully_credited=False,
            paid_amount__lt=F("total_amount") - F("credited_amount"),
            due_date__lte=today - interval,
            reminders_sent__lt=settings.max_reminders,
        )
        .select_related("series")
        .order_by("pk")
    )
    sent = 0
    for invoice in due:
        if invoice.last_reminded_on and invoice.last_reminded_on > today - interval:
            continue
        number = invoice.reminders_sent + 1
        # Each e-mail commits its own key as it goes out (no transaction around the loop: a
        # failure further on would roll back the keys of e-mails already sent, and the retry
        # would send them again). The count moves on once every address has its key.
        for address in _recipients(invoice):
            sent += send_localised_mail_once(
                key=f"invoice:{invoice.pk}:reminder:{number}:{address}",
                to=address,
                language=invoice.language,
                template="invoicing/email/reminder",
                context={**_context(invoice), "number": number, "today": today},
                attachments=invoice_attachments(invoice, electronic=False),
            )
        Invoice.objects.filter(pk=invoice.pk).update(reminders_sent=number, last_reminded_on=today)
    return sent


def _context(invoice: Invoice) -> dict[str, object]:
    return {
        "invoice": invoice,
        "site_name": current_tenant().name,
        "url": absolute_url(reverse("my-invoices")),
    }
