"""Two tenants whose listed partners have the same ids: alpha's host shows alpha's partner
under that id, beta's partners that exist only in beta are 404 there, and no page, sitemap
or endpoint of alpha ever shows BETA-MARKER, to any persona."""

import pytest
from django.db import connection
from django.test import Client
from django_tenants.utils import tenant_context

from programmes.partners.models import Partner
from tests.conftest import PERSONAS, World, client_for
from tests.directory.conftest import EVERYTHING, account, award_win, certify, goal, listed

SAME_ID = 626262


@pytest.fixture
def colliding(alpha: World, beta: World) -> dict[str, int]:
    """In both tenants a listed partner with id SAME_ID that publishes everything, with the
    tenant's marker everywhere; in beta also SAME_ID + 1, which alpha does not have."""
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('partners_partner', 'id'), %s)",
                    [SAME_ID - 1],
                )
            partner = listed(
                f"{world.marker} listed",
                *EVERYTHING[1:],
                description={"da": f"{world.marker} text", "sv": f"{world.marker} text"},
                city=f"{world.marker} city",
            )
            assert partner.pk == SAME_ID
            goal(partner, f"{world.marker} goal")
            certify(partner, f"{world.marker} scheme")
            award_win(partner, f"{world.marker} award")
            account(partner, 2024, "12")
            if world is beta:
                assert listed(f"{world.marker} only in beta").pk == SAME_ID + 1
    return {"same": SAME_ID, "beta_only": SAME_ID + 1}


PATHS = [
    "/",
    "/directory/",
    "/directory/?q=marker",
    "/directory/{same}/",
    "/directory/{same}/alpha-marker-listed/",
    "/directory/{same}/beta-marker-listed/",
    "/directory/{beta_only}/",
    "/directory/{beta_only}/beta-marker-only-in-beta/",
    "/sitemap.xml",
    "/robots.txt",
    "/api/v1/directory/partners/",
    "/api/v1/directory/partners/{same}/",
    "/api/v1/directory/partners/{beta_only}/",
    "/api/v1/directory/programme/",
    "/partner-logos/{beta_only}/",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_directory(
    alpha: World,
    beta: World,
    colliding: dict[str, int],
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(14):
        response = client.get(path.format(**colliding))
    assert response.status_code in {200, 301, 302, 404}, (path, response.status_code)
    body = response.content.decode()
    assert beta.marker not in body
    if "{beta_only}" in path:
        assert response.status_code == 404
    if "{same}" in path and response.status_code == 200:
        assert alpha.marker in body


def test_the_same_id_leads_each_host_to_its_own_partner(
    alpha: World, beta: World, colliding: dict[str, int]
) -> None:
    alpha_page = Client(HTTP_HOST=alpha.host).get(f"/directory/{SAME_ID}/")
    beta_page = Client(HTTP_HOST=beta.host).get(f"/directory/{SAME_ID}/")
    assert alpha_page["Location"] == f"/directory/{SAME_ID}/alpha-marker-listed/"
    assert beta_page["Location"] == f"/directory/{SAME_ID}/beta-marker-listed/"
    # Beta's slug on alpha's host moves to alpha's partner, never shows beta's.
    moved = Client(HTTP_HOST=alpha.host).get(f"/directory/{SAME_ID}/beta-marker-listed/")
    assert moved.status_code == 301
    assert moved["Location"] == f"/directory/{SAME_ID}/alpha-marker-listed/"
    sitemap = Client(HTTP_HOST=beta.host).get("/sitemap.xml").content.decode()
    assert f"http://beta.localhost/directory/{SAME_ID + 1}/beta-marker-only-in-beta/" in sitemap
    assert "alpha" not in sitemap
    with tenant_context(alpha.tenant):
        assert not Partner.objects.filter(pk=SAME_ID + 1).exists()
