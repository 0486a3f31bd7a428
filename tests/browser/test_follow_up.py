"""A partner answers its annual follow-up in the browser; staff see it answered."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser


def sign_in(page: Page, stack: Stack, email: str) -> None:
    page.goto(stack.url("hjorring", "/accounts/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill("klimapartner-demo")
    page.locator("main button.primary").click()
    enter_mfa_code(page, email)
    expect(page.locator("header form button.link-button")).to_be_visible()


def test_a_partner_answers_its_follow_up_and_staff_see_it(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "partner@hjorring.example")
    page.goto(stack.url("hjorring", "/my-partnership/"))
    partner_name = page.locator("main h1").inner_text()
    page.locator("a[href='/my-partnership/follow-up/']").click()
    expect(page.locator("h1")).to_contain_text("opfølgning")
    # The year of the follow-up waiting for this partner (other tests may open later years).
    year = re.search(r"\d{4}", page.locator("main h1").inner_text()).group()
    statuses = page.locator("select[name^='goal_']")
    expect(statuses.first).to_be_visible()
    for index in range(statuses.count()):
        statuses.nth(index).select_option("on_track")
        # Each status is labelled for screen readers.
        label_for = statuses.nth(index).get_attribute("id")
        expect(page.locator(f"label[for='{label_for}']")).to_be_visible()
    page.locator("#id_support_needed").fill("Hjælp til at måle vores affald")
    page.locator("form.stacked-form button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Hjælp til at måle vores affald")
    page.locator("header form button.link-button").click()

    sign_in(page, stack, "admin@hjorring.example")
    page.goto(stack.url("hjorring", "/partners/"))
    page.locator("a[href='/partners/follow-ups/']").click()
    page.locator("#id_year").fill(year)
    page.locator("#id_status").select_option("submitted")
    page.locator("form.filter-form button.primary").click()
    expect(page.locator("table")).to_contain_text(partner_name)
