"""The files an invoice is delivered as: a PDF for people, UBL XML (Peppol BIS Billing 3)
for finance systems. Both are drawn from the invoice's own copied data, so they come out the
same however often they are drawn."""

import logging

from django.http import HttpResponse
from django.utils.http import content_disposition_header

from programmes.core.mail import Attachment
from programmes.invoicing.models import Invoice
from programmes.invoicing.pdf import invoice_pdf
from programmes.invoicing.ubl import invoice_ubl
from programmes.invoicing.validation import einvoice_errors

logger = logging.getLogger(__name__)
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xml": "application/xml",
    "csv": "text/csv; charset=utf-8",
}


def file_stem(invoice: Invoice) -> str:
    return f"{invoice.kind.replace('_', '-')}-{invoice.document_number}"


def checked_ubl(invoice: Invoice) -> bytes:
    """The e-invoice, run through the official rules first: a document that breaks one is
    still delivered (the PDF is right, and a person can act) but logged as an error, so the
    operator learns before a finance system refuses it."""
    content = invoice_ubl(invoice)
    errors = einvoice_errors(content)
    if errors:
        logger.error(
            "E-invoice %s breaks %s",
            invoice.document_number,
            ", ".join(sorted({error["id"] for error in errors})),
        )
    return content


def invoice_attachments(invoice: Invoice, *, electronic: bool = True) -> list[Attachment]:
    files = [(f"{file_stem(invoice)}.pdf", invoice_pdf(invoice), CONTENT_TYPES["pdf"])]
    if electronic:
        files.append((f"{file_stem(invoice)}.xml", checked_ubl(invoice), CONTENT_TYPES["xml"]))
    return files


def attachment_response(content: bytes, extension: str, filename: str) -> HttpResponse:
    """A file to save, never to show: attachment, no sniffing, sandboxed, not cached."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[extension])
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


def document_response(invoice: Invoice, extension: str) -> HttpResponse:
    """The invoice as a PDF (``pdf``) or as UBL XML (``xml``)."""
    content = invoice_pdf(invoice) if extension == "pdf" else invoice_ubl(invoice)
    return attachment_response(content, extension, f"{file_stem(invoice)}.{extension}")
