"""allauth.mfa's pages under the strict Content-Security-Policy (no inline code or styles;
the browser tests also watch Chromium's console), labelled inputs; the demo's MFA."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.people.demo import DEMO_TOTP_SECRET, demo_mfa_create, has_demo_totp
from programmes.people.mfa import totp_code
from tests.conftest import PASSWORD, World, client_for
from tests.people.test_mfa import confirm_password, give_totp, password_login

SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def assert_strict_csp(html: str) -> None:
    assert "<style" not in html.lower()
    assert not re.search(r"\sstyle=", html, re.IGNORECASE)
    for attributes in SCRIPT.findall(html):
        # Files of our origin, JSON data (never run), or the nonce.
        assert "src=" in attributes or "application/json" in attributes or "nonce=" in attributes, (
            attributes
        )


def assert_inputs_labelled(html: str) -> None:
    for match in re.finditer(r"<(input|textarea|select)\b([^>]*)>", html):
        attributes = match.group(2)
        if re.search(r'type="(hidden|submit)"', attributes):
            continue
        found = re.search(r'id="([^"]+)"', attributes)
        assert found, attributes
        assert f'for="{found.group(1)}"' in html or "aria-label" in attributes, attributes


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
        "/accounts/2fa/webauthn/add/",
        "/accounts/reauthenticate/",
    ],
)
def test_setup_pages_pass_the_policy(alpha: World, path: str) -> None:
    client = password_login(alpha, "municipal_staff")
    if path != "/accounts/reauthenticate/":
        confirm_password(client)
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert_strict_csp(html)
    assert_inputs_labelled(html)


def test_code_pages_pass_the_policy_and_label_the_code(alpha: World) -> None:
    give_totp(alpha, alpha.users["municipal_staff"])
    client = Client(HTTP_HOST=alpha.host)
    client.post("/accounts/login/", {"login": alpha.email("municipal_staff"), "password": PASSWORD})
    html = client.get("/accounts/2fa/authenticate/").content.decode()
    assert_strict_csp(html)
    assert_inputs_labelled(html)
    with tenant_context(alpha.tenant):
        client.force_login(alpha.users["municipal_staff"])
    html = client.get("/accounts/2fa/reauthenticate/").content.decode()
    assert_strict_csp(html)
    assert_inputs_labelled(html)


def test_recovery_codes_page_passes_the_policy(alpha: World) -> None:
    secret = give_totp(alpha, alpha.users["municipal_admin"])
    client = Client(HTTP_HOST=alpha.host)
    client.post("/accounts/login/", {"login": alpha.email("municipal_admin"), "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(secret)})
    confirm_password(client)
    response = client.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 200
    assert_strict_csp(response.content.decode())


def test_the_demo_gives_staff_its_published_secret_and_prints_the_code(
    alpha: World, capsys: pytest.CaptureFixture[str]
) -> None:
    with tenant_context(alpha.tenant):
        assert demo_mfa_create() == 2  # the admin and the staff member; partners stay optional
        assert demo_mfa_create() == 0  # safe to run again
        assert has_demo_totp(alpha.users["municipal_staff"])
        assert not Authenticator.objects.filter(user=alpha.users["partner_admin"]).exists()
    call_command("demo_mfa_code", alpha.email("municipal_staff"))
    assert capsys.readouterr().out.strip() in {
        totp_code(DEMO_TOTP_SECRET),
        totp_code(DEMO_TOTP_SECRET, at=time.time() - 5),
    }
    with pytest.raises(CommandError):
        call_command("demo_mfa_code", alpha.email("partner_admin"))  # no demo authenticator
    with pytest.raises(CommandError):
        call_command("demo_mfa_code", "nobody@nowhere.example")


def test_demo_mfa_code_refuses_in_production(settings, alpha: World) -> None:  # type: ignore[no-untyped-def]
    settings.DJANGO_ENV = "production"
    with pytest.raises(CommandError, match="never in production"):
        call_command("demo_mfa_code", alpha.email("municipal_staff"))


def test_security_key_and_session_lists_render(alpha: World) -> None:
    """allauth's own templates load django.contrib.humanize (not installed): ours do not."""
    client = client_for(alpha, "municipal_staff")
    confirm_password(client)
    for path in ("/accounts/2fa/webauthn/", "/accounts/sessions/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict_csp(response.content.decode())
