"""The widget of two tenants whose partners, award rounds and settings have the same ids:
alpha's widget pages and data show alpha's, never beta's, to every persona."""

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from programmes.partners.models import Partner
from tests.conftest import PERSONAS, World, client_for
from tests.widget.conftest import allow, make_public

SAME_ID = 616161

PATHS = [
    "/manage/widget/",
    "/manage/widget/?lang=en&show=count&show=partners&show=winners&heading_level=3",
    "/widget/frame/",
    "/widget/frame/?lang=en",
    "/widget/embed.js",
    "/api/v1/widget/",
    "/api/v1/widget/?lang=sv",
]


@pytest.fixture
def colliding(alpha: World, beta: World) -> None:
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            with connection.cursor() as cursor:
                for table in ("partners_partner", "awards_awardround"):
                    cursor.execute(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), %s)",
                        [SAME_ID - 1],
                    )
            public = make_public(world)
            assert public.listed.pk == SAME_ID
        allow(world, f"https://www.{world.slug}.example")


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_widget_with_the_same_ids(
    alpha: World,
    beta: World,
    colliding: None,
    path: str,
    persona: str | None,
    django_assert_max_num_queries,
) -> None:
    client = client_for(alpha, persona)
    with django_assert_max_num_queries(12):
        response = client.get(path, HTTP_ORIGIN="https://www.beta.example")
    assert response.status_code in {200, 302, 403}, (path, response.status_code)
    body = response.content.decode()
    assert beta.marker not in body and "beta.example" not in body
    assert "Access-Control-Allow-Origin" not in response
    if response.status_code == 200 and "embed.js" not in path:
        assert alpha.marker in body
    with tenant_context(beta.tenant):
        assert Partner.objects.filter(pk=SAME_ID, name__startswith=beta.marker).exists()
