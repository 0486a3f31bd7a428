"""Isolation between tenants: pages, API, cache, sessions and tasks of one tenant never
see another's data. Two tenants with colliding ids and marker strings (see conftest)."""

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context
from rest_framework.authtoken.models import Token

from programmes.configuration.views import SECTIONS
from programmes.people.models import User
from tests.conftest import PERSONAS, World, client_for

CONFIGURATION_API = [
    "programme",
    "contacts",
    "fee-schedules",
    "tiers",
    "certification-schemes",
    "certification-rules",
    "obligations",
    "signing-rounds",
    "award-categories",
    "annual-wheel",
    "assessment-questions",
    "privacy-statements",
]
TENANT_PAGES = [
    "/",
    # Public visibility (issue 8)
    "/directory/",
    "/directory/1/",
    "/directory/1/x/",
    "/sitemap.xml",
    "/robots.txt",
    "/api/v1/directory/partners/",
    "/api/v1/directory/partners/1/",
    "/api/v1/directory/programme/",
    "/my-partnership/symbol/",
    "/my-partnership/symbol.svg",
    "/my-partnership/symbol-web.png",
    "/my-partnership/symbol-qr.svg",
    "/partners/1/symbol/",
    "/verify/not-a-code-0000000000/",
    "/api/v1/partner-symbol/",
    "/api/v1/partner-symbol/svg/",
    "/api/v1/partner-symbol/qr/",
    "/api/v1/symbol-verifications/not-a-code-0000000000/",
    "/manage/widget/",
    "/widget/frame/",
    "/widget/embed.js",
    "/api/v1/widget/",
    "/actions/manage/",
    "/actions/manage/1/",
    "/actions/manage/1/edit/",
    "/actions/manage/1/publish/",
    "/actions/manage/library/",
    "/my-partnership/actions/",
    "/my-partnership/actions/1/goal/",
    "/api/v1/actions/",
    "/api/v1/actions/1/",
    "/api/v1/library/",
    "/manage/audit/",
    "/manage/audit/export.csv",
    # Security and privacy (issue 9). The personal-data export itself (/my-data/export.json,
    # /api/v1/me/data/) reads every model of the privacy registry: its own isolation and query
    # guards are in tests/privacy/test_export.py.
    "/manage/people/",
    "/manage/people/1/access/",
    "/accounts/2fa/",
    "/accounts/2fa/webauthn/",
    "/accounts/sessions/",
    "/accounts/3rdparty/",
    "/my-data/",
    "/manage/privacy/retention/",
    "/manage/privacy/erase/",
    "/api/v1/privacy/retention/",
    # Operations (issue 10): branding, support access.
    "/branding.css",
    "/branding/logo/",
    "/manage/support-access/",
    "/manage/support-access/1/end/",
    "/support/enter/not-a-token/",
    # The library's moderation lives on the platform host only: 404 here.
    "/library/",
    "/api/v1/library-actions/",
    "/accounts/login/",
    "/accounts/password/reset/",
    "/api/v1/people/",
    "/api/v1/people/me/",
    "/api/v1/invitations/",
    "/api/schema/",
    "/api/docs/",
    "/invitations/not-a-token/",
    "/accounts/logout/",
    "/programme/symbol/",
    "/programme/guidelines/",
    "/manage/",
    "/manage/profile/",
    "/manage/files/",
    "/manage/privacy/",
    "/manage/privacy/new/",
    "/manage/fees/new/",
    "/manage/awards/new/",
    "/manage/contacts/1/",
    "/manage/signing-rounds/1/",
    "/api/v1/contacts/1/",
    "/api/v1/signing-rounds/1/",
    "/apply/",
    "/my-partnership/",
    "/my-partnership/profile/",
    "/my-partnership/assessment/",
    "/my-partnership/goals/",
    "/my-partnership/follow-up/",
    "/partners/follow-ups/",
    "/partners/follow-ups/1/",
    "/api/v1/follow-ups/",
    "/api/v1/goals/",
    "/api/v1/goals/1/",
    "/api/v1/follow-ups/1/",
    "/partner-logos/1/",
    # Invoicing (404 in these free programmes; tests/invoicing/test_isolation.py bills both).
    "/invoicing/",
    "/my-partnership/invoices/",
    "/api/v1/invoices/",
    "/api/v1/billing-details/1/",
    # Network life (each app's own isolation tests force colliding ids with data).
    "/events/",
    "/events/1/",
    "/events/participation/",
    "/my-partnership/events/",
    "/calendar.ics",
    "/api/v1/events/",
    "/api/v1/event-registrations/",
    "/matchmaking/",
    "/my-partnership/matchmaking/",
    "/api/v1/matchmaking-sessions/",
    "/awards/",
    "/awards/manage/",
    "/awards/jury/",
    "/my-partnership/awards/",
    "/api/v1/award-winners/",
    "/api/v1/award-rounds/",
    "/announcements/",
    "/my-partnership/inbox/",
    "/my-partnership/notifications/",
    "/api/v1/announcements/",
    "/api/v1/inbox/",
    "/partners/",
    "/partners/import/",
    "/partners/import/template.xlsx",
    "/partners/import/template.csv",
    "/partners/1/",
    "/api/v1/partners/",
    "/api/v1/partners/1/",
    "/api/v1/partners/1/timeline/",
    "/my-partnership/commitment.pdf",
    "/partners/1/commitment.pdf",
    "/api/v1/partners/1/commitment/",
    "/dashboard/",
    "/dashboard/partners.csv",
    "/dashboard/reductions.xlsx",
    "/figures/",
    "/figures/emissions.csv",
    "/figures/target.xlsx",
    "/api/v1/figures/",
    "/my-partnership/climate/",
    "/my-partnership/climate/new/",
    "/my-partnership/climate/2025/",
    "/my-partnership/climate/import/",
    "/my-partnership/climate/import/template.xlsx",
    "/my-partnership/climate/import/template.csv",
    "/partners/1/climate/",
    "/partners/1/climate/new/",
    "/partners/1/climate/2025/",
    "/partners/climate-import/",
    "/partners/climate-import/template.xlsx",
    "/partners/climate-import/template.csv",
    "/api/v1/climate-accounts/",
    "/api/v1/climate-accounts/1/",
    "/my-partnership/certificates/",
    "/my-partnership/certificates/new/",
    "/my-partnership/certificates/1/",
    "/my-partnership/certificates/1/delete/",
    "/partners/certificates/",
    "/partners/certificates/partner/1/",
    "/certificates/1/document/",
    "/api/v1/certificates/",
    "/api/v1/certificates/1/",
    "/api/v1/certificates/compliance/",
    *(f"/manage/{slug}/" for slug in SECTIONS),
    *(f"/manage/{slug}/new/" for slug, section in SECTIONS.items() if section.form),
    *(f"/api/v1/{name}/" for name in CONFIGURATION_API),
]


