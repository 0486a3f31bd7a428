"""An operator onboards a tenant in the browser: the form answers at once, the tenant's page
shows the steps in a live region and updates itself (htmx) while the real worker provisions
the tenant, the console's search finds it, and the new tenant's host then serves its
programme."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import sign_in
from tests.browser.test_invoicing import tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

OPERATOR_EMAIL = "operator@klimapartner.example"


def test_an_operator_onboards_a_tenant_and_watches_it_become_ready(
    page: Page, stack: Stack
) -> None:
    sign_in(page, stack.url(None, "/accounts/login/"), OPERATOR_EMAIL)
    page.goto(stack.url(None, "/tenants/new/"))
    page.get_by_label(tr(page, "Name")).fill("Kolding Kommune")
    page.get_by_label(tr(page, "Slug")).fill("kolding")
    page.get_by_label(tr(page, "Country")).select_option("DK")
    page.get_by_label(tr(page, "Primary language")).select_option("da")
    page.get_by_label(tr(page, "First admin's e-mail address")).fill("klima@kolding.example")
    page.get_by_label(tr(page, "First admin's e-mail address")).press("Enter")

    page.wait_for_url(stack.url(None, "/tenants/kolding/"))
    expect(page.get_by_role("heading", name=tr(page, "Onboarding"))).to_be_visible()
    progress = page.locator("[aria-live=polite]")
    # The worker makes the schema from the blueprint, applies the preset and invites the
    # first admin; the page follows without being reloaded.
    ready = tr(page, "The tenant is ready. Its schema took %(seconds)s s.", seconds="|")
    expect(progress).to_contain_text(ready.split("|")[0], timeout=60_000)
    expect(page.locator("#onboarding-progress[hx-trigger]")).to_have_count(0)

    # The console's tenant list finds it by part of its slug.
    page.goto(stack.url(None, "/"))
    search = page.get_by_role("textbox", name=tr(page, "Search"), exact=True)
    search.fill("KOLD")
    search.press("Enter")
    expect(page.get_by_role("row")).to_have_count(2)  # the header and Kolding
    expect(page.get_by_role("link", name="Kolding Kommune")).to_be_visible()

    page.goto(stack.url("kolding", "/"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.title()
