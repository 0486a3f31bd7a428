"""Invoicing in the browser, found the way a screen reader user finds it (roles, accessible
names, labels): staff record a payment on an overdue invoice and download its documents,
preview next year's run without issuing it and read the funding overview; a partner admin
downloads its invoice and keeps its billing details; a free programme has no invoicing.

The pages speak the tenant's language (Norwegian in Østfold) and their catalogue is still
being translated, so every name is looked up in the same catalogue the server renders from,
in the language the page declares (``<html lang>``), never hard-coded in one language."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

PASSWORD = "klimapartner-demo"  # the demo's published password
PEPPOL_BIS_3 = "urn:fdc:peppol.eu:2017:poacc:billing:3.0"


def tr(page: Page, message: str, **values: object) -> str:
    """``message`` as the page shows it: translated into the page's language, placeholders
    filled in and markup (visually hidden spans) reduced to its text."""
    with translation.override(page.locator("html").get_attribute("lang")):
        text = translation.gettext(message)
    if values:
        text = text % values
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def sign_in(page: Page, stack: Stack, slug: str, email: str) -> None:
    page.goto(stack.url(slug, "/accounts/login/"))
    page.get_by_label(tr(page, "Email")).fill(email)
    page.get_by_label(tr(page, "Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=tr(page, "Sign in")).click()
    enter_mfa_code(page, email)
    expect(page.get_by_role("button", name=tr(page, "Sign out"))).to_be_visible()


def amount_of(cell: Locator) -> Decimal:
    """An amount as Babel writes it for the locale (``1 234,50 kr``), read back."""
    digits = re.sub(r"[^\d,.]", "", cell.inner_text())
    return Decimal(digits.replace(".", "").replace(",", "."))


def fact(page: Page, term: str) -> Locator:
    """The definition after the term ``term`` in a list of facts (``<dl>``)."""
    return (
        page.get_by_role("main")
        .locator("dt")
        .get_by_text(term, exact=True)
        .locator("xpath=following-sibling::dd[1]")
    )


def footer_amount(page: Page, label: str) -> Locator:
    """The amount cell of the invoice table's footer row headed ``label``."""
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=label, exact=True))
    return row.get_by_role("cell")


