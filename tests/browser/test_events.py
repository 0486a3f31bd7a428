"""Events in the browser, found by roles, accessible names and labels: a partner admin of
Hjørring's demo joins the waiting list of the full network meeting and leaves it again;
staff read last year's participation ("n of 4") and the list of events with its counts.

Names are looked up in the catalogue the server renders from, in the page's language."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

PASSWORD = "klimapartner-demo"  # the demo's published password
FULL_MEETING = "Netværksmøde: Cirkulær økonomi i praksis"


def tr(page: Page, message: str, **values: object) -> str:
    with translation.override(page.locator("html").get_attribute("lang")):
        text = translation.gettext(message)
    if values:
        text = text % values
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def sign_in(page: Page, stack: Stack, email: str) -> None:
    page.goto(stack.url("hjorring", "/accounts/login/"))
    page.get_by_label(tr(page, "Email")).fill(email)
    page.get_by_label(tr(page, "Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=tr(page, "Sign in")).click()
    enter_mfa_code(page, email)
    expect(page.get_by_role("button", name=tr(page, "Sign out"))).to_be_visible()


def test_a_partner_joins_and_leaves_the_waiting_list(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "partner@hjorring.example")
    page.goto(stack.url("hjorring", "/events/"))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    page.get_by_role("link", name=FULL_MEETING).click()
    expect(page.get_by_role("heading", level=1, name=FULL_MEETING)).to_be_visible()
    page.get_by_role("button", name=tr(page, "Join the waiting list")).click()
    expect(page.get_by_role("status")).to_contain_text(
        re.sub(
            r"%\(position\)s.*",
            "",
            tr(page, "The event is full: you are number %(position)s on the waiting list."),
        )
    )
    page.get_by_role("button", name=tr(page, "Leave the waiting list")).click()
    expect(page.get_by_role("status")).to_contain_text(tr(page, "Your registration is cancelled."))
    expect(page.get_by_role("button", name=tr(page, "Join the waiting list"))).to_be_visible()


def test_staff_read_participation_and_the_events(page: Page, stack: Stack) -> None:
    sign_in(page, stack, "admin@hjorring.example")
    page.goto(stack.url("hjorring", "/events/participation/"))
    label = page.get_by_label(tr(page, "Year"))
    years = label.locator("option").all_inner_texts()
    label.select_option(years[1])  # last year: every main event held
    page.get_by_role("button", name=tr(page, "Show")).click()
    table = page.get_by_role("table")
    expect(table.locator("caption")).to_contain_text(years[1])
    cells = table.locator("tbody td").all_inner_texts()
    assert cells and all(re.fullmatch(r"[0-4] \S+ 4", cell.strip()) for cell in cells), cells
    page.goto(stack.url("hjorring", "/events/"))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=FULL_MEETING))
    expect(row).to_contain_text(tr(page, "Full"))
