"""The municipal admin's configuration journey in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser


def sign_in(page: Page, stack: Stack, slug: str) -> None:
    page.goto(stack.url(slug, "/accounts/login/"))
    page.locator("#id_login").fill(f"admin@{slug}.example")
    page.locator("#id_password").fill("klimapartner-demo")
    page.keyboard.press("Enter")
    enter_mfa_code(page, f"admin@{slug}.example")
    expect(page.locator("header form button.link-button")).to_be_visible()


def test_porvoo_admin_adds_a_signing_round_in_swedish_and_finnish(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "porvoo")
    page.goto(stack.url("porvoo", "/manage/"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    page.locator("nav.manage-nav a[href='/manage/signing-rounds/']").click()
    page.locator("a.button.primary").click()
    page.locator("#id_title__sv").fill("Höstens undertecknande")
    page.locator("#id_title__fi").fill("Syksyn allekirjoitustilaisuus")
    page.locator("#id_starts_at").fill("2030-10-01T15:00")
    page.locator("#id_place").fill("Borgå rådhus, Rådhustorget 1")
    page.locator("#id_capacity").fill("25")
    page.locator("#id_signatory_name").fill("Mikael Holmström")
    page.locator("#id_signatory_title__sv").fill("stadsdirektör")
    page.locator("#id_signatory_title__fi").fill("kaupunginjohtaja")
    page.locator("button.primary").click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("cell", name="Borgå rådhus, Rådhustorget 1")).to_be_visible()


def test_ostfold_admin_sees_the_banded_fee_in_kroner(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "ostfold")
    page.goto(stack.url("ostfold", "/manage/fees/"))
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    # Babel, nb_NO: "kr 3 000,00" with non-breaking spaces.
    expect(page.locator("table")).to_contain_text("3\u00a0000,00")
