"""Marking invoices paid from a bank or ERP export: all rows or none, a message per row."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context
from openpyxl import Workbook

from programmes.core.models import AuditEvent
from programmes.core.spreadsheets import ImportRefused
from programmes.invoicing.models import Invoice, Payment, PaymentSource
from programmes.invoicing.payments_import import payments_import
from tests.invoicing.conftest import Billing


def csv_upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.csv", text.encode(), content_type="text/csv")


@pytest.fixture
def issued(alpha_billing: Billing) -> tuple[Billing, Invoice, Invoice]:
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        return (
            alpha_billing,
            alpha_billing.invoice_of(alpha_billing.partner),
            alpha_billing.invoice_of(alpha_billing.other),
        )


def test_rows_by_invoice_number_or_payment_reference_mark_invoices_paid(issued) -> None:
    billing, first, second = issued
    staff = billing.world.users["municipal_staff"]
    text = (
        "Invoice number;Amount paid;Date paid;Note\n"
        f"{first.document_number};6.250,00;2026-02-20;bank\n"
        f"{second.payment_reference};3000;21.02.2026;\n"
    )
    with tenant_context(billing.world.tenant):
        plan = payments_import(actor=staff, upload=csv_upload(text), dry_run=True)
        assert (len(plan.rows), plan.total, plan.settles) == (2, Decimal("9250.00"), 1)
        assert not Payment.objects.exists()  # a dry run writes nothing
        payments_import(actor=staff, upload=csv_upload(text))
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.outstanding == 0 and first.paid_on == dt.date(2026, 2, 20)
        assert second.outstanding == Decimal("3250.00")
        assert set(Payment.objects.values_list("source", flat=True)) == {PaymentSource.IMPORT}
        assert AuditEvent.objects.filter(action="invoicing.payments_imported").exists()


def test_an_xlsx_export_is_read_too(issued) -> None:
    billing, first, _second = issued
    book = Workbook()
    sheet = book.active
    sheet.append(["KID", "Amount", "Date"])
    sheet.append([first.payment_reference, 6250, dt.datetime(2026, 2, 20)])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("bank.xlsx", buffer.getvalue())
    with tenant_context(billing.world.tenant):
        plan = payments_import(actor=billing.world.users["municipal_staff"], upload=upload)
    assert plan.settles == 1


def test_a_bad_file_is_refused_with_a_message_per_row_and_nothing_is_written(issued) -> None:
    billing, first, second = issued
    text = (
        "invoice number,amount paid,date paid\n"
        f"{first.document_number},6000,2026-02-20\n"  # fine alone…
        f"{first.document_number},500,2026-02-21\n"  # …but the two pay more than is left
        "KP-999,100,2026-02-20\n"  # no such invoice
        f"{second.document_number},-5,2026-02-20\n"  # not a payment
        f"{second.document_number},5,2099-01-01\n"  # in the future
        f"{second.document_number},abc,yesterday\n"
    )
    with tenant_context(billing.world.tenant):
        with pytest.raises(ImportRefused) as refused:
            payments_import(actor=billing.world.users["municipal_staff"], upload=csv_upload(text))
        assert not Payment.objects.exists()
    rows = [(problem.row, problem.column) for problem in refused.value.problems]
    assert rows == [
        (3, "amount"),
        (4, "invoice"),
        (5, "amount"),
        (6, "paid_on"),
        (7, "amount"),
        (7, "paid_on"),
    ]
    assert str(refused.value.problems[0]).startswith("Row 3, amount paid:")


def test_credited_invoices_and_missing_columns_are_refused(issued) -> None:
    from programmes.invoicing.services import credit_note_issue

    billing, first, _second = issued
    staff = billing.world.users["municipal_staff"]
    with tenant_context(billing.world.tenant):
        credit_note_issue(actor=staff, invoice=first, reason="Wrong")
        with pytest.raises(ImportRefused, match="credited"):
            payments_import(
                actor=staff,
                upload=csv_upload(
                    f"invoice number,amount paid,date paid\n{first.document_number},1,2026-02-20\n"
                ),
            )
        with pytest.raises(ImportRefused, match="missing"):
            payments_import(actor=staff, upload=csv_upload("invoice number\nKP-1\n"))
        with pytest.raises(ImportRefused):
            payments_import(
                actor=staff,
                upload=SimpleUploadedFile("x.csv", b"\x89PNG\r\n\x1a\n" + bytes(50)),
            )


def test_partners_cannot_import_payments(issued) -> None:
    billing, first, _second = issued
    with tenant_context(billing.world.tenant), pytest.raises(PermissionDenied):
        payments_import(
            actor=billing.world.users["partner_admin"],
            upload=csv_upload(
                f"invoice number,amount paid,date paid\n{first.document_number},1,2026-02-20\n"
            ),
        )


def test_another_tenants_invoice_numbers_are_unknown(issued, beta_billing: Billing) -> None:
    billing, first, _second = issued
    beta_billing.issue()
    with tenant_context(beta_billing.world.tenant):
        beta_first = beta_billing.invoice_of(beta_billing.partner)
        # The same number exists in both tenants: beta's import pays beta's invoice only.
        assert beta_first.document_number == first.document_number
        payments_import(
            actor=beta_billing.world.users["municipal_staff"],
            upload=csv_upload(
                f"invoice number,amount paid,date paid\n{first.document_number},10,2026-02-20\n"
            ),
        )
    with tenant_context(billing.world.tenant):
        assert not Payment.objects.exists()
