"""The invoice list for the municipality's finance system: one CSV row per invoice or credit
note, in a fixed machine-readable form (ISO dates, a dot before decimals, codes rather than
labels), so the finance system's import does not depend on the language of the person who
downloaded it."""

import csv
import datetime as dt
import io
from collections.abc import Iterable

from programmes.invoicing.models import Invoice

COLUMNS = (
    "document_number",
    "kind",
    "credits_invoice",
    "fee_year",
    "issue_date",
    "due_date",
    "buyer_name",
    "buyer_business_id",
    "buyer_reference",
    "currency",
    "net_amount",
    "vat_amount",
    "total_amount",
    "paid_amount",
    "paid_on",
    "credited_amount",
    "outstanding",
    "status",
    "payment_reference",
)


def invoices_csv(invoices: Iterable[Invoice], *, today: dt.date) -> bytes:
    """``invoices`` should select_related ``credited_invoice``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for invoice in invoices:
        writer.writerow(
            [
                invoice.document_number,
                invoice.kind,
                invoice.credited_invoice.document_number if invoice.credited_invoice else "",
                invoice.year,
                invoice.issue_date.isoformat(),
                invoice.due_date.isoformat(),
                _safe(invoice.buyer_name),
                invoice.buyer_business_id,
                _safe(invoice.buyer_reference),
                invoice.currency,
                invoice.net_amount,
                invoice.vat_amount,
                invoice.total_amount,
                invoice.paid_amount,
                invoice.paid_on.isoformat() if invoice.paid_on else "",
                invoice.credited_amount,
                invoice.outstanding,
                invoice.status_on(today),
                invoice.payment_reference,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _safe(value: str) -> str:
    """Text a partner typed, defused for spreadsheets (no formula injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
