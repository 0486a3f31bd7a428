"""A new organisation applies in the browser and a staff member moves it along."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
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
    page.goto(stack.url("hjorring", "/my-partnership/goals/"))
    page.locator("#id_theme").select_option("transport")
    page.locator("#id_description").fill("Alle varer leveres på ladcykel")
    page.locator("#id_indicator").fill("Leverancer med bil")
    page.locator("#id_unit").fill("stk.")
    page.locator("#id_baseline_value").fill("400")
    page.locator("#id_baseline_year").fill("2025")
    page.locator("#id_target_value").fill("0")
    page.locator("#id_target_date").fill("2027-12-31")
    page.locator("#id_horizon").select_option("long_term")
    page.locator("form.stacked-form button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    page.locator("header form button.link-button").click()  # sign out
    expect(page.locator("header a[href='/accounts/login/']")).to_be_visible()

    page.goto(stack.url("hjorring", "/accounts/login/"))
    page.locator("#id_login").fill("admin@hjorring.example")
    page.locator("#id_password").fill("klimapartner-demo")
    page.locator("main button.primary").click()
    enter_mfa_code(page, "admin@hjorring.example")
    expect(page.locator("header form button.link-button")).to_be_visible()
    page.goto(stack.url("hjorring", "/partners/"))
    page.get_by_role("link", name="Vendsyssel Cykler ApS").first.click()
    page.locator("button[value='assess']").click()
    expect(page.get_by_role("status")).to_be_visible()
    for step in ("propose_goals", "approve"):
        page.locator(f"button[value='{step}']").click()
        expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("dl.facts")).to_contain_text("Mål godkendt")
