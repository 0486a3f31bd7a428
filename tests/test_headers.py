"""Security headers: CSP everywhere, no-store for signed-in users, HSTS in production, and the
exceptions (the widget's frame, file downloads, the API docs)."""

import pytest
from django.test import Client

from programmes.core.headers import NO_STORE
from tests.conftest import World, client_for, operator_client

CSP = "Content-Security-Policy"
SITE_POLICY = (
    "default-src 'self'; script-src 'self'{nonce}; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"
)
TENANT_PAGES = ["/", "/directory/", "/accounts/login/", "/awards/", "/apply/"]
SIGNED_IN_PAGES = {
    "municipal_admin": ["/", "/manage/", "/partners/", "/partners/1/", "/api/v1/people/"],
    "municipal_staff": ["/partners/", "/dashboard/", "/api/v1/partners/"],
    "partner_admin": ["/my-partnership/", "/my-partnership/profile/", "/api/v1/people/me/"],
    "partner_member": ["/my-partnership/", "/directory/", "/api/v1/widget/"],
}
PUBLIC_CACHED = ["/api/v1/widget/", "/sitemap.xml", "/widget/embed.js", "/widget/frame/"]


def assert_site_headers(response) -> None:  # type: ignore[no-untyped-def]
    policy = response[CSP]
    nonce = policy.split("'nonce-")[1].split("'")[0] if "'nonce-" in policy else ""
    assert policy == SITE_POLICY.format(nonce=f" 'nonce-{nonce}'" if nonce else "")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", TENANT_PAGES)
def test_anonymous_tenant_pages_carry_the_site_policy(alpha: World, path: str) -> None:
    response = client_for(alpha).get(path)
    assert response.status_code == 200, path
    assert_site_headers(response)
    if path not in {"/accounts/login/", "/apply/"}:  # forms with CSRF tokens: never_cache
        assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("persona", "path"),
    [(persona, path) for persona, paths in SIGNED_IN_PAGES.items() for path in paths],
)
def test_signed_in_responses_are_never_stored(alpha: World, persona: str, path: str) -> None:
    response = client_for(alpha, persona).get(path)
    assert response.status_code == 200, path
    assert response["Cache-Control"] == NO_STORE
    assert CSP in response


def test_api_token_responses_are_never_stored(alpha: World) -> None:
    client = client_for(alpha)
    token = client.post(
        "/api/v1/auth/token/",
        {"email": alpha.email("partner_admin"), "password": "correct-horse-battery-staple"},
    )
    assert token.status_code == 200, token.content
    response = client.get("/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert response.status_code == 200
    assert response["Cache-Control"] == NO_STORE


def test_signing_in_is_never_stored(alpha: World) -> None:
    response = Client(HTTP_HOST=alpha.host).post(
        "/accounts/login/",
        {"login": alpha.email("partner_admin"), "password": "correct-horse-battery-staple"},
    )
    assert response.status_code == 302
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("path", PUBLIC_CACHED)
def test_public_responses_keep_their_caching_for_anonymous_visitors(
    alpha: World, path: str
) -> None:
    response = client_for(alpha).get(path)
    assert response.status_code == 200, path
    assert "max-age" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
    assert CSP in response


@pytest.mark.parametrize("path", PUBLIC_CACHED)
def test_public_responses_to_a_signed_in_user_are_not_stored(alpha: World, path: str) -> None:
    response = client_for(alpha, "municipal_admin").get(path)
    assert response.status_code == 200, path
    assert response["Cache-Control"] == NO_STORE


def test_the_platform_host_carries_the_same_headers(operator) -> None:  # type: ignore[no-untyped-def]
    anonymous = Client(HTTP_HOST="localhost").get("/accounts/login/")
    assert anonymous.status_code == 200
    assert_site_headers(anonymous)
    response = operator_client(operator).get("/")
    assert response.status_code == 200
    assert_site_headers(response)
    assert response["Cache-Control"] == NO_STORE


def test_the_nonce_is_fresh_and_the_htmx_script_carries_it(alpha: World) -> None:
    first, second = (client_for(alpha).get("/") for _ in range(2))
    nonces = [r[CSP].split("'nonce-")[1].split("'")[0] for r in (first, second)]
    assert nonces[0] != nonces[1]
    body = first.content.decode()
    assert f'nonce="{nonces[0]}"' in body
    assert '"includeIndicatorStyles":false' in body
    # No inline script or style anywhere else on the page.
    assert body.count("<script") == body.count(f'nonce="{nonces[0]}"')
    assert "<style" not in body
    assert " style=" not in body


def test_the_widget_frame_may_be_framed_by_the_listed_websites_only(alpha: World) -> None:
    response = client_for(alpha).get("/widget/frame/")
    assert response.status_code == 200
    policy = response[CSP]
    assert "frame-ancestors" in policy
    assert "frame-ancestors 'none'" in policy or "https://" in policy
    assert "X-Frame-Options" not in response
    assert "script-src" not in policy  # default-src 'none': no script at all


def test_file_downloads_keep_their_sandbox(alpha: World) -> None:
    response = client_for(alpha, "partner_admin").get("/my-partnership/symbol.svg")
    assert response.status_code == 200
    assert "sandbox" in response[CSP]
    assert "default-src 'none'" in response[CSP]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == NO_STORE


@pytest.mark.parametrize("host", ["alpha.localhost", "localhost"])
def test_the_api_docs_page_gets_a_nonce_for_its_start_up_script(
    alpha: World, operator, host: str
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(alpha, "municipal_admin") if host != "localhost" else None
    client = client or operator_client(operator)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = response[CSP]
    nonce = policy.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert body.count("<script") == body.count(f'nonce="{nonce}"') >= 3
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'none'" in policy


def test_hsts_and_https_in_production(settings) -> None:  # type: ignore[no-untyped-def]
    """The production values themselves are checked by check --deploy (test_settings)."""
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client(HTTP_HOST="localhost").get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


@pytest.mark.parametrize(
    ("persona", "path"),
    [("municipal_staff", "/dashboard/"), ("partner_admin", "/my-partnership/climate/")],
)
def test_chart_pages_allow_inline_styles_but_no_inline_script(
    alpha: World, persona: str, path: str
) -> None:
    """matplotlib's inline SVG charts carry style attributes (programmes.core.headers)."""
    response = client_for(alpha, persona).get(path)
    assert response.status_code == 200
    policy = response[CSP]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self' 'nonce-" in policy
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
