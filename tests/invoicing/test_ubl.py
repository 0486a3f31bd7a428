"""The e-invoice (Peppol BIS Billing 3.0 UBL) and its validation against the official rules.

The rules are compiled once per test process (validation.py keeps them), so each further
document costs a few milliseconds.
"""

import copy
import datetime as dt
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context
from lxml import etree

from programmes.invoicing import services
from programmes.invoicing.models import Invoice
from programmes.invoicing.services import credit_note_issue, payment_record
from programmes.invoicing.ubl import NS_CAC, NS_CBC, NS_CREDIT_NOTE, NS_INVOICE, invoice_ubl
from programmes.invoicing.validation import einvoice_errors
from tests.conftest import BUSINESS_IDS
from tests.invoicing.conftest import SELLERS, Billing

NS = {"inv": NS_INVOICE, "cn": NS_CREDIT_NOTE, "cac": NS_CAC, "cbc": NS_CBC}

# Every element EN 16931 makes mandatory (and those Peppol adds: endpoints, buyer reference),
# relative to the root; {kind} is Invoice or CreditNote, {quantity} Invoiced or Credited.
MANDATORY = [
    "cbc:CustomizationID",
    "cbc:ProfileID",
    "cbc:ID",
    "cbc:IssueDate",
    "cbc:{kind}TypeCode",
    "cbc:DocumentCurrencyCode",
    "cbc:BuyerReference",
    "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID[@schemeID]",
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    "cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID[@schemeID]",
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName",
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    "cac:AccountingSupplierParty/cac:Party/cac:Contact/cbc:ElectronicMail",
    "cac:AccountingCustomerParty/cac:Party/cbc:EndpointID[@schemeID]",
    "cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:StreetName",
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:CityName",
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cbc:PostalZone",
    "cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
    "cac:TaxTotal/cbc:TaxAmount[@currencyID]",
    "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount[@currencyID]",
    "cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount[@currencyID]",
    "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
    "cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cac:TaxScheme/cbc:ID",
    "cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
    "cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
    "cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
    "cac:LegalMonetaryTotal/cbc:PayableAmount",
    "cac:{kind}Line/cbc:ID",
    "cac:{kind}Line/cbc:{quantity}Quantity[@unitCode]",
    "cac:{kind}Line/cbc:LineExtensionAmount[@currencyID]",
    "cac:{kind}Line/cac:Item/cbc:Name",
    "cac:{kind}Line/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
    "cac:{kind}Line/cac:Price/cbc:PriceAmount[@currencyID]",
]
INVOICE_ONLY = ["cbc:DueDate", "cac:PaymentMeans/cbc:PaymentMeansCode", "cac:PaymentTerms/cbc:Note"]
CREDIT_NOTE_ONLY = [
    "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
    "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate",
]


