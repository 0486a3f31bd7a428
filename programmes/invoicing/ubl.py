"""The e-invoice: UBL 2.1 following Peppol BIS Billing 3.0 (the Peppol profile of EN 16931).

The file is drawn only from what was copied onto the invoice when it was issued (the seller
snapshot, the buyer fields, the lines and the amounts), so it is the same however often it
is drawn, and a later change of settings or partner data never alters an issued document.
Amounts are written as issued, never recomputed: if the stored figures disagree, the
validator (validation.py) says so instead of this module hiding it.

Country specifics (the national rules DK-R, SE-R and NO-R are part of the Peppol rules):

- identifiers: the Peppol electronic address (EAS) and the legal id (ISO 6523 ICD) come from
  the business id: CVR as ``DK12345678`` (0184, both), organisationsnummer (0007, both),
  organisasjonsnummer (0192, both), and in Finland the OVT code ``0037`` + Y-tunnus digits
  as address (0216) and the Y-tunnus itself as legal id (0212);
- payment: credit transfer (30, or 58 for SEPA in euros); a Danish seller invoicing a
  Danish buyer may not use 30 (DK-R-005) and gives IBAN and BIC under 31; a Swedish seller
  with a bankgiro gives it first (30 with ``SE:BANKGIRO``, SE-R-008/009), then the IBAN;
- a Norwegian seller in the Register of Business Enterprises says so ("Foretaksregisteret",
  NO-R-002) when the snapshot carries ``"foretaksregisteret": True``; a Swedish F-tax holder
  states "Godkänd för F-skatt" (SE-R-005) when it carries ``"f_skatt": True``.
"""

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import ngettext
from lxml import etree
from stdnum.fi import ytunnus

from programmes.invoicing.models import Invoice, InvoiceLine, VatCategory

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
PREFIXES = {"cac": NS_CAC, "cbc": NS_CBC}

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
INVOICE_TYPE_CODE = "380"  # commercial invoice
CREDIT_NOTE_TYPE_CODE = "381"  # credit note

# Peppol electronic address schemes (EAS) and legal identifier schemes (ICD) by country.
ENDPOINT_SCHEMES = {"DK": "0184", "SE": "0007", "NO": "0192", "FI": "0216"}
LEGAL_SCHEMES = {"DK": "0184", "SE": "0007", "NO": "0192", "FI": "0212"}

# UNCL4461 payment means.
CREDIT_TRANSFER = "30"
DANISH_BANK_TRANSFER = "31"  # IBAN and BIC; what DK-R-005 allows instead of 30
SEPA_CREDIT_TRANSFER = "58"
SWEDISH_BANKGIRO = "SE:BANKGIRO"

UNIT_CODE = "C62"  # "one": a fee is a unit of service
CENT = Decimal("0.01")
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'


def invoice_ubl(invoice: Invoice) -> bytes:
    """The invoice or credit note as a Peppol BIS Billing 3.0 UBL document (UTF-8 bytes).

    Reads the invoice's lines (one query, none if prefetched) and, for a credit note, the
    credited invoice's number and date (one query, none if selected with it)."""
    credit_note = invoice.is_credit_note
    lines = list(invoice.lines.all())
    seller: dict[str, Any] = invoice.seller
    root_ns = NS_CREDIT_NOTE if credit_note else NS_INVOICE
    root = etree.Element(
        f"{{{root_ns}}}{'CreditNote' if credit_note else 'Invoice'}",
        nsmap={None: root_ns, **PREFIXES},
    )
    with translation.override(invoice.language or None):
        _leaf(root, "cbc:CustomizationID", CUSTOMIZATION_ID)
        _leaf(root, "cbc:ProfileID", PROFILE_ID)
        _leaf(root, "cbc:ID", invoice.document_number)
        _leaf(root, "cbc:IssueDate", _date(invoice.issue_date))
        if credit_note:
            _leaf(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE_CODE)
            _leaf(root, "cbc:Note", invoice.reason.strip())
        else:
            _leaf(root, "cbc:DueDate", _date(invoice.due_date))
            _leaf(root, "cbc:InvoiceTypeCode", INVOICE_TYPE_CODE)
        _leaf(root, "cbc:DocumentCurrencyCode", invoice.currency)
        _leaf(root, "cbc:BuyerReference", invoice.buyer_reference.strip())
        if credit_note:
            credited = invoice.credited_invoice
            reference = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
            _leaf(reference, "cbc:ID", credited.document_number)
            _leaf(reference, "cbc:IssueDate", _date(credited.issue_date))
        outside_scope = any(line.vat_category == VatCategory.OUTSIDE_SCOPE for line in lines)
        _seller_party(root, seller, vat_id=not outside_scope)
        _buyer_party(root, invoice)
        if not credit_note:
            _payment_means(root, invoice, seller)
            days = (invoice.due_date - invoice.issue_date).days
            terms = ngettext("Net %(days)d day", "Net %(days)d days", days) % {"days": days}
            _leaf(_sub(root, "cac:PaymentTerms"), "cbc:Note", terms)
        _tax_total(root, invoice, lines)
        _monetary_total(root, invoice, lines)
        for line in lines:
            _line(root, invoice, line)
    body = etree.tostring(root, encoding="UTF-8", pretty_print=True)
    return XML_DECLARATION + body


