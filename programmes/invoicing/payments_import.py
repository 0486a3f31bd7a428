"""Marking invoices paid from a bank or ERP export (CSV or XLSX).

Each row names an invoice, by its number or its payment reference (KID, OCR, viitenumero),
with the amount and the date received. Every row is checked against the invoices and
against the other rows (two payments of one invoice must not exceed what is left), and any
problem refuses the whole file with a message per row; nothing is written then.
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from programmes.core import spreadsheets
from programmes.core.audit import audit_record
from programmes.core.i18n import format_money
from programmes.core.spreadsheets import Column, ImportRefused, Table
from programmes.invoicing.models import Invoice, PaymentSource
from programmes.invoicing.services import payment_apply_locked
from programmes.people.models import STAFF_ROLES

SHEET = "payments"
COLUMNS = (
    Column(
        "invoice",
        gettext_lazy("invoice number or payment reference"),
        required=True,
        text=True,
        aliases=(
            "invoice number",
            "payment reference",
            "reference",
            "kid",
            "ocr",
            "fakturanummer",
            "fakturanr",
            "laskun numero",
            "viitenumero",
            "viite",
        ),
    ),
    Column(
        "amount",
        gettext_lazy("amount paid"),
        required=True,
        aliases=("amount", "beløp", "beløb", "belopp", "summa", "määrä"),
    ),
    Column(
        "paid_on",
        gettext_lazy("date paid"),
        required=True,
        aliases=("date", "paid on", "betalt", "betalningsdag", "maksupäivä"),
    ),
    Column("note", gettext_lazy("note"), aliases=("text", "tekst", "viesti")),
)


class Problem(spreadsheets.Problem):
    columns = {SHEET: COLUMNS}


class _Checker(spreadsheets.Checker):
    problem_class = Problem


@dataclass
class PaymentRow:
    row: int
    invoice: Invoice
    amount: Decimal
    paid_on: dt.date
    note: str


@dataclass
class PaymentsPlan:
    rows: list[PaymentRow] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.rows), Decimal("0.00"))

    @property
    def settles(self) -> int:
        """How many invoices the file pays in full."""
        paid: dict[int, Decimal] = {}
        for row in self.rows:
            paid[row.invoice.pk] = paid.get(row.invoice.pk, Decimal(0)) + row.amount
        return sum(
            1
            for row in {r.invoice.pk: r for r in self.rows}.values()
            if paid[row.invoice.pk] >= row.invoice.outstanding
        )


def read_upload(upload: IO[bytes]) -> Table:
    try:
        table, _named = spreadsheets.read_sheets(upload)
    except ValidationError as error:
        raise ImportRefused([Problem(message) for message in error.messages]) from None
    return table


def payments_plan(table: Table, *, today: dt.date | None = None) -> PaymentsPlan:
    """The payments the table describes; ImportRefused with every problem otherwise. Two
    queries whatever the number of rows."""
    today = today or timezone.localdate()
    check = _Checker({SHEET: COLUMNS})
    parsed_rows = []
    for row, values in check.rows(table, SHEET):
        parsed, failed = check.parse(
            SHEET,
            row,
            values,
            {"amount": check.number, "paid_on": spreadsheets.date, "note": spreadsheets.text},
        )
        if "amount" not in failed and parsed["amount"] <= 0:
            check.problem(_("The amount must be more than zero."), SHEET, row, "amount")
            failed.add("amount")
        if "amount" not in failed and parsed["amount"] != parsed["amount"].quantize(
            Decimal("0.01")
        ):
            check.problem(_("Give the amount with at most two decimals."), SHEET, row, "amount")
            failed.add("amount")
        if "paid_on" not in failed and parsed["paid_on"] > today:
            check.problem(_("The payment date is in the future."), SHEET, row, "paid_on")
            failed.add("paid_on")
        parsed_rows.append((row, parsed, failed))
    keys = {str(parsed.get("invoice", "")).replace(" ", "") for _row, parsed, _f in parsed_rows}
    keys.discard("")
    invoices: dict[str, Invoice] = {}
    for invoice in Invoice.objects.filter(
        Q(document_number__in=keys) | Q(payment_reference__in=keys), kind="invoice"
    ):
        invoices[invoice.document_number] = invoice
        invoices[invoice.payment_reference] = invoice
    plan = PaymentsPlan(ignored_columns=list(check.ignored))
    still_open: dict[int, Decimal] = {}
    for row, parsed, failed in parsed_rows:
        if "invoice" in failed:
            continue
        invoice = invoices.get(str(parsed["invoice"]).replace(" ", ""))
        if invoice is None:
            check.problem(
                _("No invoice has this number or payment reference."), SHEET, row, "invoice"
            )
            continue
        if invoice.fully_credited:
            check.problem(
                _("Invoice %(number)s has been credited; it takes no payments.")
                % {"number": invoice.document_number},
                SHEET,
                row,
                "invoice",
            )
            continue
        if failed:
            continue
        left = still_open.setdefault(invoice.pk, invoice.outstanding)
        if parsed["amount"] > left:
            check.problem(
                _("Invoice %(number)s has %(left)s left to pay; this row pays more.")
                % {
                    "number": invoice.document_number,
                    "left": format_money(left, invoice.currency),
                },
                SHEET,
                row,
                "amount",
            )
            continue
        still_open[invoice.pk] = left - parsed["amount"]
        plan.rows.append(
            PaymentRow(row, invoice, parsed["amount"], parsed["paid_on"], parsed.get("note", ""))
        )
    if check.problems:
        raise ImportRefused(sorted(check.problems, key=lambda problem: problem.row or 0))
    return plan


def payments_import(
    *,
    actor: Any,
    upload: IO[bytes] | None = None,
    table: Table | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
) -> PaymentsPlan:
    """Check the file (or the table read from it before, e.g. at the preview) and, unless
    ``dry_run``, record every payment in one transaction."""
    if actor is not None and getattr(actor, "role", None) not in STAFF_ROLES:
        raise PermissionDenied
    if table is None:
        assert upload is not None, "give the upload or its table"
        table = read_upload(upload)
    plan = payments_plan(table, today=today)
    if dry_run:
        return plan
    with transaction.atomic():
        locked = {
            invoice.pk: invoice
            for invoice in Invoice.objects.select_for_update()
            .filter(pk__in={row.invoice.pk for row in plan.rows})
            .order_by("pk")
        }
        for row in plan.rows:
            invoice = locked[row.invoice.pk]
            if row.amount > invoice.outstanding:  # paid by someone else meanwhile
                raise ImportRefused(
                    [Problem(_("An invoice was paid while importing. Check the file again."))]
                )
            payment_apply_locked(
                actor=actor,
                invoice=invoice,
                amount=row.amount,
                paid_on=row.paid_on,
                source=PaymentSource.IMPORT,
                note=row.note,
            )
        audit_record(
            actor=actor,
            action="invoicing.payments_imported",
            data={"payments": len(plan.rows), "total": str(plan.total)},
        )
    return plan


def template_csv() -> bytes:
    return spreadsheets.template_csv(
        COLUMNS, [["KP-1001", "6250.00", timezone.localdate().isoformat(), ""]]
    )