def test_staff_record_the_payment_of_an_overdue_invoice_and_download_it(
    page: Page, stack: Stack
) -> None:
    sign_in(page, stack, "ostfold", "admin@ostfold.example")
    page.goto(stack.url("ostfold", "/partners/"))
    page.get_by_role("link", name=tr(page, "Invoices and funding")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Invoices"))
    nav = page.get_by_role("navigation", name=tr(page, "Invoicing"))
    expect(nav.get_by_role("link", name=tr(page, "Invoices"), exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    # The status links filter the list, and the chosen one says so to a screen reader.
    overdue = tr(page, "Overdue")
    page.get_by_role("link", name=overdue, exact=True).click()
    expect(page).to_have_url(re.compile(r"[?&]status=overdue"))
    expect(page.get_by_role("link", name=overdue, exact=True)).to_have_attribute(
        "aria-current", "true"
    )
    expect(page.get_by_label(tr(page, "Status"))).to_have_value("overdue")
    invoices = page.get_by_role("table", name=tr(page, "Invoices and credit notes, newest first"))
    statuses = invoices.locator("tbody tr td:last-child")
    expect(statuses.first).to_have_text(overdue)
    assert set(statuses.all_inner_texts()) == {overdue}

    first = invoices.get_by_role("rowheader").first.get_by_role("link")
    number = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        tr(page, "Invoice %(number)s", number=number)
    )
    expect(fact(page, tr(page, "Status"))).to_have_text(overdue)
    left_to_pay = footer_amount(page, tr(page, "Left to pay"))
    outstanding = amount_of(left_to_pay)
    assert outstanding > 0

    # The payment form is a landmark named by its heading, its fields found by their labels;
    # the amount typed as a Norwegian writes it, with a decimal comma.
    payment = page.get_by_role("form", name=tr(page, "Record a payment"))
    payment.get_by_label(tr(page, "Amount received")).fill(f"{outstanding:.2f}".replace(".", ","))
    expect(payment.get_by_label(tr(page, "Received on"))).to_have_value(
        re.compile(r"^\d{4}-\d{2}-\d{2}$")  # today, filled in
    )
    payment.get_by_label(tr(page, "Note")).fill("Betalt i nettbank (nettlesertest)")
    payment.get_by_role("button", name=tr(page, "Record the payment")).click()

    expect(page.get_by_role("status")).to_contain_text(tr(page, "The payment is recorded."))
    expect(fact(page, tr(page, "Status"))).to_have_text(tr(page, "Paid"))
    expect(left_to_pay).to_have_text(re.compile(r"^\D*0[,.]00\D*$"))
    expect(page.get_by_role("table", name=tr(page, "Payments"))).to_contain_text(
        "Betalt i nettbank (nettlesertest)"
    )
    expect(page.get_by_role("form", name=tr(page, "Record a payment"))).to_have_count(0)

    with page.expect_download() as pdf:
        page.get_by_role("link", name=tr(page, "Download the PDF")).click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF-")
    with page.expect_download() as xml:
        page.get_by_role("link", name=tr(page, "Download the e-invoice (XML)")).click()
    einvoice = xml.value.path().read_text(encoding="utf-8")
    assert PEPPOL_BIS_3 in einvoice
    assert f"<cbc:ID>{number}</cbc:ID>" in einvoice


def test_staff_preview_next_years_run_without_issuing_it_and_read_the_funding(
    page: Page, stack: Stack
) -> None:
    next_year = dt.date.today().year + 1
    sign_in(page, stack, "ostfold", "admin@ostfold.example")
    page.goto(stack.url("ostfold", "/invoicing/"))
    nav = page.get_by_role("navigation", name=tr(page, "Invoicing"))
    nav.get_by_role("link", name=tr(page, "Annual invoicing run")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Annual invoicing run"))

    page.get_by_label(tr(page, "Fee year")).fill(str(next_year))
    page.get_by_role("button", name=tr(page, "Show the run")).click()
    expect(page).to_have_url(re.compile(rf"[?&]year={next_year}"))
    expect(
        page.get_by_role(
            "heading", name=tr(page, "What a run for %(year)s would issue today", year=next_year)
        )
    ).to_be_visible()
    planned = page.get_by_role("table", name=tr(page, "Invoices to issue"))
    expect(planned.locator("tbody").get_by_role("rowheader").first).to_be_visible()
    expect(fact(page, tr(page, "Partners already invoiced for the year"))).to_have_text("0")

    # Issuing needs the box ticked: without it the run is refused, with the error announced.
    confirm = page.get_by_label(
        tr(page, "I have checked the list: issue these invoices and send them to the partners.")
    )
    expect(confirm).not_to_be_checked()
    page.get_by_role("button", name=re.compile(rf"\b{next_year}\b")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        tr(page, "Tick the box to confirm the invoices are to be issued.")
    )

    # Nothing was issued for next year.
    nav.get_by_role("link", name=tr(page, "Invoices"), exact=True).click()
    page.get_by_label(tr(page, "Fee year")).fill(str(next_year))
    page.get_by_role("button", name=tr(page, "Filter")).click()
    expect(
        page.get_by_role("table", name=tr(page, "Invoices and credit notes, newest first"))
    ).to_contain_text(tr(page, "No invoices match."))

    nav.get_by_role("link", name=tr(page, "Funding overview")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Funding overview"))
    income = page.get_by_role("table", name=tr(page, "Income by year"))
    expect(income).to_be_visible()
    this_year = income.get_by_role("rowheader").filter(has_text=str(dt.date.today().year))
    expect(this_year.get_by_role("link")).to_have_attribute(
        "href", f"/invoicing/?year={dt.date.today().year}"
    )


def test_a_partner_admin_downloads_its_invoice_and_saves_its_billing_details(
    page: Page, stack: Stack
) -> None:
    sign_in(page, stack, "ostfold", "partner@ostfold.example")
    page.goto(stack.url("ostfold", "/my-partnership/"))
    partner_name = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name=tr(page, "Invoices"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Invoices"))
    invoices = page.get_by_role(
        "table",
        name=tr(page, "Invoices and credit notes to %(name)s, newest first", name=partner_name),
    )
    # Each download link names its document for a screen reader ("PDF of KP-7").
    pdf_link = invoices.get_by_role("link", name=re.compile(r"^PDF\s+\S.*\S$")).first
    expect(pdf_link).to_be_visible()
    with page.expect_download() as pdf:
        pdf_link.click()
    assert pdf.value.path().read_bytes().startswith(b"%PDF-")

    details = page.get_by_role("form", name=tr(page, "Billing details"))
    details.get_by_label(tr(page, "Your reference")).fill("Ansvar 4410 Miljø")
    details.get_by_label(tr(page, "Invoice e-mail address")).fill("faktura@partner.example")
    details.get_by_role("button", name=tr(page, "Save")).click()
    expect(page.get_by_role("status")).to_contain_text(tr(page, "Your billing details are saved."))
    details = page.get_by_role("form", name=tr(page, "Billing details"))
    expect(details.get_by_label(tr(page, "Your reference"))).to_have_value("Ansvar 4410 Miljø")
    expect(details.get_by_label(tr(page, "Invoice e-mail address"))).to_have_value(
        "faktura@partner.example"
    )


def test_a_free_programme_has_no_invoicing(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "porvoo", "admin@porvoo.example")
    page.goto(stack.url("porvoo", "/partners/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Partners"))
    expect(page.get_by_role("link", name=tr(page, "Invoices and funding"))).to_have_count(0)
    response = page.goto(stack.url("porvoo", "/invoicing/"))
    assert response is not None
    assert response.status == 404
