"""Two tenants whose partners and verifications have the same ids: every symbol page, file
and endpoint of alpha shows alpha's partner and code only, to every persona; a code of
beta's partner on alpha's host is 404; beta's cached PNG never reaches alpha."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.symbols import services
from programmes.symbols.models import SymbolVerification
from tests.conftest import PERSONAS, World, client_for
from tests.symbols.conftest import own_partner, svg_title

SAME_ID = 626262


@pytest.fixture
def codes(alpha: World, beta: World) -> dict[str, str]:
    """Both tenants' first partners have a verification with id SAME_ID (their partner ids
    collide already); returns each tenant's code."""
    found = {}
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('symbols_symbolverification', 'id'), %s)",
                    [SAME_ID - 1],
                )
            verification = services.verification_ensure(actor=None, partner=own_partner(world))
            assert verification.pk == SAME_ID
            found[world.slug] = verification.code
    with tenant_context(alpha.tenant):
        alpha_partner = own_partner(alpha).pk
    with tenant_context(beta.tenant):
        assert own_partner(beta).pk == alpha_partner
    return found


PATHS = [
    "/my-partnership/symbol/",
    "/my-partnership/symbol.svg",
    "/my-partnership/symbol.svg?inline=1&language=sv",
    "/my-partnership/symbol-web.png",
    "/my-partnership/symbol-qr.svg",
    "/partners/{partner}/symbol/",
    "/verify/{alpha}/",
    "/api/v1/partner-symbol/",
    "/api/v1/partner-symbol/svg/",
    "/api/v1/partner-symbol/qr/",
    "/api/v1/symbol-verifications/{alpha}/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_symbol_or_code(
    alpha: World,
    beta: World,
    codes: dict[str, str],
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha).pk
    # Beta's people fetch their own first: their PNG and codes are in beta's cache and rows.
    for beta_path in ("/my-partnership/symbol/", "/my-partnership/symbol-web.png"):
        client_for(beta, "partner_admin").get(beta_path)
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path.format(partner=partner, **codes))
    assert response.status_code in {200, 302, 401, 403, 404}, (path, response.status_code)
    body = response.content.decode(errors="replace")
    assert beta.marker not in body
    assert codes["beta"] not in body
    if response.status_code == 200 and "png" not in path:
        assert alpha.marker in body or "qr" in path
    if "/verify/" in path or "symbol-verifications" in path:
        assert response.status_code == 200


@pytest.mark.parametrize("path", ["/verify/{beta}/", "/api/v1/symbol-verifications/{beta}/"])
@pytest.mark.parametrize("persona", [None, "municipal_admin", "partner_admin"])
def test_a_code_of_betas_partner_is_404_on_alphas_host(
    alpha: World, beta: World, codes: dict[str, str], path: str, persona: str | None
) -> None:
    response = client_for(alpha, persona).get(path.format(**codes))
    assert response.status_code == 404
    assert beta.marker not in response.content.decode()
    # On beta's own host it is beta's partner.
    own = client_for(beta).get(path.format(**codes))
    assert own.status_code == 200 and beta.marker in own.content.decode()


def test_the_same_symbol_request_gives_each_tenant_its_own_partner(
    alpha: World, beta: World, codes: dict[str, str]
) -> None:
    for world, other in ((alpha, beta), (beta, alpha)):
        client = client_for(world, "partner_admin")
        svg = client.get("/my-partnership/symbol.svg").content
        assert svg_title(svg).startswith(f"{world.marker} partner")
        assert other.marker.encode() not in svg
        page = client.get("/my-partnership/symbol/").content.decode()
        assert f"/verify/{codes[world.slug]}/" in page
        assert f"{world.slug}.localhost" in page
        assert codes[other.slug] not in page


def test_alphas_staff_replace_only_alphas_code(
    alpha: World, beta: World, codes: dict[str, str]
) -> None:
    with tenant_context(alpha.tenant):
        partner = own_partner(alpha).pk
    client_for(alpha, "municipal_admin").post(f"/partners/{partner}/symbol/", {"reason": "leaked"})
    with tenant_context(beta.tenant):
        assert SymbolVerification.objects.get(pk=SAME_ID).code == codes["beta"]
    with tenant_context(alpha.tenant):
        assert SymbolVerification.objects.get(pk=SAME_ID).code != codes["alpha"]
    assert client_for(beta).get(f"/verify/{codes['beta']}/").status_code == 200
