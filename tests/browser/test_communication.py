"""Announcements in the browser, found the way a screen reader user finds them (roles,
accessible names, labels): staff in Hjørring write an announcement in Danish and send it to
every partner; the worker delivers it, and a partner admin reads it in the inbox.

Names are looked up in the catalogue the server renders from, in the page's language."""

import re
import uuid

import pytest
from django.utils import translation
from django.utils.text import capfirst
from playwright.sync_api import Page, expect

from tests.browser.login import enter_mfa_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

PASSWORD = "klimapartner-demo"  # the demo's published password


def tr(page: Page, message: str) -> str:
    with translation.override(page.locator("html").get_attribute("lang")):
        text = translation.gettext(message)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text)).strip()


def sign_in(page: Page, stack: Stack, email: str) -> None:
    page.goto(stack.url("hjorring", "/accounts/login/"))
    page.get_by_label(tr(page, "Email")).fill(email)
    page.get_by_label(tr(page, "Password")).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name=tr(page, "Sign in")).click()
    enter_mfa_code(page, email)
    expect(page.get_by_role("button", name=tr(page, "Sign out"))).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=tr(page, "Sign out")).click()


def test_staff_send_an_announcement_and_a_partner_reads_it_in_the_inbox(
    page: Page, stack: Stack
) -> None:
    title = f"Nyt om ladestandere {uuid.uuid4().hex[:6]}"
    sign_in(page, stack, "admin@hjorring.example")
    page.goto(stack.url("hjorring", "/announcements/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Announcements"))
    page.get_by_role("link", name=tr(page, "Write an announcement")).click()
    page.get_by_label(f"{capfirst(tr(page, 'title'))} (dansk)").fill(title)
    page.get_by_label(f"{capfirst(tr(page, 'text'))} (dansk)").fill(
        "Kommunen sætter 40 nye ladestandere op i år."
    )
    page.get_by_role("button", name=tr(page, "Save the draft")).click()
    expect(page.locator("#recipient-count")).to_be_visible()
    page.get_by_role("button", name=tr(page, "Send the announcement")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    sign_out(page)

    sign_in(page, stack, "partner@hjorring.example")
    page.goto(stack.url("hjorring", "/my-partnership/inbox/"))
    link = page.get_by_role("link", name=title)
    for _ in range(20):  # the worker delivers it within moments
        if link.count():
            break
        page.wait_for_timeout(500)
        page.reload()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("Kommunen sætter 40 nye ladestandere op i år.")).to_be_visible()
    page.get_by_role("link", name=tr(page, "Inbox")).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title))
    expect(row.get_by_role("cell").last).to_have_text(tr(page, "Read"))
