"""Reading invoices: who may see which, the run preview's inputs and the funding overview."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import Http404

from programmes.configuration.selectors import programme_charges_fees
from programmes.invoicing.models import (
    BillingDetails,
    DocumentKind,
    Invoice,
    InvoiceStatus,
    InvoicingSettings,
    OtherIncome,
)
from programmes.partners.selectors import partners_visible_to
from programmes.people.models import STAFF_ROLES

ZERO = Decimal("0.00")


def invoicing_enabled() -> bool:
    """Whether the programme charges fees at all (one query)."""
    return programme_charges_fees()


def invoicing_in_use() -> bool:
    """Fees are charged, or were: a programme that turned free keeps its invoices readable,
    and one that never charged (Porvoo) has no invoicing pages or endpoints at all. One
    query while fees are charged, two otherwise."""
    return programme_charges_fees() or Invoice.objects.exists()


def billing_details_of(partner: Any) -> BillingDetails | None:
    return BillingDetails.objects.filter(partner=partner).first()


def invoicing_settings() -> InvoicingSettings | None:
    return InvoicingSettings.objects.first()


def invoices_visible_to(viewer: Any) -> QuerySet[Invoice]:
    """Staff see every invoice; a partner's people the invoices addressed to their partner."""
    if not viewer.is_authenticated:
        return Invoice.objects.none()
    if viewer.role in STAFF_ROLES:
        return Invoice.objects.all()
    return Invoice.objects.filter(partner__in=partners_visible_to(viewer))


def get_invoice_for_user(viewer: Any, invoice_id: int) -> Invoice:
    """The same 404 whether the invoice does not exist or is not the viewer's."""
    invoice = (
        invoices_visible_to(viewer)
        .select_related("series", "credited_invoice", "partner")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def invoices_for_overview(
    *, year: int | None = None, status: str = "", query: str = "", today: dt.date
) -> QuerySet[Invoice]:
    """The staff list, filtered in the database (status is derived from amounts and dates,
    so each status is written out as a condition here)."""
    invoices = Invoice.objects.select_related("credited_invoice")
    if year:
        invoices = invoices.filter(year=year)
    if query:
        invoices = invoices.filter(
            Q(buyer_name__icontains=query)
            | Q(document_number__icontains=query)
            | Q(payment_reference=query)
        )
    if status in InvoiceStatus.values:
        invoices = invoices.filter(status_q(status, today=today))
    return invoices


def status_q(status: str, *, today: dt.date) -> Q:
    """``Invoice.status_on(today) == status`` as a database condition (tested to agree)."""
    live = Q(kind=DocumentKind.INVOICE, fully_credited=False)
    unpaid = live & Q(paid_amount__lt=F("total_amount") - F("credited_amount"))
    return {
        InvoiceStatus.OPEN: unpaid & Q(due_date__gte=today),
        InvoiceStatus.OVERDUE: unpaid & Q(due_date__lt=today),
        InvoiceStatus.PAID: live & ~unpaid,
        InvoiceStatus.CREDITED: Q(kind=DocumentKind.INVOICE, fully_credited=True),
        InvoiceStatus.CREDIT_NOTE: Q(kind=DocumentKind.CREDIT_NOTE),
    }[InvoiceStatus(status)]


def invoice_status_counts(*, year: int | None, query: str, today: dt.date) -> list[dict[str, Any]]:
    """Status, label and how many for the overview's year and search, in one query."""
    totals = invoices_for_overview(year=year, query=query, today=today).aggregate(
        **{status: Count("pk", filter=status_q(status, today=today)) for status in InvoiceStatus}
    )
    return [
        {"status": status, "label": label, "count": totals[status]}
        for status, label in InvoiceStatus.choices
    ]


@dataclass
class FundingYear:
    year: int
    invoiced: Decimal = ZERO
    credited: Decimal = ZERO
    paid: Decimal = ZERO
    outstanding: Decimal = ZERO
    overdue: Decimal = ZERO
    invoices: int = 0
    other_income: Decimal = ZERO
    other_items: list[OtherIncome] = field(default_factory=list)

    @property
    def net_invoiced(self) -> Decimal:
        return self.invoiced - self.credited

    @property
    def total_income(self) -> Decimal:
        return self.paid + self.other_income


def funding_overview(*, today: dt.date) -> list[FundingYear]:
    """Per fee year, newest first: fees invoiced, credited, paid, outstanding and overdue, and
    other income such as county grants. Three queries, whatever the number of invoices."""
    years: dict[int, FundingYear] = {}

    def year_of(year: int) -> FundingYear:
        return years.setdefault(year, FundingYear(year=year))

    unpaid = Q(kind=DocumentKind.INVOICE, fully_credited=False)
    totals = (
        Invoice.objects.filter(kind=DocumentKind.INVOICE)
        .values("year")
        .annotate(
            invoiced=Sum("total_amount"),
            credited=Sum("credited_amount"),
            paid=Sum("paid_amount"),
            invoices=Count("id"),
        )
    )
    for row in totals:
        entry = year_of(row["year"])
        entry.invoiced = row["invoiced"] or ZERO
        entry.credited = row["credited"] or ZERO
        entry.paid = row["paid"] or ZERO
        entry.invoices = row["invoices"]
    rows = (
        Invoice.objects.filter(unpaid)
        .values("year", "due_date", "total_amount", "paid_amount", "credited_amount")
        .iterator()
    )
    for row in rows:
        left = max(row["total_amount"] - row["paid_amount"] - row["credited_amount"], ZERO)
        entry = year_of(row["year"])
        entry.outstanding += left
        if row["due_date"] < today:
            entry.overdue += left
    for income in OtherIncome.objects.all():
        entry = year_of(income.year)
        entry.other_income += income.amount
        entry.other_items.append(income)
    return [years[year] for year in sorted(years, reverse=True)]