def electronic_address(business_id: str, country: str) -> tuple[str, str]:
    """The Peppol electronic address (EAS scheme, identifier) a business id gives."""
    scheme, digits = _scheme(ENDPOINT_SCHEMES, country), _digits(business_id)
    if country == "DK":
        return scheme, f"DK{digits}"
    if country == "FI":
        return scheme, f"0037{digits}"
    return scheme, digits


def legal_identifier(business_id: str, country: str) -> tuple[str, str]:
    """The legal registration id (ICD scheme, identifier) a business id gives."""
    scheme, digits = _scheme(LEGAL_SCHEMES, country), _digits(business_id)
    if country == "DK":
        return scheme, f"DK{digits}"
    if country == "FI":
        return scheme, ytunnus.format(digits)
    return scheme, digits


def vat_identifier(vat_number: str, country: str) -> str:
    """The VAT number with its country prefix, as BR-CO-09 wants it."""
    value = vat_number.replace(" ", "").replace("-", "").upper()
    return value if value[:2].isalpha() else f"{country}{value}"


# --- Parties --------------------------------------------------------------------------------


def _seller_party(root: etree._Element, seller: dict[str, Any], *, vat_id: bool) -> None:
    country = seller["country"]
    party = _sub(_sub(root, "cac:AccountingSupplierParty"), "cac:Party")
    _identifiers(party, seller["organisation_number"], country)
    trading_name = seller.get("programme_name", "")
    if trading_name and trading_name != seller["seller_name"]:
        _leaf(_sub(party, "cac:PartyName"), "cbc:Name", trading_name)
    _address(
        party, seller.get("street", ""), seller.get("postcode", ""), seller.get("city"), country
    )
    if vat_id and seller.get("vat_number"):
        _tax_scheme(party, vat_identifier(seller["vat_number"], country), "VAT")
    if country == "NO" and seller.get("foretaksregisteret"):
        _tax_scheme(party, "Foretaksregisteret", "TAX")
    if country == "SE" and seller.get("f_skatt"):
        _tax_scheme(party, "Godkänd för F-skatt", "TAX")
    _legal_entity(party, seller["seller_name"], seller["organisation_number"], country)
    contact = {
        "cbc:Name": seller.get("contact_name", ""),
        "cbc:Telephone": seller.get("contact_phone", ""),
        "cbc:ElectronicMail": seller.get("contact_email", ""),
    }
    if any(contact.values()):
        element = _sub(party, "cac:Contact")
        for tag, value in contact.items():
            _leaf(element, tag, value)


def _buyer_party(root: etree._Element, invoice: Invoice) -> None:
    country = invoice.buyer_country
    party = _sub(_sub(root, "cac:AccountingCustomerParty"), "cac:Party")
    _identifiers(party, invoice.buyer_business_id, country)
    _leaf(_sub(party, "cac:PartyName"), "cbc:Name", invoice.buyer_name)
    _address(party, invoice.buyer_street, invoice.buyer_postcode, invoice.buyer_city, country)
    _legal_entity(party, invoice.buyer_name, invoice.buyer_business_id, country)
    if invoice.buyer_email:
        _leaf(_sub(party, "cac:Contact"), "cbc:ElectronicMail", invoice.buyer_email)


