"""The main journey of issue 2 in a real browser: sign in on a demo tenant in its language."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser


def test_a_municipal_admin_signs_in_on_hjorring_in_danish(page: Page, stack: Stack) -> None:
    page.goto(stack.url("hjorring"))
    expect(page.locator("html")).to_have_attribute("lang", "da")
    expect(page.get_by_role("heading", level=1)).to_have_text("Det Store Klimapartnerskab")
    page.get_by_role("link", name="Log ind").first.click()
    page.get_by_label("E-mail").fill("admin@hjorring.example")
    page.get_by_label("Adgangskode").fill("klimapartner-demo")
    page.keyboard.press("Enter")
    enter_mfa_code(page, "admin@hjorring.example")
    expect(page.get_by_text("Logget ind som")).to_be_visible()
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("link", name="Log ind").first).to_be_visible()


def test_porvoo_answers_in_swedish_with_finnish_one_click_away(page: Page, stack: Stack) -> None:
    page.goto(stack.url("porvoo"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Borgå stads klimatpartner")
    page.get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Porvoon kaupungin ilmastokumppanit")


def test_a_wrong_password_is_refused_with_a_message(page: Page, stack: Stack) -> None:
    page.goto(stack.url("ostfold", "/accounts/login/"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    page.get_by_label("E-post").fill("admin@ostfold.example")
    page.get_by_label("Passord").fill("wrong-password")
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_be_visible()
