"""The embeddable widget in a real browser, across origins.

Hjørring's admin lists a website (a page served by a small local web server on another port,
``http://127.0.0.1:<port>``: another origin than ``http://hjorring.localhost:<port>``),
copies the script snippet with the Copy button and pastes it into that page. The page then
loads the partners from the tenant's host through CORS and shows them in the browser; the
same page served from an unlisted origin is refused by the browser (CORS) and keeps its
fallback link. The frame snippet is shown inside the listed website and refused
(``frame-ancestors``) inside an unlisted one.

Names are looked up in the catalogue the server renders from, in the page's language (``tr``),
and the expected partners are read from the data endpoint itself."""

import http.server
import json
import re
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_invoicing import sign_in, tr
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser

SLUG = "hjorring"
# Published by the test when the demo lists nobody yet (the directory's demo may do it).
PUBLISH_ONE = """
from django_tenants.utils import tenant_context
from programmes.partners.models import Partner, Stage
from programmes.partners.selectors import public_partners
from tenants.selectors import tenant_by_slug
with tenant_context(tenant_by_slug("hjorring")):
    if not public_partners().exists():
        for partner in Partner.objects.filter(stage=Stage.ACTIVE).order_by("name")[:3]:
            partner.public_fields = [*partner.public_fields, "directory"]
            partner.save(update_fields=["public_fields"])
"""


class _Site:
    """A folder served over http on 127.0.0.1 (another origin than the tenant's host)."""

    def __init__(self, root: Path) -> None:
        handler = partial(_QuietHandler, directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def sites(tmp_path: Path) -> Iterator[tuple[_Site, _Site, Path]]:
    """A listed website and an unlisted one, serving the same folder."""
    listed, unlisted = _Site(tmp_path), _Site(tmp_path)
    try:
        yield listed, unlisted, tmp_path
    finally:
        listed.close()
        unlisted.close()


def _page(body: str) -> str:
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8">'
        "<title>Hjørring Kommune – klima</title></head>"
        f"<body><main><h1>Klimapartnere i Hjørring</h1>{body}</main></body></html>"
    )


def test_the_admin_lists_a_website_and_its_page_shows_the_partners(
    browser: Browser, stack: Stack, sites: tuple[_Site, _Site, Path]
) -> None:
    listed, unlisted, root = sites
    stack.manage("shell", "-c", PUBLISH_ONE)
    status, body, _headers = stack.get(SLUG, "/api/v1/widget/?lang=da")
    assert status == 200
    data = json.loads(body)
    assert data["partners"], "the demo lists no partner"

    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        admin = context.new_page()
        sign_in(admin, stack, SLUG, f"admin@{SLUG}.example")
        admin.goto(stack.url(SLUG, "/manage/widget/"))
        expect(admin.get_by_role("heading", level=1)).to_have_text(
            tr(admin, "Widget for your website")
        )
        origins = admin.get_by_label(tr(admin, "Websites that may show the widget"))
        origins.fill(f"{origins.input_value()}\n{listed.origin}/".strip())
        admin.get_by_role("button", name=tr(admin, "Save settings")).click()
        expect(admin.get_by_role("status").first).to_contain_text(
            tr(admin, "The widget's settings are saved.")
        )
        # Normalised: no trailing slash.
        expect(origins).to_have_value(re.compile(re.escape(listed.origin) + r"$", re.M))

        # Copy the script snippet with the button (as a keyboard user would).
        code = admin.get_by_label(tr(admin, "Script embed code"))
        expect(code).to_have_attribute("readonly", "")
        snippet = code.input_value()
        assert f"{stack.url(SLUG, '/widget/embed.js')}" in snippet
        copy = admin.get_by_role("button", name=tr(admin, "Copy")).first
        copy.focus()
        admin.keyboard.press("Enter")
        expect(admin.locator("#widget-script-status")).to_have_text(tr(admin, "Copied."))
        assert admin.evaluate("navigator.clipboard.readText()") == snippet
        frame_snippet = admin.get_by_label(tr(admin, "Frame embed code")).input_value()

        # The preview on the admin page is redrawn by embed.js from the same data.
        preview = admin.locator(".widget-preview")
        expect(preview).to_have_attribute("data-klimapartner-state", "ready")
        expect(preview.get_by_role("listitem").first).to_be_visible()

        # The municipality's page on the listed website, with the copied snippet.
        (root / "index.html").write_text(_page(snippet), encoding="utf-8")
        (root / "frame.html").write_text(_page(frame_snippet), encoding="utf-8")
        site = context.new_page()
        site.goto(f"{listed.origin}/index.html")
        widget = site.locator("[data-klimapartner-widget]")
        expect(widget).to_have_attribute("data-klimapartner-state", "ready")
        expect(widget.get_by_role("heading", level=2)).to_have_text(data["texts"]["heading"])
        expect(widget.get_by_text(data["texts"]["count"], exact=True)).to_be_visible()
        names = widget.get_by_role("list", name=data["texts"]["partners"]).get_by_role("link")
        expect(names).to_have_text([item["name"] for item in data["partners"]])
        assert names.first.get_attribute("href") == data["partners"][0]["url"]

        # The same page on an unlisted website: the browser refuses the data (CORS).
        other = context.new_page()
        refused: list[str] = []
        other.on("console", lambda message: refused.append(message.text))
        other.goto(f"{unlisted.origin}/index.html")
        widget = other.locator("[data-klimapartner-widget]")
        expect(widget).to_have_attribute("data-klimapartner-state", "error")
        expect(widget.get_by_role("link")).to_have_text(data["texts"]["heading"])  # fallback
        assert any("CORS" in text or "Access-Control" in text for text in refused), refused

        # The frame: shown inside the listed website, refused inside the unlisted one.
        framed = context.new_page()
        framed.goto(f"{listed.origin}/frame.html")
        inside = framed.frame_locator("iframe")
        expect(inside.get_by_role("heading", level=1)).to_have_text(data["texts"]["heading"])
        expect(inside.get_by_role("link", name=data["partners"][0]["name"]).first).to_be_visible()
        blocked = context.new_page()
        blocked.goto(f"{unlisted.origin}/frame.html")
        blocked.wait_for_timeout(1000)
        expect(blocked.frame_locator("iframe").get_by_role("heading", level=1)).to_have_count(0)
    finally:
        context.close()


def test_the_embed_code_can_be_selected_without_javascript(browser: Browser, stack: Stack) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page: Page = context.new_page()
        sign_in(page, stack, SLUG, f"admin@{SLUG}.example")
        page.goto(stack.url(SLUG, "/manage/widget/"))
        code = page.get_by_label(tr(page, "Script embed code"))
        expect(code).to_be_visible()
        assert "data-klimapartner-widget" in code.input_value()
        expect(page.get_by_role("button", name=tr(page, "Copy"))).to_have_count(0)  # hidden
        # The preview is drawn by the server.
        expect(page.locator(".widget-preview .kp-widget")).to_be_visible()
    finally:
        context.close()
