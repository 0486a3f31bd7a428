"""Two-factor authentication in a real browser (issue 9): a new staff member is sent to set
it up, activates an authenticator app, sees the recovery codes, signs out and in again with
the code; then adds a security key (Chromium's virtual authenticator over CDP)."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.login import PASSWORD, enter_mfa_code, usable_code
from tests.integration.stack import Stack

pytestmark = pytest.mark.browser
SLUG = "hjorring"

CREATE_STAFF = """
from django_tenants.utils import tenant_context
from programmes.people.services import user_create
from tenants.selectors import tenant_by_slug
with tenant_context(tenant_by_slug({slug!r})):
    user_create(actor=None, email={email!r}, password={password!r}, role="municipal_staff",
                full_name="Browser Test Staff")
"""


def new_staff_member(stack: Stack) -> str:
    """A municipal staff member without MFA (a new one each run: the stack's database is
    kept between runs)."""
    email = f"staff-{uuid.uuid4().hex[:8]}@{SLUG}.example"
    stack.manage("shell", "-c", CREATE_STAFF.format(slug=SLUG, email=email, password=PASSWORD))
    return email


def password_only(page: Page, stack: Stack, email: str) -> None:
    page.goto(stack.url(SLUG, "/accounts/login/"))
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def confirm_password_if_asked(page: Page) -> None:
    """allauth asks for the password again before any MFA change."""
    if "/accounts/reauthenticate/" in page.url:
        page.locator("#id_password").fill(PASSWORD)
        page.locator("#id_password").press("Enter")
        page.wait_for_url(lambda url: "/accounts/reauthenticate/" not in url)


def test_new_staff_set_up_totp_and_sign_in_with_it_then_add_a_security_key(
    page: Page, stack: Stack
) -> None:
    email = new_staff_member(stack)
    password_only(page, stack, email)
    # Sent to the setup, with the reason.
    page.goto(stack.url(SLUG, "/partners/"))
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/"))
    expect(page.get_by_role("status")).to_be_visible()

    page.locator("a[href='/accounts/2fa/totp/activate/']").click()
    confirm_password_if_asked(page)
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/totp/activate/"))
    secret = page.locator("#authenticator_secret").input_value()
    assert secret
    page.locator("#id_code").fill(usable_code(email, secret))
    page.locator("#id_code").press("Enter")
    # The recovery codes are shown once set up.
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/recovery-codes/"))
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) == 10
    # Set up in this session: the staff pages open now.
    page.goto(stack.url(SLUG, "/partners/"))
    expect(page).to_have_url(stack.url(SLUG, "/partners/"))

    page.locator("header form button.link-button").click()  # sign out
    expect(page.locator("header a[href='/accounts/login/']")).to_be_visible()
    password_only(page, stack, email)
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/authenticate/"))
    enter_mfa_code(page, email, secret)
    page.goto(stack.url(SLUG, "/partners/"))
    expect(page).to_have_url(stack.url(SLUG, "/partners/"))

    # A security key: Chromium's virtual authenticator answers navigator.credentials.
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.goto(stack.url(SLUG, "/accounts/2fa/webauthn/add/"))
    confirm_password_if_asked(page)
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/webauthn/add/"))
    page.locator("#id_name").fill("Browser test key")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_url(lambda url: "/accounts/2fa/webauthn/add/" not in url)
    page.goto(stack.url(SLUG, "/accounts/2fa/webauthn/"))
    expect(page.get_by_role("rowheader", name="Browser test key")).to_be_visible()
    # Signing in again, the key answers instead of a code.
    page.locator("header form button.link-button").click()  # sign out
    expect(page.locator("header a[href='/accounts/login/']")).to_be_visible()
    password_only(page, stack, email)
    expect(page).to_have_url(stack.url(SLUG, "/accounts/2fa/authenticate/"))
    page.locator("#mfa_webauthn_authenticate").click()
    page.wait_for_url(lambda url: "/accounts/2fa/authenticate/" not in url)
    page.goto(stack.url(SLUG, "/partners/"))
    expect(page).to_have_url(stack.url(SLUG, "/partners/"))
