"""The public partner directory in the browser, with the keyboard only: in Hjørring's demo a
visitor searches for a partner by name, narrows the list by the partner's sector, and opens
its page. Names are looked up in the catalogue the server renders from (``tr``)."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from tests.browser.test_invoicing import tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "hjorring"
# load_demo may not list anyone yet: the directory's demo, run once more, is harmless.
DEMO = """
from django_tenants.utils import tenant_context
from programmes.directory.demo import demo_directory_create
from tenants.selectors import tenant_by_slug
with tenant_context(tenant_by_slug("hjorring")):
    demo_directory_create(slug="hjorring", country="DK", language="da")
"""


def found(page: Page, count: int) -> str:
    """The status line for ``count`` results, in the page's language."""
    with translation.override(page.locator("html").get_attribute("lang")):
        message = translation.ngettext(
            "%(counter)s partner found.", "%(counter)s partners found.", count
        )
    return message % {"counter": count}


def tab_to(page: Page, target: Locator, most: int = 40) -> None:
    """Press Tab until ``target`` has the focus."""
    for _ in range(most):
        if target.evaluate("element => element === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {target}")


def test_a_visitor_searches_filters_and_opens_a_partner_with_the_keyboard(
    page: Page, stack: Stack
) -> None:
    stack.manage("shell", "-c", DEMO)
    page.goto(stack.url(SLUG, "/directory/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Partner directory"))
    # A partner that publishes its sector: the first result with three facts (sector, town, tier).
    item = (
        page.locator("li.directory-item")
        .filter(has=page.locator(".directory-facts span:nth-child(3)"))
        .first
    )
    name = item.get_by_role("heading", level=2).inner_text().strip()
    sector = item.locator(".directory-facts span").first.inner_text().strip()

    search = page.get_by_label(tr(page, "Search"), exact=True)
    tab_to(page, search)
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    results = page.locator("ul.directory-list").get_by_role("link")
    expect(results.filter(has_text=name).first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(found(page, results.count()))
    expect(page.get_by_label(tr(page, "Search"), exact=True)).to_have_value(name)

    sectors = page.get_by_label(tr(page, "Sector"))
    tab_to(page, sectors)
    page.keyboard.type(sector)  # a closed select picks the option typed
    expect(sectors.locator("option:checked")).to_have_text(sector)
    tab_to(page, page.get_by_role("button", name=tr(page, "Show partners")))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=[^&]+&sector=[a-z]+&"))
    expect(page.get_by_label(tr(page, "Search"), exact=True)).to_have_value(name)
    link = page.locator("ul.directory-list").get_by_role("link", name=name, exact=True)
    expect(link).to_be_visible()
    for shown in page.locator("ul.directory-list .directory-facts").all():
        expect(shown).to_contain_text(sector)

    tab_to(page, link)
    outline = link.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"  # the focus is visible
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("main dl.facts")).to_contain_text(sector)
    assert "/directory/" in page.url
    expect(page.locator('link[rel="canonical"]')).to_have_attribute("href", page.url)