def _identifiers(party: etree._Element, business_id: str, country: str) -> None:
    scheme, address = electronic_address(business_id, country)
    _leaf(party, "cbc:EndpointID", address, schemeID=scheme)
    scheme, identifier = legal_identifier(business_id, country)
    _leaf(_sub(party, "cac:PartyIdentification"), "cbc:ID", identifier, schemeID=scheme)


def _address(
    party: etree._Element, street: str, postcode: str, city: str | None, country: str
) -> None:
    address = _sub(party, "cac:PostalAddress")
    _leaf(address, "cbc:StreetName", street)
    _leaf(address, "cbc:CityName", city)
    _leaf(address, "cbc:PostalZone", postcode)
    _leaf(_sub(address, "cac:Country"), "cbc:IdentificationCode", country)


def _tax_scheme(party: etree._Element, company_id: str, scheme: str) -> None:
    tax_scheme = _sub(party, "cac:PartyTaxScheme")
    _leaf(tax_scheme, "cbc:CompanyID", company_id)
    _leaf(_sub(tax_scheme, "cac:TaxScheme"), "cbc:ID", scheme)


def _legal_entity(party: etree._Element, name: str, business_id: str, country: str) -> None:
    entity = _sub(party, "cac:PartyLegalEntity")
    _leaf(entity, "cbc:RegistrationName", name)
    scheme, identifier = legal_identifier(business_id, country)
    _leaf(entity, "cbc:CompanyID", identifier, schemeID=scheme)


# --- Payment --------------------------------------------------------------------------------


