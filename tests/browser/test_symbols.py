"""The partner symbol in the browser, found by roles, accessible names and labels: in
Klimatkommunerna's demo a partner admin opens the symbol page (the preview and the QR code
show), downloads the SVG (its name inside), and follows the verification link with the
keyboard to the public page that confirms the partnership.

Names are looked up in the catalogue the server renders from, in the page's language
(``tr``)."""

import re

import pytest
from defusedxml import ElementTree
from playwright.sync_api import Page, expect

from tests.browser.test_invoicing import sign_in, tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "klimatkommunerna"
SVG_NS = "{http://www.w3.org/2000/svg}"


def test_a_partner_admin_downloads_the_symbol_and_follows_the_verification_link(
    page: Page, stack: Stack
) -> None:
    sign_in(page, stack, SLUG, f"partner@{SLUG}.example")
    page.goto(stack.url(SLUG, "/my-partnership/"))
    own = page.get_by_role("heading", level=1).inner_text().strip()

    page.goto(stack.url(SLUG, "/my-partnership/symbol/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Your partner symbol"))
    preview = page.get_by_role("img", name=re.compile(re.escape(own)))
    expect(preview).to_be_visible()
    qr = page.get_by_role("img", name=tr(page, "QR code of the verification link"))
    for image in (preview, qr):
        # Both images really load (an SVG served with nosniff and a sandbox).
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=image.element_handle()
        )

    # The SVG download carries the partner's name.
    with page.expect_download() as download_info:
        page.get_by_role(
            "link", name=tr(page, "SVG (vector): for print and websites, sharp at any size")
        ).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".svg")
    root = ElementTree.fromstring(open(download.path(), "rb").read())  # noqa: SIM115
    title = root.find(f"{SVG_NS}title")
    assert title is not None and (title.text or "").startswith(own)

    # By keyboard from the downloads to the verification link, then Enter.
    page.get_by_role("link", name=re.compile(r"^PNG ")).first.focus()
    verification = page.get_by_role("link", name=re.compile(r"verify"))
    for _ in range(15):
        page.keyboard.press("Tab")
        if verification.evaluate("link => link === document.activeElement"):
            break
    expect(verification).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(tr(page, "Partnership verification"))
    expect(page.get_by_role("main")).to_contain_text(own)
    expect(page.get_by_role("main")).to_contain_text(tr(page, "The partnership is current."))
    assert page.locator('meta[name="robots"]').get_attribute("content") == "noindex, nofollow"
