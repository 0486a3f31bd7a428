"""Climate accounts, certificates and dashboards in the browser: a partner reports a year's
account and a certificate; staff read the dashboard and download its figures."""

import io

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.test_follow_up import sign_in
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser


def test_a_partner_reports_a_climate_account(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "partner@hjorring.example")
    page.goto(stack.url("hjorring", "/my-partnership/"))
    page.locator("a[href='/my-partnership/climate/']").click()
    page.locator("a[href='/my-partnership/climate/new/']").click()
    page.locator("#id_year").fill("2001")
    page.locator("#id_scope1").fill("12,5")  # a Danish decimal comma
    page.locator("#id_scope2_location").fill("30")
    page.locator("#id_method").select_option("klimakompasset")
    page.locator("form.stacked-form button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("main table").first).to_contain_text("2001")
    expect(page.locator("main svg[role='img']").first).to_be_visible()


def test_a_partner_adds_a_certificate_with_its_document(page: Page, stack: Stack) -> None:
    sign_in_on = "ostfold"
    page.goto(stack.url(sign_in_on, "/accounts/login/"))
    page.locator("#id_login").fill(f"partner@{sign_in_on}.example")
    page.locator("#id_password").fill("klimapartner-demo")
    page.locator("main button.primary").click()
    page.goto(stack.url(sign_in_on, "/my-partnership/certificates/"))
    page.locator("a[href='/my-partnership/certificates/new/']").click()
    scheme = page.locator("#id_scheme option:not([value=''])").first.get_attribute("value")
    page.locator("#id_scheme").select_option(scheme)
    page.locator("#id_number").fill("MFT-BROWSER-1")
    page.locator("#id_issued_on").fill("2026-01-15")
    page.locator("#id_expires_on").fill("2029-01-15")
    page.locator("#id_issuing_body").fill("Stiftelsen Miljøfyrtårn")
    png = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(png, format="PNG")
    page.locator("#id_document_upload").set_input_files(
        {"name": "sertifikat.png", "mimeType": "image/png", "buffer": png.getvalue()}
    )
    page.locator("form.stacked-form button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("main")).to_contain_text("MFT-BROWSER-1")


def test_staff_read_the_dashboard_and_download_its_figures(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "admin@hjorring.example")
    page.goto(stack.url("hjorring", "/partners/"))
    page.locator("a[href='/dashboard/']").click()
    expect(page.locator("main svg[role='img']").first).to_be_visible()
    expect(page.locator("main table caption").first).to_be_visible()
    with page.expect_download() as download:
        page.locator("main a[href^='/dashboard/emissions.csv']").click()
    content = open(download.value.path(), encoding="utf-8-sig").read()  # noqa: SIM115
    assert content.count("\n") >= 2