def _payment_means(root: etree._Element, invoice: Invoice, seller: dict[str, Any]) -> None:
    """Where to pay, most local first: the receiver's system takes the first it can use."""
    country = seller["country"]
    accounts: list[tuple[str, str, str]] = []
    if country == "SE" and invoice.currency == "SEK" and seller.get("bankgiro"):
        accounts.append((CREDIT_TRANSFER, _digits(seller["bankgiro"]), SWEDISH_BANKGIRO))
    if seller.get("iban"):
        if invoice.currency == "EUR":
            code = SEPA_CREDIT_TRANSFER
        elif country == "DK" and invoice.buyer_country == "DK":
            code = DANISH_BANK_TRANSFER
        else:
            code = CREDIT_TRANSFER
        iban = seller["iban"].replace(" ", "").upper()
        accounts.append((code, iban, seller.get("bic", "").replace(" ", "").upper()))
    for code, account_id, branch in accounts:
        means = _sub(root, "cac:PaymentMeans")
        _leaf(means, "cbc:PaymentMeansCode", code)
        _leaf(means, "cbc:PaymentID", invoice.payment_reference)
        account = _sub(means, "cac:PayeeFinancialAccount")
        _leaf(account, "cbc:ID", account_id)
        _leaf(account, "cbc:Name", seller["seller_name"])
        if branch:
            _leaf(_sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", branch)


# --- Amounts --------------------------------------------------------------------------------


def _tax_total(root: etree._Element, invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """One VAT breakdown per (category, rate). The total is the VAT as issued; a cent of
    rounding between several rates is carried by the largest taxed group."""
    taxable: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for line in lines:
        rate = Decimal(0) if line.vat_category == VatCategory.OUTSIDE_SCOPE else line.vat_rate
        taxable[(line.vat_category, rate)] += line.net_amount
    tax = {key: _round(amount * key[1] / 100) for key, amount in taxable.items()}
    taxed = [key for key in tax if key[1] > 0]
    if taxed:
        largest = max(taxed, key=lambda key: taxable[key])
        tax[largest] += invoice.vat_amount - sum(tax.values(), Decimal(0))
    total = _sub(root, "cac:TaxTotal")
    _amount(total, "cbc:TaxAmount", invoice.vat_amount, invoice.currency)
    for (category, rate), amount in taxable.items():
        subtotal = _sub(total, "cac:TaxSubtotal")
        _amount(subtotal, "cbc:TaxableAmount", amount, invoice.currency)
        _amount(subtotal, "cbc:TaxAmount", tax[(category, rate)], invoice.currency)
        _tax_category(subtotal, "cac:TaxCategory", category, rate, breakdown=True)


def _tax_category(
    parent: etree._Element, tag: str, category: str, rate: Decimal, *, breakdown: bool = False
) -> None:
    element = _sub(parent, tag)
    _leaf(element, "cbc:ID", category)
    if category != VatCategory.OUTSIDE_SCOPE:  # BR-O-05/BR-O-09: no rate outside VAT
        _leaf(element, "cbc:Percent", _number(rate))
    if breakdown and category == VatCategory.OUTSIDE_SCOPE:  # BR-O-10
        _leaf(element, "cbc:TaxExemptionReasonCode", "VATEX-EU-O")
        _leaf(element, "cbc:TaxExemptionReason", str(VatCategory.OUTSIDE_SCOPE.label))
    if breakdown and category == VatCategory.EXEMPT:  # BR-E-10
        _leaf(element, "cbc:TaxExemptionReason", str(VatCategory.EXEMPT.label))
    _leaf(_sub(element, "cac:TaxScheme"), "cbc:ID", "VAT")


def _monetary_total(root: etree._Element, invoice: Invoice, lines: list[InvoiceLine]) -> None:
    """The totals as issued. Payments received later are not subtracted: the file is the
    issued document, not a statement of what is still owed."""
    currency = invoice.currency
    totals = _sub(root, "cac:LegalMonetaryTotal")
    line_total = sum((line.net_amount for line in lines), Decimal(0))
    _amount(totals, "cbc:LineExtensionAmount", line_total, currency)
    _amount(totals, "cbc:TaxExclusiveAmount", invoice.net_amount, currency)
    _amount(totals, "cbc:TaxInclusiveAmount", invoice.total_amount, currency)
    _amount(totals, "cbc:PayableAmount", invoice.total_amount, currency)


def _line(root: etree._Element, invoice: Invoice, line: InvoiceLine) -> None:
    credit_note = invoice.is_credit_note
    element = _sub(root, "cac:CreditNoteLine" if credit_note else "cac:InvoiceLine")
    _leaf(element, "cbc:ID", str(line.position))
    quantity_tag = "cbc:CreditedQuantity" if credit_note else "cbc:InvoicedQuantity"
    _leaf(element, quantity_tag, _number(line.quantity), unitCode=UNIT_CODE)
    _amount(element, "cbc:LineExtensionAmount", line.net_amount, invoice.currency)
    item = _sub(element, "cac:Item")
    _leaf(item, "cbc:Name", line.description)
    _leaf(_sub(item, "cac:SellersItemIdentification"), "cbc:ID", line.kind)
    _tax_category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    _amount(_sub(element, "cac:Price"), "cbc:PriceAmount", line.unit_price, invoice.currency)


# --- Helpers --------------------------------------------------------------------------------


def _qname(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{PREFIXES[prefix]}}}{name}"


def _sub(parent: etree._Element, tag: str) -> etree._Element:
    return etree.SubElement(parent, _qname(tag))


def _leaf(parent: etree._Element, tag: str, text: str | None, **attributes: str) -> None:
    """A value element, left out when there is no value: Peppol refuses empty elements
    (PEPPOL-EN16931-R008)."""
    if text is None or not str(text).strip():
        return
    element = etree.SubElement(parent, _qname(tag), attributes)
    element.text = str(text).strip()


def _amount(parent: etree._Element, tag: str, value: Decimal, currency: str) -> None:
    _leaf(parent, tag, f"{_round(value):f}", currencyID=currency)


def _round(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def _number(value: Decimal) -> str:
    """A quantity or rate without trailing zeros and never in exponent form: 1, 25, 12.5."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _date(value: dt.date) -> str:
    return value.isoformat()


def _digits(value: str) -> str:
    return "".join(character for character in value if character.isdigit())


def _scheme(schemes: dict[str, str], country: str) -> str:
    try:
        return schemes[country]
    except KeyError:
        raise ValueError(f"No Peppol identifier scheme for the country {country!r}.") from None
