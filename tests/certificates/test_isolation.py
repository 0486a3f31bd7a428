"""Certificates of two tenants with the same ids: every page, endpoint and document of alpha
shows alpha's, never beta's (markers in numbers, schemes, rules and files)."""

import pytest
from django.core.files.base import ContentFile
from django_tenants.utils import tenant_context

from programmes.certificates.models import Certificate
from tests.certificates.conftest import PDF, make_catalogue, rule
from tests.conftest import PERSONAS, World, client_for

SAME_ID = 424242


@pytest.fixture
def colliding(alpha: World, beta: World) -> None:
    for world in (alpha, beta):
        with tenant_context(world.tenant):
            catalogue = make_catalogue(world)
            rule(catalogue.lighthouse, text=f"{world.marker} rule")
            certificate = catalogue.certificate(
                pk=SAME_ID, number=f"{world.marker} number", issuing_body=f"{world.marker} body"
            )
            certificate.document.save(
                "certificates/same.pdf", ContentFile(PDF + world.marker.encode())
            )


PATHS = [
    "/my-partnership/certificates/",
    f"/my-partnership/certificates/{SAME_ID}/",
    f"/my-partnership/certificates/{SAME_ID}/delete/",
    "/partners/certificates/",
    "/partners/certificates/partner/1/",
    f"/certificates/{SAME_ID}/document/",
    "/api/v1/certificates/",
    f"/api/v1/certificates/{SAME_ID}/",
    "/api/v1/certificates/compliance/",
    "/api/v1/certificates/compliance/?partner=1",
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("persona", [None, *(persona for persona, _ in PERSONAS)])
def test_alpha_never_shows_betas_certificate_with_the_same_id(
    alpha: World, beta: World, colliding: None, path: str, persona: str | None
) -> None:
    response = client_for(alpha, persona).get(path)
    assert response.status_code in {200, 302, 401, 403, 404}
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert beta.marker.encode() not in content
    owners = {"partner_admin", "partner_member", "municipal_admin", "municipal_staff"}
    if persona in owners and path in {
        f"/certificates/{SAME_ID}/document/",
        "/api/v1/certificates/",
    }:
        assert response.status_code == 200
        assert alpha.marker.encode() in content


def test_a_document_of_beta_is_not_on_alphas_disk_path(
    alpha: World, beta: World, colliding
) -> None:
    with tenant_context(alpha.tenant):
        alpha_path = Certificate.objects.get(pk=SAME_ID).document.path
    with tenant_context(beta.tenant):
        beta_path = Certificate.objects.get(pk=SAME_ID).document.path
    assert "/alpha/" in alpha_path and "/beta/" in beta_path
    assert alpha_path != beta_path
