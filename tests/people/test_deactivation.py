"""Deactivating a person ends their access at once: sessions, tokens, sign-in. Signing out
ends the session too. The people page and API of municipal admins."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from programmes.core.models import AuditEvent
from programmes.people.models import User
from programmes.people.services import user_deactivate, user_reactivate
from tests.conftest import PASSWORD, PERSONAS, World, client_for, operator_client

OTHERS = ["municipal_staff", "partner_admin", "partner_member", "other_partner_member"]


def copy_of(client: Client, world: World) -> Client:
    """Another browser holding the same session cookie (e.g. a stolen one)."""
    other = Client(HTTP_HOST=world.host)
    other.cookies = client.cookies
    return other


def is_signed_in(client: Client) -> bool:
    return client.get("/api/v1/people/me/").status_code == 200


def deactivate(world: World, persona: str, reason: str = "Left the municipality") -> None:
    with tenant_context(world.tenant):
        user_deactivate(
            actor=world.users["municipal_admin"], user=world.users[persona], reason=reason
        )


# --- Sessions end -------------------------------------------------------------------------


def test_signing_out_makes_the_old_session_cookie_useless(alpha: World) -> None:
    client = client_for(alpha, "partner_admin")
    stolen = copy_of(client, alpha)
    assert is_signed_in(stolen)
    client.post("/accounts/logout/")
    assert not is_signed_in(stolen)


def test_signing_out_after_a_real_login_ends_it_too(alpha: World) -> None:
    client = Client(HTTP_HOST=alpha.host)
    client.post("/accounts/login/", {"login": alpha.email("partner_member"), "password": PASSWORD})
    stolen = copy_of(client, alpha)
    assert is_signed_in(stolen)
    client.post("/accounts/logout/")
    assert not is_signed_in(stolen)


@pytest.mark.parametrize("persona", OTHERS)
def test_deactivation_ends_every_session_and_token(alpha: World, persona: str) -> None:
    browsers = [client_for(alpha, persona), client_for(alpha, persona)]
    if persona != "municipal_staff":  # (staff would need the MFA step: test_mfa.py)
        real = Client(HTTP_HOST=alpha.host)
        real.post("/accounts/login/", {"login": alpha.email(persona), "password": PASSWORD})
        browsers.append(real)
    with tenant_context(alpha.tenant):
        token = Token.objects.create(user=alpha.users[persona])
    assert all(is_signed_in(browser) for browser in browsers)
    deactivate(alpha, persona)
    assert not any(is_signed_in(browser) for browser in browsers)
    api = Client(HTTP_HOST=alpha.host).get(
        "/api/v1/people/me/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert api.status_code == 401
    with tenant_context(alpha.tenant):
        assert not Token.objects.filter(user=alpha.users[persona]).exists()
        event = AuditEvent.objects.get(action="user.deactivated", target_id=alpha.users[persona].pk)
    assert event.reason == "Left the municipality"
    assert event.actor_id == alpha.users["municipal_admin"].pk
    # (Keys without "session", "token": the trail scrubs those.)
    assert event.data == {"logins_ended": len(browsers), "api_access_removed": 1}
    # No sign-in while deactivated.
    retry = Client(HTTP_HOST=alpha.host)
    retry.post("/accounts/login/", {"login": alpha.email(persona), "password": PASSWORD})
    assert not is_signed_in(retry)


def test_reactivation_lets_the_person_sign_in_but_revives_no_old_session(alpha: World) -> None:
    client = client_for(alpha, "partner_member")
    deactivate(alpha, "partner_member")
    with tenant_context(alpha.tenant):
        user_reactivate(
            actor=alpha.users["municipal_admin"],
            user=alpha.users["partner_member"],
            reason="Back from leave",
        )
        assert AuditEvent.objects.filter(
            action="user.reactivated", reason="Back from leave"
        ).exists()
    assert not is_signed_in(client)
    fresh = Client(HTTP_HOST=alpha.host)
    fresh.post("/accounts/login/", {"login": alpha.email("partner_member"), "password": PASSWORD})
    assert is_signed_in(fresh)


def test_deactivation_in_one_tenant_leaves_the_other_alone(alpha: World, beta: World) -> None:
    beta_client = client_for(beta, "partner_admin")
    deactivate(alpha, "partner_admin")
    assert is_signed_in(beta_client)


# --- Rules ----------------------------------------------------------------------------------


def test_an_admin_cannot_deactivate_themself(alpha: World) -> None:
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant), pytest.raises(ValidationError):
        user_deactivate(actor=admin, user=admin, reason="Oops")


@pytest.mark.parametrize("persona", OTHERS)
def test_only_municipal_admins_deactivate(alpha: World, persona: str) -> None:
    with tenant_context(alpha.tenant), pytest.raises(PermissionDenied):
        user_deactivate(
            actor=alpha.users[persona], user=alpha.users["municipal_admin"], reason="Coup"
        )


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(alpha: World, reason: str) -> None:
    with tenant_context(alpha.tenant), pytest.raises(ValidationError) as error:
        user_deactivate(
            actor=alpha.users["municipal_admin"], user=alpha.users["partner_admin"], reason=reason
        )
    assert "reason" in error.value.message_dict


def test_twice_is_refused(alpha: World) -> None:
    deactivate(alpha, "partner_admin")
    with pytest.raises(ValidationError):
        deactivate(alpha, "partner_admin")
    with tenant_context(alpha.tenant), pytest.raises(ValidationError):
        user_reactivate(
            actor=alpha.users["municipal_admin"], user=alpha.users["partner_member"], reason="x"
        )


# --- API --------------------------------------------------------------------------------------


def api_url(world: World, persona: str, verb: str = "deactivate") -> str:
    return f"/api/v1/people/{world.users[persona].pk}/{verb}/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 401),
        ("municipal_admin", 200),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
        ("other_partner_member", 403),
    ],
)
def test_the_deactivate_operation_is_for_municipal_admins(
    alpha: World, persona: str | None, expected: int
) -> None:
    response = client_for(alpha, persona).post(
        api_url(alpha, "partner_admin"), {"reason": "Left"}, content_type="application/json"
    )
    assert response.status_code == expected
    assert "BETA-MARKER" not in response.content.decode()
    if expected == 200:
        assert response.json()["is_active"] is False
        reactivated = client_for(alpha, persona).post(
            api_url(alpha, "partner_admin", "reactivate"),
            {"reason": "Back"},
            content_type="application/json",
        )
        assert reactivated.json()["is_active"] is True


def test_the_api_refuses_bad_input(alpha: World) -> None:
    admin = client_for(alpha, "municipal_admin")
    assert (
        admin.post(api_url(alpha, "partner_admin"), {}, content_type="application/json").status_code
        == 400
    )
    itself = admin.post(
        api_url(alpha, "municipal_admin"), {"reason": "x"}, content_type="application/json"
    )
    assert itself.status_code == 400
    missing = admin.post(
        "/api/v1/people/999999/deactivate/", {"reason": "x"}, content_type="application/json"
    )
    assert missing.status_code == 404
    active = admin.post(
        api_url(alpha, "partner_admin", "reactivate"),
        {"reason": "x"},
        content_type="application/json",
    )
    assert active.status_code == 400


def test_another_tenants_admin_session_does_nothing_here(alpha: World, beta: World) -> None:
    intruder = Client(HTTP_HOST=alpha.host)
    intruder.cookies = client_for(beta, "municipal_admin").cookies
    response = intruder.post(
        api_url(alpha, "partner_admin"), {"reason": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    with tenant_context(alpha.tenant):
        alpha.users["partner_admin"].refresh_from_db()
        assert alpha.users["partner_admin"].is_active


def test_the_api_deactivate_costs_a_bounded_number_of_queries(
    alpha: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    admin = client_for(alpha, "municipal_admin")
    client_for(alpha, "partner_admin")
    with django_assert_max_num_queries(16):
        response = admin.post(
            api_url(alpha, "partner_admin"), {"reason": "x"}, content_type="application/json"
        )
    assert response.status_code == 200


# --- The people page --------------------------------------------------------------------------


URL = "/manage/people/"


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        (None, 302),
        ("municipal_admin", 200),
        ("municipal_staff", 403),
        ("partner_admin", 403),
        ("partner_member", 403),
        ("other_partner_member", 403),
    ],
)
def test_only_municipal_admins_see_the_people_page(
    alpha: World, persona: str | None, expected: int
) -> None:
    for path in (URL, f"{URL}{alpha.users['partner_admin'].pk}/access/"):
        response = client_for(alpha, persona).get(path)
        assert response.status_code == expected, path
        assert "BETA-MARKER" not in response.content.decode()


def test_the_page_lists_role_mfa_and_access(alpha: World, english_pages: None) -> None:
    with tenant_context(alpha.tenant):
        TOTP.activate(alpha.users["municipal_staff"], generate_totp_secret())
    deactivate(alpha, "other_partner_member")
    body = client_for(alpha, "municipal_admin").get(URL).content.decode()
    for persona, _role in PERSONAS:
        assert f"ALPHA-MARKER {persona}" in body
    assert "BETA-MARKER" not in body
    rows = {
        persona: body.split(f"ALPHA-MARKER {persona}</th>", 1)[1].split("</tr>", 1)[0]
        for persona, _role in PERSONAS
    }
    assert "<td>Yes</td>" in rows["municipal_staff"]
    assert "<td>No</td>" in rows["partner_admin"]
    assert "Deactivated" in rows["other_partner_member"]
    assert "Reactivate" in rows["other_partner_member"]
    assert "/access/" not in rows["municipal_admin"]  # not themselves


def test_an_admin_deactivates_with_a_reason_on_the_page(alpha: World, english_pages: None) -> None:
    admin = client_for(alpha, "municipal_admin")
    target = client_for(alpha, "partner_member")
    url = f"{URL}{alpha.users['partner_member'].pk}/access/"
    empty = admin.post(url, {"reason": ""})
    assert empty.status_code == 200
    assert 'aria-describedby="id_reason_helptext id_reason_error"' in empty.content.decode()
    assert is_signed_in(target)
    response = admin.post(url, {"reason": "Left the company"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert "can no longer sign in" in admin.get(URL).content.decode()
    assert not is_signed_in(target)
    assert admin.post(url, {"reason": "Came back"}).status_code == 302
    with tenant_context(alpha.tenant):
        alpha.users["partner_member"].refresh_from_db()
        assert alpha.users["partner_member"].is_active


def test_the_page_refuses_self_and_unknown_people(alpha: World) -> None:
    admin = client_for(alpha, "municipal_admin")
    own = f"{URL}{alpha.users['municipal_admin'].pk}/access/"
    assert '<form method="post" class="stacked-form"' not in admin.get(own).content.decode()
    admin.post(own, {"reason": "x"})
    with tenant_context(alpha.tenant):
        alpha.users["municipal_admin"].refresh_from_db()
        assert alpha.users["municipal_admin"].is_active
    assert admin.get(f"{URL}999999/access/").status_code == 404


def test_the_platform_host_has_no_people_page(operator) -> None:  # type: ignore[no-untyped-def]
    assert operator_client(operator).get(URL).status_code == 404


def test_the_people_page_costs_the_same_queries_for_5_or_25_people(
    alpha: World,
    django_assert_max_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    admin = client_for(alpha, "municipal_admin")
    admin.get(URL)
    with django_assert_max_num_queries(8):
        assert admin.get(URL).status_code == 200
    with tenant_context(alpha.tenant):
        for number in range(20):
            user = User.objects.create_user(
                f"extra{number}@alpha.example", "x", role="partner_member"
            )
            TOTP.activate(user, generate_totp_secret())
    with django_assert_max_num_queries(8):
        assert admin.get(URL).status_code == 200
