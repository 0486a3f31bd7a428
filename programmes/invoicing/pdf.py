"""The invoice or credit note as a PDF for people, in the invoice's language.

Drawn only from what was copied onto the invoice when it was issued (the seller snapshot,
the buyer fields, the lines and the amounts), never from the settings or the partner as they
are now, so the document comes out the same however often and however late it is drawn.
Money, dates, numbers and percentages go through Babel for the tenant's locale in the
invoice's language (call inside the tenant's schema). Rendering is offline: the same
fetcher as the commitment document refuses every URL but inline ``data:`` ones.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.numbers import format_percent
from django.template.loader import render_to_string
from django.utils import translation
from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError as StdnumError
from weasyprint import HTML

from programmes.core.i18n import formatting_locale
from programmes.core.pdf import OfflineURLFetcher
from programmes.invoicing.models import Invoice, InvoiceLine, VatCategory
from programmes.partners.business_ids import VALIDATORS, business_id_display

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineRow:
    description: str
    net_amount: Decimal
    rate: str
    vat_amount: Decimal


@dataclass(frozen=True)
class VatGroup:
    """One row of the VAT breakdown: the lines of one category and rate together."""

    category: str
    label: str
    rate: str
    taxable_amount: Decimal
    vat_amount: Decimal

    @property
    def charges_no_vat(self) -> bool:
        return self.category != VatCategory.STANDARD


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(rate: Decimal) -> str:
    """25.00 as "25 %", 12.50 as "12,5 %", in the active language's locale."""
    return format_percent(rate / HUNDRED, locale=formatting_locale(), decimal_quantization=False)


def _vat_groups(invoice: Invoice, lines: list[InvoiceLine]) -> list[VatGroup]:
    """The VAT breakdown per category and rate, as EN 16931 asks. VAT is computed on each
    group's total, as the fee quote computed it; with one group (every fee invoice today)
    the invoice's own VAT amount is printed, so the breakdown always agrees with the total."""
    taxable: dict[tuple[str, Decimal], Decimal] = {}
    for line in lines:
        key = (line.vat_category, line.vat_rate)
        taxable[key] = taxable.get(key, Decimal(0)) + line.net_amount
    labels = dict(VatCategory.choices)
    return [
        VatGroup(
            category=category,
            label=str(labels.get(category, category)),
            rate=_percent(rate),
            taxable_amount=amount,
            vat_amount=invoice.vat_amount if len(taxable) == 1 else _cents(amount * rate / HUNDRED),
        )
        for (category, rate), amount in taxable.items()
    ]


def _business_id(value: str, country: str) -> str:
    if not value:
        return ""
    if country not in VALIDATORS:
        return value
    try:
        return business_id_display(value, country)
    except StdnumError:
        return value  # printed as it was copied rather than not at all


def _iban(value: str) -> str:
    """In groups of four, as it is read aloud and typed into a bank's form."""
    try:
        return stdnum_iban.format(value) if value else ""
    except StdnumError:
        return value


def _bankgiro(value: str) -> str:
    """1234-5678 or 123-4567: the last four digits apart, as Bankgirot prints them."""
    return f"{value[:-4]}-{value[-4:]}" if len(value) > 4 else value


def invoice_context(invoice: Invoice) -> dict[str, Any]:
    """What the document shows. Call inside ``translation.override(invoice.language)`` and
    the tenant's schema: percentages are formatted here for the active locale."""
    lines = list(invoice.lines.all())
    seller: dict[str, Any] = dict(invoice.seller or {})
    seller_country = str(seller.get("country") or invoice.buyer_country)
    credited = invoice.credited_invoice if invoice.is_credit_note else None
    return {
        "invoice": invoice,
        "credited": credited,
        "seller": seller,
        "seller_business_id": _business_id(
            str(seller.get("organisation_number") or ""), seller_country
        ),
        "seller_iban": _iban(str(seller.get("iban") or "")),
        "seller_bankgiro": _bankgiro(str(seller.get("bankgiro") or "")),
        "buyer_business_id": _business_id(invoice.buyer_business_id, invoice.buyer_country),
        "lines": [
            LineRow(
                description=line.description,
                net_amount=line.net_amount,
                rate=_percent(line.vat_rate),
                vat_amount=_cents(line.net_amount * line.vat_rate / HUNDRED),
            )
            for line in lines
        ],
        "vat_groups": _vat_groups(invoice, lines),
    }


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice or credit note in its own language, as a tagged A4 PDF (PDF/UA-1).
    Call inside the tenant's schema: the locale of amounts and dates is the tenant's."""
    with translation.override(invoice.language):
        html = render_to_string("invoicing/pdf/invoice.html", invoice_context(invoice))
    return HTML(string=html, url_fetcher=OfflineURLFetcher()).write_pdf(pdf_variant="pdf/ua-1")