def test_the_two_test_tenants_have_colliding_user_ids(alpha: World, beta: World) -> None:
    for persona, _role in PERSONAS:
        assert alpha.users[persona].pk == beta.users[persona].pk


@pytest.mark.parametrize("path", TENANT_PAGES)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_no_page_of_alpha_shows_a_marker_of_beta(
    alpha: World, beta: World, path: str, persona: str | None, django_assert_max_num_queries
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path)
    assert response.status_code in {200, 302, 401, 403, 404}, (path, response.status_code)
    # Downloads (XLSX, PDF) are bytes, some streamed: markers are looked for all the same.
    content = b"".join(response.streaming_content) if response.streaming else response.content
    body = content.decode(errors="replace")
    assert beta.marker not in body
    assert "PLATFORM-MARKER" not in body


def test_a_staff_member_lists_only_people_of_their_own_tenant(alpha: World, beta: World) -> None:
    response = client_for(beta, "municipal_admin").get("/api/v1/people/")
    assert response.status_code == 200
    emails = {person["email"] for person in response.json()["results"]}
    assert emails == {beta.email(persona) for persona, _ in PERSONAS}


def test_a_session_of_alpha_replayed_on_betas_host_is_refused(alpha: World, beta: World) -> None:
    alpha_client = client_for(alpha, "municipal_admin")
    assert alpha_client.get("/api/v1/people/me/").json()["email"] == alpha.email("municipal_admin")
    # Same cookie jar, other tenant's host: the session key does not exist in beta's schema,
    # although a user with the same id does.
    alpha_client.defaults["HTTP_HOST"] = beta.host
    response = alpha_client.get("/api/v1/people/me/")
    assert response.status_code == 401
    assert beta.marker not in response.content.decode()


def test_a_token_of_alpha_is_refused_on_betas_host(alpha: World, beta: World) -> None:
    with tenant_context(alpha.tenant):
        token = Token.objects.create(user=alpha.users["municipal_admin"])
    client = client_for(beta)
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 401
    client = client_for(alpha)
    response = client.get("/api/v1/people/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200


def test_cache_entries_of_one_tenant_are_invisible_to_another(alpha: World, beta: World) -> None:
    with tenant_context(alpha.tenant):
        cache.set("programme-summary", alpha.marker)
    with tenant_context(beta.tenant):
        assert cache.get("programme-summary") is None
        cache.set("programme-summary", beta.marker)
    with tenant_context(alpha.tenant):
        assert cache.get("programme-summary") == alpha.marker


def test_users_of_one_schema_cannot_sign_in_on_another(alpha: World, beta: World) -> None:
    client = client_for(beta)
    response = client.post(
        "/accounts/login/", {"login": alpha.email("municipal_admin"), "password": "x" * 12}
    )
    assert response.status_code == 200
    with tenant_context(beta.tenant):
        assert not User.objects.filter(email=alpha.email("municipal_admin")).exists()
