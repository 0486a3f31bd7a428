"""MFA: required for operators and municipal staff, optional for partners (issue 9).

These tests go through allauth's real flow (password, then the code), not the session
shortcut of tests/conftest.py ``sign_in``."""

import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import SESSION_KEY
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context, tenant_context

from programmes.core.models import AuditEvent
from programmes.people.mfa import METHODS_SESSION_KEY, METHODS_USER_SESSION_KEY, totp_code
from programmes.people.models import User
from tests.conftest import PASSWORD, World, client_for, operator_client

MIDDLEWARE = "programmes.people.mfa.MFARequiredMiddleware"
STAFF = ["municipal_admin", "municipal_staff"]
PARTNERS = ["partner_admin", "partner_member"]
TOTP_SECRET_SESSION_KEY = "mfa.totp.secret"  # allauth.mfa.totp.internal.auth


def password_login(world: World, persona: str) -> Client:
    client = Client(HTTP_HOST=world.host, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/login/", {"login": world.email(persona), "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def confirm_password(client: Client) -> None:
    """allauth asks for the password again before any MFA change (even just after login)."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def give_totp(world: World | None, user: User) -> str:
    secret = generate_totp_secret()
    with tenant_context(world.tenant) if world else schema_context("public"):
        TOTP.activate(user, secret)
        RecoveryCodes.activate(user)
    return secret


def fresh_code(secret: str) -> str:
    """A code not too close to the end of its 30 s step (allauth accepts only the current)."""
    if time.time() % 30 > 27:
        time.sleep(3.5)
    return totp_code(secret)


# --- Enforcement ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", STAFF)
def test_staff_without_mfa_are_sent_to_set_it_up_with_a_reason(alpha: World, persona: str) -> None:
    client = password_login(alpha, persona)
    for path in ("/", "/partners/", "/manage/people/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/"
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "must be protected with two-factor authentication" in body
    assert "/accounts/2fa/totp/activate/" in body


def test_an_operator_without_mfa_is_sent_to_set_it_up(operator: User) -> None:
    client = Client(HTTP_HOST="localhost", HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/accounts/login/", {"login": operator.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").headers["Location"] == "/accounts/2fa/"
    assert client.get("/accounts/2fa/").status_code == 200


@pytest.mark.parametrize("persona", PARTNERS)
def test_partners_may_sign_in_without_mfa(alpha: World, persona: str) -> None:
    client = password_login(alpha, persona)
    assert client.get("/my-partnership/").status_code == 200
    assert client.get("/api/v1/people/me/").status_code == 200
    # …and may set it up from the account menu.
    assert 'href="/accounts/2fa/"' in client.get("/").content.decode()
    confirm_password(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200


def test_weak_staff_sessions_reach_setup_sign_out_and_language_only(alpha: World) -> None:
    client = password_login(alpha, "municipal_staff")
    assert client.get("/accounts/2fa/").status_code == 200
    assert client.get("/accounts/reauthenticate/").status_code == 200
    confirm_password(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.get("/accounts/2fa/webauthn/add/").status_code == 200
    language = client.post("/i18n/setlang/", {"language": "en", "next": "/directory/"})
    assert language["Location"] == "/directory/"
    assert client.get("/directory/").status_code == 302  # a page: setup first
    assert client.post("/accounts/logout/").status_code == 302
    assert SESSION_KEY not in client.session


def test_a_session_api_call_without_mfa_gets_403_with_a_reason(alpha: World) -> None:
    client = password_login(alpha, "municipal_admin")
    response = client.get("/api/v1/people/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert "Two-factor authentication is required" in response.json()["detail"]


def test_a_single_sign_on_session_counts_as_strong(alpha: World) -> None:
    """Helper B's OpenID Connect login records a ``socialaccount`` step: the municipality's
    identity provider enforces its own MFA."""
    client = Client(HTTP_HOST=alpha.host)
    user = alpha.users["municipal_staff"]
    with tenant_context(alpha.tenant):
        client.force_login(user)
        session = client.session
        session[METHODS_SESSION_KEY] = [
            {"method": "socialaccount", "at": time.time(), "provider": "openid_connect"}
        ]
        session[METHODS_USER_SESSION_KEY] = str(user.pk)
        session.save()
    assert client.get("/partners/").status_code == 200


def test_a_record_of_someone_else_does_not_count(alpha: World) -> None:
    client = Client(HTTP_HOST=alpha.host)
    with tenant_context(alpha.tenant):
        client.force_login(alpha.users["municipal_staff"])
        session = client.session
        session[METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session[METHODS_USER_SESSION_KEY] = str(alpha.users["partner_admin"].pk)
        session.save()
    assert client.get("/partners/").status_code == 302


def test_strong_sessions_cost_no_extra_query(
    alpha: World,
    settings,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = client_for(alpha, "municipal_staff")
    client.get("/partners/")  # warm caches (tenant, programme)
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if not m.endswith("MFARequiredMiddleware")
    ]

    with CaptureQueriesContext(connection) as without:
        assert client.get("/partners/").status_code == 200
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE]
    with django_assert_num_queries(len(without.captured_queries)):
        assert client.get("/partners/").status_code == 200


# --- The real flow: set up, sign out, sign in with the code -----------------------------


def test_staff_set_up_totp_see_recovery_codes_and_sign_in_with_a_code(
    alpha: World,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    client = password_login(alpha, "municipal_staff")
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    confirm_password(client)
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    secret = client.session[TOTP_SECRET_SESSION_KEY]
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = client.post("/accounts/2fa/totp/activate/", {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes = client.get("/accounts/2fa/recovery-codes/")
    assert codes.status_code == 200
    # Set up in this session: the session now counts as signed in with MFA.
    assert client.get("/partners/").status_code == 200
    assert any(r["method"] == "mfa" for r in client.session[METHODS_SESSION_KEY])
    with tenant_context(alpha.tenant):
        assert AuditEvent.objects.filter(
            action="mfa.added", actor=alpha.users["municipal_staff"], data__type="totp"
        ).exists()
    client.post("/accounts/logout/")

    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        "/accounts/login/", {"login": alpha.email("municipal_staff"), "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    assert SESSION_KEY not in client.session  # not signed in before the code
    page = client.get("/accounts/2fa/authenticate/").content.decode()
    assert '<label for="id_code">' in page
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    response = client.post("/accounts/2fa/authenticate/", {"code": fresh_code(secret)})
    assert response.status_code == 302
    assert client.get("/partners/").status_code == 200
    with tenant_context(alpha.tenant):
        actions = set(
            AuditEvent.objects.filter(actor=alpha.users["municipal_staff"]).values_list(
                "action", flat=True
            )
        )
    assert {"mfa.added", "mfa.failed", "mfa.used", "auth.login", "auth.logout"} <= actions


def test_staff_with_a_factor_but_a_weak_session_confirm_with_it(alpha: World) -> None:
    """E.g. a session started before MFA was required: the code is asked once, then the
    session is strong."""
    secret = give_totp(alpha, alpha.users["municipal_admin"])
    client = Client(HTTP_HOST=alpha.host, HTTP_ACCEPT_LANGUAGE="en")
    with tenant_context(alpha.tenant):
        client.force_login(alpha.users["municipal_admin"])
    response = client.get("/partners/?page=1")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fpartners%2F%3Fpage%3D1"
    assert client.get(response["Location"]).status_code == 200
    confirmed = client.post(
        "/accounts/2fa/reauthenticate/", {"code": fresh_code(secret), "next": "/partners/"}
    )
    assert confirmed.status_code == 302
    assert client.get("/partners/").status_code == 200


def test_a_partner_with_mfa_is_asked_for_the_code_at_sign_in(alpha: World) -> None:
    give_totp(alpha, alpha.users["partner_member"])
    client = Client(HTTP_HOST=alpha.host)
    response = client.post(
        "/accounts/login/", {"login": alpha.email("partner_member"), "password": PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"


# --- API tokens ----------------------------------------------------------------------------


def ask_token(world: World, persona: str, **extra: str) -> tuple[int, dict]:
    response = Client(HTTP_HOST=world.host, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/",
        {"email": world.email(persona), "password": PASSWORD, **extra},
        content_type="application/json",
    )
    return response.status_code, response.json()


@pytest.mark.parametrize("persona", STAFF)
def test_staff_without_mfa_get_no_token_and_are_told_to_set_it_up(
    alpha: World, persona: str
) -> None:
    status, body = ask_token(alpha, persona)
    assert status == 403
    assert "Set it up in the browser" in body["detail"]


def test_staff_with_mfa_get_a_token_only_with_a_valid_code(alpha: World) -> None:
    secret = give_totp(alpha, alpha.users["municipal_staff"])
    status, body = ask_token(alpha, "municipal_staff")
    assert status == 400
    assert "authenticator app" in body["code"][0]
    status, body = ask_token(alpha, "municipal_staff", code="123456")
    assert status == 400
    assert "token" not in body
    status, body = ask_token(alpha, "municipal_staff", code=fresh_code(secret))
    assert status == 200
    token = body["token"]
    me = Client(HTTP_HOST=alpha.host).get("/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {token}")
    assert me.status_code == 200  # a token call is not asked for an MFA session
    with tenant_context(alpha.tenant):
        assert AuditEvent.objects.filter(
            action="mfa.used", actor=alpha.users["municipal_staff"]
        ).exists()
        assert AuditEvent.objects.filter(
            action="mfa.failed", actor=alpha.users["municipal_staff"]
        ).exists()


def test_a_recovery_code_gives_a_token_once(alpha: World) -> None:
    give_totp(alpha, alpha.users["municipal_admin"])
    with tenant_context(alpha.tenant):
        codes = Authenticator.objects.get(
            user=alpha.users["municipal_admin"], type=Authenticator.Type.RECOVERY_CODES
        )
        code = codes.wrap().get_unused_codes()[0]
    assert ask_token(alpha, "municipal_admin", code=code)[0] == 200
    assert ask_token(alpha, "municipal_admin", code=code)[0] == 400


def test_a_partner_with_mfa_sends_a_code_and_one_without_does_not(alpha: World) -> None:
    secret = give_totp(alpha, alpha.users["partner_member"])
    assert ask_token(alpha, "partner_member")[0] == 400
    assert ask_token(alpha, "partner_member", code=fresh_code(secret))[0] == 200
    assert ask_token(alpha, "partner_admin")[0] == 200


def test_a_code_of_another_tenants_person_does_not_help(alpha: World, beta: World) -> None:
    """Same ids, same e-mail scheme: beta's authenticator never answers for alpha."""
    secret = give_totp(beta, beta.users["municipal_staff"])
    status, _body = ask_token(alpha, "municipal_staff", code=fresh_code(secret))
    assert status == 403  # alpha's person still has no authenticator


def test_the_schema_documents_the_code(alpha: World) -> None:
    schema = client_for(alpha).get("/api/schema/?format=json").json()
    token = schema["paths"]["/api/v1/auth/token/"]["post"]
    assert "403" in token["responses"]
    request = schema["components"]["schemas"]["TokenRequestRequest"]
    assert "code" in request["properties"]
    assert "code" not in request.get("required", [])


def test_operator_client_is_marked_as_an_mfa_login(operator: User) -> None:
    assert operator_client(operator).get("/").status_code == 200


@pytest.mark.parametrize("header", ["Basic Zm9vOmJhcg==", "Bearer x", ""])
def test_another_authorization_scheme_does_not_bypass_the_session_check(
    alpha: World, header: str
) -> None:
    client = password_login(alpha, "municipal_admin")
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_a_bad_token_with_a_weak_session_is_refused(alpha: World) -> None:
    client = password_login(alpha, "municipal_admin")
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION="Token not-a-token")
    assert response.status_code == 401