@pytest.fixture(autouse=True)
def _no_delivery(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issuing queues the invoice e-mail (PDF and UBL attached); it is tested with the
    notifications. These tests are about the document itself."""
    monkeypatch.setattr(services, "_send_invoice_after_commit", lambda invoice: None)


def issued_documents(billing: Billing) -> list[Invoice]:
    """The world's two annual invoices and a credit note of the first, read back."""
    billing.issue()
    with tenant_context(billing.world.tenant):
        credit_note_issue(
            actor=billing.world.users["municipal_admin"],
            invoice=billing.invoice_of(billing.partner),
            reason=f"{billing.world.marker} wrong size",
        )
        return list(
            Invoice.objects.select_related("credited_invoice")
            .prefetch_related("lines")
            .order_by("number")
        )


def tree(xml: bytes) -> etree._Element:
    return etree.fromstring(xml)


def text(root: etree._Element, path: str) -> list[str]:
    return [element.text for element in root.xpath(path, namespaces=NS)]


def ids(errors: list[dict[str, str]]) -> set[str]:
    return {error["id"] for error in errors}


def has_value(root: etree._Element, path: str) -> bool:
    elements = root.xpath(path, namespaces=NS)
    return bool(elements) and all((element.text or "").strip() for element in elements)


def broken(xml: bytes, change: Callable[[etree._Element], None]) -> bytes:
    root = tree(xml)
    change(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- The issued documents pass --------------------------------------------------------------


@pytest.mark.parametrize("world", ["alpha_billing", "beta_billing"])
def test_issued_invoices_and_credit_notes_pass_the_official_rules(
    world: str, request: pytest.FixtureRequest
) -> None:
    billing: Billing = request.getfixturevalue(world)
    documents = issued_documents(billing)
    assert sorted(document.kind for document in documents) == [
        "credit_note",
        "invoice",
        "invoice",
    ]
    other_marker = "BETA-MARKER" if billing.world.marker == "ALPHA-MARKER" else "ALPHA-MARKER"
    for document in documents:
        xml = invoice_ubl(document)
        assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<')
        assert einvoice_errors(xml) == [], document.document_number
        assert billing.world.marker.encode() in xml
        assert other_marker.encode() not in xml


def test_the_danish_invoice_carries_cvr_vat_and_a_payment_means_danish_rules_allow(
    alpha_billing: Billing,
) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    invoice.language = "en"
    root = tree(invoice_ubl(invoice))
    seller = "cac:AccountingSupplierParty/cac:Party/"
    assert text(root, seller + "cbc:EndpointID[@schemeID='0184']") == ["DK29189854"]
    assert text(root, seller + "cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0184']") == [
        "DK29189854"
    ]
    assert text(root, seller + "cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='VAT']/cbc:CompanyID") == [
        "DK29189854"
    ]
    assert text(root, "//cac:PaymentMeans/cbc:PaymentMeansCode") == ["31"]
    assert text(root, "//cac:PayeeFinancialAccount/cbc:ID") == ["DK5000400440116243"]
    assert text(root, "//cac:FinancialInstitutionBranch/cbc:ID") == ["DABADKKK"]
    assert text(root, "//cac:PaymentMeans/cbc:PaymentID") == [invoice.payment_reference]
    assert text(root, "//cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == ["25"]
    assert text(root, "//cac:TaxTotal/cbc:TaxAmount") == [f"{invoice.vat_amount:.2f}"]
    assert text(root, "//cbc:PayableAmount") == [f"{invoice.total_amount:.2f}"]
    assert text(root, "//cac:PaymentTerms/cbc:Note") == ["Net 30 days"]


def test_the_swedish_invoice_pays_to_the_bankgiro_first_and_is_outside_the_scope_of_vat(
    beta_billing: Billing,
) -> None:
    invoice = next(d for d in issued_documents(beta_billing) if d.kind == "invoice")
    root = tree(invoice_ubl(invoice))
    assert text(root, "cac:AccountingSupplierParty/cac:Party/cbc:EndpointID") == ["2120000142"]
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["30", "30"]
    assert text(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == [
        "56781234",
        "SE4550000000058398257466",
    ]
    assert text(root, "cac:PaymentMeans//cac:FinancialInstitutionBranch/cbc:ID") == [
        "SE:BANKGIRO",
        "ESSESESS",
    ]
    # BR-O-*: no VAT id of the seller, no rate, and the exemption reason in the breakdown.
    assert not root.xpath("//cac:PartyTaxScheme", namespaces=NS)
    assert not root.xpath("//cbc:Percent", namespaces=NS)
    assert text(root, "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReasonCode") == [
        "VATEX-EU-O"
    ]
    assert text(root, "cac:TaxTotal/cbc:TaxAmount") == ["0.00"]


def test_a_credit_note_is_a_ubl_credit_note_referring_to_the_invoice(
    alpha_billing: Billing,
) -> None:
    documents = issued_documents(alpha_billing)
    note = next(d for d in documents if d.kind == "credit_note")
    root = tree(invoice_ubl(note))
    assert root.tag == f"{{{NS_CREDIT_NOTE}}}CreditNote"
    assert text(root, "cbc:CreditNoteTypeCode") == ["381"]
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == [
        note.credited_invoice.document_number
    ]
    assert text(root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == [
        note.credited_invoice.issue_date.isoformat()
    ]
    assert text(root, "cbc:Note") == ["ALPHA-MARKER wrong size"]
    assert root.xpath("cac:CreditNoteLine/cbc:CreditedQuantity", namespaces=NS)
    assert not root.xpath("cac:InvoiceLine | cbc:DueDate", namespaces=NS)
    # The amounts are those of the invoice, positive (DK-R-016).
    assert text(root, "cac:LegalMonetaryTotal/cbc:PayableAmount") == [
        f"{note.credited_invoice.total_amount:.2f}"
    ]


@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_every_mandatory_element_is_present(
    kind: str, alpha_billing: Billing, beta_billing: Billing
) -> None:
    documents = issued_documents(alpha_billing) + issued_documents(beta_billing)
    names = (
        {"kind": "Invoice", "quantity": "Invoiced"}
        if kind == "invoice"
        else {"kind": "CreditNote", "quantity": "Credited"}
    )
    paths = MANDATORY + (INVOICE_ONLY if kind == "invoice" else CREDIT_NOTE_ONLY)
    for document in (d for d in documents if d.kind == kind):
        root = tree(invoice_ubl(document))
        missing = [path for path in paths if not has_value(root, path.format(**names))]
        assert missing == [], document.document_number


def test_payments_received_later_do_not_change_the_document(alpha_billing: Billing) -> None:
    alpha_billing.issue()
    with tenant_context(alpha_billing.world.tenant):
        invoice = alpha_billing.invoice_of(alpha_billing.other)
        before = invoice_ubl(invoice)
        payment_record(
            actor=alpha_billing.world.users["municipal_admin"],
            invoice=invoice,
            amount=Decimal("100.00"),
            paid_on=timezone.localdate(),
        )
        invoice.refresh_from_db()
        assert invoice.paid_amount == Decimal("100.00")
        assert invoice_ubl(invoice) == before


def test_it_reads_nothing_but_the_lines_and_the_credited_invoice(
    alpha_billing: Billing, django_assert_max_num_queries: object
) -> None:
    issued_documents(alpha_billing)
    with tenant_context(alpha_billing.world.tenant):
        note = Invoice.objects.get(kind="credit_note")
        with django_assert_max_num_queries(2):  # type: ignore[operator]
            invoice_ubl(note)


# --- Norway and Finland ---------------------------------------------------------------------


def as_seller_in(invoice: Invoice, country: str, currency: str) -> Invoice:
    """The invoice as a programme in ``country`` would have issued it (in memory only)."""
    document = copy.copy(invoice)
    document.seller = {**invoice.seller, **SELLERS[country], "country": country}
    document.buyer_country = country
    document.buyer_business_id = BUSINESS_IDS[country][0]
    document.currency = currency
    return document


def test_a_norwegian_programme_with_vat_passes(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    document = as_seller_in(invoice, "NO", "NOK")
    xml = invoice_ubl(document)
    assert einvoice_errors(xml) == []
    root = tree(xml)
    assert text(root, "//cbc:EndpointID[@schemeID='0192']") == ["974760673", "900000006"]
    assert text(root, "//cac:PartyTaxScheme/cbc:CompanyID") == ["NO974760673MVA"]
    assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["30"]
    # A public body is not in the Register of Business Enterprises: Peppol only warns.
    assert "NO-R-002" in ids(einvoice_errors(xml, include_warnings=True))
    document.seller = {**document.seller, "foretaksregisteret": True}
    xml = invoice_ubl(document)
    assert "NO-R-002" not in ids(einvoice_errors(xml, include_warnings=True))
    assert text(tree(xml), "//cac:PartyTaxScheme[cac:TaxScheme/cbc:ID='TAX']/cbc:CompanyID") == [
        "Foretaksregisteret"
    ]


def test_a_finnish_programme_outside_vat_passes_and_pays_by_sepa(beta_billing: Billing) -> None:
    for document in issued_documents(beta_billing):
        document = as_seller_in(document, "FI", "EUR")
        xml = invoice_ubl(document)
        assert einvoice_errors(xml) == [], document.document_number
        root = tree(xml)
        assert text(root, "//cbc:EndpointID[@schemeID='0216']") == ["003702012566", "003710000004"]
        assert text(root, "//cac:PartyLegalEntity/cbc:CompanyID[@schemeID='0212']") == [
            "0201256-6",
            "1000000-4",
        ]
        if not document.is_credit_note:
            assert text(root, "cac:PaymentMeans/cbc:PaymentMeansCode") == ["58"]


def test_a_swedish_f_tax_holder_says_so(beta_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(beta_billing) if d.kind == "invoice")
    invoice.seller = {**invoice.seller, "f_skatt": True}
    xml = invoice_ubl(invoice)
    assert einvoice_errors(xml, include_warnings=True) == []
    assert "Godkänd för F-skatt".encode() in xml

    def misspelt(root: etree._Element) -> None:
        company_id = root.xpath("//cac:PartyTaxScheme/cbc:CompanyID", namespaces=NS)[0]
        company_id.text = "F-skatt"

    (error,) = einvoice_errors(broken(xml, misspelt))
    assert error["id"] == "SE-R-005"
    assert "Godkänd för F-skatt" in error["text"]


def test_a_fee_exempt_from_vat_states_why(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    for line in invoice.lines.all():  # the prefetched lines, changed in memory only
        line.vat_category, line.vat_rate = "E", Decimal("0.00")
    invoice.vat_amount, invoice.total_amount = Decimal("0.00"), invoice.net_amount
    xml = invoice_ubl(invoice)
    assert einvoice_errors(xml) == []
    assert text(tree(xml), "//cac:TaxSubtotal/cac:TaxCategory/cbc:TaxExemptionReason")


# --- The validator is not vacuous -----------------------------------------------------------


def test_it_catches_broken_documents(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    xml = invoice_ubl(invoice)

    def without_buyer_reference(root: etree._Element) -> None:
        element = root.find(f"{{{NS_CBC}}}BuyerReference")
        root.remove(element)

    def total_off_by_ten(root: etree._Element) -> None:
        element = root.find(f"{{{NS_CAC}}}LegalMonetaryTotal/{{{NS_CBC}}}TaxInclusiveAmount")
        element.text = f"{Decimal(element.text) + 10:.2f}"

    def payment_means_danish_rules_forbid(root: etree._Element) -> None:
        root.find(f"{{{NS_CAC}}}PaymentMeans/{{{NS_CBC}}}PaymentMeansCode").text = "30"

    assert "PEPPOL-EN16931-R003" in ids(einvoice_errors(broken(xml, without_buyer_reference)))
    assert "BR-CO-15" in ids(einvoice_errors(broken(xml, total_off_by_ten)))
    assert "DK-R-005" in ids(einvoice_errors(broken(xml, payment_means_danish_rules_forbid)))
    errors = einvoice_errors(broken(xml, total_off_by_ten))
    assert {error["flag"] for error in errors} == {"fatal"}
    assert all(error["text"] and error["location"] for error in errors)


def test_a_stored_invoice_with_inconsistent_amounts_fails(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    invoice.vat_amount += Decimal("5.00")  # not what the lines add up to
    assert {"BR-CO-15", "BR-S-09"} <= ids(einvoice_errors(invoice_ubl(invoice)))


def test_warnings_only_when_asked(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    root = tree(invoice_ubl(invoice))
    # An element UBL allows but Peppol advises against (UBL-CR-*, flagged "warning").
    etree.SubElement(
        root.find(f"{{{NS_CAC}}}AccountingCustomerParty"), f"{{{NS_CBC}}}CustomerAssignedAccountID"
    ).text = "1"
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    assert einvoice_errors(xml) == []
    warnings = einvoice_errors(xml, include_warnings=True)
    assert warnings and {error["flag"] for error in warnings} == {"warning"}


# --- Bad input is reported, never raised ----------------------------------------------------


@pytest.mark.parametrize(
    ("xml", "rule"),
    [
        (b"", "XML-SYNTAX"),
        (b"<Invoice><unclosed></Invoice>", "XML-SYNTAX"),
        (b"not xml at all", "XML-SYNTAX"),
        (b"<?xml version='1.0'?><Order xmlns='urn:example'/>", "UBL-ROOT"),
        (
            b"<?xml version='1.0'?><!DOCTYPE Invoice [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
            b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'>"
            b"<ID>&x;</ID></Invoice>",
            "XML-DOCTYPE",
        ),
    ],
)
def test_malformed_documents_are_reported_not_raised(xml: bytes, rule: str) -> None:
    errors = einvoice_errors(xml)
    assert [error["id"] for error in errors] == [rule]
    assert errors[0]["flag"] == "fatal"
    assert "root:" not in errors[0]["text"]  # nothing of /etc/passwd came back


def test_a_ubl_document_missing_almost_everything_fails_many_rules() -> None:
    xml = b"<Invoice xmlns='urn:oasis:names:specification:ubl:schema:xsd:Invoice-2'/>"
    assert {"BR-01", "BR-02", "BR-06", "PEPPOL-EN16931-R001"} <= ids(einvoice_errors(xml))


def test_the_due_date_is_given_as_net_days(alpha_billing: Billing) -> None:
    invoice = next(d for d in issued_documents(alpha_billing) if d.kind == "invoice")
    invoice.due_date, invoice.language = invoice.issue_date + dt.timedelta(days=1), "en"
    assert text(tree(invoice_ubl(invoice)), "cac:PaymentTerms/cbc:Note") == ["Net 1 day"]
