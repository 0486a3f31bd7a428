"""A new organisation applies in the browser and a staff member moves it along."""

import pytest
from playwright.sync_api import Page, expect

from tests.integration.stack import Stack

pytestmark = pytest.mark.browser


def test_an_organisation_applies_and_staff_approve_its_goals(page: Page, stack: Stack) -> None:
    page.goto(stack.url("hjorring"))
    page.locator("a[href='/apply/']").click()
    expect(page.locator("html")).to_have_attribute("lang", "da")
    page.locator("#id_name").fill("Vendsyssel Cykler ApS")
    page.locator("#id_business_id").fill("30000021")
    page.locator("#id_kind").select_option("company")
    page.locator("#id_sector").select_option("retail")
    page.locator("#id_employees").fill("6")
    page.locator("#id_city").fill("Hjørring")
    page.locator("#id_contact_name").fill("Lars Nielsen")
    page.locator("#id_email").fill("lars@cykler.example")
    page.locator("#id_password").fill("cykel-klima-2030!")
    page.locator("main button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.locator("header form button.link-button").click()  # sign out
    expect(page.locator("header a[href='/accounts/login/']")).to_be_visible()

    page.goto(stack.url("hjorring", "/accounts/login/"))
    page.locator("#id_login").fill("admin@hjorring.example")
    page.locator("#id_password").fill("klimapartner-demo")
    page.locator("main button.primary").click()
    expect(page.locator("header form button.link-button")).to_be_visible()
    page.goto(stack.url("hjorring", "/partners/"))
    page.get_by_role("link", name="Vendsyssel Cykler ApS").first.click()
    for step in ("assess", "propose_goals", "approve"):
        page.locator(f"button[value='{step}']").click()
        expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Mål godkendt")
