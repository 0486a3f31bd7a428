"""Time-limited support access of operators to a tenant: asked for with a reason on the
platform, entered with a one-time token on the tenant's host, visible to (and ended by) the
tenant's admins, audited in both trails (tenants/support)."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from programmes.core.models import AuditEvent
from programmes.people.models import Role, User
from programmes.people.services import user_create
from tenants.support import services
from tenants.support.middleware import SESSION_GRANT_KEY
from tenants.support.models import SupportGrant
from tests.conftest import PASSWORD, World, client_for, operator_client, sign_in

REASON = "Help with the invoice import"


def open_grant(world: World, operator: User, *, minutes: int = 60) -> SupportGrant:
    with schema_context("public"):
        return services.support_grant_open(
            actor=operator, tenant=world.tenant, reason=REASON, minutes=minutes
        )


def entry_path(operator: User, grant: SupportGrant, world: World) -> str:
    """Open the tenant on the platform: the tenant-host path with a fresh token."""
    response = operator_client(operator).post(f"/tenants/{world.slug}/support/{grant.pk}/enter/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.hostname == world.host
    assert location.path.startswith("/support/enter/")
    return location.path


def entered_client(world: World, operator: User, grant: SupportGrant) -> Client:
    client = Client(HTTP_HOST=world.host, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get(entry_path(operator, grant, world))
    assert response.status_code == 302
    assert response["Location"] == "/partners/"
    return client


def audit_actions(world: World | None) -> list[str]:
    """The support entries of the operators' trail (None) or of a tenant's, sorted."""
    if world is None:
        with schema_context("public"):
            return sorted(
                AuditEvent.objects.filter(action__startswith="support.").values_list(
                    "action", flat=True
                )
            )
    with tenant_context(world.tenant):
        return sorted(
            AuditEvent.objects.filter(action__startswith="support.").values_list(
                "action", flat=True
            )
        )


def refresh(grant: SupportGrant) -> SupportGrant:
    with schema_context("public"):
        return SupportGrant.objects.get(pk=grant.pk)


# --- Asking for access on the platform -----------------------------------------------------


def test_an_operator_asks_for_support_access_with_a_reason(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    with django_assert_max_num_queries(14):
        response = client.post("/tenants/alpha/support/", {"reason": REASON, "minutes": "30"})
    assert response.status_code == 302
    assert response["Location"] == "/tenants/alpha/"
    with schema_context("public"):
        grant = SupportGrant.objects.get(tenant=alpha.tenant)
    assert grant.operator_id == operator.pk
    assert grant.reason == REASON
    assert grant.is_open
    assert (
        dt.timedelta(minutes=29) < grant.expires_at - grant.created_at <= dt.timedelta(minutes=30)
    )
    # Recorded in the operators' trail and in the tenant's own.
    assert audit_actions(None) == ["support.granted"]
    assert audit_actions(alpha) == ["support.granted"]
    with tenant_context(alpha.tenant):
        entry = AuditEvent.objects.get(action="support.granted")
    assert entry.actor is None
    assert entry.actor_label == f"operator {operator.email}"
    assert entry.reason == REASON


@pytest.mark.parametrize(
    "data",
    [
        {"reason": "", "minutes": "60"},
        {"reason": "   ", "minutes": "60"},
        {"reason": REASON, "minutes": "5"},
        {"reason": REASON, "minutes": "600"},
        {"reason": REASON},
    ],
)
def test_asking_needs_a_reason_and_a_duration_from_the_list(
    alpha: World, operator: User, data: dict[str, str]
) -> None:
    response = operator_client(operator).post("/tenants/alpha/support/", data)
    assert response.status_code == 400
    assert 'aria-describedby="id_' in response.content.decode()
    with schema_context("public"):
        assert not SupportGrant.objects.exists()


def test_the_service_refuses_tenant_users_and_bad_durations(alpha: World, operator: User) -> None:
    admin = alpha.users["municipal_admin"]
    with tenant_context(alpha.tenant), pytest.raises(PermissionDenied):
        services.support_grant_open(actor=admin, tenant=alpha.tenant, reason=REASON, minutes=60)
    with schema_context("public"), pytest.raises(ValidationError) as error:
        services.support_grant_open(actor=operator, tenant=alpha.tenant, reason="", minutes=1)
    assert set(error.value.message_dict) == {"reason", "minutes"}


def test_one_open_grant_per_operator_and_tenant(alpha: World, operator: User) -> None:
    open_grant(alpha, operator)
    response = operator_client(operator).post(
        "/tenants/alpha/support/", {"reason": REASON, "minutes": "60"}
    )
    assert response.status_code == 400
    with schema_context("public"):
        assert SupportGrant.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    client = Client(HTTP_HOST="localhost")
    for method, path in [
        ("get", "/tenants/alpha/support/"),
        ("post", "/tenants/alpha/support/"),
        ("post", f"/tenants/alpha/support/{grant.pk}/enter/"),
        ("get", f"/tenants/alpha/support/{grant.pk}/end/"),
    ]:
        response = getattr(client, method)(
            path, {"reason": REASON, "minutes": "60"} if method == "post" else None
        )
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/login/")
    with schema_context("public"):
        assert SupportGrant.objects.count() == 1


def test_tenant_users_cannot_ask_even_with_colliding_ids(alpha: World, operator: User) -> None:
    # alpha's admin session (user id 1, like the operator) replayed on the platform host.
    client = client_for(alpha, "municipal_admin")
    client.defaults["HTTP_HOST"] = "localhost"
    response = client.post("/tenants/alpha/support/", {"reason": REASON, "minutes": "60"})
    assert response.status_code in {302, 401, 403}
    with schema_context("public"):
        assert not SupportGrant.objects.exists()


def test_the_console_shows_the_section_and_the_grants(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    grant = open_grant(alpha, operator)
    client = operator_client(operator)
    with django_assert_max_num_queries(6):
        detail = client.get("/tenants/alpha/")
    page = detail.content.decode()
    assert detail.status_code == 200
    assert 'id="support-access-title"' in page
    assert REASON in page
    assert f"/tenants/alpha/support/{grant.pk}/enter/" in page
    with django_assert_max_num_queries(6):
        listing = client.get("/tenants/alpha/support/")
    assert listing.status_code == 200
    assert REASON in listing.content.decode()


def test_the_console_pages_of_an_unknown_tenant_are_404(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    client = operator_client(operator)
    assert client.get("/tenants/nope/support/").status_code == 404
    assert client.post(f"/tenants/beta/support/{grant.pk}/enter/").status_code == 404
    assert client.get(f"/tenants/beta/support/{grant.pk}/end/").status_code == 404


# --- Entering the tenant -------------------------------------------------------------------


def test_entering_signs_in_as_the_support_user_with_staff_powers(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    grant = open_grant(alpha, operator)
    client = entered_client(alpha, operator, grant)
    with tenant_context(alpha.tenant):
        user = User.objects.get(email=f"support+{operator.pk}@{django_settings.PLATFORM_DOMAIN}")
        session = client.session
        assert session[SESSION_GRANT_KEY] == grant.pk
        assert abs((session.get_expiry_date() - grant.expires_at).total_seconds()) < 1
    assert user.role == Role.MUNICIPAL_STAFF
    assert user.full_name == "Klimapartner support (PLATFORM-MARKER operator)"
    assert not user.has_usable_password()
    # The staff workspace, without being asked for a second factor; the banner says who.
    # The staff page's own (its lists made, not yet cached), plus the grant check.
    with django_assert_max_num_queries(12):
        response = client.get("/partners/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Support access by PLATFORM-MARKER operator (operator@platform.example) until" in page
    assert REASON in page
    assert "ALPHA-MARKER partner" in page
    # Staff powers, not admin ones.
    assert client.get("/manage/people/").status_code == 403
    assert client.get("/manage/support-access/").status_code == 403
    assert refresh(grant).tenant_user_id == user.pk
    assert audit_actions(alpha) == ["support.entered", "support.granted"]
    assert audit_actions(None) == ["support.entered", "support.granted"]
    with tenant_context(alpha.tenant):
        assert AuditEvent.objects.get(action="support.entered").actor_id == user.pk


def test_the_token_works_once(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    path = entry_path(operator, grant, alpha)
    assert Client(HTTP_HOST=alpha.host).get(path).status_code == 302
    second = Client(HTTP_HOST=alpha.host)
    assert second.get(path).status_code == 404
    assert second.get("/partners/").status_code == 302  # not signed in


def test_the_token_is_refused_after_a_minute(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    with schema_context("public"):
        token = services.support_entry_issue(
            actor=operator, grant=grant, now=timezone.now() - dt.timedelta(seconds=61)
        )
    response = Client(HTTP_HOST=alpha.host).get(f"/support/enter/{token}/")
    assert response.status_code == 404
    with tenant_context(alpha.tenant):
        assert not User.objects.filter(email__startswith="support+").exists()


def test_a_token_of_alpha_is_refused_on_beta(alpha: World, beta: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    path = entry_path(operator, grant, alpha)
    client = Client(HTTP_HOST=beta.host)
    response = client.get(path)
    assert response.status_code == 404
    assert "ALPHA-MARKER" not in response.content.decode()
    assert client.get("/partners/").status_code == 302  # not signed in on beta
    with tenant_context(beta.tenant):
        assert not User.objects.filter(email__startswith="support+").exists()
    # Still unused on its own tenant.
    assert Client(HTTP_HOST=alpha.host).get(path).status_code == 302


def test_no_entry_after_the_grant_ended_or_expired(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    path = entry_path(operator, grant, alpha)
    with schema_context("public"):
        services.support_grant_end(actor=operator, grant=grant, reason="Done")
    assert Client(HTTP_HOST=alpha.host).get(path).status_code == 404
    # Ended: "Open the tenant" gives no new token.
    response = operator_client(operator).post(f"/tenants/alpha/support/{grant.pk}/enter/")
    assert response.status_code == 302
    assert response["Location"] == "/tenants/alpha/support/"

    other = open_grant(alpha, operator)
    path = entry_path(operator, other, alpha)
    with schema_context("public"):
        SupportGrant.objects.filter(pk=other.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    assert Client(HTTP_HOST=alpha.host).get(path).status_code == 404


def test_only_the_grants_own_operator_can_enter(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    with schema_context("public"):
        colleague = user_create(
            actor=None, email="colleague@platform.example", password=PASSWORD, role=Role.OPERATOR
        )
    client = Client(HTTP_HOST="localhost")
    with schema_context("public"):
        sign_in(client, colleague)
    assert client.post(f"/tenants/alpha/support/{grant.pk}/enter/").status_code == 403
    assert "Open the tenant" not in client.get("/tenants/alpha/support/").content.decode()


def test_the_session_ends_when_the_grant_expires(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    client = entered_client(alpha, operator, grant)
    assert client.get("/partners/").status_code == 200
    with schema_context("public"):
        SupportGrant.objects.filter(pk=grant.pk).update(
            expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
    response = client.get("/partners/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "support access has ended" in client.get(response["Location"]).content.decode()
    # Signed out for good: the next request is anonymous.
    assert client.get("/partners/").status_code == 302
    assert client.get("/api/v1/partners/").status_code in {401, 403}


def test_a_new_grant_is_entered_from_the_browser_of_an_ended_one(
    alpha: World, operator: User
) -> None:
    grant = open_grant(alpha, operator)
    client = entered_client(alpha, operator, grant)
    with schema_context("public"):
        services.support_grant_end(actor=operator, grant=grant, reason="Done")
    other = open_grant(alpha, operator)
    entered_again = client.get(entry_path(operator, other, alpha))
    assert entered_again.status_code == 302
    assert entered_again["Location"] == "/partners/"
    assert client.get("/partners/").status_code == 200
    with tenant_context(alpha.tenant):
        assert client.session[SESSION_GRANT_KEY] == other.pk


def test_other_sessions_show_no_banner(alpha: World) -> None:
    page = client_for(alpha, "municipal_staff").get("/partners/").content.decode()
    assert "support-banner" not in page


def test_the_support_session_cannot_change_the_accounts_credentials(
    alpha: World, operator: User
) -> None:
    client = entered_client(alpha, operator, open_grant(alpha, operator))
    for path in [
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/2fa/",
        "/accounts/email/",
    ]:
        assert client.get(path).status_code == 403, path
    assert client.post("/api/v1/auth/token/", {}).status_code == 403


# --- The tenant's admins -------------------------------------------------------------------


def test_municipal_admins_see_the_grants(
    alpha: World, beta: World, operator: User, django_assert_max_num_queries
) -> None:
    grant = open_grant(alpha, operator)
    client = client_for(alpha, "municipal_admin")
    with django_assert_max_num_queries(6):
        response = client.get("/manage/support-access/")
    assert response.status_code == 200
    page = response.content.decode()
    assert REASON in page
    assert "PLATFORM-MARKER operator" in page  # the admins see who it is
    assert f"/manage/support-access/{grant.pk}/end/" in page
    # beta's admins see nothing of it, and the same id is a 404 there.
    beta_client = client_for(beta, "municipal_admin")
    beta_page = beta_client.get("/manage/support-access/").content.decode()
    assert REASON not in beta_page
    assert "ALPHA-MARKER" not in beta_page
    assert "PLATFORM-MARKER" not in beta_page
    assert beta_client.get(f"/manage/support-access/{grant.pk}/end/").status_code == 404
    assert (
        beta_client.post(f"/manage/support-access/{grant.pk}/end/", {"reason": "x"}).status_code
        == 404
    )
    assert refresh(grant).is_open


@pytest.mark.parametrize(
    "persona", ["municipal_staff", "partner_admin", "partner_member", "other_partner_member"]
)
def test_other_roles_cannot_see_or_end_grants(alpha: World, operator: User, persona: str) -> None:
    grant = open_grant(alpha, operator)
    client = client_for(alpha, persona)
    assert client.get("/manage/support-access/").status_code == 403
    assert (
        client.post(f"/manage/support-access/{grant.pk}/end/", {"reason": "x"}).status_code == 403
    )
    assert refresh(grant).is_open


def test_anonymous_visitors_of_the_tenant_are_sent_to_sign_in(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    client = Client(HTTP_HOST=alpha.host)
    for path in ["/manage/support-access/", f"/manage/support-access/{grant.pk}/end/"]:
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_admin_ends_a_grant_and_the_support_session_with_it(
    alpha: World, operator: User, django_assert_max_num_queries
) -> None:
    grant = open_grant(alpha, operator)
    support = entered_client(alpha, operator, grant)
    admin = client_for(alpha, "municipal_admin")
    assert admin.get(f"/manage/support-access/{grant.pk}/end/").status_code == 200
    assert admin.post(f"/manage/support-access/{grant.pk}/end/", {"reason": ""}).status_code == 400
    with django_assert_max_num_queries(18):
        response = admin.post(
            f"/manage/support-access/{grant.pk}/end/", {"reason": "Not needed any more"}
        )
    assert response.status_code == 302
    assert response["Location"] == "/manage/support-access/"
    grant = refresh(grant)
    assert not grant.is_open
    assert grant.ended_by == f"municipal admin {alpha.email('municipal_admin')}"
    assert grant.end_reason == "Not needed any more"
    # The support session is over, and the account cannot sign in.
    response = support.get("/partners/")
    assert response.status_code == 302
    with tenant_context(alpha.tenant):
        assert not User.objects.get(pk=grant.tenant_user_id).is_active
        ended = AuditEvent.objects.get(action="support.ended")
    assert ended.actor_id == alpha.users["municipal_admin"].pk
    with schema_context("public"):
        public = AuditEvent.objects.get(action="support.ended")
    assert public.actor is None
    assert public.actor_label.startswith("municipal admin municipal-admin@alpha.example")
    # Ending twice is refused with a message, not an error.
    again = admin.post(f"/manage/support-access/{grant.pk}/end/", {"reason": "again"})
    assert again.status_code in {200, 400}


def test_the_admins_see_the_entries_in_their_audit_log(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    entered_client(alpha, operator, grant)
    page = client_for(alpha, "municipal_admin").get("/manage/audit/").content.decode()
    assert "support.granted" in page
    assert "support.entered" in page


def test_an_operator_ends_a_grant_from_the_console(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    support = entered_client(alpha, operator, grant)
    response = operator_client(operator).post(
        f"/tenants/alpha/support/{grant.pk}/end/", {"reason": "Solved"}
    )
    assert response.status_code == 302
    assert refresh(grant).ended_by == f"operator {operator.email}"
    assert support.get("/partners/").status_code == 302
    with tenant_context(alpha.tenant):
        assert (
            AuditEvent.objects.get(action="support.ended").actor_label
            == f"operator {operator.email}"
        )


# --- The middleware's cost -----------------------------------------------------------------


def test_the_support_middleware_costs_no_query_for_other_sessions(alpha: World, settings) -> None:
    def count() -> int:
        client = client_for(alpha, "municipal_staff")
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/partners/").status_code == 200
        return len(queries)

    count()  # warm the caches (the host's tenant) so both counts start alike
    with_middleware = count()
    settings.MIDDLEWARE = [
        name
        for name in settings.MIDDLEWARE
        if name != "tenants.support.middleware.SupportSessionMiddleware"
    ]
    assert count() == with_middleware


# --- The operator API ----------------------------------------------------------------------


def test_operators_ask_list_and_end_through_the_api(
    alpha: World, beta: World, operator: User, django_assert_max_num_queries
) -> None:
    client = operator_client(operator)
    response = client.post(
        "/api/v1/support-grants/",
        {"tenant": "alpha", "reason": REASON, "minutes": 15},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["tenant"], body["reason"], body["is_open"]) == ("alpha", REASON, True)
    with django_assert_max_num_queries(6):
        listing = client.get("/api/v1/support-grants/?tenant=alpha")
    assert listing.status_code == 200
    assert [item["id"] for item in listing.json()["results"]] == [body["id"]]
    assert client.get("/api/v1/support-grants/?tenant=beta").json()["results"] == []
    ended = client.post(
        f"/api/v1/support-grants/{body['id']}/end/",
        {"reason": "Solved"},
        content_type="application/json",
    )
    assert ended.status_code == 200
    assert ended.json()["is_open"] is False
    again = client.post(
        f"/api/v1/support-grants/{body['id']}/end/",
        {"reason": "Solved"},
        content_type="application/json",
    )
    assert again.status_code == 400


@pytest.mark.parametrize(
    "data",
    [
        {"tenant": "alpha", "reason": ""},
        {"tenant": "alpha", "reason": REASON, "minutes": 5},
        {"tenant": "alpha", "reason": REASON, "minutes": 481},
        {"tenant": "nope", "reason": REASON},
        {"reason": REASON},
    ],
)
def test_the_api_refuses_bad_input(alpha: World, operator: User, data: dict[str, object]) -> None:
    response = operator_client(operator).post(
        "/api/v1/support-grants/", data, content_type="application/json"
    )
    assert response.status_code == 400
    with schema_context("public"):
        assert not SupportGrant.objects.exists()


def test_the_api_is_for_operators_only(alpha: World, operator: User) -> None:
    grant = open_grant(alpha, operator)
    replayed = client_for(alpha, "municipal_admin")
    replayed.defaults["HTTP_HOST"] = "localhost"
    for client in (Client(HTTP_HOST="localhost"), replayed):
        assert client.get("/api/v1/support-grants/").status_code in {401, 403}
        assert client.post(
            "/api/v1/support-grants/",
            {"tenant": "alpha", "reason": REASON},
            content_type="application/json",
        ).status_code in {401, 403}
        assert client.post(
            f"/api/v1/support-grants/{grant.pk}/end/",
            {"reason": "x"},
            content_type="application/json",
        ).status_code in {401, 403}
    # Not served on tenant hosts.
    assert client_for(alpha, "municipal_admin").get("/api/v1/support-grants/").status_code == 404
    assert refresh(grant).is_open


def test_deleting_a_tenant_user_with_the_operators_id_leaves_grants_alone(
    alpha: World, operator: User
) -> None:
    # Grants are read through the search path: a tenant user deletion must not reach them.
    grant = open_grant(alpha, operator)
    with tenant_context(alpha.tenant):
        deleted, _by_model = User.objects.filter(pk=operator.pk).delete()
    assert deleted  # alpha has a user with the operator's id (ids collide)
    assert refresh(grant).operator_id == operator.pk
