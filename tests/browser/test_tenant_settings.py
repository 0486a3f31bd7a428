"""An operator brands a tenant in the browser: the settings page's live preview tells the
contrast of white text on the colour as it is typed (no inline styles: the page's CSP), the
colour is saved with the keyboard, and the tenant's own pages show it (/branding.css)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import sign_in
from tests.browser.test_invoicing import tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "klimatkommunerna"
OPERATOR_EMAIL = "operator@klimapartner.example"


def test_an_operator_previews_and_saves_a_brand_colour(page: Page, stack: Stack) -> None:
    sign_in(page, stack.url(None, "/accounts/login/"), OPERATOR_EMAIL)
    page.goto(stack.url(None, f"/tenants/{SLUG}/settings/"))
    colour = page.get_by_label(tr(page, "Brand colour"))
    contrast = page.locator("#brand-preview-contrast")

    colour.fill("#777777")
    expect(contrast).to_contain_text(re.compile(r"4[.,]47"))
    expect(contrast).to_contain_text(re.compile(r"4[.,]5:1"))
    colour.fill("#1D4ED8")
    expect(contrast).to_contain_text(re.compile(r"6[.,]70"))
    preview_button = page.locator("#brand-preview .button.primary")
    expect(preview_button).to_have_css("background-color", "rgb(29, 78, 216)")

    colour.press("Enter")  # submits the branding form
    expect(page.get_by_role("status")).to_contain_text(tr(page, "The branding is saved."))

    page.goto(stack.url(SLUG, "/"))
    expect(page.locator(".site-header")).to_have_css("border-top-color", "rgb(29, 78, 216)")
