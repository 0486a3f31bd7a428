"""Sign in, tokens and password reset on tenant hosts."""

import re

import pytest
from django.core import mail

from tests.conftest import PASSWORD, World, client_for


def test_a_person_signs_in_with_e_mail_and_password(alpha: World) -> None:
    client = client_for(alpha)
    response = client.post(
        "/accounts/login/", {"login": alpha.email("partner_admin"), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/people/me/").json()["email"] == alpha.email("partner_admin")


def test_a_wrong_password_is_refused_in_the_tenants_language(alpha: World) -> None:
    response = client_for(alpha).post(
        "/accounts/login/", {"login": alpha.email("partner_admin"), "password": "wrong-one"}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert response["Content-Language"] == "da"


def test_sign_out_ends_the_session(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    client.post("/accounts/logout/")
    assert client.get("/api/v1/people/me/").status_code in {401, 403}


def test_open_signup_is_closed(alpha: World) -> None:
    response = client_for(alpha).get("/accounts/signup/")
    assert "signup_closed" in response.templates[0].name or response.status_code != 200


def test_password_reset_mails_a_link_to_the_tenants_own_host(alpha: World, beta: World) -> None:
    client_for(alpha).post("/accounts/password/reset/", {"email": alpha.email("partner_admin")})
    [message] = mail.outbox
    assert message.to == [alpha.email("partner_admin")]
    links = re.findall(r"https?://([^/\s]+)/accounts/password/reset/key/", message.body)
    assert links == ["alpha.localhost"]
    # An address of alpha is unknown on beta's host: allauth tells its owner so (the page
    # looks the same either way, against enumeration), but sends no reset link.
    client_for(beta).post("/accounts/password/reset/", {"email": alpha.email("partner_admin")})
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox[1:])


def test_an_api_token_is_issued_for_this_tenant_only(alpha: World, beta: World) -> None:
    # A partner without MFA needs no code (staff do: tests/people/test_mfa.py).
    response = client_for(alpha).post(
        "/api/v1/auth/token/",
        {"email": alpha.email("partner_admin"), "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    own = client_for(alpha).get("/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert own.json()["email"] == alpha.email("partner_admin")
    other = client_for(beta).get("/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert other.status_code == 401


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_no_token_for_a_wrong_password(alpha: World, password: str) -> None:
    response = client_for(alpha).post(
        "/api/v1/auth/token/",
        {"email": alpha.email("municipal_admin"), "password": password},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_no_token_for_a_person_of_another_tenant(alpha: World, beta: World) -> None:
    response = client_for(beta).post(
        "/api/v1/auth/token/",
        {"email": alpha.email("municipal_admin"), "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 400
