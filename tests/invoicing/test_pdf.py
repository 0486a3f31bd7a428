"""The invoice PDF: drawn from the invoice's copied data, in the invoice's language, with the
tenant's money and date formats; a credit note names the invoice it credits. Labels are
not translated yet, so the assertions are on data and on formats, which do not depend on the
.po files (or, for labels, compare with gettext in the invoice's language)."""

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal

import pytest
from babel.dates import format_date
from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext
from django_tenants.utils import tenant_context
from pypdf import PdfReader

from programmes.invoicing import services
from programmes.invoicing.models import Invoice, VatCategory
from programmes.invoicing.pdf import invoice_pdf
from tests.invoicing.conftest import ISSUE_DATE, Billing


@pytest.fixture(autouse=True)
def _no_invoice_mail(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Issuing queues the invoice e-mail, which attaches this PDF and the UBL file; the mail
    is tested elsewhere, and here it would only draw every PDF once more."""
    monkeypatch.setattr(services, "_send_invoice_after_commit", lambda invoice: None)
    yield


def normalised(text: str) -> str:
    """Babel puts no-break spaces in amounts ("6.250,00 kr."); compare them as spaces."""
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


def read(content: bytes) -> tuple[PdfReader, str]:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return reader, normalised(" ".join(page.extract_text() for page in reader.pages))


def money(amount: str, currency: str, locale: str) -> str:
    return normalised(format_currency(Decimal(amount), currency, locale=locale))


def day(value: dt.date, locale: str) -> str:
    return normalised(format_date(value, "medium", locale=locale))


def issue_both(alpha_billing: Billing, beta_billing: Billing) -> None:
    """Both tenants invoice, so their invoices' ids and numbers collide."""
    alpha_billing.issue()
    beta_billing.issue()


def test_the_danish_invoice_shows_its_number_parties_and_danish_amounts(
    alpha_billing: Billing, beta_billing: Billing, django_assert_max_num_queries
) -> None:
    issue_both(alpha_billing, beta_billing)
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        # The invoice's language decides, not the one active when it is drawn.
        with translation.override("en"), django_assert_max_num_queries(1):
            reader, text = read(invoice_pdf(invoice))
    assert invoice.document_number in text
    assert "ALPHA-MARKER partner" in text and "ALPHA-MARKER street 1" in text
    assert "BETA-MARKER" not in text
    # Joined in 2024: the full 5 000 plus 25 % VAT, in Danish kroner as da_DK writes them.
    assert money("5000", "DKK", "da_DK") in text
    assert money("1250", "DKK", "da_DK") in text
    assert money("6250", "DKK", "da_DK") == "6.250,00 kr."
    assert money("6250", "DKK", "da_DK") in text
    assert "25 %" in text
    assert day(ISSUE_DATE, "da_DK") in text  # "2. feb. 2026"
    assert day(invoice.due_date, "da_DK") in text
    assert "2026" in text  # the fee year
    assert invoice.buyer_reference in text
    assert invoice.payment_reference in text
    # The seller as copied at issue: CVR and VAT number, then how to pay.
    assert "ALPHA-MARKER municipality" in text
    assert "29189854" in text and "DK29189854" in text
    assert "DK50 0040 0440 1162 43" in text and "DABADKKK" in text
    # Accessible basics: a document title and its language.
    assert invoice.document_number in reader.metadata.title
    assert reader.metadata.author == "ALPHA-MARKER municipality"
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert len(reader.pages) == 1


def test_the_swedish_invoice_is_in_swedish_formats_with_the_bankgiro(
    alpha_billing: Billing, beta_billing: Billing
) -> None:
    issue_both(alpha_billing, beta_billing)
    with tenant_context(beta_billing.world.tenant):
        invoice = beta_billing.invoice_of(beta_billing.partner)
        reader, text = read(invoice_pdf(invoice))
    assert invoice.document_number in text
    assert "BETA-MARKER partner" in text
    assert "ALPHA-MARKER" not in text
    # 4 000 + 0.30 per inhabitant for 20 000, no VAT: in kronor as sv_SE writes them.
    assert money("10000", "SEK", "sv_SE") == "10 000,00 kr"
    assert money("10000", "SEK", "sv_SE") in text
    assert money("0", "SEK", "sv_SE") in text
    assert "0 %" in text
    assert day(ISSUE_DATE, "sv_SE") in text  # "2 feb. 2026"
    assert day(invoice.due_date, "sv_SE") in text
    assert "212000-0142" in text  # the seller's organisationsnummer, formatted
    assert "556000-0001" in text  # the buyer's
    assert "5678-1234" in text  # bankgiro
    assert "SE45 5000 0000 0583 9825 7466" in text
    assert invoice.payment_reference in text
    # The seller has no VAT number: the fee is outside the scope of VAT and says so.
    with translation.override("sv"):
        assert normalised(str(VatCategory.OUTSIDE_SCOPE.label)) in text
    assert reader.trailer["/Root"]["/Lang"] == "sv"
    assert invoice.document_number in reader.metadata.title


def test_a_credit_note_names_the_invoice_it_credits_and_the_reason(
    alpha_billing: Billing, django_assert_max_num_queries
) -> None:
    alpha_billing.issue()
    world = alpha_billing.world
    with tenant_context(world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.partner)
        note = services.credit_note_issue(
            actor=world.users["municipal_admin"],
            invoice=invoice,
            reason="REASON-MARKER: the size was wrong",
            issue_date=dt.date(2026, 3, 10),
        )
        note = Invoice.objects.get(pk=note.pk)
        with django_assert_max_num_queries(2):  # its lines and the credited invoice
            reader, text = read(invoice_pdf(note))
    assert note.document_number != invoice.document_number
    assert note.document_number in text and invoice.document_number in text
    assert "REASON-MARKER: the size was wrong" in text
    assert day(dt.date(2026, 3, 10), "da_DK") in text
    assert day(ISSUE_DATE, "da_DK") in text  # the date of the invoice credited
    assert money("6250", "DKK", "da_DK") in text
    with translation.override("da"):
        assert normalised(gettext("Credit note")) in text
    assert note.document_number in reader.metadata.title
    assert reader.trailer["/Root"]["/Lang"] == "da"
    assert "BETA-MARKER" not in text
