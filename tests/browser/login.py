"""Signing in in browser tests as people do: e-mail and password, then the two-factor code
when the page asks for it. load_demo gives the demo's operator and municipal staff the
published demo TOTP secret (programmes/people/demo.py), so the test computes the code the
way an authenticator app would."""

import time

from playwright.sync_api import Page

from programmes.people.demo import DEMO_TOTP_SECRET
from programmes.people.mfa import totp_code

PASSWORD = "klimapartner-demo"  # the demo's published password
STEP = 30  # seconds a TOTP code lives (allauth's default, MFA_TOTP_PERIOD)
MFA_STEP_PATH = "/accounts/2fa/authenticate/"
# allauth accepts each code once per person: the time step each e-mail last used.
_used_steps: dict[str, int] = {}


def usable_code(email: str, secret: str = DEMO_TOTP_SECRET) -> str:
    """The current code, once it is one this person has not used yet and it has a few
    seconds left to live (the server accepts only the current step)."""
    while True:
        now = time.time()
        step = int(now) // STEP
        if _used_steps.get(email) != step and now % STEP < STEP - 3:
            _used_steps[email] = step
            return totp_code(secret, at=now)
        time.sleep(STEP - now % STEP + 0.2)


def enter_mfa_code(page: Page, email: str, secret: str = DEMO_TOTP_SECRET) -> None:
    """After the password: answer the two-factor step if the sign-in leads to it (operators
    and staff), else do nothing (partners without MFA)."""
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if MFA_STEP_PATH not in page.url:
        return
    page.locator("#id_code").fill(usable_code(email, secret))
    page.locator("#id_code").press("Enter")
    page.wait_for_url(lambda url: MFA_STEP_PATH not in url)


def sign_in(page: Page, login_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in on the page at ``login_url`` (a tenant's or the platform's /accounts/login/)."""
    page.goto(login_url)
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("#id_password").press("Enter")
    enter_mfa_code(page, email)
